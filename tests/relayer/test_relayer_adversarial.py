"""No message a user can send stops the relayer or keeps another user's messages from being delivered.

Each attack goes through the real path: an attacker's retryable through the simulator's L1 Inbox, or an
attacker's ``sendTxToL1`` through ArbSys on L2, relayed by the relayer like any other message. A victim
sends an ordinary L1 -> L2 message and an L2 -> L1 ETH withdrawal before the attack and again after it:
all four must arrive (the withdrawals paid on L1), in order, and the relayer's passes must raise nothing.
"""

from __future__ import annotations

import pytest
from eth_utils import keccak
from shared import run_until_idle

from ape_livepeer_migration.relayer.journal import Direction, Status

RECEIVED_FROM_L1 = "ReceivedFromL1(uint256,uint256,bytes)"
#: Arbitrum One's Inbox.maxDataSize (Nitro's AbsInbox), less the nine words a retryable's message adds.
MAX_RETRY_DATA = 117_964 - 9 * 32
MAX_UINT256 = 2**256 - 1
MAX_UINT64 = 2**64 - 1
WITHDRAWAL = 10**15
FEE_CAP = 10**10  # above the local L2's base fee: a paid-for ticket is auto-redeemed
KIB = 1024


def _call(signature: str, *words: int) -> bytes:
    return keccak(text=signature)[:4] + b"".join(word.to_bytes(32, "big") for word in words)


@pytest.fixture
def hostile(chains, accounts):
    """A TestHostileTarget on each chain: (on L1, on L2)."""
    from ape import project

    targets = []
    for chain in (chains.l1, chains.l2):
        with chain:
            targets.append(chain.bind(project.TestHostileTarget.deploy(sender=accounts[6])))
    return tuple(targets)


@pytest.fixture
def attacker(accounts):
    return accounts[7]


@pytest.fixture
def victim_traffic(chains, sim, send_to_l2, accounts):
    """``send(tag)``: the victim's ordinary L1 -> L2 message and L2 -> L1 withdrawal; ``check()`` after relaying."""
    victim = accounts[4]
    payee = "0x" + keccak(text="victim's L1 payee")[:20].hex()
    sent = []

    def send(tag: str) -> None:
        send_to_l2(f"victim {tag}".encode())
        sim.arb_sys.withdrawEth(payee, value=WITHDRAWAL, sender=victim)
        sent.append(tag)

    def check(relayer, event_payloads, l2_endpoint) -> None:
        payloads = event_payloads(chains.l2, l2_endpoint.address, RECEIVED_FROM_L1)
        assert payloads == [f"victim {tag}".encode() for tag in sent]
        assert chains.l1.provider.get_balance(payee) == WITHDRAWAL * len(sent)
        withdrawals = [
            r for r in relayer.status(Direction.L2_TO_L1) if r.payload["destination"].lower() == payee.lower()
        ]
        assert [r.status for r in withdrawals] == [Status.DONE] * len(sent)

    send.check = check
    return send


def _relay_everything(relayer) -> list:
    reports = run_until_idle(relayer)
    assert all(not report.errors for report in reports)
    return reports


# ------------------------------------------------------------------------------------------- L1 -> L2


def _retryable(
    sim,
    sender,
    to,
    data,
    *,
    gas_limit=1_000_000,
    fee_cap=FEE_CAP,
    call_value=0,
    submission_cost=10**15,
    deposit=None,
    unsafe=False,
):
    deposit = submission_cost + call_value + gas_limit * fee_cap if deposit is None else deposit
    create = sim.inbox.unsafeCreateRetryableTicket if unsafe else sim.inbox.createRetryableTicket
    return create(
        to, call_value, submission_cost, sender, sender, gas_limit, fee_cap, data, value=deposit, sender=sender
    )


