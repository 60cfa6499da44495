"""Earnings factors under attack and at extreme values: an orchestrator that unbonds all but 1 wei before calling
reward() gets a reward sized on the stake still there, its factor grows by at most the round's reward rate, and
every delegator of it can still claim, bond, unbond, rebond, withdraw fees and read its pending stake and fees.

Reward rate of a round: ``mintable / currentRoundTotalActiveStake``; a factor grows in a round by at most that
fraction of itself (see BondingManagerBase's @dev notes)."""

from __future__ import annotations

import pytest
from shared import LPT

from ape_livepeer_migration.testing.actors import register_orchestrator
from ape_livepeer_migration.testing.rounds import next_round

MAX_FACTOR = 2**216


@pytest.fixture
def bm(protocol):
    return protocol.bonding_manager


def current(protocol):
    return protocol.rounds.currentRound()


def reward_of(bm, o):
    return bm.reward(sender=o).events.filter(bm.Reward)[0].amount


def factors(bm, o):
    t = bm.getTranscoder(o)
    return t.cumulativeRewardFactor, t.cumulativeFeeFactor


def mine_to_round_end(chains, protocol, blocks_left):
    """Mine until ``blocks_left`` blocks of the current round remain (the attack's transactions fit in them)."""
    end = protocol.rounds.currentRoundStartBlock() + protocol.rounds.roundLength()
    chains.l1.mine(end - blocks_left - chains.l1.block_number)


def unbond_all_but_one_wei(bm, protocol, o):
    stake = bm.pendingStake(o, current(protocol))
    bm.unbond(stake - 1, sender=o)


def assert_free(chains, protocol, bm, d, broker):
    """``d`` can read its pending figures, claim, withdraw its fees, add stake, unbond, rebond and leave."""
    r = current(protocol)
    stake, fees = bm.pendingStake(d, r), bm.pendingFees(d, r)
    assert stake > 0
    delegate = bm.getDelegator(d).delegateAddress
    bm.claimEarnings(sender=d)
    assert (bm.getDelegator(d).bondedAmount, bm.getDelegator(d).fees) == (stake, fees)
    if fees:
        chains.l1.provider.set_balance(broker.address, fees + 10**21)
        protocol.minter.depositETH(value=fees, sender=broker)
        bm.withdrawFees(d, fees, sender=d)
    bm.bond(1, delegate, sender=d)
    lock = bm.unbond(1, sender=d).events.filter(bm.Unbond)[0].unbondingLockId
    bm.rebond(lock, sender=d)
    assert bm.pendingStake(d, r) == stake + 1
    bm.unbond(stake + 1, sender=d)
    assert bm.pendingStake(d, r) == 0 and bm.getDelegator(d).bondedAmount == 0


@pytest.mark.parametrize("at_round_end", [False, True], ids=["round-start", "last-blocks"])
def test_reward_after_unbonding_to_one_wei_mints_on_the_stake_still_there(chains, protocol, roles, bm, at_round_end):
    """The attack of two rounds: the victim's stake joins (so it does not earn), the orchestrator unbonds all but
    1 wei and calls reward(); the next round the victim, now earning, adds stake and the orchestrator repeats. The
    reward follows the 1 wei, the factor grows by at most the reward rate, and everyone gets out."""
    o, o2 = roles.orchestrators[:2]
    victim, other = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 1000 * LPT, (other, 10 * LPT))
        register_orchestrator(bm, o2, 100 * LPT)
        next_round(chains.l1, protocol.rounds)
        for step in range(2):
            if at_round_end:
                mine_to_round_end(chains, protocol, 6)
            bm.bond(LPT if step == 0 else 1, o, sender=victim)
            bm.claimEarnings(sender=other)
            bm.unbond(bm.getDelegator(other).bondedAmount - 1, sender=other)
            unbond_all_but_one_wei(bm, protocol, o)
            m, total = protocol.minter.currentMintableTokens(), bm.currentRoundTotalActiveStake()
            t = bm.getTranscoder(o)
            still_there = t.delegatedAmount - t.joiningAmount
            f0, _ = factors(bm, o)
            minted = reward_of(bm, o)
            assert minted == m * still_there // total  # not m * (stake at round start) // total
            f1, _ = factors(bm, o)
            assert f1 - f0 <= f0 * m // total  # the factor grows by at most the round's reward rate
            next_round(chains.l1, protocol.rounds)
        for d in (victim, other, o):
            assert_free(chains, protocol, bm, d, roles.broker)


