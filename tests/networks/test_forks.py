"""The mainnet-fork pair through ape-foundry's real fork provider, offline.

The "upstreams" are local anvils holding the chain ids of Ethereum mainnet and
Arbitrum One (see conftest.py); the forks are opened exactly as a user's
``mainnet-fork`` pair is, only with local upstream URLs.
"""

from urllib.parse import urlparse

import pytest
from ape import chain, project
from ape.exceptions import NetworkMismatchError
from ape_foundry import FoundryForkProvider

from ape_livepeer_migration.chains.networks import ARBITRUM_ONE_CHAIN_ID, MAINNET_CHAIN_ID
from ape_livepeer_migration.chains.pair import TwoChains, redact_url
from ape_livepeer_migration.chains.provider import free_port, port_is_listening
from ape_livepeer_migration.config import LivepeerConfig
from ape_livepeer_migration.exceptions import ChainIdMismatchError, NotDeployedError, UpstreamUnavailableError
from ape_livepeer_migration.session.livepeer import Livepeer


def test_forks_use_ape_foundrys_fork_provider_on_their_own_ports(forks, upstreams):
    ports = set()
    for fork, upstream in zip(forks.layers, upstreams.chains.layers, strict=True):
        assert type(fork.provider) is FoundryForkProvider
        assert fork.provider.fork_url == upstream.provider.uri
        command = fork.provider.build_command()
        assert command[command.index("--fork-url") + 1] == upstream.provider.uri
        ports.add(urlparse(fork.provider.uri).port)
    ports |= {urlparse(upstream.provider.uri).port for upstream in upstreams.chains.layers}
    assert len(ports) == 4
    assert [fork.choice for fork in forks.layers] == [
        "ethereum:mainnet-fork:foundry",
        "arbitrum:mainnet-fork:foundry",
    ]


def test_forks_report_the_forked_chain_ids_on_every_switch(forks):
    assert (forks.l1.chain_id, forks.l2.chain_id) == (MAINNET_CHAIN_ID, ARBITRUM_ONE_CHAIN_ID)
    # Both networks are called "mainnet-fork": Ape's chain-id cache must not leak across.
    for _ in range(2):
        with forks.l1:
            assert chain.chain_id == MAINNET_CHAIN_ID
            with forks.l2:
                assert chain.chain_id == ARBITRUM_ONE_CHAIN_ID
            assert chain.chain_id == MAINNET_CHAIN_ID


def test_upstream_state_is_visible_on_the_forks(forks, upstreams, accounts):
    owner, spender = accounts[0], accounts[1]
    l1 = forks.l1.bind(upstreams.l1_token.unwrapped)
    l2 = forks.l2.bind(upstreams.l2_token.unwrapped)
    assert l1.allowance(owner, spender) == upstreams.LATE_ALLOWANCE
    assert l2.allowance(owner, spender) == upstreams.LATE_ALLOWANCE
    assert forks.l1.get_code(l1.address) == upstreams.chains.l1.get_code(l1.address)
    assert len(forks.l1.get_code(l1.address)) > 0


def test_writes_on_the_forks_do_not_reach_the_upstreams(forks, upstreams, accounts):
    owner, spender = accounts[0], accounts[1]
    upstream_blocks = upstreams.chains.l1.block_number, upstreams.chains.l2.block_number
    with forks.isolated():
        for fork, token in ((forks.l1, upstreams.l1_token), (forks.l2, upstreams.l2_token)):
            with fork:
                token.unwrapped.approve(spender, 5, sender=owner)
            assert fork.bind(token.unwrapped).allowance(owner, spender) == 5
            assert token.allowance(owner, spender) == upstreams.LATE_ALLOWANCE
        with forks.l2:
            fresh = project.LivepeerToken.deploy(owner, sender=owner)
        assert len(forks.l2.get_code(fresh.address)) > 0
        assert upstreams.chains.l2.get_code(fresh.address) == b""
    assert (upstreams.chains.l1.block_number, upstreams.chains.l2.block_number) == upstream_blocks


def test_snapshot_and_restore_work_on_both_forks(forks, upstreams, accounts):
    owner, spender = accounts[0], accounts[1]
    tokens = forks.l1.bind(upstreams.l1_token.unwrapped), forks.l2.bind(upstreams.l2_token.unwrapped)
    blocks = forks.l1.block_number, forks.l2.block_number
    snapshot = forks.snapshot()
    tokens[0].approve(spender, 1, sender=owner)
    tokens[1].approve(spender, 2, sender=owner)
    forks.l2.mine(3)
    assert (tokens[0].allowance(owner, spender), tokens[1].allowance(owner, spender)) == (1, 2)
    forks.restore(snapshot)
    assert [token.allowance(owner, spender) for token in tokens] == [upstreams.LATE_ALLOWANCE] * 2
    assert (forks.l1.block_number, forks.l2.block_number) == blocks


