"""Signed migration (ECDSA and ERC-1271) and every attack from the audit lessons, shown to fail."""

from __future__ import annotations

import pytest
from ape import project
from ape.exceptions import ContractLogicError
from eth_abi import encode as abi_encode
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from shared import LPT, MAX_UINT

from ape_livepeer_migration.arbitrum.simulator import DeliveryStatus
from ape_livepeer_migration.bridge.codec import Kind, Migration
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.migration import (
    SignedMigration,
    claim_migrated_stake,
    finalize_migration_calldata,
    migrate,
    migrate_with_signature,
    migration_gas_params,
    migration_typed_data,
    planned_migration,
    sign_migration,
    signed_migration_for,
)
from ape_livepeer_migration.bridge.transfers import bridge_in
from ape_livepeer_migration.testing.reverts import reverts

from .conftest import ZERO

L1M = project.L1Migrator
FAR = 2**40  # a deadline far in the future


def l1_stake(s, who):
    return s.l1.bonding_manager.pendingStake(str(who), s.l1.rounds.currentRound())


def l2_delegation(s, who):
    d = s.l2_bonding_manager.getDelegator(str(who))
    return d.delegateAddress, d.bondedAmount


@pytest.fixture
def gas(system, people):
    """Gas parameters good for a migration of d3 to o2 (any small migration fits them)."""
    s, p = system, people
    return migration_gas_params(s, planned_migration(s, p.d3.address, p.d3.address, p.o2.address))


def call_migrate(s, sender, gas, l2_delegator, l2_orchestrator, value=None):
    return s.l1_migrator.migrate(
        l2_delegator,
        l2_orchestrator,
        gas.gas_limit,
        gas.gas_price_bid,
        gas.max_submission_cost,
        value=gas.value if value is None else value,
        sender=sender,
    )


def call_signed(s, relayer, gas, m, signature):
    return s.l1_migrator.migrateWithSignature(
        m.as_tuple(),
        signature,
        gas.gas_limit,
        gas.gas_price_bid,
        gas.max_submission_cost,
        value=gas.value,
        sender=relayer,
    )


def signed(l1, l2, orchestrator, gas, deadline=FAR):
    """A SignedMigration whose minimums are exactly ``gas``'s."""
    return SignedMigration(str(l1), str(l2), str(orchestrator), gas.gas_limit, gas.gas_price_bid, deadline)


# ---------------------------------------------------------------------------- signed migration


def test_typed_data_digest_matches_the_contract(chains, system, people):
    s, p = system, people
    m = SignedMigration(p.d3.address, p.d1.address, p.o2.address, 300_000, 10**8, 12345)
    signable = encode_typed_data(full_message=migration_typed_data(s, m, nonce=7))
    digest = keccak(b"\x19\x01" + signable.header + signable.body)
    assert digest == bytes(s.l1_migrator.migrationDigest(m.as_tuple(), 7))
    assert signable.header == bytes(s.l1_migrator.domainSeparator())
    other = SignedMigration(p.d3.address, p.d1.address, p.o2.address, 300_001, 10**8, 12345)
    assert bytes(s.l1_migrator.migrationDigest(other.as_tuple(), 7)) != digest


def test_relayer_submits_a_signed_migration_once(chains, system, people, deliver):
    s, p = system, people
    stake = l1_stake(s, p.d3)
    m = signed_migration_for(s, p.d3.address, p.d3.address, p.o2.address, FAR)
    sig = sign_migration(s, p.d3, m)
    d3_eth = chains.l1.provider.get_balance(p.d3.address)
    sent = migrate_with_signature(s, p.relayer, m, sig)
    assert chains.l1.provider.get_balance(p.d3.address) == d3_eth  # the relayer paid
    assert sent.migration.l1_delegator == p.d3.address and sent.migration.amount == stake
    assert s.l1_migrator.nonces(p.d3.address) == 1
    assert deliver(sent.receipt).status == DeliveryStatus.REDEEMED
    assert l2_delegation(s, p.d3) == (p.o2.address, stake)
    # the same signature again: its nonce is used
    with reverts(L1M.InvalidSignature, l1Delegator=p.d3.address):
        call_signed(s, p.relayer, sent.gas, m, sig)


