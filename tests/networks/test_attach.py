"""Attaching to a local pair that another process runs (`ape livepeer chains`)."""

import pytest

from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.chains.provider import free_ports, port_is_listening
from ape_livepeer_migration.config import LOCAL_L1_CHAIN_ID, LOCAL_L2_CHAIN_ID, LivepeerConfig
from ape_livepeer_migration.exceptions import ChainError, ChainIdMismatchError, ConfigError, NodeNotRunningError


def test_attaches_to_the_running_pair_and_leaves_it_running(running_pair):
    with TwoChains.local(*running_pair, start=False) as attached:
        assert (attached.l1.chain_id, attached.l2.chain_id) == (LOCAL_L1_CHAIN_ID, LOCAL_L2_CHAIN_ID)
        assert attached.l1.provider.process is None and attached.l2.provider.process is None
        before = attached.l2.block_number
        attached.l2.mine(2)
    assert all(map(port_is_listening, running_pair))
    with TwoChains.local(*running_pair, start=False) as again:
        assert again.l2.block_number == before + 2  # the same node, still running


def test_attach_defaults_to_the_project_config_ports(running_pair, monkeypatch):
    from ape import config

    local = config.get_config("livepeer_migration").local
    monkeypatch.setattr(local, "l1_port", running_pair[0])
    monkeypatch.setattr(local, "l2_port", running_pair[1])
    with TwoChains.local(start=False) as attached:
        assert [chain.where.rsplit(":", 1)[1] for chain in attached.layers] == [str(port) for port in running_pair]
        assert attached.l2.chain_id == LOCAL_L2_CHAIN_ID


def test_configured_local_pair_attaches_through_for_pair(running_pair):
    config = LivepeerConfig.model_validate({"local": {"l1_port": running_pair[0], "l2_port": running_pair[1]}})
    with TwoChains.for_pair("local", start=False, config=config, environ={}) as attached:
        assert [chain.choice for chain in attached.layers] == ["ethereum:local:foundry", "arbitrum:local:foundry"]
        assert attached.l1.chain_id == LOCAL_L1_CHAIN_ID


def test_pair_selected_by_environment_attaches(running_pair):
    config = LivepeerConfig.model_validate(
        {"pair": "sepolia", "local": {"l1_port": running_pair[0], "l2_port": running_pair[1]}}
    )
    with TwoChains.for_pair(start=False, config=config, environ={"APE_LIVEPEER_PAIR": "local"}) as attached:
        assert attached.pair.name == "local"
        assert attached.l2.chain_id == LOCAL_L2_CHAIN_ID


def test_wrong_chain_ids_are_refused_and_the_nodes_left_alone(running_pair):
    expecting_other_ids = TwoChains.local(*running_pair, l1_chain_id=1, l2_chain_id=42161, start=False)
    with pytest.raises(ChainIdMismatchError, match=r"L1 .* reports chain id 31337, expected 1"):
        expecting_other_ids.connect()
    assert not expecting_other_ids.l1.is_connected and not expecting_other_ids.l2.is_connected
    assert all(map(port_is_listening, running_pair))


def test_swapped_ports_are_refused(running_pair):
    swapped = TwoChains.local(running_pair[1], running_pair[0], start=False)
    with pytest.raises(ChainIdMismatchError, match=r"reports chain id 412346, expected 31337"):
        swapped.connect()


def test_nothing_running_is_a_clear_error():
    silent = TwoChains.local(*free_ports(2), start=False)
    with pytest.raises(NodeNotRunningError, match="ape livepeer chains"):
        silent.connect()
    assert silent.l1.provider.process is None


def test_a_pair_held_by_this_process_is_not_attached_twice(two_chains):
    from urllib.parse import urlparse

    ports = (urlparse(chain.provider.uri).port for chain in two_chains.layers)
    with pytest.raises(ChainError, match="already connected in this process"):
        TwoChains.local(*ports, start=False).connect()
    assert two_chains.l1.block_number >= 0  # the holder still works


def test_local_pair_needs_two_chain_ids():
    with pytest.raises(ConfigError, match="different chain ids"):
        TwoChains.local(l1_chain_id=5, l2_chain_id=5)


def test_free_ports_are_different_and_free():
    """Ports for a pair are chosen together: two ports asked for one after the other can come back equal."""
    ports = free_ports(64)
    assert len(set(ports)) == len(ports)
    assert not any(port_is_listening(port) for port in ports)
