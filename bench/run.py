"""Every benchmark in one run: one table, one ``bench/results.json``.

Runs the measurements of the other bench scripts (their ``measure`` functions, each on its own fresh local
L1 + L2 pair), picks the headline figures under stable keys, prices every gas figure at reference gas prices,
and prints each figure next to the same operation's gas on Livepeer's real contracts (with the ratio) and its goal
(met, or missed by how much). Nothing is asserted: a missed goal is reported, not raised.

    make bench                      # or, from the project root:
    PYTHONPATH=$PWD .venv/bin/python bench/run.py [--migrations 200] [--migration-runs 3] [--migration-clients 2]
                                                  [--cli-runs 7] [--wait-runs 5] [--round-runs 3]

Gas figures are deterministic (same code, same state, same gas); times are medians of the stated runs and
depend on the machine (its CPU count and load are recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from fractions import Fraction
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the sibling bench scripts, also when imported from elsewhere

from ape_livepeer_migration.protocol.economics import GWEI, SEED_ERA_CALLS, SEED_ERA_PRICES, WEI_PER_ETH  # noqa: E402

RESULTS = BENCH / "results.json"

#: Headline gas figures: key -> (source, source key, what it is).
GAS_ROWS = {
    "gas.l1.reward": ("l1", "gas.l1.reward.steady", "L1 BondingManager.reward(), median of later rounds"),
    "gas.l2.reward": ("migration", "l2.reward.steady", "L2BondingManager.reward(), mean of later rounds"),
    "gas.l1.migrate": ("migration", "l1.migrate.delegator", "L1Migrator.migrate, a delegator (one L1 tx)"),
    "gas.l1.migrate.orchestrator": ("migration", "l1.migrate.orchestrator", "L1Migrator.migrate, an orchestrator"),
    "gas.l1.migrate.first": (
        "migration",
        "l1.migrate.first",
        "same, the deployment's first migration (an orchestrator)",
    ),
    "gas.l2.finalize_migrate": (
        "migration",
        "l2.finalize.delegator",
        "L2 call of the retryable (L2Migrator.finalizeMigration): stakeFor + mint into the Minter, a delegator",
    ),
    "gas.l2.finalize_migrate.orchestrator": ("migration", "l2.finalize.orchestrator", "same, an orchestrator"),
    "gas.l2.finalize_migrate.first": (
        "migration",
        "l2.finalize.first",
        "same, the deployment's first migration (an orchestrator)",
    ),
    "gas.l1.bridge_in": ("bridge", "l1.bridge_in.outboundTransfer", "L1LPTGateway.outboundTransfer (deposit)"),
    "gas.l2.finalize_deposit": ("bridge", "l2.finalize_deposit.plain", "L2LPTGateway.finalizeInboundTransfer"),
    "gas.l2.bridge_out": ("bridge", "l2.bridge_out.outboundTransfer", "L2LPTGateway.outboundTransfer (burn)"),
    "gas.l1.finalize_withdrawal": (
        "bridge",
        "l1.finalize_withdrawal.from_escrow",
        "Outbox execution paying out of the escrow",
    ),
    "gas.l1.finalize_withdrawal.partly_minted": (
        "bridge",
        "l1.finalize_withdrawal.partly_minted",
        "same, escrow short: the rest minted on L1",
    ),
    "gas.l1.withdraw_fees": ("l1", "gas.l1.withdrawFees", "L1 BondingManager.withdrawFees"),
    "gas.l2.reward.first": ("migration", "l2.reward.first", "L2BondingManager.reward(), an orchestrator's first"),
    "gas.l1.migrate.unbonding_locks_2": (
        "migration",
        "l1.migrate.unbonding_locks_2",
        "L1Migrator.migrateUnbondingLocks, two locks",
    ),
    "gas.l1.bond": ("l1", "gas.l1.bond", "BondingManager.bond, a new delegator (L1; L2 runs the same code)"),
    "gas.l1.unbond": ("l1", "gas.l1.unbond", "BondingManager.unbond, part of a delegator's stake"),
    "gas.l1.claim_earnings": ("l1", "gas.l1.claimEarnings", "BondingManager.claimEarnings, rounds of rewards"),
    "gas.l1.initialize_round": ("l1", "gas.l1.initializeRound", "RoundsManager.initializeRound"),
}

#: Goals: key -> (bound, kind, unit); kind "max" (at most), "below" (strictly less) or "min" (at least). The gas
#: goals are issue 16's: every L1 migration path below the real Livepeer's, L2 reward() and finalize bounded.
GOALS = {
    "gas.l2.reward": (100_000, "max", "gas"),
    "gas.l2.reward.first": (130_000, "max", "gas"),
    "gas.l1.migrate": (201_727, "below", "gas"),
    "gas.l1.migrate.orchestrator": (226_010, "below", "gas"),
    "gas.l1.migrate.unbonding_locks_2": (162_772, "below", "gas"),
    "gas.l2.finalize_migrate": (250_000, "max", "gas"),
    "gas.l2.finalize_migrate.orchestrator": (250_000, "max", "gas"),
    "relay.migrations_per_s": (20, "min", "migrations/s"),
    "cli.plugin_overhead_pct": (10, "max", "%"),
    "cli.plugin_import_pct": (10, "max", "%"),
    # where a user waits (wall seconds on the local pair; medians, see bench/user_wait.py, bench/local_round.py)
    "wait.status_s": (1.5, "max", "s"),
    "wait.migrate_dry_run_s": (1.5, "max", "s"),
    "wait.deploy_s": (3, "max", "s"),
    "wait.fixture_setup_s": (3, "max", "s"),
    "wait.round_move_s": (1, "max", "s"),
}

#: The same operations on Livepeer's real contracts: key -> gas.
REAL_GAS = {
    "gas.l2.reward": 530_715,
    "gas.l2.reward.first": 601_959,
    "gas.l1.migrate": 201_727,
    "gas.l1.migrate.orchestrator": 226_010,
    "gas.l1.migrate.unbonding_locks_2": 162_772,
    "gas.l2.finalize_migrate": 777_767,
    "gas.l2.finalize_migrate.orchestrator": 1_271_612,
    "gas.l1.bond": 471_151,
    "gas.l1.unbond": 446_566,
    "gas.l1.claim_earnings": 263_167,
    "gas.l1.initialize_round": 238_662,
}
REAL_SOURCE = (
    "issue 16: production bytecode of livepeer/protocol `delta` (f225b10, BondingManagerTarget v9) and "
    "livepeer/arbitrum-lpt-bridge (603314d) on anvil 1.7.1, 5 orchestrators + 4 delegators. The staking rows "
    "are the real L2 protocol's (the project's L1 and L2 BondingManagers share their code); the real unbond and "
    "claimEarnings had 5 reward rounds to claim."
)

GAS_PRICE_WEI = {layer: call.gas_price for layer, call in SEED_ERA_CALLS.items()}
ETH_USD = SEED_ERA_PRICES.eth_usd
PRICE_SOURCE = (
    "ape_livepeer_migration.protocol.economics seed-era reference (SEED_ERA_CALLS, SEED_ERA_PRICES): "
    f"L1 {Fraction(GAS_PRICE_WEI['l1'], GWEI)} gwei (calibrated to the seed blog's L1 break-even), "
    f"L2 {float(Fraction(GAS_PRICE_WEI['l2'], GWEI))} gwei (Arbitrum One's Nitro minimum base fee, 2022-2024), "
    f"ETH ${ETH_USD} (assumed Dec 2021 - Jan 2022 figure). L2 costs are L2 execution gas only: Arbitrum's "
    "L1 data fee (calldata posted to L1) is not included."
)


def monetary_gas(measured: dict[str, int]) -> dict[str, int]:
    """``bench/gas_monetary.py``'s figures (``<mode>.<layer>.<what>``) as gas rows
    ``gas.<layer>.<what>.<mode>_minting``, priced at their layer's reference price like every gas row."""
    out = {}
    for key, value in measured.items():
        mode, layer, what = key.split(".", 2)
        out[f"gas.{layer}.{what}.{mode}_minting"] = value
    return out


