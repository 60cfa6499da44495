"""Arbitrum (Nitro) messaging arithmetic, with no chain needed.

Everything here follows the published Nitro behaviour and is shared by the local
simulator (:mod:`ape_livepeer_migration.arbitrum.simulator`) and by code that talks to the
real bridge:

* L1 -> L2 address aliasing (:func:`apply_l1_to_l2_alias`, :func:`undo_l1_to_l2_alias`);
* retryable ticket pricing (:func:`submission_fee`, :func:`retryable_value_required`);
* decoding of the Inbox's ``InboxMessageDelivered`` retryable data
  (:func:`decode_retryable_data`, :func:`retryables_in_logs`) into a :class:`RetryableMessage`, and its ticket id
  (:func:`submit_retryable_id` on a real Arbitrum, :func:`simulator_ticket_id` locally);
* L2 -> L1 messages (:class:`L2ToL1Message`), their item hash (:func:`l2_to_l1_item_hash`)
  and the send Merkle tree whose proofs the Outbox verifies (:class:`SendMerkleTree`).
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from ape_livepeer_migration._eth import event_topic, hex_bytes, hex_text, rpc_int
from ape_livepeer_migration.exceptions import ArbitrumError, InputError

#: ArbOS precompiles: ArbSys sends L2 -> L1 messages, ArbRetryableTx holds retryable tickets,
#: NodeInterface answers queries a node computes (outbox proofs).
ARB_SYS_ADDRESS = "0x0000000000000000000000000000000000000064"
ARB_RETRYABLE_TX_ADDRESS = "0x000000000000000000000000000000000000006E"
NODE_INTERFACE_ADDRESS = "0x00000000000000000000000000000000000000C8"

#: Added (mod 2**160) to an L1 sender to get its L2 ``msg.sender``.
ALIAS_OFFSET = 0x1111000000000000000000000000000000001111
_ADDRESS_MOD = 1 << 160

#: Delayed-inbox message kind of a retryable ticket.
L1_MESSAGE_TYPE_SUBMIT_RETRYABLE = 9
#: Transaction type of the L2 transaction that ArbOS makes of a retryable's submission; its hash is the ticket id.
ARBITRUM_SUBMIT_RETRYABLE_TX_TYPE = 0x69
#: Lifetime of a retryable ticket on L2, in seconds (7 days).
RETRYABLE_LIFETIME_SECONDS = 604_800
#: Challenge period in L1 blocks of the public Arbitrum chains.
CONFIRM_PERIOD_BLOCKS_ARBITRUM_ONE = 45_818
CONFIRM_PERIOD_BLOCKS_ARBITRUM_SEPOLIA = 20

#: Published signatures of the events and functions the project relies on.
EVENT_SIGNATURES = {
    "MessageDelivered": "MessageDelivered(uint256,bytes32,address,uint8,address,bytes32,uint256,uint64)",
    "InboxMessageDelivered": "InboxMessageDelivered(uint256,bytes)",
    "BridgeCallTriggered": "BridgeCallTriggered(address,address,uint256,bytes)",
    "OutBoxTransactionExecuted": "OutBoxTransactionExecuted(address,address,uint256,uint256)",
    "L2ToL1Tx": "L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)",
    "TicketCreated": "TicketCreated(bytes32)",
    "RedeemScheduled": "RedeemScheduled(bytes32,bytes32,uint64,uint64,address,uint256,uint256)",
    "LifetimeExtended": "LifetimeExtended(bytes32,uint256)",
    "Canceled": "Canceled(bytes32)",
}


def _to_int(address: str) -> int:
    return int(str(address), 16)


def _to_address(value: int) -> str:
    return to_checksum_address(value.to_bytes(20, "big"))


def apply_l1_to_l2_alias(l1_address: str) -> str:
    """The L2 ``msg.sender`` of a retryable sent by ``l1_address`` (EOA or contract)."""
    return _to_address((_to_int(l1_address) + ALIAS_OFFSET) % _ADDRESS_MOD)


def undo_l1_to_l2_alias(l2_address: str) -> str:
    """The L1 address whose alias is ``l2_address``."""
    return _to_address((_to_int(l2_address) - ALIAS_OFFSET) % _ADDRESS_MOD)


def submission_fee(data_length: int, base_fee: int) -> int:
    """Inbox ``calculateRetryableSubmissionFee`` for an explicit, non-zero ``base_fee``.

    On a live chain, ask the Inbox: the formula may change with an upgrade.
    """
    return (1400 + 6 * data_length) * base_fee


def retryable_value_required(l2_call_value: int, max_submission_cost: int, gas_limit: int, max_fee_per_gas: int) -> int:
    """The least ``msg.value`` ``createRetryableTicket`` accepts."""
    return max_submission_cost + l2_call_value + gas_limit * max_fee_per_gas


# Retryable data: nine 32-byte words (to, l2CallValue, deposit, maxSubmissionCost,
# excessFeeRefundAddress, callValueRefundAddress, gasLimit, maxFeePerGas, data length),
# then the L2 calldata itself.
_RETRYABLE_HEAD_WORDS = 9


@dataclass(frozen=True)
class RetryableMessage:
    """One retryable ticket request, as recorded by the L1 Inbox and Bridge."""

    message_num: int
    l1_sender: str  # the unaliased L1 caller of the Inbox
    to: str
    l2_call_value: int
    deposit: int
    max_submission_cost: int
    excess_fee_refund_address: str
    call_value_refund_address: str
    gas_limit: int
    max_fee_per_gas: int
    data: bytes
    base_fee_l1: int
    l1_block: int
    l1_timestamp: int
    l1_tx_hash: str

    @property
    def request_id(self) -> bytes:
        """ArbOS's request id of the ticket: the message number as 32 bytes."""
        return self.message_num.to_bytes(32, "big")

    @property
    def l2_sender(self) -> str:
        """``msg.sender`` of the call on L2."""
        return apply_l1_to_l2_alias(self.l1_sender)


