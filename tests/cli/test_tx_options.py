"""``--dry-run`` of every command that sends (nothing sent on either layer), the gas controls (``--max-fee``,
``--priority-fee``, ``--gas-limit``, ``--nonce``) reaching the transactions sent, and bad gas input as one line."""

from __future__ import annotations

import json

import pytest

from .conftest import LPT

O1, O2, D1, D3, OUTSIDER = "test:2", "test:3", "test:4", "test:6", "test:8"
GWEI = 10**9


def _one_line_error(result, code, text):
    assert result.exit_code == code, result.output
    assert text in result.output, result.output
    assert len([line for line in result.output.splitlines() if "Error" in line]) == 1, result.output


def _sent(chains, layer, tx_hash):
    """The transaction ``tx_hash`` as the node of ``layer`` holds it (JSON-RPC fields, quantities as ints)."""
    tx = getattr(chains, layer).request("eth_getTransactionByHash", [tx_hash])
    fields = (
        ("nonce", "gas", "maxFeePerGas", "maxPriorityFeePerGas")
        if int(tx["type"], 16)
        else ("nonce", "gas", "gasPrice")
    )
    return {key: int(tx[key], 16) for key in fields}


DRY_RUNS = [
    ("migrate", "--account", D1),
    ("migrate", "--account", O2),
    ("bridge-in", "1", "--account", D1),
    ("bridge-out", "1", "--account", D1),
    ("finalize", "--account", D1),
    ("call-reward", "--account", O1),
    ("withdraw-fees", "--account", O1),
    ("bond", "1", "--to", "O2", "--account", D3, "--layer", "l1"),
    ("unbond", "1", "--account", O1),
    ("rebond", "--account", O1),
    ("claim-earnings", "--account", O1),
    ("transcoder", "--reward-cut", "5", "--fee-share", "50", "--account", O1),
    ("relay",),
]


def test_every_dry_run_sends_nothing_on_either_layer(run, world, nonces, everything_to_send):
    before = nonces(world.operator, *world.people)
    for args in DRY_RUNS:
        args = tuple(world.o2.address if a == "O2" else a for a in args)
        table = run(*args, "--dry-run")
        assert table.exit_code == 0, (args, table.output)
        assert "Dry run: nothing sent." in table.output, (args, table.output)
        preview = run(*args, "--dry-run", "--json")
        assert preview.exit_code == 0, (args, preview.output)
        data = json.loads(preview.output)
        assert "sent" not in data and "tx_hash" not in data, (args, data)
    assert nonces(world.operator, *world.people) == before


def test_relay_dry_run_lists_what_a_pass_would_move_on(run, world, nonces):
    assert run("bridge-in", "1", "--account", D1, "--yes").exit_code == 0
    before = nonces(world.operator, *world.people)
    preview = json.loads(run("relay", "--dry-run", "--json").output)
    assert len(preview["l1_to_l2"]) == 1 and preview["l2_to_l1"] == []
    table = run("relay", "--dry-run").output
    assert f"L1->L2 to deliver 1 (#{preview['l1_to_l2'][0]})" in table and "Dry run: nothing sent." in table
    assert nonces(world.operator, *world.people) == before
    assert json.loads(run("relay", "--yes", "--json").output)["delivered"] == preview["l1_to_l2"]


def test_the_dry_runs_show_the_costs_of_both_layers_where_both_pay(run, everything_to_send):
    deposit = json.loads(run("bridge-in", "1", "--account", D1, "--dry-run", "--json").output)
    assert deposit["layer"] == "l1" and deposit["amount_wei"] == str(LPT) and int(deposit["cost_wei"]) > 0
    assert int(deposit["value_wei"]) > 0  # the ticket's L2 fees, sent with the L1 transaction
    table = run("bridge-in", "1", "--account", D1, "--dry-run").output
    assert "L1 cost at most (ETH)" in table and "L2 max cost, sent with it (ETH)" in table
    migration = json.loads(run("migrate", "--account", D1, "--dry-run", "--json").output)
    assert migration["l1"]["gas"] > 0 and int(migration["l2"]["max_cost_wei"]) > 0


def test_the_migration_preview_shows_the_terms_that_travel(run, world):
    # o2, an L1 orchestrator with a 5 % cut and a 25 % fee share, registers on L2 with them
    plan = json.loads(run("migrate", "--account", O2, "--dry-run", "--json").output)
    assert plan["kind"] == "orchestrator"
    assert (plan["reward_cut_percent"], plan["fee_share_percent"]) == ("5", "25")
    table = run("migrate", "--account", O2, "--dry-run").output
    assert "Reward cut (%)" in table and "Fee share (%)" in table
    # a delegator's migration carries no terms
    assert "reward_cut_percent" not in json.loads(run("migrate", "--account", D1, "--dry-run", "--json").output)


