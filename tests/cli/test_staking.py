"""``ape livepeer orchestrators`` and the staking commands on either layer: their effect, ``--dry-run`` and ``--json``,
and refusals that send nothing."""

from __future__ import annotations

import json

import pytest

from ape_livepeer_migration.testing.rounds import next_round

from .conftest import LPT

O1, O2, D1, D3, OUTSIDER = "test:2", "test:3", "test:4", "test:6", "test:8"


def _refused(result, text):
    assert result.exit_code == 1, result.output
    assert text in result.output
    assert len([line for line in result.output.splitlines() if "Error" in line]) == 1


# ---------------------------------------------------------------------------- orchestrators


def test_orchestrators_lists_each_layer(run, lp, world):
    l2 = json.loads(run("orchestrators", "--json").output)
    assert l2["layer"] == "l2" and l2["round"] == lp.current_round("l2")
    (o1,) = l2["orchestrators"]
    stake = lp.system.l2_bonding_manager.getTranscoder(world.o1.address).delegatedAmount
    assert o1 == {
        "address": world.o1.address,
        "stake_wei": str(stake),
        "reward_cut_percent": "10",
        "fee_share_percent": "50",
        "active": lp.system.l2_bonding_manager.isActiveTranscoder(world.o1.address),
        "reward_called": False,
    }
    # o1 left L1 with its stake: only o2 is registered there, with d3's delegation
    l1 = json.loads(run("orchestrators", "--layer", "l1", "--json").output)
    assert [(o["address"], o["stake_wei"]) for o in l1["orchestrators"]] == [(world.o2.address, str(1_300 * LPT))]
    table = run("orchestrators", "--layer", "l1")
    assert table.exit_code == 0, table.output
    assert world.o2.address[:10] in table.output and "1,300.000000" in table.output and "Fee share %" in table.output


# ---------------------------------------------------------------------------- bond


def test_bond_on_l1_adds_stake(run, lp, world):
    result = run("bond", "100", "--to", world.o2.address, "--account", D3, "--layer", "l1", "--yes", "--json")
    assert result.exit_code == 0, result.output
    sent = json.loads(result.output)
    assert sent["operation"] == "bond" and sent["amount_wei"] == str(100 * LPT) and len(sent["sent"]) == 1
    assert lp.status(world.d3.address).l1.bonded == 400 * LPT


@pytest.mark.parametrize(
    "args, message",
    [
        (("1", "--to", "ORCH1", "--account", OUTSIDER), "has 0.000000 L2 LPT, less than 1.000000"),
        (("1", "--to", "ORCH1", "--account", D1, "--layer", "l1"), "is not a registered orchestrator on L1"),
        (("1", "--to", "ORCH2", "--account", O1), "is not a registered orchestrator on L2"),
        (("0", "--to", "ORCH2", "--account", D3, "--layer", "l1"), "nothing to bond"),
    ],
)
def test_bond_refusals_send_nothing(run, world, nonces, args, message):
    names = {"ORCH1": world.o1.address, "ORCH2": world.o2.address}
    before = nonces(*world.people)
    _refused(run("bond", *[names.get(a, a) for a in args], "--yes"), message)
    assert nonces(*world.people) == before


# ---------------------------------------------------------------------------- unbond, rebond, withdraw-stake


