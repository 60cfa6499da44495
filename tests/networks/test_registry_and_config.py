"""The pair registry's facts and the ``livepeer_migration`` config resolution."""

import pytest
from ape import networks
from eth_utils import is_checksum_address

from ape_livepeer_migration.chains.networks import PAIRS, PairKind, contract_addresses, get_pair, split_choice
from ape_livepeer_migration.config import LOCAL_L1_CHAIN_ID, LOCAL_L2_CHAIN_ID, LivepeerConfig, resolve_pair
from ape_livepeer_migration.exceptions import InputError, MissingRpcError, UnknownPairError


def test_registry_names_the_three_pairs_and_their_ape_networks():
    assert {name: (pair.l1, pair.l2, pair.kind) for name, pair in PAIRS.items()} == {
        "local": ("ethereum:local:foundry", "arbitrum:local:foundry", PairKind.LOCAL),
        "mainnet-fork": ("ethereum:mainnet-fork:foundry", "arbitrum:mainnet-fork:foundry", PairKind.FORK),
        "sepolia": ("ethereum:sepolia:node", "arbitrum:sepolia:node", PairKind.LIVE),
    }


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_every_choice_is_a_network_and_provider_ape_knows(name):
    pair = get_pair(name)
    for layer in ("l1", "l2"):
        ecosystem, network, provider = pair.network(layer)
        assert provider in networks.get_ecosystem(ecosystem).get_network(network).providers


def test_chain_ids_and_challenge_periods():
    fork, sepolia = get_pair("mainnet-fork"), get_pair("sepolia")
    assert (fork.l1_chain_id, fork.l2_chain_id, fork.challenge_period_blocks) == (1, 42161, 45818)
    assert (sepolia.l1_chain_id, sepolia.l2_chain_id, sepolia.challenge_period_blocks) == (11155111, 421614, 20)
    local = get_pair("local")
    assert (local.l1_chain_id, local.arbitrum, local.challenge_period_blocks, local.livepeer) == (None,) * 4


def test_the_forked_chain_ids_are_apes_own_for_those_networks():
    for name in ("mainnet-fork", "sepolia"):
        pair = get_pair(name)
        for layer, chain_id in (("l1", pair.l1_chain_id), ("l2", pair.l2_chain_id)):
            ecosystem, network, _ = pair.network(layer)
            live = networks.get_ecosystem(ecosystem).get_network(network.replace("-fork", ""))
            assert live.chain_id == chain_id


def test_address_books_are_checksummed_and_distinct():
    books = [get_pair("mainnet-fork").arbitrum, get_pair("sepolia").arbitrum, get_pair("mainnet-fork").livepeer]
    seen = []
    for book in books:
        addresses = contract_addresses(book)
        assert all(is_checksum_address(address) for address in addresses.values()), addresses
        seen.extend(addresses.values())
    assert len(seen) == len(set(seen)) == 5 + 5 + 12


def test_mainnet_fork_pair_carries_the_arbitrum_one_and_livepeer_addresses():
    pair = get_pair("mainnet-fork")
    assert pair.arbitrum.inbox == "0x4Dbd4fc535Ac27206064B68FfCf827b0A60BAB3f"
    assert pair.arbitrum.l2_gateway_router == "0x5288c571Fd7aD117beA99bF60FE0846C4E84F933"
    assert pair.livepeer.l1_bonding_manager == "0x511Bc4556D823Ae99630aE8de28b9B80Df90eA2e"
    assert pair.livepeer.l2_migrator == "0x148D5b6B4df9530c7C76A810bd1Cdf69EC4c2085"
    assert get_pair("sepolia").livepeer is None


def test_unknown_pair_lists_the_choices():
    with pytest.raises(UnknownPairError, match="choose one of: local, mainnet-fork, sepolia"):
        get_pair("goerli")
    with pytest.raises(UnknownPairError):
        resolve_pair(LivepeerConfig(), environ={"APE_LIVEPEER_PAIR": "holesky"})


@pytest.mark.parametrize("choice", ["ethereum:local", "ethereum:local:foundry:extra", "ethereum::foundry", ""])
def test_a_network_choice_has_three_nonempty_parts(choice):
    assert split_choice("arbitrum:mainnet-fork:foundry") == ("arbitrum", "mainnet-fork", "foundry")
    with pytest.raises(InputError, match="ecosystem:network:provider"):
        split_choice(choice)


def test_layer_must_be_l1_or_l2():
    with pytest.raises(ValueError, match="'l1' or 'l2'"):
        get_pair("local").choice("l3")