@pytest.mark.parametrize("part", ["r", "s"])
def test_a_signature_whose_r_or_s_starts_with_a_zero_byte_is_65_bytes_and_valid(chains, system, people, gas, part):
    """About 1 signature in 128 has r (or s) below 2**248: the signature still carries all 32 bytes of it."""
    s, p = system, people
    start = 0 if part == "r" else 32
    for deadline in range(FAR, FAR + 2_000):
        m = signed(p.d3, p.d3, p.o2, gas, deadline=deadline)
        full = p.d3.sign_message(encode_typed_data(full_message=migration_typed_data(s, m))).encode_rsv()
        if full[start] == 0:
            break
    else:
        pytest.fail(f"no signature with a zero first byte of {part} in 2,000 deadlines")
    sig = sign_migration(s, p.d3, m)
    assert len(sig) == 65 and sig == full
    call_signed(s, p.relayer, gas, m, sig)
    assert s.l1_migrator.nonces(p.d3.address) == 1


def test_signature_checks(chains, system, people, gas):
    s, p = system, people
    m = signed(p.d3, p.d3, p.o2, gas)
    sig = sign_migration(s, p.d3, m)
    # anything else than what was signed: L2 address, orchestrator, gas minimums, deadline
    for changed in (
        signed(p.d3, p.outsider, p.o2, gas),
        signed(p.d3, p.d3, p.o1, gas),
        SignedMigration(m.l1_delegator, m.l2_delegator, m.l2_orchestrator, 0, m.min_l2_gas_price, FAR),
        SignedMigration(m.l1_delegator, m.l2_delegator, m.l2_orchestrator, m.min_l2_gas_limit, 0, FAR),
        signed(p.d3, p.d3, p.o2, gas, deadline=FAR + 1),
    ):
        with reverts(L1M.InvalidSignature, l1Delegator=p.d3.address):
            call_signed(s, p.relayer, gas, changed, sig)
    # someone else's key
    forged = sign_migration(s, p.outsider, signed(p.d3, p.outsider, p.o2, gas))
    with reverts(L1M.InvalidSignature, l1Delegator=p.d3.address):
        call_signed(s, p.relayer, gas, signed(p.d3, p.outsider, p.o2, gas), forged)
    # expired
    now = chains.l1.provider.get_block("latest").timestamp
    old = signed(p.d3, p.d3, p.o2, gas, deadline=now - 1)
    with reverts(L1M.SignatureExpired, deadline=now - 1):
        call_signed(s, p.relayer, gas, old, sign_migration(s, p.d3, old))
    assert s.l1_migrator.nonces(p.d3.address) == 0


def test_submitter_cannot_lower_the_signed_gas(chains, system, people, gas):
    """Whoever holds the signature (a relayer, a front-runner) must give the ticket at least the signed gas limit
    and price: a ticket that cannot auto-redeem would leave the stake waiting on L2."""
    s, p = system, people
    m = signed(p.d3, p.d3, p.o2, gas)
    sig = sign_migration(s, p.d3, m)
    for low in (
        RetryableGasParams(gas.max_submission_cost, gas.gas_limit - 1, gas.gas_price_bid),
        RetryableGasParams(gas.max_submission_cost, gas.gas_limit, gas.gas_price_bid - 1),
        RetryableGasParams(gas.max_submission_cost, 0, 0),
    ):
        with reverts(
            L1M.GasBelowSignedMinimum,
            maxGas=low.gas_limit,
            minL2GasLimit=gas.gas_limit,
            gasPriceBid=low.gas_price_bid,
            minL2GasPrice=gas.gas_price_bid,
        ):
            call_signed(s, p.outsider, low, m, sig)
    # more than the minimums is fine (the excess is refunded on L2 to the delegator)
    generous = RetryableGasParams(gas.max_submission_cost, gas.gas_limit + 1000, gas.gas_price_bid * 2)
    sent = migrate_with_signature(s, p.relayer, m, sig, gas=generous)
    assert sent.gas == generous and sent.migration.l1_delegator == p.d3.address


@pytest.mark.parametrize(
    "signature",
    [b"", b"\x00" * 65, b"\x00" * 64 + b"\x1b", b"\x01" * 64, b"\xff" * 66, b"\x00" * 32],
    ids=["empty", "zeros", "zero-rs-v27", "short", "long", "half"],
)
def test_empty_or_malformed_signature_never_authorises_address_zero(chains, system, people, gas, signature):
    s, p = system, people
    with reverts(L1M.InvalidSignature, l1Delegator=ZERO):
        call_signed(s, p.outsider, gas, signed(ZERO, p.outsider, p.o2, gas), signature)
    with reverts(L1M.InvalidSignature, l1Delegator=p.d3.address):
        call_signed(s, p.outsider, gas, signed(p.d3, p.outsider, p.o2, gas), signature)


