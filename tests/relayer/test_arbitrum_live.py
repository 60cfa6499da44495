"""The real-network path, checked call by call against a scripted JSON-RPC node.

These cannot run against Arbitrum here (no internet), so each test scripts the
answers a Nitro node gives and asserts the exact requests made: methods,
addresses, calldata (selector + argument order) and log filters.
"""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi import decode, encode

from ape_livepeer_migration._eth import LOG_BLOCK_RANGE, event_topic, function_selector, hex_text
from ape_livepeer_migration.arbitrum import live as live
from ape_livepeer_migration.arbitrum.live import TicketState
from ape_livepeer_migration.arbitrum.messages import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS, NODE_INTERFACE_ADDRESS
from ape_livepeer_migration.exceptions import ArbitrumError, RpcError

TICKET = "0x" + "ab" * 32
RETRY_1 = "0x" + "01" * 32
RETRY_2 = "0x" + "02" * 32
OUTBOX = "0x0B9857ae2D4A3DBe74ffE1d7DF045bb7F96E4840"  # Arbitrum One's Outbox
BENEFICIARY = "0x1111111111111111111111111111111111111111"


def topic(signature: str) -> str:
    return hex_text(event_topic(signature))


class ScriptedRpc:
    """An :class:`~ape_livepeer_migration._eth.Rpc` answering from a script.

    ``calls`` maps (to, calldata hex) of an ``eth_call`` to its return data (or
    to ``RpcError`` for a revert); ``other`` maps a method to a function of its
    params. Every request is recorded in ``requests``; an unscripted one fails.
    """

    def __init__(self, calls: dict[tuple[str, str], Any] | None = None, **other: Any):
        self.calls = {(to.lower(), data): out for (to, data), out in (calls or {}).items()}
        self.other = other
        self.requests: list[tuple[str, list[Any]]] = []

    def request(self, method: str, params: list[Any]) -> Any:
        self.requests.append((method, params))
        if method == "eth_call":
            key = (params[0]["to"].lower(), params[0]["data"])
            if key not in self.calls:
                raise AssertionError(f"unscripted eth_call {key}")
            answer = self.calls[key]
            if answer is RpcError:
                raise RpcError("execution reverted")
            return "0x" + answer.hex()
        if method not in self.other:
            raise AssertionError(f"unscripted request {method} {params}")
        return self.other[method](*params)

    def methods(self) -> list[str]:
        return [method for method, _ in self.requests]


def receipt(status: int, block: int = 100, logs: list | None = None) -> dict[str, Any]:
    return {"status": hex(status), "blockNumber": hex(block), "logs": logs or []}


def redeem_log(retry: str) -> dict[str, Any]:
    return {"topics": [topic(live.REDEEM_SCHEDULED), TICKET, retry, "0x" + "00" * 31 + "07"]}


# Published selectors / topics (Arbitrum's precompiles and Outbox): the strings
# in the module must hash to exactly these.
@pytest.mark.parametrize(
    "signature, expected",
    [
        (live.GET_TIMEOUT, "9f1025c6"),
        (live.GET_BENEFICIARY, "ba20dda4"),
        (live.REDEEM, "eda1122c"),
        (live.CONSTRUCT_OUTBOX_PROOF, "42696350"),
        (live.OUTBOX_IS_SPENT, "5a129efe"),
        (live.EXECUTE_TRANSACTION, "08635a95"),
    ],
)
def test_selectors_are_the_published_ones(signature, expected):
    assert function_selector(signature).hex() == expected


def test_l2_to_l1_topic_is_the_published_one():
    assert topic(live.L2_TO_L1_TX) == "0x3e7aafa77dbf186b7fd488006beff893744caa3c4f6f299e8a709fa2087374fc"


