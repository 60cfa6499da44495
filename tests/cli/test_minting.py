"""The L1-minting mode from the command line: deploy --inflation l1, status's minting line, report-stake, and the
relayer's stake reports. The module's system is deployed in that mode (``world`` below replaces the package's)."""

from __future__ import annotations

import json

import pytest
from shared import next_pass, relayer_process

from ape_livepeer_migration.testing.rounds import an_hour_passes, next_round

from .conftest import LPT, ROUNDS_PER_L1_ROUND, l1_minting_world

world = l1_minting_world()


def test_deploy_records_and_shows_l1_minting(run, book):
    data = json.loads(run("deploy", "--account", "test:0", "--json").output)
    assert data["inflation"] == {"mode": "l1", "rounds_per_l1_round": ROUNDS_PER_L1_ROUND}
    assert "l1_stake_oracle" in data["addresses"] and "l1_supply_reporter" not in data["addresses"]
    assert json.loads(book.read_text())["entries"]["system"]["value"]["inflation"] == "l1"
    text = run("deploy", "--account", "test:0").output
    assert f"rewards minted on L1, {ROUNDS_PER_L1_ROUND} L2 rounds per L1 round" in text


def test_deploy_settings_name_the_inflation_options_for_an_existing_deployment(run, world, nonces):
    before = nonces(world.governor)
    result = run("deploy", "--account", "test:0", "--inflation", "l1", "--yes")
    assert result.exit_code == 0, result.output  # running deploy again is harmless: it says so and sends nothing
    assert "nothing sent" in result.output
    assert "--inflation and --rounds-per-l1-round apply to a new deployment (--fresh)" in result.output
    assert nonces(world.governor) == before


def test_status_before_any_stake_report(run, world):
    minting = json.loads(run("status", world.o1.address, "--json").output)["minting"]
    assert minting["mode"] == "l1" and minting["rounds_per_l1_round"] == ROUNDS_PER_L1_ROUND
    assert minting["oracle"] == {
        "staked_supply_wei": None,
        "report_age_seconds": None,
        "max_report_age_seconds": 86_400,
        "fresh": False,
    }
    assert minting["available_this_round_wei"] == "0"
    last = run("status", world.o1.address).output.splitlines()[-1]
    assert last.startswith(f"Rewards minted on L1 ({ROUNDS_PER_L1_ROUND} L2 rounds per L1 round): no L2 stake reported")


def test_status_says_why_the_l1_round_mint_waits(run, lp, chains, world):
    next_round(chains.l1, lp.system.l1.rounds, world.governor)  # no report, no gas budget: the mint waits
    minting = json.loads(run("status", world.o1.address, "--json").output)["minting"]
    assert minting["l1_mint_waits"] == "the L2 stake report is stale"
    assert run("report-stake", "--account", "test:9", "--yes").exit_code == 0
    minting = json.loads(run("status", world.o1.address, "--json").output)["minting"]
    assert minting["l1_round"] == lp.system.l1.rounds.currentRound()
    assert minting["l1_mint_waits"] == "the gas budget is short"
    assert (
        run("status", world.o1.address)
        .output.rstrip()
        .endswith(f"L1 round {minting['l1_round']}'s mint waits: the gas budget is short.")
    )


def test_report_stake_by_an_account_that_is_not_a_reporter_is_refused(run, lp, world, nonces):
    before = nonces(world.o1)
    result = run("report-stake", "--account", "test:2", "--yes")
    assert result.exit_code == 1
    oracle = lp.system.l1.stake_oracle.address
    assert result.output.splitlines() == [
        f"Error: {world.o1.address} is not a reporter of the L2 stake oracle {oracle}: governance adds one"
    ]
    assert "is not a reporter" in json.loads(run("report-stake", "--account", "test:2", "--json").output)["error"]
    assert nonces(world.o1) == before


def test_report_stake_then_status_shows_a_fresh_report(run, lp, world):
    asked = run("report-stake", "--account", "test:9", input="n\n")
    assert asked.exit_code == 1 and "Report the L2 staked supply (0.000000 LPT at L2 block" in asked.output
    assert lp.system.l1.stake_oracle.lastL2Block() == 0
    sent = json.loads(run("report-stake", "--account", "test:9", "--yes", "--json").output)
    assert sent["layer"] == "l1" and sent["staked_supply_wei"] == "0" and int(sent["l2_block"]) > 0
    oracle = json.loads(run("status", world.o1.address, "--json").output)["minting"]["oracle"]
    assert oracle["staked_supply_wei"] == "0" and oracle["fresh"] is True and 0 <= oracle["report_age_seconds"] < 3600
    assert "L2 stake report" in run("status", world.o1.address).output.splitlines()[-1]


