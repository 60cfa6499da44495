"""A migration whose L2 message expires unredeemed: its deadline, its expiry on L2 and its refund on L1 as an
unbonding lock, end to end on the local pair (L1 transaction, ticket, L2 -> L1 message through the Outbox)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ape import project
from eth_utils import keccak

from ape_livepeer_migration._eth import hex_bytes, hex_text
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
from ape_livepeer_migration.arbitrum.simulator import DeliveryStatus
from ape_livepeer_migration.bridge.codec import DelayedMessage, Migration
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.migration import (
    expire_migration,
    migrate,
    migration_gas_params,
    migration_message,
    planned_migration,
    refund_expired_migration,
)
from ape_livepeer_migration.bridge.transfers import bridge_in
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
    delayed = migration_message(s, hex_text(hex_bytes(sent.receipt.txn_hash)))
    assert s.l1_migrator.isSentIn(m.encode(), delayed.as_tuple()) and not s.l1_migrator.isRefunded(m.id)

    result = deliver(sent.receipt)
    assert result.status == DeliveryStatus.FAILED and sim_api.ticket_is_live(s.sim, result.ticket_id)
    # the ticket can be kept alive past the deadline: the deadline, not the ticket's lifetime, is what binds
    s.sim.arb_retryable_tx.keepalive(result.ticket_id, sender=p.outsider)
    with reverts(L2M.MigrationNotExpired, id=m.id, deadline=m.deadline):
        s.l2_migrator.expire(m.encode(), delayed.as_tuple(), sender=p.outsider)

    l2_after(chains, m.deadline)
    supply = s.l2_token.totalSupply()
    success, data = redeem(s, p, result.ticket_id)
    assert not success and data[:4] == selector("MigrationDeadlinePassed(uint256,uint256)")
    assert sim_api.ticket_is_live(s.sim, result.ticket_id) and not s.l2_migrator.isMigrated(m.id)
    assert s.l2_token.totalSupply() == supply  # nothing minted

    expired = expire_migration(s, p.outsider, sent)  # anyone
    assert expired.delayed_message == delayed
    assert s.l2_migrator.isExpired(s.l2_migrator.expiryHash(m.encode(), delayed.as_tuple()))
    with reverts(L2M.AlreadyExpired, id=m.id):
        s.l2_migrator.expire(m.encode(), delayed.as_tuple(), sender=p.d3)
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
    assert s.l1_migrator.isRefunded(m.id) and s.l1_migrator.totalRefunded() == amount
    # a lock, not liquid LPT: the unbonding period still applies
    with reverts(
        project.BondingManager.UnbondingLockNotWithdrawable,
        unbondingLockId=event.unbondingLockId,
        withdrawRound=withdraw_round,
    ):
        bm.withdrawStake(event.unbondingLockId, sender=p.d3)

    # refunded once: the Outbox message is spent, the id is marked refunded, and only the L2Migrator can send one
    with pytest.raises(MigrationError, match="refunded before"):
        refund_expired_migration(s, p.outsider, expired)
    with reverts(L1M.NotFromBridge, sender=p.outsider.address):
        s.l1_migrator.refundExpiredMigration(m.encode(), delayed.as_tuple(), sender=p.outsider)

    # the lock is the delegator's like any other: it can bond it again (or migrate it again)
    bm.rebondFromUnbonded(p.o2.address, event.unbondingLockId, sender=p.d3)
    assert bm.getDelegator(p.d3.address).bondedAmount == amount


def test_expire_after_finalize_fails(chains, system, people, deliver):
    s, p = system, people
    sent = migrate(s, p.d3, l2_orchestrator=p.o2.address)
    assert deliver(sent.receipt).status == DeliveryStatus.REDEEMED
    l2_after(chains, sent.migration.deadline)
    with reverts(L2M.AlreadyMigrated, id=sent.migration.id):
        expire_migration(s, p.outsider, sent)


def test_a_forged_record_neither_blocks_nor_steals_a_migration(chains, system, people, deliver):
    """Mallory expires a record she made up with a real, pending migration id (deadline 0, her own address, a large
    amount): L2 lets it through (it cannot know the real record), but L1 refunds only the record it sent, and the
    real migration still finalizes on L2."""
    s, p = system, people
    sent = starved_migration(s, p)
    m = sent.migration
    result = deliver(sent.receipt)
    forged = Migration(m.id, m.kind, p.outsider.address, p.outsider.address, p.outsider.address, 10 * m.amount)
    expired = expire_migration(s, p.outsider, replace(sent, migration=forged))
    with reverts(L1M.UnknownMigration, id=m.id):
        refund_expired_migration(s, p.outsider, expired)
    assert not s.l1_migrator.isRefunded(m.id)
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
    receipt = refund_expired_migration(s, p.outsider, expire_migration(s, p.outsider, sent))
    with chains.l1:
        (event,) = receipt.decode_logs(s.l1_migrator.unwrapped.MigrationRefunded)
    assert event.minted == m.amount - m.amount // 3
    assert token.balanceOf(escrow.address) == 0
    assert token.totalSupply() == supply + event.minted
    assert bm.getDelegatorUnbondingLock(p.d3.address, event.unbondingLockId)[0] == m.amount


def test_a_refund_recognises_only_the_delayed_message_that_carried_the_record(chains, system, people):
    """``L1Migrator.isSentIn``, which every refund checks, against what an attacker can bring: the record's own
    delayed message is recognised; the same record with any of its fields changed, with another message's number
    (message 0 and a number past the last message included), in a different message of the same sender (the
    L1Migrator's next migration), in a gateway deposit carrying the record as its call-hook data, or in a
    byte-identical retryable sent straight to the Inbox by another account, is not."""
    s, p = system, people
    sent = migrate(s, p.d3, l2_orchestrator=p.o2.address)
    record = sent.migration.encode()
    delayed = migration_message(s, hex_text(hex_bytes(sent.receipt.txn_hash)))
    assert s.l1_migrator.isSentIn(record, delayed.as_tuple())

    count = s.sim.bridge.delayedMessageCount()
    numbers = {0, 1, count, 2**256 - 1} - {delayed.message_num}
    changed = [replace(delayed, message_num=n) for n in sorted(numbers)] + [
        replace(delayed, block_number=delayed.block_number + 1),
        replace(delayed, timestamp=delayed.timestamp + 1),
        replace(delayed, base_fee_l1=delayed.base_fee_l1 + 1),
        replace(delayed, max_submission_cost=delayed.max_submission_cost + 1),
        replace(delayed, excess_fee_refund_address=apply_l1_to_l2_alias(delayed.excess_fee_refund_address)),
        replace(delayed, gas_limit=delayed.gas_limit + 1),
        replace(delayed, max_fee_per_gas=delayed.max_fee_per_gas + 1),
    ]
    for wrong in changed:
        assert not s.l1_migrator.isSentIn(record, wrong.as_tuple()), wrong
    forged = replace(sent.migration, l1_delegator=p.outsider.address).encode()
    assert not s.l1_migrator.isSentIn(forged, delayed.as_tuple())

    # the next migration of the same sender (the L1Migrator) is another message
    other = migrate(s, p.d1, l2_orchestrator=p.o1.address)
    other_delayed = migration_message(s, hex_text(hex_bytes(other.receipt.txn_hash)))
    assert s.l1_migrator.isSentIn(other.migration.encode(), other_delayed.as_tuple())
    assert not s.l1_migrator.isSentIn(record, other_delayed.as_tuple())

    # a deposit through the gateway with the record as its call-hook data is a message of another sender
    no_redeem = RetryableGasParams(max_submission_cost=0, gas_limit=600_000, gas_price_bid=10**7)
    deposit = bridge_in(s.bridge, p.d2, p.d2.address, 10**18, call_hook_data=record, gas=no_redeem).receipt
    (deposited,) = sim_api.fetch_retryables(s.sim, deposit.block_number, deposit.block_number)
    assert deposited.l1_sender == s.bridge.l1_gateway.address
    assert not s.l1_migrator.isSentIn(record, DelayedMessage.of(deposited).as_tuple())

    # the migration's exact retryable, sent by another account: the Bridge hashes that account's alias as sender
    (message,) = sim_api.fetch_retryables(s.sim, sent.receipt.block_number, sent.receipt.block_number)
    copy = s.sim.inbox.createRetryableTicket(
        message.to,
        message.l2_call_value,
        message.max_submission_cost,
        message.excess_fee_refund_address,
        s.bridge.l1_gateway.address,
        message.gas_limit,
        message.max_fee_per_gas,
        message.data,
        value=message.deposit,
        sender=p.outsider,
    )
    (copied,) = sim_api.fetch_retryables(s.sim, copy.block_number, copy.block_number)
    assert (copied.l1_sender, copied.data, copied.call_value_refund_address) == (
        p.outsider.address,
        message.data,
        message.call_value_refund_address,
    )
    assert not s.l1_migrator.isSentIn(record, DelayedMessage.of(copied).as_tuple())
