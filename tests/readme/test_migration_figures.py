"""The figures of the README session's migration do not depend on the migration's deadline.

The L1Migrator sets a migration's deadline when it is mined (its L1 timestamp plus ``MIGRATION_LIFETIME``), so each
run of the session has another one; a zero byte in it costs less calldata gas wherever the record is calldata. None
of the figures the session shows may follow it: the dry run's L1 gas and L2 gas limit (the L2 call is estimated with
a fixed deadline), the L1 gas of the migration and the ETH it leaves on L2.
"""

from __future__ import annotations

import shutil

from ape_livepeer_migration.session.livepeer import Livepeer
from ape_livepeer_migration.testing.rounds import next_round

LPT = 10**18


def test_the_migration_figures_are_the_same_for_every_deadline(chains, accounts, tmp_path):
    governor, orchestrator, operator = accounts[0], accounts[1], accounts[9]
    book = tmp_path / "local.json"
    lp = Livepeer.open(chains, book)
    s = lp.deploy(
        governor, operator=operator, genesis={orchestrator.address: 10_000 * LPT}, params={"round_length": 50}
    )
    bm, l1 = s.l1.bonding_manager, chains.l1
    next_round(l1, s.l1.rounds, orchestrator)  # the README's own steps up to its migration
    s.l1.token.approve(bm.address, 5_000 * LPT, sender=orchestrator)
    bm.bond(5_000 * LPT, orchestrator.address, sender=orchestrator)
    bm.transcoder(100_000, 500_000, sender=orchestrator)
    next_round(l1, s.l1.rounds, orchestrator)
    lifetime = s.l1_migrator.MIGRATION_LIFETIME()
    later = max(chain.provider.get_block("latest").timestamp for chain in chains.layers) + lifetime + 86_400
    base = later - later % 65_536 + 65_536  # its two low bytes zero
    deadlines = [base, base + 0x0100, base + 0x01, base + 0x1234, base + 0x5600, base + 0x78]
    figures = set()
    for n, deadline in enumerate(deadlines):
        with chains.isolated():
            copy = tmp_path / str(n) / "local.json"  # the relayer's journal with it: each run relays its own
            copy.parent.mkdir()
            shutil.copy(book, copy)
            run = Livepeer.open(chains, copy)
            l1.request("evm_setNextBlockTimestamp", [deadline - lifetime])
            plan, sent = run.migrate(orchestrator)
            assert sent.migration.deadline == deadline
            assert run.relay().delivered
            l2_eth = chains.l2.provider.get_balance(orchestrator.address)
            figures.add((plan.l1_gas, plan.l2_gas_limit, plan.retryable_value, sent.receipt.gas_used, l2_eth))
    assert len(figures) == 1, figures
