"""``deploy --dry-run`` (a rehearsal on scratch chains: nothing sent, nothing recorded, and the same transactions as
the deployment it previews), the gas controls on every deploy and relay transaction, and ``--nonce`` refused for
both (each sends on both layers)."""

from __future__ import annotations

import json

GWEI = 10**9


def _one_line_error(result, text):
    assert result.exit_code == 1, result.output
    assert text in result.output, result.output
    assert len([line for line in result.output.splitlines() if "Error" in line]) == 1, result.output


def _sent_since(chains, layer, block, sender):
    """The transactions ``sender`` sent on ``layer`` after ``block``, as the node holds them (type, gas, fees); the
    local anvils skip the blocks a round's mining passes over (no block: ``null``)."""
    chain = getattr(chains, layer)
    blocks = [chain.request("eth_getBlockByNumber", [hex(n), True]) for n in range(block + 1, chain.block_number + 1)]
    return [tx for b in blocks if b for tx in b["transactions"] if tx["from"].lower() == sender.lower()]


def _heads(chains):
    return {chain.layer: chain.block_number for chain in chains.layers}


def test_the_dry_run_rehearses_the_deployment_it_previews_and_sends_nothing(run, lp, book, chains, world, nonces):
    lp.book.forget("system")
    recorded = book.read_text()
    before = nonces(world.governor, world.operator)
    preview = run("deploy", "--account", "test:0", "--genesis", f"{world.o2.address}=5", "--dry-run", "--json")
    assert preview.exit_code == 0, preview.output
    plan = json.loads(preview.output)
    assert plan["steps"] == {"simulator": "recorded", "system": "rehearsed"}
    assert plan["account"] == world.governor.address and "rehearsed on two empty local anvils" in plan["estimate"]
    assert {"l1_migrator", "l1_gateway", "l1_token"} <= set(plan["l1"]["contracts"])
    assert {"l2_migrator", "l2_bonding_manager", "l2_token"} <= set(plan["l2"]["contracts"])
    for layer in ("l1", "l2"):
        figures = plan[layer]
        assert figures["transactions"] > len(figures["contracts"])  # the wiring calls besides the creations
        assert 0 < figures["largest_transaction_gas"] < figures["gas"]
        assert int(figures["cost_wei"]) == figures["gas"] * int(figures["fee_per_gas_wei"])
    table = run("deploy", "--account", "test:0", "--dry-run")
    assert table.exit_code == 0, table.output
    assert "Gas (rehearsed)" in table.output and "Cost at most (ETH)" in table.output
    assert "L1 contracts: l1_token, " in table.output and "l2_migrator" in table.output
    assert table.output.rstrip().endswith("Dry run: nothing sent.")
    assert nonces(world.governor, world.operator) == before and book.read_text() == recorded

    # the deployment sends what the rehearsal did: as many transactions, within a little gas (the addresses differ)
    heads = _heads(chains)
    deployed = run("deploy", "--account", "test:0", "--genesis", f"{world.o2.address}=5", "--yes", "--json")
    assert deployed.exit_code == 0, deployed.output
    for layer in ("l1", "l2"):
        sent = _sent_since(chains, layer, heads[layer], world.governor.address)
        assert len(sent) == plan[layer]["transactions"]
        used = sum(
            int(getattr(chains, layer).request("eth_getTransactionReceipt", [tx["hash"]])["gasUsed"], 16) for tx in sent
        )
        assert abs(used - plan[layer]["gas"]) <= plan[layer]["transactions"] * 500, (layer, used, plan[layer]["gas"])


def test_with_everything_recorded_the_dry_run_has_nothing_to_deploy(run, world, nonces):
    before = nonces(world.governor)
    plan = json.loads(run("deploy", "--account", "test:0", "--dry-run", "--json").output)
    assert plan["steps"] == {"simulator": "recorded", "system": "recorded"}
    assert plan["l1"]["transactions"] == plan["l2"]["transactions"] == 0
    text = run("deploy", "--account", "test:0", "--dry-run").output
    assert "Nothing to deploy on local (simulator recorded, system recorded)." in text
    assert nonces(world.governor) == before


