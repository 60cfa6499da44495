"""``ape livepeer`` commands that send transactions: their effect, and every refusal sending nothing."""

from __future__ import annotations

import json

import pytest
from shared import next_pass, relayer_process

from ape_livepeer_migration.testing.rounds import mine_to_last_block, mine_to_next_round

from .conftest import LPT


def _one_line_error(result, code, text):
    assert result.exit_code == code, result.output
    assert text in result.output
    error_lines = [line for line in result.output.splitlines() if "Error" in line]
    assert len(error_lines) == 1


# ---------------------------------------------------------------------------- migrate


def test_migrate_dry_run_shows_both_layers_and_sends_nothing(run, lp, world, nonces):
    from ape_livepeer_migration.bridge.gas import active_set_gas_bound

    before = nonces(world.d1)
    result = run("migrate", "--account", "test:4", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["kind"] == "delegator" and plan["amount_wei"] == str(600 * LPT)
    assert plan["l2_orchestrator"] == world.o1.address  # o1 migrated: the default
    # the limit shown (and paid for) covers a full L2 active set on top of today's estimate
    l2 = plan["l2"]
    assert plan["l1"]["gas"] > 0 and l2["gas_limit"] > active_set_gas_bound(lp.system)
    sent_wei = int(l2["max_submission_cost_wei"]) + l2["gas_limit"] * int(l2["gas_price_bid_wei"])
    assert int(l2["max_cost_wei"]) == sent_wei
    table = run("migrate", "--account", "test:4", "--dry-run")
    assert "Dry run: nothing sent." in table.output and "L2 gas limit" in table.output
    assert nonces(world.d1) == before


def test_migrate_then_relay_stakes_on_l2(run, lp, world):
    result = run("migrate", "--account", "test:4", "--yes")
    assert result.exit_code == 0, result.output
    assert "Migration #2 sent" in result.output
    relayed = run("relay", "--yes")
    assert relayed.exit_code == 0 and "L1->L2 delivered 1 (#1)" in relayed.output
    st = lp.status(world.d1.address)
    assert st.l1.stake == 0
    assert st.l2.delegate == world.o1.address and st.l2.stake == 600 * LPT


def test_migrate_asks_for_an_orchestrator_when_the_l1_one_did_not_migrate(run, lp, world):
    result = run("migrate", "--account", "test:6", input=f"{world.o1.address}\ny\n")
    assert result.exit_code == 0, result.output
    assert "L2 orchestrator to stake with" in result.output
    run("relay", "--yes")
    assert lp.status(world.d3.address).l2.delegate == world.o1.address


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ("--account", "test:6", "--yes"),
            1,
            "L1 orchestrator is not registered on L2: choose one with --to-orchestrator",
        ),
        (("--account", "test:4", "--to-orchestrator", "ORCH2", "--yes"), 1, "is not a registered orchestrator on L2"),
        (("--account", "test:4", "--to-orchestrator", "0x1234", "--yes"), 2, "is not an address"),
        (("--account", "test:8", "--to-orchestrator", "ORCH1", "--yes"), 1, "has no stake to migrate on L1"),
        (
            ("--account", "test:4", "--locks", "0", "--to-orchestrator", "ORCH1", "--yes"),
            1,
            "has no unbonding lock 0 on L1",
        ),
        (("--account", "test:4", "--locks", "0,0", "--yes"), 2, "names a lock twice"),
        (("--account", "test:4", "--locks", "a", "--yes"), 2, "is not a comma-separated list of lock ids"),
    ],
)
def test_migrate_refusals_send_nothing(run, world, nonces, args, code, message):
    args = [{"ORCH1": world.o1.address, "ORCH2": world.o2.address}.get(a, a) for a in args]
    before = nonces(world.d1, world.d3, world.outsider)
    _one_line_error(run("migrate", *args), code, message)
    assert nonces(world.d1, world.d3, world.outsider) == before