def test_unclaimed_commission_earns_its_own_share_for_the_orchestrator(chains, protocol, roles, bm):
    """The reward on the unclaimed commission (excluded from the earning stake) is the orchestrator's: it is not
    spread over the delegators."""
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d, 100 * LPT), reward_cut=1_000_000)
        next_round(chains.l1, protocol.rounds)
        first = reward_of(bm, o)
        assert bm.getTranscoder(o).rewardCommission == first
        bm.transcoder(0, 0, sender=o)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        second = reward_of(bm, o)
        assert second == protocol.minter.currentMintableTokens() * (200 * LPT + first) // (
            bm.currentRoundTotalActiveStake()
        )
        earned = second * 200 * LPT // (200 * LPT + first)
        assert bm.getTranscoder(o).rewardCommission == first + second - earned
        assert abs(bm.pendingStake(d, r) - (100 * LPT + earned // 2)) <= 1
        assert abs(bm.pendingStake(o, r) - (100 * LPT + first + second - earned // 2)) <= 1


def test_huge_fees_over_one_wei_of_earning_stake(chains, protocol, roles, bm):
    """1e24 wei of fees over 2 wei of earning stake, on a delegator with earning and joining stake and next to a
    supply-scale delegation at another orchestrator: exact figures, and everyone can leave."""
    o, o2 = roles.orchestrators[:2]
    victim, whale = roles.delegators[:2]
    broker = roles.broker
    with chains.l1:
        register_orchestrator(bm, o, 1, fee_share=1_000_000)
        register_orchestrator(bm, o2, 1000 * LPT, (whale, 999_000 * LPT))
        bm.bond(1, o, sender=victim)
        next_round(chains.l1, protocol.rounds)
        bm.bond(1, o, sender=victim)  # 1 wei earns, 1 wei joins
        r = current(protocol)
        bm.updateTranscoderWithFees(o, 10**24, r, sender=broker)
        assert bm.pendingFees(victim, r) == 10**24 // 2
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.updateTranscoderWithFees(o, 10**24, r, sender=broker)
        # the victim's 2 wei and o's 1 wei earn now: one rounding over both of the victim's parts
        assert bm.pendingFees(victim, r) == 10**24 // 2 + 2 * 10**24 // 3
        reward_of(bm, o)
        reward_of(bm, o2)
        next_round(chains.l1, protocol.rounds)
        for d in (victim, o, whale, o2):
            assert_free(chains, protocol, bm, d, broker)


def test_a_fee_credit_that_would_pass_the_factor_ceiling_goes_to_the_commission(chains, protocol, roles, bm):
    """2^128 - 1 wei over 2 wei of earning stake would lift the fee factor above 2^216: the orchestrator keeps the
    credit (as it may with a zero fee share), the factor stays, and the delegators' claims are untouched."""
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    broker = roles.broker
    with chains.l1:
        register_orchestrator(bm, o, 1, fee_share=1_000_000)
        bm.bond(1, o, sender=d)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.updateTranscoderWithFees(o, 10**18, r, sender=broker)
        _, fee_factor = factors(bm, o)
        assert bm.pendingFees(d, r) == 10**18 // 2
        tx = bm.updateTranscoderWithFees(o, (2**128 - 1), r, sender=broker)
        assert tx.events.filter(bm.FeesCredited)[0].fees == (2**128 - 1)
        assert factors(bm, o)[1] == fee_factor <= MAX_FACTOR
        assert bm.getTranscoder(o).feeCommission == (2**128 - 1)
        assert bm.pendingFees(d, r) == 10**18 // 2
        assert bm.pendingFees(o, r) == 10**18 // 2 + (2**128 - 1)
        assert_free(chains, protocol, bm, d, broker)
