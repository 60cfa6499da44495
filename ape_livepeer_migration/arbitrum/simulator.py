"""A local Arbitrum: the L1 bridge contracts on one anvil, ArbOS's precompiles on another.

:func:`deploy_simulator` deploys ``SimBridge``, ``SimInbox`` and ``SimOutbox`` on the L1 and
plants ``SimArbSys`` at 0x64 and ``SimArbRetryableTx`` at 0x6E on the L2. Contracts built on
the project's Arbitrum interfaces then run unchanged against it.

What the real chain does by itself is done here by an *operator* (the relayer's account), one
step at a time, through the primitives below. Each can be called again after a crash: it
first asks the chain whether its step already happened.

L1 -> L2:  :func:`fetch_retryables` -> :func:`deliver_retryable` (plants the alias forwarder,
           then submits the request to 0x6E with its deposit; ticket id, outcome, L2 tx).
L2 -> L1:  :func:`fetch_l2_to_l1` -> :func:`assert_send_root` -> wait until
           :func:`confirmable_at` (:func:`mine_l1_until`) -> :func:`execute_l2_to_l1`.

A process that restarts finds a running deployment again with :func:`attach_simulator`.

On a fork pair wired to a real Arbitrum, :func:`deploy_fork_delivery` deploys only the L2 half that
delivers retryables (at ordinary addresses: the fork cannot run ArbOS's precompiles), and the same
L1 -> L2 primitives read the tickets that the real Inbox and Bridge record on the L1 fork.

Faithful to Nitro: function selectors, events and errors of the interfaces; the Inbox's value
and submission-fee checks, its ``maxDataSize`` (117,964 bytes, ``DataTooLarge``), refund aliasing
and message packing; the Bridge's accumulator and
``activeOutbox``; the Outbox's item hash, proof checks, ``AlreadySpent`` and execution context;
ArbSys's ``L2ToL1Tx`` (hash and position); ticket lifetime, auto-redeem conditions (gas fee cap
at least the base fee, gas limit at least 21000, gas paid for), submission fee charged at the
L1 base fee, refunds to ``excessFeeRefundAddress``, excess deposit to the sender's alias,
beneficiary-only cancel, keepalive limits, ``msg.sender`` being the alias on L2.

Different, by design or for lack of an ArbOS:

* send roots are asserted by the operator and confirmed lazily: ``Outbox.roots(root)`` answers
  once ``confirmPeriodBlocks`` L1 blocks have passed (no rollup, no ``SendRootUpdated``);
* the send tree is a zero-padded power-of-two Merkle tree over all messages from position 0
  (Nitro proofs come from ``NodeInterface.constructOutboxProof``; the on-chain check is the same);
* ``ethBlockNum`` in ``L2ToL1Tx`` is the L2 block number (the local L2 has no L1 clock);
* ticket ids are ``keccak256(abi.encode(chainId, requestId))``, not a transaction hash; a retry
  runs inside the submitting or redeeming transaction, and ``retryTxHash`` is derived;
* a manual redeem must carry at least the ticket's gas limit (it may donate more);
* expired tickets are removed by ``reap(ticketId)`` (anyone), not by ArbOS itself;
* a request whose deposit cannot pay the submission fee and call value creates no ticket and
  credits the whole deposit to the sender's alias;
* the deposit is paid by the operator with the submitting transaction, not minted;
* a ticket's calldata is kept as contract code, paid in L2 gas by the operator's submission
  (``submissionGas`` bounds it for every length the Inbox accepts); ``RedeemAttempted`` carries at
  most 256 bytes of the retry's return data;
* ``gasLimit == 1`` / ``maxFeePerGas == 1`` (``RetryableData`` estimation trick) is not handled.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from ape_livepeer_migration.arbitrum.messages import (
    EVENT_SIGNATURES,
    L1_MESSAGE_TYPE_SUBMIT_RETRYABLE,
    L2ToL1Message,
    RetryableMessage,
    SendMerkleTree,
    apply_l1_to_l2_alias,
    decode_l2_to_l1_log,
    decode_retryable_data,
    event_topic,
    undo_l1_to_l2_alias,
)
from ape_livepeer_migration._eth import rpc_int
from ape_livepeer_migration.exceptions import (
    ArbitrumError,
    DeliveryTimeoutError,
    SimulatorPresentError,
    SubmissionError,
)

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.arbitrum.live import HttpRpc
    from ape_livepeer_migration.chains.pair import Chain, OnChain, TwoChains
    from ape_livepeer_migration.chains.networks import ArbitrumContracts

ARB_SYS_ADDRESS = to_checksum_address("0x" + "64".rjust(40, "0"))
ARB_RETRYABLE_TX_ADDRESS = to_checksum_address("0x" + "6e".rjust(40, "0"))
#: Local default challenge period, in L1 blocks (Arbitrum Sepolia's).
DEFAULT_CONFIRM_PERIOD_BLOCKS = 20

_RETRYABLE_SUBMITTED = event_topic("RetryableSubmitted(bytes32,bytes32,bool)")
_REDEEM_ATTEMPTED = event_topic("RedeemAttempted(bytes32,uint64,bool,bytes)")
_REQUEST_SUBMITTED_CALL = keccak(text="requestSubmitted(bytes32)")[:4]
_SUBMISSION_GAS_CALL = keccak(text="submissionGas(uint256,uint256)")[:4]
#: ``SimArbRetryableTx.submitRetryable(Request)`` and the ABI type of its ``Request``
_REQUEST_TYPE = "(bytes32,uint256,uint256,uint256,uint256,uint64,uint256,address,address,address,bytes,address)"
_SUBMIT_RETRYABLE_CALL = keccak(text=f"submitRetryable({_REQUEST_TYPE})")[:4]
#: How long :func:`submit_retryables` and :func:`settle_operator` wait for the L2 to mine, in seconds.
DEFAULT_MINING_TIMEOUT = 60.0


@dataclass(frozen=True)
class ArbitrumSimulator:
    """Addresses and bound instances of one deployed simulator.

    For a fork delivery (:func:`deploy_fork_delivery`) ``bridge``, ``inbox`` and ``outbox`` are the real Arbitrum's,
    ``arb_retryable_tx`` is at an ordinary address, and nothing runs at ``arb_sys``: only the L1 -> L2 functions apply.
    """

    chains: TwoChains
    operator: AccountAPI
    bridge: OnChain
    inbox: OnChain
    outbox: OnChain
    arb_sys: OnChain
    arb_retryable_tx: OnChain
    forwarder_code: bytes
    confirm_period_blocks: int
    l1_deploy_block: int
    l2_deploy_block: int
    #: L2 contract holding the code planted at L1 senders' aliases (for :func:`attach_simulator`)
    forwarder_template: str | None = None

    @property
    def addresses(self) -> dict[str, str | int]:
        """What :func:`attach_simulator` needs to find this deployment again (JSON-friendly)."""
        return {
            "bridge": str(self.bridge.address),
            "inbox": str(self.inbox.address),
            "outbox": str(self.outbox.address),
            "arb_sys": ARB_SYS_ADDRESS,
            "arb_retryable_tx": str(self.arb_retryable_tx.address),
            "forwarder_template": self.forwarder_template,
            "l1_deploy_block": self.l1_deploy_block,
            "l2_deploy_block": self.l2_deploy_block,
        }


class DeliveryStatus(enum.Enum):
    REDEEMED = "redeemed"  # auto-redeem succeeded: the L2 call happened
    FAILED = "failed"  # ticket created, auto-redeem failed or was not paid for: redeemable
    REJECTED = "rejected"  # deposit too small: no ticket, deposit credited to the alias


@dataclass(frozen=True)
class DeliveryResult:
    request_id: bytes
    ticket_id: bytes
    status: DeliveryStatus
    l2_tx_hash: str
    already_delivered: bool  # True when an earlier call delivered it


@dataclass(frozen=True)
class SendRootAssertion:
    root: bytes
    size: int
    l2_block_hash: bytes
    confirmable_at_block: int
    already_asserted: bool


@dataclass(frozen=True)
class ExecutionResult:
    index: int
    l1_tx_hash: str | None  # None when an earlier call executed it
    already_executed: bool


def fee_kwargs(chain: Chain) -> dict[str, int]:
    """Transaction fee arguments that cover the base fee of ``chain``'s next block.

    Ape prices from the latest block; after ``anvil_setNextBlockBaseFeePerGas`` (or a rising
    base fee) that is too low, and the node refuses the transaction.
    """
    pending = chain.provider.make_request("eth_getBlockByNumber", ["pending", False])
    base_fee = rpc_int(pending.get("baseFeePerGas") or 0)
    return {"max_fee": 2 * base_fee, "max_priority_fee": 0}


def _block_gas_limit(chain: Chain) -> int:
    return rpc_int(chain.provider.make_request("eth_getBlockByNumber", ["latest", False])["gasLimit"])


def _set_code(chain: Chain, address: str, code: bytes) -> None:
    chain.provider.make_request("anvil_setCode", [address, "0x" + code.hex()])


def _deployed(chain: Chain, container: Any, *args: Any, sender: AccountAPI) -> Any:
    with chain:
        return chain.bind(container.deploy(*args, sender=sender))


def _plant(chain: Chain, container: Any, address: str, *args: Any, sender: AccountAPI) -> tuple[Any, bytes]:
    """Deploy a template (so its constructor fills the immutables), copy its code to ``address``."""
    template = _deployed(chain, container, *args, sender=sender)
    code = chain.get_code(template.address)
    _set_code(chain, address, code)
    with chain:
        return chain.bind(container.at(address)), code


def deploy_simulator(
    chains: TwoChains,
    operator: AccountAPI,
    confirm_period_blocks: int = DEFAULT_CONFIRM_PERIOD_BLOCKS,
    network_fee_account: str | None = None,
) -> ArbitrumSimulator:
    """Deploy the L1 bridge contracts and plant the L2 precompiles.

    ``operator`` asserts send roots and submits retryables; L2 fees go to
    ``network_fee_account`` (default: the operator).

    Raises :class:`SimulatorPresentError`, sending nothing, when 0x64 or 0x6E already hold code (an earlier
    simulator): new code there would run on the earlier one's storage (request ids, L2-to-L1 positions, tickets),
    and that storage cannot be cleared (its mappings have no list of keys). Use :func:`attach_simulator` for the
    earlier one, or fresh chains.
    """
    from ape_livepeer_migration.contracts import contract

    l1, l2 = chains.l1, chains.l2
    taken = [address for address in (ARB_SYS_ADDRESS, ARB_RETRYABLE_TX_ADDRESS) if l2.get_code(address)]
    if taken:
        raise SimulatorPresentError(
            f"the L2 (chain {l2.chain_id}) already holds an Arbitrum simulator (code at {', '.join(taken)}): a second "
            "one would share its storage and its request ids would collide"
        )
    bridge = _deployed(l1, contract("SimBridge"), sender=operator)
    inbox = _deployed(l1, contract("SimInbox"), bridge.address, sender=operator)
    outbox = _deployed(l1, contract("SimOutbox"), bridge.address, operator, confirm_period_blocks, sender=operator)
    bridge.wire(inbox.address, outbox.address, sender=operator)

    arb_sys, _ = _plant(l2, contract("SimArbSys"), ARB_SYS_ADDRESS, sender=operator)
    forwarder, forwarder_code, retryable_tx = _retryable_tx(l2, operator, network_fee_account, ARB_RETRYABLE_TX_ADDRESS)
    return ArbitrumSimulator(
        chains=chains,
        operator=operator,
        bridge=bridge,
        inbox=inbox,
        outbox=outbox,
        arb_sys=arb_sys,
        arb_retryable_tx=retryable_tx,
        forwarder_template=str(forwarder.address),
        forwarder_code=forwarder_code,
        confirm_period_blocks=confirm_period_blocks,
        l1_deploy_block=l1.block_number,
        l2_deploy_block=l2.block_number,
    )


def _retryable_tx(
    l2: Chain, operator: AccountAPI, network_fee_account: str | None, address: str | None
) -> tuple[Any, bytes, Any]:
    """The forwarder template and a ``SimArbRetryableTx`` (run by ``operator``) that plants its code at aliases.

    The ``SimArbRetryableTx`` is planted at ``address``, or, when ``address`` is ``None``, deployed as an ordinary
    contract (by ``operator``'s nonce after the template's, the address the template is built for).
    """
    from ape_livepeer_migration.contracts import contract

    target = address or create_address(operator.address, l2.provider.get_nonce(operator.address) + 1)
    forwarder = _deployed(l2, contract("SimAliasForwarder"), target, sender=operator)
    forwarder_code = l2.get_code(forwarder.address)
    args = (operator, network_fee_account or operator.address, keccak(forwarder_code))
    if address is not None:
        retryable_tx, _ = _plant(l2, contract("SimArbRetryableTx"), address, *args, sender=operator)
    else:
        retryable_tx = _deployed(l2, contract("SimArbRetryableTx"), *args, sender=operator)
        if retryable_tx.address != target:
            raise ArbitrumError(f"ArbRetryableTx deployed at {retryable_tx.address}, its forwarder expects {target}: "
                               f"{operator.address} sent another L2 transaction in between")
    return forwarder, forwarder_code, retryable_tx


def create_address(sender: str, nonce: int) -> str:
    """The address of the contract that ``sender``'s transaction with ``nonce`` creates (CREATE)."""
    encoded_nonce = b"\x80" if nonce == 0 else _rlp_string(nonce.to_bytes((nonce.bit_length() + 7) // 8, "big"))
    body = _rlp_string(bytes.fromhex(sender[2:])) + encoded_nonce
    return to_checksum_address(keccak(bytes([0xC0 + len(body)]) + body)[12:])


def _rlp_string(data: bytes) -> bytes:
    """RLP of a byte string shorter than 56 bytes."""
    return data if len(data) == 1 and data[0] < 0x80 else bytes([0x80 + len(data)]) + data


def deploy_fork_delivery(chains: TwoChains, operator: AccountAPI, arbitrum: ArbitrumContracts) -> ArbitrumSimulator:
    """Delivery of L1 -> L2 retryables on a fork pair wired to a real Arbitrum (``arbitrum``: its contracts).

    An anvil fork of an Arbitrum chain cannot run ArbOS's precompiles (their addresses hold only the one-byte
    marker ArbOS gives them), so nothing would turn the tickets of the real Inbox on the L1 fork into L2 calls.
    This deploys the simulator's L2 half on the L2 fork, at ordinary addresses: a ``SimArbRetryableTx`` run by
    ``operator`` and the template of the forwarder it plants at L1 senders' aliases. :func:`fetch_retryables` reads
    the tickets from the real Inbox's and Bridge's events (the simulator's have the same shape) and
    :func:`deliver_retryable` / :func:`submit_retryables` deliver them, from the sender's alias, as on the local pair.
    Nothing is planted at 0x64 or 0x6E; no L2 -> L1 message can be sent from the fork (ArbSys does not run there).
    """
    forwarder, forwarder_code, retryable_tx = _retryable_tx(chains.l2, operator, None, None)
    # tickets sent on the L1 fork before this deployment are delivered too: the L1 scan starts at the fork
    return _fork_delivery(chains, operator, arbitrum, retryable_tx, str(forwarder.address), forwarder_code,
                          _fork_block(chains.l1) + 1, chains.l2.block_number)


def _fork_block(chain: Chain) -> int:
    """The upstream block an anvil fork started from."""
    fork = chain.provider.make_request("anvil_nodeInfo", []).get("forkConfig") or {}
    if fork.get("forkBlockNumber") is None:
        raise ArbitrumError(f"the {chain.layer.upper()} (chain {chain.chain_id}) is not an anvil fork")
    return int(fork["forkBlockNumber"])


def attach_fork_delivery(
    chains: TwoChains, operator: AccountAPI, arbitrum: ArbitrumContracts, addresses: dict
) -> ArbitrumSimulator:
    """The fork delivery deployed earlier at ``addresses`` (its :attr:`ArbitrumSimulator.addresses`).

    Raises ``ValueError`` when the L2 does not hold it or ``operator`` does not run it.
    """
    from ape_livepeer_migration.contracts import contract

    with chains.l2:
        retryable_tx = chains.l2.bind(contract("SimArbRetryableTx").at(addresses["arb_retryable_tx"]))
    template = addresses["forwarder_template"]
    forwarder_code = _checked_forwarder(chains.l2, retryable_tx, template)
    if retryable_tx.operator() != operator.address:
        raise ArbitrumError(f"{operator.address} is not the operator of this fork delivery")
    return _fork_delivery(chains, operator, arbitrum, retryable_tx, template, forwarder_code,
                          addresses["l1_deploy_block"], addresses["l2_deploy_block"])


def _checked_forwarder(l2: Chain, retryable_tx: Any, template: str) -> bytes:
    """The code of the forwarder ``template``; ``ValueError`` unless it is the one ``retryable_tx`` plants."""
    code = l2.get_code(template)
    if keccak(code) != bytes(retryable_tx.forwarderCodeHash()):
        raise ArbitrumError("the forwarder template does not match the ArbRetryableTx on L2")
    return code


def _fork_delivery(
    chains: TwoChains, operator: AccountAPI, arbitrum: ArbitrumContracts, retryable_tx: Any, template: str,
    forwarder_code: bytes, l1_deploy_block: int, l2_deploy_block: int,
) -> ArbitrumSimulator:
    """An :class:`ArbitrumSimulator` over ``arbitrum``'s L1 contracts and the fork delivery's L2 ones; the scans
    start at ``l1_deploy_block`` and ``l2_deploy_block``."""
    from ape_livepeer_migration.contracts import contract

    with chains.l1:
        bridge, inbox, outbox = (
            chains.l1.bind(container.at(address))
            for container, address in (
                (contract("IBridge"), arbitrum.bridge), (contract("IInbox"), arbitrum.inbox), (contract("IOutbox"), arbitrum.outbox)
            )
        )
    with chains.l2:
        arb_sys = chains.l2.bind(contract("IArbSys").at(ARB_SYS_ADDRESS))
    return ArbitrumSimulator(
        chains=chains,
        operator=operator,
        bridge=bridge,
        inbox=inbox,
        outbox=outbox,
        arb_sys=arb_sys,
        arb_retryable_tx=retryable_tx,
        forwarder_template=template,
        forwarder_code=forwarder_code,
        confirm_period_blocks=0,  # no send roots: nothing is sent from the L2 fork
        l1_deploy_block=l1_deploy_block,
        l2_deploy_block=l2_deploy_block,
    )


def attach_simulator(chains: TwoChains, operator: AccountAPI, addresses: dict) -> ArbitrumSimulator:
    """The simulator deployed earlier at ``addresses`` (from :attr:`ArbitrumSimulator.addresses`),
    e.g. for a relayer that restarts while the chains keep running.

    Raises ``ValueError`` when the chains do not hold that deployment.
    """
    from ape_livepeer_migration.contracts import contract

    l1, l2 = chains.l1, chains.l2
    with l1:
        bridge, inbox, outbox = (
            l1.bind(container.at(addresses[key]))
            for container, key in ((contract("SimBridge"), "bridge"), (contract("SimInbox"), "inbox"), (contract("SimOutbox"), "outbox"))
        )
    with l2:
        arb_sys = l2.bind(contract("SimArbSys").at(ARB_SYS_ADDRESS))
        retryable_tx = l2.bind(contract("SimArbRetryableTx").at(ARB_RETRYABLE_TX_ADDRESS))
    forwarder_code = _checked_forwarder(l2, retryable_tx, addresses["forwarder_template"])
    if bridge.inbox() != inbox.address or bridge.outbox() != outbox.address:
        raise ArbitrumError("the bridge is not wired to this inbox and outbox")
    if retryable_tx.operator() != operator.address or outbox.operator() != operator.address:
        raise ArbitrumError(f"{operator.address} is not the operator of this simulator")
    return ArbitrumSimulator(
        chains=chains,
        operator=operator,
        bridge=bridge,
        inbox=inbox,
        outbox=outbox,
        arb_sys=arb_sys,
        arb_retryable_tx=retryable_tx,
        forwarder_template=addresses["forwarder_template"],
        forwarder_code=forwarder_code,
        confirm_period_blocks=outbox.confirmPeriodBlocks(),
        l1_deploy_block=addresses["l1_deploy_block"],
        l2_deploy_block=addresses["l2_deploy_block"],
    )


# ---------------------------------------------------------------------------- raw log access


def _get_logs(chain: Chain, address: str, topics: list, from_block: int, to_block: int) -> list[dict]:
    return chain.provider.make_request(
        "eth_getLogs",
        [{"address": str(address), "topics": topics, "fromBlock": hex(from_block), "toBlock": hex(to_block)}],
    )


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value[2:] if value.startswith("0x") else value)
    return bytes(value)


def _topic_hex(topic: bytes) -> str:
    return "0x" + topic.hex()


# ---------------------------------------------------------------------------- L1 -> L2


def fetch_retryables(sim: ArbitrumSimulator, from_block: int, to_block: int) -> list[RetryableMessage]:
    """Retryable tickets created through the simulator's Inbox in L1 blocks [from, to]."""
    l1 = sim.chains.l1
    inbox_logs = _get_logs(
        l1, sim.inbox.address, [_topic_hex(event_topic(EVENT_SIGNATURES["InboxMessageDelivered"]))], from_block, to_block
    )
    bridge_logs = _get_logs(
        l1, sim.bridge.address, [_topic_hex(event_topic(EVENT_SIGNATURES["MessageDelivered"]))], from_block, to_block
    )
    delivered = {}
    for log in bridge_logs:
        inbox, kind, sender, data_hash, base_fee, timestamp = abi_decode(
            ["address", "uint8", "address", "bytes32", "uint256", "uint64"], _bytes(log["data"])
        )
        if kind == L1_MESSAGE_TYPE_SUBMIT_RETRYABLE and inbox.lower() == str(sim.inbox.address).lower():
            delivered[rpc_int(log["topics"][1])] = (sender, data_hash, base_fee, timestamp)

    messages = []
    for log in inbox_logs:
        message_num = rpc_int(log["topics"][1])
        if message_num not in delivered:
            continue
        sender, data_hash, base_fee, timestamp = delivered[message_num]
        (data,) = abi_decode(["bytes"], _bytes(log["data"]))
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


def ticket_id_of(sim: ArbitrumSimulator, message: RetryableMessage) -> bytes:
    """Deterministic L2 ticket id of ``message``: keccak256(abi.encode(l2ChainId, requestId))."""
    return keccak(sim.chains.l2.chain_id.to_bytes(32, "big") + message.request_id)


def is_delivered(sim: ArbitrumSimulator, message: RetryableMessage) -> bool:
    """Whether the L2 has already handled ``message`` (whatever the outcome)."""
    return bool(sim.arb_retryable_tx.requestSubmitted(message.request_id))


def ensure_alias_forwarder(sim: ArbitrumSimulator, l1_sender: str) -> str:
    """Plant the forwarder at ``l1_sender``'s L2 alias unless it is there; returns the alias."""
    alias = apply_l1_to_l2_alias(l1_sender)
    code = sim.chains.l2.get_code(alias)
    if code != sim.forwarder_code:
        if code:
            raise ArbitrumError(f"the alias {alias} of {l1_sender} holds other code on L2")
        _set_code(sim.chains.l2, alias, sim.forwarder_code)
    return alias


def _delivery_from_logs(logs: list[dict], message: RetryableMessage, already: bool) -> DeliveryResult:
    request_topic = _topic_hex(message.request_id)
    submitted = [
        log
        for log in logs
        if _bytes(log["topics"][0]) == _RETRYABLE_SUBMITTED and log["topics"][1].lower() == request_topic
    ]
    if len(submitted) != 1:
        raise ArbitrumError(f"expected one RetryableSubmitted for request {message.message_num}, saw {len(submitted)}")
    log = submitted[0]
    ticket_id = _bytes(log["topics"][2])
    (created,) = abi_decode(["bool"], _bytes(log["data"]))
    if not created:
        status = DeliveryStatus.REJECTED
    else:
        attempts = [
            abi_decode(["bool", "bytes"], _bytes(a["data"]))[0]
            for a in logs
            if _bytes(a["topics"][0]) == _REDEEM_ATTEMPTED
            and _bytes(a["topics"][1]) == ticket_id
            and a["transactionHash"] == log["transactionHash"]
        ]
        status = DeliveryStatus.REDEEMED if any(attempts) else DeliveryStatus.FAILED
    return DeliveryResult(message.request_id, ticket_id, status, log["transactionHash"], already)


def delivery_of(sim: ArbitrumSimulator, message: RetryableMessage) -> DeliveryResult:
    """The outcome of an earlier delivery of ``message``, read back from the L2's logs."""
    return _delivery_from_logs(_retryable_logs(sim), message, already=True)


def _retryable_logs(sim: ArbitrumSimulator) -> list[dict]:
    """Every submission and redeem attempt of the L2's ArbRetryableTx since the deployment."""
    l2 = sim.chains.l2
    return _get_logs(
        l2,
        sim.arb_retryable_tx.address,
        [[_topic_hex(_RETRYABLE_SUBMITTED), _topic_hex(_REDEEM_ATTEMPTED)]],
        sim.l2_deploy_block,
        l2.block_number,
    )


def _request(message: RetryableMessage) -> tuple:
    """``SimArbRetryableTx.Request`` of ``message``."""
    return (
        message.request_id,
        message.base_fee_l1,
        message.deposit,
        message.l2_call_value,
        message.max_fee_per_gas,
        message.gas_limit,
        message.max_submission_cost,
        message.excess_fee_refund_address,
        message.call_value_refund_address,
        message.to,
        message.data,
        message.l1_sender,
    )


def deliver_retryable(sim: ArbitrumSimulator, message: RetryableMessage) -> DeliveryResult:
    """Do on L2 what ArbOS does with an L1 retryable: exactly once per message.

    The operator funds the deposit (sent with the transaction). If ``message`` was delivered
    before, nothing is sent and the earlier outcome is returned.
    """
    if is_delivered(sim, message):
        return delivery_of(sim, message)
    ensure_alias_forwarder(sim, message.l1_sender)
    # a submission that cannot fit in a block is not auto-redeemed and needs much less gas
    gas = min(sim.arb_retryable_tx.submissionGas(message.gas_limit, len(message.data)), _block_gas_limit(sim.chains.l2))
    receipt = sim.arb_retryable_tx.submitRetryable(
        _request(message), value=message.deposit, sender=sim.operator, gas=gas, **fee_kwargs(sim.chains.l2)
    )
    raw = sim.chains.l2.provider.make_request("eth_getTransactionReceipt", [receipt.txn_hash])
    return _delivery_from_logs(raw["logs"], message, already=False)


def l2_rpc(sim: ArbitrumSimulator) -> HttpRpc:
    """A plain JSON-RPC client of the simulator's L2 node (batches, no Ape per-request work)."""
    from ape_livepeer_migration.arbitrum.live import HttpRpc

    return HttpRpc(sim.chains.l2.provider.uri)


def _answer(result: Any) -> Any:
    """A batch slot's result; an error answer is raised."""
    if isinstance(result, Exception):
        raise result
    return result


def _eth_call(to: str, data: bytes) -> tuple[str, list]:
    return "eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"]


