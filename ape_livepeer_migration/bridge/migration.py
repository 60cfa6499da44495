"""The user-facing stake migration: migrate (directly, by lock, by signature), claim a parked stake on L2, and
expire and refund a migration that never ran on L2.

::

    sent = migrate(system, alice)                         # ONE L1 transaction: stake -> escrow -> one retryable
    # a relayer (or the simulator primitives in tests) delivers the retryable: LPT minted and staked on L2

The migrate helpers estimate the retryable's gas themselves: they build the exact L2 call the L1Migrator's retryable
will make (:func:`finalize_migration_calldata`: ``L2Migrator.finalizeMigration`` with the migration record) and
estimate it from the L1Migrator's alias (:func:`ape_livepeer_migration.bridge.gas.retryable_gas_params`), then add
the most that changes of the L2 active set by others can add to it before the ticket is redeemed
(:func:`ape_livepeer_migration.bridge.gas.active_set_gas_bound`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from eth_abi import encode as abi_encode
from eth_account.messages import encode_typed_data

from ape_livepeer_migration._eth import function_selector, hex_bytes, hex_text
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import retryables_in_logs
from ape_livepeer_migration.bridge.codec import DelayedMessage, Kind, Migration
from ape_livepeer_migration.bridge.gas import RetryableGasParams, active_set_gas_bound, retryable_gas_params
from ape_livepeer_migration.exceptions import MigrationError

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI

    from ape_livepeer_migration.bridge.system import System

#: The migration id the L2 gas estimate of a migration runs with (:func:`migration_gas_params`). The L1Migrator
#: counts ids up from 1, so this one is never assigned and never finalized on L2; the L2 call costs the same for any
#: fresh id (its ``isMigrated`` slot goes from 0 to 1), except its calldata, which this id (all non-zero bytes)
#: makes slightly dearer: the estimate errs on the safe side.
ESTIMATE_MIGRATION_ID = 2**256 - 1
#: The deadline the L2 gas estimate runs with: the real one is set on L1 when the migration is mined (its L1
#: timestamp plus ``L1Migrator.MIGRATION_LIFETIME``, 7 days); this one is never past, and its all non-zero bytes err
#: on the safe side.
ESTIMATE_DEADLINE = 2**256 - 1


@dataclass(frozen=True)
class MigrationSent:
    """One migration as sent on L1."""

    receipt: ReceiptAPI
    migration: Migration  # the record the L2 message carries
    gas: RetryableGasParams

    @property
    def parked(self) -> bool:
        """Whether the LPT will wait on L2 for ``migration.l2_delegator`` to claim it (:func:`claim_migrated_stake`)
        instead of being staked on arrival."""
        return self.migration.parked


def planned_migration(
    system: System, l1_delegator: str, l2_delegator: str, l2_orchestrator: str, lock_ids: Sequence[int] = ()
) -> Migration:
    """The record the next migration of ``l1_delegator`` will carry (its stake, or the locks ``lock_ids``), from
    the current L1 state (read in batches: :meth:`ape_livepeer_migration.chains.pair.Chain.call_batch`). Its deadline is
    left 0: the L1Migrator sets it when the migration is mined."""
    bm, l1 = system.l1.bonding_manager, system.chains.l1
    if lock_ids:
        count, *locks = l1.call_batch(
            [(system.l1_migrator, "migrationCount", ())]
            + [(bm, "getDelegatorUnbondingLock", (l1_delegator, i)) for i in lock_ids]
        )
        amount = sum(lock[0] for lock in locks)
        return Migration(count + 1, Kind.UNBONDING_LOCKS, l1_delegator, l2_delegator, l2_orchestrator, amount)
    # one round trip for what does not depend on the round, a second one for the stake at the round
    count, round_, registered = l1.call_batch(
        [
            (system.l1_migrator, "migrationCount", ()),
            (system.l1.rounds, "currentRound", ()),
            (bm, "isRegisteredTranscoder", (l1_delegator,)),
        ]
    )
    next_id = count + 1
    terms_call = [(bm, "getTranscoder", (l1_delegator,))] if registered else []
    amount, *terms = l1.call_batch([(bm, "pendingStake", (l1_delegator, round_)), *terms_call])
    if registered:
        (t,) = terms
        return Migration(
            next_id, Kind.ORCHESTRATOR, l1_delegator, l2_delegator, l2_delegator, amount, t.rewardCut, t.feeShare
        )
    return Migration(next_id, Kind.DELEGATOR, l1_delegator, l2_delegator, l2_orchestrator, amount)


#: The L2 function a migration's retryable calls.
_FINALIZE_MIGRATION_SIGNATURE = "finalizeMigration(bytes)"


def finalize_migration_calldata(migration: Migration) -> bytes:
    """The L2 call the L1Migrator's retryable of ``migration`` makes: ``L2Migrator.finalizeMigration(record)``."""
    return function_selector(_FINALIZE_MIGRATION_SIGNATURE) + abi_encode(["bytes"], [migration.encode()])


