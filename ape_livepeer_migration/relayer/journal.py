"""The relayer's durable journal: one SQLite file (WAL) per deployment.

Every state transition of the relayer is one SQLite transaction, so a process
killed at any instant leaves the journal at a transition boundary. What the
journal cannot know (a transaction sent just before the kill) is recovered
from the chains on restart; see :mod:`ape_livepeer_migration.relayer.core`.

Tables:

* ``meta``: the deployment this journal belongs to (refuses another one);
* ``cursors``: per chain, the next block to scan;
* ``messages``: one row per message and direction, with its status;
* ``roots``: send roots the relayer asserted on L1, with their confirmation block;
* ``transitions``: append-only history of every status change.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ape_livepeer_migration.exceptions import (
    InputError,
    InvalidTransition,
    JournalMismatch,
    JournalNotFoundError,
    UnknownMessageError,
)


class Direction(str, enum.Enum):
    L1_TO_L2 = "l1-to-l2"
    L2_TO_L1 = "l2-to-l1"


class Status(str, enum.Enum):
    """Where a message stands.

    * ``waiting``: seen; nothing to do until something happens (an L2 -> L1
      message waits for its send root and the challenge period);
    * ``ready``: the relayer can act now (deliver a retryable, execute a
      confirmed L2 -> L1 message);
    * ``delivered``: the retryable's ticket was created and auto-redeemed;
    * ``failed``: the ticket was created but its call failed; anyone may
      redeem it until ``redeemable_until`` (L2 time); the relayer does not;
    * ``rejected``: the L2 refused to create the ticket (deposit below the
      submission fee plus call value); the deposit went to the sender's alias;
    * ``undelivered``: the operator could not get the retryable onto L2 (its
      submission was refused by the node or reverted, twice); ``error`` says
      why. The relayer skips it and goes on with later messages; the operator
      puts it back to ``ready`` with :meth:`Journal.retry_undelivered`;
    * ``canceled``: the beneficiary canceled a failed ticket;
    * ``expired``: a failed ticket passed ``redeemable_until`` unredeemed;
    * ``done``: an L2 -> L1 message was executed through the Outbox, or a
      failed ticket was redeemed later.
    """

    WAITING = "waiting"
    READY = "ready"
    DELIVERED = "delivered"
    FAILED = "failed"
    REJECTED = "rejected"
    UNDELIVERED = "undelivered"
    CANCELED = "canceled"
    EXPIRED = "expired"
    DONE = "done"

    @property
    def is_final(self) -> bool:
        return self in (Status.DELIVERED, Status.REJECTED, Status.CANCELED, Status.EXPIRED, Status.DONE)


#: The only status changes the journal accepts, per direction: a final status is never left.
TRANSITIONS: dict[Direction, dict[Status, frozenset[Status]]] = {
    Direction.L1_TO_L2: {
        Status.READY: frozenset({Status.DELIVERED, Status.FAILED, Status.REJECTED, Status.UNDELIVERED}),
        Status.UNDELIVERED: frozenset({Status.READY}),
        Status.FAILED: frozenset({Status.DONE, Status.CANCELED, Status.EXPIRED}),
    },
    Direction.L2_TO_L1: {
        Status.WAITING: frozenset({Status.READY}),
        Status.READY: frozenset({Status.DONE}),
    },
}


@dataclass(frozen=True)
class MessageRecord:
    """One journaled message, as the query API returns it."""

    direction: Direction
    id: int  # L1 -> L2: inbox message number; L2 -> L1: outbox position
    status: Status
    source_block: int
    payload: dict[str, Any]
    ticket_id: str | None
    result_tx: str | None
    redeemable_until: int | None
    root_id: int | None
    updated_at: float
    error: str | None = None  # why the last attempt at it failed (undelivered; or an L2 -> L1 execution)


@dataclass(frozen=True)
class RootRecord:
    id: int
    send_count: int  # covers outbox positions 0 .. send_count - 1
    root: str
    confirmable_at: int  # first L1 block at which the Outbox accepts it


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (chain TEXT PRIMARY KEY, next_block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    direction TEXT NOT NULL,
    id INTEGER NOT NULL,
    status TEXT NOT NULL,
    source_block INTEGER NOT NULL,
    payload TEXT NOT NULL,
    ticket_id TEXT,
    result_tx TEXT,
    redeemable_until INTEGER,
    root_id INTEGER REFERENCES roots(id),
    updated_at REAL NOT NULL,
    error TEXT,
    PRIMARY KEY (direction, id)
);
CREATE INDEX IF NOT EXISTS messages_by_status ON messages (direction, status, id);
CREATE TABLE IF NOT EXISTS roots (
    id INTEGER PRIMARY KEY,
    send_count INTEGER NOT NULL UNIQUE,
    root TEXT NOT NULL,
    confirmable_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    direction TEXT NOT NULL,
    id INTEGER NOT NULL,
    status TEXT NOT NULL,
    at REAL NOT NULL
);
"""


