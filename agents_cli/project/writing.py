"""Writing project files: deterministic JSON and YAML text, and atomic replacement of a file.

Deterministic so that a rewritten file differs from the old one only where its content does (reviewable
git diffs); atomic so that readers, and a SIGKILL at any moment, see the old file or the new one.

PyYAML is imported inside functions so that importing this module stays cheap.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

_TAG_STR = "tag:yaml.org,2002:str"


def dump_json(data: Any) -> str:
    """Deterministic JSON: key order as given, 2-space indent, unicode kept, trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_dumper_class: type[Any] | None = None


def _yaml_dumper_class() -> type[Any]:
    global _dumper_class
    if _dumper_class is not None:
        return _dumper_class
    import yaml

    class ConfigYamlDumper(yaml.SafeDumper):
        # Indent list items under their key (``key:\n  - a``), the style most editors and linters expect.
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        if "\n" in value.rstrip("\n"):
            return dumper.represent_scalar(_TAG_STR, value, style="|")
        return dumper.represent_scalar(_TAG_STR, value)

    ConfigYamlDumper.add_representer(str, represent_str)
    _dumper_class = ConfigYamlDumper
    return ConfigYamlDumper


def dump_yaml(data: Any, *, header: str | None = None) -> str:
    """Deterministic block-style YAML (key order as given, 2-space indent, unicode, ``|`` for multi-line
    strings). Strings that YAML 1.1 readers would take for booleans or dates are quoted by PyYAML's own
    resolver, so the file means the same thing to every reader. ``header`` lines go first (as comments)."""
    import yaml

    text = yaml.dump(
        data,
        Dumper=_yaml_dumper_class(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        indent=2,
        width=4096,  # never fold long values: one value per line keeps git diffs readable
    )
    if header:
        text = header.rstrip("\n") + "\n" + text
    return text


def write_atomic(path: Path, content: str | bytes, *, mode: int | None = None) -> None:
    """Write ``content`` so that readers (and a SIGKILL at any moment) see the old file or the new one,
    never a half-written one: temp file in the same folder, fsync, ``os.replace``.

    The file keeps the mode of the file it replaces; a new file gets the umask's default (mkstemp's 0600
    is not meant for configs, state or reports). ``mode`` forces one — e.g. 0o600 for credentials, set
    before the rename so the content is never readable by others, even for an instant."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_current_umask()
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it; put it straight back
    os.umask(umask)
    return umask
