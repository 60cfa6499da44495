"""Stake migration end to end: one L1 transaction, one retryable delivered by the simulator, stake on L2."""

from __future__ import annotations

import pytest
from ape import project
from shared import LPT

from ape_livepeer_migration.arbitrum.simulator import DeliveryStatus
from ape_livepeer_migration.bridge.codec import Kind
from ape_livepeer_migration.bridge.migration import (
    ESTIMATE_MIGRATION_ID,
    claim_migrated_stake,
    claimable_stake,
    migrate,
    migrate_unbonding_locks,
    migration_gas_params,
    planned_migration,
)
from ape_livepeer_migration.bridge.system import System, mode_contracts, switch_l1_inflation_off
from ape_livepeer_migration.exceptions import MigrationError
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import next_rounds


def l1_stake(s, who):
    return s.l1.bonding_manager.pendingStake(who.address, s.l1.rounds.currentRound())


def l2_delegation(s, who):
    d = s.l2_bonding_manager.getDelegator(who.address)
    return d.delegateAddress, d.bondedAmount


def l2_events(chains, result, event_type):
    """Events of ``event_type`` in the L2 transaction of a delivery."""
    with chains.l2:
        from ape import chain

        return list(chain.get_receipt(result.l2_tx_hash).decode_logs(event_type))


def test_wiring(chains, system, people):
    s, b = system, system.bridge
    assert s.l1.bonding_manager.migrator() == s.l1_migrator.address
    assert s.l1_migrator.l2Migrator() == s.l2_migrator.address
    assert s.l1_migrator.gateway() == b.l1_gateway.address
    assert s.l2_migrator.l1Migrator() == s.l1_migrator.address
    assert s.l2_migrator.minter() == s.l2_minter.address
    assert s.l2_bonding_manager.migrator() == s.l2_migrator.address
    assert s.l2_minter.bondingManager() == s.l2_bonding_manager.address
    assert s.l2_rounds.bondingManager() == s.l2_bonding_manager.address
    assert s.l2_minter.isMintingDelegate(b.l2_gateway.address)
    assert s.l2_minter.isMintingDelegate(s.l2_bonding_manager.address)
    assert s.l2_minter.isMintingDelegate(s.l2_migrator.address)  # migrated stake, escrowed on L1
    assert s.l1.minter.isMintingDelegate(b.l1_gateway.address)
    assert s.l1.minter.isMintingDelegate(s.l1.bonding_manager.address)  # until governance switches it off
    # refunds of expired migrations: the escrow's second releaser, minting what the escrow lacks
    assert b.l1_escrow.migrator() == s.l1_migrator.address
    assert s.l1.minter.isMintingDelegate(s.l1_migrator.address)
    assert (s.l1_migrator.escrow(), s.l1_migrator.minter()) == (b.l1_escrow.address, s.l1.minter.address)
    assert s.l1_migrator.inbox() == b.inbox
    assert set(s.addresses) >= {"l1_migrator", "l2_migrator", "l2_bonding_manager", "l1_gateway", "l2_gateway"}


def test_switch_l1_inflation_off(chains, system, people):
    s = system
    next_rounds(s, layers=("l1",))
    tx = switch_l1_inflation_off(s, people.governor)
    assert [e.delegate for e in tx.events if e.event_name == "MintingDelegateRemoved"] == [s.l1.bonding_manager.address]
    assert not s.l1.minter.isMintingDelegate(s.l1.bonding_manager.address)
    assert s.l1.minter.isMintingDelegate(s.bridge.l1_gateway.address)
    with reverts(project.Minter.NotMintingDelegate, account=s.l1.bonding_manager.address):
        s.l1.bonding_manager.reward(sender=people.o1)