#: name -> (retryable arguments given the L2 target, the attack's journal status)
L1_TO_L2_ATTACKS = {
    "calldata-at-the-limit": (lambda t: {"to": t, "data": b"\xff" * MAX_RETRY_DATA}, Status.DELIVERED),
    # a gas limit just above what the destination spends: little gas comes back for copying its data
    "revert-data-64KiB": (
        lambda t: {"to": t, "data": _call("revertWith(uint256)", 64 * KIB), "gas_limit": 100_000},
        Status.FAILED,
    ),
    "revert-data-128KiB": (
        lambda t: {"to": t, "data": _call("revertWith(uint256)", 128 * KIB), "gas_limit": 100_000},
        Status.FAILED,
    ),
    "return-bomb-128KiB": (
        lambda t: {"to": t, "data": _call("returnWith(uint256)", 128 * KIB), "gas_limit": 100_000},
        Status.DELIVERED,
    ),
    "return-bomb-256KiB": (lambda t: {"to": t, "data": _call("returnWith(uint256)", 256 * KIB)}, Status.DELIVERED),
    "burns-a-block-of-gas": (lambda t: {"to": t, "data": _call("burn()"), "gas_limit": 25_000_000}, Status.FAILED),
    "gas-limit-max-uint64": (
        lambda t: {"to": t, "data": _call("burn()"), "gas_limit": MAX_UINT64, "fee_cap": 0},
        Status.FAILED,
    ),
    "fee-cap-max-uint256": (
        lambda t: {
            "to": t,
            "data": b"",
            "gas_limit": 100_000,
            "fee_cap": MAX_UINT256,
            "deposit": 10**15,
            "unsafe": True,
        },
        Status.FAILED,
    ),
    "submission-cost-max-uint256": (
        lambda t: {
            "to": t,
            "data": b"",
            "call_value": 1,
            "submission_cost": MAX_UINT256,
            "deposit": 10**15,
            "unsafe": True,
        },
        Status.REJECTED,
    ),
    "reverting-target": (lambda t: {"to": t, "data": _call("revertWith(uint256)", 4)}, Status.FAILED),
    "self-destructing-target": (
        lambda t: {"to": t, "data": _call("destroy(address)", 0xBEEF), "call_value": 7},
        Status.DELIVERED,
    ),
    "reentering-the-precompile": (
        lambda t: {"to": "0x000000000000000000000000000000000000006E", "data": _call("redeem(bytes32)", 1)},
        Status.FAILED,
    ),
}


@pytest.mark.parametrize("attack", list(L1_TO_L2_ATTACKS))
def test_an_attack_retryable_leaves_the_victims_messages_flowing(
    chains, sim, relayer, endpoints, hostile, attacker, victim_traffic, event_payloads, attack
):
    build, expected = L1_TO_L2_ATTACKS[attack]
    victim_traffic("before")
    receipt = _retryable(sim, attacker, **build(hostile[1].address))
    victim_traffic("after")

    _relay_everything(relayer)
    victim_traffic.check(relayer, event_payloads, endpoints[1])
    (record,) = [r for r in relayer.status(Direction.L1_TO_L2) if r.source_block == receipt.block_number]
    assert record.status is expected, record.error


