"""Shell use of the mainnet-fork pair: `ape livepeer --pair mainnet-fork chains` holds the two fork anvils at the
configured ports, and the pair's other commands attach to them, as the local pair's commands attach to
`ape livepeer chains`.

The holding process forks the stand-in upstreams (conftest.py); the commands run through the click runner in this
process (attaching, no ``obj["chains"]``) and once as a shell command in a process of their own.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.chains.provider import free_port, free_ports, port_is_listening
from ape_livepeer_migration.config import LivepeerConfig
from ape_livepeer_migration.exceptions import NodeNotRunningError

from .conftest import LPT


def fork_env(upstreams, ports):
    """The environment of a shell that uses the mainnet-fork pair held at ``ports``."""
    return {
        "APE_LIVEPEER_PAIR": "mainnet-fork",
        "APE_LIVEPEER_L1_RPC": upstreams.chains.l1.provider.uri,
        "APE_LIVEPEER_L2_RPC": upstreams.chains.l2.provider.uri,
        "APE_LIVEPEER_MAINNET_FORK_L1_PORT": str(ports[0]),
        "APE_LIVEPEER_MAINNET_FORK_L2_PORT": str(ports[1]),
    }


@pytest.fixture(scope="module")
def held(upstreams, chains_process):
    """`ape livepeer --pair mainnet-fork chains` in its own process, forking the upstreams; yields its ports."""
    ports = free_ports(2)
    with chains_process(["chains"], ports, fork_env(upstreams, ports)) as process:
        yield ports
        assert process.poll() is None  # still holding the forks after every test
    assert not any(map(port_is_listening, ports))  # Ctrl-C stopped both fork anvils


@pytest.fixture
def attached_config(held, monkeypatch):
    """This process's plugin config pointing the mainnet-fork pair at the held ports (as the shell's variables do)."""
    from ape import config

    section = config.get_config("livepeer_migration").mainnet_fork
    monkeypatch.setattr(section, "l1_port", held[0])
    monkeypatch.setattr(section, "l2_port", held[1])
    monkeypatch.delenv("APE_LIVEPEER_L1_RPC", raising=False)
    monkeypatch.delenv("APE_LIVEPEER_L2_RPC", raising=False)
    return held


def attached(book, *args):
    """`ape livepeer --pair mainnet-fork --address-book BOOK ARGS`, attaching like a shell command does."""
    return CliRunner().invoke(cli, ["--pair", "mainnet-fork", "--address-book", str(book), *map(str, args)])


def test_the_commands_attach_to_the_held_forks_and_their_changes_stay(attached_config, upstreams, tmp_path):
    book, cast = tmp_path / "mainnet-fork.json", upstreams.cast
    before = upstreams.fingerprint()
    adopted = attached(book, "deploy", "--from-upstream", upstreams.book_path, "--json")
    assert adopted.exit_code == 0, adopted.output
    assert json.loads(adopted.output)["addresses"] == upstreams.livepeer.system.addresses

    o1_stake = json.loads(attached(book, "status", cast.o1.address, "--json").output)["l1"]["stake_wei"]
    assert int(o1_stake) > 2_000 * LPT
    migrated = attached(book, "migrate", "--account", "test:2", "--yes")
    assert migrated.exit_code == 0, migrated.output
    relayed = attached(book, "relay", "--yes", "--json")
    assert relayed.exit_code == 0, relayed.output
    assert 1 in json.loads(relayed.output)["delivered"]  # o1's migration; o2's (0) was delivered upstream
    # a later command, attaching anew, finds the forks as the earlier ones left them
    status = json.loads(attached(book, "status", cast.o1.address, "--json").output)
    assert (status["l1"]["stake_wei"], status["l2"]["stake_wei"], status["l2"]["orchestrator"]) == ("0", o1_stake, True)
    assert upstreams.fingerprint() == before


def test_a_shell_command_reaches_the_held_forks(held, upstreams, tmp_path):
    """`ape livepeer status` as a shell runs it: its own process, the pair chosen by the environment."""
    book = tmp_path / "mainnet-fork.json"
    assert adopt_through_an_attached_pair(held, upstreams, book)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "APE_LIVEPEER_ADDRESS_BOOK": str(book), **fork_env(upstreams, held)}
    ape = Path(sys.executable).with_name("ape")
    done = subprocess.run(
        [str(ape), "livepeer", "status", upstreams.cast.d3.address, "--json"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(done.stdout)
    assert status["l1"]["delegate"] == upstreams.cast.o2.address and int(status["l1"]["stake_wei"]) > 300 * LPT


def adopt_through_an_attached_pair(held, upstreams, book) -> bool:
    """Record the upstream deployment in ``book`` through a pair attached to ``held`` (sends nothing)."""
    from ape_livepeer_migration.session.livepeer import Livepeer

    config = LivepeerConfig.model_validate({"mainnet_fork": {"l1_port": held[0], "l2_port": held[1]}})
    with TwoChains.for_pair("mainnet-fork", start=False, config=config, environ={}) as pair:
        assert [chain.choice for chain in pair.layers] == [
            "ethereum:mainnet-fork:foundry",
            "arbitrum:mainnet-fork:foundry",
        ]
        assert (pair.l1.chain_id, pair.l2.chain_id) == (1, 42161)
        assert pair.l1.provider.process is None and pair.l2.provider.process is None
        Livepeer.open(pair, book).adopt(upstreams.book_path)
    return all(map(port_is_listening, held))  # letting go stopped nothing


def test_attaching_needs_the_ports():
    config = LivepeerConfig.model_validate({"mainnet_fork": {"l1_port": free_port()}})
    with pytest.raises(ValueError, match="attaching to the mainnet-fork pair's fork anvils needs their ports"):
        TwoChains.for_pair("mainnet-fork", start=False, config=config, environ={})


def test_nothing_held_is_a_clear_error():
    config = LivepeerConfig.model_validate(
        {"mainnet_fork": dict(zip(("l1_port", "l2_port"), free_ports(2), strict=True))}
    )
    silent = TwoChains.for_pair("mainnet-fork", start=False, config=config, environ={})
    with pytest.raises(
        NodeNotRunningError,
        match="start the mainnet-fork pair with `ape livepeer --pair mainnet-fork "
        "chains` \\(ports: livepeer_migration.mainnet_fork",
    ):
        silent.connect()


def test_nodes_with_other_chain_ids_are_refused(upstreams):
    """The upstreams swapped: the L1 port answers 42161."""
    from urllib.parse import urlparse

    from ape_livepeer_migration.exceptions import ChainIdMismatchError

    l1, l2 = (urlparse(chain.provider.uri).port for chain in upstreams.chains.layers)
    config = LivepeerConfig.model_validate({"mainnet_fork": {"l1_port": l2, "l2_port": l1}})
    with pytest.raises(ChainIdMismatchError, match="L1 .* reports chain id 42161, expected 1"):
        TwoChains.for_pair("mainnet-fork", start=False, config=config, environ={}).connect()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["chains", "--pair", "mainnet-fork"],
            "the mainnet-fork pair's fork anvils need ports the other commands know",
        ),
        (["--pair", "sepolia", "chains"], "the sepolia pair runs no local node"),
    ],
)
def test_chains_refusals(args, message, monkeypatch, no_network):
    monkeypatch.setenv("APE_LIVEPEER_L1_RPC", "http://127.0.0.1:1")
    monkeypatch.setenv("APE_LIVEPEER_L2_RPC", "http://127.0.0.1:2")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and message in result.output