def settle_operator(sim: ArbitrumSimulator, rpc: HttpRpc, timeout: float = DEFAULT_MINING_TIMEOUT) -> None:
    """Wait until no L2 transaction of the operator is pending (sent, not yet mined).

    After a crash between sending submissions and reading their receipts, some may still be
    on their way into a block: reading the chain before they land would take them for undelivered.
    Raises ``TimeoutError`` when the L2 does not mine them within ``timeout`` seconds.
    """
    operator = str(sim.operator.address)
    deadline = time.monotonic() + timeout
    while True:
        pending, mined = (
            rpc_int(_answer(count))
            for count in rpc.batch([("eth_getTransactionCount", [operator, tag]) for tag in ("pending", "latest")])
        )
        if pending == mined:
            return
        if time.monotonic() > deadline:
            raise DeliveryTimeoutError(f"{pending - mined} L2 transactions of the operator still pending after {timeout} s")
        time.sleep(0.005)


def deliveries_of(
    sim: ArbitrumSimulator,
    messages: Sequence[RetryableMessage],
    rpc: HttpRpc,
    timeout: float = DEFAULT_MINING_TIMEOUT,
) -> list[DeliveryResult | None]:
    """What the L2 did with each of ``messages`` (``None``: not handled yet), in few round trips.

    Waits first for the operator's pending transactions (:func:`settle_operator`), then asks
    ``requestSubmitted`` for every message in one JSON-RPC batch and reads the outcomes of the
    handled ones from one log query.
    """
    if not messages:
        return []
    settle_operator(sim, rpc, timeout)
    checks = rpc.batch([_eth_call(sim.arb_retryable_tx.address, _REQUEST_SUBMITTED_CALL + m.request_id) for m in messages])
    submitted = [bool(rpc_int(_answer(answer))) for answer in checks]
    if not any(submitted):
        return [None] * len(messages)
    logs = _retryable_logs(sim)
    return [_delivery_from_logs(logs, m, already=True) if done else None for m, done in zip(messages, submitted)]


