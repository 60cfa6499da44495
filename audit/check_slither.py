"""Fail on any Slither finding that audit/slither-triage.json does not explain.

Usage: python audit/check_slither.py SLITHER_JSON [TRIAGE_JSON]

A finding's key is its detector (``check``) and the first line of its description with every source location
``(path#12-34)`` removed, e.g. ``reentrancy-events Reentrancy in L1Migrator._migrateStake(address,...)``: it names
the function or variable, not line numbers, so unrelated edits above it keep the triage valid. Exit 0 when every
finding has a triage entry and every entry a finding; 1 when a finding has none (printed with its key, ready to paste
into the triage file) or an entry matches nothing (stale: a fix removed the finding, so its reason no longer
describes the code and goes); 2 when Slither itself failed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_LOCATION = re.compile(r"\s*\([^()]*#\d+(?:-\d+)?\)")
DEFAULT_TRIAGE = Path(__file__).with_name("slither-triage.json")


def finding_key(finding: dict) -> str:
    """The stable key of one Slither detector result."""
    first_line = finding["description"].strip().splitlines()[0]
    return f"{finding['check']} {_LOCATION.sub('', first_line).strip()}"


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    report = json.loads(Path(argv[1]).read_text())
    if not report.get("success"):
        print(f"slither failed: {report.get('error')}", file=sys.stderr)
        return 2
    triage_path = Path(argv[2]) if len(argv) == 3 else DEFAULT_TRIAGE
    triage = json.loads(triage_path.read_text())["findings"]
    explained = {entry["key"] for entry in triage}
    keys = [finding_key(f) for f in report.get("results", {}).get("detectors", [])]
    missing = sorted({k for k in keys if k not in explained})
    stale = sorted(explained - set(keys))
    for key in stale:
        print(f"stale triage entry (no such finding now): {key}")
    for key in missing:
        print(f"UNTRIAGED: {key}")
    print(
        f"slither: {len(keys)} findings, {len(set(keys))} distinct keys, {len(missing)} untriaged, {len(stale)} stale"
    )
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
