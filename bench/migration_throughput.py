"""End-to-end stake migrations per second on the local L1 + L2: L1 migrate tx, relay, L2 stake.

Starts its own L1 + L2 anvils, deploys the whole system (:func:`ape_livepeer_migration.system.deploy_system`),
bonds ``N`` fresh delegators to one orchestrator on L1 and migrates the orchestrator first (none of that is
timed). Each run then starts from that same state (both chains snapshotted and restored) and times:

* the ``N`` L1 transactions, one per delegator, through :func:`ape_livepeer_migration.system.migrate`
  (which reads the stake and estimates the retryable's L2 gas on the L2 node first, as a user's client does);
* the relayer (:class:`ape_livepeer_migration.relayer.Relayer` over the simulator, a fresh journal) from
  its first pass until a pass finds nothing to do: each retryable is created and auto-redeemed on L2,
  which mints the LPT and stakes it for the delegator (``L2Migrator`` -> ``L2BondingManager.stakeFor``);
  the relayer submits them in batches (``Relayer(deliveries_per_batch=...)``, default 100), each
  delivery journaled on its own.

After each run (not timed) every delegator's L2 stake is checked against its L1 stake.
``migrations_per_s`` is ``N`` over the median total; the L1 and relay parts are reported separately, as
times and as rates (``l1_migrations_per_s``, ``relay_deliveries_per_s``).

    PYTHONPATH=$PWD .venv/bin/python bench/migration_throughput.py [--migrations 200] [--runs 3]

Prints the figures and writes ``bench/results-migration-throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from relay_throughput import relay_until_idle

RESULTS = Path(__file__).with_name("results-migration-throughput.json")
LPT = 10**18
ETH = 10**18
DELEGATOR_STAKE = 1_000 * LPT


def measure(n: int = 200, runs: int = 3) -> dict:
    """Time ``runs`` batches of ``n`` migrations from the same state; return medians and samples."""
    if n < 1 or runs < 1:
        raise ValueError("n and runs must be at least 1")
    from ape import accounts
    from ape.logging import LogLevel, logger

    from ape_livepeer_migration import simulator as sim_api
    from ape_livepeer_migration.chains import TwoChains
    from ape_livepeer_migration.relayer import Relayer, SimulatorBackend
    from ape_livepeer_migration.scenario import next_round
    from ape_livepeer_migration.system import deploy_system, migrate

    logger.set_level(LogLevel.WARNING)
    t = accounts.test_accounts
    gov, orchestrator, operator = t[0], t[2], t[9]
    delegators = [t.generate_test_account() for _ in range(n)]
    round_length = 4 * n + 50  # bonding (2n txs) and a run's migrations (n) each fit in one round
    samples: dict[str, list[float]] = {"l1_migrate_s": [], "relay_s": [], "total_s": []}
    with TwoChains.local() as chains, tempfile.TemporaryDirectory() as tmp:
        for d in delegators:
            chains.l1.provider.set_balance(d.address, 10 * ETH)
        s = deploy_system(
            chains,
            gov,
            operator=operator,
            genesis={orchestrator.address: 100_000 * LPT, **{d.address: DELEGATOR_STAKE for d in delegators}},
            l1_params={"round_length": round_length},
            l2_params={"round_length": round_length},
        )
        bm = s.l1.bonding_manager
        next_round(chains.l1, s.l1.rounds, gov)
        next_round(chains.l2, s.l2_rounds, gov)
        s.l1.token.approve(bm.address, 10_000 * LPT, sender=orchestrator)
        bm.bond(10_000 * LPT, orchestrator, sender=orchestrator)
        bm.transcoder(100_000, 500_000, sender=orchestrator)
        for d in delegators:
            s.l1.token.approve(bm.address, DELEGATOR_STAKE, sender=d)
            bm.bond(DELEGATOR_STAKE, orchestrator, sender=d)
        next_round(chains.l1, s.l1.rounds, gov)
        sent = migrate(s, orchestrator)
        (message,) = sim_api.fetch_retryables(s.sim, sent.receipt.block_number, sent.receipt.block_number)
        if sim_api.deliver_retryable(s.sim, message).status != sim_api.DeliveryStatus.REDEEMED:
            raise RuntimeError("the orchestrator's migration was not redeemed on L2")

        for run in range(runs):
            with chains.isolated():
                relayer = Relayer.open(SimulatorBackend(s.sim), Path(tmp) / f"relay-{run}.db", fast_forward=True)
                relay_until_idle(relayer)  # journal what is already on chain (the orchestrator's migration)
                start = time.perf_counter()
                for d in delegators:
                    migrate(s, d, l2_orchestrator=orchestrator.address)
                migrated = time.perf_counter()
                relay_until_idle(relayer)
                done = time.perf_counter()
                relayer.journal.close()
                samples["l1_migrate_s"].append(migrated - start)
                samples["relay_s"].append(done - migrated)
                samples["total_s"].append(done - start)
                l2_bm = s.l2_bonding_manager
                short = [d.address for d in delegators if l2_bm.getDelegator(d.address).bondedAmount != DELEGATOR_STAKE]
                if short:
                    raise RuntimeError(f"run {run}: {len(short)} delegators lack their L2 stake, e.g. {short[0]}")

    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "migrations": n,
        "runs": runs,
        "migrations_per_s": round(n / medians["total_s"], 2),
        # the two parts as rates of their own: users' L1 transactions, and the relayer's L2 deliveries
        "l1_migrations_per_s": round(n / medians["l1_migrate_s"], 2),
        "relay_deliveries_per_s": round(n / medians["relay_s"], 2),
        **{f"median_{name}": round(value, 3) for name, value in medians.items()},
        "samples": {name: [round(v, 3) for v in values] for name, values in samples.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--migrations", type=int, default=200, help="migrations per run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median reported)")
    args = parser.parse_args()
    if args.migrations < 1 or args.runs < 1:
        parser.error("--migrations and --runs must be at least 1")
    results = measure(args.migrations, args.runs)
    print(
        f"{results['migrations']} migrations: {results['migrations_per_s']} migrations/s "
        f"(median of {results['runs']}: L1 {results['median_l1_migrate_s']} s = {results['l1_migrations_per_s']}/s "
        f"+ relay {results['median_relay_s']} s = {results['relay_deliveries_per_s']}/s)"
    )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
