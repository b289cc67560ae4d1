"""``agents widget NAME --env ENV``: the HTML embed snippet of a synced agent.

Offline: the agent id comes from ``state/<env>.json``. Residency environments need the widget's
``server-location`` attribute, or the widget would talk to the global API where the agent does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.errors import ConfigError
from agents_cli.kinds import AGENT
from agents_cli.project.environments import RESIDENCY_BASE_URLS, Environment
from agents_cli.project.errors import NotDeclared

EMBED_SCRIPT = (
    '<script src="https://unpkg.com/@elevenlabs/convai-widget-embed" async type="text/javascript"></script>'
)


def server_location(environment: Environment) -> str | None:
    """The widget's ``server-location`` for this environment; None for the global API (the widget default).

    An explicit ``base_url`` that is one of the residency URLs counts as that residency; any other URL
    (a proxy, the emulator) has no widget location.
    """
    residency = environment.residency
    if environment.base_url:
        url = environment.base_url.rstrip("/")
        residency = next((name for name, known in RESIDENCY_BASE_URLS.items() if known == url), None)
    if residency is None or residency == "global":
        return None
    return residency


def snippet(agent_id: str, location: str | None) -> str:
    attributes = f'agent-id="{escape(agent_id)}"'
    if location:
        attributes += f' server-location="{escape(location)}"'
    return f"<elevenlabs-convai {attributes}></elevenlabs-convai>{EMBED_SCRIPT}"


@dataclass(frozen=True)
class WidgetRequest:
    name: str
    env: str | None = None


@dataclass(frozen=True)
class Widget:
    agent: str
    environment: str
    agent_id: str
    server_location: str | None
    html: str


def widget(app: AppContext, request: WidgetRequest) -> Widget:
    from agents_cli.project.state import load_state

    name = request.name
    project = shared.load(app)
    environment = project.environment(request.env)
    if project.get(AGENT.name, name) is None:
        raise NotDeclared(AGENT.name, [name], list(project.resources[AGENT.name]))
    entry = load_state(project.root, environment.name).get(AGENT.name, name)
    if entry is None:
        raise ConfigError(
            f"agent {name!r} has no remote id in environment {environment.name!r} yet",
            hint=f"run 'agents sync --env {environment.name}' first",
        )
    location = server_location(environment)
    if environment.emulator:
        app.out.warn(f"{environment.name!r} is the local emulator: this agent id only exists on this machine")
    return Widget(name, environment.name, entry.id, location, snippet(entry.id, location))
