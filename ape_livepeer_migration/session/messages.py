"""Cross-chain messages read from the chains, not from a relayer's journal: migrations and deposits (L1 -> L2
retryables, and what became of their tickets on L2) and withdrawals and migration refunds (L2 -> L1 sends, and how
far they are in the Outbox on L1).

Every read is a JSON-RPC batch: the logs of the system's gateways and migrators (from the deployment's first block,
in ranges a public node accepts), the receipts of the L1 transactions that sent retryables, then the tickets' logs
on L2 and the Outbox's on L1. What a message is and where it stands does not depend on who relays it: the same
answer comes from any machine that has the address book.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eth_abi import decode as abi_decode
from eth_utils import to_checksum_address

from ape_livepeer_migration._eth import LOG_BLOCK_RANGE, event_topic, function_selector, hex_bytes, hex_text, rpc_int
from ape_livepeer_migration.session.results import CrossChainMessage

if TYPE_CHECKING:
    from ape_livepeer_migration.chains.pair import Chain
    from ape_livepeer_migration.session.deployment import Deployment


L1_TO_L2 = "l1-to-l2"
L2_TO_L1 = "l2-to-l1"
#: States of an L1 -> L2 message: ``pending`` (no ticket on L2 yet), ``redeemable`` (its auto-redeem failed; anyone
#: may redeem it until ``until``, a unix time), ``redeemed``, ``expired``, ``canceled``, ``rejected`` (its deposit
#: could not pay for a ticket). Of an L2 -> L1 message: ``no-root`` (no send root covers it yet), ``challenge-period``
#: (covered, confirmed at L1 block ``until``), ``executable`` (confirmed: ``finalize`` pays it out), ``executed``.
FINAL_STATES = frozenset({"redeemed", "expired", "canceled", "rejected", "executed"})


def _topic(signature: str) -> str:
    return hex_text(event_topic(signature))


def _address_topic(address: str) -> str:
    return "0x" + "00" * 12 + str(address).lower()[2:]


def _topic_address(topic: str) -> str:
    return to_checksum_address("0x" + topic[-40:])


_DEPOSIT_INITIATED = _topic("DepositInitiated(address,address,address,uint256,uint256)")
_MIGRATION_INITIATED = _topic(
    "MigrationInitiated(uint256,address,address,address,uint8,uint256,uint256,uint256,uint256)"
)
_TX_TO_L2 = _topic("TxToL2(address,address,uint256,bytes)")
_WITHDRAWAL_INITIATED = _topic("WithdrawalInitiated(address,address,address,uint256,uint256,uint256)")
_MIGRATION_EXPIRED = _topic("MigrationExpired(uint256,address,uint256,uint256)")
_RETRYABLE_SUBMITTED = _topic("RetryableSubmitted(bytes32,bytes32,bool)")
_REDEEM_ATTEMPTED = _topic("RedeemAttempted(bytes32,uint64,bool,bytes)")
_TICKET_EXPIRED = _topic("TicketExpired(bytes32)")
_CANCELED = _topic("Canceled(bytes32)")


def scan_logs(
    chain: Chain, queries: Sequence[tuple[str, list[Any]]], from_block: int, to_block: int | None = None
) -> list[list[dict]]:
    """The logs of each query ``(address, topics)`` in blocks [``from_block``, ``to_block``] (default: the head) of
    ``chain``, in block order: each query is asked in ranges of
    :data:`~ape_livepeer_migration._eth.LOG_BLOCK_RANGE` blocks, all of them in one JSON-RPC batch."""
    end = chain.block_number if to_block is None else to_block
    ranges = [(start, min(start + LOG_BLOCK_RANGE - 1, end)) for start in range(from_block, end + 1, LOG_BLOCK_RANGE)]
    if not ranges:
        return [[] for _ in queries]
    requests = [
        ("eth_getLogs", [{"address": str(address), "topics": topics, "fromBlock": hex(start), "toBlock": hex(stop)}])
        for address, topics in queries
        for start, stop in ranges
    ]
    answers = chain.batch(requests)
    per_query = len(ranges)
    return [[log for answer in answers[i : i + per_query] for log in answer] for i in range(0, len(answers), per_query)]


def account_messages(deployment: Deployment, address: str | None = None) -> list[CrossChainMessage]:
    """The cross-chain messages of ``address`` (``None``: of everyone) that are not final yet, read from the chains:
    its migrations (as L1 or L2 delegator) and deposits (as sender or recipient) with their tickets, its withdrawals
    (as sender or recipient) and the refunds of its expired migrations with their Outbox state; L1 -> L2 first, each
    direction in the order sent."""
    return [message for message in all_messages(deployment, address) if message.state not in FINAL_STATES]


def all_messages(deployment: Deployment, address: str | None = None) -> list[CrossChainMessage]:
    """:func:`account_messages` including the final ones (redeemed, executed, ...)."""
    return _inbound(deployment, address) + _outbound(deployment, address)


# ---------------------------------------------------------------------------- L1 -> L2


def _sent(
    log: dict, direction: str, kind: str, id: int, amount: int, sender: str, recipient: str, state: str
) -> CrossChainMessage:
    """The message that the transaction of ``log`` sent, in ``state``."""
    return CrossChainMessage(
        direction, kind, id, amount, sender, recipient, log["transactionHash"], rpc_int(log["blockNumber"]), state
    )


def _queries(address: str | None, *wanted: tuple[str, str, tuple[int, ...]]) -> list[tuple[str, list[Any]]]:
    """The log queries ``(contract, topics)`` of each ``(contract, event topic, positions)`` of ``wanted``: every
    event, or (for ``address``) one query per indexed position (1-3) that may hold the address."""
    if address is None:
        return [(contract, [topic]) for contract, topic, _ in wanted]
    who = _address_topic(address)
    return [
        (contract, [topic, *([None] * (position - 1)), who])
        for contract, topic, positions in wanted
        for position in positions
    ]


def _inbound(deployment: Deployment, address: str | None) -> list[CrossChainMessage]:
    s = deployment.system
    l1 = deployment.chains.l1
    gateway, migrator = str(s.bridge.l1_gateway.address), str(s.l1_migrator.address)
    # a deposit's sender or recipient; a migration's L1 or L2 delegator
    queries = _queries(address, (gateway, _DEPOSIT_INITIATED, (1, 2)), (migrator, _MIGRATION_INITIATED, (2, 3)))
    found = scan_logs(l1, queries, deployment.start_blocks()["l1"])
    transactions = list(dict.fromkeys(log["transactionHash"] for logs in found for log in logs))
    receipts = l1.batch([("eth_getTransactionReceipt", [tx_hash]) for tx_hash in transactions])
    messages = []
    for receipt in receipts:
        for message in _sent_in(receipt, gateway, migrator):
            if address is None or address.lower() in (message.sender.lower(), message.recipient.lower()):
                messages.append(message)
    messages.sort(key=lambda m: m.id)
    if deployment.system.sim is None:
        return _with_arbitrum_tickets(deployment, messages, [log for r in receipts for log in r["logs"]])
    return _with_tickets(deployment, messages)


def _sent_in(receipt: dict, gateway: str, migrator: str) -> list[CrossChainMessage]:
    """The deposits (the gateway's ``DepositInitiated``) and migrations (the L1Migrator's ``MigrationInitiated``, its
    ticket's number from the L1Migrator's ``TxToL2`` that follows it) that the L1 transaction of ``receipt`` sent."""

    def logs_of(contract: str, topic: str) -> list[dict]:
        return [
            log for log in receipt["logs"] if log["address"].lower() == contract.lower() and log["topics"][0] == topic
        ]

    sent = []
    for deposit in logs_of(gateway, _DEPOSIT_INITIATED):
        sender, recipient = _topic_address(deposit["topics"][1]), _topic_address(deposit["topics"][2])
        (_, amount) = abi_decode(["address", "uint256"], hex_bytes(deposit["data"]))
        seq = rpc_int(deposit["topics"][3])
        sent.append(_sent(deposit, L1_TO_L2, "deposit", seq, amount, sender, recipient, "pending"))
    tickets = logs_of(migrator, _TX_TO_L2)
    for migration, ticket in zip(logs_of(migrator, _MIGRATION_INITIATED), tickets, strict=True):
        # the record names the delegators: the L1 one sends, the L2 one receives
        sender, recipient = _topic_address(migration["topics"][2]), _topic_address(migration["topics"][3])
        (_, _, amount, *_) = abi_decode(
            ["address", "uint8", "uint256", "uint256", "uint256", "uint256"], hex_bytes(migration["data"])
        )
        seq = rpc_int(ticket["topics"][3])
        sent.append(_sent(migration, L1_TO_L2, "migration", seq, amount, sender, recipient, "pending"))
    return sent


def _with_arbitrum_tickets(
    deployment: Deployment, messages: list[CrossChainMessage], logs: list[dict]
) -> list[CrossChainMessage]:
    """``messages`` with their tickets on a real Arbitrum: each ticket's id is computed from the retryable that the
    Inbox and Bridge logs of its L1 transaction (``logs``) record, and its state read from ArbRetryableTx."""
    from dataclasses import replace

    from ape_livepeer_migration.arbitrum import live
    from ape_livepeer_migration.arbitrum.messages import retryables_in_logs, submit_retryable_id
    from ape_livepeer_migration.session.deployment import ARBITRUM

    inbox, bridge = deployment.system.bridge.inbox, deployment.book.get(ARBITRUM)["bridge"]
    retryables = {
        r.message_num: r
        for r in retryables_in_logs(
            inbox,
            [log for log in logs if log["address"].lower() == inbox.lower()],
            [log for log in logs if log["address"].lower() == bridge.lower()],
        )
    }
    l2 = deployment.chains.l2
    states = {
        live.TicketState.NOT_YET_CREATED: "pending",
        live.TicketState.CREATION_FAILED: "rejected",
        live.TicketState.REDEEMED: "redeemed",
        live.TicketState.REDEEMABLE: "redeemable",
        live.TicketState.CANCELED: "canceled",
        live.TicketState.EXPIRED: "expired",
    }
    found = []
    for m in messages:
        ticket = hex_text(submit_retryable_id(l2.chain_id, retryables[m.id]))
        status = live.retryable_status(l2, ticket)
        found.append(replace(m, ticket=ticket, state=states[status.state], until=status.timeout))
    return found


def _with_tickets(deployment: Deployment, messages: list[CrossChainMessage]) -> list[CrossChainMessage]:
    """``messages`` with their tickets' ids and states, as the simulator's ArbRetryableTx (the local pair's, or the
    ticket delivery of a fork pair) records them."""
    from dataclasses import replace

    from ape_livepeer_migration.arbitrum.messages import simulator_ticket_id

    sim = deployment.system.sim
    if not messages or sim is None:
        return messages
    l2 = deployment.chains.l2
    retryable_tx = str(sim.arb_retryable_tx.address)
    tickets = {m.id: hex_text(simulator_ticket_id(l2.chain_id, m.id)) for m in messages}
    requests = [hex_text(m.id.to_bytes(32, "big")) for m in messages]
    submitted, outcomes = scan_logs(
        l2,
        [
            (retryable_tx, [_RETRYABLE_SUBMITTED, requests]),
            (retryable_tx, [[_REDEEM_ATTEMPTED, _TICKET_EXPIRED, _CANCELED], list(tickets.values())]),
        ],
        sim.l2_deploy_block,
    )
    created = {log["topics"][2].lower(): bool(rpc_int(log["data"])) for log in submitted}
    redeemed, expired, canceled = set(), set(), set()
    for log in outcomes:
        ticket, topic = log["topics"][1].lower(), log["topics"][0]
        if topic == _REDEEM_ATTEMPTED and abi_decode(["bool", "bytes"], hex_bytes(log["data"]))[0]:
            redeemed.add(ticket)
        elif topic == _TICKET_EXPIRED:
            expired.add(ticket)
        elif topic == _CANCELED:
            canceled.add(ticket)
    states = {}
    for m in messages:
        ticket = tickets[m.id].lower()
        if ticket not in created:
            states[m.id] = "pending"
        elif not created[ticket]:
            states[m.id] = "rejected"
        elif ticket in redeemed:
            states[m.id] = "redeemed"
        elif ticket in expired:
            states[m.id] = "expired"
        elif ticket in canceled:
            states[m.id] = "canceled"
        else:
            states[m.id] = "redeemable"
    # a ticket past its lifetime is expired before anyone reaps it: it is no longer live
    waiting = [m.id for m in messages if states[m.id] == "redeemable"]
    alive = _ask(l2, retryable_tx, "isLive", [tickets[i] for i in waiting])
    live = [i for i, is_live in zip(waiting, alive, strict=True) if is_live]
    states.update({i: "expired" for i in waiting if i not in live})
    timeouts = dict(zip(live, _ask(l2, retryable_tx, "getTimeout", [tickets[i] for i in live]), strict=True))
    return [replace(m, ticket=tickets[m.id], state=states[m.id], until=timeouts.get(m.id)) for m in messages]


def _ask(l2: Chain, retryable_tx: str, method: str, tickets: list[str]) -> list[int]:
    """``method(ticket)`` of ArbRetryableTx for each of ``tickets``, as integers, in one batch."""
    selector = function_selector(f"{method}(bytes32)")
    calls = [{"to": retryable_tx, "data": hex_text(selector + hex_bytes(ticket))} for ticket in tickets]
    return [rpc_int(answer) for answer in l2.batch([("eth_call", [call, "latest"]) for call in calls])]


# ---------------------------------------------------------------------------- L2 -> L1


def _outbound(deployment: Deployment, address: str | None) -> list[CrossChainMessage]:
    s = deployment.system
    l2 = deployment.chains.l2
    gateway, migrator = str(s.bridge.l2_gateway.address), str(s.l2_migrator.address)
    # a withdrawal's sender or recipient; an expired migration's L1 delegator
    queries = _queries(address, (gateway, _WITHDRAWAL_INITIATED, (1, 2)), (migrator, _MIGRATION_EXPIRED, (2,)))
    found = scan_logs(l2, queries, deployment.start_blocks()["l2"])
    messages: dict[int, CrossChainMessage] = {}
    for log in (log for logs in found for log in logs):
        if log["topics"][0] == _WITHDRAWAL_INITIATED:
            _, _, amount = abi_decode(["address", "uint256", "uint256"], hex_bytes(log["data"]))
            kind, sender, recipient = "withdrawal", _topic_address(log["topics"][1]), _topic_address(log["topics"][2])
            position = rpc_int(log["topics"][3])
        else:
            amount, position = abi_decode(["uint256", "uint256"], hex_bytes(log["data"]))
            # an expired migration's LPT goes back to the L1Migrator, which refunds the delegator
            kind, sender = "migration-refund", _topic_address(log["topics"][2])
            recipient = sender
        messages[position] = _sent(log, L2_TO_L1, kind, position, amount, sender, recipient, "no-root")
    return _with_outbox(deployment, [messages[position] for position in sorted(messages)])


def _with_outbox(deployment: Deployment, messages: list[CrossChainMessage]) -> list[CrossChainMessage]:
    """``messages`` with their state in the Outbox: executed, or how far from executable."""
    from dataclasses import replace

    if not messages:
        return messages
    l1 = deployment.chains.l1
    outbox = _outbox(deployment)
    selector = function_selector("isSpent(uint256)")
    spent = [
        bool(rpc_int(answer))
        for answer in l1.batch(
            [
                ("eth_call", [{"to": outbox, "data": hex_text(selector + m.id.to_bytes(32, "big"))}, "latest"])
                for m in messages
            ]
        )
    ]
    waiting = [m for m, done in zip(messages, spent, strict=True) if not done]
    covering = _confirmations(deployment, outbox, waiting) if waiting else {}
    result = []
    for m, done in zip(messages, spent, strict=True):
        if done:
            result.append(replace(m, state="executed"))
        elif m.id in covering:
            state, until = covering[m.id]
            result.append(replace(m, state=state, until=until))
        else:
            result.append(m)
    return result


def _outbox(deployment: Deployment) -> str:
    """The Outbox that executes the system's L2 -> L1 messages: the simulator's, or the real Arbitrum's."""
    from ape_livepeer_migration.session.deployment import ARBITRUM

    recorded = deployment.book.get(ARBITRUM)
    if recorded is not None:
        return recorded["outbox"]
    sim = deployment.system.sim
    assert sim is not None  # a system not wired to a real Arbitrum runs on the simulator
    return str(sim.outbox.address)


