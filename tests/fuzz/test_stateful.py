"""Cross-chain stateful fuzzing of the migration system's invariants.

A hypothesis ``RuleBasedStateMachine`` drives the whole system on one local L1 + L2 pair (deployed once per
module; both chains are snapshotted before and restored after every example). Its rules: bond, unbond and
rebond on L1; reward on L1 before governance switches L1 inflation off and on L2 after; round changes on both
layers; stake migration (orchestrators, delegators, to another L2 orchestrator, to another L2 address,
unbonding locks); bridge-in and bridge-out of LPT; relaying L1 -> L2 through the relayer
(``Relayer.relay_once`` with a ``SimulatorBackend`` and a journal in a temporary directory); finalizing
L2 -> L1 after the challenge period (the relayer fast-forwards L1); relayer restarts on the same journal; L2
bond, unbond, rebond and withdraw after migration; and replays of messages that already finalized, which must
be refused. After every step the invariants are checked on chain (``check_bridge_invariants`` and
:meth:`MigrationMachine.stake_invariants`):

1. every LPT minted on L2 by the gateway is backed by an L1 deposit into the escrow;
2. L1 LPT released or minted by the L1 gateway equals the LPT burned on L2 for finalized withdrawals;
3. L1 supply + L2 supply - escrow = initial supply + inflation minted on either layer (+ LPT in flight);
4. nobody has more stake on L2 than they brought (migrated exactly their L1 stake, or bonded on L2) plus L2
   rewards, and nobody's L2 delegation changes in a step that is not theirs (someone else's migration);
5. every cross-chain message finalizes at most once.

It runs in both monetary designs (the test is parametrized): rewards minted on L2 (governance switches L1 inflation
off at some step), and rewards minted on L1 (``deploy --inflation l1``: each L1 round's initialization mints its
rewards and sends them to the L2 Minter, L1 ``reward()`` refuses, L2 ``reward()`` hands out and mints nothing, the
relayer keeps the L2 stake report on L1 fresh, and rules report the stake and send a round's deferred mint), where
invariant 6 is checked too: the rewards received on L2 are distributed, available or undistributed, and the L1
gateway mints nothing.

Budgets (``LIVEPEER_FUZZ_PROFILE``):

* ``ci`` (default): 10 sequences of at most 25 steps in each mode, derandomized;
* ``long``: 200 sequences of at most 20 steps, random; run it on its own, e.g.
  ``LIVEPEER_FUZZ_PROFILE=long PYTHONPATH=$PWD pytest tests/fuzz -n 0 -q`` (tens of minutes);
  ``LIVEPEER_FUZZ_EXAMPLES=N`` runs N sequences per mode instead (docs/monetary-designs.md records measured runs).

Coverage: every run must have migrated; the long run must also have done every action of :data:`REQUIRED`. The
short run is not held to that list: which rules its ten sequences reach depends on Hypothesis state that earlier
tests in the same process leave behind (tests/cli/test_economics.py run first changes them), so the paths it might
miss are written out in test_scenarios.py instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter

import pytest
from ape import project
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from shared import LPT

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.codec import Kind
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.migration import migrate, migrate_unbonding_locks
from ape_livepeer_migration.bridge.oracle import report_l2_stake
from ape_livepeer_migration.bridge.system import switch_l1_inflation_off
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, deposit_gas_params
from ape_livepeer_migration.relayer.core import Relayer
from ape_livepeer_migration.relayer.journal import Status
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend
from ape_livepeer_migration.relayer.stake_reports import OracleReports
from ape_livepeer_migration.testing.invariants import (
    InvariantViolation,
    check_bridge_invariants,
    check_stake_invariant,
    l1_minting,
)
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import initialize_rounds, next_rounds

from .conftest import World

PROFILES = {
    "ci": {"max_examples": 10, "stateful_step_count": 25, "derandomize": True},
    "long": {"max_examples": 200, "stateful_step_count": 20, "derandomize": False},
}
#: Sequences per profile with L1 minting (five did not always reach a migration in the full suite).
L1_MINTING_EXAMPLES = {"ci": 10, "long": 200}
PROFILE = os.environ.get("LIVEPEER_FUZZ_PROFILE", "ci")
if PROFILE not in PROFILES:
    raise ValueError(f"LIVEPEER_FUZZ_PROFILE={PROFILE!r}: choose one of {', '.join(PROFILES)}")
#: Sequences per mode instead of the profile's (``LIVEPEER_FUZZ_EXAMPLES``): a long run bounded to the time at hand.
EXAMPLES = os.environ.get("LIVEPEER_FUZZ_EXAMPLES")
if EXAMPLES is not None and not (EXAMPLES.isdigit() and int(EXAMPLES) > 0):
    raise ValueError(f"LIVEPEER_FUZZ_EXAMPLES={EXAMPLES!r}: a number of sequences above 0")

#: Actions that took effect over the whole run (rules whose preconditions fail are no-ops).
STATS: Counter = Counter()

PERCENT = st.integers(min_value=1, max_value=100)
AMOUNT = st.integers(min_value=1, max_value=800).map(lambda n: n * LPT // 4)
PICK = st.integers(min_value=0, max_value=2**16)


class MigrationMachine(RuleBasedStateMachine):
    """The system on both chains, driven by users, governance and the relayer."""

    def __init__(self, world: World, *, under_hypothesis: bool = True):
        super().__init__()
        self.under_hypothesis = under_hypothesis  # False when a test drives the rules by hand
        self.w = world.cast
        self.s = world.system
        self.base = world.base
        self.minted_on_l1 = l1_minting(self.s)
        self.snapshot = self.s.chains.snapshot()
        self.journal_dir = tempfile.mkdtemp(prefix="livepeer-fuzz-")
        self.journal = os.path.join(self.journal_dir, "relay.db")
        self.relayer = self._open_relayer()
        self.switched = self.minted_on_l1  # with L1 minting L1 reward() refuses from the start
        self.l1_locks: dict[str, list[int]] = {}
        self.l2_locks: dict[str, list[int]] = {}
        self.l2_bonded_in: Counter = Counter()  # LPT each account bonded on L2 from its own wallet
        self.l2_withdrawn: Counter = Counter()  # LPT each account withdrew from L2 unbonding locks
        self.touched: set[str] = set()  # L2 delegators the current step may change
        self.underfunded: dict[int, int] = {}  # message number -> amount of deposits sent with too little L2 gas
        self.l2_delegations = self._l2_delegations()
        self.l2_scan_from = self.s.chains.l2.block_number + 1

    def teardown(self) -> None:
        self.s.chains.restore(self.snapshot)
        shutil.rmtree(self.journal_dir, ignore_errors=True)
        STATS["sequences"] += 1
        if PROFILE == "long":  # a long run reports progress as it goes
            actions = sum(STATS.values()) - STATS["sequences"]
            print(f"sequence {STATS['sequences']} done, {actions} actions so far", flush=True)

    # ------------------------------------------------------------------ helpers

    def _open_relayer(self) -> Relayer:
        """The relayer on this machine's journal; with L1 minting it reports the L2 stake as the operator."""
        reports = OracleReports(self.s, self.w.operator) if self.minted_on_l1 else None
        return Relayer.open(SimulatorBackend(self.s.sim), self.journal, stake_reports=reports)

    def _pick(self, items, index):
        items = list(items)
        return items[index % len(items)]

    def _l1_stake(self, who) -> int:
        return self.s.l1.bonding_manager.pendingStake(who.address, self.s.l1.rounds.currentRound())

    def _l2_stake(self, address: str, round_: int | None = None) -> int:
        if round_ is None:
            round_ = self.s.l2_rounds.currentRound()
        return self.s.l2_bonding_manager.pendingStake(address, round_)

    def _l2_orchestrators(self) -> list[str]:
        bm = self.s.l2_bonding_manager
        return [p.address for p in self.w.people if bm.isRegisteredTranscoder(p.address)]

    def _l2_delegations(self) -> dict[str, tuple[str, int]]:
        bm = self.s.l2_bonding_manager
        out = {}
        for p in self.w.people:
            d = bm.getDelegator(p.address)
            out[p.address] = (d.delegateAddress, d.bondedAmount)
        return out

    def _did(self, action: str, count: int = 1) -> None:
        """Count an action that took effect (the run's coverage, see :data:`STATS`)."""
        if self.under_hypothesis:
            event(action)
        STATS[action] += count

    def _check_report(self, report) -> None:
        """A relayer pass: nothing rejected or stuck, and only the underfunded deposits fail on L2."""
        assert not (report.rejected or report.execution_errors), report
        assert set(report.failed) <= set(self.underfunded), report
        self._count_report(report)

    def _count_report(self, report) -> None:
        for name in ("delivered", "failed", "executed", "redeemed_later"):
            if getattr(report, name):
                self._did(f"relayed_{name}", len(getattr(report, name)))
        if report.fast_forwarded_to is not None:
            self._did("fast_forwarded")

    def _act(self, who) -> None:
        """Start a user's step: rounds initialized (keeper), ``who`` may change its own L2 delegation."""
        initialize_rounds(self.s)
        self.touched.add(who.address)

    def _act_as_staker(self, layer: str, i: int):
        """``(who, stake)``: someone with stake on ``layer`` picked by ``i`` (on L1 among the orchestrators and
        delegators, on L2 among everyone), its step started (:meth:`_act`); ``None`` when no one has any."""
        if layer == "l1":
            stakes = [(p, self._l1_stake(p)) for p in (*self.w.orchestrators, *self.w.delegators)]
        else:
            stakes = [(p, self._l2_stake(p.address)) for p in self.w.people]
        stakers = [(p, stake) for p, stake in stakes if stake > 0]
        if not stakers:
            return None
        who, stake = self._pick(stakers, i)
        self._act(who)
        return who, stake

    @initialize(first=st.sampled_from([None, 0, 1]), amount=AMOUNT, i=PICK)
    def start(self, first, amount, i):
        """Most sequences start with one orchestrator migrated and one deposit relayed, so L2 staking and
        withdrawals are reachable from the first step; some start with everything still on L1."""
        if first is None:
            return
        migrate(self.s, self.w.orchestrators[first])
        bridge_in(
            self.s.bridge,
            self._pick(self.w.delegators, i),
            self._pick(self.w.delegators, i).address,
            amount,
            approve=False,
        )
        self._check_report(self.relayer.relay_once())
        self._did("start_on_l2")

    # ------------------------------------------------------------------ L1 staking

    @rule(i=PICK, amount=AMOUNT, j=PICK)
    def l1_bond(self, i, amount, j):
        who = self._pick((*self.w.orchestrators, *self.w.delegators), i)
        if self.s.l1.token.balanceOf(who.address) < amount:
            return
        self._act(who)
        bm = self.s.l1.bonding_manager
        if who in self.w.orchestrators:
            to = who.address
            if bm.getDelegator(who.address).bondedAmount > 0 and not bm.isRegisteredTranscoder(who.address):
                to = bm.getDelegator(who.address).delegateAddress  # it delegates elsewhere now
        else:
            to = self._pick(self.w.orchestrators, j).address
        before = self._l1_stake(who)
        bm.bond(amount, to, sender=who)
        assert self._l1_stake(who) == before + amount
        assert bm.getDelegator(who.address).delegateAddress == to
        self._did("l1_bond")

    @rule(i=PICK, percent=PERCENT)
    def l1_unbond(self, i, percent):
        picked = self._act_as_staker("l1", i)
        if picked is None:
            return
        who, stake = picked
        bm = self.s.l1.bonding_manager
        amount = max(1, stake * percent // 100)
        lock_id = bm.getDelegator(who.address).nextUnbondingLockId
        bm.unbond(amount, sender=who)
        assert bm.getDelegatorUnbondingLock(who.address, lock_id)[0] == amount
        self.l1_locks.setdefault(who.address, []).append(lock_id)
        self._did("l1_unbond")

    @rule(i=PICK, j=PICK, k=PICK)
    def l1_rebond(self, i, j, k):
        holders = [p for p in self.w.people if self.l1_locks.get(p.address)]
        if not holders:
            return
        who = self._pick(holders, i)
        self._act(who)
        bm = self.s.l1.bonding_manager
        lock_id = self._pick(self.l1_locks[who.address], j)
        amount = bm.getDelegatorUnbondingLock(who.address, lock_id)[0]
        before = self._l1_stake(who)
        if bm.getDelegator(who.address).bondedAmount > 0:
            bm.rebond(lock_id, sender=who)
        else:
            bm.rebondFromUnbonded(self._pick(self.w.orchestrators, k).address, lock_id, sender=who)
        self.l1_locks[who.address].remove(lock_id)
        assert self._l1_stake(who) == before + amount
        self._did("l1_rebond")

    @rule(i=PICK)
    def l1_reward(self, i):
        o = self._pick(self.w.orchestrators, i)
        initialize_rounds(self.s)
        bm = self.s.l1.bonding_manager
        round_ = self.s.l1.rounds.currentRound()
        if not bm.isActiveTranscoder(o.address) or bm.getTranscoder(o.address).lastRewardRound == round_:
            return
        if self.minted_on_l1:
            with reverts(project.L1InflationMinter.RewardsMintedForL2):
                bm.reward(sender=o)
            self._did("l1_reward_refused")
        elif self.switched:
            with reverts(project.Minter.NotMintingDelegate, account=bm.address):
                bm.reward(sender=o)
            self._did("l1_reward_refused")
        else:
            bm.reward(sender=o)
            assert bm.getTranscoder(o.address).lastRewardRound == round_
        self._did("l1_reward")

    # ------------------------------------------------------------------ rounds and governance

    @rule()
    def new_round(self):
        next_rounds(self.s)
        self._did("new_round")

    @precondition(lambda self: not self.switched)  # never with L1 minting
    @rule()
    def switch_l1_inflation(self):
        initialize_rounds(self.s)
        switch_l1_inflation_off(self.s, self.w.governor)
        self.switched = True
        self._did("switch_l1_inflation")

    @precondition(lambda self: self.minted_on_l1)
    @rule()
    def report_stake(self):
        """A reporter sends the L2 staked supply to L1 (refused when no L2 block came since the last report)."""
        oracle = self.s.l1.stake_oracle
        if self.s.chains.l2.block_number <= oracle.lastL2Block():
            return
        report_l2_stake(self.s, self.w.operator)
        assert oracle.stakedSupply() == self.s.l2_bonding_manager.getTotalBonded() and oracle.isFresh()
        self._did("report_stake")

    @precondition(lambda self: self.minted_on_l1)
    @rule()
    def mint_deferred_round(self):
        """Anyone sends the current L1 round's mint that waited at its initialization, once nothing blocks it."""
        minter, rounds = self.s.l1.minter, self.s.l1.rounds
        initialize_rounds(self.s, ("l1",))
        if minter.pendingRound() != rounds.currentRound() or minter.mintBlocker() != 0:
            return
        sent = minter.totalSentToL2()
        minter.mintRound(sender=self.w.outsider)
        assert minter.pendingRound() == 0 and minter.lastMintedRound() == rounds.currentRound()
        assert minter.totalSentToL2() >= sent
        self._did("mint_deferred_round")

    # ------------------------------------------------------------------ migration

    @rule(i=PICK, redirect=st.booleans(), j=PICK, to_fresh=st.booleans())
    def migrate_stake(self, i, redirect, j, to_fresh):
        picked = self._act_as_staker("l1", i)
        if picked is None:
            return
        who, stake = picked
        bm = self.s.l1.bonding_manager
        orchestrator = bm.isRegisteredTranscoder(who.address)
        l2_delegator = who.address if orchestrator or not to_fresh else self.w.outsider.address
        l2_orchestrator = None
        others = [o for o in self._l2_orchestrators() if o != bm.getDelegator(who.address).delegateAddress]
        if redirect and not orchestrator and others:
            l2_orchestrator = self._pick(others, j)
        sent = migrate(self.s, who, l2_delegator, l2_orchestrator)
        m = sent.migration
        assert m.kind == (Kind.ORCHESTRATOR if orchestrator else Kind.DELEGATOR)
        assert m.amount == stake, "a migration must carry exactly the L1 stake (with its L1 rewards)"
        assert m.l2_delegator == l2_delegator
        assert self._l1_stake(who) == 0 and bm.getDelegator(who.address).bondedAmount == 0
        assert not bm.isRegisteredTranscoder(who.address)
        redirected = "_redirected" if l2_orchestrator else ""
        self._did(f"migrate_{m.kind.name.lower()}{redirected}" + ("_to_fresh" if l2_delegator != who.address else ""))

    @rule(i=PICK, j=PICK)
    def claim_parked(self, i, j):
        """The L2 address a migration named (not the L1 account's own) claims the stake waiting for it, with an L2
        orchestrator it picks: its own bond."""
        last = getattr(self, "last", None)  # the ledger as of the previous step's invariants
        if last is None:
            return
        waiting = sorted(
            (mid, l2_delegator)
            for mid, _, l2_delegator, _, _ in last.migrations_finalized
            if self.s.l2_migrator.parked(mid).amount > 0
        )
        orchestrators = self._l2_orchestrators()
        if not waiting or not orchestrators:
            return
        mid, l2_delegator = self._pick(waiting, i)
        (who,) = [p for p in self.w.people if p.address.lower() == l2_delegator.lower()]
        self._act(who)
        bm = self.s.l2_bonding_manager
        if bm.isRegisteredTranscoder(who.address):
            orchestrator = who.address  # an orchestrator cannot move its own stake: it claims to itself
        else:
            orchestrator = self._pick(orchestrators, j)
        amount = self.s.l2_migrator.parked(mid).amount
        before = self._l2_stake(who.address, self.s.l2_rounds.currentRound())
        self.s.l2_migrator.claimStake(mid, orchestrator, sender=who)
        d = bm.getDelegator(who.address)
        assert d.delegateAddress == orchestrator and d.bondedAmount == before + amount
        assert self.s.l2_migrator.parked(mid).amount == 0
        self._did("claim_parked")

    @rule(i=PICK, j=PICK, count=st.integers(min_value=1, max_value=3))
    def migrate_locks(self, i, j, count):
        holders = [p for p in self.w.people if self.l1_locks.get(p.address)]
        if not holders:
            return
        who = self._pick(holders, i)
        self._act(who)
        lock_ids = self.l1_locks[who.address][:count]
        bm = self.s.l1.bonding_manager
        amount = sum(bm.getDelegatorUnbondingLock(who.address, k)[0] for k in lock_ids)
        orchestrator = self._pick(self._l2_orchestrators() or [o.address for o in self.w.orchestrators], j)
        sent = migrate_unbonding_locks(self.s, who, lock_ids, orchestrator)
        assert sent.migration.kind == Kind.UNBONDING_LOCKS and sent.migration.amount == amount
        for k in lock_ids:
            assert bm.getDelegatorUnbondingLock(who.address, k)[0] == 0
            self.l1_locks[who.address].remove(k)
        self._did("migrate_locks")

    # ------------------------------------------------------------------ the bridge

    @rule(i=PICK, amount=AMOUNT, to_fresh=st.booleans())
    def deposit(self, i, amount, to_fresh):
        who = self._pick((*self.w.orchestrators, *self.w.delegators), i)
        if self.s.l1.token.balanceOf(who.address) < amount:
            return
        to = self.w.outsider.address if to_fresh else who.address
        escrow = self.s.l1.token.balanceOf(self.s.bridge.l1_escrow.address)
        bridge_in(self.s.bridge, who, to, amount, approve=False)
        assert self.s.l1.token.balanceOf(self.s.bridge.l1_escrow.address) == escrow + amount
        self._did("deposit")

    @rule(i=PICK, amount=AMOUNT)
    def deposit_underfunded(self, i, amount):
        """A deposit whose retryable carries the least gas that still auto-redeems (21000): the mint runs out of
        gas, the ticket stays redeemable and nothing is minted until someone redeems it."""
        who = self._pick((*self.w.orchestrators, *self.w.delegators), i)
        if self.s.l1.token.balanceOf(who.address) < amount:
            return
        estimate = deposit_gas_params(self.s.bridge, who.address, who.address, amount)
        gas = RetryableGasParams(estimate.max_submission_cost, 21_000, estimate.gas_price_bid)
        sent = bridge_in(self.s.bridge, who, who.address, amount, gas=gas, approve=False)
        self.underfunded[sent.sequence_number] = amount
        self._did("deposit_underfunded")

    @rule(i=PICK)
    def redeem_failed_ticket(self, i):
        """Anyone redeems a failed deposit ticket with enough gas: the L2 LPT is minted then, exactly once."""
        sim = self.s.sim
        messages = [
            m
            for m in sim_api.fetch_retryables(sim, sim.l1_deploy_block, self.s.chains.l1.block_number)
            if m.message_num in self.underfunded
            and sim_api.is_delivered(sim, m)
            and sim_api.ticket_is_live(sim, sim_api.ticket_id_of(sim, m))
        ]
        if not messages:
            return
        m = self._pick(messages, i)
        minted = self.s.bridge.l2_gateway.totalMinted()
        sim.arb_retryable_tx.redeem(sim_api.ticket_id_of(sim, m), sender=self.w.governor, gas=2_000_000)
        assert self.s.bridge.l2_gateway.totalMinted() == minted + self.underfunded[m.message_num]
        assert not sim_api.ticket_is_live(sim, sim_api.ticket_id_of(sim, m))
        self._did("redeem_failed_ticket")

    @rule(i=PICK, percent=PERCENT)
    def withdraw(self, i, percent):
        holders = [p for p in self.w.people if self.s.l2_token.balanceOf(p.address) > 0]
        if not holders:
            return
        who = self._pick(holders, i)
        balance = self.s.l2_token.balanceOf(who.address)
        amount = max(1, balance * percent // 100)
        bridge_out(self.s.bridge, who, who.address, amount, approve=False)
        assert self.s.l2_token.balanceOf(who.address) == balance - amount
        self._did("withdraw")

    @rule()
    def relay(self):
        self.relayer.fast_forward = False
        report = self.relayer.relay_once()
        self._check_report(report)

    @rule()
    def finalize(self):
        """Relay with fast-forward: L1 is mined past the challenge period and every confirmed message executes."""
        self.relayer.fast_forward = True
        report = self.relayer.relay_once()
        self.relayer.fast_forward = False
        self._check_report(report)
        waiting = [m.id for m in self.relayer.journal.messages(None, (Status.WAITING, Status.READY))]
        assert not waiting, f"messages left behind after a fast-forwarded pass: {waiting}"

    @rule()
    def restart_relayer(self):
        self.relayer = self._open_relayer()
        self._did("restart_relayer")

    @rule(i=PICK)
    def replay(self, i):
        """Try again a message that finalized: the Outbox and ArbOS must refuse it."""
        sim = self.s.sim
        l1, l2 = self.s.chains.l1, self.s.chains.l2
        outgoing = sim_api.fetch_l2_to_l1(sim, sim.l2_deploy_block, l2.block_number)
        spent = [m for m in outgoing if sim_api.is_executed(sim, m.index)]
        if spent:
            m = self._pick(spent, i)
            head = l1.block_number
            root = next(r for r in self.relayer.journal.roots() if r.send_count > m.index and r.confirmable_at <= head)
            proof = sim_api.proof_for(outgoing[: root.send_count], m.index)
            with reverts(project.SimOutbox.AlreadySpent, index=m.index):
                sim.outbox.executeTransaction(*m.execute_args(proof), sender=sim.operator)
            self._did("replay_l2_to_l1_refused")
        incoming = sim_api.fetch_retryables(sim, sim.l1_deploy_block, l1.block_number)
        delivered = [  # auto-redeemed, or redeemed by hand after failing
            m
            for m in incoming
            if sim_api.is_delivered(sim, m) and not sim_api.ticket_is_live(sim, sim_api.ticket_id_of(sim, m))
        ]
        if delivered:
            m = self._pick(delivered, i)
            ticket = sim_api.ticket_id_of(sim, m)
            with reverts(project.SimArbRetryableTx.NoTicketWithID):
                sim.arb_retryable_tx.redeem(ticket, sender=self.w.governor)
            self._did("replay_retryable_refused")

    # ------------------------------------------------------------------ L2 staking after migration

    @rule(i=PICK, percent=PERCENT, j=PICK)
    def l2_bond(self, i, percent, j):
        holders = [p for p in self.w.people if self.s.l2_token.balanceOf(p.address) > 0]
        orchestrators = self._l2_orchestrators()
        if not holders or not orchestrators:
            return
        who = self._pick(holders, i)
        balance = self.s.l2_token.balanceOf(who.address)
        self._act(who)
        bm = self.s.l2_bonding_manager
        amount = max(1, balance * percent // 100)
        if who.address in orchestrators:
            to = who.address
        elif bm.getDelegator(who.address).bondedAmount > 0 and j % 2:
            to = bm.getDelegator(who.address).delegateAddress
        else:
            to = self._pick(orchestrators, j)
        before = self._l2_stake(who.address)
        bm.bond(amount, to, sender=who)
        self.l2_bonded_in[who.address] += amount
        assert self._l2_stake(who.address) == before + amount
        assert bm.getDelegator(who.address).delegateAddress == to
        self._did("l2_bond")

    @rule(i=PICK, percent=PERCENT)
    def l2_unbond(self, i, percent):
        picked = self._act_as_staker("l2", i)
        if picked is None:
            return
        who, stake = picked
        bm = self.s.l2_bonding_manager
        amount = max(1, stake * percent // 100)
        lock_id = bm.getDelegator(who.address).nextUnbondingLockId
        bm.unbond(amount, sender=who)
        assert bm.getDelegatorUnbondingLock(who.address, lock_id)[0] == amount
        assert self._l2_stake(who.address) == stake - amount
        self.l2_locks.setdefault(who.address, []).append(lock_id)
        self._did("l2_unbond")

    @rule(i=PICK, j=PICK, k=PICK)
    def l2_rebond(self, i, j, k):
        holders = [p for p in self.w.people if self.l2_locks.get(p.address)]
        orchestrators = self._l2_orchestrators()
        if not holders:
            return
        who = self._pick(holders, i)
        bm = self.s.l2_bonding_manager
        bonded = bm.getDelegator(who.address).bondedAmount > 0
        if not bonded and not orchestrators:
            return
        self._act(who)
        lock_id = self._pick(self.l2_locks[who.address], j)
        amount = bm.getDelegatorUnbondingLock(who.address, lock_id)[0]
        before = self._l2_stake(who.address)
        if bonded:
            bm.rebond(lock_id, sender=who)
        else:
            bm.rebondFromUnbonded(self._pick(orchestrators, k), lock_id, sender=who)
        self.l2_locks[who.address].remove(lock_id)
        assert self._l2_stake(who.address) == before + amount
        self._did("l2_rebond")

    @rule(i=PICK, j=PICK)
    def l2_withdraw_stake(self, i, j):
        bm = self.s.l2_bonding_manager
        round_ = self.s.l2_rounds.currentRound()
        ripe = [
            (p, k)
            for p in self.w.people
            for k in self.l2_locks.get(p.address, [])
            if bm.getDelegatorUnbondingLock(p.address, k)[1] <= round_
        ]
        if not ripe:
            return
        who, lock_id = self._pick(ripe, i)
        self._act(who)
        amount = bm.getDelegatorUnbondingLock(who.address, lock_id)[0]
        balance = self.s.l2_token.balanceOf(who.address)
        bm.withdrawStake(lock_id, sender=who)
        self.l2_locks[who.address].remove(lock_id)
        self.l2_withdrawn[who.address] += amount
        assert self.s.l2_token.balanceOf(who.address) == balance + amount
        self._did("l2_withdraw_stake")

    @precondition(lambda self: self.switched)
    @rule(i=PICK)
    def l2_reward(self, i):
        orchestrators = self._l2_orchestrators()
        if not orchestrators:
            return
        o = self._pick(orchestrators, i)
        initialize_rounds(self.s)
        bm = self.s.l2_bonding_manager
        round_ = self.s.l2_rounds.currentRound()
        if not bm.isActiveTranscoder(o) or bm.getTranscoder(o).lastRewardRound == round_:
            return
        supply = self.s.l2_token.totalSupply()
        minter = self.s.l2_minter
        distributed = minter.totalDistributed() if self.minted_on_l1 else 0
        bm.reward(sender=o)
        assert bm.getTranscoder(o).lastRewardRound == round_
        if self.minted_on_l1:  # handed out of what L1 sent: nothing minted
            assert self.s.l2_token.totalSupply() == supply and minter.totalDistributed() >= distributed
        else:
            assert self.s.l2_token.totalSupply() > supply
        self._did("l2_reward")

    # ------------------------------------------------------------------ invariants, after every step

    @invariant()
    def on_chain_invariants(self):
        """Invariants 1, 2, 3 and 5 (``check_bridge_invariants``), then 4 (:meth:`stake_invariants`)."""
        self.last = check_bridge_invariants(self.s, self.base)
        self.stake_invariants(self.last)

    def stake_invariants(self, snapshot):
        """Invariant 4: L2 stake is what each account brought plus L2 rewards, and nobody else's step changed an
        account's L2 delegation (L1 side: every migration carried exactly the L1 stake, see :meth:`migrate_stake`)."""
        bm = self.s.l2_bonding_manager
        migrated = Counter()
        for _, _, l2_delegator, amount, _ in snapshot.migrations_finalized:
            migrated[l2_delegator] += amount
        holdings = {}
        round_ = self.s.l2_rounds.currentRound()
        parked = Counter()  # migrated LPT waiting in the L2Migrator for its L2 address to claim it
        for mid, _, l2_delegator, _, _ in snapshot.migrations_finalized:
            parked[l2_delegator] += self.s.l2_migrator.parked(mid).amount
        for p in self.w.people:
            locked = sum(bm.getDelegatorUnbondingLock(p.address, k)[0] for k in self.l2_locks.get(p.address, []))
            holdings[p.address] = self._l2_stake(p.address, round_) + locked + parked[p.address]
        check_stake_invariant(holdings, migrated, self.l2_bonded_in, self.l2_withdrawn, snapshot.l2_rewards)

        # The L2 delegators of migrations finalized in this step may change, and the step's actor; nobody else.
        finalized_now = {m[2] for m in snapshot.migrations_finalized if m[4] >= self.l2_scan_from}
        now = self._l2_delegations()
        for address, before in self.l2_delegations.items():
            if address in self.touched or address in finalized_now:
                continue
            if now[address] != before:
                raise InvariantViolation(
                    f"inv4: {address}'s L2 delegation changed from {before} to {now[address]} in a step that was "
                    f"not its own (migrations finalized for {sorted(finalized_now)})"
                )
        self.l2_delegations = now
        self.l2_scan_from = self.s.chains.l2.block_number + 1
        self.touched = set()


#: What a long run must have done at least once, or the fuzzer exercised too little to mean anything.
REQUIRED = (
    "deposit",
    "withdraw",
    "relayed_delivered",
    "relayed_executed",
    "fast_forwarded",
    "l2_bond",
    "new_round",
    "switch_l1_inflation",
    "restart_relayer",
)
#: What a long run with L1 minting must have done at least once, instead of switching L1 inflation off.
REQUIRED_L1_MINTING = (*(action for action in REQUIRED if action != "switch_l1_inflation"), "report_stake", "l2_reward")


@pytest.mark.parametrize("inflation", ["l2", "l1"])
def test_migration_invariants(inflation, request, world, chains):
    """The invariants hold after every step of random sequences over both chains, with rewards minted on L2 or on
    L1 (budget: see the docstring). ``world`` is a parameter, not only looked up, so that the package's world is
    deployed before ``chains`` takes its snapshot: deployed inside one test's isolation, it would be undone after
    that test and the other mode's run would find its contracts gone."""
    if inflation == "l1":
        world = request.getfixturevalue("l1_minting_world")
    profile = dict(PROFILES[PROFILE])
    if inflation == "l1":
        profile["max_examples"] = L1_MINTING_EXAMPLES[PROFILE]
    if EXAMPLES is not None:
        profile["max_examples"] = int(EXAMPLES)
    STATS.clear()
    started = time.monotonic()
    run_state_machine_as_test(
        lambda: MigrationMachine(world),
        settings=settings(
            **profile,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        ),
    )
    migrations = sum(n for action, n in STATS.items() if action.startswith("migrate_"))
    print(
        f"\nfuzz profile {PROFILE}, {inflation} minting, {profile['max_examples']} sequences of at most "
        f"{profile['stateful_step_count']} steps: {time.monotonic() - started:.1f}s, "
        f"actions {dict(sorted(STATS.items()))}"
    )
    required = REQUIRED if inflation == "l2" else REQUIRED_L1_MINTING
    missing = [action for action in required if not STATS[action]] if PROFILE == "long" else []
    assert not missing and migrations, f"the run never did {missing or 'a migration'}: {dict(STATS)}"
