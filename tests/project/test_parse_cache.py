"""The parse cache (``agents_cli/project/parse_cache.py``): an unchanged YAML config is read back with the
data and positions a parse gives, an edited one is parsed again, and whatever the cache file holds (planted,
malformed) it never changes what a config reads as (the import it saves: tests/cli/test_main.py)."""

from __future__ import annotations

from pathlib import Path

from agents_cli.project import parse_cache
from agents_cli.project.files import FileStore, digest_bytes
from agents_cli.project.loader import parse_yaml

TEXT = (  # a U+2028 in a value: JSON leaves it unescaped, so the cache file must not split lines at it
    "name: Bot\nconversation_config:\n  agent:\n    prompt:\n"
    '      prompt: "a\\u2028b"\n      temperature: 0.3\n'
)


def _fresh_process(root: Path) -> None:
    """What a new run sees: only what the cache file holds."""
    parse_cache.forget(root)
    parse_cache.load(root)


def _config(root: Path, text: str = TEXT) -> Path:
    path = root / "agents" / "bot.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _read_and_save(root: Path, path: Path) -> None:
    _fresh_process(root)
    FileStore().load(path)
    parse_cache.save(root)


def test_an_unchanged_file_reads_back_with_the_data_and_positions_of_a_parse(tmp_path: Path) -> None:
    path = _config(tmp_path)
    _read_and_save(tmp_path, path)
    assert parse_cache.cache_path(tmp_path).is_file()
    _fresh_process(tmp_path)
    kept = parse_cache.lookup(path, digest_bytes(path.read_bytes()))
    assert kept == parse_yaml(TEXT, path)
    document = FileStore().load(path).result()
    assert (document.data, document.positions) == parse_yaml(TEXT, path)
    assert document.locate(("conversation_config", "agent", "prompt", "temperature")) == (6, 7)


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    path = _config(tmp_path)
    _read_and_save(tmp_path, path)
    edited = TEXT.replace("0.3", "0.9")
    path.write_text(edited, encoding="utf-8")
    _fresh_process(tmp_path)
    assert parse_cache.lookup(path, digest_bytes(path.read_bytes())) is None
    assert FileStore().load(path).result().data == parse_yaml(edited, path)[0]


def test_a_malformed_cache_file_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    path = _config(tmp_path)
    name = parse_cache.key(path, digest_bytes(path.read_bytes()))
    cache = parse_cache.cache_path(tmp_path)
    cache.parent.mkdir()
    cache.write_text(f"garbage\n{name}\t[1, 2, 3]\nno tab here\n\x00\t{{\n", encoding="utf-8")
    _fresh_process(tmp_path)
    assert parse_cache.lookup(path, digest_bytes(path.read_bytes())) is None
    assert FileStore().load(path).result().data == parse_yaml(TEXT, path)[0]
    parse_cache.save(tmp_path)
    _fresh_process(tmp_path)
    assert parse_cache.lookup(path, digest_bytes(path.read_bytes())) == parse_yaml(TEXT, path)


def test_duplicate_keys_and_values_json_cannot_carry_are_never_kept(tmp_path: Path) -> None:
    duplicated = _config(tmp_path, "name: A\nname: B\n")
    _read_and_save(tmp_path, duplicated)
    assert not parse_cache.cache_path(tmp_path).exists()
    assert FileStore().load(duplicated).duplicates  # still reported on every run
    not_a_number = _config(tmp_path, "temperature: .nan\n")
    _read_and_save(tmp_path, not_a_number)
    assert not parse_cache.cache_path(tmp_path).exists()


def test_an_entry_written_anywhere_but_by_parsing_that_file_here_is_never_used(tmp_path: Path) -> None:
    # A cache file committed to a repository: the right digest, the wrong content. The key holds the
    # file's inode and modification time on this machine, so the entry cannot name the checked-out file.
    path = _config(tmp_path)
    _read_and_save(tmp_path, path)
    cache = parse_cache.cache_path(tmp_path)
    cache.write_text(cache.read_text(encoding="utf-8").replace("Bot", "Evil"), encoding="utf-8")
    copy = _config(tmp_path / "clone")  # the same bytes in another file (a fresh checkout)
    (tmp_path / "clone" / ".agents").mkdir()
    parse_cache.cache_path(tmp_path / "clone").write_text(cache.read_text(encoding="utf-8"), encoding="utf-8")
    _fresh_process(tmp_path / "clone")
    assert parse_cache.lookup(copy, digest_bytes(copy.read_bytes())) is None
    assert FileStore().load(copy).result().data["name"] == "Bot"
    path.touch()  # and the original, once modified (even to the same bytes), is parsed again
    _fresh_process(tmp_path)
    assert FileStore().load(path).result().data["name"] == "Bot"


def test_a_project_never_keeps_another_projects_documents(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _read_and_save(first, _config(first))
    other = _config(second, "name: Other\n")
    _fresh_process(first)
    _fresh_process(second)
    FileStore().load(other)
    parse_cache.save(second)
    kept = parse_cache.cache_path(second).read_text(encoding="utf-8")
    assert "Other" in kept and "Bot" not in kept
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: Loose\n", encoding="utf-8")
    assert FileStore().load(outside).result().data == {"name": "Loose"}  # no project: parsed, not kept
