"""The package's layout holds: no import cycle anywhere (lazy imports count), no module over 400 lines or
function over 60, and only ``host`` reads the process's surroundings (variables, standard streams, home and
working folders)."""

from __future__ import annotations

import ast

from tests.conftest import REPO_ROOT
from tests.package_layout import import_cycles, oversized

PACKAGE = REPO_ROOT / "agents_cli"
# os.environ, os.getenv, sys.stdin/stdout/stderr, Path.home(), Path.cwd(): read once, in host.py.
PROCESS_READS = {("os", "environ"), ("os", "getenv"), ("sys", "stdin"), ("sys", "stdout"), ("sys", "stderr")}
PROCESS_READS |= {("Path", "home"), ("Path", "cwd")}
READERS = {"host.py"}


def test_agents_cli_has_no_import_cycle() -> None:
    assert import_cycles("agents_cli") == []


def test_no_module_or_function_of_agents_cli_is_over_the_limits() -> None:
    assert oversized("agents_cli") == []


def process_reads() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in READERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in PROCESS_READS
            ):
                found.append(f"{relative}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_only_the_host_reads_the_process() -> None:
    assert process_reads() == []
