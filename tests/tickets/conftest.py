"""Fixtures for the TicketBroker tests: the real L1 protocol with a broker wired in."""

import pytest
from shared import account_fixture

from ape_livepeer_migration.protocol.deploy import deploy_l1_protocol, deploy_ticket_broker
from ape_livepeer_migration.protocol.tickets import BrokerDomain
from tickets.broker_helpers import ROUND_LENGTH, TICKET_VALIDITY_PERIOD, UNLOCK_PERIOD, L1WithBroker

deployer, orchestrator, orchestrator2, broadcaster, delegator = (account_fixture(i) for i in range(5))


@pytest.fixture(scope="package")
def l1_with_broker(two_chains, deployer, orchestrator, orchestrator2, delegator):
    """Protocol + broker; two active orchestrators (one with a delegator) in an initialized, anchored round."""
    l1 = two_chains.l1
    stake = L1WithBroker.SELF_STAKE
    with l1:
        protocol = deploy_l1_protocol(
            deployer,
            genesis={
                orchestrator.address: stake,
                orchestrator2.address: stake,
                delegator.address: L1WithBroker.DELEGATED,
            },
            round_length=ROUND_LENGTH,
        )
        broker = deploy_ticket_broker(protocol, deployer, UNLOCK_PERIOD, TICKET_VALIDITY_PERIOD)
    bound = L1WithBroker(
        chain=l1,
        keeper=deployer,
        broker=l1.bind(broker),
        bonding_manager=l1.bind(protocol.bonding_manager),
        minter=l1.bind(protocol.minter),
        rounds_manager=l1.bind(protocol.rounds),
        token=l1.bind(protocol.token),
        domain=BrokerDomain(l1.chain_id, broker.address),
    )
    bound.rounds_manager.initializeRound(sender=deployer)
    for account, amount, to in (
        (orchestrator, stake, orchestrator),
        (orchestrator2, stake, orchestrator2),
        (delegator, L1WithBroker.DELEGATED, orchestrator),
    ):
        bound.token.approve(protocol.bonding_manager, amount, sender=account)
        bound.bonding_manager.bond(amount, to, sender=account)
    for account in (orchestrator, orchestrator2):
        bound.bonding_manager.transcoder(L1WithBroker.REWARD_CUT, L1WithBroker.FEE_SHARE, sender=account)
    bound.next_round()
    return bound


@pytest.fixture
def l1p(chains, l1_with_broker):
    """The protocol with broker, with everything a test does undone afterwards."""
    return l1_with_broker


@pytest.fixture(scope="package")
def codec_broker(l1_with_broker):
    return l1_with_broker.broker


@pytest.fixture(scope="package")
def codec_domain(l1_with_broker):
    return l1_with_broker.domain