def status_rpc(creation, redeem_logs, retry_receipts, timeout_answer, beneficiary_answer, cancel_logs=()):
    def get_receipt(tx_hash):
        if tx_hash == TICKET:
            return creation
        return retry_receipts.get(tx_hash)

    def get_logs(filter_):
        assert filter_["address"] == ARB_RETRYABLE_TX_ADDRESS
        assert filter_["fromBlock"] == hex(100) and filter_["toBlock"] == "latest"
        if filter_["topics"] == [topic(live.REDEEM_SCHEDULED), TICKET]:
            return list(redeem_logs)
        assert filter_["topics"] == [topic(live.CANCELED), TICKET]
        return list(cancel_logs)

    ticket = bytes.fromhex(TICKET[2:])
    return ScriptedRpc(
        {
            (ARB_RETRYABLE_TX_ADDRESS, "0x9f1025c6" + ticket.hex()): timeout_answer,
            (ARB_RETRYABLE_TX_ADDRESS, "0xba20dda4" + ticket.hex()): beneficiary_answer,
        },
        eth_getTransactionReceipt=get_receipt,
        eth_getLogs=get_logs,
    )


def test_unknown_ticket_is_not_yet_created():
    rpc = status_rpc(None, [], {}, RpcError, RpcError)
    assert live.retryable_status(rpc, TICKET).state is TicketState.NOT_YET_CREATED
    assert rpc.requests == [("eth_getTransactionReceipt", [TICKET])]


def test_failed_submission_is_creation_failed():
    rpc = status_rpc(receipt(0), [], {}, RpcError, RpcError)
    assert live.retryable_status(rpc, TICKET).state is TicketState.CREATION_FAILED


def test_auto_redeemed_ticket():
    rpc = status_rpc(receipt(1), [redeem_log(RETRY_1)], {RETRY_1: receipt(1, 101)}, RpcError, RpcError)
    status = live.retryable_status(rpc, TICKET)
    assert status.state is TicketState.REDEEMED
    assert status.successful_redeem == RETRY_1
    assert "eth_call" not in rpc.methods()


def test_failed_then_manually_redeemed_ticket():
    rpc = status_rpc(
        receipt(1),
        [redeem_log(RETRY_1), redeem_log(RETRY_2)],
        {RETRY_1: receipt(0, 100), RETRY_2: receipt(1, 150)},
        RpcError,
        RpcError,
    )
    status = live.retryable_status(rpc, TICKET)
    assert status.state is TicketState.REDEEMED
    assert status.redeem_tx_hashes == (RETRY_1, RETRY_2)
    assert status.successful_redeem == RETRY_2


def test_failed_ticket_is_redeemable_until_its_timeout():
    rpc = status_rpc(
        receipt(1),
        [redeem_log(RETRY_1)],
        {RETRY_1: receipt(0)},
        encode(["uint256"], [1_700_604_800]),
        encode(["address"], [BENEFICIARY]),
    )
    status = live.retryable_status(rpc, TICKET)
    assert status.state is TicketState.REDEEMABLE
    assert status.timeout == 1_700_604_800
    assert status.beneficiary == BENEFICIARY
    calls = [params[0] for method, params in rpc.requests if method == "eth_call"]
    assert [call["data"][:10] for call in calls] == ["0x9f1025c6", "0xba20dda4"]
    assert all(call["to"] == ARB_RETRYABLE_TX_ADDRESS for call in calls)


@pytest.mark.parametrize("cancel_logs, state", [([{"topics": []}], TicketState.CANCELED), ([], TicketState.EXPIRED)])
def test_vanished_ticket_is_canceled_or_expired(cancel_logs, state):
    rpc = status_rpc(receipt(1), [redeem_log(RETRY_1)], {RETRY_1: receipt(0)}, RpcError, RpcError, cancel_logs)
    assert live.retryable_status(rpc, TICKET).state is state


def test_ticket_id_must_be_32_bytes():
    with pytest.raises(ValueError):
        live.redeem_transaction("0x1234")


def test_redeem_transaction_calls_arb_retryable_tx():
    tx = live.redeem_transaction(TICKET)
    assert tx == {"to": ARB_RETRYABLE_TX_ADDRESS, "data": "0xeda1122c" + "ab" * 32}


# ---------------------------------------------------------------- L2 -> L1

