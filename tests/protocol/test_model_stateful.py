"""Random sequences of protocol actions against the reference model (tests/protocol/model.py).

After every step each participant's pendingStake / pendingFees equal the model's to within TOLERANCE, and LPT and
ETH are conserved. Why: the contract floors twice, once when it raises a cumulative factor by a credit (the factor
is at least 1e27, so one unit of it is worth at most ``stake / 1e27`` wei: under 1e-3 wei per credit for stakes
below 1e24 wei) and once in ``bonded * factor / factorRef`` (for a delegator whose stake partly joined in an earlier
round: once for the sum of both parts' terms, ``_floorOfSum``). The model is exact and adopts the contract's
figures at each claim, so the contract's figure is the floor of a value within 1e-3 wei per credit since the last
claim of the model's: within 1 wei plus 1e-3 wei per step. (A flat 1 wei is not enough: a fee credit's factor
floored a few 1e-8 wei below an integer once left the contract 1.0000000024 wei under the model.)

Budget: LIVEPEER_FUZZ_EXAMPLES (default 15) sequences of LIVEPEER_FUZZ_STEPS (default 20) steps. A dedicated long
run raises both: ``LIVEPEER_FUZZ_EXAMPLES=300 LIVEPEER_FUZZ_STEPS=60 pytest tests/protocol/test_model_stateful.py``.
``--hypothesis-show-statistics`` is not available for this nested state machine; outcomes are Hypothesis events.
"""

from __future__ import annotations

import copy
import os
from fractions import Fraction

import pytest
from eth_utils import keccak
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from shared import GENESIS_BALANCE, LPT, MAX_UINT
from web3.exceptions import ContractLogicError as Web3ContractLogicError

from ape_livepeer_migration.protocol.deploy import deploy_l1_protocol
from ape_livepeer_migration.testing.rounds import next_round

from .model import Expected, Model

EXAMPLES = int(os.environ.get("LIVEPEER_FUZZ_EXAMPLES", "15"))
STEPS = int(os.environ.get("LIVEPEER_FUZZ_STEPS", "20"))
# Short rounds (mining many blocks gets slow on a long anvil chain) without a lock period; every rule first
# makes sure its transactions (at most two) land in the current round.
PARAMS = {"round_length": 20, "round_lock_amount": 0, "unbonding_period": 2, "num_active_transcoders": 3}
TOLERANCE = 1 + Fraction(STEPS, 1000)  # wei; see the module docstring


# Every sequence starts from three registered orchestrators with delegators, one round after they bonded (so all
# are active): (kind, account index, target orchestrator index or terms, amount in LPT).
SETUP = [
    ("bond", 0, 0, 1000),
    ("transcoder", 0, (100_000, 500_000)),
    ("bond", 1, 1, 2000),
    ("transcoder", 1, (250_000, 750_000)),
    ("bond", 2, 2, 500),
    ("transcoder", 2, (0, 1_000_000)),
    ("bond", 3, 0, 700),
    ("bond", 4, 1, 1300),
    ("bond", 5, 0, 100),
]


def _model_start(initial: dict, names: list[str]) -> Model:
    """The model of the fixture's deployment, with SETUP and the following round applied."""
    model = Model(**copy.deepcopy(initial))
    for kind, who, arg, *amount in SETUP:
        addr = names[who]
        if kind == "bond":
            model.bond(addr, names[arg], amount[0] * LPT, (int(model.pending_stake(addr)), 0))
        else:
            model.transcoder(addr, *arg)
    model.new_round()
    return model


@pytest.fixture(scope="module")
def fuzz_protocol(two_chains, roles):
    holders = (*roles.orchestrators, *roles.delegators[:3])
    with two_chains.l1:
        p = deploy_l1_protocol(
            roles.governor,
            genesis={h.address: GENESIS_BALANCE for h in holders},
            ticket_broker=roles.broker.address,
            **PARAMS,
        )
        for h in holders:
            p.token.approve(p.bonding_manager, MAX_UINT, sender=h)
        next_round(two_chains.l1, p.rounds)
        initial = {
            "round": p.rounds.currentRound(),
            "supply": p.token.totalSupply(),
            "balances": {h.address: p.token.balanceOf(h) for h in holders},
            "inflation": p.minter.inflation(),
            "inflation_change": p.minter.inflationChange(),
            "target_bonding_rate": p.minter.targetBondingRate(),
            "unbonding_period": PARAMS["unbonding_period"],
            "num_active": PARAMS["num_active_transcoders"],
            "mintable": p.minter.currentMintableTokens(),
        }
        for kind, who, arg, *amount in SETUP:
            if kind == "bond":
                p.bonding_manager.bond(amount[0] * LPT, holders[arg], sender=holders[who])
            else:
                p.bonding_manager.transcoder(*arg, sender=holders[who])
        next_round(two_chains.l1, p.rounds)
    return p, holders, initial