def _plant_forwarders(sim: ArbitrumSimulator, rpc: HttpRpc, l1_senders: Sequence[str]) -> dict[str, Exception]:
    """:func:`ensure_alias_forwarder` for many senders in two round trips; the senders it could
    not serve (their alias holds other code), each with its error."""
    aliases = {sender: apply_l1_to_l2_alias(sender) for sender in dict.fromkeys(l1_senders)}
    codes = rpc.batch([("eth_getCode", [alias, "latest"]) for alias in aliases.values()])
    missing, refused = [], {}
    for (sender, alias), code in zip(aliases.items(), codes):
        code = _bytes(_answer(code))
        if not code:
            missing.append(alias)
        elif code != sim.forwarder_code:
            refused[sender] = RuntimeError(f"the alias {alias} of {sender} holds other code on L2")
    for answer in rpc.batch([("anvil_setCode", [alias, "0x" + sim.forwarder_code.hex()]) for alias in missing]):
        _answer(answer)
    return refused


def _signer(account: AccountAPI) -> Callable[[dict], str]:
    """Signs transaction dicts for ``account`` and returns them raw (hex).

    An account that holds its key in the clear (Ape's test accounts) signs with one
    ``eth_account`` key object (Ape re-derives the public key on every signature, which costs
    more than the signature); any other account signs through Ape.
    """
    key = getattr(account, "private_key", None)
    if key is not None:
        from eth_account import Account

        local = Account.from_key(key)
        return lambda txn: "0x" + local.sign_transaction(txn).raw_transaction.hex()
    ecosystem = account.provider.network.ecosystem

    def through_ape(txn: dict) -> str:
        signed = account.sign_transaction(ecosystem.create_transaction(**txn))
        if signed is None:
            raise SubmissionError(f"{account.address} did not sign the submission")
        return "0x" + signed.serialize_transaction().hex()

    return through_ape


