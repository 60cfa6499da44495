"""Fixtures of the bridge tests: the simulator, the L1 protocol and the bridge, deployed once per test process
before the per-test snapshot of both chains, plus delivery helpers in both directions (``deliver``: shared)."""

from __future__ import annotations

import pytest
from ape import project
from shared import (
    GENESIS_BALANCE,
    LPT,
    ROUND_LENGTH,
    account_fixture,
    deliver,  # noqa: F401 (a fixture)
    simulator_fixture,
)

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.transfers import Bridge, deploy_bridge, deposit_gas_params
from ape_livepeer_migration.protocol.deploy import deploy_l1_protocol

governor, alice, bob, mallory = (account_fixture(i) for i in range(4))
sim = simulator_fixture()


@pytest.fixture(scope="package")
def l1_protocol(two_chains, governor, alice, bob, mallory):
    with two_chains.l1:
        return deploy_l1_protocol(
            governor, genesis={a.address: GENESIS_BALANCE for a in (alice, bob, mallory)}, round_length=ROUND_LENGTH
        )


@pytest.fixture(scope="package")
def bridge(two_chains, l1_protocol, sim, governor) -> Bridge:
    # the governor's nonces are equal on both chains: one transaction on L2 keeps L2 LPT off L1 LPT's address
    with two_chains.l2:
        governor.transfer(governor, 0)
    return deploy_bridge(two_chains, l1_protocol, sim, governor, round_length=ROUND_LENGTH)


@pytest.fixture(scope="package")
def l1_token(two_chains, l1_protocol):
    return two_chains.l1.bind(l1_protocol.token)


@pytest.fixture(scope="package")
def l1_minter(two_chains, l1_protocol):
    return two_chains.l1.bind(l1_protocol.minter)


@pytest.fixture(scope="package")
def receiver(two_chains, bridge, governor):
    with two_chains.l2:
        return two_chains.l2.bind(project.TestLPTReceiver.deploy(bridge.l2_token.address, sender=governor))


@pytest.fixture(scope="package")
def routers(two_chains, governor):
    """(L1 router, L2 router): router-shaped test doubles, not registered with any gateway."""
    with two_chains.l1:
        l1 = two_chains.l1.bind(project.TestLPTRouter.deploy(sender=governor))
    with two_chains.l2:
        l2 = two_chains.l2.bind(project.TestLPTRouter.deploy(sender=governor))
    return l1, l2


@pytest.fixture(autouse=True)
def _isolated(chains):
    """Every bridge test runs in a snapshot of both chains (the session deployments are in it)."""
    yield


def fixed_gas(bridge, sender):
    """Gas for a deposit whose L2 call cannot be estimated (it reverts): a plain deposit's estimate plus room."""
    plain = deposit_gas_params(bridge, sender.address, sender.address, LPT)
    return RetryableGasParams(plain.max_submission_cost * 2, plain.gas_limit + 200_000, plain.gas_price_bid)


@pytest.fixture
def on_l2(bridge, alice, deliver):
    """alice holds 10 LPT on L2 (the escrow holds 10 on L1)."""
    from ape_livepeer_migration.bridge.transfers import bridge_in

    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)


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
def impersonate(chains):
    """``impersonate(chain, address)``: an account that sends as ``address`` on ``chain`` (funded with gas)."""
    from ape import accounts as ape_accounts

    def account(chain, address):
        with chain:
            signer = ape_accounts[str(address)]
            chain.provider.set_balance(signer.address, 10**20)
        return signer

    return account
