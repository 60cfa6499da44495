"""`ape livepeer profitability`: table, --json, overrides, env vars, and every class of bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli

APE = Path(sys.executable).with_name("ape")
LPT = 10**18
PRICE_ENV = ("APE_LIVEPEER_LPT_USD", "APE_LIVEPEER_ETH_USD")


@pytest.fixture
def run(monkeypatch):
    """Invoke `profitability` in-process, with the price env vars cleared unless a test sets them."""
    for name in PRICE_ENV:
        monkeypatch.delenv(name, raising=False)

    def invoke(*args, env=None):
        return CliRunner().invoke(cli, ["profitability", *args], env=env)

    return invoke


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_default_table_shows_both_layers_and_the_blog_break_even(run):
    result = run()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("reward() profitability: pool 50,000.00 LPT, self-stake 0.00 LPT, cut 25 %")
    assert "inflation 0.02185 %/round" in lines[1]
    header = next(line for line in lines if "L1" in line)
    assert header.index("L1") < header.index("L2")
    break_even = next(line for line in lines if "Break-even pool stake" in line)
    assert "49,977" in break_even and "13.33" in break_even
    cost = next(line for line in lines if "Call cost (USD)" in line)
    assert "$157.50" in cost and "$0.04" in cost


def test_json_reports_exact_figures_per_layer(run):
    data = as_json(run("--json"))
    assert data["source"] is None
    assert data["inputs"] == {
        "stake_lpt_wei": str(50_000 * LPT),
        "self_stake_lpt_wei": "0",
        "reward_cut_ppm": 250_000,
        "total_supply_lpt_wei": str(25_000_000 * LPT),
        "inflation_per_round_ppb": 218_500,
        "total_active_stake_lpt_wei": str(13_000_000 * LPT),
        "lpt_usd": 30.0,
        "eth_usd": 3500.0,
    }
    l1, l2 = data["layers"]["l1"], data["layers"]["l2"]
    assert l1["cost_eth_wei"] == str(45 * 10**15) and l1["cost_lpt_wei"] == str(525 * 10**16)
    assert l1["gas_price_wei"] == str(150 * 10**9) and l1["gas_source"] == l2["gas_source"] == "reference"
    assert l2["cost_eth_wei"] == str(12 * 10**12) and l2["gas_used"] == 120_000 and l2["gas_price_wei"] == str(10**8)
    assert l1["mintable_lpt_wei"] == str(54625 * 10**17)
    assert l1["reward_lpt_wei"] == l2["reward_lpt_wei"] == "21009615384615384615"
    assert l1["break_even_stake_lpt_wei"].startswith("499771167")
    assert int(l2["break_even_stake_lpt_wei"]) < 50 * LPT
    assert l1["profitable"] and l1["profit_usd"] == pytest.approx(0.0721, abs=1e-4)


def test_a_small_orchestrator_loses_on_l1_and_gains_on_l2(run):
    data = as_json(run("--json", "--stake", "10000", "--self-stake", "500"))
    l1, l2 = data["layers"]["l1"], data["layers"]["l2"]
    assert not l1["profitable"] and int(l1["profit_lpt_wei"]) < 0 and l1["profit_usd"] < 0
    assert l2["profitable"] and l2["profit_usd"] > 0


def test_layer_option_selects_one_layer_and_gas_overrides_apply_to_it(run):
    data = as_json(run("--json", "--layer", "l1", "--gas-price-gwei", "325", "--gas-used", "200000"))
    assert list(data["layers"]) == ["l1"]
    assert data["layers"]["l1"]["cost_eth_wei"] == str(65 * 10**15)
    assert data["layers"]["l1"]["gas_source"] == "option"
    data = as_json(run("--json", "--layer", "l2", "--gas-price-gwei", "0.01"))
    assert list(data["layers"]) == ["l2"]
    assert data["layers"]["l2"]["cost_eth_wei"] == str(12 * 10**11)
    assert data["layers"]["l2"]["gas_used"] == 120_000


def test_network_and_orchestrator_overrides(run):
    data = as_json(
        run(
            "--json",
            "--layer",
            "l1",
            "--total-supply",
            "30000000",
            "--inflation",
            "0.03",
            "--total-active-stake",
            "15000000",
            "--reward-cut",
            "10",
            "--self-stake",
            "1000",
            "--stake",
            "20000",
        )
    )
    assert data["inputs"]["reward_cut_ppm"] == 100_000
    assert data["layers"]["l1"]["mintable_lpt_wei"] == str(9000 * LPT)
    assert data["layers"]["l1"]["reward_lpt_wei"] == str(12 * LPT)  # 9000 * 20000 / 15e6
    # cut 1.2 + 5 % self-stake of the other 10.8
    assert data["layers"]["l1"]["orchestrator_earnings_lpt_wei"] == str(174 * LPT // 100)


def test_price_env_vars_override_defaults_and_options_override_env(run):
    data = as_json(run("--json", "--layer", "l1", env={"APE_LIVEPEER_LPT_USD": "60", "APE_LIVEPEER_ETH_USD": "1750"}))
    assert data["inputs"]["lpt_usd"] == 60 and data["inputs"]["eth_usd"] == 1750
    assert data["layers"]["l1"]["cost_lpt_wei"] == str(13125 * 10**14)  # 0.045 ETH * 1750 / 60
    data = as_json(run("--json", "--layer", "l1", "--lpt-usd", "15", env={"APE_LIVEPEER_LPT_USD": "60"}))
    assert data["inputs"]["lpt_usd"] == 15
    assert data["layers"]["l1"]["cost_lpt_wei"] == str(105 * LPT // 10)


def test_unreachable_break_even_is_reported_as_such(run):
    data = as_json(run("--json", "--layer", "l1", "--reward-cut", "0"))
    assert data["layers"]["l1"]["break_even_stake_lpt_wei"] is None
    result = run("--layer", "l1", "--reward-cut", "0")
    assert "unreachable" in next(line for line in result.output.splitlines() if "Break-even" in line)


@pytest.mark.parametrize(
    "args,env,error",
    [
        (["--stake", "0"], None, "Invalid value for '--stake': must be greater than 0"),
        (["--stake", "-5"], None, "Invalid value for '--stake': must not be negative, got -5"),
        (["--stake", "lots"], None, "Invalid value for '--stake': 'lots' is not a decimal number"),
        (
            ["--stake", "1.0000000000000000001"],
            None,
            "'--stake': 1.0000000000000000001 has more than 18 decimal places",
        ),
        (["--stake", "20000000"], None, "Invalid value for '--stake': cannot exceed the total active stake"),
        (["--self-stake", "60000"], None, "Invalid value for '--self-stake': cannot exceed the pool stake"),
        (["--self-stake", "-1"], None, "Invalid value for '--self-stake': must not be negative"),
        (["--reward-cut", "101"], None, "Invalid value for '--reward-cut': must be between 0 and 100 %, got 101"),
        (["--reward-cut", "-1"], None, "Invalid value for '--reward-cut': must not be negative"),
        (["--reward-cut", "12.34567"], None, "'--reward-cut': 12.34567 has more than 4 decimal places"),
        (["--inflation", "0"], None, "Invalid value for '--inflation': must be greater than 0"),
        (["--inflation", "100.5"], None, "Invalid value for '--inflation': must be between 0 and 100 %"),
        (["--total-supply", "0"], None, "Invalid value for '--total-supply': must be greater than 0"),
        (["--total-active-stake", "30000000"], None, "'--total-active-stake': cannot exceed the total supply"),
        (["--layer", "l1", "--gas-used", "0"], None, "Invalid value for '--gas-used': 0 is not in the range x>=1"),
        (["--layer", "l1", "--gas-price-gwei", "0"], None, "Invalid value for '--gas-price-gwei': must be greater"),
        (["--layer", "l2", "--gas-price-gwei", "0.0000000001"], None, "more than 9 decimal places"),
        (["--gas-used", "100000"], None, "--gas-used and --gas-price-gwei set one layer's call: add --layer l1"),
        (["--lpt-usd", "0"], None, "Invalid value for '--lpt-usd': must be greater than 0"),
        (["--eth-usd", "-3"], None, "Invalid value for '--eth-usd': must not be negative"),
        ([], {"APE_LIVEPEER_ETH_USD": "cheap"}, "Invalid value for '--eth-usd': 'cheap' is not a decimal number"),
        (["--layer", "l3"], None, "Invalid value for '--layer': 'l3' is not one of 'l1', 'l2', 'both'"),
    ],
)
def test_bad_input_fails_with_one_clear_line(run, args, env, error):
    result = run(*args, env=env)
    assert result.exit_code == 2, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: ")
    assert error in last


def test_through_the_real_ape_entry_point_with_env_prices():
    env = {**os.environ, "APE_LIVEPEER_LPT_USD": "60"}
    result = subprocess.run(
        [str(APE), "livepeer", "profitability", "--json", "--layer", "l2"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["inputs"]["lpt_usd"] == 60
    assert list(data["layers"]) == ["l2"]


def test_help_states_the_reference_defaults():
    # The CLI module may not import the model (it loads with every `ape` command), so the
    # defaults it prints are text: they must be the model's reference values.
    from ape_livepeer_migration._eth import amount_text
    from ape_livepeer_migration.bridge.system import DEFAULT_ROUNDS_PER_L1_ROUND
    from ape_livepeer_migration.protocol import economics as econ

    reference = econ.seed_era_inputs()
    expected = {
        "--stake": amount_text(reference.orchestrator.stake, 18),
        "--self-stake": amount_text(reference.orchestrator.self_stake, 18),
        "--reward-cut": amount_text(reference.orchestrator.reward_cut, 4),
        "--lpt-usd": str(reference.prices.lpt_usd),
        "--eth-usd": str(reference.prices.eth_usd),
        "--total-supply": amount_text(reference.network.total_supply, 18),
        "--inflation": amount_text(reference.network.inflation, 7),
        "--total-active-stake": amount_text(reference.network.total_active_stake, 18),
        "--rounds-per-l1-round": str(DEFAULT_ROUNDS_PER_L1_ROUND),
    }
    command = cli.commands["profitability"]
    stated = {
        option.opts[0]: option.help.split("[default: ")[1].rstrip("]")
        for option in command.params
        if option.help and "[default: " in option.help
    }
    assert stated == expected
    docstring = " ".join(command.help.split())
    for call in reference.calls:
        gwei = amount_text(call.gas_price, 9)
        assert f"{call.layer.upper()} {call.gas_used:,} gas at {gwei} gwei" in docstring


def test_call_reward_states_the_same_default_prices():
    from ape_livepeer_migration.protocol import economics as econ

    command = cli.commands["call-reward"]
    stated = {
        option.opts[0]: option.help.split("[default: ")[1].rstrip("]")
        for option in command.params
        if option.opts[0] in ("--lpt-usd", "--eth-usd", "--gas-used")
    }
    prices = econ.SEED_ERA_PRICES
    assert stated == {
        "--lpt-usd": str(prices.lpt_usd),
        "--eth-usd": str(prices.eth_usd),
        "--gas-used": "estimated on L2",
    }


# ---------------------------------------------------------------------------- --from-chain


@pytest.fixture
def chain_run(chains, book, monkeypatch):
    """``chain_run(*args)``: `ape livepeer` on the test's chains and address book, price env vars cleared."""
    for name in PRICE_ENV:
        monkeypatch.delenv(name, raising=False)

    def invoke(*args):
        obj = {"chains": chains, "address_book": str(book)}
        return CliRunner().invoke(cli, [str(a) for a in args], obj=obj)

    return invoke