def _receipts(rpc: HttpRpc, hashes: Sequence[str], timeout: float) -> list[dict]:
    """The receipts of ``hashes``, consecutive transactions of one sender, once all are mined.

    The last one is mined last (nonce order), so only it is polled (a busy node answers fewer
    polls faster); then the others are read in one batch.
    """
    found: dict[str, dict] = {}
    deadline = time.monotonic() + timeout
    while missing := [h for h in hashes if h not in found]:
        if rpc.request("eth_getTransactionReceipt", [missing[-1]]) is not None:
            for tx_hash, receipt in zip(missing, rpc.batch([("eth_getTransactionReceipt", [h]) for h in missing])):
                if _answer(receipt) is not None:
                    found[tx_hash] = receipt
        elif time.monotonic() > deadline:
            raise DeliveryTimeoutError(f"{len(missing)} submissions not mined after {timeout} s")
        else:
            time.sleep(0.005)
    return [found[h] for h in hashes]


def submit_retryables(
    sim: ArbitrumSimulator,
    messages: Sequence[RetryableMessage],
    rpc: HttpRpc,
    timeout: float = DEFAULT_MINING_TIMEOUT,
) -> list[DeliveryResult | Exception]:
    """Submit ``messages`` to L2 in order, pipelined, without asking whether they were delivered.

    :func:`deliver_retryable` for many messages in a few round trips in all: the forwarders,
    gas limits (``submissionGas``, capped at the block gas limit), fee and nonce are read in
    JSON-RPC batches; each submission is signed for the operator with an explicit nonce, gas
    limit and fee (no estimation). They are sent one block's worth (by gas limit) per batch,
    so that the node mines them together in one block, and each batch's receipts are read
    back together. Consecutive nonces keep the submissions in message order on L2.

    One entry per message: its :class:`DeliveryResult`, or the error that kept it from being
    delivered. When the node refuses a submission, that message and the rest carry the
    refusal, and the later ones the node accepted are dropped from its pool again (they would
    wait behind the nonce gap; a copy of one that stayed is refused by the chain, which
    delivers each request once). A mined
    submission that reverted carries a :class:`SubmissionError` (``AlreadySubmitted`` when an
    earlier submission delivered it: the caller asks the chain, e.g. :func:`deliveries_of`).
    """
    if not messages:
        return []
    l2 = sim.chains.l2
    operator = str(sim.operator.address)
    refused = _plant_forwarders(sim, rpc, [m.l1_sender for m in messages])
    shapes = list(dict.fromkeys((m.gas_limit, len(m.data)) for m in messages))
    latest, nonce, *gas_needed = (
        _answer(answer)
        for answer in rpc.batch([
            ("eth_getBlockByNumber", ["latest", False]),
            ("eth_getTransactionCount", [operator, "pending"]),
            *(
                _eth_call(sim.arb_retryable_tx.address, _SUBMISSION_GAS_CALL + abi_encode(["uint256", "uint256"], shape))
                for shape in shapes
            ),
        ])
    )
    block_gas = rpc_int(latest["gasLimit"])
    # a submission too big for a block gets the block's gas (and no auto-redeem)
    gas_of = {shape: min(rpc_int(gas), block_gas) for shape, gas in zip(shapes, gas_needed)}
    nonce = rpc_int(nonce)
    sign = _signer(sim.operator)

    results: list[DeliveryResult | Exception] = []
    stopped: Exception | None = None
    while stopped is None and len(results) < len(messages):
        # One block's worth at a time: anvil mines what its pool holds when a transaction
        # arrives, a block at a time, and leaves what did not fit pending until the next one.
        max_fee = 2 * rpc_int(rpc.request("eth_getBlockByNumber", ["pending", False]).get("baseFeePerGas") or 0)
        chunk: list[tuple[RetryableMessage, str]] = []
        room = block_gas
        for message in messages[len(results) :]:
            gas = gas_of[(message.gas_limit, len(message.data))]
            if message.l1_sender in refused:
                stopped = refused[message.l1_sender]
                break
            if chunk and gas > room:
                break
            room -= gas
            chunk.append((message, sign({
                "type": 2,
                "chainId": l2.chain_id,
                "nonce": nonce + len(results) + len(chunk),
                "to": str(sim.arb_retryable_tx.address),
                "data": _SUBMIT_RETRYABLE_CALL + abi_encode([_REQUEST_TYPE], [_request(message)]),
                "value": message.deposit,
                "gas": gas,
                "maxFeePerGas": max_fee,  # as fee_kwargs: twice the next block's base fee
                "maxPriorityFeePerGas": 0,
            })))
        sent: list[tuple[RetryableMessage, str]] = []
        answers = rpc.batch([("eth_sendRawTransaction", [tx]) for _, tx in chunk])
        for (message, _), answer in zip(chunk, answers):
            if isinstance(answer, Exception):
                stopped = SubmissionError(f"submission of message {message.message_num} refused: {answer}")
                break
            sent.append((message, answer))
        if stopped is not None:
            _drop_behind_gap(rpc, [a for a in answers[len(sent) + 1 :] if not isinstance(a, Exception)])
        for (message, tx_hash), receipt in zip(sent, _receipts(rpc, [h for _, h in sent], timeout)):
            if rpc_int(receipt["status"]) == 1:
                results.append(_delivery_from_logs(receipt["logs"], message, already=False))
            else:
                gas = gas_of[(message.gas_limit, len(message.data))]
                results.append(SubmissionError(
                    f"submission {tx_hash} of message {message.message_num} reverted "
                    f"(gas used {rpc_int(receipt['gasUsed'])} of {gas})"
                ))
    return results + [stopped] * (len(messages) - len(results))


