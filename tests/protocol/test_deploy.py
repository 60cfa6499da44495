"""deploy_l1_protocol wires every permission and applies the parameters."""

from __future__ import annotations

import pytest
from shared import ROUND_LENGTH

from ape_livepeer_migration.exceptions import InputError
from ape_livepeer_migration.protocol.deploy import (
    DEFAULT_PARAMS,
    DEFAULT_ROUNDS_PER_L1_ROUND,
    deploy_l1_protocol,
    inflation_mode,
)


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


@pytest.mark.parametrize(
    "mode,rounds,expected",
    [
        ("l2", None, ("l2", None)),
        ("l1", None, ("l1", DEFAULT_ROUNDS_PER_L1_ROUND)),
        ("l1", 1, ("l1", 1)),
        ("l1", 30, ("l1", 30)),
    ],
)
def test_inflation_mode_defaults_the_rounds_per_l1_round_of_l1_minting(mode, rounds, expected):
    assert tuple(inflation_mode(mode, rounds)) == expected


@pytest.mark.parametrize(
    "mode,rounds,message",
    [
        ("l3", None, "unknown inflation mode 'l3': choose l2 or l1"),
        ("l2", 7, "rounds per L1 round apply to L1 minting (inflation l1) only"),
        ("l1", 0, "rounds per L1 round must be between 1 and 1000, not 0"),
        ("l1", 1001, "rounds per L1 round must be between 1 and 1000, not 1001"),
    ],
)
def test_inflation_mode_refuses_in_one_line(mode, rounds, message):
    with pytest.raises(InputError) as refused:
        inflation_mode(mode, rounds)
    assert str(refused.value) == message
