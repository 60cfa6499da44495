"""``ape livepeer status``: the system overview, an account's position with an orchestrator's terms, and the
cross-chain messages in flight as the chains (not the relayer's journal) tell them."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.session import messages as reads
from ape_livepeer_migration.session.livepeer import Livepeer

from .conftest import LPT


def _only_the_book(book, tmp_path):
    """A copy of the address book alone, in a directory of its own: what another machine has."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "local.json"
    shutil.copy(book, copy)
    assert not copy.with_suffix(".relay.db").exists()
    return copy


def _ticket(lp, message_id):
    return "0x" + bytes(lp.system.sim.arb_retryable_tx.ticketIdOf(message_id.to_bytes(32, "big"))).hex()


# ---------------------------------------------------------------------------- the system at a glance


def test_status_without_an_account_is_the_system_overview(run, lp, world):
    data = json.loads(run("status", "--json").output)
    s = lp.system
    escrow = s.l1.token.balanceOf(s.bridge.l1_escrow.address)
    assert data["l1"]["escrow_wei"] == str(escrow) and escrow >= 2_000 * LPT
    assert data["l2"]["supply_wei"] == str(s.l2_token.totalSupply())
    assert data["l1"]["supply_wei"] == str(s.l1.token.totalSupply())
    assert data["l2"]["round"] == lp.current_round("l2") and data["l1"]["round"] == lp.current_round("l1")
    assert data["l1"]["active_set_size"] == 1  # o2 stayed on L1; o1 left it
    assert data["l1"]["total_active_stake_wei"] == str(s.l1.bonding_manager.currentRoundTotalActiveStake())
    assert data["l1"]["mintable_wei"] == str(s.l1.minter.currentMintableTokens())
    assert data["l2"]["report_age_seconds"] is None  # no supply report was sent
    assert data["l2"]["max_report_age_seconds"] == 6 * 3600
    assert data["messages"] == []
    text = run("status").output
    assert "Livepeer on both layers" in text and "L1 escrow (LPT)" in text and "none yet" in text
    assert "No cross-chain messages in flight." in text


def test_overview_shows_the_supply_report_and_every_message_in_flight(run, lp, world):
    from ape_livepeer_migration.bridge.transfers import report_l1_supply

    report_l1_supply(lp.system.bridge, world.d3)
    lp.relay()
    lp.migrate(world.d1)
    data = json.loads(run("status", "--json").output)
    assert data["l2"]["report_age_seconds"] is not None
    assert int(data["l2"]["l1_circulating_supply_wei"]) > 0
    ((message),) = data["messages"]
    assert (message["kind"], message["sender"], message["state"]) == ("migration", world.d1.address, "pending")


# ---------------------------------------------------------------------------- an account


def test_status_of_an_orchestrator_shows_its_terms_and_delegated_stake(run, lp, world):
    data = json.loads(run("status", world.o1.address, "--json").output)
    t = lp.system.l2_bonding_manager.getTranscoder(world.o1.address)
    assert data["l2"]["terms"] == {
        "address": world.o1.address,
        "stake_wei": str(t.delegatedAmount),
        "reward_cut_percent": "10",
        "fee_share_percent": "50",
        "active": data["l2"]["active"],
        "reward_called": False,
    }
    assert data["l1"]["terms"] is None  # o1 left L1
    d1 = json.loads(run("status", world.d1.address, "--json").output)
    assert d1["l1"]["terms"] is None and d1["l2"]["terms"] is None
    text = run("status", world.o1.address).output
    assert "10 / 50 │" in text and "delegated" in text  # reward cut / fee share, total delegated stake


def test_a_migration_is_in_flight_right_after_migrate_on_any_machine(run, lp, world, book, tmp_path):
    plan, _ = lp.migrate(world.d1)
    elsewhere = _only_the_book(book, tmp_path)
    data = json.loads(run("status", world.d1.address, "--json", book_path=elsewhere).output)
    (message,) = data["messages"]
    assert message["direction"] == "l1-to-l2" and message["kind"] == "migration"
    assert message["amount_wei"] == str(plan.amount) and plan.amount >= 600 * LPT
    assert (message["sender"], message["recipient"]) == (world.d1.address, world.d1.address)
    assert message["state"] == "pending"
    text = run("status", world.d1.address, book_path=elsewhere).output
    assert "l1-to-l2 migration of" in text and f"ticket {message['ticket']}" in text and ": pending" in text

    lp.relay()
    assert message["ticket"] == _ticket(lp, message["id"])  # the ticket the L2 created for it
    assert json.loads(run("status", world.d1.address, "--json", book_path=elsewhere).output)["messages"] == []
    (done,) = Livepeer.open(lp.chains, elsewhere).messages(world.d1.address, final=True)
    assert (done.state, done.ticket) == ("redeemed", message["ticket"])


