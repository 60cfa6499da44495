"""``ape livepeer deploy`` on the mainnet-fork pair: the system wired to Arbitrum One's real contracts.

The forks get code at Arbitrum One's Inbox, Bridge and Outbox (``plant_arbitrum_one``): what the check before
deploying needs, and an Inbox that records retryables in its Bridge as the real one does; the L2 fork's ArbSys and
ArbRetryableTx hold ArbOS's marker byte, as on a fork of the real chain, where anvil cannot run them. The deploy's
"delivery" step puts the simulator's ticket delivery on the L2 fork at ordinary addresses, and ``relay`` delivers
the Inbox's tickets through it: a migration made on the L1 fork stakes on the L2 fork, where reward() is called.
Withdrawals are refused before anything is sent (nothing could pay them out on the L1 fork). Every command runs
through the click runner on the module's fork pair.

With REAL_UPSTREAMS set (see ``real_forks``) every test runs a second time on forks of the real Ethereum mainnet and
Arbitrum One, whose Inbox, Bridge and Outbox are the real ones; without them (as in this repository's own runs, with
no internet) those runs are skipped.
"""

import json
import shutil

import pytest
from ape import project
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli
from ape_livepeer_migration.arbitrum.simulator import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS
from ape_livepeer_migration.chains.networks import ARBITRUM_ONE, contract_addresses
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.session.addressbook import AddressBook
from ape_livepeer_migration.session.livepeer import Livepeer
from ape_livepeer_migration.testing.rounds import next_round

from .conftest import ARBOS_PRECOMPILE_CODE, LPT, nonces, plant_arbitrum_one, real_forks, set_code

GENESIS = 5_000 * LPT


def run(chains, book, *args):
    """``ape livepeer ARGS`` on ``chains`` (connected) with the address book ``book``."""
    return CliRunner().invoke(cli, [str(a) for a in args], obj={"chains": chains, "address_book": str(book)})


def one_line_error(result, text):
    """One line naming ``text``; with ``--json``, the JSON ``{"error": ...}`` naming it."""
    assert result.exit_code == 1, result.output
    if result.output.startswith("{"):
        assert list(json.loads(result.output)) == ["error"] and text in json.loads(result.output)["error"]
        return
    assert text in result.output
    assert result.output.count("\n") == 1, result.output


def arbitrum_one_bridge(forks):
    """The Bridge planted at Arbitrum One's address (its ``delayedMessageCount()`` counts the Inbox's tickets)."""
    with forks.l1:
        return forks.l1.bind(project.SimBridge.at(ARBITRUM_ONE.bridge))


def deploy_args(accounts):
    genesis = [f"--genesis={accounts[a].address}={GENESIS // LPT}" for a in (2, 4)]
    return ["deploy", "--account", "test:0", *genesis, "--round-length", "50", "--yes", "--json"]


@pytest.fixture(scope="module", params=["stand-ins", "real"])
def forks(request, accounts):
    """The mainnet-fork pair holding Arbitrum One: forks of the stand-in upstreams with it planted, or of the real
    chains (skipped without REAL_UPSTREAMS)."""
    if request.param == "real":
        with real_forks() as real:
            yield real
        return
    upstreams = request.getfixturevalue("upstreams")
    with TwoChains.for_pair("mainnet-fork", config=upstreams.fork_config(), environ={}) as pair:
        plant_arbitrum_one(pair, upstreams, accounts[8])
        yield pair


@pytest.fixture(scope="module")
def deployed(forks, accounts, tmp_path_factory):
    """The system deployed on the forks by `deploy` (undone after the module); yields the address book's path and
    the command's JSON output."""
    book = tmp_path_factory.mktemp("fork-deploy") / "mainnet-fork.json"
    snapshot = forks.snapshot()
    try:
        result = run(forks, book, *deploy_args(accounts))
        assert result.exit_code == 0, result.output
        yield book, json.loads(result.output)
    finally:
        forks.restore(snapshot)


@pytest.fixture
def lp(forks, deployed, tmp_path):
    """The session over a copy of the deployment's book (the relayer's journal lives next to it); whatever the test
    does on the forks is undone."""
    book = tmp_path / "mainnet-fork.json"
    shutil.copy(deployed[0], book)
    with forks.isolated():
        yield Livepeer.open(forks, book)


