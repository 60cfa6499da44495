"""The L2 stake oracle of the L1-minting mode: reading the L2 staked supply and reporting it to L1.

::

    receipt = report_l2_stake(system, reporter)   # reads the L2 now, sends L2StakeOracle.report on L1

The L1 Minter steps inflation by the staked share of both layers when an L1 round starts, and mints the round only
while the oracle's reading is fresh (at most ``maxReportAge`` old), so a reporter reports more often than that: a
few times per L1 round. Only governance-appointed reporters may report (``addReporter``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ape_livepeer_migration._eth import function_selector, hex_bytes, hex_text, rpc_int
from ape_livepeer_migration.exceptions import LivepeerError

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI

    from ape_livepeer_migration.bridge.system import System


#: What a system that mints on L2 lacks for a stake report (:func:`minting_on_l1`).
STAKE_ORACLE = "stake oracle to report to"


@dataclass(frozen=True)
class StakeReading:
    """The L2 BondingManager's total bonded LPT as of one L2 block."""

    staked_supply: int
    l2_block: int
    l2_timestamp: int


def read_l2_stake(system: System) -> StakeReading:
    """The L2 staked supply (the L2 BondingManager's ``getTotalBonded()``) read at the L2's latest block, with that
    block's number and timestamp: the three values a report carries."""
    l2 = system.chains.l2
    block = l2.request("eth_getBlockByNumber", ["latest", False])
    call = {
        "to": str(system.l2_bonding_manager.address),
        "data": hex_text(function_selector("getTotalBonded()")),
    }
    staked = int.from_bytes(hex_bytes(l2.request("eth_call", [call, block["number"]])), "big")
    return StakeReading(staked, rpc_int(block["number"]), rpc_int(block["timestamp"]))


def minting_on_l1(system: System, lacking: str, name: str = "the system") -> System:
    """``system``, which must mint on L1: :class:`LivepeerError` saying it has no ``lacking`` (what only the
    L1-minting mode has: its stake oracle, its L1 Minter's gas budget) when it mints on L2. ``name`` names the system
    in that line (the session names its address book)."""
    if system.inflation != "l1":
        raise LivepeerError(f"{name} mints its rewards on L2: it has no {lacking} (deploy --inflation l1)")
    return system


def report_l2_stake(system: System, reporter: AccountAPI) -> ReceiptAPI:
    """Read the L2 staked supply now (:func:`read_l2_stake`) and send it to the L1 stake oracle as ``reporter`` (an
    appointed reporter); returns the L1 receipt. The oracle refuses a reading of an L2 block not after the last
    accepted one's, a timestamp more than ``MAX_CLOCK_SKEW`` after the L1 block's or older than ``maxReportAge``,
    and a figure above the L1 total supply. :class:`LivepeerError` for a system in the L2-minting mode
    (:func:`minting_on_l1`: it has no oracle)."""
    oracle = minting_on_l1(system, STAKE_ORACLE).l1.stake_oracle
    reading = read_l2_stake(system)
    return oracle.report(reading.staked_supply, reading.l2_block, reading.l2_timestamp, sender=reporter)
