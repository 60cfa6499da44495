"""Where the system mints its rewards, and the L2 stake report that L1 minting needs.

In the ``"l2"`` mode the L2 Minter mints each L2 round's rewards. In the ``"l1"`` mode the L1 Minter mints a whole
L1 round's rewards when that round is initialized, from an inflation rate that counts the stake on both layers: the
L2 part is the staked supply an oracle last reported to L1 (:func:`report_stake`, by an account governance made a
reporter), and sends them to L2 in a retryable paid from its gas budget, which keepers (anyone) fund
(:func:`fund_minting_gas`); the L2 Minter hands what arrives out over the L2 rounds of the L1 round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.preflight import Call
from ape_livepeer_migration.session.results import MintingStatus, Preview, SentTransaction

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight


#: Why the current L1 round's mint waits, by the L1InflationMinter's ``MintBlocker``.
MINT_BLOCKERS = (
    "nothing blocks it now: anyone sends it with mintRound()",
    "the L2 stake report is stale",
    "the gas budget is short",
    "the L1 gateway is paused",
)


def minting_status(deployment: Deployment) -> MintingStatus:
    """The recorded mode; in the ``"l1"`` mode also the stake oracle's last report (its age, whether the L1 Minter
    still takes it), what the L2 Minter hands out in the current L2 round, and why the current L1 round's mint waits
    when it does."""
    inflation = deployment.inflation
    if inflation.mode != "l1":
        return MintingStatus(inflation)
    system = deployment.system
    oracle, minter = system.l1.stake_oracle, system.l2_minter
    reported = oracle.lastL2Block() != 0
    l1_minter, l1_round = system.l1.minter, system.l1.rounds.currentRound()
    waits = None
    if l1_minter.pendingRound() == l1_round != 0:
        waits = MINT_BLOCKERS[int(l1_minter.mintBlocker())]
    return MintingStatus(
        inflation,
        reported_stake=oracle.stakedSupply() if reported else None,
        report_age=oracle.reportAge() if reported else None,
        max_report_age=oracle.maxReportAge(),
        report_fresh=bool(oracle.isFresh()),
        l2_round=system.l2_rounds.currentRound(),
        available=minter.available(),
        undistributed=minter.undistributed(),
        l1_round=l1_round,
        l1_mint_waits=waits,
        gas_budget=l1_minter.gasBudget(),
        round_mint_cost=l1_minter.retryableCost(),
    )


def l1_minting_system(deployment: Deployment, lacking: str) -> System:
    """The deployed system, which must mint on L1: the refusal of
    :func:`~ape_livepeer_migration.bridge.oracle.minting_on_l1`, naming the address book, when it mints on L2."""
    from ape_livepeer_migration.bridge.oracle import minting_on_l1

    return minting_on_l1(deployment.system, lacking, f"the system of {deployment.book.path}")


def check_stake_report(deployment: Deployment, preflight: Preflight, address: str) -> Preview:
    """Refuse a report of the L2 staked supply to L1 by ``address`` that cannot succeed: a system that mints on L2
    (it has no stake oracle), an account that is not a reporter, a reading the oracle would refuse (an L2 block not
    after the reported one, a timestamp more than the oracle's clock skew after L1's), too little ETH for the L1
    gas. Returns what a report sends now (the reading in its details); sends nothing."""
    from ape_livepeer_migration.bridge.oracle import STAKE_ORACLE, read_l2_stake

    system = l1_minting_system(deployment, STAKE_ORACLE)
    oracle = system.l1.stake_oracle
    if not oracle.isReporter(address):
        raise LivepeerError(f"{address} is not a reporter of the L2 stake oracle {oracle.address}: governance adds one")
    reading = read_l2_stake(system)
    calls = (Call(oracle, "report", (reading.staked_supply, reading.l2_block, reading.l2_timestamp)),)
    gas = preflight.require_gas("l1", address, "the stake report", calls)
    details = {
        "staked_supply_wei": reading.staked_supply,
        "l2_block": reading.l2_block,
        "l2_timestamp": reading.l2_timestamp,
    }
    return Preview("l1", address, "report-stake", calls, gas, preflight.fee_per_gas("l1"), details)


def report_stake(preview: Preview, account: AccountAPI) -> SentTransaction:
    """Send the report ``preview`` (from :func:`check_stake_report`) as ``account``, the reporter it was checked for:
    exactly the reading it checked and showed, not a newer one. A reading the oracle no longer takes (another report
    of a later L2 block came first, or it grew older than ``maxReportAge``) reverts there, and nothing changes; the
    transaction's details are the reading sent."""
    if str(account.address) != preview.account:
        raise LivepeerError(f"the report is {preview.account}'s, not {account.address}'s")
    (call,) = preview.calls
    receipt = getattr(call.contract, call.method)(*call.args, sender=account)
    details = {key: preview.details[key] for key in ("staked_supply_wei", "l2_block")}
    return SentTransaction("l1", receipt.txn_hash, receipt.gas_used, details)


def check_gas_funding(deployment: Deployment, preflight: Preflight, address: str, amount: int) -> Preview:
    """Refuse adding ``amount`` wei of ``address``'s L1 ETH to the L1 Minter's gas budget (the ETH each L1 round's
    retryable is paid from) when it cannot succeed: a system that mints on L2 (its L1 Minter has no budget), an
    amount not above 0, too little ETH for the amount and the L1 gas. Returns what it would send, with the budget
    before and what one round's retryable costs now; sends nothing."""
    system = l1_minting_system(deployment, "gas budget for L1 round mints")
    if not isinstance(amount, int) or amount <= 0:
        raise LivepeerError(f"the amount must be greater than 0, got {amount}")
    minter = system.l1.minter
    what = "funding the L1 Minter's gas budget"
    preflight.require_eth("l1", address, amount, what)  # first: the node estimates no gas for ETH it lacks
    calls = (Call(minter, "fundGasBudget", (), amount),)
    gas = preflight.require_gas("l1", address, what, calls)
    details = {
        "amount_wei": amount,
        "gas_budget_wei": minter.gasBudget(),
        "round_mint_cost_wei": minter.retryableCost(),
    }
    return Preview("l1", address, "fund-minting-gas", calls, gas, preflight.fee_per_gas("l1"), details)


def fund_minting_gas(deployment: Deployment, preflight: Preflight, account: AccountAPI, amount: int) -> SentTransaction:
    """Add ``amount`` wei to the L1 Minter's gas budget from ``account``, after :func:`check_gas_funding`; the
    transaction's details are the amount and the budget after it."""
    check_gas_funding(deployment, preflight, account.address, amount)
    minter = deployment.system.l1.minter
    receipt = minter.fundGasBudget(value=amount, sender=account)
    return SentTransaction(
        "l1", receipt.txn_hash, receipt.gas_used, {"amount_wei": amount, "gas_budget_wei": minter.gasBudget()}
    )
