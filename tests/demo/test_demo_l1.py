"""`make demo INFLATION=l1`: the demo story with rewards minted on L1, as a user runs it (`ape run demo` with
LIVEPEER_DEMO_INFLATION=l1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ape_livepeer_migration.demo import ROUNDS_PER_L1_ROUND

ROOT = Path(__file__).resolve().parents[2]


def _ape_run_demo(inflation: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIVEPEER_DEMO_INFLATION": inflation}
    ape = Path(sys.executable).with_name("ape")
    return subprocess.run([str(ape), "run", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_l1_minting_demo_says_its_mode_and_reconciles():
    done = _ape_run_demo("l1")
    out = done.stdout
    assert done.returncode == 0, out[-4000:] + done.stderr[-4000:]
    assert "  rewards minted on L1 (--inflation l1): each L1 round" in out
    assert "L1 reward() by O2 now reverts: RewardsMintedForL2()" in out
    assert "relayer: L2 staked supply" in out and "L2 staked supply reported to the L1 stake oracle" in out
    assert out.count(" L2 supply unchanged ") == ROUNDS_PER_L1_ROUND  # reward() on L2 hands out, mints nothing
    for n in range(1, 7):
        assert f"PASS  {n} " in out
    assert "FAIL" not in out
    figures = {
        line[2:36].strip(): line[36:].strip() for line in out.splitlines() if line.startswith("  ") and "LPT" in line
    }
    assert figures["minted on L1 for shortfalls"] == figures["inflation minted on L2"] == "0 LPT"
    assert figures["sent to L2 by the L1 Minter"] == figures["received by the L2 Minter"] != "0 LPT"
    assert figures["handed out on L2 by reward()"] != "0 LPT"
    assert out.rstrip().endswith("RECONCILIATION PASSED")


def test_an_unknown_demo_mode_is_one_line():
    done = _ape_run_demo("l3")
    assert done.returncode != 0
    assert "LIVEPEER_DEMO_INFLATION: unknown inflation mode 'l3': choose l2 or l1" in done.stderr
