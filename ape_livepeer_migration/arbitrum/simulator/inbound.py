"""L1 -> L2: what ArbOS does with the retryables of the L1 Inbox, done by the simulator's operator."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode

from ape_livepeer_migration._eth import (
    HttpRpc,
    event_topic,
    function_selector,
    hex_bytes,
    hex_text,
    pending_base_fee,
    rpc_int,
)
from ape_livepeer_migration.arbitrum.messages import (
    EVENT_SIGNATURES,
    RetryableMessage,
    apply_l1_to_l2_alias,
    retryables_in_logs,
    simulator_ticket_id,
)
from ape_livepeer_migration.arbitrum.simulator.deploy import ArbitrumSimulator, fee_kwargs, get_logs, set_code
from ape_livepeer_migration.exceptions import ArbitrumError, DeliveryTimeoutError, SubmissionError

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.chains.pair import Chain

_RETRYABLE_SUBMITTED = event_topic("RetryableSubmitted(bytes32,bytes32,bool)")
_REDEEM_ATTEMPTED = event_topic("RedeemAttempted(bytes32,uint64,bool,bytes)")
_REQUEST_SUBMITTED_CALL = function_selector("requestSubmitted(bytes32)")
_SUBMISSION_GAS_CALL = function_selector("submissionGas(uint256,uint256)")
#: ``SimArbRetryableTx.submitRetryable(Request)`` and the ABI type of its ``Request``
_REQUEST_TYPE = "(bytes32,uint256,uint256,uint256,uint256,uint64,uint256,address,address,address,bytes,address)"
_SUBMIT_RETRYABLE_CALL = function_selector(f"submitRetryable({_REQUEST_TYPE})")
#: How long :func:`submit_retryables` and :func:`settle_operator` wait for the L2 to mine, in seconds.
DEFAULT_MINING_TIMEOUT = 60.0


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


def _block_gas_limit(chain: Chain) -> int:
    return rpc_int(chain.provider.make_request("eth_getBlockByNumber", ["latest", False])["gasLimit"])


def fetch_retryables(sim: ArbitrumSimulator, from_block: int, to_block: int) -> list[RetryableMessage]:
    """Retryable tickets created through the simulator's Inbox in L1 blocks [from, to]."""
    l1 = sim.chains.l1
    inbox_logs = get_logs(
        l1, sim.inbox.address, [hex_text(event_topic(EVENT_SIGNATURES["InboxMessageDelivered"]))], from_block, to_block
    )
    bridge_logs = get_logs(
        l1, sim.bridge.address, [hex_text(event_topic(EVENT_SIGNATURES["MessageDelivered"]))], from_block, to_block
    )
    return retryables_in_logs(str(sim.inbox.address), inbox_logs, bridge_logs)


def ticket_id_of(sim: ArbitrumSimulator, message: RetryableMessage) -> bytes:
    """Deterministic L2 ticket id of ``message``: keccak256(abi.encode(l2ChainId, requestId))."""
    return simulator_ticket_id(sim.chains.l2.chain_id, message.message_num)


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
        set_code(sim.chains.l2, alias, sim.forwarder_code)
    return alias


def _delivery_from_logs(logs: list[dict], message: RetryableMessage, already: bool) -> DeliveryResult:
    request_topic = hex_text(message.request_id)
    submitted = [
        log
        for log in logs
        if hex_bytes(log["topics"][0]) == _RETRYABLE_SUBMITTED and log["topics"][1].lower() == request_topic
    ]
    if len(submitted) != 1:
        raise ArbitrumError(f"expected one RetryableSubmitted for request {message.message_num}, saw {len(submitted)}")
    log = submitted[0]
    ticket_id = hex_bytes(log["topics"][2])
    (created,) = abi_decode(["bool"], hex_bytes(log["data"]))
    if not created:
        status = DeliveryStatus.REJECTED
    else:
        attempts = [
            abi_decode(["bool", "bytes"], hex_bytes(a["data"]))[0]
            for a in logs
            if hex_bytes(a["topics"][0]) == _REDEEM_ATTEMPTED
            and hex_bytes(a["topics"][1]) == ticket_id
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
    return get_logs(
        l2,
        sim.arb_retryable_tx.address,
        [[hex_text(_RETRYABLE_SUBMITTED), hex_text(_REDEEM_ATTEMPTED)]],
        sim.l2_deploy_block,
        l2.block_number,
    )


def retryable_request(message: RetryableMessage) -> tuple:
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
        retryable_request(message), value=message.deposit, sender=sim.operator, gas=gas, **fee_kwargs(sim.chains.l2)
    )
    raw = sim.chains.l2.provider.make_request("eth_getTransactionReceipt", [receipt.txn_hash])
    return _delivery_from_logs(raw["logs"], message, already=False)


def l2_rpc(sim: ArbitrumSimulator) -> HttpRpc:
    """A plain JSON-RPC client of the simulator's L2 node (batches, no Ape per-request work)."""
    return HttpRpc(sim.chains.l2.provider.uri)


def _answer(result: Any) -> Any:
    """A batch slot's result; an error answer is raised."""
    if isinstance(result, Exception):
        raise result
    return result


def _eth_call(to: str, data: bytes) -> tuple[str, list]:
    return "eth_call", [{"to": to, "data": hex_text(data)}, "latest"]