def _drop_behind_gap(rpc: HttpRpc, hashes: Sequence[str]) -> None:
    """Take out of the L2 node's pool the submissions sent after a refused one: they wait behind
    its nonce and would be mined as soon as any later transaction of the operator fills it, in
    place of the submissions the relayer then sends for other messages. A node without
    ``anvil_dropTransaction`` leaves them; the simulator refuses the duplicates they become."""
    if hashes:
        rpc.batch([("anvil_dropTransaction", [tx_hash]) for tx_hash in hashes])


def ticket_is_live(sim: ArbitrumSimulator, ticket_id: bytes) -> bool:
    """Whether the ticket still waits for a redeem (not redeemed, canceled or expired)."""
    return bool(sim.arb_retryable_tx.isLive(ticket_id))


# ---------------------------------------------------------------------------- L2 -> L1


def fetch_l2_to_l1(sim: ArbitrumSimulator, from_block: int, to_block: int) -> list[L2ToL1Message]:
    """L2 -> L1 messages sent through ArbSys in L2 blocks [from, to], by position."""
    logs = _get_logs(
        sim.chains.l2, ARB_SYS_ADDRESS, [_topic_hex(event_topic(EVENT_SIGNATURES["L2ToL1Tx"]))], from_block, to_block
    )
    messages = [
        decode_l2_to_l1_log(
            [_bytes(t) for t in log["topics"]], _bytes(log["data"]), rpc_int(log["blockNumber"]), log["transactionHash"]
        )
        for log in logs
    ]
    return sorted(messages, key=lambda m: m.position)