def test_contract_wallet_migrates_with_erc1271(chains, system, people, deliver, gas):
    s, p = system, people
    bm, token = s.l1.bonding_manager, s.l1.token
    with chains.l1:
        wallet = project.TestMigrationWallet.deploy(p.d2, sender=p.d2)
        token.transfer(wallet.address, 70 * LPT, sender=p.d2)
        wallet.execute(token.address, token.approve.encode_input(bm.address, MAX_UINT), sender=p.d2)
        wallet.execute(bm.address, bm.bond.encode_input(70 * LPT, p.o2.address), sender=p.d2)
        with reverts(project.TestMigrationWallet.NotOwner, account=p.outsider.address):
            wallet.execute(bm.address, bm.unbond.encode_input(1), sender=p.outsider)
    l2_address = p.d2.address  # a contract wallet names an L2 address it controls
    m = signed_migration_for(s, wallet.address, l2_address, p.o2.address, FAR)
    # the wallet's owner key signs for it; another key does not
    with reverts(L1M.InvalidSignature, l1Delegator=wallet.address):
        call_signed(s, p.relayer, gas, m, sign_migration(s, p.outsider, m))
    sent = migrate_with_signature(s, p.relayer, m, sign_migration(s, p.d2, m))
    assert sent.migration == Migration(
        sent.migration.id,
        Kind.DELEGATOR,
        wallet.address,
        l2_address,
        p.o2.address,
        70 * LPT,
        deadline=sent.migration.deadline,
    )
    assert sent.parked  # not the wallet's own address: the L2 address claims it
    deliver(sent.receipt)
    assert l2_delegation(s, l2_address) == (ZERO, 0)
    claim_migrated_stake(s, p.d2, sent.migration.id)  # the suggested orchestrator by default
    assert l2_delegation(s, l2_address) == (p.o2.address, 70 * LPT)


# ---------------------------------------------------------------------------- attacks and guards


def test_only_the_callers_own_stake_moves(chains, system, people, gas):
    """There is no way to name another L1 delegator without its signature: the L2 address is bound to the L1
    account that authorised it."""
    s, p = system, people
    before = l1_stake(s, p.d1)
    with reverts(project.BondingManager.NothingToMigrate, delegator=p.relayer.address):
        call_migrate(s, p.relayer, gas, p.relayer.address, p.o1.address)
    with reverts(project.BondingManager.NotMigrator, account=p.outsider.address):
        s.l1.bonding_manager.migrateStake(p.d1.address, p.outsider.address, sender=p.outsider)
    with reverts(project.BondingManager.NotMigrator, account=p.outsider.address):
        s.l1.bonding_manager.migrateUnbondingLocks(p.d1.address, [0], p.outsider.address, sender=p.outsider)
    assert l1_stake(s, p.d1) == before


def test_wrong_msg_value_is_rejected(chains, system, people, gas):
    s, p = system, people
    assert gas.value > 0
    for value in (gas.value - 1, gas.value + 1, 0):
        with reverts(L1M.WrongValue, sent=value, required=gas.value):
            call_migrate(s, p.d3, gas, p.d3.address, p.o2.address, value=value)
        with reverts(L1M.WrongValue, sent=value, required=gas.value):
            s.l1_migrator.migrateUnbondingLocks(
                [0], p.d3, p.o2, gas.gas_limit, gas.gas_price_bid, gas.max_submission_cost, value=value, sender=p.d3
            )


def test_request_guards(chains, system, people, gas):
    s, p = system, people
    with reverts(L1M.ZeroAddress):
        call_migrate(s, p.d3, gas, ZERO, p.o2.address)
    with reverts(L1M.ZeroAddress):
        call_migrate(s, p.d3, gas, p.d3.address, ZERO)
    for l2_delegator, l2_orchestrator in ((p.o1, p.o2), (p.outsider, p.outsider), (p.outsider, p.o1)):
        with reverts(
            L1M.OrchestratorMustMigrateToItself,
            l1Delegator=p.o1.address,
            l2Delegator=l2_delegator.address,
            l2Orchestrator=l2_orchestrator.address,
        ):
            call_migrate(s, p.o1, gas, l2_delegator.address, l2_orchestrator.address)
    with reverts(project.BondingManager.NothingToMigrate, delegator=p.governor.address):
        call_migrate(s, p.governor, gas, p.governor.address, p.o2.address)


