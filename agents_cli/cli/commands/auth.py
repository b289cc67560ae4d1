"""agents auth login | logout | whoami."""

from __future__ import annotations

from typing import Annotated

import typer

from agents_cli.cli.app import BaseUrlOption, EnvOption, JsonOption, auth_app
from agents_cli.cli.boundary import invoke

KeyStdinOption = Annotated[
    bool, typer.Option("--key-stdin", help="Read the key from stdin instead of a hidden prompt.")
]
NoVerifyOption = Annotated[bool, typer.Option("--no-verify", help="Store the key without checking it.")]


@auth_app.command("login")
def auth_login(
    ctx: typer.Context,
    env: EnvOption = None,
    key_stdin: KeyStdinOption = False,
    no_verify: NoVerifyOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Store an API key for an environment in the OS keyring (or a 0600 file), after checking it."""
    from agents_cli.commands import auth as command

    request = command.LoginRequest(env, key_stdin, not no_verify, base_url)
    invoke(ctx, "auth", command.login, request)


@auth_app.command("logout")
def auth_logout(ctx: typer.Context, env: EnvOption = None) -> None:
    """Forget the stored API key of an environment (environment variables and .env are left alone)."""
    from agents_cli.commands import auth as command

    invoke(ctx, "auth", command.logout, command.LogoutRequest(env))


@auth_app.command("whoami")
def auth_whoami(
    ctx: typer.Context, env: EnvOption = None, as_json: JsonOption = False, base_url: BaseUrlOption = None
) -> None:
    """Show the user behind an environment's key, the masked key, where it came from and the base URL."""
    from agents_cli.commands import auth as command

    invoke(ctx, "auth", command.whoami, command.WhoamiRequest(env, base_url), json=as_json)