CALLER = "0x2222222222222222222222222222222222222222"
DESTINATION = "0x3333333333333333333333333333333333333333"
L2_TX = "0x" + "cd" * 32
SEND_ROOT = "0x" + "5e" * 32
L2_BLOCK_HASH = "0x" + "b1" * 32
POSITION = 41
LEAF = 0xFEED
L1_HEAD = 18_000_500


def l2_to_l1_log(position: int = POSITION) -> dict[str, Any]:
    data = encode(
        ["address", "uint256", "uint256", "uint256", "uint256", "bytes"],
        [CALLER, 700, 19_000_000, 1_700_000_000, 5, b"\x12\x34"],
    )
    return {
        "address": ARB_SYS_ADDRESS,
        "topics": [
            topic(live.L2_TO_L1_TX),
            "0x" + "00" * 12 + DESTINATION[2:].lower(),
            "0x" + LEAF.to_bytes(32, "big").hex(),
            "0x" + position.to_bytes(32, "big").hex(),
        ],
        "data": "0x" + data.hex(),
    }


def withdrawal_rpcs(send_count: int, spent: bool = False, proof_root: str = SEND_ROOT, roots=True):
    other_contract_log = {"address": DESTINATION, "topics": [topic(live.L2_TO_L1_TX)], "data": "0x"}
    proof = [bytes([i]) * 32 for i in range(1, 4)]
    size_leaf = encode(["uint64", "uint64"], [send_count, POSITION]).hex()
    l2 = ScriptedRpc(
        {
            (NODE_INTERFACE_ADDRESS, "0x42696350" + size_leaf): encode(
                ["bytes32", "bytes32", "bytes32[]"],
                [LEAF.to_bytes(32, "big"), bytes.fromhex(proof_root[2:]), proof],
            )
        },
        eth_getTransactionReceipt=lambda h: receipt(1, 700, [other_contract_log, l2_to_l1_log()]),
        eth_getBlockByHash=lambda h, full: {
            "extraData": SEND_ROOT,
            "mixHash": "0x" + send_count.to_bytes(8, "big").hex() + "00" * 24,
        },
    )
    updated = {"topics": [topic(live.SEND_ROOT_UPDATED), SEND_ROOT, L2_BLOCK_HASH]}
    l1 = ScriptedRpc(
        {(OUTBOX, "0x5a129efe" + encode(["uint256"], [POSITION]).hex()): encode(["bool"], [spent])},
        eth_getLogs=lambda f: [updated] if roots else [],
        eth_blockNumber=lambda: hex(L1_HEAD),
    )
    return l1, l2, proof


def test_l2_to_l1_sends_decodes_arbsys_logs_only():
    _, l2, _ = withdrawal_rpcs(50)
    (send,) = live.l2_to_l1_sends(l2, L2_TX)
    assert (send.position, send.caller, send.destination) == (POSITION, CALLER, DESTINATION)
    assert (send.arb_block, send.eth_block, send.timestamp, send.callvalue) == (700, 19_000_000, 1_700_000_000, 5)
    assert send.data == b"\x12\x34" and send.leaf_hash == LEAF


def test_outbox_execution_builds_the_published_call():
    l1, l2, proof = withdrawal_rpcs(send_count=50)
    tx = live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=18_000_000)
    assert tx["to"] == OUTBOX
    data = bytes.fromhex(tx["data"][2:])
    assert data[:4].hex() == "08635a95"
    args = decode(
        ["bytes32[]", "uint256", "address", "address", "uint256", "uint256", "uint256", "uint256", "bytes"],
        data[4:],
    )
    assert list(args[0]) == proof
    assert args[1:] == (POSITION, CALLER.lower(), DESTINATION.lower(), 700, 19_000_000, 1_700_000_000, 5, b"\x12\x34")
    # The proof was asked of the node for (size = confirmed send count, leaf = position).
    node_call = next(params[0] for method, params in l2.requests if method == "eth_call")
    assert node_call["to"] == NODE_INTERFACE_ADDRESS
    assert decode(["uint64", "uint64"], bytes.fromhex(node_call["data"][10:])) == (50, POSITION)
    log_filter = next(params[0] for method, params in l1.requests if method == "eth_getLogs")
    assert log_filter == {
        "address": OUTBOX,
        "topics": [topic(live.SEND_ROOT_UPDATED)],
        "fromBlock": hex(18_000_000),
        "toBlock": hex(L1_HEAD),
    }
    assert ("eth_getBlockByHash", [L2_BLOCK_HASH, False]) in l2.requests