def test_nobody_can_make_another_address_an_orchestrator(chains, system, people, gas, deliver):
    """Forced self-delegation: Mallory cannot migrate her stake to d1's L2 address with d1 as its own orchestrator
    (d1 would become a registered orchestrator that cannot re-delegate); she can only self-delegate herself."""
    s, p = system, people
    with reverts(L1M.SelfDelegationOfAnotherAddress, l2Delegator=p.d1.address):
        call_migrate(s, p.outsider, gas, p.d1.address, p.d1.address)
    with reverts(L1M.SelfDelegationOfAnotherAddress, l2Delegator=p.d1.address):
        s.l1_migrator.migrateUnbondingLocks(
            [0],
            p.d1,
            p.d1,
            gas.gas_limit,
            gas.gas_price_bid,
            gas.max_submission_cost,
            value=gas.value,
            sender=p.outsider,
        )
    sent = migrate(s, p.outsider, l2_orchestrator=p.outsider.address)
    deliver(sent.receipt)
    assert l2_delegation(s, p.outsider) == (p.outsider.address, sent.migration.amount)
    assert l2_delegation(s, p.d1) == (ZERO, 0)


def test_migrator_setup_guards(chains, system, people, gas):
    s, p = system, people
    args = [p.governor.address, s.l1.bonding_manager.address, s.l1.token.address, s.bridge.l1_gateway.address]
    with chains.l1:
        for i in range(1, 4):
            bad = list(args)
            bad[i] = ZERO
            with reverts(L1M.ZeroAddress):
                L1M.deploy(*bad, sender=p.governor)
        fresh = L1M.deploy(*args, sender=p.governor)
        with reverts(L1M.L2MigratorNotSet):
            fresh.migrate(
                p.d3, p.o2, gas.gas_limit, gas.gas_price_bid, gas.max_submission_cost, value=gas.value, sender=p.d3
            )
        with reverts(L1M.OwnableUnauthorizedAccount, account=p.outsider.address):
            fresh.setL2Migrator(p.outsider, sender=p.outsider)
        with reverts(L1M.ZeroAddress):
            fresh.setL2Migrator(ZERO, sender=p.governor)
        tx = fresh.setL2Migrator(s.l2_migrator.address, sender=p.governor)
        assert [e.l2Migrator for e in tx.events if e.event_name == "L2MigratorSet"] == [s.l2_migrator.address]


def test_forged_migration_record_through_the_gateway_is_refused_on_l1_and_would_fail_on_l2(chains, system, people):
    """Mallory deposits 1 LPT straight to the L2Migrator with a record claiming 1 LPT of migrated stake: the L1
    gateway refuses the recipient (nothing reaches the L2Migrator through the gateway) before escrowing anything;
    and were such a message delivered, the L2Migrator has no deposit hook (the gateway's mint reverts with the
    call), and the gateway's alias cannot finalize a migration itself."""
    from ape import accounts as ape_accounts

    from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias

    s, p = system, people
    record = Migration(10**6, Kind.DELEGATOR, p.outsider.address, p.outsider.address, p.o2.address, LPT).encode()
    gas = RetryableGasParams(max_submission_cost=0, gas_limit=600_000, gas_price_bid=10**7)
    escrowed, balance = s.l1.token.balanceOf(s.bridge.l1_escrow.address), s.l1.token.balanceOf(p.outsider.address)
    for hook in (record, b""):
        with reverts(project.L1LPTGateway.RefusedRecipient, to=s.l2_migrator.address):
            bridge_in(s.bridge, p.outsider, str(s.l2_migrator.address), LPT, call_hook_data=hook, gas=gas)
    assert s.l1.token.balanceOf(s.bridge.l1_escrow.address) == escrowed
    assert s.l1.token.balanceOf(p.outsider.address) == balance

    supply = s.l2_token.totalSupply()
    with chains.l2:
        alias = ape_accounts[apply_l1_to_l2_alias(str(s.bridge.l1_gateway.address))]
        chains.l2.provider.set_balance(alias.address, 10**18)
    data = abi_encode(["bytes", "bytes"], [b"", record])
    with pytest.raises(ContractLogicError):  # the L2Migrator has no onLPTBridged: no custom error to expect
        s.bridge.l2_gateway.finalizeInboundTransfer(
            s.l1.token.address, p.outsider.address, s.l2_migrator.address, LPT, data, sender=alias
        )
    with reverts(project.L2Migrator.NotFromL1Counterpart, sender=alias.address):
        s.l2_migrator.finalizeMigration(record, sender=alias)
    assert s.l2_token.totalSupply() == supply
    assert l2_delegation(s, p.outsider) == (ZERO, 0)
    assert not s.l2_migrator.isMigrated(10**6)


