"""``ape livepeer deploy`` on the mainnet-fork pair: the system wired to Arbitrum One's real contracts, no simulator.

The forks get code at Arbitrum One's Inbox, Bridge and Outbox (``plant_arbitrum_one``): what the check before
deploying needs, and an Inbox that records retryables in its Bridge as the real one does. Nothing delivers them
on the L2 fork, so the commands that would (relay, finalize) refuse and say what happens on a real Arbitrum, while
the L1 and L2 transactions of the other commands go through. Every command runs through the click runner on the
module's fork pair.
"""

import json
import shutil

import pytest
from ape import project
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli
from ape_livepeer_migration.addressbook import AddressBook
from ape_livepeer_migration.arbitrum import apply_l1_to_l2_alias
from ape_livepeer_migration.bridge import finalize_deposit_calldata
from ape_livepeer_migration.networks import ARBITRUM_ONE, contract_addresses
from ape_livepeer_migration.scenario import next_round
from ape_livepeer_migration.session import Livepeer

from .conftest import LPT, nonces, plant_arbitrum_one, set_code

GENESIS = 5_000 * LPT


def run(chains, book, *args):
    """``ape livepeer ARGS`` on ``chains`` (connected) with the address book ``book``."""
    return CliRunner().invoke(cli, [str(a) for a in args], obj={"chains": chains, "address_book": str(book)})


def one_line_error(result, text):
    assert result.exit_code == 1, result.output
    assert text in result.output
    assert result.output.count("\n") == 1, result.output


def arbitrum_one_bridge(forks):
    """The Bridge planted at Arbitrum One's address (its ``delayedMessageCount()`` counts the Inbox's tickets)."""
    with forks.l1:
        return forks.l1.bind(project.SimBridge.at(ARBITRUM_ONE.bridge))


def deploy_args(accounts):
    genesis = [f"--genesis={accounts[a].address}={GENESIS // LPT}" for a in (2, 4)]
    return ["deploy", "--account", "test:0", *genesis, "--round-length", "50", "--yes", "--json"]


@pytest.fixture(scope="module")
def deployed(forks, upstreams, accounts, tmp_path_factory):
    """The forks with Arbitrum One planted and the system deployed there by `deploy` (undone after the module);
    yields the address book's path and the command's JSON output."""
    book = tmp_path_factory.mktemp("fork-deploy") / "mainnet-fork.json"
    snapshot = forks.snapshot()
    try:
        plant_arbitrum_one(forks, upstreams, accounts[8])
        result = run(forks, book, *deploy_args(accounts))
        assert result.exit_code == 0, result.output
        yield book, json.loads(result.output)
    finally:
        forks.restore(snapshot)


@pytest.fixture
def lp(forks, deployed):
    """The session over the deployment; whatever the test does on the forks is undone."""
    with forks.isolated():
        yield Livepeer.open(forks, deployed[0])


def test_deploy_wires_the_system_to_arbitrum_one_and_records_it(deployed, forks, accounts):
    book_path, output = deployed
    assert output["steps"] == {"arbitrum": "done", "system": "done"}
    book = AddressBook.open(book_path, "mainnet-fork", 1, 42161)
    assert book.names == ["arbitrum", "system"]
    assert book.get("arbitrum") == contract_addresses(ARBITRUM_ONE)
    assert book.get("system") == output["addresses"]
    lp = Livepeer.open(forks, book_path)
    s = lp.system
    assert s.sim is None and lp.is_deployed
    assert s.bridge.inbox == ARBITRUM_ONE.inbox
    assert s.bridge.l1_gateway.inbox() == ARBITRUM_ONE.inbox
    assert s.bridge.l1_supply_reporter.inbox() == ARBITRUM_ONE.inbox
    assert s.l1.token.balanceOf(accounts[2].address) == GENESIS


