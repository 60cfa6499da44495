"""Fixtures for the TicketBroker tests."""

import pytest
from ape import project

from ape_livepeer_migration.tickets import BrokerDomain

UNLOCK_PERIOD = 2
TICKET_VALIDITY_PERIOD = 2


@pytest.fixture(scope="session")
def codec_broker(two_chains, accounts):
    """A broker used only for its pure/view ticket functions (hash, win check).

    Its dependencies are plain addresses: nothing in these tests calls them.
    """
    with two_chains.l1:
        broker = project.TicketBroker.deploy(
            accounts[7], accounts[8], accounts[9], UNLOCK_PERIOD, TICKET_VALIDITY_PERIOD, sender=accounts[0]
        )
    return two_chains.l1.bind(broker)


@pytest.fixture(scope="session")
def codec_domain(two_chains, codec_broker):
    return BrokerDomain(two_chains.l1.chain_id, codec_broker.address)
