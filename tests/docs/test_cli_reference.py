"""docs/cli-reference.md is generated from the command tree; this fails when someone changes a command
without regenerating it (run ``python scripts/gen_cli_reference.py``)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support import REPO_ROOT


def _generator() -> ModuleType:
    path = REPO_ROOT / "scripts" / "gen_cli_reference.py"
    spec = importlib.util.spec_from_file_location("gen_cli_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    generator = _generator()
    committed = generator.REFERENCE_PATH.read_text(encoding="utf-8")
    assert committed == generator.render(), (
        "docs/cli-reference.md is stale: run python scripts/gen_cli_reference.py"
    )


def test_cli_reference_covers_every_command_and_option() -> None:
    import typer

    from agents_cli.cli.main import app

    text = _generator().render()
    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="agents", **root.context_settings)
    seen = 0

    def walk(command: object, context: object, path: list[str]) -> None:
        nonlocal seen
        assert f"`{' '.join(path)}`" in text
        seen += 1
        for param in command.get_params(context):  # type: ignore[attr-defined]
            for name in param.opts if param.param_type_name == "option" else []:
                assert f"`{name}`" in text, f"{' '.join(path)} {name} missing from the reference"
        list_commands = getattr(command, "list_commands", None)
        for name in list_commands(context) if list_commands else []:
            child = command.get_command(context, name)  # type: ignore[attr-defined]
            walk(child, child.context_class(child, info_name=name, parent=context), [*path, name])

    walk(root, ctx, ["agents"])
    assert seen >= 15  # root, groups and every command, including auth login/logout/whoami
    for command in (
        "agents auth login",
        "agents auth whoami",
        "agents list",
        "agents delete",
        "agents widget",
    ):
        assert f"`{command}`" in text
