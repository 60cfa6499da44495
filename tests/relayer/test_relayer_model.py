"""The relayer's state machine against an in-memory model of the two chains.

The model keeps real state (deliveries, tickets, roots, spent positions, block
heights) and enforces the same refusals as the simulator (a second delivery of
a request, a second execution of a position, an unconfirmed root). It can
"die" at any numbered backend call, before or after that call's effect lands
on the chain: the relayer is then rebuilt from its journal file, as after a
SIGKILL, and must finish with every message handled exactly once. The end-to-end
version with real chains and real SIGKILLs is test_crash.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from eth_utils import keccak

from ape_livepeer_migration.relayer.core import Delivery, Relayer, Seen, TicketState
from ape_livepeer_migration.relayer.journal import Direction, Status

CONFIRM_PERIOD = 5
LIFETIME = 100


@dataclass(frozen=True)
class Inbound:
    number: int
    fails: bool


@dataclass(frozen=True)
class Outbound:
    position: int
    data: bytes


class Died(BaseException):
    """The relayer process died here (BaseException: nothing may swallow it)."""


@dataclass
class ModelChains:
    inbound_msgs: list[tuple[int, Inbound]] = field(default_factory=list)  # (l1 block, message)
    outbound_msgs: list[tuple[int, Outbound]] = field(default_factory=list)  # (l2 block, message)
    l1_block: int = 10
    l2_block: int = 10
    l2_time: int = 1000
    deliveries: dict[int, list[Delivery]] = field(default_factory=dict)
    redeemed_by_user: set[str] = field(default_factory=set)
    canceled_by_beneficiary: set[str] = field(default_factory=set)
    roots: dict[str, int] = field(default_factory=dict)
    executions: dict[int, int] = field(default_factory=dict)
    calls: int = 0
    refusals: int = 0  # duplicate submissions the chain had to refuse
    die_at: int | None = None
    die_after_effect: bool = False

    # -- the test's own actions on the chains
    def send_l1_to_l2(self, fails: bool = False) -> None:
        self.l1_block += 1
        self.inbound_msgs.append((self.l1_block, Inbound(len(self.inbound_msgs), fails)))

    def send_l2_to_l1(self) -> None:
        self.l2_block += 1
        position = len(self.outbound_msgs)
        self.outbound_msgs.append((self.l2_block, Outbound(position, bytes([position]))))

    # -- the L2 mines what the relayer sent, in order; a second submission of a request is refused
    mempool: list[Inbound] = field(default_factory=list)

    def mine(self) -> list[Delivery | Exception]:
        outcomes = [self._submit(message) for message in self.mempool]
        self.mempool.clear()
        return outcomes

    def _submit(self, message: Inbound) -> Delivery | Exception:
        if message.number in self.deliveries:
            self.refusals += 1
            return RuntimeError("request already submitted")
        self.l2_block += 1
        outcome = Delivery(
            "0x" + keccak(message.number.to_bytes(32, "big")).hex(),
            Status.FAILED if message.fails else Status.DELIVERED,
            f"0xtx{message.number}",
            self.l2_time + LIFETIME if message.fails else None,
        )
        self.deliveries[message.number] = [outcome]
        return outcome

    # -- crash injection
    def _step(self, effect=None):
        self.calls += 1
        dying = self.die_at is not None and self.calls == self.die_at
        if dying and not self.die_after_effect:
            raise Died
        result = effect() if effect else None
        if dying:
            raise Died
        return result


class ModelBackend:
    inbound_type = Inbound
    outbound_type = Outbound

    def __init__(self, chains: ModelChains):
        self.chains = chains

    def deployment(self):
        return {"model": 1}

    def start_block(self, chain):
        return 0

    def head(self, chain):
        return self.chains._step(lambda: self.chains.l1_block if chain == "l1" else self.chains.l2_block)

    def inbound(self, start, end):
        return self.chains._step(
            lambda: [Seen(m.number, b, m) for b, m in self.chains.inbound_msgs if start <= b <= end]
        )

    def outbound(self, start, end):
        return self.chains._step(
            lambda: [Seen(m.position, b, m) for b, m in self.chains.outbound_msgs if start <= b <= end]
        )

    def deliveries(self, messages):
        def effect():
            self.chains.mine()  # the relayer waits for its submissions in flight
            return [self._known(m) for m in messages]

        return self.chains._step(effect)

    def _known(self, message):
        done = self.chains.deliveries.get(message.number)
        return None if not done else Delivery(done[0].ticket_id, done[0].outcome, None, done[0].redeemable_until)

    def deliver_batch(self, messages):
        for message in messages:  # each send is a call the relayer can die at; it lands later
            self.chains._step(lambda message=message: self.chains.mempool.append(message))
        return self.chains._step(lambda: self.chains.mine()[-len(messages) :])

    def ticket(self, ticket_id):
        def effect():
            (until,) = [d[0].redeemable_until for d in self.chains.deliveries.values() if d[0].ticket_id == ticket_id]
            redeemed = ticket_id in self.chains.redeemed_by_user
            canceled = ticket_id in self.chains.canceled_by_beneficiary
            live = not redeemed and not canceled and self.chains.l2_time < until
            return TicketState(live=live, redeemed=redeemed, canceled=canceled)

        return self.chains._step(effect)

    def send_root(self, messages):
        return "0x" + keccak(b"".join(m.data for m in messages)).hex()

    def root_confirmable_at(self, root):
        return self.chains._step(lambda: self.chains.roots.get(root))

    def assert_root(self, messages):
        def effect():
            self.chains.l1_block += 1
            self.chains.roots[self.send_root(messages)] = self.chains.l1_block + CONFIRM_PERIOD
            return self.chains.l1_block + CONFIRM_PERIOD

        return self.chains._step(effect)

    def is_executed(self, message):
        return self.chains._step(lambda: message.position in self.chains.executions)

    def execute(self, message, covered):
        def effect():
            assert covered[message.position] == message
            confirmed = self.chains.roots.get(self.send_root(covered))
            if confirmed is None or confirmed > self.chains.l1_block:
                raise RuntimeError("root not confirmed")
            if message.position in self.chains.executions:
                self.chains.refusals += 1
                raise RuntimeError("AlreadySpent")
            self.chains.l1_block += 1
            self.chains.executions[message.position] = 1
            return f"0xexec{message.position}"

        return self.chains._step(effect)

    def fast_forward_l1(self, to_block):
        def effect():
            self.chains.l1_block = max(self.chains.l1_block, to_block)

        return self.chains._step(effect)


def scenario() -> ModelChains:
    chains = ModelChains()
    for index in range(4):
        chains.send_l1_to_l2(fails=index == 2)
        chains.send_l2_to_l1()
    return chains


def run_to_completion(chains: ModelChains, path) -> Relayer:
    """Restart after each death until a pass is idle; return the last relayer."""
    while True:
        relayer = Relayer.open(ModelBackend(chains), path, fast_forward=True)
        try:
            while not relayer.relay_once().idle:
                pass
            return relayer
        except Died:
            chains.die_at = None
            relayer.journal.close()


def check_exactly_once(chains: ModelChains, relayer: Relayer) -> None:
    assert sorted(chains.deliveries) == [m.number for _, m in chains.inbound_msgs]
    assert all(len(d) == 1 for d in chains.deliveries.values())
    assert chains.executions == {m.position: 1 for _, m in chains.outbound_msgs}
    # Submissions in flight at a death land before the restarted relayer reads the chain
    # (it waits for them), so it must never lean on the chain's refusal of a duplicate.
    assert chains.refusals == 0
    statuses = {(r.direction, r.id): r.status for r in relayer.status()}
    assert statuses == {
        (Direction.L1_TO_L2, 0): Status.DELIVERED,
        (Direction.L1_TO_L2, 1): Status.DELIVERED,
        (Direction.L1_TO_L2, 2): Status.FAILED,
        (Direction.L1_TO_L2, 3): Status.DELIVERED,
        **{(Direction.L2_TO_L1, p): Status.DONE for p in range(4)},
    }


def count_calls(tmp_path) -> int:
    chains = scenario()
    relayer = run_to_completion(chains, tmp_path / "count.db")
    check_exactly_once(chains, relayer)
    return chains.calls


def test_one_uninterrupted_run(tmp_path):
    chains = scenario()
    relayer = Relayer.open(ModelBackend(chains), tmp_path / "relay.db", fast_forward=True)
    report = relayer.relay_once()
    assert report.seen_l1 == [0, 1, 2, 3] and report.seen_l2 == [0, 1, 2, 3]
    assert report.delivered == [0, 1, 3] and report.failed == [2]
    assert report.roots == [4] and report.fast_forwarded_to == chains.roots[next(iter(chains.roots))]
    assert report.confirmed == [0, 1, 2, 3] and report.executed == [0, 1, 2, 3]
    assert relayer.relay_once().idle
    check_exactly_once(chains, relayer)
    failed = relayer.journal.message(Direction.L1_TO_L2, 2)
    assert failed.redeemable_until == 1000 + LIFETIME and failed.ticket_id.startswith("0x")
    assert relayer.summary()["messages"] == {"l1-to-l2": {"delivered": 3, "failed": 1}, "l2-to-l1": {"done": 4}}


@pytest.mark.parametrize("after_effect", [False, True], ids=["before-effect", "after-effect"])
def test_death_at_every_backend_call_is_recovered_exactly_once(tmp_path, after_effect):
    total = count_calls(tmp_path)
    for die_at in range(1, total + 1):
        chains = scenario()
        chains.die_at, chains.die_after_effect = die_at, after_effect
        relayer = run_to_completion(chains, tmp_path / f"die-{die_at}.db")
        check_exactly_once(chains, relayer)
        relayer.journal.close()


def test_without_fast_forward_messages_wait_for_the_challenge_period(tmp_path):
    chains = scenario()
    relayer = Relayer.open(ModelBackend(chains), tmp_path / "relay.db")
    report = relayer.relay_once()
    assert report.roots == [4] and report.confirmed == [] and report.fast_forwarded_to is None
    assert {r.status for r in relayer.status(Direction.L2_TO_L1)} == {Status.WAITING}
    chains.l1_block += CONFIRM_PERIOD
    assert relayer.relay_once().executed == [0, 1, 2, 3]


def test_new_sends_get_a_new_root_and_old_ones_keep_theirs(tmp_path):
    chains = scenario()
    relayer = Relayer.open(ModelBackend(chains), tmp_path / "relay.db", fast_forward=True)
    relayer.relay_once()
    chains.send_l2_to_l1()
    report = relayer.relay_once()
    assert report.roots == [5] and report.executed == [4]
    assert [root.send_count for root in relayer.roots()] == [4, 5]


def test_failed_ticket_is_followed_to_done_canceled_or_expired(tmp_path):
    chains = scenario()
    chains.send_l1_to_l2(fails=True)
    chains.send_l1_to_l2(fails=True)
    relayer = Relayer.open(ModelBackend(chains), tmp_path / "relay.db", fast_forward=True)
    assert relayer.relay_once().failed == [2, 4, 5]
    assert relayer.relay_once().idle  # live tickets are left alone
    chains.redeemed_by_user.add(relayer.journal.message(Direction.L1_TO_L2, 2).ticket_id)
    chains.canceled_by_beneficiary.add(relayer.journal.message(Direction.L1_TO_L2, 5).ticket_id)
    report = relayer.relay_once()
    assert report.redeemed_later == [2] and report.canceled == [5] and report.expired == []
    chains.l2_time += LIFETIME
    assert relayer.relay_once().expired == [4]
    assert relayer.journal.transitions(Direction.L1_TO_L2, 4) == [Status.READY, Status.FAILED, Status.EXPIRED]
    assert relayer.journal.message(Direction.L1_TO_L2, 2).status is Status.DONE
    assert relayer.journal.message(Direction.L1_TO_L2, 5).status is Status.CANCELED


def test_rejected_submission_is_final(tmp_path):
    chains = scenario()
    backend = ModelBackend(chains)
    deliver_batch = backend.deliver_batch

    def rejecting(messages):
        rejected = []
        for message, outcome in zip(messages, deliver_batch(messages), strict=True):
            rejected.append(Delivery(outcome.ticket_id, Status.REJECTED, outcome.tx_hash, None))
            chains.deliveries[message.number] = [rejected[-1]]
        return rejected

    backend.deliver_batch = rejecting
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    assert relayer.relay_once().rejected == [0, 1, 2, 3]
    assert Status.REJECTED.is_final
    assert relayer.relay_once().idle


def test_a_delivery_error_that_did_not_deliver_is_raised_after_the_other_direction_ran(tmp_path):
    """The L2 node fails as a whole (an infrastructure error, not one message): nothing is journaled
    for L1 -> L2, the pass raises, but only after the L2 -> L1 direction did all it could."""
    chains = scenario()
    backend = ModelBackend(chains)

    def broken(messages):
        raise ConnectionError("node went away")

    backend.deliver_batch = broken
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    with pytest.raises(ConnectionError):
        relayer.relay_once()
    assert [r.status for r in relayer.status(Direction.L1_TO_L2)] == [Status.READY] * 4
    assert [r.status for r in relayer.status(Direction.L2_TO_L1)] == [Status.DONE] * 4
    assert chains.executions == dict.fromkeys(range(4), 1)


def test_an_l2_to_l1_error_does_not_hold_back_deliveries(tmp_path):
    chains = scenario()
    backend = ModelBackend(chains)

    def broken(start, end):
        raise ConnectionError("L2 logs unavailable")

    backend.outbound = broken
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    with pytest.raises(ConnectionError, match="L2 logs"):
        relayer.relay_once()
    assert [r.status for r in relayer.status(Direction.L1_TO_L2)] == [Status.DELIVERED] * 2 + [
        Status.FAILED,
        Status.DELIVERED,
    ]
    assert relayer.status(Direction.L2_TO_L1) == []


class StakeReportsModel:
    """Stake reports whose figure is due when ``due`` says so; ``fails`` makes a report raise (a node error)."""

    def __init__(self, due: list[bool], fails: bool = False):
        self.due, self.fails, self.sent = due, fails, []

    def report_if_due(self) -> int | None:
        if not self.due.pop(0):
            return None
        if self.fails:
            raise ConnectionError("L1 node went away")
        self.sent.append(1_000 + len(self.sent))
        return self.sent[-1]


def test_a_pass_reports_the_stake_when_due_and_is_idle_only_without_a_report(tmp_path):
    reports = StakeReportsModel([True, False, True, False])
    relayer = Relayer.open(ModelBackend(ModelChains()), tmp_path / "relay.db", stake_reports=reports)
    assert relayer.relay_once().stake_reported == 1_000
    quiet = relayer.relay_once()
    assert quiet.stake_reported is None and quiet.idle
    again = relayer.relay_once()
    assert again.stake_reported == 1_001 and not again.idle
    assert relayer.relay_once().idle and reports.sent == [1_000, 1_001]


def test_a_failed_stake_report_is_raised_after_both_directions_ran(tmp_path):
    chains = scenario()
    relayer = Relayer.open(
        ModelBackend(chains), tmp_path / "relay.db", fast_forward=True, stake_reports=StakeReportsModel([True], True)
    )
    with pytest.raises(ConnectionError, match="L1 node"):
        relayer.relay_once()
    assert [r.status for r in relayer.status(Direction.L2_TO_L1)] == [Status.DONE] * 4
    assert sorted(chains.deliveries) == [0, 1, 2, 3]


def test_a_refused_submission_inside_a_batch_is_sent_again_alone_and_the_rest_go_on(tmp_path):
    """The node refuses every submission after the first of a batch: each refused one is sent
    again on its own (and delivered), in message order,
    all in one pass and each exactly once."""
    chains = scenario()
    backend = ModelBackend(chains)
    deliver_batch = backend.deliver_batch
    refusal = ConnectionError("nonce too low")
    batches = []

    def refusing_all_but_the_first(messages):
        batches.append([m.number for m in messages])
        return [*deliver_batch(messages[:1]), *[refusal] * (len(messages) - 1)]

    backend.deliver_batch = refusing_all_but_the_first
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    report = relayer.relay_once()
    assert batches == [[0, 1, 2, 3], [1], [2], [3]]
    assert report.delivered == [0, 1, 3] and report.failed == [2] and report.undelivered == {}
    assert list(chains.deliveries) == [0, 1, 2, 3]
    check_exactly_once(chains, relayer)


def test_a_message_that_cannot_be_delivered_is_journaled_undelivered_and_skipped(tmp_path):
    """A user's message whose submission always fails (e.g. the operator's transaction runs out of
    gas) is journaled ``undelivered`` with the error after a second try alone; the messages
    before and after it are delivered, L2 -> L1 goes on in the same pass, later passes leave it
    alone, and the operator's retry delivers it once the cause is gone."""
    chains = scenario()
    backend = ModelBackend(chains)
    deliver_batch = backend.deliver_batch
    attempts = []

    def out_of_gas_for_message_1(messages):
        outcomes = deliver_batch([m for m in messages if m.number != 1])
        if any(m.number == 1 for m in messages):
            attempts.append(1)
            outcomes.insert([m.number for m in messages].index(1), RuntimeError("submission 0xab reverted: out of gas"))
        return outcomes

    backend.deliver_batch = out_of_gas_for_message_1
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    report = relayer.relay_once()
    assert report.undelivered == {1: "RuntimeError: submission 0xab reverted: out of gas"}
    assert report.delivered == [0, 3] and report.failed == [2] and report.executed == [0, 1, 2, 3]
    assert attempts == [1, 1]  # in the batch, then once alone
    record = relayer.journal.message(Direction.L1_TO_L2, 1)
    assert record.status is Status.UNDELIVERED and "out of gas" in record.error
    assert not Status.UNDELIVERED.is_final
    while not relayer.relay_once().idle:
        pass
    assert attempts == [1, 1]  # skipped by later passes
    assert relayer.retry_undelivered() == [1]
    assert relayer.retry_undelivered() == []
    assert relayer.relay_once().undelivered == {1: "RuntimeError: submission 0xab reverted: out of gas"}
    assert attempts == [1, 1, 1, 1]
    relayer.retry_undelivered([1])
    backend.deliver_batch = deliver_batch
    assert relayer.relay_once().delivered == [1]
    check_exactly_once(chains, relayer)
    assert relayer.journal.transitions(Direction.L1_TO_L2, 1) == [
        Status.READY,
        Status.UNDELIVERED,
        Status.READY,
        Status.UNDELIVERED,
        Status.READY,
        Status.DELIVERED,
    ]


