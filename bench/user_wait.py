"""Where a user waits: wall time of `ape livepeer deploy`, `status` and `migrate --dry-run` on a local pair, and of
the `livepeer` fixture's setup in a downstream project's test.

The bench copies the downstream project of the tests (tests/outside_project: its own ``ape-config.yaml``, console
extras and test files) to a scratch folder with two free ports for its local pair, starts the pair there with
``ape livepeer chains`` and runs the venv's real ``ape`` console script in it, as a user would
(:mod:`ape_livepeer_migration.testing.project`):

* ``deploy_s``: the README's ``ape livepeer deploy`` on the fresh pair (once: a pair takes one deployment);
* ``status_s``: ``ape livepeer status --account test:1``;
* ``migrate_dry_run_s``: ``ape livepeer migrate --account test:1 --dry-run``, test:1 being an active L1
  orchestrator with 5,000 LPT (made one in ``ape console``, as in the README);
* ``fixture_setup_s``: in the same project, ``ape test`` of one test using the plugin's fixtures (on anvils of
  its own): pytest's setup time of that test, which starts the pair and deploys the system (``livepeer``), funds
  the accounts and opens the isolation.

The cases after ``deploy_s`` run interleaved, after one discarded warm-up round; the 1-minute load average is
recorded next to every sample (the machine may be shared).

Run from the repository root::

    .venv/bin/python bench/user_wait.py [--runs 5]

Prints a table and writes ``bench/results-user-wait.json``.
"""

import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

from figures import timed, timing_main

from ape_livepeer_migration.testing.project import BECOME_ORCHESTRATOR, README_DEPLOY, copy_project, running_pair

REPO = Path(__file__).resolve().parents[1]
APE = str(Path(sys.executable).with_name("ape"))
RESULTS = REPO / "bench" / "results-user-wait.json"
DOWNSTREAM = REPO / "tests" / "outside_project"
#: A downstream test that does nothing but use the fixtures: its setup is theirs.
FIXTURE_TEST = "tests/test_with_fixtures.py::test_each_test_starts_from_the_deployment"
#: Ends the console session: whether test:1 is an active L1 orchestrator now.
ACTIVE = 'print("ACTIVE", bm.isActiveTranscoder(o.address))\nexit\n'
_SETUP_DURATION = re.compile(r"^([\d.]+)s setup\s", re.MULTILINE)

CASES = {
    "status_s": ["livepeer", "status", "--account", "test:1"],
    "migrate_dry_run_s": ["livepeer", "migrate", "--account", "test:1", "--dry-run"],
    "fixture_setup_s": ["test", FIXTURE_TEST, "-p", "no:cacheprovider", "-q", "--durations=0"],
}


def fixture_setup(output: str) -> float:
    """The setup time pytest reports (``--durations=0``) for the one test run."""
    (seconds,) = _SETUP_DURATION.findall(output)
    return float(seconds)


def measure(runs: int = 5) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory(prefix="user-wait-bench-") as scratch:
        project = Path(scratch) / "project"
        ports = copy_project(DOWNSTREAM, project)
        with running_pair(project, ports, env, ape=APE):
            deploy_load = os.getloadavg()[0]
            deploy_s, _ = timed([APE, *README_DEPLOY], project, env)
            _, console = timed([APE, "console"], project, env, input=BECOME_ORCHESTRATOR + ACTIVE)
            if "ACTIVE True" not in console.stdout:
                raise SystemExit(f"test:1 did not become an active orchestrator:\n{console.stdout}")
            samples: dict[str, list[dict]] = {name: [] for name in CASES}
            for round_number in range(runs + 1):
                for name, args in CASES.items():
                    load = os.getloadavg()[0]
                    elapsed, result = timed([APE, *args], project, env)
                    if name == "fixture_setup_s":
                        elapsed = fixture_setup(result.stdout)
                    if round_number > 0:
                        samples[name].append({"s": round(elapsed, 3), "load_1m": round(load, 2)})

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


if __name__ == "__main__":
    timing_main(__doc__, measure, RESULTS, runs=5)
