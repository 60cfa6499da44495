"""A migration whose L2 message expires unredeemed: its deadline, its expiry on L2 and its refund on L1 as an
unbonding lock, end to end on the local pair (L1 transaction, ticket, L2 -> L1 message through the Outbox)."""

from __future__ import annotations

import pytest
from ape import project
from eth_utils import keccak

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.simulator import DeliveryStatus
from ape_livepeer_migration.bridge.codec import Migration
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.migration import (
    expire_migration,
    migrate,
    migration_gas_params,
    planned_migration,
    refund_expired_migration,
)
from ape_livepeer_migration.exceptions import MigrationError
from ape_livepeer_migration.testing.reverts import reverts

L1M, L2M = project.L1Migrator, project.L2Migrator


def l2_now(chains):
    with chains.l2:
        from ape import chain

        return chain.blocks.head.timestamp


def l2_after(chains, timestamp):
    """Move the L2 clock past ``timestamp`` (one block)."""
    now = l2_now(chains)
    if now <= timestamp:
        chains.l2.provider.make_request("evm_increaseTime", [timestamp - now + 1])
    chains.l2.mine(1)
    assert l2_now(chains) > timestamp


def starved_migration(s, p):
    """d3 migrates with a gas limit too low for the automatic redeem: the ticket waits on L2."""
    estimate = migration_gas_params(s, planned_migration(s, p.d3.address, p.d3.address, p.o2.address))
    gas = RetryableGasParams(estimate.max_submission_cost, 20_000, estimate.gas_price_bid)
    return migrate(s, p.d3, l2_orchestrator=p.o2.address, gas=gas)


def redeem(s, p, ticket_id):
    """A manual redeem with plenty of gas; returns (success, returnData) of its attempt."""
    receipt = s.sim.arb_retryable_tx.redeem(ticket_id, sender=p.outsider, gas=3_000_000)
    with s.chains.l2:
        (attempt,) = receipt.decode_logs(s.sim.arb_retryable_tx.unwrapped.RedeemAttempted)
    return attempt.success, bytes(attempt.returnData)


def selector(signature):
    return keccak(text=signature)[:4]


def test_an_expired_migration_comes_back_as_an_unbonding_lock(chains, system, people, deliver):
    s, p = system, people
    bm, token, escrow = s.l1.bonding_manager, s.l1.token, s.bridge.l1_escrow
    escrow_before = token.balanceOf(escrow.address)
    sent = starved_migration(s, p)
    m, amount = sent.migration, sent.migration.amount
    assert amount > 0 and token.balanceOf(escrow.address) == escrow_before + amount
    with chains.l1:
        from ape import chain

        sent_at = chain.provider.get_block(sent.receipt.block_number).timestamp
    assert m.deadline == sent_at + s.l1_migrator.MIGRATION_LIFETIME() == sent_at + 604_800
    assert s.l1_migrator.migrationHash(m.id) == keccak(m.encode())

    result = deliver(sent.receipt)
    assert result.status == DeliveryStatus.FAILED and sim_api.ticket_is_live(s.sim, result.ticket_id)
    # the ticket can be kept alive past the deadline: the deadline, not the ticket's lifetime, is what binds
    s.sim.arb_retryable_tx.keepalive(result.ticket_id, sender=p.outsider)
    with reverts(L2M.MigrationNotExpired, id=m.id, deadline=m.deadline):
        s.l2_migrator.expire(m.encode(), sender=p.outsider)

    l2_after(chains, m.deadline)
    supply = s.l2_token.totalSupply()
    success, data = redeem(s, p, result.ticket_id)
    assert not success and data[:4] == selector("MigrationDeadlinePassed(uint256,uint256)")
    assert sim_api.ticket_is_live(s.sim, result.ticket_id) and not s.l2_migrator.isMigrated(m.id)
    assert s.l2_token.totalSupply() == supply  # nothing minted

    expired = expire_migration(s, p.outsider, m)  # anyone
    assert s.l2_migrator.isExpired(keccak(m.encode()))
    with reverts(L2M.AlreadyExpired, id=m.id):
        s.l2_migrator.expire(m.encode(), sender=p.d3)
    success, data = redeem(s, p, result.ticket_id)  # finalize after expire fails
    assert not success and not s.l2_migrator.isMigrated(m.id)

    receipt = refund_expired_migration(s, p.outsider, expired)
    round_ = s.l1.rounds.currentRound()  # the refund's round (confirming the send root mined L1 blocks)
    with chains.l1:
        (event,) = receipt.decode_logs(s.l1_migrator.unwrapped.MigrationRefunded)
    assert (event.id, event.l1Delegator, event.amount, event.minted) == (m.id, p.d3.address, amount, 0)
    lock, withdraw_round = bm.getDelegatorUnbondingLock(p.d3.address, event.unbondingLockId)
    assert (lock, withdraw_round) == (amount, round_ + bm.unbondingPeriod())
    assert token.balanceOf(escrow.address) == escrow_before
    assert s.l1_migrator.migrationHash(m.id) == b"\x00" * 32 and s.l1_migrator.totalRefunded() == amount
    # a lock, not liquid LPT: the unbonding period still applies
    with reverts(
        project.BondingManager.UnbondingLockNotWithdrawable,
        unbondingLockId=event.unbondingLockId,
        withdrawRound=withdraw_round,
    ):
        bm.withdrawStake(event.unbondingLockId, sender=p.d3)

    # refunded once: the Outbox message is spent, the record is gone, and only the L2Migrator can send one
    with pytest.raises(MigrationError, match="refunded before"):
        refund_expired_migration(s, p.outsider, expired)
    with reverts(L1M.NotFromBridge, sender=p.outsider.address):
        s.l1_migrator.refundExpiredMigration(m.encode(), sender=p.outsider)

    # the lock is the delegator's like any other: it can bond it again (or migrate it again)
    bm.rebondFromUnbonded(p.o2.address, event.unbondingLockId, sender=p.d3)
    assert bm.getDelegator(p.d3.address).bondedAmount == amount


