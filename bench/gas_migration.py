"""Gas of stake migration and of L2 reward(), measured on the local L1 + L2 with the Arbitrum simulator.

Usage (from the project root, after ``ape compile``)::

    python bench/gas_migration.py

Prints one line per measurement and writes ``bench/results-migration.json``:

* ``l1.migrate.*``: the user's one L1 transaction (migrateStake + escrow + retryable creation), for the
  deployment's first migration (``first``: an orchestrator without delegators, paying for the counters every later
  migration only updates), then an orchestrator with delegators and this round's reward, a delegator, two
  unbonding locks, and a relayer-submitted signed migration;
* ``l2.finalize.*``: gas used by the L2 call the retryable makes (``L2Migrator.finalizeMigration``: mint through
  the L2 Minter, ``stakeFor`` or ``migrateTranscoder``), read from a call trace of the simulated delivery (the
  simulator's own bookkeeping around it is excluded);
* ``l2.reward.first`` / ``l2.reward.steady``: an orchestrator's first reward() on L2 and the mean of its next
  rounds (each round initialized, nothing else happening); ``l2.reward.steady.max`` the largest of those;
* ``l2.reward.opening_round``: a reward() in a round nobody initialized, which initializes it in the same
  transaction; ``l2.reward.initialize_then_reward``: the same round opened the other way, a separate
  ``initializeRound()`` transaction then reward() (the sum of the two).
"""

from __future__ import annotations

import statistics
from pathlib import Path

from figures import report

RESULTS = Path(__file__).with_name("results-migration.json")
LPT = 10**18
ROUND_LENGTH = 40
STEADY_ROUNDS = 5


def _call_gas(chains, tx_hash: str, to: str) -> int:
    """gasUsed of the first call frame to ``to`` in L2 transaction ``tx_hash``."""
    trace = chains.l2.provider.make_request("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}])
    stack = [trace]
    while stack:
        frame = stack.pop(0)
        if frame.get("to", "").lower() == to.lower():
            value = frame["gasUsed"]
            return int(value, 16) if isinstance(value, str) else int(value)
        stack.extend(frame.get("calls", []))
    raise LookupError(f"no call to {to} in {tx_hash}")


def measure() -> dict:
    from ape import accounts

    from ape_livepeer_migration.arbitrum import simulator as sim_api
    from ape_livepeer_migration.bridge.migration import (
        migrate,
        migrate_unbonding_locks,
        migrate_with_signature,
        sign_migration,
        signed_migration_for,
    )
    from ape_livepeer_migration.bridge.system import deploy_system
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.testing.actors import register_orchestrator
    from ape_livepeer_migration.testing.rounds import mine_to_next_round, next_round

    t = accounts.test_accounts
    gov, o1, o2, d1, d2, d3, relayer, operator = t[0], t[2], t[3], t[4], t[5], t[6], t[7], t[9]
    results: dict[str, int | float] = {}
    with TwoChains.local() as chains:
        s = deploy_system(
            chains,
            gov,
            operator=operator,
            genesis={a.address: 100_000 * LPT for a in (o1, o2, d1, d2, d3)},
            l1_params={"round_length": ROUND_LENGTH},
            l2_params={"round_length": ROUND_LENGTH},
        )
        bm, l2_migrator = s.l1.bonding_manager, str(s.l2_migrator.address)
        for a in (o1, o2, d1, d2, d3):
            s.l1.token.approve(bm.address, 2**256 - 1, sender=a)
        next_round(chains.l1, s.l1.rounds, gov)
        next_round(chains.l2, s.l2_rounds, gov)
        for o, stake in ((o1, 5_000), (o2, 3_000)):
            register_orchestrator(bm, o, stake * LPT, reward_cut=100_000, fee_share=500_000)
        for d in (d1, d2, d3):
            bm.bond(500 * LPT, o1, sender=d)
        next_round(chains.l1, s.l1.rounds, gov)
        bm.reward(sender=o1)
        bm.unbond(100 * LPT, sender=d2)
        bm.unbond(100 * LPT, sender=d2)

        def record(name, sent):
            results[f"l1.migrate.{name}"] = int(sent.receipt.gas_used)
            delivery = sim_api.deliver_retryable(
                s.sim, *sim_api.fetch_retryables(s.sim, sent.receipt.block_number, sent.receipt.block_number)
            )
            assert delivery.status == sim_api.DeliveryStatus.REDEEMED, delivery
            results[f"l2.finalize.{name}"] = _call_gas(chains, delivery.l2_tx_hash, l2_migrator)
            results[f"l2.finalize.{name}.gas_limit_estimated"] = sent.gas.gas_limit

        record("first", migrate(s, o2))
        record("orchestrator", migrate(s, o1))
        record("delegator", migrate(s, d1))
        record("unbonding_locks_2", migrate_unbonding_locks(s, d2, [0, 1], l2_orchestrator=o1.address))
        signed = signed_migration_for(s, d3.address, d3.address, o1.address, deadline=2**40)
        record("signed_by_relayer", migrate_with_signature(s, relayer, signed, sign_migration(s, d3, signed)))

        l2_bm = s.l2_bonding_manager
        next_round(chains.l2, s.l2_rounds, gov)
        results["l2.reward.first"] = int(l2_bm.reward(sender=o1).gas_used)
        steady = []
        for _ in range(STEADY_ROUNDS):
            next_round(chains.l2, s.l2_rounds, gov)
            steady.append(int(l2_bm.reward(sender=o1).gas_used))
        results["l2.reward.steady"] = int(statistics.mean(steady))
        results["l2.reward.steady.max"] = max(steady)
        mine_to_next_round(chains.l2, s.l2_rounds)
        opened = int(s.l2_rounds.initializeRound(sender=o1).gas_used)
        results["l2.reward.initialize_then_reward"] = opened + int(l2_bm.reward(sender=o1).gas_used)
        mine_to_next_round(chains.l2, s.l2_rounds)
        results["l2.reward.opening_round"] = int(l2_bm.reward(sender=o1).gas_used)
    return results


def main() -> None:
    report(measure(), RESULTS)


if __name__ == "__main__":
    main()
