"""Pre-seeding someone else's L2 address (issue #12, class 1), end to end through the real migration path: L1
transaction, relayed ticket, L2 state.

Mallory keeps 1 wei on L1 and migrates it naming a victim's L2 address, with herself as the orchestrator, by every
L1 entry point (``migrate``, ``migrateWithSignature``, ``migrateUnbondingLocks``), before the victim migrates,
after it, or with both L1 transactions sent before either ticket executes (a front-run, delivered in either order).
The victim (an orchestrator or a delegator, by every entry point it can use) must end exactly as if Mallory had
done nothing: an orchestrator registered, self-delegated, with its L1 terms and all its stake; a delegator with the
orchestrator it chose and all its stake. Mallory's wei waits on L2 for the victim to claim it, if it ever does.
"""

from __future__ import annotations

import pytest
from ape import project
from shared import LPT

from ape_livepeer_migration.bridge.migration import (
    migrate,
    migrate_unbonding_locks,
    migrate_with_signature,
    sign_migration,
    signed_migration_for,
)
from ape_livepeer_migration.testing.reverts import reverts

FAR = 2**40  # a signature deadline far in the future
ORDERS = ("attacker-first", "victim-first", "front-run, attacker's ticket first", "front-run, victim's ticket first")


def l1_stake(s, who):
    return s.l1.bonding_manager.pendingStake(who.address, s.l1.rounds.currentRound())


def l2_delegation(s, who):
    d = s.l2_bonding_manager.getDelegator(who.address)
    return d.delegateAddress, d.bondedAmount


def send_attack(s, p, victim, how):
    """Mallory's L1 transaction: 1 wei of hers, for ``victim``'s L2 address, delegated to herself."""
    bm = s.l1.bonding_manager
    if how == "locks":
        bm.unbond(1, sender=p.outsider)
        lock = bm.getDelegator(p.outsider.address).nextUnbondingLockId - 1
        return migrate_unbonding_locks(s, p.outsider, [lock], p.outsider.address, l2_delegator=victim.address)
    bm.unbond(l1_stake(s, p.outsider) - 1, sender=p.outsider)
    assert l1_stake(s, p.outsider) == 1
    if how == "signature":
        m = signed_migration_for(s, p.outsider.address, victim.address, p.outsider.address, FAR)
        return migrate_with_signature(s, p.relayer, m, sign_migration(s, p.outsider, m))
    return migrate(s, p.outsider, l2_delegator=victim.address, l2_orchestrator=p.outsider.address)


def send_victim(s, p, victim, orchestrator, how):
    """The victim's L1 transaction, to its own L2 address; returns it and the LPT it moves."""
    bm = s.l1.bonding_manager
    if how == "locks":
        amount = 100 * LPT
        bm.unbond(amount, sender=victim)
        lock = bm.getDelegator(victim.address).nextUnbondingLockId - 1
        return migrate_unbonding_locks(s, victim, [lock], orchestrator.address), amount
    amount = l1_stake(s, victim)
    if how == "signature":
        m = signed_migration_for(s, victim.address, victim.address, orchestrator.address, FAR)
        return migrate_with_signature(s, p.relayer, m, sign_migration(s, victim, m)), amount
    return migrate(s, victim, l2_orchestrator=orchestrator.address), amount


def run(s, p, deliver, order, attack, victim_step):
    """Send and deliver both migrations in ``order``; returns (attack, victim's migration, its amount)."""
    if order == "attacker-first":
        a = attack()
        assert deliver(a.receipt).status.value == "redeemed"
        v, amount = victim_step()
        assert deliver(v.receipt).status.value == "redeemed"
    elif order == "victim-first":
        v, amount = victim_step()
        assert deliver(v.receipt).status.value == "redeemed"
        a = attack()
        assert deliver(a.receipt).status.value == "redeemed"
    else:  # Mallory front-runs: both L1 transactions are mined before either ticket executes on L2
        a = attack()
        v, amount = victim_step()
        first, second = (a, v) if order.endswith("attacker's ticket first") else (v, a)
        assert deliver(first.receipt).status.value == "redeemed"
        assert deliver(second.receipt).status.value == "redeemed"
    return a, v, amount


