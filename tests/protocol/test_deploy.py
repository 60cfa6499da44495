"""deploy_l1_protocol wires every permission and applies the parameters."""

from __future__ import annotations

import pytest

from ape_livepeer_migration.exceptions import InputError
from ape_livepeer_migration.protocol.deploy import DEFAULT_PARAMS, deploy_l1_protocol

from .helpers import ROUND_LENGTH


def test_wiring_and_parameters(chains, protocol, roles):
    p = protocol
    with chains.l1:
        assert p.token.minter() == p.minter.address
        assert p.minter.bondingManager() == p.bonding_manager.address
        assert p.minter.isMintingDelegate(p.bonding_manager)
        assert (p.minter.token(), p.minter.roundsManager()) == (p.token.address, p.rounds.address)
        assert (p.rounds.bondingManager(), p.rounds.minter()) == (p.bonding_manager.address, p.minter.address)
        bm = p.bonding_manager
        assert (bm.token(), bm.minter(), bm.roundsManager()) == (p.token.address, p.minter.address, p.rounds.address)
        assert bm.ticketBroker() == roles.broker.address
        for contract in (p.token, p.rounds, p.minter, bm):
            assert contract.owner() == roles.governor.address
        assert p.rounds.roundLength() == ROUND_LENGTH
        assert p.rounds.roundLockAmount() == DEFAULT_PARAMS["round_lock_amount"]
        assert bm.unbondingPeriod() == DEFAULT_PARAMS["unbonding_period"]
        assert bm.numActiveTranscoders() == DEFAULT_PARAMS["num_active_transcoders"]
        assert p.minter.inflationChange() == DEFAULT_PARAMS["inflation_change"]
        assert p.minter.targetBondingRate() == DEFAULT_PARAMS["target_bonding_rate"]


def test_without_genesis_or_broker_nothing_is_minted(chains, roles):
    with chains.l1:
        p = deploy_l1_protocol(roles.governor)
        assert p.token.totalSupply() == 0
        assert p.bonding_manager.ticketBroker() == "0x0000000000000000000000000000000000000000"
        assert p.rounds.roundLength() == DEFAULT_PARAMS["round_length"]
        assert p.minter.inflation() == DEFAULT_PARAMS["inflation"]


def test_unknown_parameter_is_rejected(chains, roles):
    with chains.l1, pytest.raises(InputError, match="round_lenght"):
        deploy_l1_protocol(roles.governor, round_lenght=10)