def test_orchestrator_then_its_delegator(chains, system, people, deliver):
    """An orchestrator migrates (registered on L2 with its terms), then a delegator follows it."""
    s, p = system, people
    own = l1_stake(s, p.o1)
    l2_supply = s.l2_token.totalSupply()
    escrow = s.l1.token.balanceOf(s.bridge.l1_escrow.address)
    sent = migrate(s, p.o1)
    assert sent.migration.kind == Kind.ORCHESTRATOR and sent.migration.amount == own
    assert (sent.migration.reward_cut, sent.migration.fee_share) == (100_000, 500_000)
    assert not s.l1.bonding_manager.isRegisteredTranscoder(p.o1.address)
    assert s.l1.token.balanceOf(s.bridge.l1_escrow.address) == escrow + own
    assert s.l1.token.balanceOf(s.l1_migrator.address) == 0
    result = deliver(sent.receipt)
    assert result.status == DeliveryStatus.REDEEMED
    assert l2_delegation(s, p.o1) == (p.o1.address, own)
    t = s.l2_bonding_manager.getTranscoder(p.o1.address)
    assert (t.rewardCut, t.feeShare) == (100_000, 500_000)
    assert s.l2_bonding_manager.getFirstTranscoderInPool() == p.o1.address
    assert s.l2_token.totalSupply() == l2_supply + own
    assert s.l2_migrator.isMigrated(sent.migration.id)
    assert s.l2_token.balanceOf(s.l2_migrator.address) == 0

    d1 = l1_stake(s, p.d1)
    sent = migrate(s, p.d1)  # l2 orchestrator defaults to its L1 delegate
    assert sent.migration.kind == Kind.DELEGATOR and sent.migration.l2_orchestrator == p.o1.address
    assert deliver(sent.receipt).status == DeliveryStatus.REDEEMED
    assert l2_delegation(s, p.d1) == (p.o1.address, d1)
    assert s.l2_bonding_manager.getTranscoder(p.o1.address).delegatedAmount == own + d1
    assert s.l1_migrator.totalMigrated() == s.l2_migrator.totalMigrated() == own + d1
    # migrations do not pass through the gateways: their totals count deposits only
    assert s.bridge.l2_gateway.totalMinted() == s.bridge.l1_gateway.totalDeposited() == 0

    # the orchestrator earns on L2 next round (its L2 stake counts from then)
    next_rounds(s, layers=("l2",))
    supply = s.l2_token.totalSupply()
    with chains.l2:
        tx = s.l2_bonding_manager.reward(sender=p.o1)
        (reward,) = [e.amount for e in tx.events if e.event_name == "Reward"]
    assert reward > 0 and s.l2_token.totalSupply() == supply + reward


def test_estimate_survives_another_migration_taking_the_planned_id(chains, system, people, deliver):
    """Users migrating at once: d1 plans (id k), then d2's migration takes id k and is finalized on L2 before d1's
    L2 gas is estimated. The estimate must not run the L2 call with id k (AlreadyMigrated on L2)."""
    s, p = system, people
    deliver(migrate(s, p.o1).receipt)
    planned = planned_migration(s, p.d1.address, p.d1.address, p.o1.address)
    taken = migrate(s, p.d2)
    assert taken.migration.id == planned.id
    assert deliver(taken.receipt).status == DeliveryStatus.REDEEMED and s.l2_migrator.isMigrated(planned.id)
    stake = l1_stake(s, p.d1)
    gas = migration_gas_params(s, planned)
    sent = migrate(s, p.d1, gas=gas)
    assert sent.migration.id == planned.id + 1
    assert deliver(sent.receipt).status == DeliveryStatus.REDEEMED
    assert l2_delegation(s, p.d1) == (p.o1.address, stake)
    # what the estimate ran with: the same call, under an id no migration is ever given
    assert not s.l2_migrator.isMigrated(ESTIMATE_MIGRATION_ID)
    assert s.l1_migrator.migrationCount() < ESTIMATE_MIGRATION_ID


def test_delegator_whose_orchestrator_stayed_picks_another(chains, system, people, deliver):
    s, p = system, people
    deliver(migrate(s, p.o2).receipt)
    stake = l1_stake(s, p.d2)
    sent = migrate(s, p.d2, l2_orchestrator=p.o2.address)  # o1 has not migrated
    deliver(sent.receipt)
    assert l2_delegation(s, p.d2) == (p.o2.address, stake)
    # on L1 its orchestrator o1 lost exactly that stake and stays active
    assert s.l1.bonding_manager.isActiveTranscoder(p.o1.address)


def test_migrated_orchestrator_leaves_its_delegators_on_l1_until_they_migrate(chains, system, people, deliver):
    s, p = system, people
    bm = s.l1.bonding_manager
    deliver(migrate(s, p.o2).receipt)
    stake = l1_stake(s, p.d3)
    assert bm.getDelegator(p.d3.address).delegateAddress == p.o2.address
    next_rounds(s, layers=("l1",))
    assert not bm.isActiveTranscoder(p.o2.address)
    assert l1_stake(s, p.d3) == stake
    deliver(migrate(s, p.d3).receipt)
    assert l2_delegation(s, p.d3) == (p.o2.address, stake)