def decode_retryable_data(data: bytes) -> dict:
    """Fields of the ``data`` of a retryable's ``InboxMessageDelivered`` event.

    Raises ``ValueError`` on data that is not a well-formed retryable.
    """
    head = 32 * _RETRYABLE_HEAD_WORDS
    if len(data) < head:
        raise InputError(f"retryable data too short: {len(data)} bytes")
    words = [int.from_bytes(data[i : i + 32], "big") for i in range(0, head, 32)]
    payload = data[head:]
    if words[8] != len(payload):
        raise InputError(f"retryable data length word {words[8]} != {len(payload)} payload bytes")
    for position in (0, 4, 5):
        if words[position] >= _ADDRESS_MOD:
            raise InputError(f"word {position} of retryable data is not an address")
    return {
        "to": _to_address(words[0]),
        "l2_call_value": words[1],
        "deposit": words[2],
        "max_submission_cost": words[3],
        "excess_fee_refund_address": _to_address(words[4]),
        "call_value_refund_address": _to_address(words[5]),
        "gas_limit": words[6],
        "max_fee_per_gas": words[7],
        "data": bytes(payload),
    }


def retryables_in_logs(inbox: str, inbox_logs: list[dict], bridge_logs: list[dict]) -> list[RetryableMessage]:
    """The retryables that the raw JSON-RPC logs of an Inbox (``InboxMessageDelivered``) and its Bridge
    (``MessageDelivered``) record, by message number; a message needs both logs. Raises :class:`ArbitrumError` when
    the Inbox's data does not hash to the Bridge's."""
    delivered = {}
    for log in bridge_logs:
        if log["topics"][0] != hex_text(event_topic(EVENT_SIGNATURES["MessageDelivered"])):
            continue
        sender_inbox, kind, sender, data_hash, base_fee, timestamp = abi_decode(
            ["address", "uint8", "address", "bytes32", "uint256", "uint64"], hex_bytes(log["data"])
        )
        if kind == L1_MESSAGE_TYPE_SUBMIT_RETRYABLE and sender_inbox.lower() == inbox.lower():
            delivered[rpc_int(log["topics"][1])] = (sender, data_hash, base_fee, timestamp)
    messages = []
    for log in inbox_logs:
        if log["topics"][0] != hex_text(event_topic(EVENT_SIGNATURES["InboxMessageDelivered"])):
            continue
        message_num = rpc_int(log["topics"][1])
        if message_num not in delivered:
            continue
        sender, data_hash, base_fee, timestamp = delivered[message_num]
        (data,) = abi_decode(["bytes"], hex_bytes(log["data"]))
        if keccak(data) != data_hash:
            raise ArbitrumError(f"message {message_num}: Inbox data does not match the Bridge's hash")
        messages.append(
            RetryableMessage(
                message_num=message_num,
                l1_sender=undo_l1_to_l2_alias(sender),
                base_fee_l1=base_fee,
                l1_block=rpc_int(log["blockNumber"]),
                l1_timestamp=timestamp,
                l1_tx_hash=log["transactionHash"],
                **decode_retryable_data(data),
            )
        )
    return sorted(messages, key=lambda m: m.message_num)