def test_from_chain_reads_the_l2_position_and_estimates_its_reward_gas(chain_run, lp, world, reward_round):
    s = lp.system
    o1 = world.o1.address
    data = as_json(chain_run("profitability", "--from-chain", "--account", o1, "--json"))
    assert data["source"] == {"account": o1, "layer": "l2", "round": s.l2_rounds.currentRound()}
    bm = s.l2_bonding_manager
    transcoder = bm.getTranscoder(o1)
    assert data["inputs"]["stake_lpt_wei"] == str(transcoder.delegatedAmount)
    assert data["inputs"]["self_stake_lpt_wei"] == str(bm.getDelegator(o1).bondedAmount) != "0"
    assert data["inputs"]["reward_cut_ppm"] == transcoder.rewardCut == 100_000
    assert data["inputs"]["total_supply_lpt_wei"] == str(s.l2_minter.inflationSupply())
    assert data["inputs"]["inflation_per_round_ppb"] == s.l2_minter.inflation()
    assert data["inputs"]["total_active_stake_lpt_wei"] == str(bm.nextRoundTotalActiveStake())  # round not initialized
    assert data["inputs"]["lpt_usd"] == 30.0  # prices stay the reference defaults
    l1, l2 = data["layers"]["l1"], data["layers"]["l2"]
    # o1 migrated: it calls reward() on L2 only, so L1 is costed at the reference gas and L1's own gas price
    assert l2["gas_source"] == "estimated" and l1["gas_source"] == "reference" and l1["gas_used"] == 300_000
    assert l1["gas_price_wei"] == str(lp.preflight.paid_per_gas("l1")) != "0"
    called = lp.call_reward(world.o1)  # initializes the round in the same call, as the estimate assumed
    assert abs(l2["gas_used"] - called.gas_used) <= called.gas_used // 20
    assert int(l2["reward_lpt_wei"]) > 0
    after = as_json(chain_run("profitability", "--from-chain", "--account", o1, "--json", "--layer", "l2"))
    assert after["layers"]["l2"]["gas_source"] == "reference"  # reward() already called this round


