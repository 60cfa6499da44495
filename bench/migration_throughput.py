"""End-to-end stake migrations per second on the local L1 + L2: users' L1 migrate txs, relay, L2 stake.

Starts its own L1 + L2 anvils, deploys the whole system (:func:`ape_livepeer_migration.bridge.system.deploy_system`),
bonds ``N`` fresh delegators to one orchestrator on L1 and migrates the orchestrator first (none of that is
timed), and records the deployment in an address book. ``C`` user clients, each a process of its own that
attaches to the two anvils and opens the deployment from the book as the CLI does
(:class:`ape_livepeer_migration.session.livepeer.Livepeer`), share the delegators between them (round robin). Each run
starts from the same state (both chains snapshotted and restored); the clients start together, each sending its
users' migrations one after the other through :func:`ape_livepeer_migration.bridge.system.migrate` (which reads the
stake and estimates the retryable's L2 gas on the L2 node first, as a user's client does, then sends the L1
transaction through Ape and waits for its receipt). Meanwhile the relayer
(:class:`ape_livepeer_migration.relayer.core.Relayer` over the simulator, a fresh journal, batches of
``deliveries_per_batch``, each delivery journaled on its own) runs in this process in a
:meth:`~ape_livepeer_migration.relayer.core.Relayer.watch`-style loop: a pass, and a pause of ``POLL_INTERVAL_S``
after a pass that found nothing to do. Each retryable is created and auto-redeemed on L2, which mints the LPT
and stakes it for the delegator (``L2Migrator`` -> ``L2BondingManager.stakeFor``). Once every client is done
and a later pass finds nothing to do, every delegator's L2 stake is read (one JSON-RPC batch) and checked
against its L1 stake.

What is timed (system-wide monotonic clock, comparable between the processes):

* ``total_s``, hence ``migrations_per_s`` (the end-to-end figure): from the moment the first user's
  ``migrate`` starts to the moment every delegator's L2 stake has been read and checked;
* ``l1_migrate_s``, hence ``l1_migrations_per_s``: from the same start until the last user's ``migrate`` has
  its receipt (the relayer runs meanwhile and shares the CPU with the users and the nodes);
* ``relay_busy_s``, hence ``relay_deliveries_per_s``: the summed time of the relayer's passes that did
  something (scanning, delivering, journaling), i.e. its throughput while it works; its idle passes and
  pauses are not counted. The parts overlap, so ``total_s`` is not their sum;
* ``relay_tail_s``: from the last user's receipt to the end (the relayer's last passes and the check).

``N`` over the median is reported for each. ``--clients 1`` is one user after another (still with the relayer
running alongside).

    PYTHONPATH=$PWD .venv/bin/python bench/migration_throughput.py [--migrations 200] [--runs 3] [--clients 2]

Prints the figures and writes ``bench/results-migration-throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import statistics
import tempfile
import time
from pathlib import Path

from relay_throughput import relay_until_idle

RESULTS = Path(__file__).with_name("results-migration-throughput.json")
LPT = 10**18
ETH = 10**18
DELEGATOR_STAKE = 1_000 * LPT
#: The relayer's pause after a pass that found nothing to do (seconds).
POLL_INTERVAL_S = 0.05
#: User client processes (see docs/benchmarks.md for how the figure moves with it on 2 CPUs).
DEFAULT_CLIENTS = 2


def _user_client(l1_port: int, l2_port: int, book: str, jobs, results, start) -> None:
    """One user client (a process of its own): attach to the pair, open the deployment from the address book,
    then for each job ``(orchestrator, users)`` wait for ``start`` and migrate the users one after the other;
    put ``(first started, last done, migrations, CPU seconds)`` (or the error's text) in ``results``. ``None``
    ends it."""
    try:
        from ape import accounts
        from ape.logging import LogLevel, logger

        from ape_livepeer_migration.bridge.migration import migrate
        from ape_livepeer_migration.chains.pair import TwoChains
        from ape_livepeer_migration.session.livepeer import Livepeer

        logger.set_level(LogLevel.WARNING)
        with TwoChains.local(l1_port, l2_port, start=False) as chains:
            system = Livepeer.open(chains, book).system
            results.put("ready")
            while (job := jobs.get()) is not None:
                orchestrator, keys = job
                users = [accounts.test_accounts.init_test_account(*key) for key in keys]
                start.wait()
                first, cpu = time.monotonic(), time.process_time()
                for user in users:
                    migrate(system, user, l2_orchestrator=orchestrator)
                results.put((first, time.monotonic(), len(users), time.process_time() - cpu))
    except BaseException as err:  # the parent waits on ``results``: it must hear of any failure
        results.put(f"client failed: {type(err).__name__}: {err}")
        raise


def _node_cpu_s(chain) -> float | None:
    """CPU seconds (user + system) the chain's node process has used so far; ``None`` without Linux's /proc."""
    stat = Path(f"/proc/{chain.provider.process.pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command name: state, ppid, ...
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def _take_answers(results, clients: list, answers: list, wanted: int, wait: bool) -> None:
    """Move the clients' answers from ``results`` into ``answers`` until it holds ``wanted`` (``wait``) or nothing
    more is there now (not ``wait``). A client's error, or a client gone without answering, raises."""
    while len(answers) < wanted:
        try:
            answer = results.get(timeout=1) if wait else results.get_nowait()
        except queue.Empty:
            gone = [client.exitcode for client in clients if client.exitcode is not None]
            if gone:
                raise RuntimeError(f"a user client exited (code {gone[0]}) without answering") from None
            if not wait:
                return
            continue
        if isinstance(answer, str) and answer.startswith("client failed"):
            raise RuntimeError(answer)
        answers.append(answer)


def _l2_stakes(system, addresses: list[str]) -> list[int]:
    """Every address's bonded amount on L2, read in one JSON-RPC batch of ``getDelegator`` calls."""
    from eth_abi import decode

    from ape_livepeer_migration.arbitrum.simulator import l2_rpc

    to = str(system.l2_bonding_manager.address)
    encode = system.l2_bonding_manager.getDelegator.encode_input
    answers = l2_rpc(system.sim).batch(
        [("eth_call", [{"to": to, "data": "0x" + bytes(encode(a)).hex()}, "latest"]) for a in addresses]
    )
    stakes = []
    for answer in answers:
        if isinstance(answer, Exception):
            raise answer
        # Delegator: delegateAddress, lastClaimRound, nextUnbondingLockId, bondedAmount, ... (static words)
        stakes.append(decode(["address", "uint64", "uint32", "uint128"], bytes.fromhex(answer[2:])[:128])[3])
    return stakes


def measure(n: int = 200, runs: int = 3, clients: int = DEFAULT_CLIENTS) -> dict:
    """Time ``runs`` batches of ``n`` migrations sent by ``clients`` user processes from the same state, the relayer
    running alongside; return medians and samples (see the module docstring)."""
    if n < 1 or runs < 1 or clients < 1:
        raise ValueError("n, runs and clients must be at least 1")
    from urllib.parse import urlparse

    from ape import accounts
    from ape.logging import LogLevel, logger

    from ape_livepeer_migration.arbitrum import simulator as sim_api
    from ape_livepeer_migration.arbitrum.simulator.deploy import simulator_deployment
    from ape_livepeer_migration.bridge.migration import migrate
    from ape_livepeer_migration.bridge.system import deploy_system
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.relayer.core import Relayer
    from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend
    from ape_livepeer_migration.session.addressbook import AddressBook
    from ape_livepeer_migration.session.livepeer import SIMULATOR, SYSTEM
    from ape_livepeer_migration.testing.rounds import next_round

    logger.set_level(LogLevel.WARNING)
    t = accounts.test_accounts
    gov, orchestrator, operator = t[0], t[2], t[9]
    delegators = [t.generate_test_account() for _ in range(n)]
    round_length = 4 * n + 50  # bonding (2n txs) and a run's migrations (n) each fit in one round
    samples: dict[str, list[float]] = {
        "l1_migrate_s": [],
        "relay_busy_s": [],
        "relay_tail_s": [],
        "total_s": [],
    }
    l1_blocks_mined: list[int] = []  # per run: blocks mined for transactions anvil's automine left in its pool
    cpu_samples: dict[str, list[float]] = {}  # per part: CPU seconds per run
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited Ape connections
    jobs = [context.Queue() for _ in range(clients)]
    results = context.Queue()
    start = context.Barrier(clients)
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

        book = AddressBook.open(Path(tmp) / "local.json", chains.pair.name, chains.l1.chain_id, chains.l2.chain_id)
        book.record(SIMULATOR, simulator_deployment(s.sim))
        book.record(SYSTEM, s.addresses)
        ports = [urlparse(chain.provider.uri).port for chain in chains.layers]
        processes = [
            context.Process(target=_user_client, args=(*ports, str(book.path), jobs[i], results, start), daemon=True)
            for i in range(clients)
        ]
        for process in processes:
            process.start()
        try:
            _take_answers(results, processes, [], clients, wait=True)  # every client attached and ready
            keys = [(d.index, d.address, d.private_key) for d in delegators]
            for run in range(runs):
                with chains.isolated():
                    relayer = Relayer.open(SimulatorBackend(s.sim), Path(tmp) / f"relay-{run}.db", fast_forward=True)
                    relay_until_idle(relayer)  # journal what is already on chain (the orchestrator's migration)
                    nodes_cpu = [_node_cpu_s(chain) for chain in chains.layers]
                    relayer_cpu = time.process_time()
                    for i, job in enumerate(jobs):
                        job.put((orchestrator.address, keys[i::clients]))
                    busy, unstuck, done = _relay_alongside(relayer, chains.l1, results, processes)
                    relayer_cpu = time.process_time() - relayer_cpu
                    nodes_cpu = [
                        None if before is None else _node_cpu_s(chain) - before
                        for chain, before in zip(chains.layers, nodes_cpu, strict=True)
                    ]
                    relayer.journal.close()
                    short = [
                        d.address
                        for d, stake in zip(delegators, _l2_stakes(s, [d.address for d in delegators]), strict=True)
                        if stake != DELEGATOR_STAKE
                    ]
                    verified = time.monotonic()
                    if short:
                        raise RuntimeError(f"run {run}: {len(short)} delegators lack their L2 stake, e.g. {short[0]}")
                    first = min(answer[0] for answer in done)
                    last = max(answer[1] for answer in done)
                    migrated = sum(answer[2] for answer in done)
                    if migrated != n:
                        raise RuntimeError(f"run {run}: the clients migrated {migrated} of {n}")
                    cpu = {"user_clients": sum(answer[3] for answer in done), "relayer": relayer_cpu}
                    if None not in nodes_cpu:
                        cpu.update(l1_node=nodes_cpu[0], l2_node=nodes_cpu[1])
                    for part, seconds in cpu.items():
                        cpu_samples.setdefault(part, []).append(seconds)
                    samples["l1_migrate_s"].append(last - first)
                    samples["relay_busy_s"].append(busy)
                    samples["relay_tail_s"].append(verified - last)
                    samples["total_s"].append(verified - first)
                    l1_blocks_mined.append(unstuck)
        finally:
            start.abort()  # a client still waiting to start (another failed) stops waiting and says so
            for job in jobs:
                job.put(None)
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.terminate()

    medians = {name: statistics.median(values) for name, values in samples.items()}
    cpu_per_migration = {part: statistics.median(values) / n for part, values in cpu_samples.items()}
    cpu_total = sum(cpu_per_migration.values())
    return {
        "migrations": n,
        "runs": runs,
        "clients": clients,
        "migrations_per_s": round(n / medians["total_s"], 2),
        # the parts as rates of their own (they overlap): users' L1 transactions, the relayer's busy passes
        "l1_migrations_per_s": round(n / medians["l1_migrate_s"], 2),
        "relay_deliveries_per_s": round(n / medians["relay_busy_s"], 2),
        **{f"median_{name}": round(value, 3) for name, value in medians.items()},
        "samples": {name: [round(v, 3) for v in values] for name, values in samples.items()},
        "l1_blocks_mined_for_stuck_transactions": l1_blocks_mined,
        # CPU seconds one migration costs, per part (median of the runs, over n): the users' clients, the relayer
        # (this process), and the two nodes when their use can be read (Linux). With every CPU of the machine
        # given to this work and nothing else, N migrations need at least N * total / cpus seconds.
        "cpu_s_per_migration": {part: round(value, 4) for part, value in cpu_per_migration.items()},
        "cpu_s_per_migration_samples": {
            part: [round(seconds / n, 4) for seconds in per_run] for part, per_run in cpu_samples.items()
        },
        "cpu_s_per_migration_total": round(cpu_total, 4),
        "cpus": os.cpu_count(),
        "cpu_bound_migrations_per_s": round(os.cpu_count() / cpu_total, 2),
    }


def _relay_alongside(relayer, l1, results, clients: list) -> tuple[float, int, list]:
    """Relay while the clients migrate (a pass; a pause of ``POLL_INTERVAL_S`` after an idle one) until every
    client is done and a pass begun after that finds nothing to do.

    anvil's automine can leave a transaction in its pool when several arrive at once (it is mined with the next
    transaction to arrive; foundry-rs/foundry#10122), so the last user's could wait forever. Between passes the L1's
    pool is looked at; when it holds transactions at two looks in a row, one block is mined (what a real L1 does
    within a slot). Returns the summed time of the passes that did something, the blocks mined so, and the
    clients' answers."""
    answers: list = []
    busy = 0.0
    unstuck = 0
    pending_before = False
    while True:
        _take_answers(results, clients, answers, len(clients), wait=False)
        users_done = len(answers) == len(clients)
        began = time.monotonic()
        report = relayer.relay_once()
        if not report.idle:
            busy += time.monotonic() - began
        elif users_done:
            return busy, unstuck, answers
        else:
            time.sleep(POLL_INTERVAL_S)
        pending = int(l1.provider.make_request("txpool_status", [])["pending"], 16) > 0
        if pending and pending_before:
            l1.mine()
            unstuck += 1
            pending = False
        pending_before = pending


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--migrations", type=int, default=200, help="migrations per run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median reported)")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS, help="user client processes")
    args = parser.parse_args()
    if args.migrations < 1 or args.runs < 1 or args.clients < 1:
        parser.error("--migrations, --runs and --clients must be at least 1")
    results = measure(args.migrations, args.runs, args.clients)
    print(
        f"{results['migrations']} migrations by {results['clients']} clients: {results['migrations_per_s']} "
        f"migrations/s (median of {results['runs']}: {results['median_total_s']} s end to end; L1 "
        f"{results['median_l1_migrate_s']} s = {results['l1_migrations_per_s']}/s; relay busy "
        f"{results['median_relay_busy_s']} s = {results['relay_deliveries_per_s']}/s, tail "
        f"{results['median_relay_tail_s']} s)"
    )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