def verdict(key: str, value: float) -> str:
    """``met`` or ``missed by ...`` against the goal of ``key`` ('' when it has none)."""
    if key not in GOALS:
        return ""
    bound, kind, unit = GOALS[key]
    sign = {"max": "<=", "below": "<", "min": ">="}[kind]
    met = {"max": value <= bound, "below": value < bound, "min": value >= bound}[kind]
    if met:
        return f"goal {sign} {bound:,} {unit}: met"
    # "below" is met from one unit under the bound on
    gap = bound - value if kind == "min" else value - bound + (1 if kind == "below" else 0)
    shown = f"{gap:,}" if isinstance(gap, int) else f"{gap:,.2f}"
    side = "below" if kind == "min" else "above"
    return f"goal {sign} {bound:,} {unit}: missed by {shown} {unit} ({100 * gap / bound:.1f} % {side} it)"


def against_real(gas: dict[str, int]) -> dict[str, dict[str, float]]:
    """Each gas figure that has a real Livepeer counterpart, with that figure and the ratio of the two."""
    return {
        key: {"project": gas[key], "real": real, "ratio": round(gas[key] / real, 3)} for key, real in REAL_GAS.items()
    }


def costs(gas: dict[str, int]) -> dict[str, dict[str, float]]:
    """Each gas row's cost in ETH and USD at the reference price of its layer."""
    out = {}
    for key, used in gas.items():
        layer = key.split(".")[1]
        wei = used * GAS_PRICE_WEI[layer]
        eth = Fraction(wei, WEI_PER_ETH)
        out[f"cost.{key.removeprefix('gas.')}"] = {
            "layer": layer,
            "gas_price_gwei": float(Fraction(GAS_PRICE_WEI[layer], GWEI)),
            "eth": float(eth),
            "usd": round(float(eth * ETH_USD), 4),
        }
    return out


