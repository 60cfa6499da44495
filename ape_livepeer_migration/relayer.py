"""A crash-safe, exactly-once relayer between a local L1 and L2 (the Arbitrum simulator).

On a real Arbitrum chain the sequencer turns L1 retryables into L2 tickets and
the rollup confirms L2 -> L1 send roots; locally this relayer plays both parts:

* L1 -> L2: every retryable seen on L1 is delivered to L2, in message order.
  The simulator creates the ticket and auto-redeems it from the aliased L1
  sender; a failing call leaves the ticket redeemable. The relayer journals
  ``failed`` with ``redeemable_until`` and never redeems it itself; later passes
  notice a redeem by anyone (``done``) or the expiry (``expired``).
* L2 -> L1: the relayer asserts send roots on L1 covering every message seen,
  and executes each message through the Outbox once its root is confirmed
  (``confirmPeriodBlocks`` later); ``fast_forward`` mines the local L1 up to
  that block instead of waiting.

Exactly once, whatever moment the process dies at: every state transition is
one SQLite transaction of the :class:`~ape_livepeer_migration.journal.Journal`
(scan results together with the scan cursor; a delivery together with its
outcome). Before any transaction is sent, the chain is asked whether the step
already happened (a ticket exists for the message, the Outbox spent the
position, the root is known): that resolves "sent but not journaled". A step
whose transaction is still in flight when the process dies is caught by the
chain itself: the simulator refuses a second submission of a request id and the
Outbox a second execution (``AlreadySpent``); a failed send is re-checked
against the chain before it is reported.

The chain-facing side is a :class:`Backend`; :class:`SimulatorBackend` drives
the simulator deployment (``ape_livepeer_migration.simulator``).

Run it as a process (the chains run elsewhere)::

    python -m ape_livepeer_migration.relayer --l1-rpc http://127.0.0.1:8545 \\
        --l2-rpc http://127.0.0.1:8547 --deployment sim.json --journal relay.db \\
        --operator-key 0x... --fast-forward
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ape_livepeer_migration.journal import (
    Direction,
    Journal,
    MessageRecord,
    RootRecord,
    Status,
    dump,
    load,
)

logger = logging.getLogger(__name__)

L1 = "l1"
L2 = "l2"


@dataclass(frozen=True)
class Seen:
    """A message found by a scan: its id (inbox number / outbox position), block and payload."""

    id: int
    block: int
    message: Any


@dataclass(frozen=True)
class Delivery:
    """What became of a retryable on L2."""

    ticket_id: str
    redeemed: bool  # the auto-redeem succeeded
    tx_hash: str | None  # the L2 transaction of the delivery (None when read back from state)
    redeemable_until: int | None  # L2 timestamp; only while the ticket is redeemable


@dataclass(frozen=True)
class TicketState:
    """A failed ticket, looked at again later."""

    redeemed: bool  # someone redeemed it since
    exists: bool  # still redeemable (not redeemed, canceled or expired)


class Backend(Protocol):
    """The chain operations the relayer composes; each must be safe to repeat after a crash."""

    inbound_type: type
    outbound_type: type

    def deployment(self) -> dict[str, Any]: ...
    def start_block(self, chain: str) -> int: ...
    def head(self, chain: str) -> int: ...
    def inbound(self, start: int, end: int) -> list[Seen]: ...
    def outbound(self, start: int, end: int) -> list[Seen]: ...
    def delivery(self, message: Any) -> Delivery | None: ...
    def deliver(self, message: Any) -> Delivery: ...
    def ticket(self, ticket_id: str) -> TicketState: ...
    def l2_timestamp(self) -> int: ...
    def send_root(self, messages: Sequence[Any]) -> str: ...
    def root_confirmable_at(self, root: str) -> int | None: ...
    def assert_root(self, messages: Sequence[Any]) -> int: ...
    def is_executed(self, message: Any) -> bool: ...
    def execute(self, message: Any, covered: Sequence[Any]) -> str: ...
    def fast_forward_l1(self, to_block: int) -> None: ...


@dataclass
class PassReport:
    """What one :meth:`Relayer.relay_once` did (ids per action)."""

    seen_l1: list[int] = field(default_factory=list)
    seen_l2: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    redeemed_later: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    roots: list[int] = field(default_factory=list)  # send counts of roots asserted
    fast_forwarded_to: int | None = None
    confirmed: list[int] = field(default_factory=list)
    executed: list[int] = field(default_factory=list)

    @property
    def idle(self) -> bool:
        return not any(
            (self.seen_l1, self.seen_l2, self.delivered, self.failed, self.redeemed_later, self.expired,
             self.roots, self.confirmed, self.executed, self.fast_forwarded_to is not None)
        )


class Relayer:
    """Relays a simulator deployment's messages, journaled in ``journal``."""

    def __init__(
        self,
        backend: Backend,
        journal: Journal,
        *,
        fast_forward: bool = False,
        blocks_per_scan: int = 2000,
    ):
        self.backend = backend
        self.journal = journal
        self.fast_forward = fast_forward
        self.blocks_per_scan = blocks_per_scan

    @classmethod
    def open(cls, backend: Backend, journal_path: str | Path, **options: Any) -> Relayer:
        """A relayer over the journal at ``journal_path`` (created if missing, bound to the deployment)."""
        return cls(backend, Journal(journal_path, backend.deployment()), **options)

    # ------------------------------------------------------------ one pass

    def relay_once(self) -> PassReport:
        """Scan both chains, then move every message as far as it can go now."""
        report = PassReport()
        report.seen_l1 = self._scan(L1, Direction.L1_TO_L2, Status.READY, self.backend.inbound)
        report.seen_l2 = self._scan(L2, Direction.L2_TO_L1, Status.WAITING, self.backend.outbound)
        self._deliver(report)
        self._follow_failed(report)
        self._assert_roots(report)
        self._confirm(report)
        self._execute(report)
        return report

    def _scan(self, chain: str, direction: Direction, status: Status, fetch: Callable) -> list[int]:
        seen = []
        head = self.backend.head(chain)
        start = self.journal.cursor(chain)
        if start is None:
            start = self.backend.start_block(chain)
        while start <= head:
            end = min(head, start + self.blocks_per_scan - 1)
            found = fetch(start, end)
            with self.journal.transaction():  # messages and cursor move together
                for item in found:
                    if self.journal.add(direction, item.id, status, item.block, dump(item.message)):
                        seen.append(item.id)
                self.journal.set_cursor(chain, end + 1)
            start = end + 1
        return seen

    def _deliver(self, report: PassReport) -> None:
        for record in self.journal.messages(Direction.L1_TO_L2, (Status.READY,)):
            message = load(self.backend.inbound_type, record.payload)
            outcome = self.backend.delivery(message)
            if outcome is None:
                try:
                    outcome = self.backend.deliver(message)
                except Exception:
                    # A submission that raced an earlier, unjournaled one is refused by
                    # the simulator; the chain tells which case this is.
                    outcome = self.backend.delivery(message)
                    if outcome is None:
                        raise
            if outcome.redeemed:
                self.journal.update(
                    Direction.L1_TO_L2, record.id, Status.DELIVERED,
                    ticket_id=outcome.ticket_id, result_tx=outcome.tx_hash,
                )
                report.delivered.append(record.id)
                logger.info("L1->L2 %d delivered (ticket %s)", record.id, outcome.ticket_id)
            else:
                self.journal.update(
                    Direction.L1_TO_L2, record.id, Status.FAILED, ticket_id=outcome.ticket_id,
                    result_tx=outcome.tx_hash, redeemable_until=outcome.redeemable_until,
                )
                report.failed.append(record.id)
                logger.warning(
                    "L1->L2 %d failed on L2: ticket %s redeemable until %s",
                    record.id, outcome.ticket_id, outcome.redeemable_until,
                )

    def _follow_failed(self, report: PassReport) -> None:
        failed = self.journal.messages(Direction.L1_TO_L2, (Status.FAILED,))
        if not failed:
            return
        now = self.backend.l2_timestamp()
        for record in failed:
            state = self.backend.ticket(record.ticket_id)
            if state.redeemed:
                self.journal.update(Direction.L1_TO_L2, record.id, Status.DONE)
                report.redeemed_later.append(record.id)
            elif not state.exists or now >= record.redeemable_until:
                self.journal.update(Direction.L1_TO_L2, record.id, Status.EXPIRED)
                report.expired.append(record.id)

    def _outbound(self, count: int) -> list[Any]:
        records = [
            record for record in self.journal.messages(Direction.L2_TO_L1) if record.id < count
        ]
        if [record.id for record in records] != list(range(count)):
            raise RuntimeError(f"the journal misses L2->L1 positions below {count}")
        return [load(self.backend.outbound_type, record.payload) for record in records]

    def _assert_roots(self, report: PassReport) -> None:
        unrooted = [r for r in self.journal.messages(Direction.L2_TO_L1) if r.root_id is None]
        if not unrooted:
            return
        count = max(record.id for record in unrooted) + 1
        covered = self._outbound(count)
        root = self.backend.send_root(covered)
        confirmable_at = self.backend.root_confirmable_at(root)
        if confirmable_at is None:
            confirmable_at = self.backend.assert_root(covered)
            report.roots.append(count)
            logger.info("asserted send root %s over %d sends, confirmable at L1 block %d", root, count, confirmable_at)
        self.journal.add_root(count, root, confirmable_at)

    def _confirm(self, report: PassReport) -> None:
        waiting = self.journal.messages(Direction.L2_TO_L1, (Status.WAITING,))
        if not waiting:
            return
        roots = {root.id: root for root in self.journal.roots()}
        head = self.backend.head(L1)
        pending = [roots[r.root_id].confirmable_at for r in waiting if r.root_id is not None]
        if self.fast_forward and pending and max(pending) > head:
            self.backend.fast_forward_l1(max(pending))
            report.fast_forwarded_to = max(pending)
            head = self.backend.head(L1)
        with self.journal.transaction():
            for record in waiting:
                if record.root_id is not None and roots[record.root_id].confirmable_at <= head:
                    self.journal.update(Direction.L2_TO_L1, record.id, Status.READY)
                    report.confirmed.append(record.id)

    def _execute(self, report: PassReport) -> None:
        for record in self.journal.messages(Direction.L2_TO_L1, (Status.READY,)):
            message = load(self.backend.outbound_type, record.payload)
            tx_hash = None
            if not self.backend.is_executed(message):
                root = self.journal.root(record.root_id)
                try:
                    tx_hash = self.backend.execute(message, self._outbound(root.send_count))
                except Exception:
                    if not self.backend.is_executed(message):  # not an AlreadySpent race
                        raise
            self.journal.update(Direction.L2_TO_L1, record.id, Status.DONE, result_tx=tx_hash)
            report.executed.append(record.id)
            logger.info("L2->L1 %d executed on L1", record.id)

    # ------------------------------------------------------------ watching

    def watch(
        self,
        poll_interval: float = 1.0,
        stop_event: threading.Event | None = None,
        on_pass: Callable[[PassReport], None] | None = None,
    ) -> None:
        """Relay until ``stop_event`` is set; sleeps ``poll_interval`` only after an idle pass."""
        stop_event = stop_event or threading.Event()
        while not stop_event.is_set():
            report = self.relay_once()
            if on_pass is not None:
                on_pass(report)
            if report.idle:
                stop_event.wait(poll_interval)

    # --------------------------------------------------------------- query

    def status(
        self, direction: Direction | None = None, statuses: tuple[Status, ...] | None = None
    ) -> list[MessageRecord]:
        """Every journaled message (optionally one direction / some statuses), in id order."""
        return self.journal.messages(direction, statuses)

    def summary(self) -> dict[str, Any]:
        """Counts per direction and status, scan cursors and asserted roots."""
        return {
            "messages": self.journal.counts(),
            "cursors": {chain: self.journal.cursor(chain) for chain in (L1, L2)},
            "roots": [root.__dict__ for root in self.journal.roots()],
        }

    def roots(self) -> list[RootRecord]:
        return self.journal.roots()