def assert_send_root(sim: ArbitrumSimulator, messages: list[L2ToL1Message]) -> SendRootAssertion:
    """Assert on L1 the root over ``messages`` (positions 0..n-1); a no-op if asserted before."""
    tree = SendMerkleTree.of_messages(messages)
    block_hash, size, confirmable = sim.outbox.assertionOf(tree.root)
    if confirmable:
        return SendRootAssertion(tree.root, size, _bytes(block_hash), confirmable, already_asserted=True)
    with sim.chains.l2:
        from ape import chain

        l2_block_hash = _bytes(chain.provider.get_block(messages[-1].l2_block).hash)
    sim.outbox.assertSendRoot(tree.root, l2_block_hash, tree.size, sender=sim.operator, **fee_kwargs(sim.chains.l1))
    _, _, confirmable = sim.outbox.assertionOf(tree.root)
    return SendRootAssertion(tree.root, tree.size, l2_block_hash, confirmable, already_asserted=False)


def confirmable_at(sim: ArbitrumSimulator, root: bytes) -> int | None:
    """First L1 block at which ``root`` is confirmed, or None if it was never asserted."""
    _, _, confirmable = sim.outbox.assertionOf(root)
    return confirmable or None


def is_confirmed(sim: ArbitrumSimulator, root: bytes) -> bool:
    """Whether the Outbox accepts proofs against ``root`` now."""
    return _bytes(sim.outbox.roots(root)) != bytes(32)


