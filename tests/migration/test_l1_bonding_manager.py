"""L1 BondingManager.migrateStake / migrateUnbondingLocks, called by a governor-appointed migrator account."""

from __future__ import annotations

import pytest
from ape import project
from shared import LPT, MAX_UINT, ROUND_LENGTH

from ape_livepeer_migration.protocol.deploy import deploy_l1_protocol
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import mine_to_next_round, next_round

from .conftest import check_set_migrator_is_governed

BM = project.BondingManager


@pytest.fixture(scope="module")
def l1(two_chains, accounts):
    """L1 protocol; accounts[1] is the migrator; orchestrators 2, 3 registered; delegators 4, 5 bonded to 2."""
    gov, migrator, o1, o2, d1, d2 = accounts[:6]
    with two_chains.l1:
        p = deploy_l1_protocol(
            gov,
            genesis={a.address: 10_000 * LPT for a in (o1, o2, d1, d2)},
            ticket_broker=accounts[8].address,
            round_length=ROUND_LENGTH,
        )
        for a in (o1, o2, d1, d2):
            p.token.approve(p.bonding_manager, MAX_UINT, sender=a)
        next_round(two_chains.l1, p.rounds)
        p.bonding_manager.setMigrator(migrator, sender=gov)
        for o, cut in ((o1, 100_000), (o2, 0)):
            p.bonding_manager.bond(1_000 * LPT, o, sender=o)
            p.bonding_manager.transcoder(cut, 500_000, sender=o)
        p.bonding_manager.bond(500 * LPT, o1, sender=d1)
        p.bonding_manager.bond(300 * LPT, o1, sender=d2)
        next_round(two_chains.l1, p.rounds)
        p.bonding_manager.reward(sender=o1)
    return p


def pending(p, who):
    return p.bonding_manager.pendingStake(who, p.rounds.currentRound())


def test_set_migrator_is_governed(chains, l1, accounts):
    with chains.l1:
        check_set_migrator_is_governed(l1.bonding_manager, BM, accounts)


def test_only_the_migrator_migrates(chains, l1, accounts):
    bm = l1.bonding_manager
    d1 = accounts[4]
    with chains.l1:
        for caller in (d1, accounts[0], accounts[9]):
            with reverts(BM.NotMigrator, account=caller.address):
                bm.migrateStake(d1, caller, sender=caller)
            with reverts(BM.NotMigrator, account=caller.address):
                bm.migrateUnbondingLocks(d1, [0], caller, sender=caller)


def test_delegator_stake_with_rewards_moves_to_migrator(chains, l1, accounts):
    bm, token, minter = l1.bonding_manager, l1.token, l1.minter
    migrator, o1, d1 = accounts[1], accounts[2], accounts[4]
    with chains.l1:
        stake = pending(l1, d1)
        assert stake > 500 * LPT  # earned part of o1's reward
        delegated = bm.getTranscoder(o1).delegatedAmount
        minter_balance = token.balanceOf(minter)
        tx = bm.migrateStake(d1, migrator, sender=migrator)
        assert tx.return_value == (stake, False, 0, 0)
        assert token.balanceOf(migrator) == stake
        assert token.balanceOf(minter) == minter_balance - stake
        d = bm.getDelegator(d1)
        assert (d.bondedAmount, d.delegateAddress) == (0, "0x" + "00" * 20)
        assert bm.getTranscoder(o1).delegatedAmount == delegated - stake
        assert bm.isActiveTranscoder(o1)  # a delegator leaving does not touch its orchestrator's status
        names = [e.event_name for e in tx.events if e.contract_address == bm.address]
        assert names == ["EarningsClaimed", "StakeMigrated"]
        (event,) = [e for e in tx.events if e.event_name == "StakeMigrated"]
        assert (event.delegator, event.delegate, event.amount) == (d1.address, o1.address, stake)
        with reverts(BM.NothingToMigrate, delegator=d1.address):
            bm.migrateStake(d1, migrator, sender=migrator)


