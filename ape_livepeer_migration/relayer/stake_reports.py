"""The relayer's stake reports: with L1 minting, the L2 staked supply sent to the L1 stake oracle when the figure
there has grown old.

The L1 Minter of an L1-minting system takes the oracle's figure only while it is fresh (``maxReportAge``); on a real
network governance-set reporters keep it so. On the local and fork pairs the relayer plays that part, as the
simulator's operator (a reporter by deployment): :class:`OracleReports` reports when the oracle holds no figure yet
or its figure is at least ``after`` seconds old (by default half of ``maxReportAge``, so that one missed pass does
not let it go stale).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System


class OracleReports:
    """:class:`~ape_livepeer_migration.relayer.core.StakeReports` of ``system``'s L2 stake oracle, sent by
    ``reporter`` (one of the oracle's reporters)."""

    def __init__(self, system: System, reporter: AccountAPI, after: int | None = None):
        self.system = system
        self.reporter = reporter
        self.after = after

    @classmethod
    def of(cls, system: System, reporter: AccountAPI) -> OracleReports | None:
        """The stake reports of ``system`` as ``reporter`` when the system mints on L1 and ``reporter`` is one of its
        oracle's reporters; else ``None``: L2 minting needs no report, and an account governance did not make a
        reporter cannot send one."""
        if system.inflation != "l1" or not system.l1.stake_oracle.isReporter(reporter.address):
            return None
        return cls(system, reporter)

    def due(self) -> bool:
        """Whether the oracle holds no figure yet, or one at least ``after`` seconds old; never while the L2 has
        no block after the reported one or its latest block is timestamped more than the oracle's
        ``MAX_CLOCK_SKEW`` after L1 time (the oracle refuses both)."""
        oracle = self.system.l1.stake_oracle
        last = oracle.lastL2Block()
        l1, l2 = (chain.provider.get_block("latest") for chain in self.system.chains.layers)
        if l2.number <= last or l2.timestamp > l1.timestamp + oracle.MAX_CLOCK_SKEW():
            return False
        if last == 0:
            return True
        after = self.after if self.after is not None else oracle.maxReportAge() // 2
        return oracle.reportAge() >= after

    def report_if_due(self) -> int | None:
        from ape_livepeer_migration.bridge.oracle import report_l2_stake

        if not self.due():
            return None
        report_l2_stake(self.system, self.reporter)
        return self.system.l1.stake_oracle.stakedSupply()
