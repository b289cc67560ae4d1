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

from agents_cli.kinds import REGISTRY, ResourceKind
from agents_cli.project.manifest import LOCAL_NAME_PATTERN, slugify

Origin = Literal["tracked", "matched", "new"]
Mode = Literal["new", "update", "all"]


@dataclass(frozen=True)
class Candidate:
    kind: str
    name: str  # local name
    remote_id: str
    api_name: str | None
    origin: Origin


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
    for kind in REGISTRY:
        taken = set(tracked.get(kind.name, {})) | set(local_api_names.get(kind.name, {}).values())
        taken |= set((reserved or {}).get(kind.name, set()))
        chooser = _KindChooser(
            kind,
            env,
            mode,
            tracked=tracked.get(kind.name, {}),
            api_names=local_api_names.get(kind.name, {}),
            claimed=claimed.get(kind.name, set()),
            taken=taken,
        )
        for item in sorted(listed.get(kind.name, []), key=chooser.order):
            candidate = chooser.choose(item)
            if candidate is not None:
                chosen.append(candidate)
    if only:
        chosen = [candidate for candidate in chosen if candidate.name in only]
    return chosen


class _KindChooser:
    """Which listed resources of one kind pull takes, and under which local name."""

    def __init__(
        self,
        kind: ResourceKind,
        env: str,
        mode: Mode,
        *,
        tracked: Mapping[str, str],
        api_names: Mapping[str, str],
        claimed: set[str],
        taken: set[str],
    ) -> None:
        self.kind, self.env, self.mode = kind, env, mode
        self.by_id = {remote_id: name for name, remote_id in tracked.items()}
        self.api_names, self.claimed, self.taken = api_names, claimed, taken
        self.matched: set[str] = set()

    def order(self, item: Mapping[str, Any]) -> str:
        return str(self.kind.remote_id(item))

    def choose(self, item: Mapping[str, Any]) -> Candidate | None:
        kind = self.kind
        remote_id = kind.remote_id(item)
        if remote_id is None or not kind.listed(item):
            return None
        api_name = kind.api_name(item)
        if remote_id in self.by_id:
            tracked = Candidate(kind.name, self.by_id[remote_id], remote_id, api_name, "tracked")
            return tracked if self.mode != "new" else None
        if self.mode == "update" or remote_id in self.claimed or kind.foreign(item, self.env):
            return None
        local = self.api_names.get(api_name or "")
        if local is not None and local not in self.matched:
            self.matched.add(local)
            return Candidate(kind.name, local, remote_id, api_name, "matched")
        tagged = kind.tagged_names(item, self.env)
        fallback = f"{kind.name}-{slugify(remote_id)[-8:] or 'pulled'}"
        wanted = (tagged[0] if tagged else None) or kind.pull_name(item) or api_name or fallback
        name = unique_name(wanted, self.taken, fallback)
        self.taken.add(name)
        return Candidate(kind.name, name, remote_id, api_name, "new")


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
    ids: dict[str, dict[str, str]] = {kind: dict(tracked.get(kind, {})) for kind in REGISTRY.names}
    for candidate in candidates:
        ids[candidate.kind][candidate.name] = candidate.remote_id
    return ids