def test_report_stake_dry_run_sends_nothing_and_a_report_carries_the_gas_controls(run, lp, chains, world, nonces):
    before = nonces(world.operator)
    preview = json.loads(run("report-stake", "--account", "test:9", "--dry-run", "--json").output)
    assert preview["operation"] == "report-stake" and preview["layer"] == "l1" and int(preview["gas"]) > 0
    assert preview["staked_supply_wei"] == "0" and int(preview["l2_block"]) > 0
    assert "report-stake by" in run("report-stake", "--account", "test:9", "--dry-run").output
    assert nonces(world.operator) == before and lp.system.l1.stake_oracle.lastL2Block() == 0
    sent = json.loads(run("report-stake", "--account", "test:9", "--yes", "--json", "--gas-limit", "200000").output)
    tx = chains.l1.request("eth_getTransactionByHash", [sent["tx_hash"]])
    assert int(tx["gas"], 16) == 200_000 and lp.system.l1.stake_oracle.lastL2Block() > 0


def confirming_after(monkeypatch, meanwhile) -> None:
    """Make the command's question run ``meanwhile()`` (the chains move while the user reads it), then answer yes."""
    import click

    def answer_after_meanwhile(message, **kwargs):
        meanwhile()
        return True

    monkeypatch.setattr(click, "confirm", answer_after_meanwhile)


def stake_bonded_on_l2_and_reported(lp, chains, world) -> None:
    """o1 bridges 1,000 LPT to L2, the relayer delivers them and reports the L2 staked supply (none yet), o1 bonds
    them to itself on L2 (staked from the next L2 round on); then L2 has a block after the reported one."""
    lp.bridge_in(world.o1, 1_000 * LPT)
    lp.relay()
    assert lp.system.l1.stake_oracle.lastL2Block() > 0
    lp.bond(world.o1, 1_000 * LPT, world.o1.address, layer="l2")
    chains.l2.mine(1)


def test_report_stake_sends_the_reading_it_asked_about(run, lp, chains, world, monkeypatch):
    """The L2 staked supply grows while the user is asked (a new L2 round counts o1's bond): the report carries the
    figure and block confirmed, which the oracle still takes (an L2 block after its last one), not the newer figure."""
    s = lp.system
    stake_bonded_on_l2_and_reported(lp, chains, world)
    asked = chains.l2.provider.get_block("latest").number
    confirming_after(monkeypatch, lambda: next_round(chains.l2, s.l2_rounds, world.governor))
    result = run("report-stake", "--account", "test:9")
    assert result.exit_code == 0, result.output
    assert s.l2_bonding_manager.getTotalBonded() == 1_000 * LPT  # the figure when the report was sent
    assert f"Reported 0.000000 LPT staked on L2 (L2 block {asked}) in 0x" in result.output
    assert s.l1.stake_oracle.stakedSupply() == 0 and s.l1.stake_oracle.lastL2Block() == asked


def test_report_stake_refused_by_the_oracle_after_a_later_report_changes_nothing(run, lp, chains, world, monkeypatch):
    """Another report of a later L2 block arrives while the user is asked: the oracle refuses the confirmed reading
    (not after its last one), the command says so in one line, and the other report stays."""
    oracle = lp.system.l1.stake_oracle
    stake_bonded_on_l2_and_reported(lp, chains, world)
    asked = chains.l2.provider.get_block("latest").number

    def a_later_report():
        chains.l2.mine(1)
        lp.report_stake(world.operator, lp.check_stake_report(world.operator.address))

    confirming_after(monkeypatch, a_later_report)
    result = run("report-stake", "--account", "test:9")
    assert result.exit_code == 1
    later = oracle.lastL2Block()
    assert later > asked
    assert result.output.splitlines() == [f"Error: the transaction reverted: l2Block={asked}, lastL2Block={later}"]


def test_relay_reports_the_stake_when_the_oracle_has_none(run, lp):
    first = run("relay", "--yes")
    assert first.exit_code == 0, first.output
    assert "L2 staked supply reported to L1: 0.000000 LPT" in first.output.splitlines()
    assert lp.system.l1.stake_oracle.lastL2Block() > 0
    assert run("relay", "--yes").output.splitlines() == ["Nothing to relay."]  # fresh: nothing due