def migration_gas_params(system: System, migration: Migration, **margins: Any) -> RetryableGasParams:
    """Retryable gas parameters for ``migration``: its L2 call (mint + stake) estimated from the L1Migrator's alias
    on today's L2 state, times the gas margin, plus :func:`active_set_gas_bound`. Whatever others do to the L2 active
    set between the estimate and the redeem (bonding 1 wei to join it, bonding between the orchestrator's old and new
    place), the auto-redeem has the gas for a full set walked end to end.

    The call is estimated with the migration id :data:`ESTIMATE_MIGRATION_ID` instead of the planned one: the id is
    assigned on L1 only when the migration is mined, and when other users migrate in between, the planned id goes to
    one of them and may already be finalized on L2, where ``L2Migrator`` refuses it (``AlreadyMigrated``)."""
    calldata = finalize_migration_calldata(replace(migration, id=ESTIMATE_MIGRATION_ID, deadline=ESTIMATE_DEADLINE))
    margins.setdefault("extra_gas", active_set_gas_bound(system))
    return retryable_gas_params(
        system.chains,
        system.bridge.inbox,
        str(system.l1_migrator.address),
        str(system.l2_migrator.address),
        calldata,
        **margins,
    )


def migrate(
    system: System,
    account: AccountAPI,
    l2_delegator: str | None = None,
    l2_orchestrator: str | None = None,
    *,
    gas: RetryableGasParams | None = None,
    **margins: Any,
) -> MigrationSent:
    """Migrate all of ``account``'s L1 stake in one L1 transaction (``L1Migrator.migrate``).

    ``l2_delegator`` defaults to ``account``'s own address, where the stake is staked as soon as the L2 message
    executes. Any other ``l2_delegator`` (say, an L2 address a contract wallet controls) is "parked until claimed":
    the LPT waits in the L2Migrator until that address calls ``claimStake`` in its own L2 transaction
    (:func:`claim_migrated_stake`), and ``l2_orchestrator`` is then only a suggestion (:attr:`MigrationSent.parked`).
    ``l2_orchestrator`` defaults to the L1 delegate (the account itself for an orchestrator); a delegator whose
    orchestrator has not migrated can name another one. ``gas`` overrides the estimated retryable parameters (see
    :func:`migration_gas_params`).
    """
    bm = system.l1.bonding_manager
    l2_delegator = str(l2_delegator or account.address)
    l2_orchestrator = str(l2_orchestrator or bm.getDelegator(account.address).delegateAddress)
    planned = planned_migration(system, account.address, l2_delegator, l2_orchestrator)
    gas = gas or migration_gas_params(system, planned, **margins)
    receipt = system.l1_migrator.migrate(
        l2_delegator,
        l2_orchestrator,
        gas.gas_limit,
        gas.gas_price_bid,
        gas.max_submission_cost,
        value=gas.value,
        sender=account,
    )
    return MigrationSent(receipt, _sent_record(system, receipt), gas)