def test_project_config_defaults_to_the_local_pair():
    from ape import config

    settings = resolve_pair(config.get_config("livepeer_migration"), environ={})
    assert settings.pair.name == "local"
    assert (settings.l1.port, settings.l2.port) == (8545, 8547)  # this repo's ape-config.yaml
    assert (settings.l1.chain_id, settings.l2.chain_id) == (LOCAL_L1_CHAIN_ID, LOCAL_L2_CHAIN_ID)
    assert settings.l1.url is None and settings.l2.url is None


def test_pair_precedence_argument_then_environment_then_file():
    config = LivepeerConfig.model_validate({"pair": "mainnet-fork", "sepolia": {"l1_rpc": "a", "l2_rpc": "b"}})
    env = {"APE_LIVEPEER_PAIR": "local"}
    assert resolve_pair(config, "sepolia", env).pair.name == "sepolia"
    assert resolve_pair(config, environ=env).pair.name == "local"
    with pytest.raises(MissingRpcError, match="mainnet-fork pair"):
        resolve_pair(config, environ={})


def test_fork_settings_come_through():
    config = LivepeerConfig.model_validate(
        {
            "mainnet_fork": {
                "l1_upstream": "https://eth.example.invalid",
                "l2_upstream": "https://arb.example.invalid",
                "l1_port": 9001,
                "l2_block_number": 12345,
            }
        }
    )
    settings = resolve_pair(config, "mainnet-fork", {})
    assert (settings.l1.url, settings.l1.port, settings.l1.block_number, settings.l1.chain_id) == (
        "https://eth.example.invalid",
        9001,
        None,
        1,
    )
    assert (settings.l2.url, settings.l2.port, settings.l2.block_number, settings.l2.chain_id) == (
        "https://arb.example.invalid",
        None,
        12345,
        42161,
    )


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({}, r"L1 node: set APE_LIVEPEER_L1_RPC or livepeer_migration\.mainnet_fork\.l1_upstream"),
        ({"l1_upstream": "u"}, r"L2 node: set APE_LIVEPEER_L2_RPC or livepeer_migration\.mainnet_fork\.l2_upstream"),
    ],
)
def test_fork_without_upstream_is_a_clear_error(section, message):
    with pytest.raises(MissingRpcError, match=message):
        resolve_pair(LivepeerConfig.model_validate({"mainnet_fork": section}), "mainnet-fork", {})


def test_local_pair_ignores_rpc_variables():
    env = {"APE_LIVEPEER_L1_RPC": "https://x.invalid", "APE_LIVEPEER_L2_RPC": "https://y.invalid"}
    settings = resolve_pair(LivepeerConfig(), "local", env)
    assert settings.l1.url is None and settings.l2.url is None


def test_unknown_keys_in_the_section_are_rejected():
    from ape.exceptions import ConfigError

    with pytest.raises(ConfigError, match="l1_url"):
        LivepeerConfig.from_overrides({"sepolia": {"l1_url": "https://x.invalid"}})


def test_ape_expands_environment_variables_in_the_config_file(tmp_path, monkeypatch):
    from ape.utils.misc import load_config

    monkeypatch.setenv("MY_SEPOLIA_RPC", "https://from-env.invalid")
    path = tmp_path / "ape-config.yaml"
    path.write_text("livepeer_migration:\n  sepolia:\n    l1_rpc: ${MY_SEPOLIA_RPC}\n")
    section = LivepeerConfig.from_overrides(load_config(path)["livepeer_migration"])
    assert section.sepolia.l1_rpc == "https://from-env.invalid"


def test_section_variables_fill_in_keys_the_file_leaves_out(monkeypatch):
    monkeypatch.setenv("APE_LIVEPEER_LOCAL_L2_CHAIN_ID", "777")
    monkeypatch.setenv("APE_LIVEPEER_LOCAL_L1_PORT", "1111")
    monkeypatch.setenv("APE_LIVEPEER_SEPOLIA_L2_RPC", "https://l2-from-env.invalid")
    section = LivepeerConfig.from_overrides({"local": {"l1_port": 9545}, "sepolia": {"l1_rpc": "https://l1.invalid"}})
    assert (section.local.l1_port, section.local.l2_chain_id) == (9545, 777)  # the file wins where it speaks
    settings = resolve_pair(section, "sepolia", {})
    assert (settings.l1.url, settings.l2.url) == ("https://l1.invalid", "https://l2-from-env.invalid")