def test_from_chain_reads_l1_for_an_orchestrator_still_there(chain_run, lp, world):
    o2 = world.o2.address
    data = as_json(chain_run("profitability", "--from-chain", "--account", o2, "--json", "--lpt-usd", "15"))
    assert data["source"]["layer"] == "l1"
    assert data["inputs"]["stake_lpt_wei"] == str(lp.system.l1.bonding_manager.getTranscoder(o2).delegatedAmount)
    assert data["inputs"]["total_supply_lpt_wei"] == str(lp.system.l1.minter.inflationSupply())
    assert data["inputs"]["lpt_usd"] == 15.0
    assert data["layers"]["l1"]["gas_source"] == "estimated" and data["layers"]["l2"]["gas_source"] == "reference"
    table = chain_run("profitability", "--from-chain", "--account", o2, "--stake", "1000")
    assert table.exit_code == 0, table.output
    assert f"read on L1 in round {lp.current_round('l1')} for {o2}" in table.output
    assert "pool 1,000.00 LPT" in table.output  # an option overrides what is read
    assert "(estimated)" in next(line for line in table.output.splitlines() if "Gas used" in line)


@pytest.mark.parametrize(
    "args,code,error",
    [
        (["--from-chain"], 2, "--from-chain reads the position of an orchestrator: add --account"),
        (["--account", "test:2"], 2, "--account is read with --from-chain only"),
        (["--from-chain", "--account", "0x12"], 2, "Invalid value for '--account'"),
        (["--from-chain", "--account", "test:8"], 1, "is not an active orchestrator on L2 or L1"),
        (["--from-chain", "--account", "test:2", "--stake", "99000000"], 2, "'--stake': cannot exceed the total"),
    ],
)
def test_from_chain_refusals_are_one_line(chain_run, reward_round, args, code, error):
    result = chain_run("profitability", *args)
    assert result.exit_code == code, result.output
    assert error in result.output.splitlines()[-1]
    as_error = chain_run("profitability", *args, "--json")
    assert as_error.exit_code == code and error in json.loads(as_error.output)["error"]


