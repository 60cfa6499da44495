"""Fixtures of the Arbitrum simulator tests: one simulator and one pair of test endpoints per
test process, deployed before the per-test snapshot of both chains, and small helpers."""

import pytest
from ape import project

from ape_livepeer_migration import simulator as sim_api

GAS_LIMIT = 200_000


@pytest.fixture(scope="session")
def operator(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def user(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def sim(two_chains, operator):
    return sim_api.deploy_simulator(two_chains, operator)


@pytest.fixture(scope="session")
def endpoints(two_chains, sim, accounts):
    """(L1 endpoint, L2 endpoint), each the other's counterpart; different addresses."""
    with two_chains.l1:
        l1 = two_chains.l1.bind(project.TestL1Endpoint.deploy(sim.inbox.address, sender=accounts[0]))
    with two_chains.l2:
        l2 = two_chains.l2.bind(project.TestL2Endpoint.deploy(sender=accounts[2]))
    assert l1.address != l2.address
    l1.setCounterpart(l2.address, sender=accounts[0])
    l2.setCounterpart(l1.address, sender=accounts[2])
    return l1, l2


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


@pytest.fixture
def set_base_fee(chains):
    """Give the next block of a layer a base fee (the local anvils run at base fee 0)."""

    def set_fee(chain, wei):
        chain.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(wei)])

    return set_fee
