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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

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


class StagedWrites:
    """Files written and fsynced in worker threads as soon as their content is known (while the network is
    still busy), put in place only by ``commit``: each one a temp file beside its target, renamed over it
    (``write_atomic``'s guarantee, per file). Until then nothing is visible: ``discard`` removes every temp
    file (a refusal or a "no" writes nothing), and a file only ever staged in a folder that exists."""

    def __init__(self, workers: int = 8) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._staged: dict[Path, tuple[str, Future[str]]] = {}

    def stage(self, path: Path, content: str) -> None:
        """Start writing ``content`` for ``path`` (not when its folder does not exist yet: ``commit`` then
        writes it the usual way, so nothing is created before it)."""
        if not path.parent.is_dir():
            return
        previous = self._staged.pop(path, None)
        if previous is not None:
            self._pool.submit(_unlink_staged, previous[1])
        self._staged[path] = (content, self._pool.submit(_write_temp, path, content.encode("utf-8")))

    def commit(self, writes: list[tuple[Path, str | bytes]]) -> None:
        """Put ``writes`` in place (staged ones renamed, others written atomically, all in parallel); what
        was staged for anything else is removed."""
        try:
            list(self._pool.map(lambda write: self._put(*write), writes))
        finally:
            self.discard()

    def _put(self, path: Path, content: str | bytes) -> None:
        staged = self._staged.pop(path, None)
        if staged is None or staged[0] != content:
            if staged is not None:
                _unlink_staged(staged[1])
            write_atomic(path, content)
            return
        temp_name = staged[1].result()
        try:
            os.chmod(temp_name, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_current_umask())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def discard(self) -> None:
        """Remove every temp file not put in place, and stop the workers."""
        staged, self._staged = list(self._staged.values()), {}
        for _content, future in staged:
            _unlink_staged(future)
        self._pool.shutdown(wait=True)


def _write_temp(path: Path, data: bytes) -> str:
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return temp_name


def _unlink_staged(future: Future[str]) -> None:
    try:
        temp_name = future.result()
    except Exception:  # a failed write left nothing behind (``_write_temp``)
        return
    Path(temp_name).unlink(missing_ok=True)