def test_unbond_dry_run_sends_nothing(run, world, nonces):
    before = nonces(world.o1)
    result = run("unbond", "100", "--account", O1, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["amount_wei"] == str(100 * LPT) and plan["gas"] > 0 and "sent" not in plan
    assert plan["transactions"][-1] == "unbond()"
    table = run("unbond", "100", "--account", O1, "--dry-run")
    assert "Dry run: nothing sent." in table.output and "gas (estimate)" in table.output
    assert run("unbond", "100", "--account", O1, input="n\n").exit_code == 1  # asked, declined
    assert nonces(world.o1) == before


def test_unbond_rebond_and_withdraw_on_l2(run, lp, chains, world, fresh_l2_round):
    bm = lp.system.l2_bonding_manager
    stake = lp.status(world.o1.address).l2.stake
    assert run("unbond", "100", "--account", O1, "--yes").exit_code == 0
    assert run("unbond", "50", "--account", O1, "--yes").exit_code == 0
    assert lp.status(world.o1.address).l2.stake == stake - 150 * LPT
    _refused(run("rebond", "--account", O1, "--yes"), "has 2 unbonding locks on L2 (0, 1): name one")
    rebond = run("rebond", "1", "--account", O1, "--yes")
    assert rebond.exit_code == 0, rebond.output
    assert "rebond sent on L2" in rebond.output
    assert lp.status(world.o1.address).l2.stake == stake - 100 * LPT
    _, withdraw_round = bm.getDelegatorUnbondingLock(world.o1.address, 0)
    current = lp.current_round("l2")
    _refused(
        run("withdraw-stake", "--account", O1, "--yes"),
        f"unbonding lock 0 of {world.o1.address} is not withdrawable until round {withdraw_round} on L2 "
        f"(now round {current})",
    )
    while lp.current_round("l2") < withdraw_round:
        next_round(chains.l2, lp.system.l2_rounds, world.governor)
    balance = lp.system.l2_token.balanceOf(world.o1.address)
    result = run("withdraw-stake", "--account", O1, "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["lock"] == 0
    assert lp.system.l2_token.balanceOf(world.o1.address) == balance + 100 * LPT


@pytest.mark.parametrize(
    "args, message",
    [
        (("unbond", "1", "--account", OUTSIDER), "has no stake on L2"),
        (
            ("unbond", "100000", "--account", D3, "--layer", "l1"),
            f"has 300.000000 LPT bonded on L1, less than 100,000.000000 ({300 * LPT} < {100_000 * LPT} wei)",
        ),
        (("rebond", "5", "--account", O1), "has no unbonding lock 5 on L2"),
        (("rebond", "--account", OUTSIDER), "has no unbonding locks on L2"),
        (("withdraw-stake", "0", "--account", D1, "--layer", "l1"), "has no unbonding lock 0 on L1"),
        (("claim-earnings", "--account", OUTSIDER), "has no stake on L2"),
    ],
)
def test_staking_refusals_send_nothing(run, world, nonces, args, message):
    before = nonces(*world.people)
    _refused(run(*args, "--yes"), message)
    assert nonces(*world.people) == before


# ---------------------------------------------------------------------------- claim-earnings, transcoder


def test_claim_earnings_on_l1(run, lp, world):
    result = run("claim-earnings", "--account", D1, "--layer", "l1", "--yes", "--json")
    assert result.exit_code == 0, result.output
    claimed = json.loads(result.output)
    assert claimed["operation"] == "claim-earnings" and claimed["transactions"] == ["claimEarnings()"]
    assert lp.status(world.d1.address).l1.pending_rewards == 0


def test_transcoder_changes_terms(run, lp, world, fresh_l2_round):
    result = run("transcoder", "--reward-cut", "20", "--fee-share", "42.5", "--account", O1, "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reward_cut_percent"] == "20"
    t = lp.system.l2_bonding_manager.getTranscoder(world.o1.address)
    assert (t.rewardCut, t.feeShare) == (200_000, 425_000)
    listed = json.loads(run("orchestrators", "--json").output)["orchestrators"][0]
    assert (listed["reward_cut_percent"], listed["fee_share_percent"]) == ("20", "42.5")


def test_transcoder_refusals_send_nothing(run, world, nonces, fresh_l2_round):
    before = nonces(*world.people)
    _refused(
        run("transcoder", "--reward-cut", "5", "--fee-share", "5", "--account", D1, "--yes"),
        "is not registered as an orchestrator on L2",
    )
    bad = run("transcoder", "--reward-cut", "101", "--fee-share", "5", "--account", O1, "--yes")
    assert bad.exit_code == 2 and "between 0 and 100 %" in bad.output
    assert nonces(*world.people) == before


def test_transcoder_refused_in_the_lock_period(run, lp, chains, world, fresh_l2_round, nonces):
    rounds = lp.system.l2_rounds
    with chains.l2:
        locked_from = rounds.currentRoundStartBlock() + rounds.roundLength() - 2  # the last 10 % of 20 blocks
        chains.l2.mine(locked_from - chains.l2.block_number)
    before = nonces(world.o1)
    current = lp.current_round("l2")
    _refused(
        run("transcoder", "--reward-cut", "5", "--fee-share", "5", "--account", O1, "--yes"),
        f"round {current} on L2 is locked: terms can change from round {current + 1} on",
    )
    assert nonces(world.o1) == before


def test_rebond_without_stake_goes_to_the_chosen_orchestrator(run, lp, world):
    assert run("unbond", "300", "--account", D3, "--layer", "l1", "--yes").exit_code == 0
    assert lp.status(world.d3.address).l1.delegate is None
    _refused(
        run("rebond", "--account", D3, "--layer", "l1", "--yes"),
        "has no bonded stake on L1: choose the orchestrator to rebond to with --to",
    )
    result = run("rebond", "--to", world.o2.address, "--account", D3, "--layer", "l1", "--yes")
    assert result.exit_code == 0, result.output
    st = lp.status(world.d3.address).l1
    assert st.delegate == world.o2.address and st.bonded == 300 * LPT and st.unbonding_locks == []
