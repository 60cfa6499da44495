"""Fixtures of the network-pair tests: upstream "mainnet" chains, forks of them, a guard on sockets."""

import socket

import pytest
from ape import project

from ape_livepeer_migration.chains import TwoChains
from ape_livepeer_migration.config import LivepeerConfig
from ape_livepeer_migration.networks import ARBITRUM_ONE_CHAIN_ID, MAINNET_CHAIN_ID


class Upstreams:
    """A local L1 and L2 standing in for Ethereum mainnet and Arbitrum One, with state."""

    #: Allowance of accounts[0] to accounts[1] up to ``l1_fork_block`` (L1 only).
    EARLY_ALLOWANCE = 77
    #: The allowance at the upstreams' latest block (L1 and L2).
    LATE_ALLOWANCE = 99

    def __init__(self, chains, l1_token, l2_token, l1_fork_block):
        self.chains = chains
        self.l1_token = l1_token
        self.l2_token = l2_token
        #: L1 block at which the allowance was still EARLY_ALLOWANCE.
        self.l1_fork_block = l1_fork_block

    def fork_config(self, **mainnet_fork) -> LivepeerConfig:
        """The plugin's config with the mainnet-fork upstreams pointing at these chains."""
        section = {"l1_upstream": self.chains.l1.provider.uri, "l2_upstream": self.chains.l2.provider.uri}
        return LivepeerConfig.model_validate({"mainnet_fork": {**section, **mainnet_fork}})


@pytest.fixture(scope="module")
def upstreams(accounts):
    """Upstream anvils with the chain ids of Ethereum mainnet (1) and Arbitrum One (42161).

    Ape's ``node`` provider, which ape-foundry uses to reach a fork's upstream,
    refuses an upstream whose chain id is not the forked network's, so the
    stand-ins carry the real ids. anvil 1.7.1 (May 2026) treats 42161 like any
    id; builds after July 2026 inject an ArbSys answering only
    ``arbBlockNumber()`` on official Arbitrum ids, which would shadow an ArbSys
    simulator planted at 0x64 on these chains (and on a real Arbitrum One fork).
    """
    owner, spender = accounts[0], accounts[1]
    with TwoChains.local(l1_chain_id=MAINNET_CHAIN_ID, l2_chain_id=ARBITRUM_ONE_CHAIN_ID) as chains:
        with chains.l1:
            l1_token = project.LivepeerToken.deploy(owner, sender=owner)
            l1_token.approve(spender, Upstreams.EARLY_ALLOWANCE, sender=owner)
        fork_block = chains.l1.block_number
        with chains.l1:
            l1_token.approve(spender, Upstreams.LATE_ALLOWANCE, sender=owner)
        with chains.l2:
            l2_token = project.LivepeerToken.deploy(owner, sender=owner)
            l2_token.approve(spender, Upstreams.LATE_ALLOWANCE, sender=owner)
        yield Upstreams(chains, chains.l1.bind(l1_token), chains.l2.bind(l2_token), fork_block)


@pytest.fixture(scope="module")
def forks(upstreams):
    """The ``mainnet-fork`` pair, through ape-foundry's fork provider, forking the upstreams."""
    with TwoChains.for_pair("mainnet-fork", config=upstreams.fork_config(), environ={}) as pair:
        yield pair


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to open a socket connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