@pytest.mark.parametrize("found_in", [18_003_000, None])
def test_latest_confirmed_root_is_asked_backwards_in_bounded_ranges(found_in):
    """A public node refuses wide log ranges: the newest root is looked for from the head down, one bounded range
    at a time, and the search stops at the first range that holds one (or at the first block it may be in)."""
    _, l2, _ = withdrawal_rpcs(send_count=50)
    updated = {"topics": [topic(live.SEND_ROOT_UPDATED), SEND_ROOT, L2_BLOCK_HASH]}

    def logs(query):
        holds = found_in is not None and int(query["fromBlock"], 16) <= found_in <= int(query["toBlock"], 16)
        return [updated] if holds else []

    l1 = ScriptedRpc(eth_getLogs=logs, eth_blockNumber=lambda: hex(18_025_000))
    root = live.latest_confirmed_root(l1, l2, OUTBOX, from_block=18_000_000)
    asked = [(int(p[0]["fromBlock"], 16), int(p[0]["toBlock"], 16)) for m, p in l1.requests if m == "eth_getLogs"]
    assert asked == [(18_015_001, 18_025_000), (18_005_001, 18_015_000), (18_000_000, 18_005_000)]
    assert all(end - start < LOG_BLOCK_RANGE for start, end in asked)
    assert (root is None) == (found_in is None)
    if root is not None:
        assert (root.send_root, root.send_count) == (SEND_ROOT, 50)


@pytest.mark.parametrize("send_count, roots", [(POSITION, True), (50, False)])
def test_outbox_execution_waits_for_a_covering_confirmed_root(send_count, roots):
    l1, l2, _ = withdrawal_rpcs(send_count=send_count, roots=roots)
    with pytest.raises(live.NotConfirmedYet):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0)


def test_outbox_execution_refuses_a_spent_send():
    l1, l2, _ = withdrawal_rpcs(send_count=50, spent=True)
    with pytest.raises(live.AlreadyExecuted):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0)


def test_outbox_execution_rejects_a_proof_for_another_root():
    l1, l2, _ = withdrawal_rpcs(send_count=50, proof_root="0x" + "99" * 32)
    with pytest.raises(ArbitrumError, match="another root"):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0)


def test_outbox_execution_rejects_a_header_with_another_send_root():
    l1, l2, _ = withdrawal_rpcs(send_count=50)
    l2.other["eth_getBlockByHash"] = lambda h, full: {"extraData": "0x" + "77" * 32, "mixHash": "0x" + "00" * 32}
    with pytest.raises(ArbitrumError, match="another send root"):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0)


def test_outbox_execution_needs_the_l2_block_and_the_send():
    l1, l2, _ = withdrawal_rpcs(send_count=50)
    with pytest.raises(LookupError, match="no index 1"):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0, index=1)
    l2.other["eth_getBlockByHash"] = lambda h, full: None
    with pytest.raises(LookupError, match="unknown to the L2 node"):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0)
    l2.other["eth_getTransactionReceipt"] = lambda h: None
    with pytest.raises(LookupError, match="no L2 receipt"):
        live.l2_to_l1_sends(l2, L2_TX)


def test_outbox_execution_rejects_a_proof_for_another_leaf():
    l1, l2, _ = withdrawal_rpcs(send_count=50)
    key = next(iter(l2.calls))
    send, root, proof = decode(["bytes32", "bytes32", "bytes32[]"], l2.calls[key])
    l2.calls[key] = encode(["bytes32", "bytes32", "bytes32[]"], [b"\x01" * 32, root, list(proof)])
    with pytest.raises(ArbitrumError, match="another leaf"):
        live.outbox_execution(l1, l2, OUTBOX, L2_TX, from_l1_block=0)
