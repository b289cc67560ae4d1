"""Conversations with an agent over the Agent WebSocket: the socket client, scripts and their expectations,
transcripts, and tests made from conversations (no terminal code)."""
