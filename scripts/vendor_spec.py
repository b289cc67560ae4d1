"""Vendor the convai subset of the ElevenLabs OpenAPI spec into ``openapi/``.

Keeps every path under ``/v1/convai`` plus ``/v1/user`` and every component they reach, so schema
generation and the emulator work without the full 2 MB spec. Usage::

    python scripts/vendor_spec.py [SPEC_PATH_OR_URL] [--out agents_cli/spec/convai-openapi.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "openapi" / "elevenlabs-openapi.json"
DEFAULT_OUT = ROOT / "agents_cli" / "spec" / "convai-openapi.json"
KEPT_PATH_PREFIXES = ("/v1/convai/", "/v1/workspace/webhooks")
KEPT_PATHS = ("/v1/user",)


def load_spec(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as response:
            data: dict[str, Any] = json.load(response)
            return data
    with open(source, encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
        return loaded


def _repair_dangling_refs(node: Any, schemas: dict[str, Any]) -> None:
    """Point refs to missing ``X-Input``/``X-Output`` models at ``X`` (the published spec has such holes)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in schemas:
                base = name.removesuffix("-Input").removesuffix("-Output")
                if base not in schemas:
                    raise KeyError(f"spec refers to missing schema {name!r}")
                node["$ref"] = f"#/components/schemas/{base}"
        for value in node.values():
            _repair_dangling_refs(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _repair_dangling_refs(value, schemas)


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    paths = {
        path: item
        for path, item in spec["paths"].items()
        if path.startswith(KEPT_PATH_PREFIXES) or path in KEPT_PATHS
    }
    all_schemas: dict[str, Any] = spec["components"]["schemas"]
    _repair_dangling_refs(spec, all_schemas)
    wanted: set[str] = set()
    _refs(paths, wanted)
    pending = list(wanted)
    while pending:
        name = pending.pop()
        more: set[str] = set()
        _refs(all_schemas[name], more)
        for extra in more - wanted:
            wanted.add(extra)
            pending.append(extra)
    schemas = {name: all_schemas[name] for name in sorted(wanted)}
    return {
        "openapi": spec["openapi"],
        "info": spec.get("info", {}),
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE))
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    result = subset(load_spec(args.source))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(result['paths'])} paths, {len(result['components']['schemas'])} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
