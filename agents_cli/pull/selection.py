"""Which remote resources ``agents pull`` takes, and under which local name (pure: no IO).

- *tracked*: the environment's state maps a declared local name to the id; ``--update`` refreshes these.
- *matched*: not tracked here, but an existing local resource has the same API name (an agent made in the
  dashboard of a second environment, or a tool created by hand): pulled into that resource (an overlay when
  the base file already serves another environment).
- *new*: everything else in the workspace that is not another environment's (not in another state file, no
  other environment's tag): imported under the slug of its name. Agents carrying this environment's name tag
  get that name back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from agents_cli.engine.normalise import MANAGED_TAG_PREFIX, name_tag
from agents_cli.project.manifest import LOCAL_NAME_PATTERN, RESOURCE_KINDS, slugify

Origin = Literal["tracked", "matched", "new"]
Mode = Literal["new", "update", "all"]
ENV_TAG_PREFIX = f"{MANAGED_TAG_PREFIX}env="


@dataclass(frozen=True)
class Candidate:
    kind: str
    name: str  # local name
    remote_id: str
    api_name: str | None
    origin: Origin


def listed_name(kind: str, item: Mapping[str, Any]) -> str | None:
    if kind == "tool":
        config = item.get("tool_config")
        value = config.get("name") if isinstance(config, dict) else None
    else:
        value = item.get("name")
    return value if isinstance(value, str) else None


def listed_id(kind: str, item: Mapping[str, Any]) -> str | None:
    value = item.get("agent_id" if kind == "agent" else "id") or item.get("id")
    return value if isinstance(value, str) else None


def _tag_name(item: Mapping[str, Any], env: str) -> tuple[bool, str | None]:
    """(belongs to another environment, local name from this environment's name tag)."""
    tags = [str(tag) for tag in item.get("tags") or []]
    envs = {tag[len(ENV_TAG_PREFIX) :] for tag in tags if tag.startswith(ENV_TAG_PREFIX)}
    prefix = name_tag("")
    names = [tag[len(prefix) :] for tag in tags if tag.startswith(prefix)]
    return bool(envs) and env not in envs, (names[0] if names and env in envs else None)


def unique_name(wanted: str, taken: set[str], fallback: str) -> str:
    base = slugify(wanted) or fallback
    if not LOCAL_NAME_PATTERN.match(base):
        base = fallback
    name, counter = base, 2
    while name in taken:
        suffix = f"-{counter}"
        name = base[: 64 - len(suffix)] + suffix
        counter += 1
    return name


def select(
    env: str,
    listed: Mapping[str, list[dict[str, Any]]],
    tracked: Mapping[str, Mapping[str, str]],
    local_api_names: Mapping[str, Mapping[str, str]],
    claimed: Mapping[str, set[str]],
    *,
    mode: Mode,
    only: list[str] | None = None,
    reserved: Mapping[str, set[str]] | None = None,
) -> list[Candidate]:
    """Candidates in dependency order.

    ``tracked``: kind → local name → id (declared names only); ``local_api_names``: kind → API name → local
    name of declared resources not tracked here; ``claimed``: ids in other environments' state files;
    ``reserved``: kind → local names new imports must not take (every declared name).
    """
    chosen: list[Candidate] = []
    for kind in RESOURCE_KINDS:
        by_id = {remote_id: name for name, remote_id in tracked.get(kind, {}).items()}
        taken = set(tracked.get(kind, {})) | set(local_api_names.get(kind, {}).values())
        taken |= set((reserved or {}).get(kind, set()))
        matched_names: set[str] = set()
        for item in sorted(listed.get(kind, []), key=lambda it: str(listed_id(kind, it))):
            remote_id = listed_id(kind, item)
            if remote_id is None or (kind == "test" and item.get("entity_type") == "folder"):
                continue
            api_name = listed_name(kind, item)
            if remote_id in by_id:
                if mode != "new":
                    chosen.append(Candidate(kind, by_id[remote_id], remote_id, api_name, "tracked"))
                continue
            if mode == "update" or remote_id in claimed.get(kind, set()):
                continue
            foreign, tagged_name = _tag_name(item, env) if kind == "agent" else (False, None)
            if foreign:
                continue
            local = local_api_names.get(kind, {}).get(api_name or "")
            if local is not None and local not in matched_names:
                matched_names.add(local)
                chosen.append(Candidate(kind, local, remote_id, api_name, "matched"))
                continue
            fallback = f"{kind}-{slugify(remote_id)[-8:] or 'pulled'}"
            name = unique_name(tagged_name or api_name or fallback, taken, fallback)
            taken.add(name)
            chosen.append(Candidate(kind, name, remote_id, api_name, "new"))
    if only:
        chosen = [candidate for candidate in chosen if candidate.name in only]
    return chosen


def reference_map(candidates: list[Candidate], tracked: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Remote id → ``@kind:name`` for everything known in this environment after the pull."""
    references = {
        remote_id: f"@{kind}:{name}" for kind, names in tracked.items() for name, remote_id in names.items()
    }
    references.update({c.remote_id: f"@{c.kind}:{c.name}" for c in candidates})
    return references


def ids_by_kind(
    candidates: list[Candidate], tracked: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    ids: dict[str, dict[str, str]] = {kind: dict(tracked.get(kind, {})) for kind in RESOURCE_KINDS}
    for candidate in candidates:
        ids[candidate.kind][candidate.name] = candidate.remote_id
    return ids