def test_the_dry_run_checks_arbitrum_one_and_rehearses_only_the_system(forks, accounts, tmp_path):
    book = tmp_path / "mainnet-fork.json"
    before = nonces(forks, accounts[0])
    result = run(forks, book, "deploy", "--account", "test:0", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    # Arbitrum One's contracts are checked (sending nothing); the fork's ticket delivery is left out of the figures
    assert plan["steps"] == {"arbitrum": "checks only", "delivery": "not rehearsed", "system": "rehearsed"}
    assert "l1_migrator" in plan["l1"]["contracts"] and "inbox" not in plan["l1"]["contracts"]
    assert "arb_sys" not in plan["l2"]["contracts"] and plan["l2"]["transactions"] > 0
    assert nonces(forks, accounts[0]) == before
    assert not book.exists() or json.loads(book.read_text())["entries"] == {}


def test_deploy_wires_the_system_to_arbitrum_one_and_records_it(deployed, forks, accounts):
    book_path, output = deployed
    assert output["steps"] == {"arbitrum": "done", "delivery": "done", "system": "done"}
    book = AddressBook.open(book_path, "mainnet-fork", 1, 42161)
    assert book.names == ["arbitrum", "delivery", "system", "system_blocks"]
    assert book.get("arbitrum") == contract_addresses(ARBITRUM_ONE)
    assert book.get("system") == output["addresses"]
    lp = Livepeer.open(forks, book_path)
    s = lp.system
    assert lp.is_deployed
    # the delivery reads the real Inbox and Bridge, runs at an ordinary L2 address, and leaves the precompiles alone
    assert (s.sim.inbox.address, s.sim.bridge.address) == (ARBITRUM_ONE.inbox, ARBITRUM_ONE.bridge)
    assert book.get("delivery")["operator"] == accounts[0].address == s.sim.operator.address
    assert s.sim.arb_retryable_tx.address not in (ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS)
    assert {forks.l2.get_code(a) for a in (ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS)} == {ARBOS_PRECOMPILE_CODE}
    assert s.bridge.inbox == ARBITRUM_ONE.inbox
    assert s.bridge.l1_gateway.inbox() == ARBITRUM_ONE.inbox
    assert s.bridge.l1_supply_reporter.inbox() == ARBITRUM_ONE.inbox
    assert s.l1.token.balanceOf(accounts[2].address) == GENESIS


def test_a_second_deploy_sends_nothing(lp, forks, accounts):
    before = lp.book.as_dict(), nonces(forks, accounts[0])
    result = run(forks, lp.book.path, *deploy_args(accounts)[:3], "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["steps"] == {"arbitrum": "skipped", "delivery": "skipped", "system": "skipped"}
    assert (AddressBook.open(lp.book.path, "mainnet-fork", 1, 42161).as_dict(), nonces(forks, accounts[0])) == before


def test_a_migration_through_arbitrums_inbox_stakes_on_the_l2_fork_where_reward_is_called(lp, forks, accounts):
    s, orchestrator = lp.system, accounts[2]
    next_round(forks.l1, s.l1.rounds, accounts[0])
    s.l1.token.approve(s.l1.bonding_manager.address, 1_000 * LPT, sender=orchestrator)
    s.l1.bonding_manager.bond(1_000 * LPT, orchestrator.address, sender=orchestrator)
    s.l1.bonding_manager.transcoder(100_000, 500_000, sender=orchestrator)
    status = run(forks, lp.book.path, "status", orchestrator.address, "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["l1"]["stake_wei"] == str(1_000 * LPT)

    arbitrum_bridge = arbitrum_one_bridge(forks)
    messages = arbitrum_bridge.delayedMessageCount()
    migrated = run(forks, lp.book.path, "migrate", "--account", "test:2", "--yes")
    assert migrated.exit_code == 0, migrated.output
    assert "run `ape livepeer relay` to deliver it on L2" in migrated.output
    assert arbitrum_bridge.delayedMessageCount() == messages + 1
    block = hex(forks.l1.block_number)
    (delivered,) = forks.l1.provider.make_request(
        "eth_getLogs", [{"address": ARBITRUM_ONE.inbox, "fromBlock": block, "toBlock": block}]
    )
    assert int(delivered["topics"][1], 16) == messages  # InboxMessageDelivered(messageNum, data)
    assert lp.status(orchestrator.address).l2.stake == 0  # until relayed
    assert s.l1.token.balanceOf(s.bridge.l1_escrow.address) == 1_000 * LPT

    relayed = run(forks, lp.book.path, "relay", "--yes")
    assert relayed.exit_code == 0, relayed.output
    assert relayed.output == f"L1->L2 delivered 1 (#{messages})\n"
    after = lp.status(orchestrator.address)
    assert (after.l1.stake, after.l2.stake, after.l2.delegate) == (0, 1_000 * LPT, orchestrator.address)
    assert after.l2.orchestrator
    next_round(forks.l2, s.l2_rounds, accounts[0])  # the migrated stake earns from the next round on
    rewarded = run(forks, lp.book.path, "call-reward", "--yes", "--account", "test:2", "--json")
    assert rewarded.exit_code == 0, rewarded.output
    assert json.loads(rewarded.output)["called"] is True
    assert lp.status(orchestrator.address).l2.stake > 1_000 * LPT


def test_bridge_in_is_relayed_and_bridge_out_refused_before_anything_is_sent(lp, forks, accounts):
    arbitrum_bridge = arbitrum_one_bridge(forks)
    messages = arbitrum_bridge.delayedMessageCount()
    result = run(forks, lp.book.path, "bridge-in", "7", "--account", "test:4", "--yes")
    assert result.exit_code == 0, result.output
    assert "run `ape livepeer relay` to deliver it on L2" in result.output
    assert arbitrum_bridge.delayedMessageCount() == messages + 1
    assert run(forks, lp.book.path, "relay", "--yes").exit_code == 0
    assert lp.status(accounts[4].address).lpt == {"l1": GENESIS - 7 * LPT, "l2": 7 * LPT}

    before = nonces(forks, accounts[4])
    one_line_error(
        run(forks, lp.book.path, "bridge-out", "3", "--account", "test:4", "--yes"),
        "a withdrawal from the mainnet-fork pair's L2 fork could never be paid out on L1: the fork cannot "
        f"run ArbSys ({ARB_SYS_ADDRESS}, an ArbOS precompile)",
    )
    assert nonces(forks, accounts[4]) == before


def test_with_nothing_pending_relay_and_finalize_send_nothing(lp, forks, accounts):
    before = nonces(forks, accounts[0]), nonces(forks, accounts[4])
    relayed = run(forks, lp.book.path, "relay", "--yes")
    assert (relayed.exit_code, relayed.output) == (0, "Nothing to relay.\n")
    one_line_error(
        run(forks, lp.book.path, "finalize", "--account", "test:4", "--yes"),
        f"{accounts[4].address} has no withdrawal waiting to be finalized",
    )
    one_line_error(
        run(forks, lp.book.path, "relay", "--yes", "--operator", "test:9"),
        f"{accounts[9].address} is not the simulator's operator ({accounts[0].address})",
    )
    assert (nonces(forks, accounts[0]), nonces(forks, accounts[4])) == before


def test_the_operator_runs_the_delivery(forks, deployed, accounts, tmp_path):
    book = tmp_path / "mainnet-fork.json"
    with forks.isolated():
        result = run(forks, book, *deploy_args(accounts), "--operator", "test:9")
        assert result.exit_code == 0, result.output
        lp = Livepeer.open(forks, book)
        assert lp.book.get("delivery")["operator"] == accounts[9].address == lp.system.sim.operator.address
        assert lp.system.sim.arb_retryable_tx.operator() == accounts[9].address


def test_a_system_taken_over_without_a_delivery_gets_it_from_deploy(forks, deployed, accounts, tmp_path):
    """As after ``deploy --from-upstream`` of a system deployed on the real chains: the book lacks the fork's
    delivery."""
    book = tmp_path / "mainnet-fork.json"
    shutil.copy(deployed[0], book)
    AddressBook.open(book, "mainnet-fork", 1, 42161).forget("delivery")
    with forks.isolated():
        before = nonces(forks, accounts[0])
        one_line_error(
            run(forks, book, "relay", "--yes"),
            f"relaying needs the ticket delivery on the mainnet-fork pair's L2 fork, and {book} records none",
        )
        assert nonces(forks, accounts[0]) == before
        result = run(forks, book, "deploy", "--account", "test:0", "--yes", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["steps"] == {"arbitrum": "skipped", "delivery": "done", "system": "skipped"}
        assert json.loads(result.output)["addresses"] == deployed[1]["addresses"]
        assert run(forks, book, "relay", "--yes").output == "Nothing to relay.\n"


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
    from ape_livepeer_migration.bridge import system

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
        assert recorded.names == ["arbitrum", "delivery"] and recorded.interrupted("system") is not None
        before = nonces(forks, deployer)
        one_line_error(run(forks, book, *deploy_args(accounts)), "the deploy step 'system' started earlier")
        assert nonces(forks, deployer) == before
        redone = run(forks, book, *deploy_args(accounts), "--redo-interrupted")
        assert redone.exit_code == 0, redone.output
        assert json.loads(redone.output)["steps"] == {"arbitrum": "skipped", "delivery": "skipped", "system": "done"}
        assert Livepeer.open(forks, book).system.bridge.l1_gateway.inbox() == ARBITRUM_ONE.inbox


def test_a_recorded_arbitrum_is_checked_again_before_the_system_step(forks, deployed, accounts, tmp_path):
    book = tmp_path / "mainnet-fork.json"
    shutil.copy(deployed[0], book)
    recorded = AddressBook.open(book, "mainnet-fork", 1, 42161)
    recorded.forget("system")
    with forks.isolated():
        set_code(forks.l1, ARBITRUM_ONE.outbox, b"")
        before = nonces(forks, accounts[0])
        one_line_error(
            run(forks, book, *deploy_args(accounts)), f"has no contract at Arbitrum's Outbox {ARBITRUM_ONE.outbox}"
        )
        assert nonces(forks, accounts[0]) == before
    assert AddressBook.open(book, "mainnet-fork", 1, 42161).as_dict() == recorded.as_dict()