def settle_operator(sim: ArbitrumSimulator, rpc: HttpRpc, timeout: float = DEFAULT_MINING_TIMEOUT) -> None:
    """Wait until no L2 transaction of the operator is pending (sent, not yet mined).

    After a crash between sending submissions and reading their receipts, some may still be
    on their way into a block: reading the chain before they land would take them for undelivered.
    Raises :class:`DeliveryTimeoutError` when the L2 does not mine them within ``timeout`` seconds.
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
            raise DeliveryTimeoutError(
                f"{pending - mined} L2 transactions of the operator still pending after {timeout} s"
            )
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
    retryable_tx = sim.arb_retryable_tx.address
    checks = rpc.batch([_eth_call(retryable_tx, _REQUEST_SUBMITTED_CALL + m.request_id) for m in messages])
    submitted = [bool(rpc_int(_answer(answer))) for answer in checks]
    if not any(submitted):
        return [None] * len(messages)
    logs = _retryable_logs(sim)
    return [
        _delivery_from_logs(logs, m, already=True) if done else None
        for m, done in zip(messages, submitted, strict=True)
    ]


def _plant_forwarders(sim: ArbitrumSimulator, rpc: HttpRpc, l1_senders: Sequence[str]) -> dict[str, Exception]:
    """:func:`ensure_alias_forwarder` for many senders in two round trips; the senders it could
    not serve (their alias holds other code), each with its error."""
    aliases = {sender: apply_l1_to_l2_alias(sender) for sender in dict.fromkeys(l1_senders)}
    codes = rpc.batch([("eth_getCode", [alias, "latest"]) for alias in aliases.values()])
    missing: list[str] = []
    refused: dict[str, Exception] = {}
    for (sender, alias), code in zip(aliases.items(), codes, strict=True):
        code = hex_bytes(_answer(code))
        if not code:
            missing.append(alias)
        elif code != sim.forwarder_code:
            refused[sender] = ArbitrumError(f"the alias {alias} of {sender} holds other code on L2")
    for answer in rpc.batch([("anvil_setCode", [alias, hex_text(sim.forwarder_code)]) for alias in missing]):
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
        return lambda txn: hex_text(local.sign_transaction(txn).raw_transaction)
    ecosystem = account.provider.network.ecosystem

    def through_ape(txn: dict) -> str:
        signed = account.sign_transaction(ecosystem.create_transaction(**txn))
        if signed is None:
            raise SubmissionError(f"{account.address} did not sign the submission")
        return hex_text(signed.serialize_transaction())

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
            for tx_hash, receipt in zip(
                missing, rpc.batch([("eth_getTransactionReceipt", [h]) for h in missing]), strict=True
            ):
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
        for answer in rpc.batch(
            [
                ("eth_getBlockByNumber", ["latest", False]),
                ("eth_getTransactionCount", [operator, "pending"]),
                *(
                    _eth_call(
                        sim.arb_retryable_tx.address, _SUBMISSION_GAS_CALL + abi_encode(["uint256", "uint256"], shape)
                    )
                    for shape in shapes
                ),
            ]
        )
    )
    block_gas = rpc_int(latest["gasLimit"])
    # a submission too big for a block gets the block's gas (and no auto-redeem)
    gas_of = {shape: min(rpc_int(gas), block_gas) for shape, gas in zip(shapes, gas_needed, strict=True)}
    nonce = rpc_int(nonce)
    sign = _signer(sim.operator)

    results: list[DeliveryResult | Exception] = []
    stopped: Exception | None = None
    while stopped is None and len(results) < len(messages):
        # One block's worth at a time: anvil mines what its pool holds when a transaction
        # arrives, a block at a time, and leaves what did not fit pending until the next one.
        max_fee = 2 * pending_base_fee(rpc)
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
            chunk.append(
                (
                    message,
                    sign(
                        {
                            "type": 2,
                            "chainId": l2.chain_id,
                            "nonce": nonce + len(results) + len(chunk),
                            "to": str(sim.arb_retryable_tx.address),
                            "data": _SUBMIT_RETRYABLE_CALL + abi_encode([_REQUEST_TYPE], [retryable_request(message)]),
                            "value": message.deposit,
                            "gas": gas,
                            "maxFeePerGas": max_fee,  # as fee_kwargs: twice the next block's base fee
                            "maxPriorityFeePerGas": 0,
                        }
                    ),
                )
            )
        sent: list[tuple[RetryableMessage, str]] = []
        answers = rpc.batch([("eth_sendRawTransaction", [tx]) for _, tx in chunk])
        for (message, _), answer in zip(chunk, answers, strict=True):
            if isinstance(answer, Exception):
                stopped = SubmissionError(f"submission of message {message.message_num} refused: {answer}")
                break
            sent.append((message, answer))
        if stopped is not None:
            _drop_behind_gap(rpc, [a for a in answers[len(sent) + 1 :] if not isinstance(a, Exception)])
        for (message, tx_hash), receipt in zip(sent, _receipts(rpc, [h for _, h in sent], timeout), strict=True):
            if rpc_int(receipt["status"]) == 1:
                results.append(_delivery_from_logs(receipt["logs"], message, already=False))
            else:
                gas = gas_of[(message.gas_limit, len(message.data))]
                results.append(
                    SubmissionError(
                        f"submission {tx_hash} of message {message.message_num} reverted "
                        f"(gas used {rpc_int(receipt['gasUsed'])} of {gas})"
                    )
                )
    if stopped is None:  # every message has its result
        return results
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
