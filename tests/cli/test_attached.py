"""The commands and the console object the way a user runs them: attached to `ape livepeer chains` running in
another process, through the configured ports (no chains handed in)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli
from ape_livepeer_migration.chains.provider import free_port


@pytest.fixture
def configured(running_pair, monkeypatch, tmp_path):
    """The project's config points at the running pair; the address book directory is a temporary one."""
    from ape import config

    settings = config.get_config("livepeer_migration")
    monkeypatch.setattr(settings.local, "l1_port", running_pair[0])
    monkeypatch.setattr(settings.local, "l2_port", running_pair[1])
    monkeypatch.setattr(settings, "address_book_dir", str(tmp_path))
    monkeypatch.delenv("APE_LIVEPEER_PAIR", raising=False)
    return tmp_path


def test_deploy_status_and_console_through_the_configured_pair(configured):
    runner = CliRunner()
    holder = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # test:1
    deployed = runner.invoke(
        cli, ["deploy", "--account", "test:0", "--operator", "test:9", "--genesis", f"{holder}=25", "--yes", "--json"]
    )
    assert deployed.exit_code == 0, deployed.output
    assert json.loads(deployed.output)["address_book"] == str(configured / "local.json")
    # the first command let go of the nodes: the next one attaches again
    status = runner.invoke(cli, ["status", holder, "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["lpt_wei"] == {"l1": str(25 * 10**18), "l2": "0"}

    from ape_livepeer_migration.console import ape_init_extras

    livepeer = ape_init_extras()["livepeer"]
    try:
        assert livepeer.is_deployed
        assert livepeer.status(holder).lpt["l1"] == 25 * 10**18
    finally:
        livepeer.close()


def test_commands_say_when_no_node_runs(configured, monkeypatch):
    from ape import config

    monkeypatch.setattr(config.get_config("livepeer_migration").local, "l1_port", free_port())
    result = CliRunner().invoke(cli, ["status", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"])
    assert result.exit_code == 1
    assert "no node listens for the L1" in result.output and "ape livepeer chains" in result.output


def test_unknown_pair(configured):
    result = CliRunner().invoke(cli, ["--pair", "nope", "status", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"])
    assert result.exit_code == 1
    assert "unknown network pair 'nope'" in result.output


def test_pairs_that_cannot_be_attached(configured, monkeypatch):
    address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    monkeypatch.delenv("APE_LIVEPEER_L1_RPC", raising=False)
    monkeypatch.delenv("APE_LIVEPEER_L2_RPC", raising=False)
    live = CliRunner().invoke(cli, ["--pair", "sepolia", "status", address])
    assert live.exit_code == 1 and "needs the RPC URL of its L1 node" in live.output
    # attaching to held fork anvils needs no upstream URL, but their ports
    fork = CliRunner().invoke(cli, ["--pair", "mainnet-fork", "status", address])
    assert fork.exit_code == 1 and "attaching to the mainnet-fork pair's fork anvils needs their ports" in fork.output