def test_a_ticket_at_the_data_limit_is_kept_whole_and_redeemable(chains, sim, relayer, hostile, attacker, accounts):
    """A failed ticket with the largest calldata: a manual redeem gets the same calldata back."""
    data = bytes(range(256)) * (MAX_RETRY_DATA // 256) + b"\x01" * (MAX_RETRY_DATA % 256)
    _retryable(sim, attacker, hostile[1].address, data, gas_limit=0, fee_cap=0)
    (report,) = _relay_everything(relayer)
    (ticket,) = [relayer.journal.message(Direction.L1_TO_L2, id).ticket_id for id in report.failed]
    receipt = sim.arb_retryable_tx.redeem(bytes.fromhex(ticket[2:]), sender=accounts[5], gas=6_000_000)
    trace = chains.l2.provider.make_request("debug_traceTransaction", [receipt.txn_hash, {"tracer": "callTracer"}])
    calls = [trace]
    while calls and calls[-1].get("to", "").lower() != str(hostile[1].address).lower():
        calls.append(calls[-1]["calls"][0])
    assert bytes.fromhex(calls[-1]["input"][2:]) == data
    assert not sim.arb_retryable_tx.isLive(bytes.fromhex(ticket[2:]))


def test_a_deposit_the_operator_cannot_fund_is_undelivered_and_skipped(
    chains, sim, relayer, endpoints, hostile, attacker, victim_traffic, event_payloads
):
    """A whale deposits more than the operator holds on L2: the node refuses that submission. It is
    journaled undelivered with the node's reason, and everything before and after it goes through."""
    chains.l1.provider.make_request("anvil_setBalance", [str(attacker.address), hex(10**24)])
    victim_traffic("before")
    receipt = _retryable(sim, attacker, hostile[1].address, b"", deposit=10**23)
    victim_traffic("after")

    reports = _relay_everything(relayer)
    victim_traffic.check(relayer, event_payloads, endpoints[1])
    (record,) = [r for r in relayer.status(Direction.L1_TO_L2) if r.source_block == receipt.block_number]
    assert record.status is Status.UNDELIVERED and "refused" in record.error
    assert [list(r.undelivered) for r in reports if r.undelivered] == [[record.id]]
    assert chains.l2.provider.make_request("txpool_status", []) == {"pending": "0x0", "queued": "0x0"}

    chains.l2.provider.make_request("anvil_setBalance", [str(sim.operator.address), hex(10**24)])
    assert relayer.retry_undelivered() == [record.id]
    (report,) = _relay_everything(relayer)
    assert report.delivered == [record.id]


# ------------------------------------------------------------------------------------------- L2 -> L1

#: name -> (sendTxToL1 arguments given the L1 target, value, whether the L1 call succeeds)
L2_TO_L1_ATTACKS = {
    "revert-data-128KiB": (lambda t: (t, _call("revertWith(uint256)", 128 * KIB)), 0, False),
    "return-bomb-256KiB": (lambda t: (t, _call("returnWith(uint256)", 256 * KIB)), 0, True),
    "burns-all-gas": (lambda t: (t, _call("burn()")), 0, False),
    "calldata-100KiB": (lambda t: (t, b"\xff" * (100 * KIB)), 0, True),
    "self-destructing-target": (lambda t: (t, _call("destroy(address)", 0xBEEF)), 0, True),
    "data-to-an-account-without-code": (lambda t: ("0x" + "ee" * 20, b"\x01"), 0, False),
    "withdraws-more-than-the-bridge-holds": (lambda t: (t, b""), 10**21, False),
}


@pytest.mark.parametrize("attack", list(L2_TO_L1_ATTACKS))
def test_an_attack_l2_to_l1_message_leaves_the_victims_messages_flowing(
    chains, sim, relayer, endpoints, hostile, attacker, victim_traffic, event_payloads, attack
):
    build, value, succeeds = L2_TO_L1_ATTACKS[attack]
    victim_traffic("before")
    destination, data = build(hostile[0].address)
    receipt = sim.arb_sys.sendTxToL1(destination, data, value=value, sender=attacker)
    victim_traffic("after")

    reports = _relay_everything(relayer)
    victim_traffic.check(relayer, event_payloads, endpoints[1])
    (record,) = [r for r in relayer.status(Direction.L2_TO_L1) if r.source_block == receipt.block_number]
    if succeeds:
        assert record.status is Status.DONE
    else:
        assert record.status is Status.READY and record.error  # executable later, as on Arbitrum
        assert record.id in reports[-1].execution_errors or not reports  # tried, and tried again each pass
        assert relayer.relay_once().execution_errors.keys() == {record.id}