def test_a_second_deploy_sends_nothing(lp, forks, accounts):
    before = lp.book.as_dict(), nonces(forks, accounts[0])
    result = run(forks, lp.book.path, *deploy_args(accounts)[:3], "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["steps"] == {"arbitrum": "skipped", "system": "skipped"}
    assert (AddressBook.open(lp.book.path, "mainnet-fork", 1, 42161).as_dict(), nonces(forks, accounts[0])) == before


def test_status_and_a_migration_whose_ticket_lands_in_arbitrums_inbox(lp, forks, accounts):
    s, orchestrator = lp.system, accounts[2]
    next_round(forks.l1, s.l1.rounds, accounts[0])
    s.l1.token.approve(s.l1.bonding_manager.address, 1_000 * LPT, sender=orchestrator)
    s.l1.bonding_manager.bond(1_000 * LPT, orchestrator.address, sender=orchestrator)
    s.l1.bonding_manager.transcoder(100_000, 500_000, sender=orchestrator)
    status = run(forks, lp.book.path, "status", orchestrator.address, "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["l1"]["stake"] == str(1_000 * LPT)

    arbitrum_bridge = arbitrum_one_bridge(forks)
    messages = arbitrum_bridge.delayedMessageCount()
    migrated = run(forks, lp.book.path, "migrate", "--account", "test:2", "--yes")
    assert migrated.exit_code == 0, migrated.output
    assert "Arbitrum delivers the ticket on L2 itself" in migrated.output
    assert "check it with `ape livepeer status`" in migrated.output
    assert arbitrum_bridge.delayedMessageCount() == messages + 1
    block = hex(forks.l1.block_number)
    (delivered,) = forks.l1.provider.make_request(
        "eth_getLogs", [{"address": ARBITRUM_ONE.inbox, "fromBlock": block, "toBlock": block}]
    )
    assert int(delivered["topics"][1], 16) == messages  # InboxMessageDelivered(messageNum, data)
    after = lp.status(orchestrator.address)
    assert after.l1.stake == 0 and after.l2.stake == 0  # nothing delivers the ticket on the L2 fork
    assert s.l1.token.balanceOf(s.bridge.l1_escrow.address) == 1_000 * LPT


def test_bridge_in_sends_its_ticket_to_arbitrums_inbox(lp, forks, accounts):
    arbitrum_bridge = arbitrum_one_bridge(forks)
    messages = arbitrum_bridge.delayedMessageCount()
    result = run(forks, lp.book.path, "bridge-in", "7", "--account", "test:4", "--yes")
    assert result.exit_code == 0, result.output
    assert "Arbitrum delivers the ticket on L2 itself" in result.output
    assert arbitrum_bridge.delayedMessageCount() == messages + 1
    assert lp.status(accounts[4].address).lpt == {"l1": GENESIS - 7 * LPT, "l2": 0}


def test_bridge_out_says_where_the_withdrawal_is_executed(lp, forks, accounts):
    """The L2 side of a deposit made by hand, as ArbOS would run it (from the L1 gateway's alias), then bridge-out."""
    s, holder = lp.system, accounts[4].address
    alias = apply_l1_to_l2_alias(str(s.bridge.l1_gateway.address))
    call = finalize_deposit_calldata(s.bridge, holder, holder, 7 * LPT)
    forks.l2.provider.make_request("anvil_impersonateAccount", [alias])
    forks.l2.provider.set_balance(alias, 10**18)
    forks.l2.provider.make_request(
        "eth_sendTransaction", [{"from": alias, "to": str(s.bridge.l2_gateway.address), "data": "0x" + call.hex()}]
    )
    forks.l2.provider.make_request("anvil_stopImpersonatingAccount", [alias])
    assert s.l2_token.balanceOf(holder) == 7 * LPT
    result = run(forks, lp.book.path, "bridge-out", "3", "--account", "test:4", "--yes")
    assert result.exit_code == 0, result.output
    assert "it becomes executable in Arbitrum's Outbox after the challenge period" in result.output
    assert s.l2_token.balanceOf(holder) == 4 * LPT


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["relay"], "relaying goes through the local Arbitrum simulator, and the mainnet-fork pair's system is wired to "
                    f"Arbitrum's real contracts (Inbox {ARBITRUM_ONE.inbox}): there is nothing to relay"),
        (["relay", "--operator", "test:0"], "Arbitrum itself delivers each L1->L2 ticket"),
        (["finalize", "--account", "test:4", "--yes"], "finding and finalizing withdrawals goes through the local "
                                                        "Arbitrum simulator"),
    ],
)
def test_simulator_commands_say_what_happens_on_a_real_arbitrum(lp, forks, accounts, args, message):
    before = nonces(forks, accounts[0]), nonces(forks, accounts[4])
    one_line_error(run(forks, lp.book.path, *args), message)
    assert (nonces(forks, accounts[0]), nonces(forks, accounts[4])) == before
    assert not lp.journal_path.exists()


