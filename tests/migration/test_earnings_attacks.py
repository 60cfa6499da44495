"""End to end through the migration path: an L2 orchestrator that unbonds all but 1 wei before each reward() call
(to multiply its earnings factor) can neither lock its delegators in nor make a victim's migration ticket fail."""

from __future__ import annotations

from shared import LPT

from ape_livepeer_migration.arbitrum.simulator import DeliveryStatus
from ape_livepeer_migration.bridge.migration import (
    migrate,
    migrate_unbonding_locks,
    migration_gas_params,
    planned_migration,
)
from ape_livepeer_migration.testing.rounds import next_rounds


def _event(chain, tx, name):
    """The one ``name`` event of receipt ``tx`` (decoded on its own chain)."""
    with chain:
        (event,) = [e for e in tx.events if e.event_name == name]
    return event


def l2_round(s):
    return s.l2_rounds.currentRound()


def inflate_factor(s, attacker):
    """``attacker`` (an active L2 orchestrator) unbonds all but 1 wei of its stake, then calls reward()."""
    bm = s.l2_bonding_manager
    stake = bm.pendingStake(attacker.address, l2_round(s))
    if stake > 1:
        bm.unbond(stake - 1, sender=attacker)
    reward = _event(s.chains.l2, bm.reward(sender=attacker), "Reward").amount
    t = bm.getTranscoder(attacker.address)
    # The reward is minted on the stake still there (and not joining), not on the stake at round start.
    mintable, total = s.l2_minter.currentMintableTokens(), bm.currentRoundTotalActiveStake()
    assert reward <= mintable * (t.delegatedAmount - reward - t.joiningAmount) // total
    return reward


def become_l2_orchestrator(s, deliver, who):
    """``who`` migrates its L1 stake to itself on L2 (registered there; active from the next L2 round)."""
    assert deliver(migrate(s, who, l2_orchestrator=who.address).receipt).status == DeliveryStatus.REDEEMED


def unbond_and_withdraw_on_l2(s, who, at_least):
    """``who`` unbonds all its L2 stake (at least ``at_least``) and withdraws it after the unbonding period."""
    bm, token = s.l2_bonding_manager, s.l2_token
    stake = bm.pendingStake(who.address, l2_round(s))
    assert stake >= at_least
    bm.claimEarnings(sender=who)
    lock = _event(s.chains.l2, bm.unbond(stake, sender=who), "Unbond").unbondingLockId
    assert bm.getDelegator(who.address).bondedAmount == 0
    for _ in range(bm.unbondingPeriod()):
        next_rounds(s, ("l2",))
    balance = token.balanceOf(who.address)
    bm.withdrawStake(lock, sender=who)
    assert token.balanceOf(who.address) == balance + stake


def test_delegator_of_a_factor_inflating_l2_orchestrator_unbonds_and_withdraws(chains, system, people, deliver):
    """d3 migrates to Mallory's L2 orchestrator in two parts (its stake, then an unbonding lock) while Mallory
    unbonds to 1 wei and calls reward() each round; d3 then holds earning and joining stake, and still gets out."""
    s, p = system, people
    become_l2_orchestrator(s, deliver, p.outsider)
    lock = _event(s.chains.l1, s.l1.bonding_manager.unbond(100 * LPT, sender=p.d3), "Unbond").unbondingLockId
    next_rounds(s)
    first = migrate(s, p.d3, l2_orchestrator=p.outsider.address)
    assert deliver(first.receipt).status == DeliveryStatus.REDEEMED
    inflate_factor(s, p.outsider)
    next_rounds(s)
    second = migrate_unbonding_locks(s, p.d3, [lock], p.outsider.address)
    assert deliver(second.receipt).status == DeliveryStatus.REDEEMED
    inflate_factor(s, p.outsider)
    next_rounds(s)
    unbond_and_withdraw_on_l2(s, p.d3, first.migration.amount + second.migration.amount)
    unbond_and_withdraw_on_l2(s, p.outsider, 1)


def test_migration_ticket_to_a_factor_inflating_orchestrator_stakes(chains, system, people, deliver):
    """Mallory seeds d1's L2 address with 1 wei in each of two rounds on her L2 orchestrator (naming d1 as the
    L2 delegator of two 1-wei L1 locks) and unbonds to 1 wei before each reward(); d1's own migration ticket to
    her then auto-redeems, and d1's stake lands and can leave. (Whether the seeds delegate anything is the L2
    Migrator's rule; only d1's own stake is asserted.)"""
    s, p = system, people
    l1bm = s.l1.bonding_manager
    seeds = [_event(s.chains.l1, l1bm.unbond(1, sender=p.outsider), "Unbond").unbondingLockId for _ in range(2)]
    gas = migration_gas_params(s, planned_migration(s, p.d1.address, p.d1.address, p.outsider.address), gas_margin=3.0)
    become_l2_orchestrator(s, deliver, p.outsider)
    next_rounds(s)
    for seed in seeds:
        deliver(migrate_unbonding_locks(s, p.outsider, [seed], p.outsider.address, l2_delegator=p.d1.address).receipt)
        inflate_factor(s, p.outsider)
        next_rounds(s)
    victim = migrate(s, p.d1, l2_orchestrator=p.outsider.address, gas=gas)
    assert victim.migration.amount > 0
    assert deliver(victim.receipt).status == DeliveryStatus.REDEEMED
    d = s.l2_bonding_manager.getDelegator(p.d1.address)
    assert d.delegateAddress == p.outsider.address
    assert d.bondedAmount >= victim.migration.amount
    next_rounds(s)
    unbond_and_withdraw_on_l2(s, p.d1, victim.migration.amount)