def test_migrate_unbonding_locks(run, lp, world):
    bm = lp.system.l1.bonding_manager
    bm.unbond(200 * LPT, sender=world.d1)
    result = run(
        "migrate", "--account", "test:4", "--locks", "0", "--to-orchestrator", world.o1.address, "--yes", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "unbonding-locks" and data["amount_wei"] == str(200 * LPT) and data["lock_ids"] == [0]
    run("relay", "--yes")
    st = lp.status(world.d1.address)
    assert st.l1.unbonding_locks == [] and st.l1.stake == 400 * LPT
    assert st.l2.stake == 200 * LPT and st.l2.delegate == world.o1.address


def test_migrate_needs_eth_for_the_l2_fees(run, lp, world, chains, nonces):
    s, poor = lp.system, world.outsider
    s.l1.token.transfer(poor.address, 10 * LPT, sender=world.d1)
    s.l1.token.approve(s.l1.bonding_manager.address, 10 * LPT, sender=poor)
    s.l1.bonding_manager.bond(10 * LPT, world.o1.address, sender=poor)
    chains.l1.provider.set_balance(poor.address, 0)
    before = nonces(poor)
    refused = run("migrate", "--account", "test:8", "--yes")
    _one_line_error(refused, 1, "has 0.000000 ETH on L1, the migration's L2 fees needs about")
    assert nonces(poor) == before


# ---------------------------------------------------------------------------- bridge


def test_bridge_in_then_relay(run, lp, world):
    result = run("bridge-in", "2.5", "--account", "test:4", "--to", world.outsider.address, "--yes", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["layer"] == "l1" and data["amount_wei"] == str(25 * LPT // 10) and data["to"] == world.outsider.address
    assert "L1->L2 delivered" in run("relay", "--yes").output
    assert lp.status(world.outsider.address).lpt["l2"] == 25 * LPT // 10
    assert lp.status(world.d1.address).lpt["l1"] == 9_400 * LPT - 25 * LPT // 10


def test_bridge_out_then_relay_pays_out_on_l1(run, lp, world):
    assert run("bridge-in", "3", "--account", "test:4", "--yes").exit_code == 0
    run("relay", "--yes")
    result = run("bridge-out", "1", "--account", "test:4", "--yes")
    assert result.exit_code == 0, result.output
    assert "pays out on L1 once the relayer executes it" in result.output
    relayed = run("relay", "--yes", "--json")
    assert json.loads(relayed.output)["executed"] == [0]
    st = lp.status(world.d1.address)
    assert st.lpt == {"l1": 9_400 * LPT - 2 * LPT, "l2": 2 * LPT}


@pytest.mark.parametrize("command", ["bridge-in", "bridge-out"])
@pytest.mark.parametrize(
    "args, code, message",
    [
        (("0",), 2, "must be greater than 0"),
        (("-1",), 2, "No such option: -1"),  # click reads a leading dash as an option
        (("abc",), 2, "'abc' is not a decimal number"),
        (("1.0000000000000000001",), 2, "more than 18 decimal places"),
        (("1", "--to", "0xnothex"), 2, "is not an address"),
        (("1", "--to", "0x" + "00" * 20), 2, "the zero address is not allowed"),
        (("100000",), 1, "less than 100,000.000000"),
    ],
)
def test_bridge_refusals_send_nothing(run, world, nonces, command, args, code, message):
    before = nonces(world.d1)
    _one_line_error(run(command, *args, "--account", "test:4", "--yes"), code, message)
    assert nonces(world.d1) == before


def test_bridge_in_needs_eth_for_the_l2_fees(run, lp, world, chains, nonces):
    lp.system.l1.token.transfer(world.outsider.address, 10 * LPT, sender=world.d1)
    chains.l1.provider.set_balance(world.outsider.address, 0)
    before = nonces(world.outsider)
    _one_line_error(run("bridge-in", "1", "--account", "test:8", "--yes"), 1, "the deposit's L2 fees needs")
    assert nonces(world.outsider) == before


def test_bridge_without_yes_asks_and_a_no_sends_nothing(run, world, nonces):
    before = nonces(world.d1)
    result = run("bridge-in", "1", "--account", "test:4", input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert nonces(world.d1) == before


# ---------------------------------------------------------------------------- relay


def test_relay_with_nothing_to_do(run):
    result = run("relay", "--yes")
    assert result.exit_code == 0 and "Nothing to relay." in result.output


def test_relay_refuses_another_operator(run, world, nonces):
    before = nonces(world.d1)
    _one_line_error(run("relay", "--yes", "--operator", "test:4"), 1, "is not the simulator's operator")
    assert nonces(world.d1) == before


# ---------------------------------------------------------------------------- call-reward


def test_call_reward_initializes_the_round_and_refuses_a_second_call(run, lp, world, reward_round, nonces):
    result = run("call-reward", "--yes", "--account", "test:2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["called"] is True and data["initialized_round"] is True and data["inflation"] == "l2"
    assert int(data["minted_lpt_wei"]) > 0 and data["reward_lpt_wei"] == data["minted_lpt_wei"] and data["gas_used"] > 0
    assert lp.status(world.o1.address).l2.stake > 2_000 * LPT
    before = nonces(world.o1)
    _one_line_error(
        run("call-reward", "--yes", "--account", "test:2"), 1, f"already called reward() in round {data['round']}"
    )
    assert nonces(world.o1) == before


@pytest.mark.parametrize(
    "mine_to", [mine_to_last_block, mine_to_next_round], ids=["in-the-rounds-last-block", "round-ends-after-the-check"]
)
def test_call_reward_is_one_transaction_in_the_round_it_opens(run, lp, chains, world, reward_round, nonces, mine_to):
    """reward() initializes the round it lands in within its own transaction: in a round's last block, where a
    separate initializeRound() would leave reward() to the next round, uninitialized; and when the round the check
    read ends before the call lands. The round reported is the one rewarded, read from the receipt."""
    rounds = lp.system.l2_rounds
    start, length, first = rounds.currentRoundStartBlock(), rounds.roundLength(), rounds.currentRound()
    mine_to(chains.l2, rounds)
    (l1_nonce, _), (l2_nonce, _) = nonces(world.o1)
    result = run("call-reward", "--yes", "--account", "test:2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert nonces(world.o1) == [(l1_nonce, "l1"), (l2_nonce + 1, "l2")]  # one transaction
    block = int(chains.l2.provider.make_request("eth_getTransactionReceipt", [data["tx_hash"]])["blockNumber"], 16)
    rewarded = first + (block - start) // length
    assert rewarded == (first if mine_to is mine_to_last_block else first + 1)
    assert data["round"] == rewarded and data["initialized_round"] is True
    assert rounds.lastInitializedRound() == rewarded
    assert lp.system.l2_bonding_manager.getTranscoder(world.o1.address).lastRewardRound == rewarded


def test_call_reward_refuses_an_inactive_account(run, world, reward_round, nonces):
    before = nonces(world.d1)
    _one_line_error(run("call-reward", "--yes", "--account", "test:4"), 1, "is not an active orchestrator on L2")
    assert nonces(world.d1) == before


# ---------------------------------------------------------------------------- withdraw-fees


def test_withdraw_fees(run, lp, world, chains, fresh_l2_round):
    s = lp.system
    broker = world.operator
    s.l2_bonding_manager.setTicketBroker(broker.address, sender=world.governor)
    s.l2_bonding_manager.updateTranscoderWithFees(world.o1.address, 10**15, s.l2_rounds.currentRound(), sender=broker)
    s.l2_minter.depositETH(value=10**15, sender=broker)
    too_much = run("withdraw-fees", "--account", "test:2", "--amount", "1", "--yes")
    _one_line_error(too_much, 1, "ETH of pending fees on L2")
    result = run("withdraw-fees", "--account", "test:2", "--to", world.outsider.address, "--yes", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["recipient"] == world.outsider.address and int(data["amount_wei"]) > 0
    assert lp.status(world.o1.address).l2.pending_fees == 0


def test_withdraw_fees_without_fees(run, world, nonces):
    before = nonces(world.d1)
    _one_line_error(run("withdraw-fees", "--account", "test:4", "--yes"), 1, "has no fees to withdraw on L2")
    _one_line_error(
        run("withdraw-fees", "--account", "test:4", "--layer", "l1", "--yes"), 1, "has no fees to withdraw on L1"
    )
    _one_line_error(run("withdraw-fees", "--account", "test:4", "--amount", "0", "--yes"), 2, "must be greater than 0")
    assert nonces(world.d1) == before


# ---------------------------------------------------------------------------- finalize


def test_finalize_after_the_challenge_period(run, lp, world, chains, nonces):
    assert run("bridge-in", "3", "--account", "test:4", "--yes").exit_code == 0
    run("relay", "--yes")
    assert run("bridge-out", "1", "--account", "test:4", "--to", world.outsider.address, "--yes").exit_code == 0
    before = nonces(world.d1)
    _one_line_error(
        run("finalize", "--account", "test:4", "--yes"), 1, "withdrawal #0 is not covered by a send root yet"
    )
    run("relay", "--yes", "--no-fast-forward")  # asserts the root, does not wait
    (waiting,) = lp.withdrawals(world.d1.address)
    assert waiting.state == "challenge-period" and waiting.to == world.outsider.address and waiting.amount == LPT
    _one_line_error(
        run("finalize", "--account", "test:4", "--yes"),
        1,
        f"in its challenge period until L1 block {waiting.confirmable_at}",
    )
    assert nonces(world.d1) == before
    chains.l1.mine(waiting.confirmable_at - chains.l1.block_number)
    result = run("finalize", "--account", "test:4", "--yes", "--json")
    assert result.exit_code == 0, result.output
    (done,) = json.loads(result.output)
    assert done["position"] == 0 and done["amount_wei"] == str(LPT) and done["to"] == world.outsider.address
    assert lp.status(world.outsider.address).lpt["l1"] == LPT
    assert [w.state for w in lp.withdrawals(world.outsider.address)] == ["executed"]
    assert json.loads(run("relay", "--yes", "--json").output)["executed"] == [
        0
    ]  # the relayer sees it done, sends nothing
    _one_line_error(run("finalize", "--account", "test:4", "--yes"), 1, "has no withdrawal waiting to be finalized")


def test_a_withdrawal_is_executable_once_the_first_root_covering_it_is_confirmed(run, lp, world, chains):
    """A later root covering more messages is still in its challenge period when an earlier one is confirmed: the
    earlier root makes the withdrawal executable, and ``finalize`` proves it against that root."""
    assert run("bridge-in", "3", "--account", "test:4", "--yes").exit_code == 0
    run("relay", "--yes")
    assert run("bridge-out", "1", "--account", "test:4", "--to", world.outsider.address, "--yes").exit_code == 0
    run("relay", "--yes", "--no-fast-forward")  # a root over the first withdrawal
    assert run("bridge-out", "1", "--account", "test:4", "--to", world.outsider.address, "--yes").exit_code == 0
    run("relay", "--yes", "--no-fast-forward")  # a later root over both
    first, second = lp.withdrawals(world.outsider.address)
    assert first.confirmable_at < second.confirmable_at
    chains.l1.mine(first.confirmable_at - chains.l1.block_number)
    first, second = lp.withdrawals(world.outsider.address)
    assert (first.state, second.state) == ("executable", "challenge-period")
    result = run("finalize", "--account", "test:4", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert [done["position"] for done in json.loads(result.output)] == [first.position]
    assert lp.withdrawals(world.outsider.address)[0].state == "executed"


def test_an_l1_orchestrator_migrates_itself_and_its_delegator_follows(run, lp, world):
    plan = json.loads(run("migrate", "--account", "test:3", "--dry-run", "--json").output)
    assert plan["kind"] == "orchestrator" and plan["l2_orchestrator"] == world.o2.address
    assert run("migrate", "--account", "test:3", "--yes").exit_code == 0
    run("relay", "--yes")
    assert lp.status(world.o2.address).l2.orchestrator
    follower = json.loads(run("migrate", "--account", "test:6", "--dry-run", "--json").output)
    assert follower["l2_orchestrator"] == world.o2.address


def test_call_reward_watch_calls_once_per_round(run, lp, world, chains, reward_round, monkeypatch):
    import time

    sleeps, real_sleep = [], time.sleep

    def next_round_or_stop(seconds):
        if seconds != 7:  # Ape's own waits
            return real_sleep(seconds)
        sleeps.append(seconds)
        if len(sleeps) == 1:  # still the same round: nothing is called
            return
        if len(sleeps) == 2:
            mine_to_next_round(chains.l2, lp.system.l2_rounds)
            chains.l2.mine(1)
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", next_round_or_stop)
    result = run("call-reward", "--yes", "--account", "test:2", "--watch", "--interval", "7")
    assert result.exit_code == 0, result.output
    assert result.output.count("reward() minted") == 2
    assert sleeps == [7.0, 7.0, 7.0]


def test_call_reward_watch_judges_an_unprofitable_round_once(run, world, reward_round, nonces, monkeypatch):
    import time

    sleeps, real_sleep = [], time.sleep

    def twice_then_stop(seconds):
        if seconds != 7:  # Ape's own waits
            return real_sleep(seconds)
        sleeps.append(seconds)
        if len(sleeps) > 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", twice_then_stop)
    before = nonces(world.o1)
    result = run(
        "call-reward",
        "--yes",
        "--account",
        "test:2",
        "--watch",
        "--interval",
        "7",
        "--if-profitable",
        "--lpt-usd",
        "0.000000000001",
        "--eth-usd",
        "100000",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Skipped: reward() would mint") == 1 and len(sleeps) == 3
    assert nonces(world.o1) == before


def test_the_relayer_process_reports_no_stake_for_a_system_that_mints_on_l2(lp, chains, world, book, tmp_path):
    """Given the address book of a system that mints on L2, the relayer process relays and sends no stake report
    (the system has no stake oracle): its operator sends nothing on L1 for a delivery."""
    l1_nonce = chains.l1.provider.get_nonce(world.operator.address)
    with relayer_process(chains, lp.system.sim, tmp_path, "--address-book", str(book)) as process:
        lp.bridge_in(world.d1, LPT)
        relayed = next_pass(process)
    assert len(relayed["delivered"]) == 1 and relayed["stake_reported"] is None
    assert chains.l1.provider.get_nonce(world.operator.address) == l1_nonce


def test_fund_minting_gas_is_refused_for_a_system_that_mints_on_l2(run, book, world, nonces):
    before = nonces(world.o1)
    result = run("fund-minting-gas", "1", "--account", "test:2", "--yes")
    assert result.output.splitlines() == [
        f"Error: the system of {book} mints its rewards on L2: it has no gas budget for L1 round mints "
        "(deploy --inflation l1)"
    ]
    assert result.exit_code == 1 and nonces(world.o1) == before


def test_relay_watch_stops_on_interrupt(run, lp, world, monkeypatch):
    import threading

    lp.bridge_in(world.d1, LPT)

    def stop(self, timeout=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(threading.Event, "wait", stop)
    result = run("relay", "--yes", "--watch")
    assert result.exit_code == 0, result.output
    assert "L1->L2 delivered 1 (#1)" in result.output
    assert lp.status(world.d1.address).lpt["l2"] == LPT


def test_deploy_refuses_a_pair_whose_arbitrum_is_not_on_the_chains(chains, tmp_path, world, nonces):
    """Local chains labelled as the sepolia pair: deploy looks for Arbitrum Sepolia's contracts and finds none."""
    from click.testing import CliRunner

    from ape_livepeer_migration._cli import cli
    from ape_livepeer_migration.chains.networks import ARBITRUM_SEPOLIA, get_pair
    from ape_livepeer_migration.chains.pair import TwoChains

    live = TwoChains(chains.l1, chains.l2, get_pair("sepolia"))
    before = nonces(world.governor)
    book = tmp_path / "sepolia.json"
    result = CliRunner().invoke(
        cli, ["deploy", "--account", "test:0", "--yes"], obj={"chains": live, "address_book": str(book)}
    )
    _one_line_error(
        result,
        1,
        "cannot deploy on the sepolia pair: the L1 (chain 31337) has no contract at Arbitrum's "
        f"Inbox {ARBITRUM_SEPOLIA.inbox}",
    )
    assert nonces(world.governor) == before
    assert not book.exists()
