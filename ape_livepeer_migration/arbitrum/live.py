"""Retryables and withdrawals on the real Arbitrum networks (no simulator, no relayer).

On Arbitrum One / Sepolia nobody relays L1 -> L2 messages: the chain creates the
ticket and auto-redeems it. What a user needs is (a) to know what became of a
ticket, (b) to redeem a failed one by hand, and (c) to finalize an L2 -> L1
message through the real Outbox once its send root is confirmed. This module
does exactly that with plain JSON-RPC calls, so it runs against any node:

* ``retryable_status(l2, ticket_id)``: receipts + ``RedeemScheduled`` /
  ``Canceled`` logs of ArbRetryableTx (0x6E) + ``getTimeout`` /
  ``getBeneficiary``;
* ``redeem_transaction(ticket_id)``: the ``redeem(bytes32)`` call to send;
* ``outbox_execution(l1, l2, outbox, l2_tx_hash)``: the latest confirmed send
  root from the Outbox's ``SendRootUpdated`` logs (asked from the head down, in
  ranges a public node accepts), its send count from the L2
  block header (Nitro keeps ``sendRoot`` in ``extraData`` and ``sendCount`` in
  the first 8 bytes of ``mixHash``), the proof from
  ``NodeInterface(0xC8).constructOutboxProof(size, leaf)``, and the
  ``executeTransaction`` calldata.

Every chain access goes through an :class:`~ape_livepeer_migration._eth.Rpc` (``request(method, params)``
returning the JSON-RPC result), so the exact calls can be checked offline.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_utils import to_checksum_address

from ape_livepeer_migration._eth import (
    LOG_BLOCK_RANGE,
    Rpc,
    event_topic,
    function_selector,
    hex_bytes,
    hex_text,
    rpc_int,
)
from ape_livepeer_migration.arbitrum.messages import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS, NODE_INTERFACE_ADDRESS
from ape_livepeer_migration.exceptions import (
    AlreadyExecuted,
    ArbitrumError,
    InputError,
    MessageNotFoundError,
    NotConfirmedYet,
    RpcError,
)

GET_TIMEOUT = "getTimeout(bytes32)"
GET_BENEFICIARY = "getBeneficiary(bytes32)"
REDEEM = "redeem(bytes32)"
CONSTRUCT_OUTBOX_PROOF = "constructOutboxProof(uint64,uint64)"
OUTBOX_IS_SPENT = "isSpent(uint256)"
EXECUTE_TRANSACTION = "executeTransaction(bytes32[],uint256,address,address,uint256,uint256,uint256,uint256,bytes)"
REDEEM_SCHEDULED = "RedeemScheduled(bytes32,bytes32,uint64,uint64,address,uint256,uint256)"
CANCELED = "Canceled(bytes32)"
SEND_ROOT_UPDATED = "SendRootUpdated(bytes32,bytes32)"
L2_TO_L1_TX = "L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)"


def _topic(signature: str) -> str:
    """Topic 0 of an event as the hex text JSON-RPC logs carry."""
    return hex_text(event_topic(signature))


def _bytes32(value: str | bytes) -> bytes:
    raw = hex_bytes(value)
    if len(raw) != 32:
        raise InputError(f"expected 32 bytes, got {len(raw)}")
    return raw


def _call(rpc: Rpc, to: str, data: bytes, block: str = "latest") -> bytes:
    return hex_bytes(rpc.request("eth_call", [{"to": to, "data": hex_text(data)}, block]))


# ---------------------------------------------------------------- retryables


class TicketState(str, enum.Enum):
    """What became of a retryable ticket on L2."""

    NOT_YET_CREATED = "not-yet-created"  # the L2 has not seen the submission yet
    CREATION_FAILED = "creation-failed"  # the submission itself failed (underfunded)
    REDEEMED = "redeemed"  # a redeem (auto or manual) succeeded
    REDEEMABLE = "redeemable"  # exists, every redeem so far failed; see ``timeout``
    CANCELED = "canceled"  # the beneficiary canceled it
    EXPIRED = "expired"  # gone without a successful redeem or a cancel


@dataclass(frozen=True)
class RetryableStatus:
    ticket_id: str
    state: TicketState
    redeem_tx_hashes: tuple[str, ...] = ()  # every scheduled redeem attempt, in order
    successful_redeem: str | None = None
    timeout: int | None = None  # unix time the ticket expires (REDEEMABLE only)
    beneficiary: str | None = None  # who may cancel it (REDEEMABLE only)


def _receipt(rpc: Rpc, tx_hash: str) -> dict[str, Any] | None:
    return rpc.request("eth_getTransactionReceipt", [tx_hash])


def _logs(
    rpc: Rpc, address: str, topics: list[Any], from_block: int | str, to_block: int | str = "latest"
) -> list[dict]:
    start, end = (hex(block) if isinstance(block, int) else block for block in (from_block, to_block))
    return rpc.request(
        "eth_getLogs",
        [{"address": address, "topics": topics, "fromBlock": start, "toBlock": end}],
    )


def retryable_status(l2: Rpc, ticket_id: str) -> RetryableStatus:
    """Status of a retryable ticket on a real Arbitrum L2.

    The ticket id is the hash of the L2 transaction that created the ticket.
    Redeem attempts are found through ``RedeemScheduled(ticketId, retryTxHash, ...)``
    logs of ArbRetryableTx from the creation block on; one successful retry
    receipt means REDEEMED. Otherwise ``getTimeout`` answers while the ticket
    exists (REDEEMABLE) and reverts once it is gone (CANCELED if a ``Canceled``
    log says so, else EXPIRED).
    """
    ticket = hex_text(_bytes32(ticket_id))
    creation = _receipt(l2, ticket)
    if creation is None:
        return RetryableStatus(ticket, TicketState.NOT_YET_CREATED)
    if rpc_int(creation["status"]) != 1:
        return RetryableStatus(ticket, TicketState.CREATION_FAILED)
    start = rpc_int(creation["blockNumber"])
    attempts = tuple(
        log["topics"][2] for log in _logs(l2, ARB_RETRYABLE_TX_ADDRESS, [_topic(REDEEM_SCHEDULED), ticket], start)
    )
    for attempt in attempts:
        receipt = _receipt(l2, attempt)
        if receipt is not None and rpc_int(receipt["status"]) == 1:
            return RetryableStatus(ticket, TicketState.REDEEMED, attempts, attempt)
    try:
        raw_timeout = _call(l2, ARB_RETRYABLE_TX_ADDRESS, function_selector(GET_TIMEOUT) + _bytes32(ticket))
        raw_beneficiary = _call(l2, ARB_RETRYABLE_TX_ADDRESS, function_selector(GET_BENEFICIARY) + _bytes32(ticket))
    except RpcError:
        canceled = _logs(l2, ARB_RETRYABLE_TX_ADDRESS, [_topic(CANCELED), ticket], start)
        state = TicketState.CANCELED if canceled else TicketState.EXPIRED
        return RetryableStatus(ticket, state, attempts)
    (timeout,) = decode(["uint256"], raw_timeout)
    (beneficiary,) = decode(["address"], raw_beneficiary)
    return RetryableStatus(
        ticket,
        TicketState.REDEEMABLE,
        attempts,
        timeout=timeout,
        beneficiary=to_checksum_address(beneficiary),
    )


def redeem_transaction(ticket_id: str) -> dict[str, str]:
    """The transaction (``to``, ``data``) that redeems a ticket by hand; anyone may send it."""
    return {"to": ARB_RETRYABLE_TX_ADDRESS, "data": hex_text(function_selector(REDEEM) + _bytes32(ticket_id))}


def send(sender: Any, tx: dict[str, str]) -> Any:
    """Sign and send a ``{"to", "data"}`` transaction from an Ape account on the active chain."""
    from ape import networks

    txn = networks.provider.network.ecosystem.create_transaction(
        receiver=tx["to"], data=tx["data"], value=0, sender=sender.address
    )
    return sender.call(txn)


# ---------------------------------------------------------------- L2 -> L1


@dataclass(frozen=True)
class L2ToL1Send:
    """One ``L2ToL1Tx`` event of ArbSys, the inputs of ``Outbox.executeTransaction``."""

    position: int
    caller: str
    destination: str
    arb_block: int
    eth_block: int
    timestamp: int
    callvalue: int
    data: bytes
    leaf_hash: int


def l2_to_l1_sends(l2: Rpc, l2_tx_hash: str) -> list[L2ToL1Send]:
    """Every ``L2ToL1Tx`` that an L2 transaction emitted, in log order."""
    receipt = _receipt(l2, l2_tx_hash)
    if receipt is None:
        raise MessageNotFoundError(f"no L2 receipt for {l2_tx_hash}")
    sends = []
    for log in receipt["logs"]:
        if log["address"].lower() != ARB_SYS_ADDRESS.lower() or log["topics"][0] != _topic(L2_TO_L1_TX):
            continue
        caller, arb_block, eth_block, timestamp, callvalue, data = decode(
            ["address", "uint256", "uint256", "uint256", "uint256", "bytes"],
            hex_bytes(log["data"]),
        )
        sends.append(
            L2ToL1Send(
                position=rpc_int(log["topics"][3]),
                caller=to_checksum_address(caller),
                destination=to_checksum_address("0x" + log["topics"][1][-40:]),
                arb_block=arb_block,
                eth_block=eth_block,
                timestamp=timestamp,
                callvalue=callvalue,
                data=data,
                leaf_hash=rpc_int(log["topics"][2]),
            )
        )
    return sends


@dataclass(frozen=True)
class ConfirmedRoot:
    send_root: str
    l2_block_hash: str
    send_count: int  # leaves covered by the root: positions 0 .. send_count - 1


def latest_confirmed_root(l1: Rpc, l2: Rpc, outbox: str, from_block: int) -> ConfirmedRoot | None:
    """The newest send root the Outbox learnt (``SendRootUpdated``) since ``from_block``.

    The logs are asked backwards from the L1 head in ranges of :data:`~ape_livepeer_migration._eth.LOG_BLOCK_RANGE`
    blocks (public nodes refuse wider ones) until a range holds one: the Outbox learns a root about every hour, so
    the first range usually does. Its send count is read from the L2 block it names: Nitro block headers carry
    ``sendRoot`` as ``extraData`` and ``sendCount`` as the first 8 bytes of ``mixHash``; the header's root must
    equal the Outbox's.
    """
    end = rpc_int(l1.request("eth_blockNumber", []))
    logs: list[dict] = []
    while not logs and end >= from_block:
        start = max(from_block, end - LOG_BLOCK_RANGE + 1)
        logs = _logs(l1, outbox, [_topic(SEND_ROOT_UPDATED)], start, end)
        end = start - 1
    if not logs:
        return None
    newest = logs[-1]
    send_root, l2_block_hash = newest["topics"][1], newest["topics"][2]
    block = l2.request("eth_getBlockByHash", [l2_block_hash, False])
    if block is None:
        raise MessageNotFoundError(f"L2 block {l2_block_hash} named by the Outbox is unknown to the L2 node")
    if _bytes32(block["extraData"]) != _bytes32(send_root):
        raise ArbitrumError(f"L2 block {l2_block_hash} carries another send root than the Outbox")
    send_count = int.from_bytes(_bytes32(block["mixHash"])[:8], "big")
    return ConfirmedRoot(send_root, l2_block_hash, send_count)


def construct_outbox_proof(l2: Rpc, size: int, leaf: int) -> tuple[bytes, bytes, list[bytes]]:
    """``NodeInterface.constructOutboxProof(size, leaf)`` -> (send hash, root, proof)."""
    call = function_selector(CONSTRUCT_OUTBOX_PROOF) + encode(["uint64", "uint64"], [size, leaf])
    raw = _call(l2, NODE_INTERFACE_ADDRESS, call)
    send, root, proof = decode(["bytes32", "bytes32", "bytes32[]"], raw)
    return send, root, list(proof)


def is_spent(l1: Rpc, outbox: str, position: int) -> bool:
    """Whether the Outbox already executed the message at ``position``."""
    (spent,) = decode(["bool"], _call(l1, outbox, function_selector(OUTBOX_IS_SPENT) + encode(["uint256"], [position])))
    return spent


def execute_transaction_calldata(proof: list[bytes], send: L2ToL1Send) -> bytes:
    """Calldata of ``Outbox.executeTransaction`` for one send (argument order as published)."""
    return function_selector(EXECUTE_TRANSACTION) + encode(
        ["bytes32[]", "uint256", "address", "address", "uint256", "uint256", "uint256", "uint256", "bytes"],
        [
            proof,
            send.position,
            send.caller,
            send.destination,
            send.arb_block,
            send.eth_block,
            send.timestamp,
            send.callvalue,
            send.data,
        ],
    )


def outbox_execution(
    l1: Rpc, l2: Rpc, outbox: str, l2_tx_hash: str, from_l1_block: int, index: int = 0
) -> dict[str, str]:
    """The L1 transaction (``to``, ``data``) that finalizes the ``index``-th send of an L2 tx.

    Raises :class:`NotConfirmedYet` while no confirmed root covers the send and
    :class:`AlreadyExecuted` once the Outbox spent it. The proof's root is
    checked against the confirmed root before anything is returned.
    """
    sends = l2_to_l1_sends(l2, l2_tx_hash)
    if index >= len(sends):
        raise MessageNotFoundError(f"{l2_tx_hash} emitted {len(sends)} L2->L1 sends; no index {index}")
    send = sends[index]
    if is_spent(l1, outbox, send.position):
        raise AlreadyExecuted(f"outbox position {send.position} is spent")
    confirmed = latest_confirmed_root(l1, l2, outbox, from_l1_block)
    if confirmed is None or confirmed.send_count <= send.position:
        raise NotConfirmedYet(f"outbox position {send.position} is not covered by a confirmed root yet")
    leaf, root, proof = construct_outbox_proof(l2, confirmed.send_count, send.position)
    if root != _bytes32(confirmed.send_root):
        raise ArbitrumError("NodeInterface returned a proof for another root than the confirmed one")
    if int.from_bytes(leaf, "big") != send.leaf_hash:
        raise ArbitrumError("NodeInterface returned a proof for another leaf than the send's")
    return {"to": to_checksum_address(outbox), "data": hex_text(execute_transaction_calldata(proof, send))}
