"""The active orchestrator set: capacity, ordering, eviction, activation rounds and the lock period."""

from __future__ import annotations

import pytest
from shared import LPT

from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import mine_to_lock, next_round


@pytest.fixture
def bm(protocol):
    return protocol.bonding_manager


def pool(bm):
    members = []
    addr = bm.getFirstTranscoderInPool()
    while addr != "0x0000000000000000000000000000000000000000":
        members.append(addr)
        addr = bm.getNextTranscoderInPool(addr)
    assert len(members) == bm.getTranscoderPoolSize()
    return members


def check_pool(bm):
    members = pool(bm)
    stakes = [bm.getTranscoder(a).delegatedAmount for a in members]
    assert stakes == sorted(stakes, reverse=True)
    assert sum(stakes) == bm.nextRoundTotalActiveStake()
    return members


def test_pool_is_sorted_and_follows_stake_changes(chains, protocol, roles, bm):
    o1, o2, o3 = roles.orchestrators
    d = roles.delegators[0]
    with chains.l1:
        bm.bond(100 * LPT, o1, sender=o1)
        bm.bond(300 * LPT, o2, sender=o2)
        bm.bond(200 * LPT, o3, sender=o3)
        assert check_pool(bm) == [o2.address, o3.address, o1.address]
        bm.bond(250 * LPT, o1, sender=d)  # o1: 350, moves to the head
        assert check_pool(bm) == [o1.address, o2.address, o3.address]
        bm.bond(0, o3, sender=d)  # o1 back to 100, o3 to 450
        assert check_pool(bm) == [o3.address, o2.address, o1.address]
        bm.unbond(250 * LPT, sender=d)  # o3 back to 200
        assert check_pool(bm) == [o2.address, o3.address, o1.address]
        bm.unbond(150 * LPT, sender=o3)  # o3 to 50: down to the tail
        assert check_pool(bm) == [o2.address, o1.address, o3.address]


def test_full_pool_evicts_lowest_only_for_more_stake(chains, protocol, roles, bm):
    o1, o2, o3 = roles.orchestrators
    with chains.l1:
        bm.setNumActiveTranscoders(2, sender=roles.governor)
        # Large stakes, so that o1's reward below cannot lift it back above o3.
        bm.bond(100_000 * LPT, o1, sender=o1)
        bm.bond(200_000 * LPT, o2, sender=o2)
        next_round(chains.l1, protocol.rounds)
        r = protocol.rounds.currentRound()
        bm.bond(100_000 * LPT, o3, sender=o3)  # ties with the tail: stays out
        assert check_pool(bm) == [o2.address, o1.address]
        assert bm.getTranscoder(o3).activationRound == 0
        tx = bm.bond(50_000 * LPT, o3, sender=o3)
        assert tx.events.filter(bm.TranscoderDeactivated)[0].transcoder == o1.address
        assert check_pool(bm) == [o2.address, o3.address]
        assert bm.getTranscoder(o1).deactivationRound == r + 1
        assert bm.getTranscoder(o3).activationRound == r + 1
        # Evicted this round: still active (and paid) for it, out from the next one.
        assert bm.isActiveTranscoder(o1)
        assert bm.reward(sender=o1).events.filter(bm.Reward)[0].amount > 0
        assert not bm.isActiveTranscoder(o3)
        next_round(chains.l1, protocol.rounds)
        assert not bm.isActiveTranscoder(o1)
        assert bm.isActiveTranscoder(o3)
        assert bm.currentRoundTotalActiveStake() == 350_000 * LPT


def test_zero_capacity_keeps_everyone_out(chains, protocol, roles, bm):
    o = roles.orchestrators[0]
    with chains.l1:
        bm.setNumActiveTranscoders(0, sender=roles.governor)
        bm.bond(LPT, o, sender=o)
        assert pool(bm) == []
        assert bm.nextRoundTotalActiveStake() == 0


def test_rejoining_in_the_eviction_round_keeps_current_activity(chains, protocol, roles, bm):
    o1, o2, o3 = roles.orchestrators
    d = roles.delegators[0]
    with chains.l1:
        bm.setNumActiveTranscoders(2, sender=roles.governor)
        bm.bond(100 * LPT, o1, sender=o1)
        bm.bond(200 * LPT, o2, sender=o2)
        next_round(chains.l1, protocol.rounds)
        r = protocol.rounds.currentRound()
        bm.bond(150 * LPT, o3, sender=o3)  # evicts o1
        bm.bond(150 * LPT, o1, sender=d)  # o1: 250 > o3: 150, evicts o3, rejoins
        t1 = bm.getTranscoder(o1)
        assert (t1.activationRound, t1.deactivationRound) == (r, 2**32 - 1)
        assert bm.isActiveTranscoder(o1)
        assert not bm.isActiveTranscoder(o3)
        assert bm.getTranscoder(o3).deactivationRound == r + 1
        assert check_pool(bm) == [o1.address, o2.address]


def test_lock_period_freezes_terms_but_not_stake(chains, protocol, roles, bm):
    o1, o2 = roles.orchestrators[:2]
    d = roles.delegators[0]
    with chains.l1:
        bm.bond(100 * LPT, o1, sender=o1)
        bm.transcoder(100_000, 500_000, sender=o1)
        bm.bond(100 * LPT, o2, sender=o2)
        next_round(chains.l1, protocol.rounds)
        mine_to_lock(chains.l1, protocol.rounds)
        assert protocol.rounds.currentRoundLocked()
        with reverts(bm.CurrentRoundLocked):
            bm.transcoder(900_000, 0, sender=o1)
        # Delegators still move; the change is for the next round's set and shares.
        bm.bond(300 * LPT, o2, sender=d)
        assert bm.currentRoundTotalActiveStake() == 200 * LPT
        assert bm.nextRoundTotalActiveStake() == 500 * LPT
        mintable = protocol.minter.currentMintableTokens()
        assert bm.reward(sender=o2).events.filter(bm.Reward)[0].amount == mintable // 2
        t1 = bm.getTranscoder(o1)
        assert (t1.rewardCut, t1.feeShare) == (100_000, 500_000)
        next_round(chains.l1, protocol.rounds)
        assert bm.currentRoundTotalActiveStake() == 500 * LPT + mintable // 2
        assert not protocol.rounds.currentRoundLocked()
        bm.transcoder(900_000, 0, sender=o1)
        assert bm.getTranscoder(o1).rewardCut == 900_000
