"""``with reverts(error, **inputs)``: a strict check that a call reverts with one custom error.

Stricter than ``ape.reverts``, which accepts *any* revert whose data it could not decode. Ape leaves some reverts
undecoded (those of deployments, and of views whose contract it does not know): this helper decodes those itself,
with the error ABIs of the plugin's contracts and of the running Ape project.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
from ape.exceptions import ContractLogicError, CustomError
from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address


@contextmanager
def reverts(error: Any, **inputs: Any) -> Iterator[pytest.ExceptionInfo[ContractLogicError]]:
    """Expect the block to revert with the custom error ``error`` (a contract's error class, such as
    ``token.NotMinter``, or the error's name) and, for each input named in ``inputs``, that value. Addresses compare
    without regard to case, accounts and contracts by their address."""
    expected = error if isinstance(error, str) else error.__name__
    with pytest.raises(ContractLogicError) as info:
        yield info
    name, actual_inputs = _decoded(info.value, [] if isinstance(error, str) else [error.abi])
    assert name == expected, f"expected {expected}, got {name}: {info.value!r}"
    for key, value in inputs.items():
        assert key in actual_inputs, f"{expected} has no input {key!r}"
        actual = _normalized(actual_inputs[key])
        assert actual == _normalized(value), f"{expected}.{key}: expected {value!r}, got {actual!r}"


def _normalized(value: Any) -> Any:
    if hasattr(value, "address"):
        value = value.address
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower()
    return value


def _decoded(exc: ContractLogicError, abis: list[Any]) -> tuple[str, dict[str, Any]]:
    """Name and inputs of the custom error in ``exc``: Ape's decoding, or else the raw data decoded with the first of
    ``abis`` and then of every known error ABI whose selector matches."""
    if isinstance(exc, CustomError):
        return type(exc).__name__, dict(exc.inputs)
    data = _revert_data(exc)
    for abi in (*abis, *_known_error_abis()):
        if keccak(text=abi.selector)[:4] == data[:4]:
            values = abi_decode([i.canonical_type for i in abi.inputs], data[4:])
            return abi.name, {
                i.name: to_checksum_address(v) if i.type == "address" else v
                for i, v in zip(abi.inputs, values, strict=True)
            }
    return f"undecoded revert 0x{data.hex()}", {}


def _revert_data(exc: ContractLogicError) -> bytes:
    """Revert data Ape left undecoded: hex for deployments ("0x..." or "custom error 0x..."), latin-1 text for
    views."""
    message = str(exc.message).strip().removeprefix("custom error ")
    if message.startswith("0x"):
        try:
            return bytes.fromhex(message[2:])
        except ValueError:
            pass
    return message.encode("latin-1", errors="replace")


@cache
def _known_error_abis() -> tuple[Any, ...]:
    """The custom errors of every contract type the plugin ships and of the running Ape project."""
    from ape import project

    from ape_livepeer_migration.contracts import contract_type, names

    types = [*(contract_type(name) for name in names()), *project.contracts.values()]
    return tuple(abi for t in types for abi in t.abi if abi.type == "error")


def revert_selector(chain: Any, sender: str, contract: Any, method: str, args: tuple, value: int = 0) -> bytes | None:
    """The 4-byte error selector ``contract.method(*args)`` reverts with as an ``eth_call`` from ``sender`` on
    ``chain`` (``None``: it would succeed; empty: a revert without data). A raw call, nothing is sent: Ape would print
    a call trace for every expected revert."""
    from web3.exceptions import ContractLogicError as Web3LogicError

    with chain:
        data = getattr(getattr(contract, "unwrapped", contract), method).encode_input(*args)
    call = {"from": sender, "to": str(contract.address), "data": "0x" + bytes(data).hex(), "value": value}
    try:
        chain.provider.web3.eth.call(call)
    except Web3LogicError as error:
        revert = error.data if isinstance(error.data, str) else ""
        return bytes.fromhex(revert[2:10]) if revert.startswith("0x") else b""
    return None