def test_every_message_undeliverable_still_finishes_the_pass(tmp_path):
    chains = scenario()
    backend = ModelBackend(chains)
    backend.deliver_batch = lambda messages: [RuntimeError("refused")] * len(messages)
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True, deliveries_per_batch=3)
    report = relayer.relay_once()
    assert list(report.undelivered) == [0, 1, 2, 3] and chains.deliveries == {}
    assert report.executed == [0, 1, 2, 3]


def test_a_duplicate_submission_refused_by_the_chain_is_journaled_from_the_chain(tmp_path):
    """A submission still in flight when the relayer looked (the chain had not mined it) is
    sent again; the chain refuses the copy and the relayer journals the first one's outcome."""
    chains = scenario()
    backend = ModelBackend(chains)
    chains.mempool.append(chains.inbound_msgs[0][1])  # sent by a run that died, not mined yet
    deliveries = backend.deliveries
    looks = []

    def looking_without_waiting_the_first_time(messages):
        looks.append([m.number for m in messages])
        return [backend._known(m) for m in messages] if len(looks) == 1 else deliveries(messages)

    backend.deliveries = looking_without_waiting_the_first_time
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    report = relayer.relay_once()
    assert chains.refusals == 1 and looks == [[0, 1, 2, 3], [0]]
    assert report.delivered == [0, 1, 3] and report.failed == [2]
    assert all(len(outcomes) == 1 for outcomes in chains.deliveries.values())
    assert relayer.journal.transitions(Direction.L1_TO_L2, 0) == [Status.READY, Status.DELIVERED]


