"""Fixtures of the bridge tests: the simulator, the L1 protocol and the bridge, deployed once per test process
before the per-test snapshot of both chains, plus delivery helpers in both directions."""

from __future__ import annotations

import pytest
from ape import project

from ape_livepeer_migration import simulator as sim_api
from ape_livepeer_migration.bridge import Bridge, deploy_bridge
from ape_livepeer_migration.deploy import deploy_l1_protocol

LPT = 10**18
GENESIS_BALANCE = 1_000_000 * LPT


@pytest.fixture(scope="session")
def governor(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def alice(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def bob(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def mallory(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def operator(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def sim(two_chains, operator):
    return sim_api.deploy_simulator(two_chains, operator)


@pytest.fixture(scope="session")
def l1_protocol(two_chains, governor, alice, bob, mallory):
    with two_chains.l1:
        return deploy_l1_protocol(
            governor, genesis={a.address: GENESIS_BALANCE for a in (alice, bob, mallory)}, round_length=40
        )


@pytest.fixture(scope="session")
def bridge(two_chains, l1_protocol, sim, governor) -> Bridge:
    return deploy_bridge(two_chains, l1_protocol, sim.inbox.address, governor, round_length=40)


@pytest.fixture(scope="session")
def l1_token(two_chains, l1_protocol):
    return two_chains.l1.bind(l1_protocol.token)


@pytest.fixture(scope="session")
def l1_minter(two_chains, l1_protocol):
    return two_chains.l1.bind(l1_protocol.minter)


@pytest.fixture(scope="session")
def receiver(two_chains, bridge, governor):
    with two_chains.l2:
        return two_chains.l2.bind(project.TestLPTReceiver.deploy(bridge.l2_token.address, sender=governor))


@pytest.fixture(scope="session")
def routers(two_chains, governor):
    """(L1 router, L2 router): router-shaped test doubles, not registered with any gateway."""
    with two_chains.l1:
        l1 = two_chains.l1.bind(project.TestLPTRouter.deploy(sender=governor))
    with two_chains.l2:
        l2 = two_chains.l2.bind(project.TestLPTRouter.deploy(sender=governor))
    return l1, l2


def _retryables_of(sim, receipt):
    return sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)


@pytest.fixture
def deliver(chains, sim):
    """Deliver on L2 the retryable(s) created by an L1 receipt; returns the DeliveryResults."""

    def run(receipt):
        messages = _retryables_of(sim, receipt)
        assert messages, "the transaction created no retryable"
        return [sim_api.deliver_retryable(sim, m) for m in messages]

    return run


@pytest.fixture
def prove(chains, sim):
    """Assert the send root over every L2 -> L1 message so far and wait out the challenge period; returns
    ``(messages, execute)`` where ``execute(index, sender=None)`` runs message ``index`` through the Outbox."""

    def run():
        messages = sim_api.fetch_l2_to_l1(sim, 0, chains.l2.block_number)
        assertion = sim_api.assert_send_root(sim, messages)
        sim_api.mine_l1_until(sim, assertion.confirmable_at_block)

        def execute(index, sender=None):
            return sim_api.execute_l2_to_l1(sim, messages[index], sim_api.proof_for(messages, index), sender=sender)

        return messages, execute

    return run


@pytest.fixture
def set_base_fee(chains):
    """Give the next block of a layer a base fee; both layers go back to base fee 0 after the test
    (anvil keeps its base fee outside the snapshots)."""

    def set_fee(chain, wei):
        chain.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(wei)])

    yield set_fee
    for chain in chains.layers:
        set_fee(chain, 0)
