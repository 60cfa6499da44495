"""deploy_bridge: every permission wired, nothing more."""

from __future__ import annotations

import pytest

from ape_livepeer_migration.bridge.transfers import deploy_bridge
from ape_livepeer_migration.exceptions import InputError
from ape_livepeer_migration.protocol.deploy import DEFAULT_PARAMS


def test_wiring(bridge, l1_token, l1_minter, l1_protocol, sim, governor):
    assert (bridge.l2_token.minter(), bridge.l2_token.gateway()) == (
        bridge.l2_minter.address,
        bridge.l2_gateway.address,
    )
    assert bridge.l2_minter.isMintingDelegate(bridge.l2_gateway.address)
    assert not bridge.l2_minter.isMintingDelegate(governor.address)
    assert bridge.l2_minter.l1SupplyReporter() == bridge.l1_supply_reporter.address
    assert bridge.l2_minter.inflation() == DEFAULT_PARAMS["inflation"]
    assert (bridge.l2_rounds.minter(), bridge.l2_rounds.roundLength()) == (bridge.l2_minter.address, 40)
    assert bridge.l1_escrow.gateway() == bridge.l1_gateway.address
    assert l1_minter.isMintingDelegate(bridge.l1_gateway.address)
    assert l1_minter.isMintingDelegate(l1_protocol.bonding_manager.address)  # switched off by the full system
    assert (bridge.l1_gateway.inbox(), bridge.l1_supply_reporter.inbox(), bridge.inbox) == (sim.inbox.address,) * 3
    assert (bridge.l1_gateway.escrow(), bridge.l1_gateway.minter()) == (bridge.l1_escrow.address, l1_minter.address)
    assert (bridge.l1_supply_reporter.escrow(), bridge.l1_supply_reporter.l2Minter()) == (
        bridge.l1_escrow.address,
        bridge.l2_minter.address,
    )
    for contract in (
        bridge.l2_token,
        bridge.l2_minter,
        bridge.l2_rounds,
        bridge.l2_gateway,
        bridge.l1_gateway,
        bridge.l1_escrow,
    ):
        assert contract.owner() == governor.address
    assert bridge.l1_token.address == l1_token.address


def test_unknown_l2_parameter_is_refused(chains, l1_protocol, sim, governor):
    with pytest.raises(InputError, match="unbonding_period"):
        deploy_bridge(chains, l1_protocol, sim, governor, unbonding_period=3)
