"""audit/check_slither.py: the gate of `make audit` over Slither's findings."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_slither", ROOT / "audit" / "check_slither.py")
check_slither = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_slither)

FINDING = {
    "check": "reentrancy-events",
    "description": "Reentrancy in L1Migrator._migrateStake(address) (contracts/bridge/L1Migrator.sol#243-261):\n"
    "\tExternal calls: ...",
}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_key_has_no_line_numbers():
    moved = dict(FINDING, description=FINDING["description"].replace("#243-261", "#250-270"))
    assert check_slither.finding_key(FINDING) == "reentrancy-events Reentrancy in L1Migrator._migrateStake(address):"
    assert check_slither.finding_key(moved) == check_slither.finding_key(FINDING)


@pytest.mark.parametrize("triaged, code", [(True, 0), (False, 1)])
def test_untriaged_finding_fails(tmp_path, capsys, triaged, code):
    report = write(tmp_path, "slither.json", {"success": True, "results": {"detectors": [FINDING]}})
    keys = [check_slither.finding_key(FINDING)] if triaged else ["timestamp something else"]
    triage = write(tmp_path, "triage.json", {"findings": [{"key": k, "reason": "why"} for k in keys]})
    assert check_slither.main(["check_slither.py", report, triage]) == code
    out = capsys.readouterr().out
    assert ("UNTRIAGED" in out) is (not triaged)
    assert ("stale triage entry" in out) is (not triaged)


def test_stale_triage_entry_fails(tmp_path, capsys):
    report = write(tmp_path, "slither.json", {"success": True, "results": {"detectors": [FINDING]}})
    keys = [check_slither.finding_key(FINDING), "reentrancy-benign Reentrancy in Gone.function():"]
    triage = write(tmp_path, "triage.json", {"findings": [{"key": k, "reason": "why"} for k in keys]})
    assert check_slither.main(["check_slither.py", report, triage]) == 1
    assert "stale triage entry (no such finding now): reentrancy-benign Reentrancy in Gone" in capsys.readouterr().out


def test_failed_slither_run_fails(tmp_path):
    report = write(tmp_path, "slither.json", {"success": False, "error": "compile failed"})
    assert check_slither.main(["check_slither.py", report, write(tmp_path, "t.json", {"findings": []})]) == 2


def test_project_triage_entries_have_reasons():
    triage = json.loads((ROOT / "audit" / "slither-triage.json").read_text())
    assert triage["findings"] and all(entry["reason"].strip() for entry in triage["findings"])
