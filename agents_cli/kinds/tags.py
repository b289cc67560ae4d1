"""Our hidden tags on resources that carry tags: which environment and which local name a resource belongs
to, so it is found again when state is lost (and never taken for another environment's).

``agents-cli:env=<environment>`` and ``agents-cli:name=<local name>``; normalisation hides them from every
comparison, and every write adds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PREFIX = "agents-cli:"
ENV_PREFIX = f"{PREFIX}env="
NAME_PREFIX = f"{PREFIX}name="
# An empty resource ``agents test`` created to run tests against a config that was never synced.
PLACEHOLDER = f"{PREFIX}placeholder"


def env_tag(environment: str) -> str:
    return f"{ENV_PREFIX}{environment}"


def name_tag(name: str) -> str:
    return f"{NAME_PREFIX}{name}"


def managed(environment: str, name: str) -> list[str]:
    """The tags a resource of local name ``name`` carries in ``environment``."""
    return [env_tag(environment), name_tag(name)]


def is_ours(tag: object) -> bool:
    return isinstance(tag, str) and tag.startswith(PREFIX)


def of(item: Mapping[str, Any]) -> list[str]:
    """Every tag of a remote resource, as strings."""
    tags = item.get("tags")
    return [str(tag) for tag in tags] if isinstance(tags, list) else []


def ours(item: Mapping[str, Any]) -> list[str]:
    """Our tags as the remote resource has them, sorted."""
    return sorted(tag for tag in of(item) if is_ours(tag))


def user_tags(tags: Iterable[object]) -> list[object]:
    return [tag for tag in tags if not is_ours(tag)]


def environments(item: Mapping[str, Any]) -> set[str]:
    return {tag[len(ENV_PREFIX) :] for tag in of(item) if tag.startswith(ENV_PREFIX)}


def names(item: Mapping[str, Any]) -> list[str]:
    return [tag[len(NAME_PREFIX) :] for tag in of(item) if tag.startswith(NAME_PREFIX)]
