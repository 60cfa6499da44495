"""The whole life of migrated stake, every cross-chain message carried by the relayer: migrate to L2, earn L2
rewards, unbond, withdraw and bridge back to L1; supply accounting checked on both layers throughout."""

from __future__ import annotations

import pytest
from shared import relayer, run_until_idle  # noqa: F401 (relayer: a fixture)

from ape_livepeer_migration.bridge.migration import (
    migrate,
    migrate_with_signature,
    sign_migration,
    signed_migration_for,
)
from ape_livepeer_migration.bridge.system import switch_l1_inflation_off
from ape_livepeer_migration.bridge.transfers import bridge_out
from ape_livepeer_migration.testing.rounds import next_rounds


@pytest.fixture
def sim(system):
    """The system's simulator, which the shared ``relayer`` fixture relays through."""
    return system.sim


def supplies(s):
    """(L1 supply, L2 supply, escrow)."""
    return s.l1.token.totalSupply(), s.l2_token.totalSupply(), s.l1.token.balanceOf(s.bridge.l1_escrow.address)


def test_migrate_earn_and_return(chains, system, people, relayer):
    s, p = system, people
    l1_supply, l2_supply, escrow = supplies(s)
    assert (l2_supply, escrow) == (0, 0)
    stakes = {who: s.l1.bonding_manager.pendingStake(who.address, s.l1.rounds.currentRound()) for who in (p.o1, p.d1)}
    switch_l1_inflation_off(s, p.governor)
    migrate(s, p.o1)
    migrate(s, p.d1)
    signed = signed_migration_for(s, p.d2.address, p.d2.address, p.o1.address, deadline=2**40)
    stakes[p.d2] = s.l1.bonding_manager.pendingStake(p.d2.address, s.l1.rounds.currentRound())
    migrate_with_signature(s, p.relayer, signed, sign_migration(s, p.d2, signed))

    reports = run_until_idle(relayer)
    assert sum(len(r.delivered) for r in reports) == 3 and not any(r.failed for r in reports)
    bm2 = s.l2_bonding_manager
    for who, stake in stakes.items():
        d = bm2.getDelegator(who.address)
        assert (d.delegateAddress, d.bondedAmount) == (p.o1.address, stake)
    migrated = sum(stakes.values())
    assert supplies(s) == (l1_supply, migrated, migrated)

    # L2 rewards: minted on L2 only (L1 inflation is off)
    next_rounds(s, layers=("l2",))
    reward = [e.amount for e in bm2.reward(sender=p.o1).decode_logs(bm2.unwrapped.Reward)]
    assert len(reward) == 1 and reward[0] > 0
    assert supplies(s) == (l1_supply, migrated + reward[0], migrated)

    # d1 leaves: unbond on L2, wait the unbonding period, withdraw, bridge back to L1 (burn on L2, release on L1)
    r = s.l2_rounds.currentRound()
    d1_stake = bm2.pendingStake(p.d1.address, r)
    assert d1_stake > stakes[p.d1]  # it earned part of the reward
    bm2.unbond(d1_stake, sender=p.d1)
    for _ in range(bm2.unbondingPeriod()):
        next_rounds(s, layers=("l2",))
    bm2.withdrawStake(0, sender=p.d1)
    assert s.l2_token.balanceOf(p.d1.address) == d1_stake
    l1_balance = s.l1.token.balanceOf(p.d1.address)
    bridge_out(s.bridge, p.d1, p.d1.address, d1_stake)
    reports = run_until_idle(relayer)
    assert sum(len(r.executed) for r in reports) == 1
    assert s.l1.token.balanceOf(p.d1.address) == l1_balance + d1_stake
    # invariant 3: L1 supply + L2 supply - escrow = initial supply + inflation minted on either layer
    l1_after, l2_after, escrow_after = supplies(s)
    assert l1_after + l2_after - escrow_after == l1_supply + reward[0]
    assert escrow_after == max(migrated - d1_stake, 0)
