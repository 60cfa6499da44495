"""Fixtures of the protocol tests: one L1 deployment per test module, restored after every test."""

from __future__ import annotations

import pytest
from shared import GENESIS_BALANCE, MAX_UINT, ROUND_LENGTH

from ape_livepeer_migration.protocol.deploy import L1Protocol, deploy_l1_protocol
from ape_livepeer_migration.testing.actors import Cast
from ape_livepeer_migration.testing.rounds import next_round


@pytest.fixture(scope="package")
def roles(accounts) -> Cast:
    """Who is who in the test deployment: the broker account stands in for the TicketBroker."""
    return Cast(
        governor=accounts[0],
        broker=accounts[1],
        orchestrators=(accounts[2], accounts[3], accounts[4]),
        delegators=(accounts[5], accounts[6], accounts[7], accounts[8]),
        outsider=accounts[9],
    )


@pytest.fixture(scope="module")
def protocol(two_chains, roles) -> L1Protocol:
    """The L1 protocol with every participant funded and approving the BondingManager; round 2 initialized."""
    holders = roles.people
    with two_chains.l1:
        p = deploy_l1_protocol(
            roles.governor,
            genesis={h.address: GENESIS_BALANCE for h in holders},
            ticket_broker=roles.broker.address,
            round_length=ROUND_LENGTH,
        )
        for h in holders:
            p.token.approve(p.bonding_manager, MAX_UINT, sender=h)
        next_round(two_chains.l1, p.rounds)
    return p
