"""Probabilistic micropayment tickets for the TicketBroker, built and judged off-chain.

Everything here mirrors ``contracts/l1/TicketBroker.sol`` byte for byte:

* ``aux_data(round, block_hash)`` is ``abi.encode(uint256, bytes32)`` (64 bytes), the block hash
  being the round's anchor (``broker.roundBlockHash(round)``, set by ``broker.anchorRound()``);
* :func:`ticket_hash` is ``keccak256(abi.encodePacked(chainid, broker, recipient, sender,
  faceValue, winProb, senderNonce, recipientRandHash, auxData))``;
* a sender signs that hash as an EIP-191 personal message (:func:`sign_ticket`);
* :func:`is_winning` is ``uint256(keccak256(sig ++ recipientRand)) < winProb``;
* :func:`new_ticket` builds and signs one ticket with a fresh recipient secret, and
  :func:`draw_winning_ticket` keeps doing so until a ticket wins.

A sketch of one payment::

    rand = new_recipient_rand()
    ticket = Ticket(recipient=o.address, sender=b.address, face_value=10**15,
                    win_prob=win_prob(Fraction(1, 100)), sender_nonce=1,
                    recipient_rand_hash=recipient_rand_hash(rand),
                    aux_data=aux_data(round, broker.roundBlockHash(round)))
    domain = BrokerDomain(chain_id, broker.address)
    sig = sign_ticket(ticket, b, domain)
    if is_winning(sig, rand, ticket.win_prob):
        broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=o)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.base import BaseAccount
from eth_utils import keccak, to_canonical_address

from ape_livepeer_migration.exceptions import InputError

UINT256_MAX = 2**256 - 1
AUX_DATA_LENGTH = 64


@dataclass(frozen=True)
class BrokerDomain:
    """The broker a ticket is issued for: its chain id and address are part of the ticket hash."""

    chain_id: int
    address: str


@dataclass(frozen=True)
class Ticket:
    """The fields of ``TicketBroker.Ticket``, in the contract's order."""

    recipient: str
    sender: str
    face_value: int
    win_prob: int
    sender_nonce: int
    recipient_rand_hash: bytes
    aux_data: bytes

    def __post_init__(self) -> None:
        for name in ("face_value", "win_prob", "sender_nonce"):
            value = getattr(self, name)
            if not 0 <= value <= UINT256_MAX:
                raise InputError(f"{name} must fit in a uint256, got {value}")
        if len(self.recipient_rand_hash) != 32:
            raise InputError("recipient_rand_hash must be 32 bytes")

    def as_tuple(self) -> tuple[str, str, int, int, int, bytes, bytes]:
        """The ticket as the ABI tuple that ``redeemWinningTicket`` takes."""
        return (
            self.recipient,
            self.sender,
            self.face_value,
            self.win_prob,
            self.sender_nonce,
            self.recipient_rand_hash,
            self.aux_data,
        )


def new_recipient_rand() -> int:
    """A fresh 256-bit recipient secret."""
    return secrets.randbits(256)


def recipient_rand_hash(recipient_rand: int) -> bytes:
    """``keccak256(abi.encodePacked(uint256 recipientRand))``: the recipient's commitment."""
    return keccak(_uint256(recipient_rand))


def aux_data(creation_round: int, creation_round_block_hash: bytes) -> bytes:
    """``abi.encode(creationRound, creationRoundBlockHash)``: ties a ticket to a round so it expires."""
    return encode(["uint256", "bytes32"], [creation_round, bytes(creation_round_block_hash)])


def win_prob(probability: Fraction | int | str) -> int:
    """The ``winProb`` for a winning chance ``probability`` (0..1): ``floor(p * 2**256)``, at most 2**256-1."""
    probability = Fraction(probability)
    if not 0 <= probability <= 1:
        raise InputError(f"probability must be within [0, 1], got {probability}")
    return min(int(probability * 2**256), UINT256_MAX)


def ticket_hash(ticket: Ticket, domain: BrokerDomain) -> bytes:
    """The hash the contract's ``getTicketHash`` returns for ``ticket`` at ``domain``."""
    return keccak(
        _uint256(domain.chain_id)
        + to_canonical_address(domain.address)
        + to_canonical_address(ticket.recipient)
        + to_canonical_address(ticket.sender)
        + _uint256(ticket.face_value)
        + _uint256(ticket.win_prob)
        + _uint256(ticket.sender_nonce)
        + ticket.recipient_rand_hash
        + ticket.aux_data
    )


def sign_ticket(ticket: Ticket, signer: Any, domain: BrokerDomain) -> bytes:
    """The sender's 65-byte (r, s, v) EIP-191 signature of the ticket hash.

    ``signer`` is a private key (hex string or bytes), an eth-account account, or an Ape account
    (anything whose ``sign_message`` returns an Ape ``MessageSignature``).
    """
    message = encode_defunct(primitive=ticket_hash(ticket, domain))
    if isinstance(signer, (str, bytes)):
        return bytes(Account.sign_message(message, signer).signature)
    if isinstance(signer, BaseAccount):
        return bytes(signer.sign_message(message).signature)
    signature = signer.sign_message(message)
    if signature is None:
        raise InputError(f"{signer!r} declined to sign the ticket")
    return signature.encode_rsv()


def is_winning(signature: bytes, recipient_rand: int, ticket_win_prob: int) -> bool:
    """Exactly the contract's ``isWinningTicket``."""
    return int.from_bytes(keccak(bytes(signature) + _uint256(recipient_rand)), "big") < ticket_win_prob


def new_ticket(
    signer: Any,
    domain: BrokerDomain,
    recipient: str,
    face_value: int,
    ticket_win_prob: int,
    sender_nonce: int,
    ticket_aux_data: bytes,
    sender_address: str | None = None,
) -> tuple[Ticket, bytes, int]:
    """A ticket to ``recipient`` committing to a fresh recipient secret, signed by ``signer`` (:func:`sign_ticket`):
    ``(ticket, signature, recipient_rand)``. Its sender is ``signer.address`` unless ``sender_address`` is given."""
    rand = new_recipient_rand()
    ticket = Ticket(
        recipient=str(recipient),
        sender=str(signer.address if sender_address is None else sender_address),
        face_value=face_value,
        win_prob=ticket_win_prob,
        sender_nonce=sender_nonce,
        recipient_rand_hash=recipient_rand_hash(rand),
        aux_data=ticket_aux_data,
    )
    return ticket, sign_ticket(ticket, signer, domain), rand


def draw_winning_ticket(
    signer: Any,
    domain: BrokerDomain,
    recipient: str,
    face_value: int,
    ticket_win_prob: int,
    first_nonce: int,
    ticket_aux_data: bytes,
) -> tuple[Ticket, bytes, int]:
    """Tickets of :func:`new_ticket` with sender nonces ``first_nonce``, ``first_nonce + 1``, ... until one wins
    (as a paid recipient keeps receiving them): the winner's ``(ticket, signature, recipient_rand)``. Its
    ``sender_nonce`` is the last nonce used, so ``sender_nonce - first_nonce + 1`` tickets were signed."""
    nonce = first_nonce
    while True:
        ticket, signature, rand = new_ticket(
            signer, domain, recipient, face_value, ticket_win_prob, nonce, ticket_aux_data
        )
        if is_winning(signature, rand, ticket_win_prob):
            return ticket, signature, rand
        nonce += 1


def _uint256(value: int) -> bytes:
    return value.to_bytes(32, "big")
