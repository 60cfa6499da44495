"""bench/gas_l1.py runs end to end and writes every figure (the figures themselves are not judged)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_CALLS = {
    "bond",
    "bond.add",
    "bond.self",
    "transcoder",
    "unbond",
    "claimEarnings",
    "reward.first",
    "reward.steady",
    "reward.steady.max",
    "withdrawFees",
    "fundDeposit",
    "fundReserve",
    "redeemWinningTicket",
    "redeemWinningTicket.first",
    "redeemWinningTicket.reserve",
    "unlock",
    "withdraw",
    "initializeRound",
    "anchorRound",
}


def test_gas_bench_writes_all_figures(tmp_path):
    out = tmp_path / "results-l1.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gas_l1.py"), "--out", str(out), "--steady-rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert set(figures) == {f"gas.l1.{call}" for call in EXPECTED_CALLS}
    assert all(isinstance(gas, int) and gas > 21_000 for gas in figures.values())
    for key, gas in figures.items():
        assert key in result.stdout and f"{gas:,}" in result.stdout
