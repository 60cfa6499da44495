"""The relayer journal: durability, atomic transitions, deployment binding, query API."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pytest

from ape_livepeer_migration.exceptions import InputError, InvalidTransition, JournalMismatch, UnknownMessageError
from ape_livepeer_migration.relayer.journal import Direction, Journal, Status, dump, load

DEPLOYMENT = {"l1_chain_id": 31337, "l2_chain_id": 412346, "inbox": "0x01"}


@pytest.fixture
def journal(tmp_path):
    journal = Journal(tmp_path / "relay.db", DEPLOYMENT)
    yield journal
    journal.close()


def test_journal_is_wal_and_survives_reopening(tmp_path):
    path = tmp_path / "relay.db"
    first = Journal(path, DEPLOYMENT)
    first.add(Direction.L1_TO_L2, 0, Status.READY, 5, {"a": 1})
    first.set_cursor("l1", 6)
    first.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    again = Journal(path, dict(reversed(list(DEPLOYMENT.items()))))  # key order does not matter
    assert again.cursor("l1") == 6 and again.cursor("l2") is None
    (record,) = again.messages()
    assert (record.direction, record.id, record.status, record.payload) == (
        Direction.L1_TO_L2,
        0,
        Status.READY,
        {"a": 1},
    )
    again.close()


def test_journal_refuses_another_deployment(tmp_path):
    Journal(tmp_path / "relay.db", DEPLOYMENT).close()
    with pytest.raises(JournalMismatch):
        Journal(tmp_path / "relay.db", {**DEPLOYMENT, "inbox": "0x02"})


def test_add_is_idempotent_and_logged_once(journal):
    assert journal.add(Direction.L2_TO_L1, 3, Status.WAITING, 9, {})
    assert not journal.add(Direction.L2_TO_L1, 3, Status.READY, 9, {})
    assert journal.message(Direction.L2_TO_L1, 3).status is Status.WAITING
    assert journal.transitions(Direction.L2_TO_L1, 3) == [Status.WAITING]
    assert journal.message(Direction.L1_TO_L2, 3) is None


def test_update_sets_fields_and_history(journal):
    journal.add(Direction.L1_TO_L2, 1, Status.READY, 2, {})
    journal.update(Direction.L1_TO_L2, 1, Status.FAILED, ticket_id="0xt", redeemable_until=99)
    journal.update(Direction.L1_TO_L2, 1, Status.DONE)
    record = journal.message(Direction.L1_TO_L2, 1)
    assert (record.status, record.ticket_id, record.redeemable_until) == (Status.DONE, "0xt", 99)
    assert journal.transitions(Direction.L1_TO_L2, 1) == [Status.READY, Status.FAILED, Status.DONE]
    assert journal.counts() == {"l1-to-l2": {"done": 1}, "l2-to-l1": {}}


def test_update_rejects_unknown_messages_and_fields(journal):
    with pytest.raises(UnknownMessageError):
        journal.update(Direction.L1_TO_L2, 7, Status.DONE)
    journal.add(Direction.L1_TO_L2, 7, Status.READY, 2, {})
    with pytest.raises(InputError, match="unknown message fields"):
        journal.update(Direction.L1_TO_L2, 7, Status.DONE, payload="x")


def test_a_failed_transaction_leaves_nothing_behind(journal):
    with pytest.raises(RuntimeError, match="killed mid-transition"):
        with journal.transaction():
            journal.add(Direction.L1_TO_L2, 0, Status.READY, 1, {})
            journal.set_cursor("l1", 2)
            raise RuntimeError("killed mid-transition")
    assert journal.messages() == [] and journal.cursor("l1") is None


def test_roots_attach_to_uncovered_messages_only(journal):
    for position in range(3):
        journal.add(Direction.L2_TO_L1, position, Status.WAITING, 10, {})
    first = journal.add_root(2, "0xr1", 40)
    journal.add(Direction.L2_TO_L1, 3, Status.WAITING, 11, {})
    second = journal.add_root(4, "0xr2", 45)
    assert [m.root_id for m in journal.messages(Direction.L2_TO_L1)] == [first.id, first.id, second.id, second.id]
    assert journal.roots() == [first, second]
    assert journal.root(second.id).confirmable_at == 45
    with pytest.raises(UnknownMessageError):
        journal.root(99)


def test_messages_filter_by_direction_and_status(journal):
    journal.add(Direction.L1_TO_L2, 0, Status.READY, 1, {})
    journal.add(Direction.L1_TO_L2, 1, Status.READY, 1, {})
    journal.update(Direction.L1_TO_L2, 1, Status.DELIVERED)
    journal.add(Direction.L2_TO_L1, 0, Status.WAITING, 1, {})
    assert [m.id for m in journal.messages(Direction.L1_TO_L2, (Status.READY,))] == [0]
    assert [m.direction for m in journal.messages(statuses=(Status.READY, Status.WAITING))] == [
        Direction.L1_TO_L2,
        Direction.L2_TO_L1,
    ]
    assert Status.DELIVERED.is_final and not Status.FAILED.is_final


@dataclass(frozen=True)
class Sample:
    number: int
    blob: bytes
    path: tuple[bytes, ...]
    name: str | None


def test_dump_and_load_round_trip_bytes():
    sample = Sample(2**200, b"\x00\xff", (b"\x01" * 32, b"\x02" * 32), None)
    assert load(Sample, dump(sample)) == sample
    with pytest.raises(TypeError):
        dump(object())


def test_existing_opens_any_deployment_for_queries(tmp_path):
    path = tmp_path / "relay.db"
    Journal(path, DEPLOYMENT).close()
    journal = Journal.existing(path)
    assert journal.deployment == DEPLOYMENT
    journal.close()
    with pytest.raises(FileNotFoundError):
        Journal.existing(tmp_path / "missing.db")
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE meta (key TEXT, value TEXT)")
    with pytest.raises(JournalMismatch):
        Journal.existing(tmp_path / "other.db")


@pytest.mark.parametrize(
    "direction, path, bad",
    [
        (Direction.L1_TO_L2, [Status.DELIVERED], Status.FAILED),  # a final status is never left
        (Direction.L1_TO_L2, [Status.FAILED, Status.EXPIRED], Status.DONE),
        (Direction.L1_TO_L2, [], Status.DONE),  # only a failed ticket becomes done
        (Direction.L2_TO_L1, [], Status.DONE),  # waiting for the root: not executable yet
        (Direction.L2_TO_L1, [Status.READY, Status.DONE], Status.READY),
    ],
)
def test_lifecycle_refuses_other_transitions(journal, direction, path, bad):
    journal.add(direction, 0, Status.READY if direction is Direction.L1_TO_L2 else Status.WAITING, 1, {})
    for status in path:
        journal.update(direction, 0, status)
    before = journal.transitions(direction, 0)
    with pytest.raises(InvalidTransition):
        journal.update(direction, 0, bad)
    assert journal.transitions(direction, 0) == before


def test_a_journal_written_before_the_error_column_opens_and_keeps_its_messages(tmp_path):
    import json

    from ape_livepeer_migration.relayer.journal import SCHEMA

    path = tmp_path / "old.db"
    old_schema = SCHEMA.replace("    error TEXT,\n", "")
    assert old_schema != SCHEMA
    with sqlite3.connect(path) as db:
        db.executescript(old_schema)
        db.execute("INSERT INTO meta VALUES ('deployment', ?)", (json.dumps(DEPLOYMENT, sort_keys=True),))
        db.execute(
            "INSERT INTO messages (direction, id, status, source_block, payload, updated_at)"
            " VALUES ('l1-to-l2', 0, 'ready', 5, '{}', 0)"
        )
    journal = Journal(path, DEPLOYMENT)
    (record,) = journal.messages()
    assert record.status is Status.READY and record.error is None
    journal.update(Direction.L1_TO_L2, 0, Status.UNDELIVERED, error="refused")
    assert journal.message(Direction.L1_TO_L2, 0).error == "refused"
    assert journal.retry_undelivered() == [0]
    assert journal.message(Direction.L1_TO_L2, 0).status is Status.READY
    journal.close()


def test_undelivered_goes_back_only_to_ready(journal):
    journal.add(Direction.L1_TO_L2, 0, Status.READY, 5, {})
    journal.update(Direction.L1_TO_L2, 0, Status.UNDELIVERED, error="out of gas")
    for status in (Status.DELIVERED, Status.FAILED, Status.DONE):
        with pytest.raises(InvalidTransition):
            journal.update(Direction.L1_TO_L2, 0, status)
    assert journal.retry_undelivered([1]) == []
    assert journal.retry_undelivered([0]) == [0]
