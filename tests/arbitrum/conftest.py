"""Fixtures of the Arbitrum simulator tests: one simulator and one pair of test endpoints per
test process, deployed before the per-test snapshot of both chains, and small helpers."""

import pytest

from ape_livepeer_migration.arbitrum import simulator as sim_api
from shared_fixtures import account_fixture, endpoints, simulator_fixture  # noqa: F401 (endpoints: a fixture)

GAS_LIMIT = 200_000


user = account_fixture(1)
sim = simulator_fixture()


@pytest.fixture
def send_to_l2(chains, sim, endpoints, user):
    """Send a payload from the L1 endpoint; returns the RetryableMessage the Inbox recorded."""
    l1_endpoint, _ = endpoints

    def send(
        payload=b"payload",
        l2_call_value=0,
        max_submission_cost=0,
        gas_limit=GAS_LIMIT,
        max_fee_per_gas=0,
        value=None,
        refund=None,
        beneficiary=None,
        sender=None,
        **tx,
    ):
        if value is None:
            value = max_submission_cost + l2_call_value + gas_limit * max_fee_per_gas
        sender = sender or user
        receipt = l1_endpoint.sendToL2(
            payload,
            l2_call_value,
            (max_submission_cost, gas_limit, max_fee_per_gas),
            refund or sender.address,
            beneficiary or sender.address,
            value=value,
            sender=sender,
            **tx,
        )
        (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
        return message

    return send


@pytest.fixture
def l2_balance(chains):
    return lambda address: chains.l2.provider.get_balance(str(address))


@pytest.fixture
def l1_balance(chains):
    return lambda address: chains.l1.provider.get_balance(str(address))


def _normalized(value):
    if hasattr(value, "address"):
        value = value.address
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower()
    return value


def _error_abis():
    from ape import project

    abis = {}
    for contract_type in project.contracts.values():
        for abi in contract_type.abi:
            if abi.type == "error":
                abis.setdefault(abi.name, []).append(abi)
    return abis


def _decode_bare_custom_error(error, abis):
    """(name, inputs) of a revert Ape left undecoded ("custom error 0x...")."""
    import re

    from eth_abi import decode
    from eth_utils import keccak

    match = re.fullmatch(r"(?:custom error )?0x([0-9a-fA-F]{8,})", str(error).strip())
    if not match:
        return type(error).__name__, getattr(error, "inputs", None) or {}
    data = bytes.fromhex(match.group(1))
    for candidates in abis.values():
        for abi in candidates:
            if keccak(text=abi.selector)[:4] == data[:4]:
                values = decode([i.canonical_type for i in abi.inputs], data[4:])
                return abi.name, {i.name: v for i, v in zip(abi.inputs, values)}
    return type(error).__name__, {}


@pytest.fixture(scope="package")
def reverts():
    """``with reverts("ErrorName", arg=value, ...)``: the call must revert with that custom
    error; when arguments are given, with exactly those arguments (stricter than
    ``ape.reverts``, which skips argument names it does not know)."""
    from contextlib import contextmanager

    from ape.exceptions import ContractLogicError

    abis = _error_abis()

    @contextmanager
    def check(name, **inputs):
        with pytest.raises(ContractLogicError) as info:
            yield info
        actual_name, actual_inputs = _decode_bare_custom_error(info.value, abis)
        assert actual_name == name, f"expected {name}, got {actual_name}: {info.value}"
        if inputs:
            actual = {key: _normalized(value) for key, value in actual_inputs.items()}
            assert actual == {key: _normalized(value) for key, value in inputs.items()}

    return check
