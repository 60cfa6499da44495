"""Round helpers and constants of the protocol tests."""

from __future__ import annotations

from ape_livepeer_migration.deploy import L1Protocol

LPT = 10**18
#: Short rounds keep the tests fast: 40 blocks, the last 4 (10%) locked.
ROUND_LENGTH = 40
GENESIS_BALANCE = 1_000_000 * LPT
MAX_UINT = 2**256 - 1


def next_round(chains, p: L1Protocol, initialize: bool = True) -> int:
    """Mine to the first block of the next round (optionally initializing it); returns its number."""
    with chains.l1:
        start = p.rounds.currentRoundStartBlock()
        length = p.rounds.roundLength()
        # The next transaction is mined in the block after the current head.
        blocks = start + length - chains.l1.block_number - 1
        if blocks > 0:
            chains.l1.mine(blocks)
        if initialize:
            p.rounds.initializeRound(sender=p.token.owner())
        return p.rounds.currentRound()


def mine_to_lock(chains, p: L1Protocol) -> None:
    """Mine so that the next transaction lands in the current round's lock period."""
    with chains.l1:
        start = p.rounds.currentRoundStartBlock()
        length = p.rounds.roundLength()
        locked_from = start + length - length * p.rounds.roundLockAmount() // 1_000_000
        blocks = locked_from - chains.l1.block_number - 1
        if blocks > 0:
            chains.l1.mine(blocks)
