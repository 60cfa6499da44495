"""bench/run.py: goal verdicts and costs (pure functions), and the migration throughput bench on a tiny batch."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import migration_throughput  # noqa: E402
import run  # noqa: E402


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("gas.l2.reward", 120_000, "goal <= 120,000 gas: met"),
        ("gas.l2.reward", 130_000, "goal <= 120,000 gas: missed by 10,000 gas (8.3 % above it)"),
        ("relay.migrations_per_s", 20, "goal >= 20 migrations/s: met"),
        ("relay.migrations_per_s", 5.0, "goal >= 20 migrations/s: missed by 15.00 migrations/s (75.0 % below it)"),
        ("cli.plugin_overhead_pct", 12.5, "goal <= 10 %: missed by 2.50 % (25.0 % above it)"),
        ("gas.l1.bridge_in", 10**9, ""),
    ],
)
def test_verdict(key, value, expected):
    assert run.verdict(key, value) == expected


def test_every_required_key_is_a_figure_or_a_goal():
    required = {
        "gas.l1.reward", "gas.l2.reward", "gas.l1.migrate", "gas.l2.finalize_migrate", "gas.l1.bridge_in",
        "gas.l2.bridge_out", "gas.l1.finalize_withdrawal", "gas.l1.withdraw_fees",
    }
    assert required <= set(run.GAS_ROWS)
    assert {"relay.migrations_per_s", "cli.plugin_overhead_pct"} <= set(run.GOALS)


def test_costs_use_each_layers_reference_price():
    l1_price, l2_price = run.GAS_PRICE_WEI["l1"], run.GAS_PRICE_WEI["l2"]
    assert l1_price != l2_price
    cost = run.costs({"gas.l1.reward": 200_000, "gas.l2.reward": 100_000})
    assert cost["cost.l1.reward"]["eth"] == 200_000 * l1_price / 10**18
    assert cost["cost.l2.reward"]["eth"] == 100_000 * l2_price / 10**18
    assert cost["cost.l1.reward"]["usd"] == round(200_000 * l1_price / 10**18 * float(run.ETH_USD), 4)
    assert cost["cost.l2.reward"]["layer"] == "l2"


def test_migration_throughput_migrates_and_stakes_every_delegator():
    """measure() raises when a delegator lacks its L2 stake after a run, so completing is the check."""
    results = migration_throughput.measure(n=3, runs=2)
    assert results["migrations"] == 3 and results["runs"] == 2
    assert all(len(values) == 2 for values in results["samples"].values())
    # the median of two runs is their mean; the rate follows from it
    assert results["median_total_s"] == pytest.approx(sum(results["samples"]["total_s"]) / 2, abs=1e-3)
    assert results["migrations_per_s"] == pytest.approx(3 / results["median_total_s"], rel=1e-2)
    assert results["l1_migrations_per_s"] == pytest.approx(3 / results["median_l1_migrate_s"], rel=1e-2)
    assert results["relay_deliveries_per_s"] == pytest.approx(3 / results["median_relay_s"], rel=1e-2)


def test_migration_throughput_rejects_empty_batches():
    with pytest.raises(ValueError):
        migration_throughput.measure(n=0)
