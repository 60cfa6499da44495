"""The relayer's :class:`~ape_livepeer_migration.relayer.core.Backend` over the local Arbitrum simulator, and the
relayer as a process next to running chains.

Run it as a process (the chains run elsewhere)::

    python -m ape_livepeer_migration.relayer --l1-rpc http://127.0.0.1:8545 \\
        --l2-rpc http://127.0.0.1:8547 --deployment sim.json --journal relay.db \\
        --operator test:9 --fast-forward

(``sim.json`` is :func:`simulator_deployment` of the deployment, as JSON.) It
prints ``ready`` once attached, then one JSON line per pass that did something.
Given the pair's address book (``--address-book .build/livepeer/local.json``, where ``ape livepeer deploy``
records the system), a system that mints on L1 also gets the L2 staked supply reported to L1 by each pass that
finds the figure there missing or half its maximum age old, as the operator (one of the oracle's reporters by
deployment; see :class:`~ape_livepeer_migration.relayer.stake_reports.OracleReports`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eth_abi import decode

from ape_livepeer_migration._eth import event_topic, hex_bytes, hex_text
from ape_livepeer_migration.arbitrum.simulator import load_simulator, simulator_deployment
from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.relayer.core import L1, Delivery, PassReport, Relayer, Seen, TicketState
from ape_livepeer_migration.relayer.journal import Status
from ape_livepeer_migration.relayer.stake_reports import OracleReports


class SimulatorBackend:
    """:class:`~ape_livepeer_migration.relayer.core.Backend` over a simulator deployment
    (``ape_livepeer_migration.arbitrum.simulator``)."""

    def __init__(self, sim: Any, mining_timeout: float | None = None):
        from ape_livepeer_migration.arbitrum import simulator
        from ape_livepeer_migration.arbitrum.messages import L2ToL1Message, RetryableMessage

        self.sim = sim
        self._api = simulator
        self._rpc = simulator.l2_rpc(sim)
        #: seconds to wait for submissions to be mined
        self.mining_timeout = simulator.DEFAULT_MINING_TIMEOUT if mining_timeout is None else mining_timeout
        self.inbound_type: type = RetryableMessage
        self.outbound_type: type = L2ToL1Message

    def deployment(self) -> dict[str, Any]:
        return simulator_deployment(self.sim)

    def start_block(self, chain: str) -> int:
        return self.sim.l1_deploy_block if chain == L1 else self.sim.l2_deploy_block

    def head(self, chain: str) -> int:
        return (self.sim.chains.l1 if chain == L1 else self.sim.chains.l2).block_number

    def inbound(self, start: int, end: int) -> list[Seen]:
        return [Seen(m.message_num, m.l1_block, m) for m in self._api.fetch_retryables(self.sim, start, end)]

    def outbound(self, start: int, end: int) -> list[Seen]:
        return [Seen(m.position, m.l2_block, m) for m in self._api.fetch_l2_to_l1(self.sim, start, end)]

    def _delivery(self, result: Any) -> Delivery:
        outcome = {
            self._api.DeliveryStatus.REDEEMED: Status.DELIVERED,
            self._api.DeliveryStatus.FAILED: Status.FAILED,
            self._api.DeliveryStatus.REJECTED: Status.REJECTED,
        }[result.status]
        until = None
        if outcome is Status.FAILED:
            until = int(self.sim.arb_retryable_tx.getTimeout(result.ticket_id))
        return Delivery(hex_text(result.ticket_id), outcome, result.l2_tx_hash, until)

    def deliveries(self, messages: Sequence[Any]) -> list[Delivery | None]:
        return [
            None if result is None else self._delivery(result)
            for result in self._api.deliveries_of(self.sim, messages, self._rpc, self.mining_timeout)
        ]

    def deliver_batch(self, messages: Sequence[Any]) -> list[Delivery | Exception]:
        return [
            result if isinstance(result, Exception) else self._delivery(result)
            for result in self._api.submit_retryables(self.sim, messages, self._rpc, self.mining_timeout)
        ]

    def ticket(self, ticket_id: str) -> TicketState:
        ticket = hex_bytes(ticket_id)
        if self._api.ticket_is_live(self.sim, ticket):
            return TicketState(live=True, redeemed=False, canceled=False)
        l2 = self.sim.chains.l2
        logs = l2.provider.make_request(
            "eth_getLogs",
            [
                {
                    "address": str(self.sim.arb_retryable_tx.address),
                    "topics": [[REDEEM_ATTEMPTED, CANCELED], ticket_id],
                    "fromBlock": hex(self.sim.l2_deploy_block),
                    "toBlock": hex(l2.block_number),
                }
            ],
        )
        redeemed = any(
            log["topics"][0] == REDEEM_ATTEMPTED and decode(["bool", "bytes"], hex_bytes(log["data"]))[0]
            for log in logs
        )
        canceled = any(log["topics"][0] == CANCELED for log in logs)
        return TicketState(live=False, redeemed=redeemed, canceled=canceled)

    def send_root(self, messages: Sequence[Any]) -> str:
        from ape_livepeer_migration.arbitrum.messages import SendMerkleTree

        return hex_text(SendMerkleTree.of_messages(list(messages)).root)

    def root_confirmable_at(self, root: str) -> int | None:
        return self._api.confirmable_at(self.sim, hex_bytes(root))

    def assert_root(self, messages: Sequence[Any]) -> int:
        return self._api.assert_send_root(self.sim, list(messages)).confirmable_at_block

    def is_executed(self, message: Any) -> bool:
        return self._api.is_executed(self.sim, message.index)

    def execute(self, message: Any, covered: Sequence[Any]) -> str:
        proof = self._api.proof_for(list(covered), message.index)
        result = self._api.execute_l2_to_l1(self.sim, message, proof)
        assert result.l1_tx_hash is not None  # sent by this call
        return result.l1_tx_hash

    def fast_forward_l1(self, to_block: int) -> None:
        self._api.mine_l1_until(self.sim, to_block)


REDEEM_ATTEMPTED = hex_text(event_topic("RedeemAttempted(bytes32,uint64,bool,bytes)"))
CANCELED = hex_text(event_topic("Canceled(bytes32)"))


def attach(l1_rpc: str, l2_rpc: str) -> Any:
    """A connected :class:`~ape_livepeer_migration.chains.pair.TwoChains` over two running anvils.

    ape-foundry connects to an anvil that already listens at its host instead of
    starting one, and leaves it running on disconnect.
    """
    from ape_livepeer_migration.chains.pair import LOCAL_PAIR, Chain, TwoChains
    from ape_livepeer_migration.chains.provider import attached_provider

    l1 = Chain("l1", attached_provider(LOCAL_PAIR.l1, l1_rpc))
    l2 = Chain("l2", attached_provider(LOCAL_PAIR.l2, l2_rpc))
    return TwoChains(l1, l2, LOCAL_PAIR).connect()


# ---------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import json
    import sys

    from ape_livepeer_migration.accounts import resolve_account

    parser = argparse.ArgumentParser(
        prog="python -m ape_livepeer_migration.relayer",
        description="A crash-safe, exactly-once relayer for the local Arbitrum simulator.",
    )
    parser.add_argument("--l1-rpc", required=True)
    parser.add_argument("--l2-rpc", required=True)
    parser.add_argument("--deployment", required=True, type=Path, help="JSON written by simulator_deployment()")
    parser.add_argument("--journal", required=True, type=Path)
    parser.add_argument("--operator", default="test:9", help="test:N or an Ape account alias (default test:9)")
    parser.add_argument("--fast-forward", action="store_true", help="mine the local L1 through challenge periods")
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument(
        "--address-book",
        type=Path,
        help="the pair's address book: with a system that mints on L1, also report the L2 staked supply to L1",
    )
    parser.add_argument(
        "--retry-undelivered", action="store_true", help="put every undelivered retryable back to ready before relaying"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)

    chains = attach(args.l1_rpc, args.l2_rpc)
    sim = load_simulator(chains, resolve_account(args.operator), json.loads(args.deployment.read_text()))
    stake_reports = None
    if args.address_book is not None:
        stake_reports = _stake_reports(chains, sim, args.address_book, args.journal, parser)
    relayer = Relayer.open(
        SimulatorBackend(sim), args.journal, fast_forward=args.fast_forward, stake_reports=stake_reports
    )
    if args.retry_undelivered:
        relayer.retry_undelivered()
    print("ready", flush=True)

    def show(report: PassReport) -> None:
        if not report.idle:
            print(json.dumps(report.__dict__), flush=True)

    if args.once:
        show(relayer.relay_once())
    else:
        stop = threading.Event()
        try:
            relayer.watch(args.poll_interval, stop, show)
        except KeyboardInterrupt:
            stop.set()
    relayer.journal.close()
    return 0


def _stake_reports(chains: Any, sim: Any, book_path: Path, journal: Path, parser: Any) -> OracleReports | None:
    """The stake reports of the system that the address book at ``book_path`` records over ``sim`` (``None`` when it
    mints on L2); a book of another simulator, of other chains or of no system is a usage error."""
    from ape_livepeer_migration.session.addressbook import AddressBook
    from ape_livepeer_migration.session.deployment import Deployment

    try:
        book = AddressBook.open(book_path, chains.pair.name, chains.l1.chain_id, chains.l2.chain_id)
        system = Deployment(chains, book, journal).system
    except LivepeerError as error:
        parser.error(str(error))
    if system.sim is None or system.sim.addresses != sim.addresses:
        parser.error(f"{book_path} records a system carried by another simulator than --deployment's")
    return OracleReports.of(system, sim.operator)