def test_expire_after_finalize_fails(chains, system, people, deliver):
    s, p = system, people
    sent = migrate(s, p.d3, l2_orchestrator=p.o2.address)
    assert deliver(sent.receipt).status == DeliveryStatus.REDEEMED
    l2_after(chains, sent.migration.deadline)
    with reverts(L2M.AlreadyMigrated, id=sent.migration.id):
        s.l2_migrator.expire(sent.migration.encode(), sender=p.outsider)


def test_a_forged_record_neither_blocks_nor_steals_a_migration(chains, system, people, deliver):
    """Mallory expires a record she made up with a real, pending migration id (deadline 0, her own address, a large
    amount): L2 lets it through (it cannot know the real record), but L1 refunds only the record it sent, and the
    real migration still finalizes on L2."""
    s, p = system, people
    sent = starved_migration(s, p)
    m = sent.migration
    result = deliver(sent.receipt)
    forged = Migration(m.id, m.kind, p.outsider.address, p.outsider.address, p.outsider.address, 10 * m.amount)
    expired = expire_migration(s, p.outsider, forged)
    with reverts(L1M.UnknownMigration, id=m.id):
        refund_expired_migration(s, p.outsider, expired)
    assert s.l1_migrator.migrationHash(m.id) == keccak(m.encode())
    success, _ = redeem(s, p, result.ticket_id)
    assert success and s.l2_migrator.isMigrated(m.id)
    d = s.l2_bonding_manager.getDelegator(p.d3.address)
    assert (d.delegateAddress, d.bondedAmount) == (p.o2.address, m.amount)


def test_a_refund_mints_what_the_escrow_lacks(chains, system, people, deliver):
    """The escrow pays withdrawals of L2 inflation first, so it can hold less than an expired migration put in:
    the refund mints the rest through the L1 Minter, as the gateway does for withdrawals. (The governor empties
    the escrow here to stand for those withdrawals.)"""
    s, p = system, people
    bm, token, escrow = s.l1.bonding_manager, s.l1.token, s.bridge.l1_escrow
    sent = starved_migration(s, p)
    m = sent.migration
    deliver(sent.receipt)
    escrow.setGateway(p.governor.address, sender=p.governor)
    escrow.release(p.governor.address, token.balanceOf(escrow.address) - m.amount // 3, sender=p.governor)
    escrow.setGateway(s.bridge.l1_gateway.address, sender=p.governor)
    l2_after(chains, m.deadline)
    supply = token.totalSupply()
    receipt = refund_expired_migration(s, p.outsider, expire_migration(s, p.outsider, m))
    with chains.l1:
        (event,) = receipt.decode_logs(s.l1_migrator.unwrapped.MigrationRefunded)
    assert event.minted == m.amount - m.amount // 3
    assert token.balanceOf(escrow.address) == 0
    assert token.totalSupply() == supply + event.minted
    assert bm.getDelegatorUnbondingLock(p.d3.address, event.unbondingLockId)[0] == m.amount
