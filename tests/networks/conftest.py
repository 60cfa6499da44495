"""Fixtures of the network-pair tests: upstream "mainnet" chains holding a deployed system, forks of them, a guard
on sockets."""

import os
import socket
from pathlib import Path

import pytest
from ape import project

from ape_livepeer_migration.arbitrum.simulator import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS
from ape_livepeer_migration.chains.networks import ARBITRUM_ONE, ARBITRUM_ONE_CHAIN_ID, MAINNET_CHAIN_ID
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.config import LivepeerConfig
from ape_livepeer_migration.session.livepeer import Livepeer
from ape_livepeer_migration.testing.actors import Cast, register_orchestrator
from ape_livepeer_migration.testing.rounds import next_round

LPT = 10**18
#: Round length (blocks) of the upstream deployment, both layers.
ROUND_LENGTH = 50
#: L1 rounds with reward() calls on the upstreams before they are forked.
UPSTREAM_REWARD_ROUNDS = 3
GENESIS_LPT = 10_000 * LPT
#: The code ArbOS gives each precompile's address (one INVALID opcode), so that code-size checks pass; a node running
#: ArbOS executes the precompile instead, an anvil fork of an Arbitrum chain copies the byte and cannot.
ARBOS_PRECOMPILE_CODE = b"\xfe"


def upstream_cast(accounts) -> Cast:
    """Who is who in the upstream deployment (Ape test accounts).

    o1 and o2 are L1 orchestrators with d1 and d2 delegating to o1 and d3 to o2; o2 migrated to L2 on the
    upstreams already (relayed there). The outsider holds L1 LPT and stakes nothing.
    """
    return Cast(
        governor=accounts[0],
        operator=accounts[9],
        orchestrators=(accounts[2], accounts[3]),
        delegators=(accounts[4], accounts[5], accounts[6]),
        outsider=accounts[7],
    )


class Upstreams:
    """A local L1 and L2 standing in for Ethereum mainnet and Arbitrum One, with state."""

    #: Allowance of accounts[0] to accounts[1] up to ``l1_fork_block`` (L1 only).
    EARLY_ALLOWANCE = 77
    #: The allowance at the upstreams' latest block (L1 and L2).
    LATE_ALLOWANCE = 99

    def __init__(self, chains, l1_token, l2_token, l1_fork_block, livepeer, cast):
        self.chains = chains
        self.l1_token = l1_token
        self.l2_token = l2_token
        #: L1 block at which the allowance was still EARLY_ALLOWANCE (before the system was deployed).
        self.l1_fork_block = l1_fork_block
        #: The session over the upstreams' deployment; ``livepeer.book.path`` is its address book.
        self.livepeer = livepeer
        self.cast = cast

    @property
    def book_path(self) -> Path:
        return self.livepeer.book.path

    def fingerprint(self) -> dict:
        """Block numbers and the cast's positions and balances on both upstreams: any write changes it."""
        lp = self.livepeer
        return {
            "blocks": (self.chains.l1.block_number, self.chains.l2.block_number),
            "accounts": {a.address: lp.status(a.address).as_json() for a in self.cast.people},
        }

    def fork_config(self, **mainnet_fork) -> LivepeerConfig:
        """The plugin's config with the mainnet-fork upstreams pointing at these chains."""
        section = {"l1_upstream": self.chains.l1.provider.uri, "l2_upstream": self.chains.l2.provider.uri}
        return LivepeerConfig.model_validate({"mainnet_fork": {**section, **mainnet_fork}})


@pytest.fixture(scope="package")
def upstreams(accounts, tmp_path_factory):
    """Upstream anvils with the chain ids of Ethereum mainnet (1) and Arbitrum One (42161), holding the system.

    First two tokens with allowances (the fork-mechanics tests read them), then the whole system deployed as on the
    local pair (simulator included: these are local chains that merely carry the real ids), its address book in a
    temporary directory; o1 and o2 register on L1 with their delegators, UPSTREAM_REWARD_ROUNDS rounds of L1
    rewards pass, and o2 migrates to L2 (relayed on the upstreams).

    Ape's ``node`` provider, which ape-foundry uses to reach a fork's upstream,
    refuses an upstream whose chain id is not the forked network's, so the
    stand-ins carry the real ids. anvil 1.7.1 (May 2026) treats 42161 like any
    id; builds after July 2026 inject an ArbSys answering only
    ``arbBlockNumber()`` on official Arbitrum ids, which would shadow an ArbSys
    simulator planted at 0x64 on these chains (and on a real Arbitrum One fork).
    """
    owner, spender = accounts[0], accounts[1]
    cast = upstream_cast(accounts)
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
        lp = Livepeer.open(chains, tmp_path_factory.mktemp("upstream") / "upstream.json")
        _deploy_and_stake(lp, cast)
        yield Upstreams(chains, chains.l1.bind(l1_token), chains.l2.bind(l2_token), fork_block, lp, cast)