def migrate_unbonding_locks(
    system: System,
    account: AccountAPI,
    lock_ids: Sequence[int],
    l2_orchestrator: str,
    l2_delegator: str | None = None,
    *,
    gas: RetryableGasParams | None = None,
    **margins: Any,
) -> MigrationSent:
    """Migrate ``account``'s unbonding locks ``lock_ids`` in one L1 transaction; they are staked with
    ``l2_orchestrator`` on L2 for ``l2_delegator`` (default: ``account``'s address; any other address gets them only
    by claiming them, as in :func:`migrate`)."""
    l2_delegator = str(l2_delegator or account.address)
    planned = planned_migration(system, account.address, l2_delegator, str(l2_orchestrator), list(lock_ids))
    gas = gas or migration_gas_params(system, planned, **margins)
    receipt = system.l1_migrator.migrateUnbondingLocks(
        list(lock_ids),
        l2_delegator,
        str(l2_orchestrator),
        gas.gas_limit,
        gas.gas_price_bid,
        gas.max_submission_cost,
        value=gas.value,
        sender=account,
    )
    return MigrationSent(receipt, _sent_record(system, receipt), gas)


@dataclass(frozen=True)
class SignedMigration:
    """``L1Migrator.SignedMigration``: what an L1 delegator signs so that a relayer can migrate its stake."""

    l1_delegator: str
    l2_delegator: str
    l2_orchestrator: str
    min_l2_gas_limit: int  # the relayer's retryable must have at least this gas limit
    min_l2_gas_price: int  # and at least this gas price bid
    deadline: int  # last valid L1 timestamp

    def as_tuple(self) -> tuple:
        return (
            self.l1_delegator,
            self.l2_delegator,
            self.l2_orchestrator,
            self.min_l2_gas_limit,
            self.min_l2_gas_price,
            self.deadline,
        )


def signed_migration_for(
    system: System, l1_delegator: str, l2_delegator: str, l2_orchestrator: str, deadline: int, **margins: Any
) -> SignedMigration:
    """A :class:`SignedMigration` whose gas minimums are today's estimate for it (see :func:`migration_gas_params`)."""
    planned = planned_migration(system, str(l1_delegator), str(l2_delegator), str(l2_orchestrator))
    gas = migration_gas_params(system, planned, **margins)
    return SignedMigration(
        str(l1_delegator), str(l2_delegator), str(l2_orchestrator), gas.gas_limit, gas.gas_price_bid, deadline
    )