def half_the_max_report_age_passes(chains, oracle) -> None:
    """Time passes on both chains (an hour at a time, with an L1 block after each hour) until the oracle's figure is
    half its maximum age old."""
    while oracle.reportAge() < oracle.maxReportAge() // 2:
        an_hour_passes(chains)
        chains.l1.mine(1)


def test_relay_watch_reports_the_stake_when_missing_and_when_half_its_max_age_old(run, lp, chains, world, monkeypatch):
    import threading

    oracle = lp.system.l1.stake_oracle
    oracle.setMaxReportAge(2 * 3600, sender=world.governor)
    waits = []

    def half_the_age_passes_then_stop(self, timeout=None):
        waits.append(timeout)
        if len(waits) == 1:
            assert oracle.lastL2Block() > 0  # the first pass reported
            half_the_max_report_age_passes(chains, oracle)
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Event, "wait", half_the_age_passes_then_stop)
    result = run("relay", "--watch", "--yes")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("INFO:")]
    assert lines == 2 * ["L2 staked supply reported to L1: 0.000000 LPT", "Waiting for new cross-chain messages."]
    assert oracle.reportAge() < 3600  # the second report is the one on the oracle now


def test_the_relayer_process_keeps_the_stake_report_fresh(lp, chains, world, book, tmp_path):
    """``python -m ape_livepeer_migration.relayer --address-book``: a pass reports the L2 staked supply when the
    oracle holds none, the next passes do not while the figure is fresh, and one reports again once it is half its
    maximum age old."""
    oracle = lp.system.l1.stake_oracle
    oracle.setMaxReportAge(2 * 3600, sender=world.governor)
    s = lp.system
    with relayer_process(chains, s.sim, tmp_path, "--address-book", str(book)) as process:
        first = next_pass(process)
        assert first["stake_reported"] == 0 and not first["delivered"]
        reported = oracle.lastL2Block()
        assert reported > 0
        lp.bridge_in(world.o1, LPT)  # a pass with a message while the figure is fresh: delivered, no report
        delivered = next_pass(process)
        assert len(delivered["delivered"]) == 1 and delivered["stake_reported"] is None
        assert oracle.lastL2Block() == reported
        half_the_max_report_age_passes(chains, oracle)
        second = next_pass(process)
    assert second["stake_reported"] == 0 and not second["delivered"]
    assert oracle.lastL2Block() > reported and oracle.reportAge() < 3600


def test_status_shows_what_the_l2_round_hands_out(run, lp, chains, world):
    """A keeper funds the L1 Minter's retryables; with a fresh report the next L1 round mints its rewards and sends
    them; relayed, the next L2 round offers its part of them."""
    s = lp.system
    s.l1.minter.fundGasBudget(value=10**18, sender=world.governor)
    assert run("relay", "--yes").exit_code == 0  # the first report
    next_round(chains.l1, s.l1.rounds, world.governor)
    sent = s.l1.minter.totalSentToL2()
    assert sent > 0
    assert "L1->L2 delivered 1 (#0)" in run("relay", "--yes").output
    next_round(chains.l2, s.l2_rounds, world.governor)
    minting = json.loads(run("status", world.o1.address, "--json").output)["minting"]
    available = int(s.l2_minter.available())
    assert 0 < available <= sent and s.l2_minter.totalReceived() == sent
    assert minting["l2_round"] == s.l2_rounds.currentRound()
    assert minting["available_this_round_wei"] != "0"
    assert minting["undistributed_wei"] != "0"  # the rest waits for the L1 round's other L2 rounds


