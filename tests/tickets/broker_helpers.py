"""Helpers for the TicketBroker tests: revert checks, round driving, ticket making."""

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from ape import project
from ape.exceptions import ContractLogicError
from eth_utils import keccak

from ape_livepeer_migration import scenario
from ape_livepeer_migration.protocol.tickets import UINT256_MAX, BrokerDomain, Ticket, aux_data, new_ticket, ticket_hash

UNLOCK_PERIOD = 2
TICKET_VALIDITY_PERIOD = 2
ROUND_LENGTH = 100
LPT = 10**18


def _error_name(error: ContractLogicError) -> str:
    """The custom error's name; Ape leaves reverts of deployments undecoded, so decode those here."""
    if type(error) is not ContractLogicError:
        return type(error).__name__
    selectors = {
        "0x" + keccak(text=abi.selector)[:4].hex(): abi.name for abi in project.TicketBroker.contract_type.errors
    }
    return selectors.get(str(error.revert_message), "<undecoded>")


@contextmanager
def reverts(error_name: str, **inputs: Any):
    """Expect a revert with custom error ``error_name`` (and these input values)."""
    with pytest.raises(ContractLogicError) as info:
        yield info
    error = info.value
    actual_name = _error_name(error)
    assert actual_name == error_name, f"expected {error_name}, got {actual_name}: {error!r}"
    for name, expected in inputs.items():
        actual = error.inputs[name]
        if isinstance(expected, bytes):
            actual = bytes(actual)
        assert actual == expected, f"{error_name}.{name}: expected {expected!r}, got {actual!r}"


@dataclass
class L1WithBroker:
    """The L1 protocol, a TicketBroker wired into it, and helpers to drive rounds and tickets."""

    chain: Any
    keeper: Any
    broker: Any
    bonding_manager: Any
    minter: Any
    rounds_manager: Any
    token: Any
    domain: BrokerDomain

    SELF_STAKE = 1_000 * LPT
    DELEGATED = 3_000 * LPT
    REWARD_CUT = 100_000
    FEE_SHARE = 600_000

    def current_round(self) -> int:
        return self.rounds_manager.currentRound()

    def round_hash(self, round_: int) -> bytes:
        return bytes(self.broker.roundBlockHash(round_))

    def step_into_next_round(self) -> None:
        """Mine until the latest block is the first block of the next round (left uninitialized)."""
        scenario.mine_to_next_round(self.chain, self.rounds_manager)
        self.chain.mine(1)

    def next_round(self, anchor: bool = True) -> None:
        """Move to the next round and initialize it (and anchor it for tickets unless told not to)."""
        self.step_into_next_round()
        self.rounds_manager.initializeRound(sender=self.keeper)
        if anchor:
            self.broker.anchorRound(sender=self.keeper)

    def pending_fees(self, account: Any) -> int:
        return self.bonding_manager.pendingFees(account, self.current_round())

    def ticket_hash(self, ticket: Ticket) -> bytes:
        return ticket_hash(ticket, self.domain)

    def winning_ticket(
        self,
        sender: Any,
        recipient: Any,
        *,
        face_value: int = 10**15,
        win_prob: int = UINT256_MAX,
        nonce: int = 1,
        creation_round: int | None = None,
        block_hash: bytes | None = None,
        aux: bytes | None = None,
        sender_address: str | None = None,
    ) -> tuple[Ticket, bytes, int]:
        """A ticket from ``sender`` to ``recipient`` for the current round, signed by ``sender``.

        ``win_prob`` defaults to the maximum, so the ticket wins unless a keccak256 value is 2**256 - 1.
        """
        round_ = self.current_round() if creation_round is None else creation_round
        if aux is None:
            aux = aux_data(round_, self.round_hash(round_) if block_hash is None else block_hash)
        return new_ticket(sender, self.domain, recipient.address, face_value, win_prob, nonce, aux, sender_address)