@pytest.mark.parametrize("size", [1, 3])
def test_batches_smaller_than_the_backlog_deliver_everything_in_order(tmp_path, size):
    chains = scenario()
    for index in range(3):
        chains.send_l1_to_l2(fails=index == 1)
    relayer = Relayer.open(ModelBackend(chains), tmp_path / "relay.db", fast_forward=True, deliveries_per_batch=size)
    report = relayer.relay_once()
    assert report.delivered == [0, 1, 3, 4, 6] and report.failed == [2, 5]
    assert list(chains.deliveries) == list(range(7))  # the order the chain handled them in


def test_deliveries_per_batch_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        Relayer.open(ModelBackend(scenario()), tmp_path / "relay.db", deliveries_per_batch=0)


def test_an_execution_that_fails_stays_ready_and_others_go_on(tmp_path):
    chains = scenario()
    backend = ModelBackend(chains)
    execute = backend.execute

    def reverting_for_position_1(message, covered):
        if message.position == 1:
            raise RuntimeError("the L1 call reverted")
        return execute(message, covered)

    backend.execute = reverting_for_position_1
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    report = relayer.relay_once()
    assert report.executed == [0, 2, 3]
    assert report.execution_errors == {1: "RuntimeError('the L1 call reverted')"}
    assert relayer.journal.message(Direction.L2_TO_L1, 1).status is Status.READY
    assert relayer.relay_once().idle  # still failing: nothing changed
    backend.execute = execute
    assert relayer.relay_once().executed == [1]
    check_exactly_once(chains, relayer)


