"""Helpers for the TicketBroker tests: round driving, ticket making."""

from dataclasses import dataclass
from typing import Any

from shared import LPT

from ape_livepeer_migration.protocol.tickets import UINT256_MAX, BrokerDomain, Ticket, aux_data, new_ticket, ticket_hash
from ape_livepeer_migration.testing.rounds import mine_to_next_round

UNLOCK_PERIOD = 2
TICKET_VALIDITY_PERIOD = 2
ROUND_LENGTH = 100


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
        mine_to_next_round(self.chain, self.rounds_manager)
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
