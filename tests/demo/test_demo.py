"""The demo story end to end (ape_livepeer_migration.demo) and `ape run demo` as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ape_livepeer_migration.bridge.codec import Kind
from ape_livepeer_migration.demo import (
    LPT,
    TICKET_FACE_VALUE,
    check_stakes,
    delegators_of,
    events,
    reconcile,
    run,
    verdict,
)
from ape_livepeer_migration.relayer.journal import Direction, Status

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def story(two_chains, tmp_path_factory):
    """The whole story, run once on this worker's chains; both chains are restored afterwards."""
    with two_chains.isolated():
        lines: list[str] = []
        scenario, reconciliation = run(two_chains, tmp_path_factory.mktemp("journal"), say=lines.append)
        yield scenario, reconciliation, lines


def test_reconciliation_passes_every_invariant(story):
    _, reconciliation, lines = story
    assert [c.name[0] for c in reconciliation.checks] == ["1", "2", "3", "4", "5", "f"]
    failed = [f"{c.name}: {c.detail}" for c in reconciliation.checks if not c.passed]
    assert not failed, "\n".join(lines)
    assert reconciliation.passed
    said: list[str] = []
    assert verdict(reconciliation, said.append) == 0 and said == ["RECONCILIATION PASSED"]


def test_the_story_happened_on_chain(story):
    s, reconciliation, _ = story
    f = reconciliation.figures
    system = s.system
    # rewards and tickets on L1, inflation then on L2 only
    assert f["inflation minted on L1"] > 0 and f["inflation minted on L2"] > 0
    assert s.l1_reward_blocked
    assert not s.l1.minter.isMintingDelegate(s.l1.bonding_manager.address)
    assert len(s.l2_reward_gas) == 2 and all(g > 0 for g in s.l2_reward_gas)
    assert (
        s.tickets_won == 9 and s.tickets_signed >= 9 and s.fees_redeemed == 9 * TICKET_FACE_VALUE
    )  # deposit covers all
    assert 0 < s.fees_withdrawn <= s.fees_redeemed
    # all four kinds of migration, one of them submitted by the relayer account for a signer
    kinds = [e.kind for e in events(s.chains.l1, system.l1_migrator, "MigrationInitiated", system.sim.l1_deploy_block)]
    assert set(kinds) == {Kind.DELEGATOR, Kind.ORCHESTRATOR, Kind.UNBONDING_LOCKS}
    assert system.l1_migrator.nonces(delegators_of(s.cast, 1)[1].address) == 1
    assert system.l2_migrator.migrationsFinalized() == system.l1_migrator.migrationCount() == len(kinds) == 11
    # the exit needed mint-on-shortfall, and only for what L2 inflation added
    assert 0 < f["minted on L1 for shortfalls"] <= f["inflation minted on L2"]
    assert f["escrow"] == 0 and f["L2 supply"] < LPT // 10**6  # rounding dust of reward shares
    # the relayer journaled every message as finished
    l1_to_l2 = s.relayer.status(Direction.L1_TO_L2)
    l2_to_l1 = s.relayer.status(Direction.L2_TO_L1)
    assert len(l1_to_l2) == 13 and {r.status for r in l1_to_l2} == {Status.DELIVERED}
    # one withdrawal of the bridger's round trip, then one per L2 holder leaving
    assert len(l2_to_l1) == 1 + len(s.chosen_orchestrator) and {r.status for r in l2_to_l1} == {Status.DONE}


def test_reconciliation_reports_a_broken_invariant(chains, story):
    """LPT sent straight into the escrow is backed by no deposit: invariants 1 and 3 must FAIL."""
    s, _, _ = story
    s.l1.token.transfer(s.system.bridge.l1_escrow.address, LPT, sender=s.cast.bridger)
    broken = reconcile(s)
    outcome = {c.name[0]: c.passed for c in broken.checks}
    assert outcome == {"1": False, "2": True, "3": False, "4": True, "5": True, "f": True}
    assert not broken.passed
    assert any(line.startswith("  FAIL  1") for line in broken.lines())
    said: list[str] = []
    assert verdict(broken, said.append) == 1
    assert said == [f"RECONCILIATION FAILED: {broken.checks[0].name}; {broken.checks[2].name}"]


def test_ape_run_demo_exits_zero():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ape = Path(sys.executable).with_name("ape")
    done = subprocess.run([str(ape), "run", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    for n in range(1, 6):
        assert f"PASS  {n} " in done.stdout
    assert "PASS  fees: " in done.stdout
    assert "FAIL" not in done.stdout
    assert done.stdout.rstrip().endswith("RECONCILIATION PASSED")


def test_stake_check_sees_stake_that_no_longer_matches(story):
    """Invariant 4 passed when it was checked (before the exit); checked again now that everyone unbonded and left
    L2, no L2 stake equals what was migrated any more, and the check says so."""
    s, _, _ = story
    assert s.stake_check is not None and s.stake_check[0]
    passed, detail = check_stakes(s)
    assert not passed and "holds 0 on L2, less than the" in detail