def test_a_failed_ticket_is_redeemable_until_it_expires(run, lp, world, chains):
    sent = lp.bridge_in(world.d1, LPT)
    sim = lp.system.sim
    (message,) = lp.messages(world.d1.address)
    # deliver it with too little gas for its auto-redeem: the ticket stays redeemable
    (retryable,) = [m for m in sim_api.fetch_retryables(sim, 0, chains.l1.block_number) if m.message_num == message.id]
    sim_api.deliver_retryable(sim, replace(retryable, gas_limit=21_000))
    (failed,) = lp.messages(world.d1.address)
    assert failed.state == "redeemable" and failed.until == sim.arb_retryable_tx.getTimeout(failed.ticket)
    assert failed.ticket == _ticket(lp, message.id)
    assert f"redeemable until {failed.until}" in run("status", world.d1.address).output
    chains.l2.request("evm_increaseTime", [failed.until])
    chains.l2.mine(1)
    (expired,) = lp.messages(world.d1.address, final=True)
    assert expired.state == "expired" and lp.messages(world.d1.address) == []
    assert sent.tx_hash == expired.tx_hash


def test_withdrawal_states_come_from_the_chains_and_a_paid_one_never_waits(run, lp, world, book, chains):
    lp.bridge_in(world.d1, 2 * LPT)
    lp.relay()
    sent = lp.bridge_out(world.d1, LPT)
    journal = book.with_suffix(".relay.db")

    def withdrawal():
        (message,) = json.loads(run("status", world.d1.address, "--json").output)["messages"]
        assert (message["kind"], message["amount_wei"], message["tx_hash"]) == ("withdrawal", str(LPT), sent.tx_hash)
        return message

    assert withdrawal()["state"] == "no-root"
    lp.relay(fast_forward=False)  # asserts the send root; the challenge period runs
    journal.unlink()  # what follows is read from the chains alone
    waiting = withdrawal()
    assert waiting["state"] == "challenge-period" and waiting["until"] > chains.l1.block_number
    assert f"challenge-period until L1 block {waiting['until']}" in run("status", world.d1.address).output
    chains.l1.mine(waiting["until"] - chains.l1.block_number)
    assert withdrawal()["state"] == "executable"
    lp.finalize(world.d1)
    assert json.loads(run("status", world.d1.address, "--json").output)["messages"] == []
    (paid,) = lp.messages(world.d1.address, final=True)[-1:]
    assert paid.state == "executed" and paid.direction == "l2-to-l1"


# ---------------------------------------------------------------------------- log scans


def test_scans_start_at_the_recorded_deployment_blocks(lp, world, chains):
    blocks = lp.book.get("system_blocks")
    assert 0 < blocks["l1"] <= chains.l1.block_number and 0 < blocks["l2"] <= chains.l2.block_number
    assert not chains.l1.provider.get_code(lp.system.l1.token.address, block_id=blocks["l1"] - 1)
    assert chains.l1.provider.get_code(lp.system.l1.token.address, block_id=blocks["l1"])
    lp.book.forget("system_blocks")  # a book written before it was recorded: found on the chains, and recorded
    found = Livepeer.open(lp.chains, lp.book.path).deployment.start_blocks()
    assert found == blocks  # over the blocks the module's rounds skipped
    assert Livepeer.open(lp.chains, lp.book.path).book.get("system_blocks") == blocks


#: Init code of a contract whose code is the one byte 0x01.
ONE_BYTE_CONTRACT = "0x60016000526001601ff3"


@pytest.mark.parametrize(("before", "after"), [(1, 1), (1, 40), (30, 1), (7, 300)])
def test_the_deployment_block_search_steps_over_skipped_blocks(chains, accounts, before, after):
    """The local anvils skip the blocks of a long mining (no block and no state; the block mined just before them may
    lose its state too): the search still finds the block of a contract deployed ``before`` blocks after skipped ones
    and ``after`` blocks before the next ones (with ``after`` more than 1, right before them)."""
    from ape_livepeer_migration.session.deployment import first_block_with_code

    l1 = chains.l1
    l1.mine(50)
    l1.mine(before)
    sent = l1.request("eth_sendTransaction", [{"from": accounts[3].address, "data": ONE_BYTE_CONTRACT}])
    receipt = l1.provider.get_receipt(sent)  # anvil answers before its automine has mined the transaction
    deployed, address = receipt.block_number, receipt.contract_address
    l1.mine(after)
    l1.mine(60)
    l1.mine(1)
    skipped = hex(deployed + after + 1)
    assert l1.request("eth_getBlockByNumber", [skipped, False]) is None
    assert l1.batch_answers([("eth_getCode", [address, skipped])]) == [None]
    assert first_block_with_code(l1, [address]) == deployed


@pytest.mark.parametrize("log_range", [1, 7])
def test_log_scans_in_small_ranges_find_the_same(run, lp, world, monkeypatch, log_range):
    lp.migrate(world.d1)
    whole = (lp.messages(final=True), lp.orchestrators("l1"), lp.orchestrators("l2"))
    monkeypatch.setattr(reads, "LOG_BLOCK_RANGE", log_range)
    assert (lp.messages(final=True), lp.orchestrators("l1"), lp.orchestrators("l2")) == whole
    assert len(whole[0]) == 2  # o1's migration, delivered, and d1's, in flight