def run(
    migrations: int,
    migration_runs: int,
    cli_runs: int,
    migration_clients: int | None = None,
    wait_runs: int = 5,
    round_runs: int = 3,
) -> dict:
    """Run every measurement; return the results document (also what ``results.json`` holds)."""
    import cli_help
    import gas_arbitrum
    import gas_bridge
    import gas_l1
    import gas_migration
    import gas_monetary
    import local_round
    import migration_throughput
    import user_wait

    clients = migration_throughput.DEFAULT_CLIENTS if migration_clients is None else migration_clients
    sources: dict[str, dict] = {}
    seconds: dict[str, float] = {}
    steps = (
        ("l1", gas_l1.measure),
        ("migration", gas_migration.measure),
        ("bridge", gas_bridge.measure),
        ("arbitrum", gas_arbitrum.measure),
        ("monetary", gas_monetary.measure),
        ("migration_throughput", lambda: migration_throughput.measure(migrations, migration_runs, clients)),
        ("cli", lambda: cli_help.measure(cli_runs)["cli"]),
        ("user_wait", lambda: user_wait.measure(wait_runs)["user_wait"]),
        ("local_round", lambda: local_round.measure(round_runs)["local_round"]),
    )
    for name, step in steps:
        print(f"-- {name} ...", flush=True)
        started = time.perf_counter()
        sources[name] = step()
        seconds[name] = round(time.perf_counter() - started, 1)

    gas = {key: int(sources[src][src_key]) for key, (src, src_key, _) in GAS_ROWS.items()}
    gas.update(monetary_gas(sources["monetary"]))
    cli = sources["cli"]
    overhead_pct = 100 * (cli["ape_help_s"] - cli["ape_help_without_plugin_s"]) / cli["ape_help_without_plugin_s"]
    figures = {
        **gas,
        "relay.migrations_per_s": sources["migration_throughput"]["migrations_per_s"],
        # its two parts, which overlap (users and relayer run at once): the users' L1 migrate transactions (first
        # start to last receipt), and the relayer's deliveries on L2 (over the time of its passes that did something)
        "relay.l1_migrations_per_s": sources["migration_throughput"]["l1_migrations_per_s"],
        "relay.deliveries_per_s": sources["migration_throughput"]["relay_deliveries_per_s"],
        "cli.ape_help_s": cli["ape_help_s"],
        "cli.ape_help_without_plugin_s": cli["ape_help_without_plugin_s"],
        "cli.livepeer_help_s": cli["livepeer_help_s"],
        "cli.plugin_overhead_pct": round(overhead_pct, 1),
        # the same overhead measured directly: the plugin CLI module's import time over `ape --help` without it
        "cli.plugin_cli_import_s": cli["plugin_cli_import_s"],
        "cli.plugin_import_pct": round(100 * cli["plugin_cli_import_s"] / cli["ape_help_without_plugin_s"], 2),
        "wait.status_s": sources["user_wait"]["status_s"],
        "wait.migrate_dry_run_s": sources["user_wait"]["migrate_dry_run_s"],
        "wait.deploy_s": sources["user_wait"]["deploy_s"],
        "wait.fixture_setup_s": sources["user_wait"]["fixture_setup_s"],
        # anvil_mine of one default-length round (5,760 blocks) on a node started as the product starts it
        "wait.round_move_s": sources["local_round"]["median_s"]["product"],
    }
    return {
        "figures": figures,
        "goals": {key: verdict(key, value) for key, value in figures.items() if key in GOALS},
        "real": against_real(gas),
        "real_source": REAL_SOURCE,
        "descriptions": {key: text for key, (_, _, text) in GAS_ROWS.items()},
        "cost": costs(gas),
        "cost_reference": {
            "gas_price_gwei": {layer: float(Fraction(p, GWEI)) for layer, p in GAS_PRICE_WEI.items()},
            "eth_usd": float(ETH_USD),
            "source": PRICE_SOURCE,
        },
        "details": sources,
        "bench_seconds": seconds,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def print_table(results: dict) -> None:
    figures, cost = results["figures"], results["cost"]
    width = max(map(len, figures)) + 2
    real = results["real"]
    print(f"\n{'figure':<{width}} {'value':>12}  {'ETH':>11} {'USD':>9}  {'real':>10} {'ratio':>6}  goal")
    for key, value in figures.items():
        row = cost.get(f"cost.{key.removeprefix('gas.')}")
        priced = f"{row['eth']:>11.6f} {row['usd']:>9.4f}" if row else f"{'':>11} {'':>9}"
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        versus = f"{real[key]['real']:>10,} {real[key]['ratio']:>6.3f}" if key in real else f"{'':>10} {'':>6}"
        print(f"{key:<{width}} {shown:>12}  {priced}  {versus}  {verdict(key, value)}")
    print(f"real: Livepeer's own contracts, ratio = value / real. source: {results['real_source']}")
    ref = results["cost_reference"]
    print(
        f"\ncost at L1 {ref['gas_price_gwei']['l1']:g} gwei, L2 {ref['gas_price_gwei']['l2']:g} gwei, "
        f"ETH ${ref['eth_usd']:g}.\nsource: {ref['source']}"
    )
    throughput = results["details"]["migration_throughput"]
    print(
        f"relay.migrations_per_s: {throughput['migrations']} migrations by {throughput['clients']} user clients, "
        f"median of {throughput['runs']} runs: {throughput['median_total_s']} s end to end (L1 part "
        f"{throughput['median_l1_migrate_s']} s = {throughput['l1_migrations_per_s']}/s; relayer busy "
        f"{throughput['median_relay_busy_s']} s = {throughput['relay_deliveries_per_s']}/s, running alongside); "
        f"machine: {results['machine']['cpus']} CPUs, load {results['machine']['load_average_1m']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--migrations", type=int, default=200, help="migrations per throughput run")
    parser.add_argument("--migration-runs", type=int, default=3, help="throughput runs (median reported)")
    parser.add_argument(
        "--migration-clients",
        type=int,
        default=None,
        help="user client processes (default: migration_throughput.DEFAULT_CLIENTS)",
    )
    parser.add_argument("--cli-runs", type=int, default=7, help="timed runs per CLI case")
    parser.add_argument("--wait-runs", type=int, default=5, help="timed runs per read command (user_wait)")
    parser.add_argument("--round-runs", type=int, default=3, help="timed rounds per anvil flag set (local_round)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON file to write")
    args = parser.parse_args()
    args.out = args.out.resolve()
    os.chdir(BENCH.parent)  # Ape finds the project (contracts, ape-config.yaml) from the working directory
    clients = [] if args.migration_clients is None else [args.migration_clients]
    if min(args.migrations, args.migration_runs, args.cli_runs, args.wait_runs, args.round_runs, *clients) < 1:
        parser.error(
            "--migrations, --migration-runs, --migration-clients, --cli-runs, --wait-runs and "
            "--round-runs must be at least 1"
        )
    results = run(
        args.migrations, args.migration_runs, args.cli_runs, args.migration_clients, args.wait_runs, args.round_runs
    )
    print_table(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    import gas_monetary

    gas_monetary.write_doc(results["details"]["monetary"], GAS_PRICE_WEI, ETH_USD)
    print(f"wrote the measured comparison into {gas_monetary.DOC}")


if __name__ == "__main__":
    main()