def test_watch_stops_on_the_event(tmp_path):
    import threading

    chains = scenario()
    relayer = Relayer.open(ModelBackend(chains), tmp_path / "relay.db", fast_forward=True)
    stop = threading.Event()
    reports = []

    def on_pass(report):
        reports.append(report)
        if report.idle:
            stop.set()

    relayer.watch(poll_interval=0.01, stop_event=stop, on_pass=on_pass)
    assert not reports[0].idle and reports[-1].idle
    check_exactly_once(chains, relayer)


def test_watch_survives_failing_passes_and_gives_up_after_max_failed_passes(tmp_path):
    import threading

    chains = scenario()
    backend = ModelBackend(chains)
    head = backend.head
    outage = {"passes": 3}

    def flaky_head(chain):
        if chain == "l2" and outage["passes"] > 0:
            outage["passes"] -= 1
            raise ConnectionError("L2 node restarting")
        return head(chain)

    backend.head = flaky_head
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    stop = threading.Event()
    reports = []

    def on_pass(report):
        reports.append(report)
        if report.idle:
            stop.set()

    relayer.watch(poll_interval=0.001, stop_event=stop, on_pass=on_pass, max_failed_passes=4)
    assert outage["passes"] == 0 and reports[-1].idle
    check_exactly_once(chains, relayer)

    outage["passes"] = 10
    chains.send_l2_to_l1()
    with pytest.raises(ConnectionError, match="restarting"):
        relayer.watch(poll_interval=0.001, stop_event=threading.Event(), max_failed_passes=4)
    assert outage["passes"] == 6
