"""Who is who in a test deployment or the demo, and how an orchestrator enters the protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cast:
    """The accounts of a deployment by the part they play; a part nobody plays is ``None`` (or empty)."""

    governor: Any  # owns every contract
    operator: Any = None  # the Arbitrum simulator's operator (delivers retryables, asserts send roots)
    orchestrators: tuple[Any, ...] = ()
    delegators: tuple[Any, ...] = ()
    broker: Any = None  # holds the L1 TicketBroker's role in the protocol (credits fees)
    relayer: Any = None  # submits signed migrations and pays for them
    outsider: Any = None  # stakes nothing at the start (an attacker, a fresh L2 destination, a bystander)
    broadcaster: Any = None  # pays orchestrators with tickets
    bridger: Any = None  # an L1 holder who bridges LPT in and out

    @classmethod
    def of(cls, accounts: Sequence[Any]) -> Cast:
        """The usual parts of Ape's ten test accounts: 0 governor, 1 broker, 2-3 orchestrators, 4-6 delegators,
        7 relayer, 8 outsider, 9 operator (the simulator's operator in every test area)."""
        return cls(
            governor=accounts[0],
            broker=accounts[1],
            orchestrators=(accounts[2], accounts[3]),
            delegators=(accounts[4], accounts[5], accounts[6]),
            relayer=accounts[7],
            outsider=accounts[8],
            operator=accounts[9],
        )

    @property
    def people(self) -> tuple[Any, ...]:
        """The orchestrators, the delegators and the outsider: the accounts that hold and stake LPT."""
        return (*self.orchestrators, *self.delegators, *([self.outsider] if self.outsider is not None else []))

    # The first orchestrators and delegators by the names tests give them.
    o1 = property(lambda self: self.orchestrators[0])
    o2 = property(lambda self: self.orchestrators[1])
    d1 = property(lambda self: self.delegators[0])
    d2 = property(lambda self: self.delegators[1])
    d3 = property(lambda self: self.delegators[2])


def register_orchestrator(
    bonding_manager: Any,
    orchestrator: Any,
    amount: int,
    *delegations: tuple[Any, int],
    reward_cut: int = 0,
    fee_share: int = 0,
) -> None:
    """``orchestrator`` bonds ``amount`` to itself and sets its terms (precision 1e6), which registers it (active from
    the next round); then each ``(delegator, amount)`` of ``delegations`` bonds that amount to it, in order. The
    bonding manager must already be allowed to pull the LPT."""
    bonding_manager.bond(amount, orchestrator, sender=orchestrator)
    bonding_manager.transcoder(reward_cut, fee_share, sender=orchestrator)
    for delegator, delegated in delegations:
        bonding_manager.bond(delegated, orchestrator, sender=delegator)