def test_a_retryable_from_any_other_l1_sender_cannot_finalize_a_migration(chains, system, people, deliver):
    """Mallory sends the L1Migrator's kind of retryable herself (straight to the Inbox, to the L2Migrator, calling
    ``finalizeMigration`` with a record of 1,000 LPT for herself): on L2 the call comes from her alias, not the
    L1Migrator's, and is refused. The Inbox aliases every sender alike, so her address stands for any L1 address but
    the L1Migrator's (the L1 gateway's alias, a contract's, is refused in the test above). Nothing is minted and the
    id stays unused."""
    s, p = system, people
    record = Migration(10**6, Kind.DELEGATOR, p.outsider.address, p.outsider.address, p.o2.address, 1000 * LPT)
    calldata = finalize_migration_calldata(record)
    supply = s.l2_token.totalSupply()
    with chains.l1:
        receipt = s.sim.inbox.createRetryableTicket(
            s.l2_migrator.address,
            0,
            0,
            p.outsider.address,
            p.outsider.address,
            1_000_000,
            10**7,
            calldata,
            value=10**7 * 1_000_000,
            sender=p.outsider,
        )
    result = deliver(receipt)
    assert result.status != DeliveryStatus.REDEEMED
    assert s.l2_token.totalSupply() == supply
    assert not s.l2_migrator.isMigrated(10**6)
    assert l2_delegation(s, p.outsider) == (ZERO, 0)


def test_direct_hook_and_stake_for_calls_fail(chains, system, people):
    s, p = system, people
    record = Migration(1, Kind.DELEGATOR, p.d1.address, p.outsider.address, p.outsider.address, LPT).encode()
    with reverts(project.L2Migrator.NotFromL1Counterpart, sender=p.outsider.address):
        s.l2_migrator.finalizeMigration(record, sender=p.outsider)
    with reverts(project.L2BondingManager.NotMigrator, account=p.outsider.address):
        s.l2_bonding_manager.stakeFor(p.d1.address, p.outsider.address, LPT, sender=p.outsider)
    with reverts(project.L2BondingManager.NotMigrator, account=p.outsider.address):
        s.l2_bonding_manager.migrateTranscoder(p.outsider.address, LPT, 0, 0, sender=p.outsider)
    with reverts(project.L2BondingManager.NotMigrator, account=p.outsider.address):
        s.l2_bonding_manager.bondFor(p.d1.address, p.outsider.address, LPT, sender=p.outsider)
    # the refund side: only the L1Migrator creates refund locks or takes LPT out of the escrow
    with reverts(project.BondingManager.NotMigrator, account=p.outsider.address):
        s.l1.bonding_manager.refundMigratedStake(p.outsider.address, LPT, sender=p.outsider)
    with reverts(project.L1Escrow.NotReleaser, account=p.outsider.address):
        s.bridge.l1_escrow.release(p.outsider.address, LPT, sender=p.outsider)


def test_a_migration_finalizes_once(chains, system, people, deliver):
    s, p = system, people
    sent = migrate(s, p.d3, l2_orchestrator=p.o2.address)
    first = deliver(sent.receipt)
    stake = l2_delegation(s, p.d3)
    again = deliver(sent.receipt)
    assert (first.status, again.status) == (DeliveryStatus.REDEEMED, DeliveryStatus.REDEEMED)
    assert again.already_delivered and again.l2_tx_hash == first.l2_tx_hash
    assert l2_delegation(s, p.d3) == stake
    assert s.l2_migrator.migrationsFinalized() == 1
    # the ticket is gone: redeeming it by hand fails too
    with reverts(project.SimArbRetryableTx.NoTicketWithID):
        s.sim.arb_retryable_tx.redeem(first.ticket_id, sender=p.outsider, gas=2_000_000)
    # and the L1 side cannot send it again: the stake is gone
    with reverts(project.BondingManager.NothingToMigrate, delegator=p.d3.address):
        call_migrate(s, p.d3, sent.gas, p.d3.address, p.o2.address)