def test_gas_controls_reach_the_transaction(run, chains, world):
    nonce = chains.l1.provider.get_nonce(world.d3.address)
    result = run(
        "unbond", "1", "--account", D3, "--layer", "l1", "--max-fee", "30gwei", "--priority-fee", "1500000000",
        "--gas-limit", "400000", "--nonce", nonce, "--yes", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ((tx_hash, _),) = [(s["tx_hash"], s["gas_used"]) for s in json.loads(result.output)["sent"]]
    assert _sent(chains, "l1", tx_hash) == {
        "nonce": nonce,
        "gas": 400_000,
        "maxFeePerGas": 30 * GWEI,
        "maxPriorityFeePerGas": 1_500_000_000,
    }


def test_on_a_layer_of_legacy_transactions_the_max_fee_is_the_gas_price(run, chains, world, nonces):
    # the local L2 (as Arbitrum's Ape ecosystem) sends transactions with one gas price
    result = run("unbond", "1", "--account", O1, "--max-fee", "3gwei", "--gas-limit", "300000", "--yes", "--json")
    assert result.exit_code == 0, result.output
    (sent,) = json.loads(result.output)["sent"]
    assert _sent(chains, "l2", sent["tx_hash"])["gasPrice"] == 3 * GWEI
    before = nonces(world.o1)
    refused = run("unbond", "1", "--account", O1, "--priority-fee", "1gwei", "--yes")
    _one_line_error(
        refused, 1, f"the transactions of chain {chains.l2.chain_id} carry one gas price: set it with --max-fee"
    )
    assert nonces(world.o1) == before


def test_the_nonce_is_the_first_transactions_and_the_next_ones_follow(run, lp, chains, world):
    # d3's first L1 deposit approves the gateway, then deposits: two transactions
    nonce = chains.l1.provider.get_nonce(world.d3.address)
    result = run("bridge-in", "1", "--account", D3, "--nonce", nonce, "--max-fee", "5gwei", "--yes", "--json")
    assert result.exit_code == 0, result.output
    deposit = _sent(chains, "l1", json.loads(result.output)["tx_hash"])
    assert deposit["nonce"] == nonce + 1 and deposit["maxFeePerGas"] == 5 * GWEI
    assert chains.l1.provider.get_nonce(world.d3.address) == nonce + 2


def test_a_migration_carries_the_gas_controls_on_l1(run, chains, world):
    result = run("migrate", "--account", D1, "--max-fee", "7.5gwei", "--gas-limit", "900000", "--yes", "--json")
    assert result.exit_code == 0, result.output
    sent = _sent(chains, "l1", json.loads(result.output)["tx_hash"])
    assert sent["maxFeePerGas"] == 7_500_000_000 and sent["gas"] == 900_000


def test_the_dry_run_costs_at_the_given_max_fee(run):
    preview = json.loads(run("unbond", "1", "--account", O1, "--max-fee", "40gwei", "--dry-run", "--json").output)
    assert preview["fee_per_gas_wei"] == str(40 * GWEI)
    assert int(preview["cost_wei"]) == preview["gas"] * 40 * GWEI


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("--max-fee", "thirty"), 2, "'thirty' is not a fee per gas: wei (an integer) or gwei ('30gwei')"),
        (("--max-fee", "1.5"), 2, "'1.5' is not a whole number of wei (for gwei add the unit: '1.5gwei')"),
        (("--priority-fee", "-1gwei"), 2, "is not a fee per gas"),
        (("--max-fee", "0.0000000001gwei"), 2, "has more than 9 decimal places of gwei"),
        (("--gas-limit", "100"), 2, "100 is not in the range x>=21000"),
        (("--gas-limit", "lots"), 2, "'lots' is not a valid integer"),
        (("--nonce", "-3"), 2, "-3 is not in the range x>=0"),
        (
            ("--max-fee", "1gwei", "--priority-fee", "2gwei"),
            1,
            "the priority fee (2 gwei) is above the max fee (1 gwei)",
        ),
        (("--gas-limit", "21000"), 1, "the gas limit 21,000 is below the"),
        (("--gas-limit", "10000000000"), 1, "the gas limit 10,000,000,000 is above the L1 block gas limit"),
        (("--nonce", "0"), 1, "nonce 0 of"),
    ],
)
def test_bad_gas_controls_are_one_line_and_send_nothing(run, world, nonces, args, code, message):
    # d3 has sent on L1 (approved and bonded), so nonce 0 is used
    before = nonces(world.d3)
    _one_line_error(run("unbond", "1", "--account", D3, "--layer", "l1", *args, "--yes"), code, message)
    assert nonces(world.d3) == before


def test_a_max_fee_below_the_base_fee_is_refused(run, chains, world, nonces, set_base_fee):
    before = nonces(world.d3)
    set_base_fee(chains.l1, 2 * GWEI)  # put back to 0 after the test: later tests on these chains assume it
    result = run("unbond", "1", "--account", D3, "--layer", "l1", "--max-fee", "1gwei", "--yes")
    _one_line_error(result, 1, "the max fee 1 gwei is below the base fee of L1's next block, 2 gwei")
    assert nonces(world.d3) == before


def test_bad_gas_controls_with_json_are_json(run, world, nonces):
    before = nonces(world.o1)
    result = run("unbond", "1", "--account", O1, "--max-fee", "1gwei", "--priority-fee", "2gwei", "--yes", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output) == {"error": "the priority fee (2 gwei) is above the max fee (1 gwei)"}
    assert nonces(world.o1) == before