def test_orchestrator_is_deactivated_and_its_delegators_stay(chains, l1, accounts):
    bm = l1.bonding_manager
    migrator, o1, o2, d1, d2 = accounts[1], accounts[2], accounts[3], accounts[4], accounts[5]
    with chains.l1:
        own = pending(l1, o1)  # self stake + rewards + commission
        next_total = bm.nextRoundTotalActiveStake()
        delegated = bm.getTranscoder(o1).delegatedAmount
        terms = (bm.getTranscoder(o1).rewardCut, bm.getTranscoder(o1).feeShare)
        tx = bm.migrateStake(o1, migrator, sender=migrator)
        assert tx.return_value == (own, True, *terms)
        r = l1.rounds.currentRound()
        assert not bm.isRegisteredTranscoder(o1)
        assert not bm.isActiveTranscoder(o1)
        assert bm.getTranscoder(o1).deactivationRound == r
        assert bm.getTranscoderPoolSize() == 1 and bm.getFirstTranscoderInPool() == o2.address
        assert bm.nextRoundTotalActiveStake() == next_total - delegated
        assert any(e.event_name == "TranscoderDeactivated" for e in tx.events)
        # its delegators stay delegated to the inactive orchestrator, with their stake, until they migrate too
        assert bm.getDelegator(d1).delegateAddress == o1.address
        d2_stake = pending(l1, d2)
        assert bm.getTranscoder(o1).delegatedAmount == delegated - own
        next_round(chains.l1, l1.rounds)
        assert pending(l1, d2) == d2_stake  # no more rewards through it
        assert bm.migrateStake(d2, migrator, sender=migrator).return_value == (d2_stake, False, 0, 0)
        # and an unregistered orchestrator cannot call reward
        with reverts(BM.NotActiveTranscoder, account=o1.address):
            bm.reward(sender=o1)


def test_fees_stay_withdrawable_after_migration(chains, l1, accounts):
    bm, minter = l1.bonding_manager, l1.minter
    migrator, broker, o2 = accounts[1], accounts[8], accounts[3]
    with chains.l1:
        r = l1.rounds.currentRound()
        minter.depositETH(value=10**18, sender=broker)
        bm.updateTranscoderWithFees(o2, 10**18, r, sender=broker)
        fees = bm.pendingFees(o2, r)
        assert fees == 10**18  # alone on its stake: its delegators' share and its commission
        bm.migrateStake(o2, migrator, sender=migrator)
        assert bm.getDelegator(o2).fees == fees
        receiver = accounts[7]
        before = chains.l1.provider.get_balance(receiver.address)
        bm.withdrawFees(receiver, fees, sender=o2)
        assert chains.l1.provider.get_balance(receiver.address) == before + fees
        assert bm.getDelegator(o2).fees == 0


def test_migration_needs_an_initialized_round(chains, l1, accounts):
    with chains.l1:
        mine_to_next_round(chains.l1, l1.rounds)
        with reverts(BM.CurrentRoundNotInitialized):
            l1.bonding_manager.migrateStake(accounts[4], accounts[1], sender=accounts[1])


def test_unbonding_lock_migrates_once(chains, l1, accounts):
    bm, token = l1.bonding_manager, l1.token
    migrator, d1 = accounts[1], accounts[4]
    with chains.l1:
        bm.unbond(100 * LPT, sender=d1)
        bm.unbond(50 * LPT, sender=d1)
        tx = bm.migrateUnbondingLocks(d1, [1], migrator, sender=migrator)
        assert tx.return_value == 50 * LPT
        assert token.balanceOf(migrator) == 50 * LPT
        assert bm.getDelegatorUnbondingLock(d1, 1) == (0, 0)
        (event,) = [e for e in tx.events if e.event_name == "UnbondingLockMigrated"]
        assert (event.delegator, event.unbondingLockId, event.amount) == (d1.address, 1, 50 * LPT)
        with reverts(BM.InvalidUnbondingLock, unbondingLockId=1):
            bm.migrateUnbondingLocks(d1, [1], migrator, sender=migrator)
        with reverts(BM.InvalidUnbondingLock, unbondingLockId=1):
            bm.withdrawStake(1, sender=d1)
        with reverts(BM.InvalidUnbondingLock, unbondingLockId=7):
            bm.migrateUnbondingLocks(d1, [7], migrator, sender=migrator)
        # a withdrawn lock cannot be migrated afterwards
        for _ in range(l1.bonding_manager.unbondingPeriod()):
            next_round(chains.l1, l1.rounds)
        bm.withdrawStake(0, sender=d1)
        with reverts(BM.InvalidUnbondingLock, unbondingLockId=0):
            bm.migrateUnbondingLocks(d1, [0], migrator, sender=migrator)