def test_call_reward_if_profitable_judges_as_profitability_does(chain_run, world, reward_round, nonces):
    o1 = world.o1.address
    tiny = ("--lpt-usd", "0.000000001")
    before = nonces(world.o1)
    # the local L2's gas price falls to 0 over empty blocks: the user's max fee is what the call is judged at
    skipped = as_json(
        chain_run(
            "call-reward", "--yes", "--account", "test:2", "--if-profitable", *tiny, "--max-fee", "1gwei", "--json"
        )
    )
    assert skipped["called"] is False and nonces(world.o1) == before
    judged = as_json(
        chain_run(
            "profitability", "--from-chain", "--account", o1, "--layer", "l2", *tiny, "--gas-price-gwei", "1", "--json"
        )
    )["layers"]["l2"]
    assert skipped["economics"] == {key: value for key, value in judged.items() if key != "gas_source"}
    # the reference prices, the estimated gas: a migrated orchestrator's L2 call pays
    called = as_json(chain_run("call-reward", "--yes", "--account", "test:2", "--if-profitable", "--json"))
    assert called["called"] is True and int(called["minted_lpt_wei"]) > 0
    refused = chain_run("call-reward", "--yes", "--account", "test:2", "--eth-usd", "3000")
    assert refused.exit_code == 2 and "add --if-profitable" in refused.output


