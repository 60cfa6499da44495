"""BondingManager behaviour: bonding, delegation, unbonding locks, rewards, fees, claims."""

from __future__ import annotations

import ape
import pytest
from shared import LPT

from ape_livepeer_migration.testing.actors import register_orchestrator
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import mine_to_next_round, next_round

PRECISION = 10**27


@pytest.fixture
def bm(protocol):
    return protocol.bonding_manager


def current(protocol):
    return protocol.rounds.currentRound()


def mintable(protocol):
    return protocol.minter.currentMintableTokens()


# ---------------------------------------------------------------- bond / delegation


def test_self_bond_registers_and_activates_next_round(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        balance = protocol.token.balanceOf(o)
        tx = bm.bond(100 * LPT, o, sender=o)
        r = current(protocol)
        assert protocol.token.balanceOf(o) == balance - 100 * LPT
        assert protocol.token.balanceOf(protocol.minter) == 100 * LPT
        assert bm.isRegisteredTranscoder(o)
        assert bm.transcoderStatus(o) == 1
        assert not bm.isActiveTranscoder(o)
        assert bm.getTranscoder(o).activationRound == r + 1
        assert bm.nextRoundTotalActiveStake() == 100 * LPT
        assert bm.currentRoundTotalActiveStake() == 0
        assert [e.event_name for e in tx.events if e.event_name in ("Bond", "TranscoderActivated")] == [
            "TranscoderActivated",
            "Bond",
        ]
        next_round(chains.l1, protocol.rounds)
        assert bm.isActiveTranscoder(o)
        assert bm.currentRoundTotalActiveStake() == bm.getTotalBonded() == 100 * LPT


def test_delegation_and_redelegation_move_stake(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o1, 100 * LPT)
        register_orchestrator(bm, o2, 50 * LPT)
        bm.bond(30 * LPT, o1, sender=d)
        assert bm.getTranscoder(o1).delegatedAmount == 130 * LPT
        tx = bm.bond(5 * LPT, o2, sender=d)  # adds 5 and moves all 35 to o2
        assert tx.events.filter(bm.Bond)[0].oldDelegate == o1.address
        assert bm.getTranscoder(o1).delegatedAmount == 100 * LPT
        assert bm.getTranscoder(o2).delegatedAmount == 85 * LPT
        assert bm.getDelegator(d).bondedAmount == 35 * LPT
        assert bm.getDelegator(d).delegateAddress == o2.address
        assert bm.nextRoundTotalActiveStake() == 185 * LPT
        bm.bond(0, o1, sender=d)  # pure re-delegation
        assert bm.getTranscoder(o1).delegatedAmount == 135 * LPT
        assert bm.pendingStake(d, current(protocol)) == 35 * LPT


def test_bond_reverts(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    d = roles.delegators[0]
    with chains.l1:
        with reverts(bm.ZeroAddress):
            bm.bond(LPT, "0x0000000000000000000000000000000000000000", sender=d)
        with reverts(bm.NothingToBond):
            bm.bond(0, o1, sender=d)  # unbonded, no amount
        bm.bond(LPT, o1, sender=d)
        with reverts(bm.NothingToBond):
            bm.bond(0, o1, sender=d)  # same delegate, no amount
        register_orchestrator(bm, o1, 10 * LPT)
        with reverts(bm.TranscoderCannotRedelegate, transcoder=o1.address):
            bm.bond(0, o2, sender=o1)


def test_stake_cannot_move_before_round_is_initialized(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        register_orchestrator(bm, o, 10 * LPT)
        bm.unbond(LPT, sender=o)
        mine_to_next_round(chains.l1, protocol.rounds)
        calls = [
            lambda: bm.bond(LPT, o, sender=o),
            lambda: bm.unbond(LPT, sender=o),
            lambda: bm.rebond(0, sender=o),
            lambda: bm.rebondFromUnbonded(o, 0, sender=roles.outsider),
            lambda: bm.withdrawStake(0, sender=o),
            lambda: bm.withdrawFees(o, 1, sender=o),
            lambda: bm.claimEarnings(sender=o),
            lambda: bm.reward(sender=o),
            lambda: bm.transcoder(0, 0, sender=o),
            lambda: bm.updateTranscoderWithFees(o, 1, 1, sender=roles.broker),
        ]
        for call in calls:
            with reverts(bm.CurrentRoundNotInitialized):
                call()


# ---------------------------------------------------------------- transcoder()


def test_transcoder_sets_terms_and_validates(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        with reverts(bm.NotRegisteredTranscoder, account=o.address):
            bm.transcoder(0, 0, sender=o)
        bm.bond(LPT, o, sender=o)
        with reverts(bm.InvalidRewardCut, rewardCut=1_000_001):
            bm.transcoder(1_000_001, 0, sender=o)
        with reverts(bm.InvalidFeeShare, feeShare=1_000_001):
            bm.transcoder(0, 1_000_001, sender=o)
        tx = bm.transcoder(1_000_000, 1_000_000, sender=o)
        assert tx.events.filter(bm.TranscoderUpdate)[0].rewardCut == 1_000_000
        t = bm.getTranscoder(o)
        assert (t.rewardCut, t.feeShare) == (1_000_000, 1_000_000)


# ---------------------------------------------------------------- unbonding locks


def test_unbond_withdraw_after_unbonding_period(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o, 10 * LPT, (d, 20 * LPT))
        r = current(protocol)
        tx = bm.unbond(5 * LPT, sender=d)
        ev = tx.events.filter(bm.Unbond)[0]
        assert (ev.unbondingLockId, ev.amount, ev.withdrawRound) == (0, 5 * LPT, r + 7)
        assert bm.getDelegatorUnbondingLock(d, 0) == (5 * LPT, r + 7)
        assert bm.getTranscoder(o).delegatedAmount == 25 * LPT
        assert bm.getDelegator(d).nextUnbondingLockId == 1
        with reverts(bm.UnbondingLockNotWithdrawable, unbondingLockId=0, withdrawRound=r + 7):
            bm.withdrawStake(0, sender=d)
        for _ in range(6):
            next_round(chains.l1, protocol.rounds)
        with reverts(bm.UnbondingLockNotWithdrawable):
            bm.withdrawStake(0, sender=d)
        next_round(chains.l1, protocol.rounds)
        balance = protocol.token.balanceOf(d)
        bm.withdrawStake(0, sender=d)
        assert protocol.token.balanceOf(d) == balance + 5 * LPT
        assert bm.getDelegatorUnbondingLock(d, 0) == (0, 0)
        with reverts(bm.InvalidUnbondingLock, unbondingLockId=0):
            bm.withdrawStake(0, sender=d)


def test_unbond_reverts(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    with chains.l1:
        with reverts(bm.ZeroAmount):
            bm.unbond(0, sender=d)
        with reverts(bm.InsufficientBond, amount=1, bonded=0):
            bm.unbond(1, sender=d)
        bm.bond(LPT, o, sender=d)
        with reverts(bm.InsufficientBond, amount=LPT + 1, bonded=LPT):
            bm.unbond(LPT + 1, sender=d)


def test_full_unbond_of_orchestrator_unregisters_and_deactivates_at_once(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    with chains.l1:
        register_orchestrator(bm, o1, 10 * LPT)
        register_orchestrator(bm, o2, 20 * LPT)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.unbond(10 * LPT, sender=o1)
        assert not bm.isRegisteredTranscoder(o1)
        assert not bm.isActiveTranscoder(o1)
        assert bm.getTranscoder(o1).deactivationRound == r
        assert bm.getDelegator(o1).delegateAddress == "0x0000000000000000000000000000000000000000"
        assert bm.getTranscoderPoolSize() == 1
        assert bm.nextRoundTotalActiveStake() == 20 * LPT
        with reverts(bm.NotActiveTranscoder, account=o1.address):
            bm.reward(sender=o1)


def test_rebond_and_rebond_from_unbonded(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o1, 10 * LPT)
        register_orchestrator(bm, o2, 10 * LPT)
        bm.bond(6 * LPT, o1, sender=d)
        bm.unbond(2 * LPT, sender=d)  # lock 0
        bm.unbond(4 * LPT, sender=d)  # lock 1, now unbonded
        with reverts(bm.NotBonded):
            bm.rebond(0, sender=d)
        with reverts(bm.ZeroAddress):
            bm.rebondFromUnbonded("0x0000000000000000000000000000000000000000", 0, sender=d)
        with reverts(bm.InvalidUnbondingLock, unbondingLockId=7):
            bm.rebondFromUnbonded(o2, 7, sender=d)
        tx = bm.rebondFromUnbonded(o2, 1, sender=d)
        assert tx.events.filter(bm.Rebond)[0].delegate == o2.address
        assert bm.getDelegator(d).delegateAddress == o2.address
        assert bm.getTranscoder(o2).delegatedAmount == 14 * LPT
        with reverts(bm.AlreadyBonded):
            bm.rebondFromUnbonded(o2, 0, sender=d)
        with reverts(bm.InvalidUnbondingLock, unbondingLockId=1):
            bm.rebond(1, sender=d)
        bm.rebond(0, sender=d)
        assert bm.getDelegator(d).bondedAmount == 6 * LPT
        assert bm.getTranscoder(o2).delegatedAmount == 16 * LPT
        assert bm.getTranscoder(o1).delegatedAmount == 10 * LPT
        assert bm.getDelegatorUnbondingLock(d, 0) == (0, 0)


def test_orchestrator_reregisters_through_rebond_from_unbonded(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        register_orchestrator(bm, o, 10 * LPT)
        bm.unbond(10 * LPT, sender=o)
        assert bm.getTranscoderPoolSize() == 0
        r = current(protocol)
        bm.rebondFromUnbonded(o, 0, sender=o)
        assert bm.isRegisteredTranscoder(o)
        assert bm.getTranscoderPoolSize() == 1
        assert bm.getTranscoder(o).activationRound == r + 1


# ---------------------------------------------------------------- rewards


def test_reward_shares_round_mintable_by_stake_at_round_start(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    with chains.l1:
        register_orchestrator(bm, o1, 300 * LPT)
        register_orchestrator(bm, o2, 100 * LPT)
        next_round(chains.l1, protocol.rounds)
        m = mintable(protocol)
        assert m > 0
        # Stake added during the round does not change this round's shares.
        bm.bond(1000 * LPT, o2, sender=roles.delegators[0])
        tx1 = bm.reward(sender=o1)
        tx2 = bm.reward(sender=o2)
        r1 = tx1.events.filter(bm.Reward)[0].amount
        r2 = tx2.events.filter(bm.Reward)[0].amount
        assert r1 == m * 300 // 400
        assert r2 == m * 100 // 400
        assert protocol.minter.currentMintedTokens() == r1 + r2 <= m
        assert protocol.minter.totalRewardsMinted() == r1 + r2
        next_round(chains.l1, protocol.rounds)
        assert protocol.minter.currentMintedTokens() == 0
        assert protocol.minter.totalRewardsMinted() == r1 + r2

        bm.reward(sender=o1)
        with reverts(bm.RewardAlreadyCalled, transcoder=o1.address, round=current(protocol)):
            bm.reward(sender=o1)


def test_reward_cut_splits_between_orchestrator_and_delegators(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d1, d2 = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d1, 200 * LPT), (d2, 100 * LPT), reward_cut=250_000)
        next_round(chains.l1, protocol.rounds)
        reward = bm.reward(sender=o).events.filter(bm.Reward)[0].amount
        r = current(protocol)
        cut = reward * 250_000 // 1_000_000
        to_delegators = reward - cut
        # Delegators (o's own 100 included) share `to_delegators` by stake: 100/400, 200/400, 100/400.
        assert abs(bm.pendingStake(d1, r) - (200 * LPT + to_delegators * 200 // 400)) <= 1
        assert abs(bm.pendingStake(d2, r) - (100 * LPT + to_delegators * 100 // 400)) <= 1
        assert abs(bm.pendingStake(o, r) - (100 * LPT + to_delegators * 100 // 400 + cut)) <= 1
        assert bm.getTranscoder(o).delegatedAmount == 400 * LPT + reward
        total = sum(bm.pendingStake(a, r) for a in (o, d1, d2))
        assert 0 <= 400 * LPT + reward - total <= 3  # flooring dust stays bonded to o, owned by no one


def test_unclaimed_commission_joins_stake_at_claim(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, reward_cut=1_000_000)
        next_round(chains.l1, protocol.rounds)
        reward = bm.reward(sender=o).events.filter(bm.Reward)[0].amount
        assert bm.getTranscoder(o).rewardCommission == reward
        tx = bm.claimEarnings(sender=o)
        ev = tx.events.filter(bm.EarningsClaimed)[0]
        assert (ev.delegate, ev.delegator, ev.rewards, ev.fees) == (o.address, o.address, reward, 0)
        assert bm.getTranscoder(o).rewardCommission == 0
        assert bm.getDelegator(o).bondedAmount == 100 * LPT + reward
        assert bm.getDelegator(o).lastClaimRound == current(protocol)


def test_reward_requires_active_orchestrator(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        with reverts(bm.NotActiveTranscoder, account=o.address):
            bm.reward(sender=o)
        register_orchestrator(bm, o, LPT)
        with reverts(bm.NotActiveTranscoder):  # active only from the next round
            bm.reward(sender=o)


def test_claim_cost_does_not_grow_with_rounds(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d1, d2 = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d1, 10 * LPT), (d2, 10 * LPT), reward_cut=100_000)
        next_round(chains.l1, protocol.rounds)
        bm.reward(sender=o)
        next_round(chains.l1, protocol.rounds)
        bm.reward(sender=o)
        gas_after_1 = bm.claimEarnings(sender=d1).gas_used
        for _ in range(15):
            next_round(chains.l1, protocol.rounds)
            bm.reward(sender=o)
        gas_after_16 = bm.claimEarnings(sender=d2).gas_used
        assert gas_after_16 == gas_after_1
        assert bm.getDelegator(d2).bondedAmount > bm.getDelegator(d1).bondedAmount


def test_revoking_minting_delegate_switches_inflation_off(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT)
        next_round(chains.l1, protocol.rounds)
        protocol.minter.removeMintingDelegate(bm, sender=roles.governor)
        supply = protocol.token.totalSupply()
        with reverts(protocol.minter.NotMintingDelegate, account=bm.address):
            bm.reward(sender=o)
        assert protocol.token.totalSupply() == supply


# ---------------------------------------------------------------- fees


def test_fees_split_by_fee_share_and_withdraw(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    broker = roles.broker
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d, 300 * LPT), fee_share=600_000)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        protocol.minter.depositETH(value=10**18, sender=broker)
        tx = bm.updateTranscoderWithFees(o, 10**18, r, sender=broker)
        assert tx.events.filter(bm.FeesCredited)[0].fees == 10**18
        shared = 10**18 * 600_000 // 1_000_000
        assert abs(bm.pendingFees(d, r) - shared * 300 // 400) <= 1
        assert abs(bm.pendingFees(o, r) - (shared * 100 // 400 + 10**18 - shared)) <= 1
        fees = bm.pendingFees(d, r)
        recipient = roles.outsider
        before = chains.l1.provider.get_balance(recipient.address)
        tx = bm.withdrawFees(recipient, fees, sender=d)
        assert chains.l1.provider.get_balance(recipient.address) == before + fees
        assert bm.getDelegator(d).fees == 0
        assert bm.pendingFees(d, r) == 0
        with reverts(bm.InsufficientFees, amount=1, fees=0):
            bm.withdrawFees(recipient, 1, sender=d)


def test_withdraw_fees_reverts(chains, protocol, roles, bm):
    d = roles.delegators[0]
    with chains.l1:
        with reverts(bm.ZeroAddress):
            bm.withdrawFees("0x0000000000000000000000000000000000000000", 1, sender=d)
        with reverts(bm.ZeroAmount):
            bm.withdrawFees(d, 0, sender=d)


def test_fee_credit_reverts(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        r = current(protocol)
        with reverts(bm.NotRegisteredTranscoder, account=o.address):
            bm.updateTranscoderWithFees(o, 1, r, sender=roles.broker)
        bm.bond(LPT, o, sender=o)
        with reverts(bm.InvalidRound, round=r + 1, currentRound=r):
            bm.updateTranscoderWithFees(o, 1, r + 1, sender=roles.broker)


def test_fees_after_a_delegator_left_go_to_those_still_bonded(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d1, d2 = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d1, 100 * LPT), (d2, 100 * LPT), fee_share=1_000_000)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.unbond(100 * LPT, sender=d2)
        bm.updateTranscoderWithFees(o, 2000, r, sender=roles.broker)
        assert bm.pendingFees(d2, r) == 0
        assert bm.pendingFees(d1, r) == 1000
        assert bm.pendingFees(o, r) == 1000


# ---------------------------------------------------------------- stake that joins mid-round (per-round factors)


def test_stake_bonded_during_a_round_shares_nothing_of_that_rounds_credits(chains, protocol, roles, bm):
    """Bonding just before a reward call or a ticket redemption captures nothing: the stake earns from the next
    round, and the stake that was there at round start keeps all of this round's credits."""
    o = roles.orchestrators[0]
    d, late = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d, 100 * LPT), fee_share=1_000_000)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.bond(10_000 * LPT, o, sender=late)
        assert bm.getDelegator(late).joiningAmount == 10_000 * LPT
        assert (bm.getTranscoder(o).joiningAmount, bm.getTranscoder(o).joiningRound) == (10_000 * LPT, r)
        reward = bm.reward(sender=o).events.filter(bm.Reward)[0].amount
        bm.updateTranscoderWithFees(o, 2000, r, sender=roles.broker)
        assert bm.pendingStake(late, r) == 10_000 * LPT
        assert bm.pendingFees(late, r) == 0
        assert abs(bm.pendingStake(d, r) - (100 * LPT + reward // 2)) <= 1
        assert (bm.pendingFees(d, r), bm.pendingFees(o, r)) == (1000, 1000)

        # Next round: the joined stake earns with everybody else, from the factors of the end of round r, which
        # the orchestrator's first call of the round records.
        next_round(chains.l1, protocol.rounds)
        r2 = current(protocol)
        tx = bm.reward(sender=o)
        recorded = tx.events.filter(bm.RoundEndFactorsRecorded)
        assert [(e.transcoder, e.round) for e in recorded] == [(o.address, r)]
        assert bm.getTranscoder(o).joiningRound == 0
        reward2 = tx.events.filter(bm.Reward)[0].amount
        total = 10_200 * LPT + reward
        late_stake = 10_000 * LPT + reward2 * 10_000 * LPT // total
        assert abs(bm.pendingStake(late, r2) - late_stake) <= 1
        bm.updateTranscoderWithFees(o, 10**18, r2, sender=roles.broker)
        assert abs(bm.pendingFees(late, r2) - 10**18 * late_stake // (total + reward2)) <= 1


def test_joined_stake_starts_from_the_recorded_end_of_its_round(chains, protocol, roles, bm):
    """Stake joins o in round r; in r + 1 another bond records o's end-of-r factors before the reward; both
    the r-joiner and the r + 1 joiner are then priced from their own round's end."""
    o = roles.orchestrators[0]
    d1, d2 = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT)
        next_round(chains.l1, protocol.rounds)
        bm.reward(sender=o)
        bm.bond(100 * LPT, o, sender=d1)  # joins in r
        r = current(protocol)
        next_round(chains.l1, protocol.rounds)
        tx = bm.bond(100 * LPT, o, sender=d2)  # joins in r + 1: records the end of r first
        assert [e.round for e in tx.events.filter(bm.RoundEndFactorsRecorded)] == [r]
        reward = bm.reward(sender=o).events.filter(bm.Reward)[0].amount
        r2 = current(protocol)
        assert bm.pendingStake(d2, r2) == 100 * LPT
        earning = bm.getTranscoder(o).delegatedAmount - reward - 100 * LPT  # o's and d1's stake at round start
        assert abs(bm.pendingStake(d1, r2) - (100 * LPT + reward * 100 * LPT // earning)) <= 1
        owned = sum(bm.pendingStake(a, r2) for a in (o, d1, d2))
        assert 0 <= bm.getTranscoder(o).delegatedAmount - owned <= 2  # flooring dust, never a deficit


def test_claiming_mid_round_keeps_the_rest_of_the_rounds_credits(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    d1, d2 = roles.delegators[:2]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d1, 100 * LPT), (d2, 100 * LPT))
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.claimEarnings(sender=d1)  # before the reward call: d1 still earns this round's reward
        reward = bm.reward(sender=o).events.filter(bm.Reward)[0].amount
        assert abs(bm.pendingStake(d1, r) - bm.pendingStake(d2, r)) <= 1
        assert abs(bm.pendingStake(d1, r) - (100 * LPT + reward // 3)) <= 1


def test_added_stake_joins_while_the_rest_keeps_earning(chains, protocol, roles, bm):
    """A delegator that adds stake mid-round: the old part earns the round's reward, the new part does not; an
    unbond in the same round takes the new part first."""
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d, 100 * LPT))
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.bond(50 * LPT, o, sender=d)
        bm.unbond(20 * LPT, sender=d)
        assert (bm.getDelegator(d).bondedAmount, bm.getDelegator(d).joiningAmount) == (130 * LPT, 30 * LPT)
        assert bm.getTranscoder(o).joiningAmount == 30 * LPT
        reward = bm.reward(sender=o).events.filter(bm.Reward)[0].amount
        assert abs(bm.pendingStake(d, r) - (130 * LPT + reward // 2)) <= 1


def test_redelegated_stake_earns_at_neither_orchestrator_in_the_round_it_moves(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o1, 100 * LPT)
        register_orchestrator(bm, o2, 100 * LPT)
        bm.bond(100 * LPT, o1, sender=d)
        next_round(chains.l1, protocol.rounds)
        r = current(protocol)
        bm.bond(0, o2, sender=d)
        r1 = bm.reward(sender=o1).events.filter(bm.Reward)[0].amount
        bm.reward(sender=o2)
        assert bm.pendingStake(d, r) == 100 * LPT
        assert abs(bm.pendingStake(o1, r) - (100 * LPT + r1)) <= 1  # all of o1's round went to its own stake


def test_fees_with_no_earning_stake_go_to_the_orchestrator(chains, protocol, roles, bm):
    """An orchestrator registered this round can receive fees while nothing delegated to it earns yet: its
    delegators' share cannot be spread, so the orchestrator keeps it."""
    o = roles.orchestrators[0]
    d = roles.delegators[0]
    with chains.l1:
        register_orchestrator(bm, o, 100 * LPT, (d, 100 * LPT), fee_share=500_000)
        r = current(protocol)
        bm.updateTranscoderWithFees(o, 3000, r, sender=roles.broker)
        assert (bm.pendingFees(o, r), bm.pendingFees(d, r)) == (3000, 0)
        assert bm.getTranscoder(o).feeCommission == 3000


def test_pending_views_only_answer_for_the_current_round(chains, protocol, roles, bm):
    d = roles.delegators[0]
    with chains.l1:
        r = current(protocol)
        for view in (bm.pendingStake, bm.pendingFees):
            with reverts(bm.InvalidEndRound, endRound=r - 1, currentRound=r):
                view(d, r - 1)
            assert view(d, r) == 0


# ---------------------------------------------------------------- governance parameters


def test_parameter_setters(chains, protocol, roles, bm):
    gov = roles.governor
    with chains.l1:
        with reverts(bm.InvalidUnbondingPeriod):
            bm.setUnbondingPeriod(0, sender=gov)
        tx = bm.setUnbondingPeriod(3, sender=gov)
        assert tx.events.filter(bm.UnbondingPeriodSet)[0].unbondingPeriod == 3
        assert bm.unbondingPeriod() == 3
        with reverts(bm.ZeroAddress):
            bm.setTicketBroker("0x0000000000000000000000000000000000000000", sender=gov)
        bm.setTicketBroker(roles.outsider, sender=gov)
        assert bm.ticketBroker() == roles.outsider.address
        register_orchestrator(bm, roles.orchestrators[0], LPT)
        register_orchestrator(bm, roles.orchestrators[1], LPT)
        with reverts(bm.InvalidNumActiveTranscoders, numActiveTranscoders=1, poolSize=2):
            bm.setNumActiveTranscoders(1, sender=gov)
        bm.setNumActiveTranscoders(2, sender=gov)
        assert bm.numActiveTranscoders() == 2
        # The set has 65,535 places (a member's place is a uint16 in its rounds slot).
        with reverts(bm.InvalidNumActiveTranscoders, numActiveTranscoders=2**16, poolSize=2):
            bm.setNumActiveTranscoders(2**16, sender=gov)
        bm.setNumActiveTranscoders(2**16 - 1, sender=gov)
        assert bm.numActiveTranscoders() == 2**16 - 1


def test_constructor_rejects_zero_addresses_period_and_capacity(chains, protocol, roles):
    zero = "0x0000000000000000000000000000000000000000"
    gov = roles.governor
    p = protocol
    with chains.l1:
        bm_type = ape.project.BondingManager
        for args in ((zero, p.minter, p.rounds), (p.token, zero, p.rounds), (p.token, p.minter, zero)):
            with reverts(p.bonding_manager.ZeroAddress):
                bm_type.deploy(gov, *args, 7, 100, sender=gov)
        with reverts(p.bonding_manager.InvalidUnbondingPeriod):
            bm_type.deploy(gov, p.token, p.minter, p.rounds, 0, 100, sender=gov)
        with reverts(p.bonding_manager.InvalidNumActiveTranscoders, numActiveTranscoders=2**256 - 1, poolSize=0):
            bm_type.deploy(gov, p.token, p.minter, p.rounds, 7, 2**256 - 1, sender=gov)