class Journal:
    """The durable state of one relayer; see the module docstring."""

    def __init__(self, path: str | Path, deployment: dict[str, Any]):
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(messages)")}
        if "error" not in columns:  # a journal written before messages had an error column
            self._db.execute("ALTER TABLE messages ADD COLUMN error TEXT")
        fingerprint = json.dumps(deployment, sort_keys=True)
        with self.transaction():
            row = self._db.execute("SELECT value FROM meta WHERE key = 'deployment'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('deployment', ?)", (fingerprint,))
            elif row[0] != fingerprint:
                raise JournalMismatch(f"{self.path} journals {row[0]}, not {fingerprint}")

    @classmethod
    def existing(cls, path: str | Path) -> Journal:
        """Open a journal that exists, for queries (e.g. a ``status`` command), whatever its deployment."""
        if not Path(path).is_file():
            raise JournalNotFoundError(f"no relayer journal at {path}")
        with sqlite3.connect(path) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'deployment'").fetchone()
        if row is None:
            raise JournalMismatch(f"{path} is not a relayer journal")
        return cls(path, json.loads(row[0]))

    @property
    def deployment(self) -> dict[str, Any]:
        """The deployment this journal belongs to."""
        (value,) = self._db.execute("SELECT value FROM meta WHERE key = 'deployment'").fetchone()
        return json.loads(value)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic state transition (nested use joins the outer transaction)."""
        if self._db.in_transaction:
            yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------- cursors

    def cursor(self, chain: str) -> int | None:
        row = self._db.execute("SELECT next_block FROM cursors WHERE chain = ?", (chain,)).fetchone()
        return None if row is None else row[0]

    def set_cursor(self, chain: str, next_block: int) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO cursors VALUES (?, ?) ON CONFLICT(chain) DO UPDATE SET next_block = excluded.next_block",
                (chain, next_block),
            )

    # ------------------------------------------------------------ messages

    def add(self, direction: Direction, id: int, status: Status, source_block: int, payload: dict) -> bool:
        """Journal a newly seen message; False if it was already known."""
        with self.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO messages (direction, id, status, source_block, payload, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (direction.value, id, status.value, source_block, json.dumps(payload), time.time()),
            ).rowcount
            if inserted:
                self._log(direction, id, status)
            return bool(inserted)

    def update(self, direction: Direction, id: int, status: Status, **fields: Any) -> None:
        """Move a message to ``status``, setting any of ticket_id, result_tx, redeemable_until, root_id, error."""
        allowed = {"ticket_id", "result_tx", "redeemable_until", "root_id", "error"}
        if not set(fields) <= allowed:
            raise InputError(f"unknown message fields {set(fields) - allowed}")
        assignments = "".join(f", {name} = ?" for name in fields)
        with self.transaction() as db:
            row = db.execute(
                "SELECT status FROM messages WHERE direction = ? AND id = ?", (direction.value, id)
            ).fetchone()
            if row is None:
                raise UnknownMessageError(f"no {direction.value} message {id} in the journal")
            current = Status(row[0])
            if status not in TRANSITIONS[direction].get(current, frozenset()):
                raise InvalidTransition(f"{direction.value} message {id}: {current.value} -> {status.value}")
            db.execute(
                f"UPDATE messages SET status = ?, updated_at = ?{assignments} WHERE direction = ? AND id = ?",
                (status.value, time.time(), *fields.values(), direction.value, id),
            )
            self._log(direction, id, status)

    def set_error(self, direction: Direction, id: int, error: str | None) -> None:
        """Record why the last attempt at a message failed, without changing its status."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET error = ?, updated_at = ? WHERE direction = ? AND id = ?",
                (error, time.time(), direction.value, id),
            )

    def retry_undelivered(self, ids: list[int] | None = None) -> list[int]:
        """Put ``undelivered`` L1 -> L2 messages (all, or those in ``ids``) back to ``ready``, so that
        the next pass submits them again; returns the ids moved. Their last error stays recorded."""
        moved = []
        with self.transaction():
            for record in self.messages(Direction.L1_TO_L2, (Status.UNDELIVERED,)):
                if ids is None or record.id in ids:
                    self.update(Direction.L1_TO_L2, record.id, Status.READY)
                    moved.append(record.id)
        return moved

    def _log(self, direction: Direction, id: int, status: Status) -> None:
        self._db.execute(
            "INSERT INTO transitions (direction, id, status, at) VALUES (?, ?, ?, ?)",
            (direction.value, id, status.value, time.time()),
        )

    def messages(
        self, direction: Direction | None = None, statuses: tuple[Status, ...] | None = None
    ) -> list[MessageRecord]:
        """Journaled messages in (direction, id) order, optionally filtered."""
        query, params = "SELECT * FROM messages WHERE 1 = 1", []
        if direction is not None:
            query += " AND direction = ?"
            params.append(direction.value)
        if statuses is not None:
            query += f" AND status IN ({', '.join('?' * len(statuses))})"
            params.extend(status.value for status in statuses)
        rows = self._db.execute(query + " ORDER BY direction, id", params).fetchall()
        return [self._record(row) for row in rows]

    def message(self, direction: Direction, id: int) -> MessageRecord | None:
        row = self._db.execute(
            "SELECT * FROM messages WHERE direction = ? AND id = ?", (direction.value, id)
        ).fetchone()
        return None if row is None else self._record(row)

    @staticmethod
    def _record(row: tuple) -> MessageRecord:
        direction, id, status, block, payload, ticket, tx, until, root, at, error = row
        return MessageRecord(
            Direction(direction), id, Status(status), block, json.loads(payload), ticket, tx, until, root, at, error
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """``{direction: {status: count}}`` over the whole journal."""
        counts: dict[str, dict[str, int]] = {d.value: {} for d in Direction}
        for direction, status, count in self._db.execute(
            "SELECT direction, status, COUNT(*) FROM messages GROUP BY direction, status"
        ):
            counts[direction][status] = count
        return counts

    def transitions(self, direction: Direction, id: int) -> list[Status]:
        """Every status the message went through, oldest first."""
        rows = self._db.execute(
            "SELECT status FROM transitions WHERE direction = ? AND id = ? ORDER BY seq", (direction.value, id)
        )
        return [Status(status) for (status,) in rows]

    # --------------------------------------------------------------- roots

    def add_root(self, send_count: int, root: str, confirmable_at: int) -> RootRecord:
        """Journal an asserted send root and attach it to the messages it newly covers."""
        with self.transaction() as db:
            root_id = db.execute(
                "INSERT INTO roots (send_count, root, confirmable_at) VALUES (?, ?, ?)",
                (send_count, root, confirmable_at),
            ).lastrowid
            db.execute(
                "UPDATE messages SET root_id = ?, updated_at = ? WHERE direction = ? AND id < ? AND root_id IS NULL",
                (root_id, time.time(), Direction.L2_TO_L1.value, send_count),
            )
        assert root_id is not None  # an INSERT always sets lastrowid
        return RootRecord(root_id, send_count, root, confirmable_at)

    def roots(self) -> list[RootRecord]:
        return [RootRecord(*row) for row in self._db.execute("SELECT * FROM roots ORDER BY send_count")]

    def root(self, root_id: int) -> RootRecord:
        row = self._db.execute("SELECT * FROM roots WHERE id = ?", (root_id,)).fetchone()
        if row is None:
            raise UnknownMessageError(f"no root {root_id} in the journal")
        return RootRecord(*row)


def dump(value: Any) -> Any:
    """A dataclass (or plain value) as JSON-able data; bytes become ``{"hex": ...}``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: dump(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    if isinstance(value, (list, tuple)):
        return [dump(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"cannot journal {type(value).__name__}: {value!r}")


def load(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a dataclass dumped by :func:`dump` (bytes restored; tuples of bytes too)."""

    def restore(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"hex"}:
            return bytes.fromhex(value["hex"])
        if isinstance(value, list):
            return tuple(restore(item) for item in value)
        return value

    return cls(**{name: restore(value) for name, value in data.items()})