def test_fund_minting_gas_asks_previews_then_adds_to_the_budget(run, lp, chains, world, nonces):
    minter = lp.system.l1.minter
    before = nonces(world.o1)
    asked = run("fund-minting-gas", "0.5", "--account", "test:2", input="n\n")
    assert asked.exit_code == 1
    assert f"Add 0.500000 ETH to the L1 Minter's gas budget (0.000000 ETH now) from {world.o1.address}?" in asked.output
    preview = json.loads(run("fund-minting-gas", "0.5", "--account", "test:2", "--dry-run", "--json").output)
    assert preview["operation"] == "fund-minting-gas" and preview["transactions"] == ["fundGasBudget()"]
    assert preview["amount_wei"] == preview["value_wei"] == str(10**18 // 2) and preview["gas_budget_wei"] == "0"
    assert int(preview["round_mint_cost_wei"]) == minter.retryableCost() > 0 and preview["gas"] > 0
    table = run("fund-minting-gas", "0.5", "--account", "test:2", "--dry-run").output
    assert "sent to the gas budget (ETH)" in table and table.splitlines()[-1] == "Dry run: nothing sent."
    assert nonces(world.o1) == before and minter.gasBudget() == 0

    sent = json.loads(
        run("fund-minting-gas", "0.5", "--account", "test:2", "--yes", "--json", "--gas-limit", "90000").output
    )
    assert sent["layer"] == "l1" and sent["amount_wei"] == sent["gas_budget_wei"] == str(10**18 // 2)
    assert chains.l1.request("eth_getTransactionByHash", [sent["tx_hash"]])["gas"] == hex(90_000)
    text = run("fund-minting-gas", "0.25", "--account", "test:2", "--yes").output
    assert "Added 0.250000 ETH to the L1 Minter's gas budget, now 0.750000 ETH, in 0x" in text
    assert minter.gasBudget() == 3 * 10**18 // 4
    minting = json.loads(run("status", world.o1.address, "--json").output)["minting"]
    assert minting["gas_budget_wei"] == str(3 * 10**18 // 4)
    assert minting["round_mint_cost_wei"] == str(minter.retryableCost())
    assert "; gas budget 0.750000 ETH (" in run("status", world.o1.address).output.splitlines()[-1]


@pytest.mark.parametrize(
    ("amount", "code", "error"),
    [
        ("0", 2, "must be greater than 0"),
        ("-1", 2, "must not be negative, got -1"),
        ("1000000000", 1, "funding the L1 Minter's gas budget needs about 1,000,000,000"),
    ],
)
def test_fund_minting_gas_refuses_in_one_line_and_sends_nothing(run, lp, world, nonces, amount, code, error):
    before = nonces(world.o1)
    result = run("fund-minting-gas", "--account", "test:2", "--yes", "--", amount)
    assert result.exit_code == code, result.output
    assert error in result.output and len([line for line in result.output.splitlines() if "Error" in line]) == 1
    if code == 1:
        assert result.output.startswith(f"Error: {world.o1.address} has ") and len(result.output.splitlines()) == 1
        refused = json.loads(run("fund-minting-gas", "--account", "test:2", "--json", "--", amount).output)
        assert error in refused["error"]
    assert nonces(world.o1) == before and lp.system.l1.minter.gasBudget() == 0


def test_call_reward_says_it_hands_out_what_l1_minted_and_mints_nothing(run, lp, chains, world):
    """With L1 minting an L2 reward() takes the orchestrator's share from what the L2 Minter received from L1:
    call-reward's text and JSON say so (nothing minted), as does a call skipped with --if-profitable."""
    s = lp.system
    lp.bridge_in(world.o1, 1_000 * LPT)
    lp.relay()  # the deposit, and the first stake report
    lp.bond(world.o1, 1_000 * LPT, world.o1.address, layer="l2")
    lp.fund_minting_gas(world.o1, 10**18)
    next_round(chains.l2, s.l2_rounds, world.governor)  # o1 is active on L2 from this round on
    next_round(chains.l1, s.l1.rounds, world.governor)  # the L1 round's rewards are minted and sent to L2
    assert lp.relay().delivered
    next_round(chains.l2, s.l2_rounds, world.governor)  # this L2 round offers a part of them
    skipped = run(
        "call-reward",
        "--yes",
        "--account",
        "test:2",
        "--if-profitable",
        "--lpt-usd",
        "0.000000000001",
        "--eth-usd",
        "100000",
    )
    assert skipped.exit_code == 0 and skipped.output.startswith("Skipped: reward() would hand out "), skipped.output
    supply = s.l2_token.totalSupply()
    called = json.loads(run("call-reward", "--yes", "--account", "test:2", "--json").output)
    assert called["called"] is True and called["inflation"] == "l1"
    assert int(called["reward_lpt_wei"]) > 0 and called["minted_lpt_wei"] == "0"
    assert s.l2_token.totalSupply() == supply
    next_round(chains.l2, s.l2_rounds, world.governor)
    text = run("call-reward", "--yes", "--account", "test:2").output.splitlines()[-1]
    assert text.startswith(f"Round {s.l2_rounds.currentRound()}: reward() handed out "), text
    assert " LPT minted on L1, " in text and "minted " not in text.replace("minted on L1", "")
    assert s.l2_token.totalSupply() == supply