def _deploy_and_stake(lp: Livepeer, cast: Cast) -> None:
    """The system on ``lp``'s chains, with the cast staked on L1 and rewarded, and o2 migrated and relayed."""
    s = lp.deploy(
        cast.governor,
        operator=cast.operator,
        genesis={a.address: GENESIS_LPT for a in cast.people},
        params={"round_length": ROUND_LENGTH},
    )
    bm, rounds = s.l1.bonding_manager, s.l1.rounds
    next_round(lp.chains.l1, rounds, cast.governor)
    for orchestrator, cut, share in ((cast.o1, 100_000, 500_000), (cast.o2, 50_000, 250_000)):
        s.l1.token.approve(bm.address, 2_000 * LPT, sender=orchestrator)
        register_orchestrator(bm, orchestrator, 2_000 * LPT, reward_cut=cut, fee_share=share)
    for delegator, orchestrator, amount in ((cast.d1, cast.o1, 600), (cast.d2, cast.o1, 400), (cast.d3, cast.o2, 300)):
        s.l1.token.approve(bm.address, amount * LPT, sender=delegator)
        bm.bond(amount * LPT, orchestrator.address, sender=delegator)
    for _ in range(UPSTREAM_REWARD_ROUNDS):
        next_round(lp.chains.l1, rounds, cast.governor)
        for orchestrator in (cast.o1, cast.o2):
            bm.reward(sender=orchestrator)
    lp.migrate(cast.o2)
    lp.relay()


#: Real upstreams for the tests that can run on real forks (archive nodes of Ethereum mainnet and Arbitrum One).
REAL_UPSTREAMS = ("APE_LIVEPEER_TEST_MAINNET_RPC", "APE_LIVEPEER_TEST_ARBITRUM_ONE_RPC")


def real_forks():
    """The ``mainnet-fork`` pair forking the REAL_UPSTREAMS (not connected); skips the test unless both are set.

    Never run in this repository's own test runs (no internet here)."""
    urls = [os.environ.get(name) for name in REAL_UPSTREAMS]
    if not all(urls):
        pytest.skip(
            f"no real upstreams: set {' and '.join(REAL_UPSTREAMS)} to run on real mainnet / Arbitrum One forks"
        )
    config = LivepeerConfig.model_validate({"mainnet_fork": {"l1_upstream": urls[0], "l2_upstream": urls[1]}})
    return TwoChains.for_pair("mainnet-fork", config=config, environ={})


@pytest.fixture(scope="module")
def forks(upstreams):
    """The ``mainnet-fork`` pair, through ape-foundry's fork provider, forking the upstreams (one pair per module)."""
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


def set_code(chain, address, code: bytes):
    chain.provider.make_request("anvil_setCode", [address, "0x" + code.hex()])


def plant_arbitrum_one(forks, upstreams, deployer, bridge_of_inbox=ARBITRUM_ONE.bridge):
    """Code at Arbitrum One's Inbox, Bridge and Outbox on the L1 fork, and at its precompiles on the L2 fork.

    The Inbox is the simulator's SimInbox built for ``bridge_of_inbox`` (its ``bridge()`` answer); the Bridge is a
    SimBridge deployed by ``deployer`` and wired (``wire``, by ``deployer``) to accept the planted Inbox's messages;
    the Outbox is the upstream simulator's. Retryables sent to the Inbox are recorded in the Bridge, as on the real
    chain; nothing delivers them. ArbSys (0x64) and ArbRetryableTx (0x6E) hold ArbOS's one-byte marker, as on an
    anvil fork of the real Arbitrum One, where they cannot run.
    """
    for address in (ARB_SYS_ADDRESS, ARB_RETRYABLE_TX_ADDRESS):
        set_code(forks.l2, address, ARBOS_PRECOMPILE_CODE)
    with forks.l1:
        inbox = project.SimInbox.deploy(bridge_of_inbox, sender=deployer)
        bridge = project.SimBridge.deploy(sender=deployer)
    set_code(forks.l1, ARBITRUM_ONE.inbox, forks.l1.get_code(inbox.address))
    set_code(forks.l1, ARBITRUM_ONE.bridge, forks.l1.get_code(bridge.address))
    set_code(forks.l1, ARBITRUM_ONE.outbox, forks.l1.get_code(upstreams.livepeer.book.get("simulator")["outbox"]))
    with forks.l1:
        project.SimBridge.at(ARBITRUM_ONE.bridge).wire(ARBITRUM_ONE.inbox, ARBITRUM_ONE.outbox, sender=deployer)


def nonces(forks, account):
    return [chain.provider.get_nonce(account.address) for chain in forks.layers]
