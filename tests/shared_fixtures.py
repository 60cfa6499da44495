"""Fixtures that several test areas share (and the helper that goes with one of them), each written once here.

An area's conftest imports the ones it uses; a package-scoped fixture then belongs to that area (pytest registers
it where it is found), so each area deploys its own simulator inside ``two_chains.isolated()`` and undoes it at its
end, as the root conftest asks of every area that deploys one.
"""

from __future__ import annotations

import pytest
from ape import project

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.relayer.core import Relayer
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend


def account_fixture(index: int):
    """A package fixture giving the session's test account ``index`` (``governor = account_fixture(0)``)."""

    @pytest.fixture(scope="package")
    def account(accounts):
        return accounts[index]

    return account


def simulator_fixture(**options):
    """A package fixture ``sim``: an Arbitrum simulator operated by ``operator`` (``options`` go to
    :func:`~ape_livepeer_migration.arbitrum.simulator.deploy_simulator`), undone at the end of the package: its L2
    precompiles are per chain, and the pair may serve other areas' files next (--dist loadfile)."""

    @pytest.fixture(scope="package")
    def sim(two_chains, operator):
        with two_chains.isolated():
            yield sim_api.deploy_simulator(two_chains, operator, **options)

    return sim


@pytest.fixture(scope="package")
def endpoints(two_chains, sim, accounts):
    """(L1 endpoint, L2 endpoint) of the simulator's messaging, each the other's counterpart; different addresses."""
    with two_chains.l1:
        l1 = two_chains.l1.bind(project.TestL1Endpoint.deploy(sim.inbox.address, sender=accounts[0]))
    with two_chains.l2:
        l2 = two_chains.l2.bind(project.TestL2Endpoint.deploy(sender=accounts[2]))
    assert l1.address != l2.address
    l1.setCounterpart(l2.address, sender=accounts[0])
    l2.setCounterpart(l1.address, sender=accounts[2])
    return l1, l2


@pytest.fixture
def relayer(chains, sim, tmp_path):
    """A relayer over ``sim`` (fast-forwarding the challenge period) journaled in the test's own directory."""
    relayer = Relayer.open(SimulatorBackend(sim), tmp_path / "relay.db", fast_forward=True)
    yield relayer
    relayer.journal.close()


def run_until_idle(relayer) -> list:
    """Relayer passes until one finds nothing to do; returns the reports of the passes that did something."""
    reports = []
    while not (report := relayer.relay_once()).idle:
        reports.append(report)
    return reports
