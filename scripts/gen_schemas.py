"""Write the JSON Schemas in ``schemas/`` from an OpenAPI spec (``make schemas``).

Usage::

    python scripts/gen_schemas.py [SPEC_PATH_OR_URL] [--out schemas] [--check]

The default spec is the vendored ``agents_cli/spec/convai-openapi.json``; a path or URL to a newer full spec
works too. ``--check`` writes nothing and exits 1 when a file in ``--out`` differs from what would be
generated.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents_cli.spec.schemagen import SpecError, generate, render  # noqa: E402

DEFAULT_SPEC = ROOT / "agents_cli" / "spec" / "convai-openapi.json"
DEFAULT_OUT = ROOT / "schemas"


def load_spec(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as response:
            data: dict[str, Any] = json.load(response)
            return data
    with open(source, encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
        return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", nargs="?", default=str(DEFAULT_SPEC), help="OpenAPI spec path or URL")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="folder to write the schemas into")
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    stale: list[str] = []
    try:
        schemas = generate(load_spec(args.source))
    except (OSError, ValueError, KeyError) as exc:  # unreadable source, bad JSON, unexpected spec shape
        reason = exc if isinstance(exc, SpecError) else f"{type(exc).__name__}: {exc}"
        print(f"error: cannot generate schemas from {args.source}: {reason}", file=sys.stderr)
        return 1
    for name, schema in schemas.items():
        path = out / name
        text = render(schema)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            out.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({len(text) // 1024} KiB)")
    if args.check and stale:
        print(f"stale: {', '.join(stale)}; run 'make schemas'", file=sys.stderr)
        return 1
    if not stale:
        print(f"{out}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