def test_an_operator_is_refused(forks, deployed, accounts, tmp_path):
    with forks.isolated():
        before = nonces(forks, accounts[0]), nonces(forks, accounts[9])
        result = run(forks, tmp_path / "mainnet-fork.json", *deploy_args(accounts), "--operator", "test:9")
        one_line_error(result, "the mainnet-fork pair's system is wired to Arbitrum's real contracts: it has no "
                               "simulator, so no operator")
        assert (nonces(forks, accounts[0]), nonces(forks, accounts[9])) == before
    assert not (tmp_path / "mainnet-fork.json").exists()


@pytest.mark.parametrize("missing", ["inbox", "arb_sys"])
def test_chains_without_arbitrum_are_refused_and_nothing_is_recorded(forks, deployed, accounts, tmp_path, missing):
    book = tmp_path / "mainnet-fork.json"
    with forks.isolated():
        if missing == "inbox":
            set_code(forks.l1, ARBITRUM_ONE.inbox, b"")
            where = f"the L1 (chain 1) has no contract at Arbitrum's Inbox {ARBITRUM_ONE.inbox}"
        else:
            set_code(forks.l2, "0x0000000000000000000000000000000000000064", b"")
            where = "the L2 (chain 42161) has no contract at Arbitrum's ArbSys"
        before = nonces(forks, accounts[0])
        one_line_error(run(forks, book, *deploy_args(accounts)), f"cannot deploy on the mainnet-fork pair: {where}")
        assert nonces(forks, accounts[0]) == before
    assert not book.exists()


def test_an_interrupted_system_step_is_not_run_twice(forks, deployed, accounts, tmp_path, monkeypatch):
    """The deploy stops after the L1 protocol (as if the connection dropped): the book says the step never finished."""
    from ape_livepeer_migration import system

    book = tmp_path / "mainnet-fork.json"
    deployer = accounts[0]
    with forks.isolated():
        start = nonces(forks, deployer)

        def connection_lost(*args, **kwargs):
            raise ConnectionError("the L2 node went away")

        with monkeypatch.context() as patch:
            patch.setattr(system, "deploy_bridge", connection_lost)
            failed = run(forks, book, *deploy_args(accounts))
        assert isinstance(failed.exception, ConnectionError)
        assert nonces(forks, deployer)[0] > start[0]  # the L1 protocol was deployed
        recorded = AddressBook.open(book, "mainnet-fork", 1, 42161)
        assert recorded.names == ["arbitrum"] and recorded.interrupted("system") is not None
        before = nonces(forks, deployer)
        one_line_error(run(forks, book, *deploy_args(accounts)),
                       "the deploy step 'system' started earlier")
        assert nonces(forks, deployer) == before
        redone = run(forks, book, *deploy_args(accounts), "--redo-interrupted")
        assert redone.exit_code == 0, redone.output
        assert json.loads(redone.output)["steps"] == {"arbitrum": "skipped", "system": "done"}
        assert Livepeer.open(forks, book).system.bridge.l1_gateway.inbox() == ARBITRUM_ONE.inbox


def test_a_recorded_arbitrum_is_checked_again_before_the_system_step(forks, deployed, accounts, tmp_path):
    book = tmp_path / "mainnet-fork.json"
    shutil.copy(deployed[0], book)
    recorded = AddressBook.open(book, "mainnet-fork", 1, 42161)
    recorded.forget("system")
    with forks.isolated():
        set_code(forks.l1, ARBITRUM_ONE.outbox, b"")
        before = nonces(forks, accounts[0])
        one_line_error(run(forks, book, *deploy_args(accounts)),
                       f"has no contract at Arbitrum's Outbox {ARBITRUM_ONE.outbox}")
        assert nonces(forks, accounts[0]) == before
    assert AddressBook.open(book, "mainnet-fork", 1, 42161).as_dict() == recorded.as_dict()
