"""Fixtures of the Arbitrum simulator tests: one simulator and one pair of test endpoints per
test process, deployed before the per-test snapshot of both chains, and balance readers."""

import pytest
from shared import account_fixture, endpoints, send_to_l2_fixture, simulator_fixture  # noqa: F401 (endpoints)

user = account_fixture(1)
sim = simulator_fixture()
send_to_l2 = send_to_l2_fixture()


@pytest.fixture
def l2_balance(chains):
    return lambda address: chains.l2.provider.get_balance(str(address))


@pytest.fixture
def l1_balance(chains):
    return lambda address: chains.l1.provider.get_balance(str(address))
