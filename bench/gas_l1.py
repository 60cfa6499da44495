"""Gas used on L1 by the staking and ticket calls: the costs that motivate moving to Arbitrum.

Starts a local L1 + L2 pair (only the L1 is used), deploys the L1 protocol and a TicketBroker,
walks one orchestrator, one delegator and one broadcaster through the protocol, and records the
gas of each measured transaction from its receipt. ``reward.first`` is the orchestrator's first
reward() ever, ``reward.steady`` the median of the following rounds' calls;
``redeemWinningTicket.first`` is the first redemption (cold slots), ``redeemWinningTicket`` a later
one paid from the deposit, ``redeemWinningTicket.reserve`` one that also draws on the reserve;
``initializeRound`` and ``anchorRound`` are from the last round started. Prints a table and writes
``bench/results-l1.json`` (``{"gas.l1.<call>": gas, ...}``). Nothing is asserted.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/gas_l1.py [--out PATH] [--steady-rounds N]
"""

from __future__ import annotations

import argparse
import statistics
from fractions import Fraction
from pathlib import Path

from ape import accounts
from ape.logging import LogLevel, logger
from figures import report

from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.protocol.deploy import deploy_l1_protocol, deploy_ticket_broker
from ape_livepeer_migration.protocol.tickets import BrokerDomain, Ticket, aux_data, draw_winning_ticket, win_prob
from ape_livepeer_migration.testing.rounds import mine_to_next_round

LPT = 10**18
ETH = 10**18
ROUND_LENGTH = 50
UNLOCK_PERIOD = 2
TICKET_VALIDITY_PERIOD = 2
DEFAULT_OUT = Path(__file__).resolve().parent / "results-l1.json"


class Bench:
    """The deployed contracts, the actors, and the gas figures collected so far."""

    def __init__(self, chain):
        self.chain = chain
        self.results: dict[str, int] = {}
        test_accounts = accounts.test_accounts
        self.deployer, self.orchestrator, self.delegator, self.broadcaster = test_accounts[:4]
        self.protocol = deploy_l1_protocol(
            self.deployer,
            genesis={self.orchestrator.address: 10_000 * LPT, self.delegator.address: 10_000 * LPT},
            round_length=ROUND_LENGTH,
        )
        self.broker = deploy_ticket_broker(self.protocol, self.deployer, UNLOCK_PERIOD, TICKET_VALIDITY_PERIOD)
        self.domain = BrokerDomain(chain.chain_id, self.broker.address)
        self.nonce = 0

    def record(self, key: str, receipt) -> None:
        self.results[f"gas.l1.{key}"] = receipt.gas_used

    def next_round(self) -> None:
        rounds = self.protocol.rounds
        mine_to_next_round(self.chain, rounds)
        self.record("initializeRound", rounds.initializeRound(sender=self.deployer))
        self.record("anchorRound", self.broker.anchorRound(sender=self.deployer))

    def winning_ticket(self, face_value: int) -> tuple[Ticket, bytes, int]:
        """A signed ticket that wins (tickets are drawn at 1/2 until one wins, as the recipient would)."""
        round_ = self.protocol.rounds.currentRound()
        ticket, sig, rand = draw_winning_ticket(
            self.broadcaster,
            self.domain,
            self.orchestrator.address,
            face_value,
            win_prob(Fraction(1, 2)),
            self.nonce + 1,
            aux_data(round_, bytes(self.broker.roundBlockHash(round_))),
        )
        self.nonce = ticket.sender_nonce
        return ticket, sig, rand

    def redeem(self, key: str, face_value: int) -> None:
        ticket, sig, rand = self.winning_ticket(face_value)
        receipt = self.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=self.orchestrator)
        self.record(key, receipt)

    def run(self, steady_rounds: int) -> dict[str, int]:
        p, bm = self.protocol, self.protocol.bonding_manager
        o, d, b = self.orchestrator, self.delegator, self.broadcaster
        p.rounds.initializeRound(sender=self.deployer)

        p.token.approve(bm, 5_000 * LPT, sender=o)
        self.record("bond.self", bm.bond(5_000 * LPT, o, sender=o))
        self.record("transcoder", bm.transcoder(100_000, 500_000, sender=o))
        p.token.approve(bm, 5_000 * LPT, sender=d)
        self.record("bond", bm.bond(4_000 * LPT, o, sender=d))
        self.record("bond.add", bm.bond(1_000 * LPT, o, sender=d))

        self.next_round()
        self.record("reward.first", bm.reward(sender=o))
        steady = []
        for _ in range(steady_rounds):
            self.next_round()
            steady.append(bm.reward(sender=o).gas_used)
        self.results["gas.l1.reward.steady"] = int(statistics.median(steady))
        self.results["gas.l1.reward.steady.max"] = max(steady)

        self.record("fundDeposit", self.broker.fundDeposit(sender=b, value=ETH))
        self.record("fundReserve", self.broker.fundReserve(sender=b, value=ETH))
        self.redeem("redeemWinningTicket.first", ETH // 100)
        self.redeem("redeemWinningTicket", ETH // 100)
        # a face value above what is left of the deposit: the rest comes from the reserve
        self.redeem("redeemWinningTicket.reserve", ETH)

        fees = bm.pendingFees(o, p.rounds.currentRound())
        self.record("withdrawFees", bm.withdrawFees(o, fees, sender=o))
        self.record("unbond", bm.unbond(1_000 * LPT, sender=d))
        self.record("claimEarnings", bm.claimEarnings(sender=d))

        self.record("unlock", self.broker.unlock(sender=b))
        for _ in range(UNLOCK_PERIOD):
            self.next_round()
        self.record("withdraw", self.broker.withdraw(sender=b))
        return self.results


def measure(steady_rounds: int = 3) -> dict[str, int]:
    """Start a local pair, walk the actors through the L1 protocol, return ``{"gas.l1.<call>": gas}``."""
    logger.set_level(LogLevel.WARNING)
    with TwoChains.local() as chains, chains.l1:
        return Bench(chains.l1).run(steady_rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    parser.add_argument("--steady-rounds", type=int, default=3, help="rounds of reward() after the first")
    args = parser.parse_args()
    if args.steady_rounds < 1:
        parser.error("--steady-rounds must be at least 1")

    report(measure(args.steady_rounds), args.out)


if __name__ == "__main__":
    main()