def _confirmations(
    deployment: Deployment, outbox: str, messages: list[CrossChainMessage]
) -> dict[int, tuple[str, int | None]]:
    """The state (``challenge-period`` or ``executable``) and the L1 block its covering root is (or was) confirmed at
    of each of ``messages`` that a send root covers; the others are left out (``no-root``)."""
    from ape_livepeer_migration.session.deployment import ARBITRUM

    l1 = deployment.chains.l1
    if deployment.book.get(ARBITRUM) is not None:
        from ape_livepeer_migration.arbitrum import live

        # Arbitrum's Outbox learns confirmed roots only: one covering the message makes it executable; until then
        # its challenge period runs
        confirmed = live.latest_confirmed_root(l1, deployment.chains.l2, outbox, deployment.start_blocks()["l1"])
        count = 0 if confirmed is None else confirmed.send_count
        return {m.id: ("executable" if m.id < count else "challenge-period", None) for m in messages}
    sim = deployment.system.sim
    assert sim is not None  # a system not wired to a real Arbitrum runs on the simulator
    from ape_livepeer_migration.arbitrum import simulator as sim_api

    roots = sim_api.asserted_roots(sim)
    head = l1.block_number
    found: dict[int, tuple[str, int | None]] = {}
    for m in messages:
        root = sim_api.covering_root(roots, m.id)
        if root is not None:
            at = root.confirmable_at_block
            found[m.id] = ("executable" if at <= head else "challenge-period", at)
    return found
