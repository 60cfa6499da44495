"""Sequences of the state machine's rules, written out: paths too long for a short random sequence to find,
with the invariants checked after every step exactly as in the fuzzer."""

from __future__ import annotations

from .test_stateful import STATS, MigrationMachine


def run(machine: MigrationMachine, *steps) -> None:
    machine.on_chain_invariants()
    for rule, kwargs in steps:
        getattr(machine, rule)(**kwargs)
        machine.on_chain_invariants()


def test_withdrawals_beyond_the_escrow_mint_the_shortfall_on_l1(chains, world):
    """An orchestrator migrates, earns L2 rewards, unbonds, withdraws and bridges everything back, and so does the
    only other L2 holder: the L1 gateway releases the whole escrow and mints the L2 inflation as shortfall, with
    invariants 2 and 3 holding at every step."""
    STATS.clear()
    m = MigrationMachine(world, under_hypothesis=False)
    s = world.system
    try:
        run(
            m,
            ("start", {"first": 0, "amount": 100 * 10**18, "i": 0}),  # o1 migrates, delegator 0 deposits 100 LPT
            ("switch_l1_inflation", {}),
            ("new_round", {}),
            ("new_round", {}),
            ("l1_reward", {"i": 1}),  # refused: L1 inflation is off
            ("l2_reward", {"i": 0}),
            ("l2_unbond", {"i": 0, "percent": 100}),
            ("new_round", {}),
            ("new_round", {}),
            ("l2_withdraw_stake", {"i": 0, "j": 0}),
            ("withdraw", {"i": 0, "percent": 100}),  # o1: its stake and rewards
            ("withdraw", {"i": 0, "percent": 100}),  # delegator 0: its deposit
            ("finalize", {}),
            ("replay", {"i": 0}),
        )
        gateway = s.bridge.l1_gateway
        # What stays on L2 is the reward arithmetic's rounding dust, held by the L2 Minter (bonded stake's home).
        dust = s.l2_token.totalSupply()
        assert dust == s.l2_token.balanceOf(s.l2_minter.address) and dust < 10
        assert s.l1.token.balanceOf(s.bridge.l1_escrow.address) == 0
        assert gateway.totalMinted() > 0 and gateway.totalMinted() + dust == m.last.l2_inflation
        assert STATS["l1_reward_refused"] and STATS["l2_reward"] and STATS["replay_l2_to_l1_refused"]
    finally:
        m.teardown()


def test_migrations_into_another_l2_address_wait_for_its_claims_and_touch_nobody_else(chains, world):
    """Two delegators of different orchestrators migrate into the same fresh L2 address: nothing changes there until
    it claims them, each claim being its own bond; later migrations (an orchestrator, unbonding locks) change
    nobody else's delegation."""
    STATS.clear()
    m = MigrationMachine(world, under_hypothesis=False)
    s, fresh = world.system, world.cast.outsider.address
    o1, o2 = (o.address for o in world.cast.orchestrators)
    d0, d1, d2 = world.cast.delegators[:3]
    try:
        l1_stakes = [s.l1.bonding_manager.pendingStake(d.address, s.l1.rounds.currentRound()) for d in (d0, d1)]
        run(
            m,
            ("start", {"first": 0, "amount": 10**18, "i": 0}),  # o1 migrates
            # L1 stakers are now [o2, d0, d1, d2, d3]
            ("migrate_stake", {"i": 1, "redirect": False, "j": 0, "to_fresh": True}),  # d0 -> fresh, with o1
            ("relay", {}),
            ("migrate_stake", {"i": 1, "redirect": False, "j": 0, "to_fresh": True}),  # d1 -> fresh, asks for o2
            ("restart_relayer", {}),
            ("relay", {}),
            ("migrate_stake", {"i": 0, "redirect": False, "j": 0, "to_fresh": False}),  # o2 migrates
            ("finalize", {}),
            ("l1_unbond", {"i": 1, "percent": 50}),  # stakers [d2, d3]: d3 unbonds half
            ("migrate_locks", {"i": 0, "j": 1, "count": 1}),  # ... and migrates the lock to o2 on L2
            ("relay", {}),
        )
        bm = s.l2_bonding_manager
        assert bm.getDelegator(fresh).bondedAmount == 0  # both stakes wait for fresh to claim them
        run(m, ("claim_parked", {"i": 0, "j": 1}), ("claim_parked", {"i": 0, "j": 1}))
        d = bm.getDelegator(fresh)
        assert (d.delegateAddress, d.bondedAmount) == (m._l2_orchestrators()[1], sum(l1_stakes))
        assert STATS["claim_parked"] == 2
        assert bm.isRegisteredTranscoder(o1) and bm.isRegisteredTranscoder(o2)
        assert bm.getDelegator(world.cast.delegators[3].address).delegateAddress == o2
        assert s.l2_migrator.migrationsFinalized() == 5
        assert STATS["migrate_locks"] == 1 and STATS["restart_relayer"] == 1
        assert STATS["relayed_delivered"] == 6  # 5 migrations and 1 deposit
    finally:
        m.teardown()


def test_a_failed_deposit_ticket_mints_once_when_redeemed(chains, world):
    """A deposit with too little L2 gas fails on L2 (nothing minted, invariant 3 counts it in flight); a manual
    redeem mints it, the relayer notices, and neither the ticket nor the message can be used again."""
    STATS.clear()
    m = MigrationMachine(world, under_hypothesis=False)
    s = world.system
    try:
        run(
            m,
            ("start", {"first": None, "amount": 1, "i": 0}),
            ("deposit_underfunded", {"i": 2, "amount": 50 * 10**18}),
            ("relay", {}),
        )
        assert s.bridge.l2_gateway.totalMinted() == 0 and s.bridge.l1_gateway.totalDeposited() == 50 * 10**18
        run(m, ("restart_relayer", {}), ("redeem_failed_ticket", {"i": 0}), ("relay", {}), ("replay", {"i": 0}))
        assert s.l2_token.balanceOf(world.cast.delegators[0].address) == 50 * 10**18
        assert STATS["relayed_failed"] == 1 and STATS["relayed_redeemed_later"] == 1
        assert STATS["redeem_failed_ticket"] == 1 and STATS["replay_retryable_refused"] == 1
    finally:
        m.teardown()