# ---------------------------------------------------------------------------- --minting


def test_minting_compares_each_modes_call_and_keeper_cost(run):
    from ape_livepeer_migration.protocol import economics as econ

    data = as_json(run("--minting", "both", "--json"))
    assert list(data["modes"]) == ["l2", "l1"]
    l1_price, l2_price = econ.SEED_ERA_L1_CALL.gas_price, econ.SEED_ERA_L2_CALL.gas_price
    assert data["inputs"]["gas_price_wei"] == {"l1": str(l1_price), "l2": str(l2_price)}
    mintable = econ.SEED_ERA_NETWORK.mintable
    for mode, figures in data["modes"].items():
        keeper = econ.MEASURED_KEEPER[mode]
        assert figures["reward"]["gas_used"] == econ.MEASURED_REWARD_GAS[mode]
        assert figures["reward"]["gas_source"] == "measured"
        assert figures["reward"]["cost_eth_wei"] == str(econ.MEASURED_REWARD_GAS[mode] * l2_price)
        assert (figures["keeper_l1_gas_per_l1_round"], figures["keeper_l2_gas_per_l1_round"]) == (
            keeper.l1_gas,
            keeper.l2_gas,
        )
        assert figures["keeper_cost_eth_wei"] == str(keeper.l1_gas * l1_price + keeper.l2_gas * l2_price)
        assert figures["rounds_per_l1_round"] == 7
        assert figures["minted_per_l1_round_lpt_wei"] == str(7 * mintable)
    # minting on L1 moves the per-round work to L1: it costs more per L1 round than L2 minting's report
    assert int(data["modes"]["l1"]["keeper_cost_eth_wei"]) > int(data["modes"]["l2"]["keeper_cost_eth_wei"])
    # the cheaper reward() breaks even with less stake
    cheaper = min(data["modes"], key=lambda mode: econ.MEASURED_REWARD_GAS[mode])
    other = "l1" if cheaper == "l2" else "l2"
    stakes = {mode: int(data["modes"][mode]["reward"]["break_even_stake_lpt_wei"]) for mode in (cheaper, other)}
    assert stakes[cheaper] <= stakes[other]


def test_minting_over_longer_l1_rounds_spreads_the_keeper_cost(run):
    week = as_json(run("--minting", "l1", "--json"))["modes"]["l1"]
    fortnight = as_json(run("--minting", "l1", "--rounds-per-l1-round", "14", "--json"))["modes"]["l1"]
    assert int(fortnight["minted_per_l1_round_lpt_wei"]) == 2 * int(week["minted_per_l1_round_lpt_wei"])
    assert fortnight["keeper_share_of_minted"] == pytest.approx(week["keeper_share_of_minted"] / 2, rel=1e-6)


def test_minting_table_has_a_column_per_mode(run):
    result = run("--minting", "both")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "L2 minting" in line)
    assert header.index("L2 minting") < header.index("L1 minting")
    assert "an L1 round = 7 L2 rounds" in result.output
    assert "(measured)" in next(line for line in result.output.splitlines() if "L2 reward() gas" in line)


@pytest.mark.parametrize(
    "args,error",
    [
        (["--minting", "both", "--layer", "l1"], "--layer and the gas options do not apply"),
        (["--minting", "l1", "--gas-used", "1000"], "--layer and the gas options do not apply"),
        (["--rounds-per-l1-round", "7"], "--rounds-per-l1-round applies with --minting"),
        (["--minting", "l3"], "Invalid value for '--minting'"),
        (["--minting", "l1", "--rounds-per-l1-round", "0"], "Invalid value for '--rounds-per-l1-round'"),
    ],
)
def test_minting_refusals_are_one_line(run, args, error):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert error in result.output.splitlines()[-1]


def test_minting_from_chain_estimates_the_deployments_own_mode(chain_run, world, reward_round):
    data = as_json(
        chain_run("profitability", "--from-chain", "--account", world.o1.address, "--minting", "both", "--json")
    )
    assert data["source"]["layer"] == "l2"
    # the module's deployment mints on L2: its mode's reward() is estimated there, the other mode's is the bench's
    assert data["modes"]["l2"]["reward"]["gas_source"] == "estimated"
    assert data["modes"]["l1"]["reward"]["gas_source"] == "measured"
    assert data["modes"]["l2"]["rounds_per_l1_round"] == 7
