"""What the bench scripts share: a transaction's gas read from its receipt, gas figures printed as a table and
written as JSON, a command's wall time, and the command line of the timing scripts."""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


def gas_of(chain, tx_hash) -> int:
    """``gasUsed`` of transaction ``tx_hash`` on ``chain``, from its raw receipt."""
    return int(chain.provider.make_request("eth_getTransactionReceipt", [str(tx_hash)])["gasUsed"], 16)


def report(results: dict[str, int | float], out: Path) -> None:
    """Print ``results`` as a table sorted by name and write them to ``out`` as JSON."""
    width = max(len(name) for name in results)
    print(f"{'figure':<{width}}  {'value':>12}")
    for name in sorted(results):
        print(f"{name:<{width}}  {results[name]:>12,}")
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out}")


def timed(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], input: str | None = None
) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``command`` (``input`` on its stdin) to its end; its wall time in seconds and its result. A failed
    command stops the bench."""
    start = time.perf_counter()
    result = subprocess.run(
        list(command), cwd=cwd, env=dict(env), input=input, capture_output=True, text=True, timeout=600
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed, result


def timing_main(doc: str, measure: Callable[[int], dict], results: Path, runs: int) -> None:
    """The command line of a timing script: ``--runs N`` (default ``runs``) timed runs per case after one warm-up;
    ``measure(N)``'s figures are printed by it and written to ``results``."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=runs, help="timed runs per case (after one warm-up)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    results.write_text(json.dumps(measure(args.runs), indent=2) + "\n")
    print(f"wrote {results}")