def mine_l1(sim: ArbitrumSimulator, blocks: int) -> None:
    """Fast-forward the L1 by ``blocks`` empty blocks."""
    sim.chains.l1.mine(blocks)


def mine_l1_until(sim: ArbitrumSimulator, block_number: int) -> None:
    """Mine L1 blocks until the chain's head is at least ``block_number``."""
    missing = block_number - sim.chains.l1.block_number
    if missing > 0:
        mine_l1(sim, missing)


def is_executed(sim: ArbitrumSimulator, index: int) -> bool:
    """Whether the L2 -> L1 message at ``index`` was executed on L1."""
    return bool(sim.outbox.isSpent(index))


def proof_for(messages: list[L2ToL1Message], index: int) -> list[bytes]:
    """Outbox proof of message ``index`` in the tree over ``messages`` (positions 0..n-1)."""
    return SendMerkleTree.of_messages(messages).proof(index)


def execute_l2_to_l1(
    sim: ArbitrumSimulator, message: L2ToL1Message, proof: list[bytes], sender: AccountAPI | None = None
) -> ExecutionResult:
    """Execute ``message`` through the Outbox (by ``sender``, default the operator); a no-op when
    it was executed before. Reverts of the L1 call propagate (the message stays executable).
    """
    if is_executed(sim, message.index):
        return ExecutionResult(message.index, None, already_executed=True)
    receipt = sim.outbox.executeTransaction(
        *message.execute_args(proof), sender=sender or sim.operator, **fee_kwargs(sim.chains.l1)
    )
    return ExecutionResult(message.index, receipt.txn_hash, already_executed=False)
