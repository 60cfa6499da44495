"""Relay throughput of the local relayer, both directions, for a batch of simple messages.

Starts its own L1 + L2 anvils, deploys the simulator and a pair of test endpoints,
sends the batch (not timed), then times the relayer from the first pass until a
pass finds nothing left to do:

* L1 -> L2: scan + one ``submitRetryable`` per message (auto-redeemed call);
* L2 -> L1: scan + one root assertion + fast-forward over the challenge period
  + one ``Outbox.executeTransaction`` per message.

Prints the figures and writes bench/results-relay.json. Run from the project root:

    PYTHONPATH=$PWD python bench/relay_throughput.py [--messages 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from ape import accounts, project

from ape_livepeer_migration.arbitrum import simulator
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.relayer.core import Relayer
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend

GAS_LIMIT = 300_000
MAX_FEE_PER_GAS = 10**10
MAX_SUBMISSION_COST = 10**15
RESULTS = Path(__file__).with_name("results-relay.json")


def relay_until_idle(relayer: Relayer) -> tuple[float, int]:
    start = time.perf_counter()
    passes = 0
    while not relayer.relay_once().idle:
        passes += 1
    return time.perf_counter() - start, passes


def measure(n: int = 200) -> dict:
    """Relay ``n`` test messages each way on a fresh local pair; return the timings (see the module docstring)."""
    test_accounts = accounts.test_accounts
    operator, user, l1_owner, l2_owner = test_accounts[9], test_accounts[1], test_accounts[0], test_accounts[2]

    with TwoChains.local() as chains, tempfile.TemporaryDirectory() as tmp:
        sim = simulator.deploy_simulator(chains, operator, confirm_period_blocks=20)
        with chains.l1:
            l1 = chains.l1.bind(project.TestL1Endpoint.deploy(sim.inbox.address, sender=l1_owner))
        with chains.l2:
            l2 = chains.l2.bind(project.TestL2Endpoint.deploy(sender=l2_owner))
        l1.setCounterpart(l2.address, sender=l1_owner)
        l2.setCounterpart(l1.address, sender=l2_owner)
        relayer = Relayer.open(SimulatorBackend(sim), Path(tmp) / "relay.db", fast_forward=True)

        for i in range(n):
            l1.sendToL2(
                f"to-l2 {i}".encode(),
                0,
                (MAX_SUBMISSION_COST, GAS_LIMIT, MAX_FEE_PER_GAS),
                user.address,
                user.address,
                value=MAX_SUBMISSION_COST + GAS_LIMIT * MAX_FEE_PER_GAS,
                sender=user,
            )
        l1_to_l2_seconds, l1_to_l2_passes = relay_until_idle(relayer)
        assert int(l2.receivedCount()) == n, "not every L1 -> L2 message arrived"

        for i in range(n):
            l2.sendToL1(f"to-l1 {i}".encode(), sender=user)
        l2_to_l1_seconds, l2_to_l1_passes = relay_until_idle(relayer)
        assert int(l1.receivedCount()) == n, "not every L2 -> L1 message arrived"
        relayer.journal.close()

    results = {
        "messages_per_direction": n,
        "l1_to_l2": {
            "seconds": round(l1_to_l2_seconds, 3),
            "messages_per_second": round(n / l1_to_l2_seconds, 2),
            "busy_passes": l1_to_l2_passes,
        },
        "l2_to_l1": {
            "seconds": round(l2_to_l1_seconds, 3),
            "messages_per_second": round(n / l2_to_l1_seconds, 2),
            "busy_passes": l2_to_l1_passes,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
        },
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200, help="messages per direction")
    args = parser.parse_args()
    n = args.messages
    results = measure(n)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    for direction in ("l1_to_l2", "l2_to_l1"):
        figures = results[direction]
        print(f"{direction}: {n} messages in {figures['seconds']} s = {figures['messages_per_second']} msg/s")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
