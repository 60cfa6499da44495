"""``ape livepeer`` commands on a deployed local pair: what they do, and that every refusal sends nothing."""

from __future__ import annotations

import json

import pytest

from ape_livepeer_migration.bridge.oracle import report_l2_stake
from ape_livepeer_migration.exceptions import LivepeerError

from .conftest import LPT, ROUND_LENGTH

# ---------------------------------------------------------------------------- deploy and the address book


def test_deploy_again_sends_nothing(run, world, nonces):
    before = nonces(world.governor, world.operator)
    result = run("deploy", "--account", "test:0", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["steps"] == {"simulator": "skipped", "system": "skipped"}
    assert set(data["addresses"]) >= {"l1_migrator", "l2_migrator", "l2_bonding_manager"}
    assert data["inflation"] == {"mode": "l2", "rounds_per_l1_round": None}
    assert nonces(world.governor, world.operator) == before


def test_deploy_again_shows_the_recorded_addresses(run, world, book, module_book):
    result = run("deploy", "--account", "test:0")
    assert result.exit_code == 0, result.output
    assert "already recorded" in result.output and f"Address book: {book}" in result.output
    assert world_addresses(module_book)["l1_migrator"] in result.output


def test_deploy_settings_for_an_existing_deployment_send_nothing_and_say_so(run, world, book, nonces):
    before = nonces(world.governor, world.operator)
    result = run("deploy", "--account", "test:0", "--operator", "test:9", "--genesis", f"{world.d1.address}=5", "--yes")
    assert result.exit_code == 0, result.output
    assert f"The system is already deployed ({book} records every step): nothing sent" in result.output
    assert "simulator: already recorded" in result.output and "system: already recorded" in result.output
    assert nonces(world.governor, world.operator) == before


def test_deploy_fresh_deploys_a_new_system_on_the_same_simulator(run, world, book, module_book):
    result = run("deploy", "--account", "test:0", "--fresh", "--yes", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["steps"] == {"simulator": "skipped", "system": "done"}  # one simulator per L2
    assert data["addresses"]["l1_migrator"] != world_addresses(module_book)["l1_migrator"]
    (kept,) = book.parent.glob("*.replaced-*")  # the old book; the journal stays with the simulator
    assert kept.name.startswith("local.json.replaced-") and book.with_suffix(".relay.db").exists()
    assert json.loads(kept.read_text())["entries"]["system"]["value"] == world_addresses(module_book)
    relayed = run("relay", "--yes")
    assert relayed.exit_code == 0 and "Nothing to relay." in relayed.output


def test_deploy_fresh_after_the_chains_lost_the_simulator_deploys_both(run, lp, chains, world, book):
    from ape_livepeer_migration.arbitrum.simulator import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS

    recorded = lp.book.get("simulator")
    for layer, address in (("l1", recorded["inbox"]), ("l2", ARB_SYS_ADDRESS), ("l2", ARB_RETRYABLE_TX_ADDRESS)):
        getattr(chains, layer).provider.make_request("anvil_setCode", [address, "0x"])
    result = run("deploy", "--account", "test:0", "--fresh", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["steps"] == {"simulator": "done", "system": "done"}
    journal = book.with_suffix(".relay.db")  # the old simulator's journal is moved aside
    assert not journal.exists()
    kept = sorted(p.name.split(".replaced-")[0] for p in book.parent.glob("*.replaced-*"))
    assert kept == [book.name, journal.name]


def test_deploy_with_another_address_book_refuses_a_second_simulator(run, world, nonces, tmp_path):
    other = tmp_path / "other" / "local.json"
    before = nonces(world.governor, world.operator)
    result = run("deploy", "--account", "test:0", "--operator", "test:9", "--yes", book_path=other)
    assert result.exit_code == 1, result.output
    assert "already holds an Arbitrum simulator" in result.output and f"{other} does not record it" in result.output
    assert len([line for line in result.output.splitlines() if "Error" in line]) == 1
    assert nonces(world.governor, world.operator) == before
    again = run("deploy", "--account", "test:0", "--operator", "test:9", "--yes", book_path=other)
    assert "started earlier" not in again.output  # the refusal left no interrupted step behind


def test_deploy_continues_after_the_last_finished_step(run, lp, book, module_book, world, nonces, accounts):
    lp.book.forget("system")
    sim_before = lp.book.get("simulator")
    operator_nonces = nonces(world.operator)
    result = run(
        "deploy", "--account", "test:1", "--operator", "test:9", "--round-length", ROUND_LENGTH, "--yes", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["steps"] == {"simulator": "skipped", "system": "done"}
    assert nonces(world.operator) == operator_nonces  # the simulator was not deployed again
    book_data = json.loads(book.read_text())
    assert book_data["entries"]["simulator"]["value"] == sim_before
    assert book_data["entries"]["system"]["value"]["l2_migrator"] == data["addresses"]["l2_migrator"]
    assert data["addresses"]["l2_migrator"] != world_addresses(module_book)["l2_migrator"]


def world_addresses(module_book):
    return json.loads(module_book.read_text())["entries"]["system"]["value"]


def test_deploy_refuses_an_interrupted_step(run, lp, world, nonces):
    lp.book.forget("system")
    lp.book.begin("system", {"account": world.governor.address})
    before = nonces(world.governor, world.operator)
    result = run("deploy", "--account", "test:0", "--yes")
    assert result.exit_code == 1
    assert "deploy step 'system' started earlier" in result.output
    assert nonces(world.governor, world.operator) == before


def test_deploy_without_yes_and_without_a_terminal_aborts(run, lp, world, nonces):
    lp.book.forget("system")
    before = nonces(world.governor)
    result = run("deploy", "--account", "test:0")
    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert nonces(world.governor) == before


def test_address_book_written_for_other_chains_is_refused(run, book, world):
    data = json.loads(book.read_text())
    data["chain_ids"]["l2"] = 42161
    book.write_text(json.dumps(data))
    result = run("status", world.o1.address)
    assert result.exit_code == 1
    assert "is for chain ids L1 31337 / L2 42161" in result.output


def test_commands_refuse_chains_without_the_system(run, tmp_path, world, nonces):
    before = nonces(world.d1)
    empty = tmp_path / "none.json"
    for args in (
        ("status", world.o1.address),
        ("bridge-in", "1", "--account", "test:4", "--yes"),
        ("migrate", "--account", "test:4", "--yes"),
        ("relay",),
    ):
        result = run(*args, book_path=empty)
        assert result.exit_code == 1, args
        assert "no Livepeer system is deployed on the local pair" in result.output
    assert nonces(world.d1) == before


def test_recorded_contracts_missing_on_chain_are_reported(run, book, world):
    data = json.loads(book.read_text())
    data["entries"]["system"]["value"]["l2_bonding_manager"] = "0x" + "12" * 20
    book.write_text(json.dumps(data))
    result = run("status", world.o1.address)
    assert result.exit_code == 1
    assert "records l2_bonding_manager at 0x1212" in result.output and "has no contract there" in result.output


# ---------------------------------------------------------------------------- status


def test_status_json_of_a_migrated_orchestrator_and_a_delegator(run, world):
    o1 = json.loads(run("status", world.o1.address, "--json").output)
    assert o1["l1"]["stake_wei"] == "0" and o1["l1"]["delegate"] is None
    assert o1["l2"]["orchestrator"] is True and o1["l2"]["delegate"] == world.o1.address
    assert int(o1["l2"]["stake_wei"]) >= 2_000 * LPT
    d1 = json.loads(run("status", "--account", "test:4", "--json").output)
    assert d1["account"] == world.d1.address
    assert d1["l1"]["stake_wei"] == str(600 * LPT) and d1["l1"]["delegate"] == world.o1.address
    assert d1["lpt_wei"]["l1"] == str(9_400 * LPT) and d1["lpt_wei"]["l2"] == "0"
    assert d1["messages"] == []
    assert d1["minting"] == {"mode": "l2", "rounds_per_l1_round": None}


def test_status_table(run, world):
    result = run("status", world.d1.address)
    assert result.exit_code == 0
    assert "600" in result.output and world.o1.address in result.output
    assert result.output.splitlines()[-1] == "No cross-chain messages in flight."  # L2 minting adds no line


def test_report_stake_is_refused_with_l2_minting(run, lp, book, world, nonces):
    before = nonces(world.operator)
    result = run("report-stake", "--account", "test:9", "--yes")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: the system of {book} mints its rewards on L2: it has no stake oracle to report to "
        "(deploy --inflation l1)"
    ]
    assert json.loads(run("report-stake", "--account", "test:9", "--yes", "--json").output) == {
        "error": result.output.splitlines()[0].removeprefix("Error: ")
    }
    with pytest.raises(LivepeerError) as refused:  # the library's report, which the demo and the relayer send
        report_l2_stake(lp.system, world.operator)
    assert str(refused.value) == result.output.splitlines()[0].replace(f"Error: the system of {book}", "the system")
    assert nonces(world.operator) == before


@pytest.mark.parametrize("address", ["0x123", "0x" + "g" * 40, "0x" + "00" * 20])
def test_status_malformed_address(run, address):
    result = run("status", address)
    assert result.exit_code == 2
    assert "Invalid value for '[ADDRESS]'" in result.output


def test_unknown_account(run):
    for spec, message in (
        ("test:99", "there are test:0 to test:"),
        ("nobody-alias", "no Ape account is called"),
        ("0x" + "ab" * 20, "Ape holds no key for"),
    ):
        result = run("bridge-in", "1", "--account", spec, "--yes")
        assert result.exit_code == 2, spec
        assert message in result.output