def eip712_typed_data(
    domain_name: str,
    chain_id: int,
    verifying_contract: str,
    primary_type: str,
    fields: list[tuple[str, str]],
    message: dict[str, Any],
    version: str = "1",
) -> dict:
    """EIP-712 typed data (as ``encode_typed_data(full_message=...)`` takes it) of one ``primary_type`` struct with
    ``fields`` (``(name, type)`` in order) and values ``message``, for a contract whose domain has a name, a
    version, a chain id and its address (OpenZeppelin's ``EIP712``)."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            primary_type: [{"name": name, "type": type_} for name, type_ in fields],
        },
        "primaryType": primary_type,
        "domain": {
            "name": domain_name,
            "version": version,
            "chainId": chain_id,
            "verifyingContract": str(verifying_contract),
        },
        "message": message,
    }


def migration_typed_data(system: System, m: SignedMigration, nonce: int | None = None) -> dict:
    """The EIP-712 typed data that authorises ``migrateWithSignature(m)`` (the signer's next nonce unless given)."""
    migrator = system.l1_migrator
    if nonce is None:
        nonce = migrator.nonces(m.l1_delegator)
    return eip712_typed_data(
        "Livepeer L1Migrator",
        system.chains.l1.chain_id,
        migrator.address,
        "Migration",
        [
            ("l1Delegator", "address"),
            ("l2Delegator", "address"),
            ("l2Orchestrator", "address"),
            ("minL2GasLimit", "uint256"),
            ("minL2GasPrice", "uint256"),
            ("nonce", "uint256"),
            ("deadline", "uint256"),
        ],
        {
            "l1Delegator": m.l1_delegator,
            "l2Delegator": m.l2_delegator,
            "l2Orchestrator": m.l2_orchestrator,
            "minL2GasLimit": m.min_l2_gas_limit,
            "minL2GasPrice": m.min_l2_gas_price,
            "nonce": nonce,
            "deadline": m.deadline,
        },
    )


def sign_migration(system: System, signer: AccountAPI, m: SignedMigration) -> bytes:
    """``signer``'s EIP-712 signature (65 bytes, r || s || v) of ``m``: its own stake, or, as the owner key of a
    contract wallet ``m.l1_delegator``, the wallet's (checked by ERC-1271)."""
    sig = signer.sign_message(encode_typed_data(full_message=migration_typed_data(system, m)))
    return sig.encode_rsv()  # r and s padded to 32 bytes each (either may start with a zero byte)


def migrate_with_signature(
    system: System,
    relayer: AccountAPI,
    m: SignedMigration,
    signature: bytes,
    *,
    gas: RetryableGasParams | None = None,
    **margins: Any,
) -> MigrationSent:
    """Submit the signed migration ``m``; ``relayer`` pays the L1 transaction and the retryable. By default the gas
    parameters are estimated now and raised to the signed minimums where below them."""
    if gas is None:
        planned = planned_migration(system, m.l1_delegator, m.l2_delegator, m.l2_orchestrator)
        estimate = migration_gas_params(system, planned, **margins)
        gas = RetryableGasParams(
            estimate.max_submission_cost,
            max(estimate.gas_limit, m.min_l2_gas_limit),
            max(estimate.gas_price_bid, m.min_l2_gas_price),
        )
    receipt = system.l1_migrator.migrateWithSignature(
        m.as_tuple(),
        signature,
        gas.gas_limit,
        gas.gas_price_bid,
        gas.max_submission_cost,
        value=gas.value,
        sender=relayer,
    )
    return MigrationSent(receipt, _sent_record(system, receipt), gas)


def _sent_record(system: System, receipt: ReceiptAPI) -> Migration:
    """The migration record a receipt of the L1Migrator sent (from its MigrationInitiated event)."""
    with system.chains.l1:
        (e,) = receipt.decode_logs(system.l1_migrator.unwrapped.MigrationInitiated)
    return Migration(
        e.id,
        Kind(e.kind),
        e.l1Delegator,
        e.l2Delegator,
        e.l2Orchestrator,
        e.amount,
        e.rewardCut,
        e.feeShare,
        e.deadline,
    )


# ---------------------------------------------------------------------------- on L2: claims; expiry and refund


def claimable_stake(system: System, migration_id: int) -> tuple[str, str, int]:
    """``(l2_delegator, suggested_orchestrator, amount)`` of migration ``migration_id``'s LPT waiting in the
    L2Migrator for its L2 delegator (amount 0: nothing waits)."""
    p = system.l2_migrator.parked(migration_id)
    return str(p.l2Delegator), str(p.suggestedOrchestrator), int(p.amount)


def claim_migrated_stake(
    system: System, account: AccountAPI, migration_id: int, orchestrator: str | None = None
) -> ReceiptAPI:
    """Stake migration ``migration_id``'s parked LPT for ``account`` (its L2 delegator) with ``orchestrator``
    (default: the orchestrator the L1 delegator suggested), in ``account``'s own L2 transaction
    (``L2Migrator.claimStake``): exactly ``account``'s own ``bond(amount, orchestrator)``. Refuses, before sending,
    when nothing of that migration waits for ``account``."""
    delegator, suggested, amount = claimable_stake(system, migration_id)
    if amount == 0 or delegator.lower() != account.address.lower():
        raise MigrationError(f"migration {migration_id} has no stake waiting on L2 for {account.address}")
    return system.l2_migrator.claimStake(migration_id, str(orchestrator or suggested), sender=account)


@dataclass(frozen=True)
class ExpiredMigration:
    """A migration sent back to L1 by ``L2Migrator.expire``."""

    receipt: ReceiptAPI  # the L2 transaction
    migration: Migration
    delayed_message: DelayedMessage  # that carried the migration's retryable on L1
    l2_to_l1_position: int  # the message's position in ArbSys's send tree


def migration_message(system: System, l1_tx_hash: str) -> DelayedMessage:
    """The delayed message of the retryable that the migration sent in L1 transaction ``l1_tx_hash`` (one migration
    sends one): from the Inbox's ``InboxMessageDelivered`` and the Bridge's ``MessageDelivered`` of that
    transaction."""
    l1 = system.chains.l1
    inbox = system.bridge.inbox
    call = {"to": inbox, "data": hex_text(function_selector("bridge()"))}
    bridge = hex_text(hex_bytes(l1.request("eth_call", [call, "latest"]))[-20:])
    logs = l1.request("eth_getTransactionReceipt", [l1_tx_hash])["logs"]
    messages = retryables_in_logs(
        inbox,
        [log for log in logs if log["address"].lower() == inbox.lower()],
        [log for log in logs if log["address"].lower() == bridge.lower()],
    )
    migrator = str(system.l1_migrator.address).lower()
    sent = [m for m in messages if m.l1_sender.lower() == migrator]
    if len(sent) != 1:
        raise MigrationError(f"L1 transaction {l1_tx_hash} sent {len(sent)} L1Migrator retryables, not one migration")
    return DelayedMessage.of(sent[0])


def expire_migration(system: System, sender: AccountAPI, sent: MigrationSent) -> ExpiredMigration:
    """Send ``sent.migration`` (never finalized on L2 and past its deadline) back to L1 with the delayed message that
    carried its retryable (:func:`migration_message`) (``L2Migrator.expire``, one L2 transaction by ``sender``,
    anyone). Its refund then runs on L1 through the Outbox once the L2 -> L1 message's send root is confirmed
    (:func:`refund_expired_migration`)."""
    delayed = migration_message(system, hex_text(hex_bytes(sent.receipt.txn_hash)))
    receipt = system.l2_migrator.expire(sent.migration.encode(), delayed.as_tuple(), sender=sender)
    with system.chains.l2:
        (event,) = receipt.decode_logs(system.l2_migrator.unwrapped.MigrationExpired)
    return ExpiredMigration(receipt, sent.migration, delayed, int(event.l2ToL1Id))


def refund_expired_migration(system: System, sender: AccountAPI, expired: ExpiredMigration) -> ReceiptAPI:
    """Execute ``expired``'s L2 -> L1 message through the Outbox, as a withdrawal is finalized: the L1Migrator
    returns the migration's LPT from the escrow to its L1 delegator as a new unbonding lock (full unbonding period).
    On the local pair the send root is asserted and the challenge period waited out here (the relayer does the
    same); ``sender`` pays the L1 gas. Returns the L1 receipt."""
    sim = system.sim
    if sim is None:
        raise MigrationError(
            "refunding on a real Arbitrum: execute the L2 -> L1 message in Arbitrum's Outbox once its send root is "
            "confirmed (ape_livepeer_migration.arbitrum.live.outbox_execution)"
        )
    messages = sim_api.fetch_l2_to_l1(sim, sim.l2_deploy_block, system.chains.l2.block_number)
    covered = [m for m in messages if m.position <= expired.l2_to_l1_position]
    message = covered[-1]
    if (
        message.position != expired.l2_to_l1_position
        or message.caller.lower() != str(system.l2_migrator.address).lower()
    ):
        raise MigrationError(f"L2 -> L1 message {expired.l2_to_l1_position} is not the L2Migrator's expiry")
    if sim_api.is_executed(sim, message.index):
        raise MigrationError(f"migration {expired.migration.id} was refunded before")
    assertion = sim_api.assert_send_root(sim, messages)
    sim_api.mine_l1_until(sim, assertion.confirmable_at_block)
    result = sim_api.execute_l2_to_l1(sim, message, sim_api.proof_for(messages, message.index), sender=sender)
    with system.chains.l1:
        from ape import chain

        return chain.provider.get_receipt(result.l1_tx_hash)
