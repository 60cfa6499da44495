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
        ("gas.l2.reward", 100_000, "goal <= 100,000 gas: met"),
        ("gas.l2.reward", 110_000, "goal <= 100,000 gas: missed by 10,000 gas (10.0 % above it)"),
        ("gas.l1.migrate", 201_726, "goal < 201,727 gas: met"),
        ("gas.l1.migrate", 201_727, "goal < 201,727 gas: missed by 1 gas (0.0 % above it)"),
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
        "gas.l1.reward",
        "gas.l2.reward",
        "gas.l1.migrate",
        "gas.l2.finalize_migrate",
        "gas.l1.bridge_in",
        "gas.l2.bridge_out",
        "gas.l1.finalize_withdrawal",
        "gas.l1.withdraw_fees",
    }
    assert required <= set(run.GAS_ROWS)
    assert {"relay.migrations_per_s", "cli.plugin_overhead_pct"} <= set(run.GOALS)


def test_every_gas_goal_has_the_real_livepeer_figure_beside_it():
    gas_goals = {key for key, (_, _, unit) in run.GOALS.items() if unit == "gas"}
    assert gas_goals <= set(run.REAL_GAS) <= set(run.GAS_ROWS)
    row = run.against_real({key: real // 2 for key, real in run.REAL_GAS.items()})["gas.l2.reward"]
    assert row == {"project": 265_357, "real": 530_715, "ratio": 0.5}


def test_costs_use_each_layers_reference_price():
    l1_price, l2_price = run.GAS_PRICE_WEI["l1"], run.GAS_PRICE_WEI["l2"]
    assert l1_price != l2_price
    cost = run.costs({"gas.l1.reward": 200_000, "gas.l2.reward": 100_000})
    assert cost["cost.l1.reward"]["eth"] == 200_000 * l1_price / 10**18
    assert cost["cost.l2.reward"]["eth"] == 100_000 * l2_price / 10**18
    assert cost["cost.l1.reward"]["usd"] == round(200_000 * l1_price / 10**18 * float(run.ETH_USD), 4)
    assert cost["cost.l2.reward"]["layer"] == "l2"


def test_migration_throughput_migrates_and_stakes_every_delegator():
    """measure() raises when a delegator lacks its L2 stake after a run or a client fails, so completing is the
    check; two clients send at once, with the relayer running alongside."""
    results = migration_throughput.measure(n=5, runs=2, clients=2)
    assert results["migrations"] == 5 and results["runs"] == 2 and results["clients"] == 2
    assert all(len(values) == 2 for values in results["samples"].values())
    assert len(results["l1_blocks_mined_for_stuck_transactions"]) == 2
    # the median of two runs is their mean; the rates follow from it
    assert results["median_total_s"] == pytest.approx(sum(results["samples"]["total_s"]) / 2, abs=1e-3)
    assert results["migrations_per_s"] == pytest.approx(5 / results["median_total_s"], rel=1e-2)
    assert results["l1_migrations_per_s"] == pytest.approx(5 / results["median_l1_migrate_s"], rel=1e-2)
    assert results["relay_deliveries_per_s"] == pytest.approx(5 / results["median_relay_busy_s"], rel=1e-2)
    # the parts overlap: the end follows the last user's receipt, and the relayer worked within the whole
    parts = ("l1_migrate_s", "relay_tail_s", "relay_busy_s", "total_s")
    for l1, tail, busy, total in zip(*(results["samples"][part] for part in parts), strict=True):
        assert total == pytest.approx(l1 + tail, abs=2e-3) and 0 < busy <= total
    cpu = results["cpu_s_per_migration"]
    assert {"user_clients", "relayer"} <= set(cpu) and all(value > 0 for value in cpu.values())
    assert all(len(values) == 2 for values in results["cpu_s_per_migration_samples"].values())
    assert results["cpu_s_per_migration_total"] == pytest.approx(sum(cpu.values()), abs=1e-3)
    assert results["cpu_bound_migrations_per_s"] == pytest.approx(
        results["cpus"] / results["cpu_s_per_migration_total"], rel=1e-2
    )


class _Client:
    def __init__(self, exitcode):
        self.exitcode = exitcode


def test_client_answers_are_collected_and_a_client_failure_raises():
    import queue

    answers = queue.Queue()
    answers.put((1.0, 2.0, 3, 0.5))
    taken = []
    migration_throughput._take_answers(answers, [_Client(None)], taken, 2, wait=False)
    assert taken == [(1.0, 2.0, 3, 0.5)]  # nothing more there now: returns with what it has
    answers.put("client failed: L2CallRevertsError: ...")
    with pytest.raises(RuntimeError, match="L2CallRevertsError"):
        migration_throughput._take_answers(answers, [_Client(None)], taken, 2, wait=True)
    with pytest.raises(RuntimeError, match="exited"):  # a client gone without a word does not hang the bench
        migration_throughput._take_answers(answers, [_Client(1)], taken, 2, wait=True)


def test_migration_throughput_rejects_empty_batches():
    with pytest.raises(ValueError):
        migration_throughput.measure(n=0)
    with pytest.raises(ValueError):
        migration_throughput.measure(n=1, clients=0)