def test_a_fresh_dry_run_rehearses_the_new_system_and_forgets_nothing(run, book, world, nonces):
    recorded = book.read_text()
    before = nonces(world.governor)
    result = run("deploy", "--account", "test:0", "--fresh", "--inflation", "l1", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["steps"] == {"simulator": "recorded", "system": "rehearsed"}  # the chains keep the simulator
    assert "l1_stake_oracle" in plan["l1"]["contracts"] and "l1_supply_reporter" not in plan["l1"]["contracts"]
    assert book.read_text() == recorded and not list(book.parent.glob("*.replaced-*"))
    assert nonces(world.governor) == before


def test_the_dry_run_refuses_what_deploy_refuses(run, lp, book, world, nonces):
    lp.book.forget("system")
    lp.book.begin("system", {"account": world.governor.address, "l1": 0, "l2": 0})
    recorded = book.read_text()
    before = nonces(world.governor)
    _one_line_error(run("deploy", "--account", "test:0", "--dry-run"), "the deploy step 'system' started earlier")
    bad = run("deploy", "--account", "test:0", "--dry-run", "--json")
    assert bad.exit_code == 1 and "started earlier" in json.loads(bad.output)["error"]
    assert nonces(world.governor) == before and book.read_text() == recorded


def test_every_deploy_transaction_carries_the_gas_controls(run, lp, chains, world):
    lp.book.forget("system")
    heads = _heads(chains)
    result = run("deploy", "--account", "test:0", "--max-fee", "9gwei", "--gas-limit", "12000000", "--yes", "--json")
    assert result.exit_code == 0, result.output
    l1 = _sent_since(chains, "l1", heads["l1"], world.governor.address)
    l2 = _sent_since(chains, "l2", heads["l2"], world.governor.address)
    assert l1 and l2
    assert {(int(tx["gas"], 16), int(tx["maxFeePerGas"], 16)) for tx in l1} == {(12_000_000, 9 * GWEI)}
    assert {(int(tx["gas"], 16), int(tx["gasPrice"], 16)) for tx in l2} == {(12_000_000, 9 * GWEI)}  # legacy L2


def test_a_gas_limit_below_the_largest_deploy_transaction_is_refused_before_sending(run, lp, book, world, nonces):
    lp.book.forget("system")
    recorded = book.read_text()
    before = nonces(world.governor)
    result = run("deploy", "--account", "test:0", "--gas-limit", "100000", "--yes")
    _one_line_error(result, "the gas limit 100,000 is below the")
    assert nonces(world.governor) == before and book.read_text() == recorded


def test_deploy_and_relay_refuse_a_nonce(run, lp, book, world, nonces):
    lp.book.forget("system")
    recorded = book.read_text()
    before = nonces(world.governor, world.operator)
    for args in (("deploy", "--account", "test:0", "--yes"), ("deploy", "--account", "test:0", "--dry-run")):
        _one_line_error(run(*args, "--nonce", "7"), "deploy sends on both layers")
    _one_line_error(run("relay", "--yes", "--nonce", "7"), "relay sends on both layers")
    refused = run("relay", "--yes", "--nonce", "7", "--json")
    assert refused.exit_code == 1 and "--nonce does not apply" in json.loads(refused.output)["error"]
    assert nonces(world.governor, world.operator) == before and book.read_text() == recorded


def test_the_relayers_transactions_carry_the_gas_controls(run, chains, world):
    assert run("bridge-in", "1", "--account", "test:4", "--yes").exit_code == 0
    assert run("relay", "--yes").exit_code == 0
    assert run("bridge-out", "1", "--account", "test:4", "--yes").exit_code == 0
    head = chains.l1.block_number
    relayed = run("relay", "--max-fee", "4gwei", "--gas-limit", "3000000", "--yes", "--json")
    assert relayed.exit_code == 0, relayed.output
    assert len(json.loads(relayed.output)["executed"]) == 1
    # the send root asserted and the withdrawal executed on L1, by the operator
    sent = _sent_since(chains, "l1", head, world.operator.address)
    assert len(sent) == 2
    assert {(int(tx["gas"], 16), int(tx["maxFeePerGas"], 16)) for tx in sent} == {(3_000_000, 4 * GWEI)}
