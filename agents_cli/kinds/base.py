"""What a resource kind is: everything the engine, pull, status, list, validate and completion need to know
about one kind of remote resource, declared in one place.

A kind module (``kinds/agent.py``…) builds one ``ResourceKind`` (or a subclass overriding a hook) and the
registry (``kinds/__init__.py``) lists them in dependency order. The defaults fit a plain REST resource:
``POST create`` → ``{id_field: …}``, ``GET/PATCH/DELETE collection/{id}``, a cursor-paginated list, found
again after lost state by its exact API ``name``, written whole on every update.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the CLI imports the registry at start-up; keypath is not needed for that
    from agents_cli.keypath import KeyPath

# A reference slot: a key-path suffix where ``int`` stands for any list index (``("tool_ids", int)``).
Slot = tuple[str | type[int], ...]
FoundBy = Literal["tags", "name"]
# The API's id alphabet (``agent_3701k…``, 20-character document ids): what an id read from state or a
# response must be before it reaches a URL or a delete.
REMOTE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def valid_remote_id(value: object) -> bool:
    return isinstance(value, str) and REMOTE_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class SourceFile:
    """A project file a config names as content (a document's ``file``): where, which, and its limits."""

    key: tuple[str, ...]  # the config key naming it
    path: str  # relative to the project root
    max_bytes: int
    suffixes: tuple[str, ...] = ()  # allowed file types (empty: any)


@dataclass(frozen=True)
class Routes:
    """Where a kind lives in the API."""

    collection: str  # GET (list), and the parent of every item path
    create: str  # POST a new one
    list_key: str  # the list response's array: ``{"agents": [...], "next_cursor", "has_more"}``
    id_field: str  # the id in a create response and in list items
    update_method: Literal["PATCH", "PUT"] = "PATCH"
    # One resource per workspace (the convai settings): GET and PATCH the collection path itself.
    singleton: bool = False
    # ``GET collection/{id}`` exists (workspace webhooks have none: one is read from the list).
    item_readable: bool = True
    # The list takes ``page_size``/``cursor`` (workspace webhooks answer every one in one GET).
    paginated: bool = True

    def branches(self, remote_id: str) -> str:
        """``collection/<id>/branches`` (kinds that are ``branched``)."""
        return f"{self.item(remote_id)}/branches"

    def item(self, remote_id: str) -> str:
        """``collection/<id>``, the id escaped as one path segment: an id read from state or a response
        never reaches another route (``../tools/x``) or adds a query (``x?force=true``)."""
        from urllib.parse import quote  # not at import: ``agents --help`` loads the registry

        if self.singleton:
            return self.collection

        return f"{self.collection}/{quote(remote_id, safe='')}"


@dataclass(frozen=True)
class Attachment:
    """Where a resource of this kind is attached in another kind's config (``agents add`` says so)."""

    to: str  # the kind name whose configs attach it
    path: str  # the list it is attached in
    field: str  # the item's field holding the reference
    checked_by: str  # the command that exercises it once attached (run with the agent's name)


@dataclass(frozen=True)
class ResourceKind:
    """One kind of remote resource. Instances are registered in ``agents_cli.kinds.REGISTRY``."""

    name: str  # "agent": the ``--kind`` value, the ``@agent:`` reference prefix, the key in plans and state
    section: str  # "agents": the section of agents.json and of state/<env>.json
    folder: str  # "agents": where ``agents add`` writes configs, and the templates folder
    routes: Routes
    model: str  # the API's request (Input) model configs are normalised with
    found_by: FoundBy  # how a resource is found again after lost state (our hidden tags, or its API name)
    default_template: str
    # Where the kind appears when kinds are shown to people (manifest sections, templates, ``--kind``
    # choices): lowest first. Dependency order is the registry's own order.
    listing_order: int = 100
    # Fields the server owns (never compared, never sent): key paths into the request shape.
    server_owned: tuple[tuple[str, ...], ...] = ()
    # Nullable sections the server always fills with the model's defaults when they are omitted or null.
    server_filled: tuple[str, ...] = ()
    # The update is a deep-merge PATCH (a key left out means "unchanged"): only changed paths are sent, and
    # a key removed from a map of user data cannot be expressed at all.
    update_merges: bool = False
    # The create response is the whole resource (no GET needed after a create).
    create_returns_resource: bool = False
    # List items are whole resources: one paginated list reads them all instead of a GET each.
    list_returns_resources: bool = False
    # In a cycle of resources not created yet, a minimal tagged placeholder can be created to get an id.
    placeholder_in_cycles: bool = False
    # Where configs of other kinds refer to this kind with ``@<name>:<local name>``.
    reference_slots: tuple[Slot, ...] = ()
    # Maps whose values may be credentials (request headers…): pull writes those as ``${VAR}``.
    credential_maps: tuple[KeyPath, ...] = ()
    attached_at: Attachment | None = None
    # Top-level body fields the API cannot report back (a document's content hash): recorded in state at
    # apply, and given to the remote body again when planning, from the state entry of the same id.
    state_fields: tuple[str, ...] = ()
    # Key-path prefixes no update can change (a document's content, an MCP server's URL): a change under
    # one plans the resource as replaced (created again, referrers repointed, the old one deleted last).
    replace_on: tuple[tuple[str, ...], ...] = ()
    # An update is several calls to the kind's endpoints (``update_requests``), not one PATCH/PUT.
    splits_updates: bool = False
    # Declared in agents.json itself (``secrets: {crm-token: {value: "${CRM_TOKEN}"}}``); an entry may
    # still name a ``config`` file instead.
    inline: bool = False
    # Top-level keys the API never returns (a secret's value): compared through the salted hash state keeps
    # of what was last written, so a changed value plans one update and an unchanged one nothing.
    write_only: tuple[str, ...] = ()
    # Top-level keys sent only when creating (a phone number's import credentials), never compared.
    create_only: tuple[str, ...] = ()
    # One per workspace, whichever of our environments declares it (secrets, variables, numbers, settings):
    # environments sharing a workspace adopt it even when another one's state records it.
    shared: bool = False
    # A field the kind's resources name the server environment in (a phone number's calls resolve
    # environment variables with it): filled from ``server_environment`` unless the config sets it.
    server_environment_field: str | None = None
    # The id of the one resource of a singleton kind (found by GET, never created, listed or deleted).
    singleton_id: str | None = None
    # Versioned with branches (``collection/{id}/branches``; GET/PATCH take ``branch_id``, PATCH takes a
    # ``version_description``): branch environments read and write their branch of it.
    branched: bool = False

    @property
    def schema(self) -> str:
        """The stem of ``schemas/<schema>.schema.json`` that validates this kind's config files."""
        return self.name

    def key(self, name: str) -> tuple[str, str]:
        """The (kind, local name) key plans, state and the engine use."""
        return (self.name, name)

    def reference(self, name: str) -> str:
        return f"@{self.name}:{name}"

    # -- the config file and the API body ------------------------------------------------------------
    def request_shape(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """A config file's content as a create body (shallow copy: callers rebuild what they change)."""
        return dict(config)

    def file_shape(self, body: dict[str, Any]) -> dict[str, Any]:
        """The inverse of ``request_shape``: what pull writes to a config file."""
        return body

    def api_name(self, body: Mapping[str, Any]) -> str | None:
        """The name the API knows a resource by (request shape, a GET response or a list item)."""
        name = body.get("name")
        return name if isinstance(name, str) else None

    def model_for(self, body: Mapping[str, Any]) -> str:
        """The request model for this body (a kind discriminated by a field picks it here)."""
        return self.model

    def discriminator(self, body: Mapping[str, Any]) -> str:
        """The value that selects the model variant (its defaults differ per variant)."""
        return ""

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        """The smallest valid body of this variant, whose normalised form is the variant's defaults."""
        return {}

    def template_name(self, display_name: str, slug: str) -> str:
        """The ``name`` ``agents add`` writes into a new config from what the user typed."""
        return display_name.strip()

    def scaffold(self, config: dict[str, Any], slug: str) -> tuple[dict[str, Any], dict[str, str]]:
        """What ``agents add`` writes for a new config: the config, and files it names (path relative to
        the project → starter text) that do not exist yet."""
        return config, {}

    def complete(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """Fill what the user may leave out but the server would otherwise invent (changes on every plan)."""
        return body

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        """Equivalent spellings made equal, after normalisation (both sides of a diff)."""
        return body

    def send_body(self, name: str, environment: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """The request body for a create or an update: the normalised body plus what we add (tags)."""
        return dict(body)

    def read_sources(self, config: dict[str, Any], read: Callable[[str], bytes]) -> dict[str, Any]:
        """The loaded config with what its files say (a document's bytes hash); ``read`` opens a project
        file by its path relative to the project root (the loader's IO)."""
        return config

    def source_files(self, config: Mapping[str, Any]) -> list[SourceFile]:
        """Files the config names as content, for validation to check offline (exists, type, size)."""
        return []

    def content_path(self, document: Mapping[str, Any]) -> str | None:
        """Where pull downloads a resource's content besides its JSON (a document's bytes), or None."""
        return None

    def pulled(
        self, name: str, document: Mapping[str, Any], content: bytes | None
    ) -> tuple[dict[str, Any], dict[str, bytes], dict[str, str]] | None:
        """What pull writes for a resource with content: the config, the content files (path relative to
        the project → bytes) and the ``state_fields`` to record; None: the generic minimal config."""
        return None

    async def settle(
        self, api: Any, ids: Mapping[str, str], used: list[Mapping[str, Any]], refresh: bool
    ) -> list[tuple[str, str]]:
        """After a sync's writes, what the kind's API computes on its own and the sync waits for (a
        document's RAG index), and with ``refresh`` its content fetched again. ``ids``: local name → id of
        this kind; ``used``: the bodies of the resources written in the run that reference this kind.
        Returns (local name, ``indexed`` | ``refreshed``) per step done, for progress."""
        return []

    def upload(self, config: Mapping[str, Any]) -> dict[str, Any] | None:
        """What a create sends besides the compared body (a document's file path or text), or None."""
        return None

    def create_request(
        self, body: Mapping[str, Any], upload: Mapping[str, Any] | None
    ) -> tuple[str, dict[str, Any]]:
        """(path, JSON body) of the create POST; a kind sending files answers through ``create_files``."""
        return self.routes.create, dict(body)

    def create_files(self, upload: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """Multipart form fields of a create, when it is an upload (``{"file": path}``), else None."""
        return None

    def update_requests(
        self, remote_id: str, body: Mapping[str, Any], remote: Mapping[str, Any] | None
    ) -> list[tuple[str, str, Any]]:
        """The (method, path, JSON body) calls an update is made of; the last answer is not trusted (the
        applier reads the resource again unless it is a whole resource of this kind)."""
        return [(self.routes.update_method, self.routes.item(remote_id), dict(body))]

    def create_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """What a create sends, from ``send_body``'s result (a request ``type`` the create model wants)."""
        return dict(body)

    def update_body(self, body: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
        """What an update sends, from ``send_body``'s result and the remote as read: create-only keys
        left out, and whatever the update model spells differently."""
        return {key: value for key, value in body.items() if key not in self.create_only}

    def pull_name(self, item: Mapping[str, Any]) -> str | None:
        """What a pulled resource's local name is made from (default: its API name)."""
        return self.api_name(item)

    def new_entry(self, name: str, config: dict[str, Any]) -> dict[str, Any]:
        """What ``agents pull`` (from the minimal config of a GET answer) or ``agents add`` (from a template)
        declares for a new resource: a secret's value, which no answer holds, as its own placeholder."""
        return config

    def sensitive_paths(self, body: Mapping[str, Any]) -> set[KeyPath]:
        """Places shown as ``(sensitive)`` in every plan whatever they hold (a secret variable's values)."""
        return set()

    def literal_secrets(self, config: Mapping[str, Any]) -> list[tuple[KeyPath, str]]:
        """Places where a config holds a secret written out instead of a ``${VAR}`` placeholder: an error
        in a committed file (``validate --allow-literal`` lets it pass)."""
        return []

    async def users(self, api: Any, remote_id: str) -> list[str]:
        """What still uses this resource remotely (``type name (id)``), checked before ``--prune`` deletes
        it: anything left once the rest of the sync ran is outside the project. ``api``: the ApiClient."""
        return []

    # -- listing and finding again --------------------------------------------------------------------
    def remote_id(self, document: Any) -> str | None:
        if not isinstance(document, dict):
            return None
        if self.singleton_id is not None:
            return self.singleton_id
        value = document.get(self.routes.id_field) or document.get("id")
        return value if isinstance(value, str) else None

    def listed(self, item: Mapping[str, Any]) -> bool:
        """Whether a list item is a resource of this kind (a list may also hold folders)."""
        return True

    def list_params(self, environment: str) -> dict[str, str] | None:
        """Query parameters that narrow the list to what this environment may own."""
        return None

    def matches(self, item: Mapping[str, Any], environment: str, name: str, api_name: str | None) -> bool:
        """Whether a listed resource is the one local ``name`` created in ``environment`` (adoption)."""
        return api_name is not None and self.api_name(item) == api_name

    def tagged_names(self, item: Mapping[str, Any], environment: str) -> list[str]:
        """Local names a listed resource is tagged with for ``environment`` (kinds found by tags)."""
        return []

    def foreign(self, item: Mapping[str, Any], environment: str) -> bool:
        """Whether a listed resource is tagged for another environment (pull leaves it alone)."""
        return False

    def managed_tags(self, item: Mapping[str, Any]) -> list[str] | None:
        """Our hidden tags as the remote resource has them (None: the kind carries no tags)."""
        return None

    def expected_tags(self, environment: str, name: str) -> list[str]:
        return []