def simulator_ticket_id(l2_chain_id: int, message_num: int) -> bytes:
    """The local simulator's ticket id of Inbox message ``message_num``: keccak256(abi.encode(L2 chain id, request
    id)) (a real Arbitrum's is :func:`submit_retryable_id`)."""
    return keccak(l2_chain_id.to_bytes(32, "big") + message_num.to_bytes(32, "big"))


def submit_retryable_id(l2_chain_id: int, message: RetryableMessage) -> bytes:
    """The ticket id of ``message`` on a real Arbitrum: the hash of the L2 transaction ArbOS makes of it, an
    ``ArbitrumSubmitRetryableTx`` (type :data:`ARBITRUM_SUBMIT_RETRYABLE_TX_TYPE`), whose RLP list holds the chain
    id, the request id, the sender's alias, the L1 base fee, the deposit, the max fee per gas, the gas limit, the
    target (empty when it is the zero address), the call value, the call-value refund address (the beneficiary), the
    max submission cost, the excess-fee refund address and the calldata, integers as minimal big-endian bytes."""
    import rlp

    def number(value: int) -> bytes:
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    fields = [
        number(l2_chain_id),
        message.request_id,
        hex_bytes(message.l2_sender),
        number(message.base_fee_l1),
        number(message.deposit),
        number(message.max_fee_per_gas),
        number(message.gas_limit),
        b"" if int(message.to, 16) == 0 else hex_bytes(message.to),
        number(message.l2_call_value),
        hex_bytes(message.call_value_refund_address),
        number(message.max_submission_cost),
        hex_bytes(message.excess_fee_refund_address),
        message.data,
    ]
    return keccak(bytes([ARBITRUM_SUBMIT_RETRYABLE_TX_TYPE]) + rlp.encode(fields))


def l2_to_l1_item_hash(
    caller: str,
    destination: str,
    arb_block_num: int,
    eth_block_num: int,
    timestamp: int,
    callvalue: int,
    data: bytes,
) -> bytes:
    """The item hash of an L2 -> L1 message (``hash`` in ``L2ToL1Tx``, Outbox ``calculateItemHash``)."""
    packed = (
        hex_bytes(str(caller))
        + hex_bytes(str(destination))
        + b"".join(v.to_bytes(32, "big") for v in (arb_block_num, eth_block_num, timestamp, callvalue))
        + bytes(data)
    )
    return keccak(packed)


