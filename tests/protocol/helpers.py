"""Round helpers and constants of the protocol tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ape.exceptions import ContractLogicError, CustomError
from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from ape_livepeer_migration import scenario
from ape_livepeer_migration.protocol.deploy import L1Protocol

LPT = 10**18
#: Short rounds keep the tests fast: 40 blocks, the last 4 (10%) locked.
ROUND_LENGTH = 40
GENESIS_BALANCE = 1_000_000 * LPT
MAX_UINT = 2**256 - 1


def next_round(chains, p: Any, initialize: bool = True, layer: str = "l1") -> int:
    """Mine to the first block of the next round of protocol ``p`` on ``layer`` (an :class:`L1Protocol`, or any
    holder of ``rounds`` and ``token``), initializing it by the token's owner unless told not to; returns the
    current round's number."""
    chain = getattr(chains, layer)
    with chain:
        if initialize:
            return scenario.next_round(chain, p.rounds, p.token.owner())
        scenario.mine_to_next_round(chain, p.rounds)
        return p.rounds.currentRound()


def mine_to_lock(chains, p: L1Protocol) -> None:
    """Mine to the first block of the current round's lock period (views and the next transactions see it)."""
    with chains.l1:
        start = p.rounds.currentRoundStartBlock()
        length = p.rounds.roundLength()
        locked_from = start + length - length * p.rounds.roundLockAmount() // 1_000_000
        blocks = locked_from - chains.l1.block_number
        if blocks > 0:
            chains.l1.mine(blocks)


def _raw_revert_data(exc: ContractLogicError) -> bytes:
    """Revert data ape left undecoded (views show it as latin-1 text, deployments as hex)."""
    message = str(exc.message)
    if message.startswith("0x"):
        try:
            return bytes.fromhex(message[2:])
        except ValueError:
            pass
    return message.encode("latin-1")


def _error_inputs(exc: ContractLogicError, error: Any) -> dict[str, Any]:
    """Name and inputs of the custom error in ``exc``, decoded by ape or, failing that, from its raw data."""
    if isinstance(exc, CustomError):
        assert type(exc).__name__ == error.__name__, f"expected {error.__name__}, got {type(exc).__name__}: {exc}"
        return dict(exc.inputs)
    data = _raw_revert_data(exc)
    selector = keccak(text=error.abi.selector)[:4]
    assert data[:4] == selector, f"expected {error.__name__}, got revert data {data.hex()}"
    types = [ipt.canonical_type for ipt in error.abi.inputs]
    values = abi_decode(types, data[4:])
    return {
        ipt.name: to_checksum_address(v) if ipt.type == "address" else v for ipt, v in zip(error.abi.inputs, values)
    }


@contextmanager
def reverts(error: Any, **inputs: Any) -> Iterator[None]:
    """Expect a revert with exactly the custom error ``error`` (a contract's error class) and these inputs.

    Stricter than ``ape.reverts``, which accepts *any* revert whose data it could not decode.
    """
    try:
        yield
    except ContractLogicError as exc:
        actual_inputs = _error_inputs(exc, error)
        for name, expected in inputs.items():
            assert name in actual_inputs, f"{error.__name__} has no input {name!r}"
            actual = actual_inputs[name]
            if isinstance(expected, str) and isinstance(actual, str):
                expected, actual = expected.lower(), actual.lower()
            assert actual == expected, f"{error.__name__}.{name}: expected {expected!r}, got {actual!r}"
    else:
        raise AssertionError(f"expected a revert with {error.__name__}; the call succeeded")
