"""The sepolia pair without a network: providers, addresses and URLs; nothing connects."""

import pytest
from ape_node import Node

from ape_livepeer_migration.chains.networks import ARBITRUM_SEPOLIA_CHAIN_ID, SEPOLIA_CHAIN_ID
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.config import LivepeerConfig
from ape_livepeer_migration.exceptions import MissingRpcError, SnapshotUnsupportedError

L1_URL = "https://sepolia.example.invalid/v3/KEY"
L2_URL = "https://arbitrum-sepolia.example.invalid/rpc"


def sepolia_config(**section):
    return LivepeerConfig.model_validate({"pair": "sepolia", "sepolia": section})


def test_sepolia_pair_uses_apes_node_provider_at_the_configured_urls(no_network):
    pair = TwoChains.for_pair(config=sepolia_config(l1_rpc=L1_URL, l2_rpc=L2_URL), environ={})
    assert pair.pair.name == "sepolia"
    assert [chain.choice for chain in pair.layers] == ["ethereum:sepolia:node", "arbitrum:sepolia:node"]
    assert all(type(chain.provider) is Node for chain in pair.layers)
    assert (pair.l1.provider.uri, pair.l2.provider.uri) == (L1_URL, L2_URL)
    assert (pair.l1.expected_chain_id, pair.l2.expected_chain_id) == (SEPOLIA_CHAIN_ID, ARBITRUM_SEPOLIA_CHAIN_ID)
    assert not pair.l1.is_connected and not pair.l2.is_connected
    assert pair.pair.arbitrum.inbox == "0xaAe29B0366299461418F5324a79Afc425BE5ae21"
    assert pair.pair.challenge_period_blocks == 20


def test_error_messages_of_live_chains_hide_the_url(no_network):
    pair = TwoChains.for_pair("sepolia", config=sepolia_config(l1_rpc=L1_URL, l2_rpc=L2_URL), environ={})
    assert "KEY" not in pair.l1.where
    assert pair.l1.where == "ethereum:sepolia:node"


def test_environment_urls_win_over_the_config(no_network):
    env = {"APE_LIVEPEER_L1_RPC": "https://l1.example.invalid", "APE_LIVEPEER_L2_RPC": "https://l2.example.invalid"}
    pair = TwoChains.for_pair("sepolia", config=sepolia_config(l1_rpc=L1_URL, l2_rpc=L2_URL), environ=env)
    assert (pair.l1.provider.uri, pair.l2.provider.uri) == (env["APE_LIVEPEER_L1_RPC"], env["APE_LIVEPEER_L2_RPC"])


@pytest.mark.parametrize(
    ("section", "missing"),
    [
        ({}, r"L1 node: set APE_LIVEPEER_L1_RPC or livepeer_migration\.sepolia\.l1_rpc"),
        ({"l1_rpc": L1_URL}, r"L2 node: set APE_LIVEPEER_L2_RPC or livepeer_migration\.sepolia\.l2_rpc"),
    ],
)
def test_a_missing_url_fails_before_any_connection(no_network, section, missing):
    with pytest.raises(MissingRpcError, match=missing):
        TwoChains.for_pair("sepolia", config=sepolia_config(**section), environ={})


def test_live_chains_refuse_snapshots(no_network):
    pair = TwoChains.for_pair("sepolia", config=sepolia_config(l1_rpc=L1_URL, l2_rpc=L2_URL), environ={})
    for chain in pair.layers:
        assert not chain.supports_snapshots
        with pytest.raises(SnapshotUnsupportedError, match="live network"):
            chain.snapshot()
        with pytest.raises(SnapshotUnsupportedError):
            chain.restore("0x1")
    with pytest.raises(SnapshotUnsupportedError):
        with pair.isolated():
            pass


def test_ape_foundry_host_is_ignored_by_live_pairs_only(no_network):
    env = {"APE_FOUNDRY_HOST": "http://127.0.0.1:8545"}
    live = TwoChains.for_pair("sepolia", config=sepolia_config(l1_rpc=L1_URL, l2_rpc=L2_URL), environ=env)
    assert live.pair.name == "sepolia"
    for name in ("local", "mainnet-fork"):
        config = LivepeerConfig.model_validate({"mainnet_fork": {"l1_upstream": L1_URL, "l2_upstream": L2_URL}})
        with pytest.raises(ValueError, match="APE_FOUNDRY_HOST"):
            TwoChains.for_pair(name, config=config, environ=env)


def test_the_no_network_guard_does_refuse_connections(no_network):
    import requests

    with pytest.raises(AssertionError, match="network connection was attempted"):
        requests.get("http://127.0.0.1:9/", timeout=1)
