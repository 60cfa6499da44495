"""A crash-safe, exactly-once relayer between a local L1 and L2 (the Arbitrum simulator).

On a real Arbitrum chain the sequencer turns L1 retryables into L2 tickets and
the rollup confirms L2 -> L1 send roots; locally this relayer plays both parts:

* L1 -> L2: every retryable seen on L1 is delivered to L2, in message order.
  The simulator creates the ticket and auto-redeems it from the aliased L1
  sender; a failing call leaves the ticket redeemable. The relayer journals
  ``failed`` with ``redeemable_until`` and never redeems it itself; later passes
  notice a redeem by anyone (``done``), a cancel (``canceled``) or the expiry
  (``expired``). A request whose deposit does not cover its fees is ``rejected``.
* L2 -> L1: the relayer asserts send roots on L1 covering every message seen,
  and executes each message through the Outbox once its root is confirmed
  (``confirmPeriodBlocks`` later); ``fast_forward`` mines the local L1 up to
  that block instead of waiting. A message whose L1 call reverts stays
  ``ready`` (executable, as on Arbitrum) and is tried again each pass.

Retryables are delivered in batches (``deliveries_per_batch``, default 100):
the chain is asked about the whole batch at once, the undelivered ones are
submitted together (signed with explicit nonces, gas and fees, sent one
block's worth per JSON-RPC batch, so the L2 mines them together, in message
order), and each outcome is then journaled on its own, in message order.

No message a user can send stops the relayer. A submission the node refuses,
or that reverts, without the chain having delivered the message some other
way, is sent once more on its own; if that fails too, the message is journaled
``undelivered`` with the error and skipped, and the messages after it are
asked about and submitted again, in order (see
:func:`~ape_livepeer_migration.arbitrum.simulator.submit_retryables`). The operator
puts undelivered messages back with :meth:`Relayer.retry_undelivered` (or
``--retry-undelivered``) once the cause is fixed. An L2 -> L1 message whose
execution fails stays ``ready`` with its error and is tried again next pass.

The two directions run independently: an error in one (a dead node, a
journal that misses messages) is logged, the other direction still runs, and
then :meth:`Relayer.relay_once` raises that error. :meth:`Relayer.watch`
survives such passes: it logs the error, waits ``poll_interval`` and tries
again, and raises only after ``max_failed_passes`` passes in a row failed
(default 30; e.g. the L2 node is gone for good).

Exactly once, whatever moment the process dies at: every state transition is
one SQLite transaction of the :class:`~ape_livepeer_migration.relayer.journal.Journal`
(scan results together with the scan cursor; a delivery together with its
outcome). Before any transaction is sent, the chain is asked whether the step
already happened (a ticket exists for the message, the Outbox spent the
position, the root is known): that resolves "sent but not journaled". For
deliveries it first waits until none of the operator's L2 transactions is
pending, so that a batch sent just before a crash is read back, not sent
again. A step whose transaction is still in flight anyway is caught by the
chain itself: the simulator refuses a second submission of a request id and the
Outbox a second execution (``AlreadySpent``); a failed send is re-checked
against the chain before it is reported.

With L1 minting (``deploy --inflation l1``) a pass also keeps the L2 staked supply that L1 minting reads fresh:
given a :class:`StakeReports`, it reports the figure to the L1 stake oracle when the one there has grown old
(:class:`~ape_livepeer_migration.relayer.stake_reports.OracleReports`), the part a governance-set reporter plays
on a real network. A failed report is an error of the pass like a direction's.

The chain-facing side is a :class:`Backend`;
:class:`~ape_livepeer_migration.relayer.simulator_backend.SimulatorBackend` drives the simulator deployment
(``ape_livepeer_migration.arbitrum.simulator``) and runs the relayer as a process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ape_livepeer_migration.exceptions import InputError, RelayerError
from ape_livepeer_migration.relayer.journal import (
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
#: The name of the stake report's part of a pass (in :attr:`PassReport.errors`, next to the directions).
STAKE_REPORT = "stake report"


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
    outcome: Status  # DELIVERED (auto-redeemed), FAILED (redeemable) or REJECTED (no ticket)
    tx_hash: str | None  # the L2 transaction that delivered it
    redeemable_until: int | None  # L2 timestamp; FAILED only


@dataclass(frozen=True)
class TicketState:
    """A failed ticket, looked at again later."""

    live: bool  # still redeemable
    redeemed: bool  # someone redeemed it since
    canceled: bool  # its beneficiary canceled it


class Backend(Protocol):
    """The chain operations the relayer composes; each must be safe to repeat after a crash."""

    inbound_type: type
    outbound_type: type

    def deployment(self) -> dict[str, Any]: ...
    def start_block(self, chain: str) -> int: ...
    def head(self, chain: str) -> int: ...
    def inbound(self, start: int, end: int) -> list[Seen]: ...
    def outbound(self, start: int, end: int) -> list[Seen]: ...
    def deliveries(self, messages: Sequence[Any]) -> list[Delivery | None]: ...
    def deliver_batch(self, messages: Sequence[Any]) -> list[Delivery | Exception]: ...
    def ticket(self, ticket_id: str) -> TicketState: ...
    def send_root(self, messages: Sequence[Any]) -> str: ...
    def root_confirmable_at(self, root: str) -> int | None: ...
    def assert_root(self, messages: Sequence[Any]) -> int: ...
    def is_executed(self, message: Any) -> bool: ...
    def execute(self, message: Any, covered: Sequence[Any]) -> str: ...
    def fast_forward_l1(self, to_block: int) -> None: ...


class StakeReports(Protocol):
    """What reports the L2 staked supply to L1 when the figure there is old."""

    def report_if_due(self) -> int | None:
        """Report if due; the staked supply reported, ``None`` when no report was due."""
        ...


@dataclass
class PassReport:
    """What one :meth:`Relayer.relay_once` did (ids per action)."""

    seen_l1: list[int] = field(default_factory=list)
    seen_l2: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    undelivered: dict[int, str] = field(default_factory=dict)  # id -> error; skipped until retried
    redeemed_later: list[int] = field(default_factory=list)
    canceled: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    roots: list[int] = field(default_factory=list)  # send counts of roots asserted
    fast_forwarded_to: int | None = None
    confirmed: list[int] = field(default_factory=list)
    executed: list[int] = field(default_factory=list)
    execution_errors: dict[int, str] = field(default_factory=dict)  # id -> error; stays ready
    errors: dict[str, str] = field(default_factory=dict)  # direction -> error that stopped its part of the pass
    stake_reported: int | None = None  # the L2 staked supply reported to L1 in this pass (L1 minting)

    @property
    def idle(self) -> bool:
        """Nothing changed in this pass (execution errors alone change nothing)."""
        return not any(
            (
                self.seen_l1,
                self.seen_l2,
                self.delivered,
                self.failed,
                self.rejected,
                self.undelivered,
                self.redeemed_later,
                self.canceled,
                self.expired,
                self.roots,
                self.confirmed,
                self.executed,
                self.fast_forwarded_to is not None,
                self.stake_reported is not None,
            )
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
        deliveries_per_batch: int = 100,
        stake_reports: StakeReports | None = None,
    ):
        if deliveries_per_batch < 1:
            raise InputError("deliveries_per_batch must be at least 1")
        self.backend = backend
        self.journal = journal
        self.fast_forward = fast_forward
        self.blocks_per_scan = blocks_per_scan
        self.deliveries_per_batch = deliveries_per_batch
        self.stake_reports = stake_reports

    @classmethod
    def open(cls, backend: Backend, journal_path: str | Path, **options: Any) -> Relayer:
        """A relayer over the journal at ``journal_path`` (created if missing, bound to the deployment)."""
        return cls(backend, Journal(journal_path, backend.deployment()), **options)

    # ------------------------------------------------------------ one pass

    def relay_once(self) -> PassReport:
        """Scan both chains, then move every message as far as it can go now.

        The two directions, and the stake report, are independent: when one raises (an infrastructure
        error: no user message makes either raise), the others still run, then the first error is raised."""
        report = PassReport()
        raised: list[Exception] = []
        parts = [(Direction.L1_TO_L2.value, self._relay_l1_to_l2), (Direction.L2_TO_L1.value, self._relay_l2_to_l1)]
        if self.stake_reports is not None:
            parts.append((STAKE_REPORT, self._report_stake))
        for name, part in parts:
            try:
                part(report)
            except Exception as error:
                report.errors[name] = repr(error)
                logger.error("%s part of the pass failed: %r", name, error)
                raised.append(error)
        if raised:
            raise raised[0]
        return report

    def _relay_l1_to_l2(self, report: PassReport) -> None:
        report.seen_l1 = self._scan(L1, Direction.L1_TO_L2, Status.READY, self.backend.inbound)
        self._deliver(report)
        self._follow_failed(report)

    def _relay_l2_to_l1(self, report: PassReport) -> None:
        report.seen_l2 = self._scan(L2, Direction.L2_TO_L1, Status.WAITING, self.backend.outbound)
        self._assert_roots(report)
        self._confirm(report)
        self._execute(report)

    def _report_stake(self, report: PassReport) -> None:
        assert self.stake_reports is not None  # a part of the pass only with stake reports
        report.stake_reported = self.stake_reports.report_if_due()
        if report.stake_reported is not None:
            logger.info("L2 staked supply %d reported to L1", report.stake_reported)

    def retry_undelivered(self, ids: list[int] | None = None) -> list[int]:
        """Put ``undelivered`` retryables (all, or ``ids``) back to ``ready`` for the next pass."""
        moved = self.journal.retry_undelivered(ids)
        if moved:
            logger.info("L1->L2 %s back to ready", moved)
        return moved

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
        ready = self.journal.messages(Direction.L1_TO_L2, (Status.READY,))
        for start in range(0, len(ready), self.deliveries_per_batch):
            self._deliver_batch(ready[start : start + self.deliveries_per_batch], report)

    def _deliver_batch(self, records: list[MessageRecord], report: PassReport) -> None:
        """Ask the chain which of ``records`` it handled, submit the others together, then
        journal each outcome in message order (one journal transaction each).

        A message neither delivered by its submission nor found delivered on the chain is
        submitted once more alone, then journaled ``undelivered``; the messages after it are
        asked about and submitted again (a refused submission leaves the ones sent after it
        undelivered, and a reverted one may have been followed by delivered ones)."""
        while records:
            messages = [load(self.backend.inbound_type, record.payload) for record in records]
            outcomes: list[Delivery | Exception | None] = list(self.backend.deliveries(messages))
            unsent = [index for index, outcome in enumerate(outcomes) if outcome is None]
            if unsent:
                sent = self.backend.deliver_batch([messages[i] for i in unsent])
                for index, outcome in zip(unsent, sent, strict=True):
                    outcomes[index] = outcome
            delivered: list[Delivery | Exception] = [outcome for outcome in outcomes if outcome is not None]
            rest: list[MessageRecord] = []
            for position, (record, message, outcome) in enumerate(zip(records, messages, delivered, strict=True)):
                if isinstance(outcome, Exception):
                    outcome = self._deliver_alone(message, outcome)
                    if isinstance(outcome, Exception):
                        self._journal_undelivered(record.id, outcome, report)
                        rest = records[position + 1 :]
                        break
                self._journal_delivery(record.id, outcome, report)
            records = rest

    def _deliver_alone(self, message: Any, error: Exception) -> Delivery | Exception:
        """A message whose submission in a batch failed: what the chain did with it (a submission
        that raced an earlier, unjournaled one is refused, the first one delivered it), else the
        outcome of one more submission on its own, else the error that kept it off the chain."""
        (found,) = self.backend.deliveries([message])
        if found is not None:
            return found
        (outcome,) = self.backend.deliver_batch([message])
        if isinstance(outcome, Exception):
            (found,) = self.backend.deliveries([message])
            return outcome if found is None else found
        return outcome

    def _journal_undelivered(self, id: int, error: Exception, report: PassReport) -> None:
        reason = f"{type(error).__name__}: {error}"
        self.journal.update(Direction.L1_TO_L2, id, Status.UNDELIVERED, error=reason)
        report.undelivered[id] = reason
        logger.error("L1->L2 %d undelivered, skipped (retry with retry_undelivered): %s", id, reason)

    def _journal_delivery(self, id: int, outcome: Delivery, report: PassReport) -> None:
        self.journal.update(
            Direction.L1_TO_L2,
            id,
            outcome.outcome,
            ticket_id=outcome.ticket_id,
            result_tx=outcome.tx_hash,
            redeemable_until=outcome.redeemable_until,
        )
        if outcome.outcome is Status.DELIVERED:
            report.delivered.append(id)
            logger.info("L1->L2 %d delivered (ticket %s)", id, outcome.ticket_id)
        elif outcome.outcome is Status.FAILED:
            report.failed.append(id)
            logger.warning(
                "L1->L2 %d failed on L2: ticket %s redeemable until %s", id, outcome.ticket_id, outcome.redeemable_until
            )
        else:
            report.rejected.append(id)
            logger.warning("L1->L2 %d rejected on L2: deposit below its fees", id)

    def _follow_failed(self, report: PassReport) -> None:
        for record in self.journal.messages(Direction.L1_TO_L2, (Status.FAILED,)):
            assert record.ticket_id is not None  # a failed delivery has its ticket
            state = self.backend.ticket(record.ticket_id)
            if state.live:
                continue
            if state.redeemed:
                self.journal.update(Direction.L1_TO_L2, record.id, Status.DONE)
                report.redeemed_later.append(record.id)
            elif state.canceled:
                self.journal.update(Direction.L1_TO_L2, record.id, Status.CANCELED)
                report.canceled.append(record.id)
            else:
                self.journal.update(Direction.L1_TO_L2, record.id, Status.EXPIRED)
                report.expired.append(record.id)

    def _outbound(self, count: int) -> list[Any]:
        records = [record for record in self.journal.messages(Direction.L2_TO_L1) if record.id < count]
        if [record.id for record in records] != list(range(count)):
            raise RelayerError(f"the journal misses L2->L1 positions below {count}")
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
        covered_by_root: dict[int, list[Any]] = {}
        for record in self.journal.messages(Direction.L2_TO_L1, (Status.READY,)):
            message = load(self.backend.outbound_type, record.payload)
            tx_hash = None
            assert record.root_id is not None  # a ready message is covered by a root
            if not self.backend.is_executed(message):
                if record.root_id not in covered_by_root:
                    covered_by_root[record.root_id] = self._outbound(self.journal.root(record.root_id).send_count)
                try:
                    tx_hash = self.backend.execute(message, covered_by_root[record.root_id])
                except Exception as error:
                    if not self.backend.is_executed(message):  # not an AlreadySpent race
                        # The L1 call reverts (or the node failed): the message stays
                        # executable, as on Arbitrum, and is tried again next pass.
                        report.execution_errors[record.id] = repr(error)
                        if record.error != repr(error):
                            self.journal.set_error(Direction.L2_TO_L1, record.id, repr(error))
                        logger.warning("L2->L1 %d not executed: %r", record.id, error)
                        continue
            self.journal.update(Direction.L2_TO_L1, record.id, Status.DONE, result_tx=tx_hash)
            report.executed.append(record.id)
            logger.info("L2->L1 %d executed on L1", record.id)

    # ------------------------------------------------------------ watching

    def watch(
        self,
        poll_interval: float = 1.0,
        stop_event: threading.Event | None = None,
        on_pass: Callable[[PassReport], None] | None = None,
        max_failed_passes: int = 30,
    ) -> None:
        """Relay until ``stop_event`` is set; sleeps ``poll_interval`` after an idle pass.

        A pass that raises (see :meth:`relay_once`: a node or the journal failed, not a user's
        message) is logged and followed by ``poll_interval`` of sleep; only ``max_failed_passes``
        such passes in a row end the watch, with the last error."""
        stop_event = stop_event or threading.Event()
        failed_in_a_row = 0
        while not stop_event.is_set():
            try:
                report = self.relay_once()
            except Exception:
                failed_in_a_row += 1
                if failed_in_a_row >= max_failed_passes:
                    raise
                logger.warning("pass failed (%d in a row), trying again in %s s", failed_in_a_row, poll_interval)
                stop_event.wait(poll_interval)
                continue
            failed_in_a_row = 0
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
