"""Fixtures of the Arbitrum simulator tests: one simulator and one pair of test endpoints per
test process, deployed before the per-test snapshot of both chains."""

import pytest
from ape import project

from ape_livepeer_migration.simulator import deploy_simulator


@pytest.fixture(scope="session")
def operator(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def user(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def sim(two_chains, operator):
    return deploy_simulator(two_chains, operator)


@pytest.fixture(scope="session")
def endpoints(two_chains, sim, accounts):
    """(L1 endpoint, L2 endpoint), each the other's counterpart."""
    deployer = accounts[0]
    with two_chains.l1:
        l1 = two_chains.l1.bind(project.TestL1Endpoint.deploy(sim.inbox.address, sender=deployer))
    with two_chains.l2:
        l2 = two_chains.l2.bind(project.TestL2Endpoint.deploy(sender=deployer))
    l1.setCounterpart(l2.address, sender=deployer)
    l2.setCounterpart(l1.address, sender=deployer)
    return l1, l2
