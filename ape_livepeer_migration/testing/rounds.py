"""Moving protocol rounds on a local chain: mining to a round's first block or its lock period, and initializing.

Every function takes the :class:`~ape_livepeer_migration.chains.pair.Chain` the RoundsManager lives on and enters it
itself, so the contracts may be bound to it or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import InputError

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.chains.pair import Chain, TwoChains

#: RoundsManager.roundLockAmount is a share of the round in millionths.
_LOCK_PRECISION = 1_000_000


def mine_to_next_round(chain: Chain, rounds: Any) -> None:
    """Mine on ``chain`` so that its next transaction lands in the first block of the next round of ``rounds``."""
    _mine_to_round_end(chain, rounds, 0)


def mine_to_last_block(chain: Chain, rounds: Any) -> None:
    """Mine on ``chain`` so that its next transaction lands in the last block of the current round of ``rounds``."""
    _mine_to_round_end(chain, rounds, 1)


def _mine_to_round_end(chain: Chain, rounds: Any, blocks_left: int) -> None:
    """Mine on ``chain`` so that its next transaction lands ``blocks_left`` blocks before the next round starts."""
    with chain:
        missing = rounds.currentRoundStartBlock() + rounds.roundLength() - blocks_left - chain.block_number - 1
        if missing > 0:
            chain.mine(missing)


def next_round(chain: Chain, rounds: Any, keeper: Any = None) -> int:
    """Mine to the first block of the next round of ``rounds`` (on ``chain``) and initialize it, by ``keeper``
    (default: the RoundsManager's owner); returns its number."""
    with chain:
        mine_to_next_round(chain, rounds)
        rounds.initializeRound(sender=rounds.owner() if keeper is None else keeper)
        return rounds.currentRound()


def mine_to_lock(chain: Chain, rounds: Any) -> None:
    """Mine to the first block of the current round's lock period (views and the next transactions see it)."""
    with chain:
        length = rounds.roundLength()
        locked_from = rounds.currentRoundStartBlock() + length - length * rounds.roundLockAmount() // _LOCK_PRECISION
        blocks = locked_from - chain.block_number
        if blocks > 0:
            chain.mine(blocks)


def _layers(system: System, layers: Iterable[str]) -> list[tuple[Chain, Any]]:
    chosen = set(layers)
    if not chosen <= {"l1", "l2"}:
        raise InputError(f"layers are 'l1' and 'l2', not {sorted(chosen - {'l1', 'l2'})}")
    both = (("l1", system.chains.l1, system.l1.rounds), ("l2", system.chains.l2, system.l2_rounds))
    return [(chain, rounds) for layer, chain, rounds in both if layer in chosen]


def next_rounds(system: System, layers: Iterable[str] = ("l1", "l2")) -> None:
    """Start the next round on each of ``layers`` of ``system``, initialized by its RoundsManager's owner."""
    for chain, rounds in _layers(system, layers):
        next_round(chain, rounds)


def initialize_rounds(system: System, layers: Iterable[str] = ("l1", "l2")) -> None:
    """Initialize the current round on each of ``layers`` where nobody has yet (what a keeper does), by its
    RoundsManager's owner."""
    for chain, rounds in _layers(system, layers):
        with chain:
            if not rounds.currentRoundInitialized():
                rounds.initializeRound(sender=rounds.owner())


def an_hour_passes(chains: TwoChains) -> None:
    """An hour passes on both chains of a local pair, and L1 time is not behind L2 time (as on Arbitrum, whose clock
    follows L1's; two local anvils drift apart as they mine): an L2 block mined now (one is) reads as no newer than
    L1 time, as a reading by the L2 stake oracle's reporters would."""
    heads = {}
    for layer in ("l1", "l2"):
        chain = getattr(chains, layer)
        with chain:
            heads[layer] = chain.provider.get_block("latest").timestamp
    chains.l1.provider.make_request("evm_increaseTime", [3600 + max(0, heads["l2"] - heads["l1"])])
    chains.l2.provider.make_request("evm_increaseTime", [3600])
    chains.l2.mine(1)
