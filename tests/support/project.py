"""Projects on disk for tests: the one builder (``write_project``), edits of what it wrote, and reading state.

``write_project`` writes ``agents.json`` and the configs it registers: each of ``agents``/``tools``/``tests``/
``scenarios`` maps a local name to the file's content, YAML text (``<section>/<name>.yaml``) or a JSON
document (``<section>/<name>.json``); ``files`` writes further files as they are; ``manifest`` adds or
replaces top-level keys of ``agents.json`` as given (raw entries, broken ones too); ``state`` maps an
environment to kind sections of ``name → remote id``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

Configs = Mapping[str, str | dict[str, Any]]
DEFAULT_ENVIRONMENTS: dict[str, Any] = {"dev": {"api_key_env": "ELEVENLABS_API_KEY_DEV"}}


def write_project(
    root: Path,
    *,
    environments: Mapping[str, Any] | None = None,
    default_environment: str | None = "dev",
    agents: Configs | None = None,
    tools: Configs | None = None,
    tests: Configs | None = None,
    scenarios: Configs | None = None,
    sections: Iterable[str] = ("agents", "tools", "tests"),
    files: Mapping[str, str] | None = None,
    manifest: Mapping[str, Any] | None = None,
    state: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
) -> Path:
    """A project at ``root`` (created if needed): the manifest always holds ``sections`` (empty when nothing
    is registered there), ``scenarios`` when given, and leaves ``default_environment`` out when it is None."""
    root.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {"version": 1}
    if default_environment is not None:
        document["default_environment"] = default_environment
    document["environments"] = dict(environments if environments is not None else DEFAULT_ENVIRONMENTS)
    document.update({section: {} for section in sections})
    configs = {"agents": agents, "tools": tools, "tests": tests, "scenarios": scenarios}
    for section, entries in configs.items():
        if entries is None:
            continue
        registered = document.setdefault(section, {})
        for name, content in entries.items():
            relative = f"{section}/{name}.{'yaml' if isinstance(content, str) else 'json'}"
            write_file(root, relative, content if isinstance(content, str) else json.dumps(content))
            registered[name] = {"config": relative}
    for relative, text in (files or {}).items():
        write_file(root, relative, text)
    document.update(manifest or {})
    (root / "agents.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    for env, kinds in (state or {}).items():
        recorded: dict[str, Any] = {"version": 1, "environment": env, "agents": {}, "tools": {}, "tests": {}}
        for section, ids in kinds.items():
            recorded[section] = {name: {"id": remote_id} for name, remote_id in ids.items()}
        write_file(root, f"state/{env}.json", json.dumps(recorded, indent=2) + "\n")
    return root


def bot_with_prod_overlay(root: Path) -> Path:
    """A project as ``agents init`` scaffolds it; agent ``bot`` (YAML) has a JSON overlay for ``prod``."""
    from agents_cli.project.manifest import scaffold_manifest

    overlay = (
        '{\n  "$schema": "../.agents/schemas/agent.schema.json",\n'
        '  "conversation_config": {"agent": {"prompt": {"temperature": 0.1}}}\n}\n'
    )
    bot = {"config": "agents/bot.yaml", "overlays": {"prod": "agents/bot.prod.json"}}
    return write_project(
        root,
        environments=scaffold_manifest()["environments"],
        default_environment="local",
        files={
            "agents/bot.yaml": "name: Bot\nconversation_config:\n  agent:\n    first_message: hi\n"
            "    prompt:\n      prompt: p\n",
            "agents/bot.prod.json": overlay,
        },
        manifest={"agents": {"bot": bot}},
    )


def write_file(root: Path, relative: str, text: str) -> Path:
    """``text`` at ``root/relative``, its folders made."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the file, which must hold ``old``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_manifest(root: Path, change: Callable[[dict[str, Any]], None], *, indent: int | None = None) -> None:
    """Read ``agents.json``, let ``change`` edit it in place, write it back."""
    path = root / "agents.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=indent), encoding="utf-8")


def attach_tests(config: Path, *tests: str) -> None:
    """Attach ``@test:NAME`` references to the agent config (YAML), replacing those attached before."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    testing = data.setdefault("platform_settings", {}).setdefault("testing", {})
    testing["attached_tests"] = [{"test_id": f"@test:{name}"} for name in tests]
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def state(root: Path, env: str) -> dict[str, Any]:
    """``state/<env>.json`` as written."""
    data: dict[str, Any] = json.loads((root / "state" / f"{env}.json").read_text(encoding="utf-8"))
    return data


def all_text_under(folder: Path) -> str:
    """Every readable file below ``folder`` concatenated (to prove a secret was written nowhere)."""
    chunks = []
    for path in folder.rglob("*"):
        if path.is_file():
            try:
                chunks.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return "\n".join(chunks)


def version_1_fields(kind: str, body: dict[str, Any], salt: str) -> dict[str, str]:
    """``fields`` as agents wrote them in version-1 state files (before keyed lists): leaf paths by list
    index, lists of scalars (id sets too) one leaf hashed in their order, schema defaults left out."""
    from agents_cli.engine.normalise import normalise_remote
    from agents_cli.kinds import REGISTRY

    def leaves(value: Any, path: str, found: dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, dict) and value:
            for key, item in value.items():
                leaves(item, f"{path}.{key}" if path else key, found)
        elif isinstance(value, list) and value and any(isinstance(item, dict | list) for item in value):
            for index, item in enumerate(value):
                leaves(item, f"{path}[{index}]", found)
        else:
            found[path] = value
        return found

    def digest(path: str, value: Any) -> str:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(f"{salt}\0{path}\0{canonical}".encode()).hexdigest()[:16]

    resource_kind = REGISTRY[kind]
    minimal = normalise_remote(kind, resource_kind.minimal_body(resource_kind.discriminator(body)))
    defaults = leaves(minimal, "", {})
    return {
        path: digest(path, value)
        for path, value in leaves(body, "", {}).items()
        if not (path in defaults and type(defaults[path]) is type(value) and defaults[path] == value)
    }