def check_attack_waits_for_victim(s, p, victim, attack):
    """Mallory's wei is claimable by the victim only; Mallory's own L2 address got nothing either."""
    parked = s.l2_migrator.parked(attack.migration.id)
    assert (parked.l2Delegator, parked.amount) == (victim.address, 1)
    with reverts(project.L2Migrator.NotClaimable, id=attack.migration.id, account=p.outsider.address):
        s.l2_migrator.claimStake(attack.migration.id, p.outsider.address, sender=p.outsider)
    assert l2_delegation(s, p.outsider) == ("0x" + "00" * 20, 0)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("attack_how", ("migrate", "signature", "locks"))
@pytest.mark.parametrize("victim_how", ("migrate", "signature"))
def test_orchestrator_cannot_be_pre_seeded(chains, system, people, deliver, order, attack_how, victim_how):
    s, p = system, people
    o1 = p.o1
    terms = s.l1.bonding_manager.getTranscoder(o1.address)
    attack, _, amount = run(
        s,
        p,
        deliver,
        order,
        lambda: send_attack(s, p, o1, attack_how),
        lambda: send_victim(s, p, o1, o1, victim_how),
    )
    bm = s.l2_bonding_manager
    assert l2_delegation(s, o1) == (o1.address, amount)  # self-delegated, with exactly its own stake
    assert bm.isRegisteredTranscoder(o1.address)
    t = bm.getTranscoder(o1.address)
    assert (t.rewardCut, t.feeShare) == (terms.rewardCut, terms.feeShare) == (100_000, 500_000)
    assert t.delegatedAmount == amount
    assert bm.getFirstTranscoderInPool() == o1.address  # in the active set, largest stake
    check_attack_waits_for_victim(s, p, o1, attack)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("attack_how", ("migrate", "signature", "locks"))
@pytest.mark.parametrize("victim_how", ("migrate", "signature", "locks"))
def test_delegator_cannot_be_pre_seeded(chains, system, people, deliver, order, attack_how, victim_how):
    s, p = system, people
    d1, chosen = p.d1, p.o2  # d1 picks o2 on L2 (its L1 orchestrator o1 stays)
    attack, _, amount = run(
        s,
        p,
        deliver,
        order,
        lambda: send_attack(s, p, d1, attack_how),
        lambda: send_victim(s, p, d1, chosen, victim_how),
    )
    assert l2_delegation(s, d1) == (chosen.address, amount)  # its own choice, exactly its own stake
    assert s.l2_bonding_manager.getTranscoder(p.outsider.address).delegatedAmount == 0
    check_attack_waits_for_victim(s, p, d1, attack)


def test_victim_may_claim_the_gift_like_its_own_bond(chains, system, people, deliver):
    """After the attack, the pre-seeded wei is the victim's to take or leave: claiming it is the victim's own
    ``bond``, here adding it to the orchestrator's self-stake."""
    s, p = system, people
    attack = send_attack(s, p, p.o1, "migrate")
    deliver(attack.receipt)
    sent, amount = send_victim(s, p, p.o1, p.o1, "migrate")
    deliver(sent.receipt)
    s.l2_migrator.claimStake(attack.migration.id, p.o1.address, sender=p.o1)
    assert l2_delegation(s, p.o1) == (p.o1.address, amount + 1)
    assert s.l2_bonding_manager.isRegisteredTranscoder(p.o1.address)
    with reverts(project.L2Migrator.NotClaimable, id=attack.migration.id, account=p.o1.address):
        s.l2_migrator.claimStake(attack.migration.id, p.o1.address, sender=p.o1)