def test_accounting_matches_model(chains, fuzz_protocol, roles):
    p, holders, initial = fuzz_protocol
    bm, token, minter, rounds = p.bonding_manager, p.token, p.minter, p.rounds
    orchestrators = [a.address for a in roles.orchestrators]
    accounts = {a.address: a for a in holders}
    names = list(accounts)
    broker = roles.broker

    with chains.l1:
        base = chains.l1.snapshot()
        web3 = chains.l1.provider.web3

    def w3_contract(contract):
        abi = [item.model_dump(mode="json", by_alias=True) for item in contract.contract_type.abi]
        return web3.eth.contract(address=contract.address, abi=abi)

    w3bm, w3token, rm_w3 = (w3_contract(c) for c in (bm, token, rounds))
    (transcoder_abi,) = (item for item in bm.contract_type.abi if getattr(item, "name", None) == "getTranscoder")
    TRANSCODER_FIELDS = [c.name for c in transcoder_abi.outputs[0].components]
    error_selectors = {
        item.name: "0x" + keccak(text=item.selector)[:4].hex() for item in bm.contract_type.abi if item.type == "error"
    }

    class Machine(RuleBasedStateMachine):
        @initialize()
        def start(self):
            nonlocal base
            with chains.l1:
                chains.l1.restore(base)
                base = chains.l1.snapshot()
            self.model = _model_start(initial, names)

        # -------------------------------------------------------- helpers

        def room(self):
            """Start the next round when fewer than two more transactions fit in this one."""
            with chains.l1:
                end = rounds.currentRoundStartBlock() + PARAMS["round_length"]
                if end - chains.l1.block_number - 1 < 2:
                    self.new_round()

        def pending(self, addr):
            """The contract's pending figures for ``addr``, checked against the model."""
            r = self.model.round
            stake, fees = self.batch([w3bm.functions.pendingStake(addr, r), w3bm.functions.pendingFees(addr, r)])
            assert abs(stake - self.model.pending_stake(addr)) <= TOLERANCE, (addr, stake)
            assert abs(fees - self.model.pending_fees(addr)) <= TOLERANCE, (addr, fees)
            return stake, fees

        def act(self, label, model_call, fn, args, sender):
            """Run the action on the model; the chain must do the same or revert with the same custom error.

            An expected revert is checked with an ``eth_call`` from the sender (same code path, no block mined).
            Outcomes are recorded as Hypothesis events (``--hypothesis-show-statistics``).
            """
            try:
                result = model_call()
            except Expected as expected:
                event(f"{label}: {expected.name}")
                selector = error_selectors[expected.name]
                try:
                    getattr(w3bm.functions, fn)(*args).call({"from": sender.address})
                except Web3ContractLogicError as exc:
                    data = exc.data if isinstance(exc.data, str) else ""
                    assert data.startswith(selector), f"{fn}: expected {expected.name}, got {exc!r}"
                else:
                    raise AssertionError(f"{fn} succeeded; the model expected {expected.name}")
                return None
            event(f"{label}: ok")
            tx = getattr(bm, fn)(*args, sender=sender)
            return result, tx

        def batch(self, calls):
            """Run read-only web3 calls in one JSON-RPC batch."""
            with chains.l1.provider.web3.batch_requests() as batch:
                for call in calls:
                    batch.add(call)
                return batch.execute()

        # -------------------------------------------------------- rules

        @rule(who=st.sampled_from(range(6)), to=st.sampled_from(range(3)), amount=st.integers(0, 20_000 * LPT))
        def bond(self, who, to, amount):
            self.room()
            addr, target = names[who], orchestrators[to]
            with chains.l1:
                pending = self.pending(addr)
                self.act(
                    "bond",
                    lambda: self.model.bond(addr, target, amount, pending),
                    "bond",
                    (amount, target),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(6)), percent=st.integers(0, 110))
        def unbond(self, who, percent):
            self.room()
            addr = names[who]
            with chains.l1:
                pending = self.pending(addr)
                amount = pending[0] * percent // 100 + (1 if percent > 100 else 0)
                self.act(
                    "unbond",
                    lambda: self.model.unbond(addr, amount, pending),
                    "unbond",
                    (amount,),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(6)), lock=st.integers(0, 2))
        def rebond(self, who, lock):
            self.room()
            addr = names[who]
            with chains.l1:
                pending = self.pending(addr)
                self.act(
                    "rebond",
                    lambda: self.model.rebond(addr, lock, pending),
                    "rebond",
                    (lock,),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(6)), to=st.sampled_from(range(3)), lock=st.integers(0, 2))
        def rebond_from_unbonded(self, who, to, lock):
            self.room()
            addr, target = names[who], orchestrators[to]
            with chains.l1:
                self.act(
                    "rebond_from_unbonded",
                    lambda: self.model.rebond_from_unbonded(addr, target, lock),
                    "rebondFromUnbonded",
                    (target, lock),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(6)), lock=st.integers(0, 2))
        def withdraw_stake(self, who, lock):
            self.room()
            addr = names[who]
            with chains.l1:
                self.act(
                    "withdraw_stake",
                    lambda: self.model.withdraw_stake(addr, lock),
                    "withdrawStake",
                    (lock,),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(6)), percent=st.integers(0, 110))
        def withdraw_fees(self, who, percent):
            self.room()
            addr = names[who]
            with chains.l1:
                pending = self.pending(addr)
                amount = pending[1] * percent // 100 + (1 if percent > 100 else 0)
                self.act(
                    "withdraw_fees",
                    lambda: self.model.withdraw_fees(addr, amount, pending),
                    "withdrawFees",
                    (broker.address, amount),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(6)))
        def claim_earnings(self, who):
            self.room()
            addr = names[who]
            with chains.l1:
                pending = self.pending(addr)
                self.act(
                    "claim_earnings",
                    lambda: self.model.claim_earnings(addr, pending),
                    "claimEarnings",
                    (),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(3)), cut=st.integers(0, 10**6), share=st.integers(0, 10**6))
        def transcoder(self, who, cut, share):
            self.room()
            addr = orchestrators[who]
            with chains.l1:
                self.act(
                    "transcoder",
                    lambda: self.model.transcoder(addr, cut, share),
                    "transcoder",
                    (cut, share),
                    accounts[addr],
                )

        @rule(who=st.sampled_from(range(3)))
        def reward(self, who):
            self.room()
            addr = orchestrators[who]
            with chains.l1:
                done = self.act("reward", lambda: self.model.reward(addr), "reward", (), accounts[addr])
                if done:
                    expected, tx = done
                    assert tx.events.filter(bm.Reward)[0].amount == expected

        @rule(who=st.sampled_from(range(3)), fees=st.integers(0, 10**18))
        def credit_fees(self, who, fees):
            self.room()
            addr = orchestrators[who]
            with chains.l1:
                minter.depositETH(value=fees, sender=broker)
                self.model.deposit_eth(fees)
                self.act(
                    "credit_fees",
                    lambda: self.model.credit_fees(addr, fees),
                    "updateTranscoderWithFees",
                    (addr, fees, self.model.round),
                    broker,
                )

        @rule()
        def new_round(self):
            next_round(chains.l1, p.rounds)
            self.model.new_round()

        # -------------------------------------------------------- invariants

        @invariant()
        def matches_model(self):
            if not hasattr(self, "model"):
                return
            m = self.model
            r = m.round
            f, tf = w3bm.functions, w3token.functions
            lock_keys = [(a, i) for a in names for i in range(m.d(a).next_lock_id)]
            calls = [rm_w3.functions.currentRound(), tf.totalSupply(), tf.balanceOf(minter.address)]
            calls += [f.nextRoundTotalActiveStake(), f.currentRoundTotalActiveStake()]
            calls += [c for a in names for c in (f.pendingStake(a, r), f.pendingFees(a, r), tf.balanceOf(a))]
            calls += [c for a in orchestrators for c in (f.getTranscoder(a), f.isActiveTranscoder(a))]
            calls += [f.getDelegatorUnbondingLock(a, i) for a, i in lock_keys]
            results = iter(self.batch(calls))
            current_round, supply, minter_lpt, next_total, current_total = (next(results) for _ in range(5))
            assert current_round == r
            assert (next_total, current_total) == (m.next_total, m.current_total)
            for addr in names:
                stake, fees, balance = next(results), next(results), next(results)
                assert abs(stake - m.pending_stake(addr)) <= TOLERANCE, (addr, stake, m.pending_stake(addr))
                assert abs(fees - m.pending_fees(addr)) <= TOLERANCE, (addr, fees, m.pending_fees(addr))
                assert balance == m.balances[addr]
            for addr in orchestrators:
                t, active = dict(zip(TRANSCODER_FIELDS, next(results), strict=True)), next(results)
                mt = m.t(addr)
                assert (t["delegatedAmount"], t["rewardCommission"], t["feeCommission"]) == (
                    mt.delegated,
                    mt.reward_commission,
                    mt.fee_commission,
                )
                # The stake that joined this round (earning from the next) is the model's, delegator by delegator.
                assert (t["joiningAmount"] if t["joiningRound"] == r else 0) == m.transcoder_joining(addr)
                assert active == m.active(addr)
                # Flooring leaves dust that nobody owns, never a deficit.
                owned = sum(m.pending_stake(a) for a in names if m.d(a).delegate == addr)
                assert owned <= mt.delegated
            for addr, lock_id in lock_keys:
                lock = m.d(addr).locks.get(lock_id)
                assert tuple(next(results)) == ((lock.amount, lock.withdraw_round) if lock else (0, 0))
            # LPT conservation: holders + Minter = supply; bonded and unbonding LPT stay in the Minter.
            assert supply == m.supply
            assert minter_lpt == m.minter_lpt
            assert sum(m.balances.values()) + m.minter_lpt == supply
            with chains.l1:
                assert chains.l1.provider.get_balance(minter.address) == m.minter_eth

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
