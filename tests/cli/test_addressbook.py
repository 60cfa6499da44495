"""The address book on its own: recording, reloading, chain binding, interrupted steps, atomic writes."""

from __future__ import annotations

import json

import pytest

from ape_livepeer_migration.exceptions import AddressBookError, WrongChainError
from ape_livepeer_migration.session.addressbook import AddressBook, default_path


def test_missing_book_is_empty_and_not_written(tmp_path):
    book = AddressBook.open(tmp_path / "b" / "local.json", "local", 1, 2)
    assert book.names == [] and book.get("system") is None and "system" not in book
    assert not (tmp_path / "b").exists()


def test_record_reload_forget(tmp_path):
    path = tmp_path / "local.json"
    book = AddressBook.open(path, "local", 1, 2)
    book.record("simulator", {"inbox": "0x" + "11" * 20})
    book.record("system", {"l1_token": "0x" + "22" * 20})
    again = AddressBook.open(path, "local", 1, 2)
    assert again.names == ["simulator", "system"]
    assert again.get("system") == {"l1_token": "0x" + "22" * 20}
    assert json.loads(path.read_text())["chain_ids"] == {"l1": 1, "l2": 2}
    again.forget("system")
    assert AddressBook.open(path, "local", 1, 2).names == ["simulator"]
    assert [p.name for p in tmp_path.iterdir()] == ["local.json"]  # no temporary files left behind


def test_other_chains_are_refused(tmp_path):
    path = tmp_path / "local.json"
    AddressBook.open(path, "local", 1, 2).record("system", {})
    with pytest.raises(WrongChainError, match="for chain ids L1 1 / L2 2, but the connected chains are L1 1 / L2 3"):
        AddressBook.open(path, "local", 1, 3)


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not a readable address book"),
        ('{"version": 1}', "not a readable address book"),
        ('{"version": 9, "chain_ids": {}, "entries": {}}', "format version 9"),
    ],
)
def test_unreadable_books_are_refused(tmp_path, content, message):
    path = tmp_path / "local.json"
    path.write_text(content)
    with pytest.raises(AddressBookError, match=message):
        AddressBook.open(path, "local", 1, 2)


def test_interrupted_step(tmp_path):
    path = tmp_path / "local.json"
    book = AddressBook.open(path, "local", 1, 2)
    book.begin("system", {"l1": 4, "l2": 7})
    reopened = AddressBook.open(path, "local", 1, 2)
    assert reopened.interrupted("system") == {"l1": 4, "l2": 7}
    assert reopened.get("system") is None and reopened.names == []
    reopened.record("system", {"x": 1})
    assert reopened.interrupted("system") is None
    with pytest.raises(AddressBookError, match="already recorded"):
        reopened.begin("system", {})


def test_a_failed_write_keeps_the_old_book(tmp_path, monkeypatch):
    path = tmp_path / "local.json"
    book = AddressBook.open(path, "local", 1, 2)
    book.record("simulator", {"a": 1})

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        book.record("system", {"b": 2})
    monkeypatch.undo()
    assert AddressBook.open(path, "local", 1, 2).names == ["simulator"]
    assert [p.name for p in tmp_path.iterdir()] == ["local.json"]


def test_default_location_and_setting():
    from ape import config

    settings = config.get_config("livepeer_migration")
    assert default_path("local", settings) == config.local_project.path / ".build" / "livepeer" / "local.json"
    moved = settings.model_copy(update={"address_book_dir": "/srv/books"})
    assert str(default_path("sepolia", moved)) == "/srv/books/sepolia.json"
