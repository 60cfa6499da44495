"""Where a user waits: wall time of `ape livepeer deploy`, `status` and `migrate --dry-run` on a local pair.

The bench makes a scratch Ape project (an ``ape-config.yaml`` whose local pair uses two free ports, so it
never meets another pair on this machine), starts the pair there with ``ape livepeer chains``, and runs the
venv's real ``ape`` console script in it, as a user would:

* ``deploy_s``: ``ape livepeer deploy`` on the fresh pair (once: a pair takes one deployment; round length 50);
* ``status_s``: ``ape livepeer status --account test:1``;
* ``migrate_dry_run_s``: ``ape livepeer migrate --account test:1 --dry-run``, test:1 being an active L1
  orchestrator with 5,000 LPT (set up as in the README, through ``Livepeer.connect()``).

The read commands run interleaved, after one discarded warm-up round; the 1-minute load average is recorded
next to every sample (the machine may be shared).

Run from the repository root::

    .venv/bin/python bench/user_wait.py [--runs 5]

Prints a table and writes ``bench/results-user-wait.json``.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ape_livepeer_migration.chains.provider import free_port, port_is_listening

REPO = Path(__file__).resolve().parents[1]
APE = Path(sys.executable).with_name("ape")
RESULTS = REPO / "bench" / "results-user-wait.json"
ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # test:1

# test:1 bonds to itself and becomes an active L1 orchestrator (the README's walk-through).
SETUP = """
from ape import accounts
from ape_livepeer_migration.testing.rounds import next_round
from ape_livepeer_migration.session.livepeer import Livepeer
LPT = 10**18
o = accounts.test_accounts[1]
with Livepeer.connect() as lp:
    s, l1 = lp.system, lp.chains.l1
    bm = s.l1.bonding_manager
    next_round(l1, s.l1.rounds, o)
    s.l1.token.approve(bm.address, 5_000 * LPT, sender=o)
    bm.bond(5_000 * LPT, o.address, sender=o)
    bm.transcoder(100_000, 500_000, sender=o)
    next_round(l1, s.l1.rounds, o)
"""

#: The deployment's round length: the setup mines two rounds, and at the default 5,760 blocks that alone takes
#: minutes of anvil_mine (see bench/local_round.py); the read commands do not depend on it.
SETUP_ROUND_LENGTH = 50

READS = {
    "status_s": ["livepeer", "status", "--account", "test:1"],
    "migrate_dry_run_s": ["livepeer", "migrate", "--account", "test:1", "--dry-run"],
}


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def measure(runs: int = 5) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory(prefix="user-wait-bench-") as scratch:
        project = Path(scratch)
        l1_port, l2_port = free_port(), free_port()
        (project / "ape-config.yaml").write_text(
            f"name: user-wait-bench\nlivepeer_migration:\n  local:\n    l1_port: {l1_port}\n    l2_port: {l2_port}\n"
        )
        chains = subprocess.Popen(
            [str(APE), "livepeer", "chains"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while not (port_is_listening(l1_port) and port_is_listening(l2_port)):
                if time.monotonic() > deadline or chains.poll() is not None:
                    raise SystemExit("`ape livepeer chains` did not start the pair")
                time.sleep(0.1)
            time.sleep(1)  # let both nodes finish starting
            deploy_load = os.getloadavg()[0]
            deploy_s = _run(
                [
                    str(APE),
                    "livepeer",
                    "deploy",
                    "--account",
                    "test:0",
                    "--operator",
                    "test:9",
                    "--round-length",
                    str(SETUP_ROUND_LENGTH),
                    "--genesis",
                    f"{ACCOUNT_1}=10000",
                    "--yes",
                ],
                project,
                env,
            )
            _run([sys.executable, "-c", SETUP], project, env)
            samples: dict[str, list[dict]] = {name: [] for name in READS}
            for round_number in range(runs + 1):
                for name, args in READS.items():
                    load = os.getloadavg()[0]
                    elapsed = _run([str(APE), *args], project, env)
                    if round_number > 0:
                        samples[name].append({"s": round(elapsed, 3), "load_1m": round(load, 2)})
        finally:
            os.killpg(chains.pid, signal.SIGINT)
            try:
                chains.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(chains.pid, signal.SIGKILL)
                chains.wait()

    medians = {name: statistics.median(s["s"] for s in values) for name, values in samples.items()}
    print(f"{'case':20} {'median s':>9}  samples (s @ 1-min load)   ({runs} runs, 1 warm-up)")
    print(f"{'deploy_s':20} {deploy_s:9.2f}  {deploy_s:.2f}@{deploy_load:.1f} (once)")
    for name, values in samples.items():
        shown = ", ".join(f"{s['s']:.2f}@{s['load_1m']:.1f}" for s in values)
        print(f"{name:20} {medians[name]:9.2f}  {shown}")
    return {
        "user_wait": {
            "deploy_s": round(deploy_s, 3),
            "deploy_load_1m": round(deploy_load, 2),
            **{name: round(value, 3) for name, value in medians.items()},
            "runs": runs,
            "samples": samples,
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per read command (after one warm-up)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    RESULTS.write_text(json.dumps(measure(args.runs), indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