def test_unbonding_locks_are_staked_on_l2(chains, system, people, deliver):
    s, p = system, people
    bm = s.l1.bonding_manager
    bm.unbond(100 * LPT, sender=p.d1)
    bm.unbond(50 * LPT, sender=p.d1)
    bm.unbond(25 * LPT, sender=p.d1)
    sent = migrate_unbonding_locks(s, p.d1, [0, 2], l2_orchestrator=p.o2.address)
    assert sent.migration.kind == Kind.UNBONDING_LOCKS and sent.migration.amount == 125 * LPT
    assert deliver(sent.receipt).status == DeliveryStatus.REDEEMED
    assert l2_delegation(s, p.d1) == (p.o2.address, 125 * LPT)  # staked, not liquid
    assert s.l2_token.balanceOf(p.d1.address) == 0
    assert bm.getDelegatorUnbondingLock(p.d1.address, 1)[0] == 50 * LPT  # untouched
    m = s.l1_migrator
    gas = sent.gas
    for ids, err, inputs in (
        ([0], project.BondingManager.InvalidUnbondingLock, {"unbondingLockId": 0}),  # migrated before
        ([1, 1], m.unwrapped.DuplicateUnbondingLock, {"unbondingLockId": 1}),
        ([1, 3, 1], m.unwrapped.DuplicateUnbondingLock, {"unbondingLockId": 1}),
        ([], m.unwrapped.NoUnbondingLocks, {}),
    ):
        with reverts(err, **inputs):
            m.migrateUnbondingLocks(
                ids, p.d1, p.o2, gas.gas_limit, gas.gas_price_bid, gas.max_submission_cost, value=gas.value, sender=p.d1
            )
    # lock 1 is still there, migrates once
    deliver(migrate_unbonding_locks(s, p.d1, [1], l2_orchestrator=p.o2.address).receipt)
    assert l2_delegation(s, p.d1) == (p.o2.address, 175 * LPT)


def test_stake_sent_to_another_l2_address_waits_for_that_address_to_claim_it(chains, system, people, deliver):
    """Mallory migrates her own stake naming d3's L2 address and another orchestrator: d3's L2 state does not
    change at all; the LPT waits for d3, and only d3 can claim it, like its own bond."""
    s, p = system, people
    deliver(migrate(s, p.o1).receipt)
    deliver(migrate(s, p.o2).receipt)
    d3 = l1_stake(s, p.d3)
    deliver(migrate(s, p.d3, l2_orchestrator=p.o2.address).receipt)
    gift = l1_stake(s, p.outsider)
    sent = migrate(s, p.outsider, l2_delegator=p.d3.address, l2_orchestrator=p.o1.address)
    assert sent.parked
    result = deliver(sent.receipt)
    assert result.status == DeliveryStatus.REDEEMED  # never reverts for the receiver's state
    assert l2_delegation(s, p.d3) == (p.o2.address, d3)
    assert l2_delegation(s, p.outsider) == ("0x" + "00" * 20, 0)
    assert claimable_stake(s, sent.migration.id) == (p.d3.address, p.o1.address, gift)
    assert not l2_events(chains, result, s.l2_bonding_manager.unwrapped.StakedFor)
    with reverts(project.L2Migrator.NotClaimable, id=sent.migration.id, account=p.outsider.address):
        s.l2_migrator.claimStake(sent.migration.id, p.outsider.address, sender=p.outsider)
    with pytest.raises(MigrationError, match="no stake waiting"):
        claim_migrated_stake(s, p.outsider, sent.migration.id)
    # d3 claims it with the suggested o1: like its own bond(gift, o1), all its stake moves there
    claim_migrated_stake(s, p.d3, sent.migration.id)
    assert l2_delegation(s, p.d3) == (p.o1.address, d3 + gift)
    assert claimable_stake(s, sent.migration.id) == ("0x" + "00" * 20, "0x" + "00" * 20, 0)


def test_fees_are_withdrawn_on_l1_after_migrating(chains, system, people, deliver):
    """migrateStake leaves ETH fees alone: an orchestrator and its delegator withdraw them on L1 afterwards."""
    s, p = system, people
    bm = s.l1.bonding_manager
    r = s.l1.rounds.currentRound()
    s.l1.minter.depositETH(value=10**18, sender=p.broker)
    bm.updateTranscoderWithFees(p.o2.address, 10**18, r, sender=p.broker)
    fees = {who: bm.pendingFees(who.address, r) for who in (p.o2, p.d3)}
    assert all(f > 0 for f in fees.values())
    deliver(migrate(s, p.o2).receipt)
    deliver(migrate(s, p.d3).receipt)
    for who, amount in fees.items():
        assert bm.getDelegator(who.address).fees == amount
        before = chains.l1.provider.get_balance(p.relayer.address)
        bm.withdrawFees(p.relayer.address, amount, sender=who)
        assert chains.l1.provider.get_balance(p.relayer.address) == before + amount


def test_a_system_bound_from_its_addresses_is_the_same_system(system):
    s = system
    assert list(s.addresses) == list(mode_contracts("l2"))
    bound = System.at(s.chains, s.sim, s.bridge.inbox, s.book_entry)
    assert bound.addresses == s.addresses
    # each contract is bound to its own chain: these calls reach the L1 and the L2 contracts
    assert bound.l1.token.totalSupply() == s.l1.token.totalSupply()
    assert bound.l2_bonding_manager.numActiveTranscoders() == s.l2_bonding_manager.numActiveTranscoders()
    assert bound.l2_migrator.l1Migrator() == s.l1_migrator.address
