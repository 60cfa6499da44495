"""What the commands print: counts and ids that cannot be mistaken for each other, and every bad input (an account
Ape holds no key for, a mistake in the plugin's configuration) as one line, or as JSON with ``--json``."""

from __future__ import annotations

import json

import pytest

from .conftest import LPT

NO_KEY = "0x" + "ab" * 20


def _json_error(result, code, text):
    """``result`` printed only ``{"error": ...}`` containing ``text`` and exited with ``code``."""
    assert result.exit_code == code, result.output
    error = json.loads(result.output)["error"]
    assert list(json.loads(result.output)) == ["error"] and text in error
    return error


# ---------------------------------------------------------------------------- relay's counts and ids


def test_relay_prints_a_count_then_the_message_ids(run, lp, world):
    lp.bridge_in(world.d1, LPT)
    lp.bridge_in(world.d1, 2 * LPT)
    result = run("relay", "--yes")
    assert result.exit_code == 0, result.output
    # o1's migration was message #0; the two deposits are #1 and #2
    assert result.output.splitlines() == ["L1->L2 delivered 2 (#1, #2)"]
    lp.bridge_out(world.d1, LPT)
    relayed = run("relay", "--yes", "--no-fast-forward").output.splitlines()
    assert [line for line in relayed if not line.startswith("INFO:")] == ["L2->L1 waiting for confirmation 1 (#0)"]


def test_relay_json_lists_the_ids(run, lp, world):
    lp.bridge_in(world.d1, LPT)
    report = json.loads(run("relay", "--yes", "--json").output)
    assert report["delivered"] == [1] and report["seen_l1"] == [1]


# ---------------------------------------------------------------------------- asking first, and waiting


def test_relay_asks_first_and_a_no_relays_nothing(run, lp, world):
    lp.bridge_in(world.d1, LPT)
    refused = run("relay", input="n\n")
    assert refused.exit_code == 1 and "Relay the cross-chain messages of the local pair now? [y/N]" in refused.output
    assert lp.status(world.d1.address).lpt["l2"] == 0
    relayed = run("relay", input="y\n")
    assert relayed.exit_code == 0 and "L1->L2 delivered 1 (#1)" in relayed.output
    assert lp.status(world.d1.address).lpt["l2"] == LPT


def test_call_reward_asks_first_and_a_no_sends_nothing(run, world, reward_round, nonces):
    before = nonces(world.o1)
    refused = run("call-reward", "--account", "test:2", input="n\n")
    assert refused.exit_code == 1, refused.output
    assert f"Call reward() on L2 as {world.o1.address} in round" in refused.output and "Aborted" in refused.output
    assert nonces(world.o1) == before
    called = run("call-reward", "--account", "test:2", input="y\n")
    assert called.exit_code == 0 and "reward() minted" in called.output


def test_relay_watch_asks_once_and_says_once_what_it_waits_for(run, lp, world, monkeypatch):
    import threading

    lp.bridge_in(world.d1, LPT)
    lp.relay()
    lp.bridge_out(world.d1, LPT)
    waits = []

    def idle_twice_then_stop(self, timeout=None):
        waits.append(timeout)
        if len(waits) > 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Event, "wait", idle_twice_then_stop)
    result = run("relay", "--watch", "--no-fast-forward", input="y\n")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("INFO:")]
    assert lines == [
        "Relay the cross-chain messages of the local pair until interrupted? [y/N]: y",
        "L2->L1 waiting for confirmation 1 (#0)",
        "Waiting for new cross-chain messages, and for the confirmation of L2->L1 #0.",
    ]
    assert len(waits) == 3  # three idle passes, one line


def test_call_reward_watch_says_once_which_round_it_waits_for(run, lp, world, reward_round, monkeypatch):
    import time

    sleeps, real_sleep = [], time.sleep

    def same_round_twice_then_stop(seconds):
        if seconds != 7:  # Ape's own waits
            return real_sleep(seconds)
        sleeps.append(seconds)
        if len(sleeps) > 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", same_round_twice_then_stop)
    result = run("call-reward", "--yes", "--account", "test:2", "--watch", "--interval", "7")
    assert result.exit_code == 0, result.output
    current = lp.current_round("l2")
    waiting = f"Waiting for L2 round {current + 1} (round {current}: reward() is called)."
    assert result.output.count("reward() minted") == 1 and result.output.count(waiting) == 1
    assert len(sleeps) == 3


# ---------------------------------------------------------------------------- accounts