@dataclass(frozen=True)
class L2ToL1Message:
    """One L2 -> L1 message, from ArbSys's ``L2ToL1Tx`` event."""

    caller: str
    destination: str
    item_hash: bytes
    position: int
    arb_block_num: int
    eth_block_num: int
    timestamp: int
    callvalue: int
    data: bytes
    l2_block: int
    l2_tx_hash: str

    @property
    def index(self) -> int:
        """Leaf index in the send Merkle tree (the Outbox's ``index``)."""
        return self.position

    @property
    def hashed_fields(self) -> tuple[str, str, int, int, int, int, bytes]:
        """The fields the item hash commits to, in the order of :func:`l2_to_l1_item_hash` and of
        ``Outbox.executeTransaction`` after its proof and index."""
        return (
            self.caller,
            self.destination,
            self.arb_block_num,
            self.eth_block_num,
            self.timestamp,
            self.callvalue,
            self.data,
        )

    def computed_item_hash(self) -> bytes:
        """The item hash recomputed from the fields (equals ``item_hash`` for a genuine log)."""
        return l2_to_l1_item_hash(*self.hashed_fields)

    def execute_args(self, proof: list[bytes]) -> tuple:
        """Arguments of ``Outbox.executeTransaction`` for this message and ``proof``."""
        return (list(proof), self.index, *self.hashed_fields)


def decode_l2_to_l1_log(topics: list[bytes], data: bytes, l2_block: int, l2_tx_hash: str) -> L2ToL1Message:
    """An :class:`L2ToL1Message` from the raw topics and data of an ``L2ToL1Tx`` log."""
    if topics[0] != event_topic(EVENT_SIGNATURES["L2ToL1Tx"]):
        raise InputError("not an L2ToL1Tx log")
    caller, arb_block, eth_block, timestamp, callvalue, payload = abi_decode(
        ["address", "uint256", "uint256", "uint256", "uint256", "bytes"], data
    )
    return L2ToL1Message(
        caller=to_checksum_address(caller),
        destination=to_checksum_address(topics[1][12:]),
        item_hash=bytes(topics[2]),
        position=int.from_bytes(topics[3], "big"),
        arb_block_num=arb_block,
        eth_block_num=eth_block,
        timestamp=timestamp,
        callvalue=callvalue,
        data=bytes(payload),
        l2_block=l2_block,
        l2_tx_hash=l2_tx_hash,
    )


_ZERO = bytes(32)


class SendMerkleTree:
    """Merkle tree over the first ``n`` L2 -> L1 messages, as the Outbox verifies it.

    A leaf is ``keccak256(item_hash)``; the leaves are padded with zero words to the next
    power of two; an inner node is ``keccak256(left ++ right)``. A proof lists the sibling of
    each level, leaf first, and bit ``i`` of the leaf index tells whether the node is the right
    child at level ``i`` (the Outbox's ``calculateMerkleRoot``). One leaf: the root is the leaf
    and the proof is empty.
    """

    def __init__(self, item_hashes: list[bytes]):
        if not item_hashes:
            raise InputError("a send tree needs at least one message")
        level = [keccak(bytes(h)) for h in item_hashes]
        depth = (len(level) - 1).bit_length()
        level += [_ZERO] * ((1 << depth) - len(level))
        self.size = len(item_hashes)
        self._levels = [level]
        while len(level) > 1:
            level = [keccak(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
            self._levels.append(level)

    @classmethod
    def of_messages(cls, messages: list[L2ToL1Message]) -> SendMerkleTree:
        """The tree over ``messages``, which must be positions 0..n-1 in order."""
        positions = [m.position for m in messages]
        if positions != list(range(len(messages))):
            raise InputError("a send tree covers positions 0..n-1, in order and without gaps")
        return cls([m.item_hash for m in messages])

    @property
    def root(self) -> bytes:
        return self._levels[-1][0]

    def proof(self, index: int) -> list[bytes]:
        """Sibling nodes of leaf ``index``, leaf level first."""
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} is outside a tree of {self.size}")
        return [level[(index >> depth) ^ 1] for depth, level in enumerate(self._levels[:-1])]


def merkle_root_from_proof(proof: list[bytes], index: int, item_hash: bytes) -> bytes:
    """The root the Outbox computes from ``proof``, ``index`` and an item hash."""
    node = keccak(bytes(item_hash))
    for depth, sibling in enumerate(proof):
        node = keccak(node + sibling) if (index >> depth) & 1 == 0 else keccak(sibling + node)
    return node