def test_fork_block_number_is_honoured(upstreams, accounts, tmp_path):
    config = upstreams.fork_config(l1_block_number=upstreams.l1_fork_block)
    with TwoChains.for_pair("mainnet-fork", config=config, environ={}) as pinned:
        assert pinned.l1.block_number == upstreams.l1_fork_block
        token = pinned.l1.bind(upstreams.l1_token.unwrapped)
        assert token.allowance(accounts[0], accounts[1]) == upstreams.EARLY_ALLOWANCE
        # The L2 was not pinned: it forks the upstream's latest block.
        assert pinned.l2.block_number == upstreams.chains.l2.block_number
        # The L1 fork is older than the upstreams' deployment: it cannot carry it.
        lp = Livepeer.open(pinned, tmp_path / "mainnet-fork.json")
        with pytest.raises(
            NotDeployedError, match=r"records inbox at 0x[0-9a-fA-F]{40}, but the L1 \(chain 1\) has no"
        ):
            lp.adopt(upstreams.book_path)
        assert not lp.is_deployed


def test_upstream_urls_from_the_environment_win_over_the_config(upstreams):
    env = {
        "APE_LIVEPEER_L1_RPC": upstreams.chains.l1.provider.uri,
        "APE_LIVEPEER_L2_RPC": upstreams.chains.l2.provider.uri,
    }
    config = upstreams.fork_config(l1_upstream="http://127.0.0.1:1", l2_upstream="http://127.0.0.1:1")
    pair = TwoChains.for_pair("mainnet-fork", config=config, environ=env)
    assert [chain.provider.fork_url for chain in pair.layers] == [
        env["APE_LIVEPEER_L1_RPC"],
        env["APE_LIVEPEER_L2_RPC"],
    ]


def test_an_upstream_that_is_not_mainnet_is_refused_before_any_fork_starts():
    with TwoChains.local() as not_mainnet:  # chain ids 31337 / 412346
        config = LivepeerConfig.model_validate(
            {"mainnet_fork": {"l1_upstream": not_mainnet.l1.provider.uri, "l2_upstream": not_mainnet.l2.provider.uri}}
        )
        pair = TwoChains.for_pair("mainnet-fork", config=config, environ={})
        with pytest.raises(ChainIdMismatchError, match=r"L1 fork's upstream .* reports chain id 31337, expected 1 "):
            pair.connect()
        assert not pair.l1.is_connected and not pair.l2.is_connected
        assert pair.l1.provider.process is None and not port_is_listening(urlparse(pair.l1.provider.uri).port)


def test_ape_itself_refuses_a_fork_of_the_wrong_chain_and_the_anvil_is_stopped():
    """Why the stand-in upstreams carry chain ids 1 and 42161 (see conftest.py)."""
    with TwoChains.local() as not_mainnet:
        config = LivepeerConfig.model_validate(
            {"mainnet_fork": {"l1_upstream": not_mainnet.l1.provider.uri, "l2_upstream": not_mainnet.l2.provider.uri}}
        )
        fork_l1 = TwoChains.for_pair("mainnet-fork", config=config, environ={}).l1
        fork_port = urlparse(fork_l1.provider.uri).port
        with pytest.raises(NetworkMismatchError):
            fork_l1.connect()  # a single Chain: no upstream pre-check, ape-foundry's own connect
        assert not fork_l1.is_connected
        assert not port_is_listening(fork_port)


def test_an_upstream_that_does_not_answer_fails_at_once_without_its_key():
    dead = f"http://127.0.0.1:{free_port()}/v3/SECRETKEY"
    config = LivepeerConfig.model_validate({"mainnet_fork": {"l1_upstream": dead, "l2_upstream": dead}})
    pair = TwoChains.for_pair("mainnet-fork", config=config, environ={})
    with pytest.raises(
        UpstreamUnavailableError, match="L1 fork's upstream http://127.0.0.1:[0-9]+ does not answer"
    ) as err:
        pair.connect()
    assert "SECRETKEY" not in str(err.value)
    assert pair.l1.provider.process is None


def test_redact_url_keeps_scheme_host_and_port_only():
    assert redact_url("https://user:pw@eth.example.invalid/v3/KEY?x=1") == "https://eth.example.invalid"
    assert redact_url("http://127.0.0.1:8545/rpc") == "http://127.0.0.1:8545"