def test_status_of_an_address_without_a_key_reads_it(run, world):
    result = run("status", "--account", world.o1.address.lower(), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["account"] == world.o1.address


@pytest.mark.parametrize(
    "option, args",
    [
        ("--account", ("bridge-in", "1", "--account", NO_KEY, "--yes")),
        ("--account", ("migrate", "--account", NO_KEY, "--yes")),
        ("--account", ("call-reward", "--account", NO_KEY)),
        ("--operator", ("relay", "--operator", NO_KEY)),
    ],
)
def test_an_account_without_a_key_is_one_line_and_sends_nothing(run, world, nonces, option, args):
    before = nonces(world.d1, world.operator)
    result = run(*args)
    assert result.exit_code == 2, result.output
    message = f"Invalid value for '{option}': Ape holds no key for {NO_KEY}: import it with `ape accounts import`"
    assert [line for line in result.output.splitlines() if "Error" in line] == [f"Error: {message} or use test:N"]
    _json_error(run(*args, "--json"), 2, message)
    assert nonces(world.d1, world.operator) == before


# ---------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    "section, message",
    [
        ({"gas_marginn": 2}, "ape-config.yaml: livepeer_migration.gas_marginn is not a setting"),
        ({"gas_margin": "abc"}, "ape-config.yaml: livepeer_migration.gas_margin: input should be a valid number"),
        ({"local": {"l1_port": "x"}}, "ape-config.yaml: livepeer_migration.local.l1_port: input should be a valid"),
    ],
)
def test_a_config_mistake_is_one_line_naming_the_key(run, world, nonces, monkeypatch, section, message):
    from ape import config

    # the section as Ape holds it before validating it: read (and refused) when a command first needs it
    monkeypatch.setitem(config.local_project.config._plugin_configs, "livepeer_migration", section)
    before = nonces(world.d1)
    result = run("bridge-in", "1", "--account", "test:4", "--yes")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [result.output.splitlines()[0]] and message in result.output
    _json_error(run("bridge-in", "1", "--account", "test:4", "--yes", "--json"), 1, message)
    assert nonces(world.d1) == before


@pytest.mark.parametrize(
    "variable, message",
    [
        ("APE_LIVEPEER_GAS_MARGIN", "APE_LIVEPEER_GAS_MARGIN: input should be a valid number"),
        ("APE_LIVEPEER_LOCAL_L1_PORT", "APE_LIVEPEER_LOCAL_L1_PORT: input should be a valid integer"),
        ("APE_LIVEPEER_MAINNET_FORK_L2_PORT", "APE_LIVEPEER_MAINNET_FORK_L2_PORT: input should be a valid integer"),
    ],
)
def test_a_bad_variable_is_named_not_the_file(run, world, nonces, monkeypatch, variable, message):
    from ape import config

    monkeypatch.setitem(config.local_project.config._plugin_configs, "livepeer_migration", {})
    monkeypatch.setenv(variable, "abc")
    before = nonces(world.d1)
    result = run("bridge-in", "1", "--account", "test:4", "--yes")
    assert result.exit_code == 1, result.output
    assert len(result.output.splitlines()) == 1 and message in result.output and "ape-config.yaml" not in result.output
    assert nonces(world.d1) == before


# ---------------------------------------------------------------------------- --json errors


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("bridge-in", "abc", "--account", "test:4", "--yes"), 2, "'abc' is not a decimal number"),
        (("bridge-in", "100000", "--account", "test:4", "--yes"), 1, "less than 100,000"),
        (("migrate",), 2, "--account"),
        (("bridge-in", "1", "--account", "test:4"), 2, "With --json nothing is asked: add --yes to send."),
        (("call-reward", "--account", "test:4"), 1, "is not an active orchestrator on L2"),
    ],
)
def test_json_errors_are_json(run, world, nonces, args, code, message):
    before = nonces(world.d1)
    _json_error(run(*args, "--json"), code, message)
    assert nonces(world.d1) == before


# ---------------------------------------------------------------------------- the real cause first


@pytest.mark.parametrize(
    "args, message",
    [
        (("--account", "test:8"), "has no stake to migrate on L1"),  # and no L1 orchestrator either
        (("--account", "test:4", "--locks", "5"), "has no unbonding lock 5 on L1"),  # and no --to-orchestrator
        (("--account", "test:4", "--locks", "5", "--to-orchestrator", "ORCH1"), "has no unbonding lock 5 on L1"),
    ],
)
@pytest.mark.parametrize("mode", [("--yes",), ("--dry-run",), ()])
def test_migrate_names_what_is_missing_before_where_it_would_go(run, world, nonces, args, message, mode):
    args = [world.o1.address if a == "ORCH1" else a for a in args]
    before = nonces(world.d1, world.outsider)
    result = run("migrate", *args, *mode)  # without --yes: refused before anything is asked
    assert result.exit_code == 1, result.output
    assert [line for line in result.output.splitlines() if line.strip()] == [
        f"Error: {world.outsider.address if 'test:8' in args else world.d1.address} {message}"
    ]
    _json_error(run("migrate", *args, *mode, "--json"), 1, message)
    assert nonces(world.d1, world.outsider) == before
