"""Reads of both layers: the system at a glance, an account's position, and the relayer journal's messages.

Each layer is read in JSON-RPC batches (:meth:`~ape_livepeer_migration.chains.pair.Chain.call_batch`), a few round
trips per command; the cross-chain messages come from the chains (:mod:`~ape_livepeer_migration.session.messages`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.results import (
    AccountStatus,
    LayerOverview,
    LayerStake,
    Orchestrator,
    PendingMessage,
    SystemStatus,
)

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.session.deployment import Deployment

#: What ``L2Minter.reportAge()`` answers before the first accepted supply report.
NO_REPORT = 2**256 - 1


def staking_contracts(system: System, layer: str) -> tuple[Any, Any]:
    """The BondingManager and RoundsManager of ``layer`` ("l1" or "l2")."""
    if layer not in ("l1", "l2"):
        raise LivepeerError(f"unknown layer {layer!r} (l1 or l2)")
    if layer == "l1":
        return system.l1.bonding_manager, system.l1.rounds
    return system.l2_bonding_manager, system.l2_rounds


def _token_and_minter(system: System, layer: str) -> tuple[Any, Any]:
    if layer == "l1":
        return system.l1.token, system.l1.minter
    return system.l2_token, system.l2_minter


def current_round(system: System, layer: str) -> int:
    """The current round of ``layer``."""
    _, rounds = staking_contracts(system, layer)
    return rounds.currentRound()


def reward_called(transcoder: Any, round: int) -> bool:
    """Whether the orchestrator whose ``getTranscoder`` record is ``transcoder`` called reward() in ``round``: the one
    rule behind the orchestrator list, the account status and the refusal of a second call."""
    return transcoder.lastRewardRound == round


def orchestrator_of(address: str, transcoder: Any, active: bool, round: int) -> Orchestrator:
    """The :class:`Orchestrator` view of ``address``'s ``getTranscoder`` record in ``round``."""
    return Orchestrator(
        address=str(address),
        stake=transcoder.delegatedAmount,
        reward_cut=transcoder.rewardCut,
        fee_share=transcoder.feeShare,
        active=bool(active),
        reward_called=reward_called(transcoder, round),
    )


def layer_stake(system: System, layer: str, address: str) -> tuple[LayerStake, int]:
    """``address``'s round, stake, delegate, pending rewards and fees, unbonding locks and (an orchestrator's) terms on
    ``layer``, and its LPT balance there: two JSON-RPC batches."""
    bm, rounds = staking_contracts(system, layer)
    token, _ = _token_and_minter(system, layer)
    chain = bm.chain
    current, initialized, d, registered, active, transcoder, balance = chain.call_batch(
        [
            (rounds, "currentRound", ()),
            (rounds, "currentRoundInitialized", ()),
            (bm, "getDelegator", (address,)),
            (bm, "isRegisteredTranscoder", (address,)),
            (bm, "isActiveTranscoder", (address,)),
            (bm, "getTranscoder", (address,)),
            (token, "balanceOf", (address,)),
        ]
    )
    stake, fees, *locks = chain.call_batch(
        [
            (bm, "pendingStake", (address, current)),
            (bm, "pendingFees", (address, current)),
            *((bm, "getDelegatorUnbondingLock", (address, i)) for i in range(d.nextUnbondingLockId)),
        ]
    )
    delegate = str(d.delegateAddress)
    view = LayerStake(
        round=current,
        round_initialized=bool(initialized),
        delegate=None if int(delegate, 16) == 0 else delegate,
        stake=stake,
        bonded=d.bondedAmount,
        pending_rewards=max(stake - d.bondedAmount, 0),
        pending_fees=fees,
        orchestrator=bool(registered),
        active=bool(active),
        unbonding_locks=[
            {"id": i, "amount": amount, "withdraw_round": withdraw_round}
            for i, (amount, withdraw_round) in enumerate(locks)
            if amount
        ],
        terms=orchestrator_of(address, transcoder, active, current) if registered else None,
    )
    return view, balance


def pending_messages(journal_path: Path) -> list[PendingMessage]:
    """Cross-chain messages the local relayer's journal holds that are not final yet."""
    from ape_livepeer_migration.relayer.journal import Journal

    if not journal_path.is_file():
        return []
    journal = Journal.existing(journal_path)
    try:
        return [
            PendingMessage(r.direction.value, r.id, r.status.value, r.source_block)
            for r in journal.messages()
            if not r.status.is_final
        ]
    finally:
        journal.close()


def account_status(deployment: Deployment, address: str) -> AccountStatus:
    """Round, stake, delegate, pending rewards and fees, unbonding locks and orchestrator terms on both layers;
    balances; the account's cross-chain messages in flight, read from the chains."""
    from eth_utils import is_address

    from ape_livepeer_migration.session.messages import account_messages

    if not is_address(str(address)):
        raise LivepeerError(f"{address!r} is not an address")
    system = deployment.system
    l1, l1_lpt = layer_stake(system, "l1", address)
    l2, l2_lpt = layer_stake(system, "l2", address)
    return AccountStatus(
        account=str(address),
        l1=l1,
        l2=l2,
        lpt={"l1": l1_lpt, "l2": l2_lpt},
        eth={layer.layer: int(layer.provider.get_balance(address)) for layer in deployment.chains.layers},
        messages=account_messages(deployment, str(address)),
    )


def layer_overview(system: System, layer: str) -> tuple[LayerOverview, list[Any]]:
    """``layer``'s round and lock state, LPT supply, inflation, mintable and minted rewards of the round, active set
    and total active stake, in one JSON-RPC batch; with the answers of ``extra`` calls asked in the same batch."""
    bm, rounds = staking_contracts(system, layer)
    token, minter = _token_and_minter(system, layer)
    extra: list[tuple[Any, str, tuple]] = (
        [(token, "balanceOf", (str(system.bridge.l1_escrow.address),))]
        if layer == "l1"
        else [(minter, "reportAge", ()), (minter, "maxReportAge", ()), (minter, "l1CirculatingSupply", ())]
    )
    answers = bm.chain.call_batch(
        [
            (rounds, "currentRound", ()),
            (rounds, "currentRoundInitialized", ()),
            (rounds, "currentRoundLocked", ()),
            (token, "totalSupply", ()),
            (minter, "inflationSupply", ()),
            (minter, "inflation", ()),
            (minter, "currentMintableTokens", ()),
            (minter, "currentMintedTokens", ()),
            (bm, "getTranscoderPoolSize", ()),
            (bm, "numActiveTranscoders", ()),
            (bm, "currentRoundTotalActiveStake", ()),
            *extra,
        ]
    )
    current, initialized, locked, supply, inflation_supply, inflation, mintable, minted, size, limit, stake = answers[
        :11
    ]
    view = LayerOverview(
        round=current,
        round_initialized=bool(initialized),
        round_locked=bool(locked),
        supply=supply,
        inflation_supply=inflation_supply,
        inflation=inflation,
        mintable=mintable,
        minted=minted,
        active_set_size=size,
        active_set_limit=limit,
        total_active_stake=stake,
    )
    return view, answers[11:]


def system_status(deployment: Deployment) -> SystemStatus:
    """Both layers at a glance: rounds, supplies, inflation, the L1 escrow, the active sets, the age of the L1 supply
    report on L2, and every cross-chain message in flight (read from the chains)."""
    from ape_livepeer_migration.session.messages import account_messages

    system = deployment.system
    l1, (escrow,) = layer_overview(system, "l1")
    l2, (report_age, max_report_age, l1_circulating) = layer_overview(system, "l2")
    return SystemStatus(
        l1=l1,
        l2=l2,
        escrow=escrow,
        l1_circulating_supply=l1_circulating,
        report_age=None if report_age == NO_REPORT else report_age,
        max_report_age=max_report_age,
        messages=account_messages(deployment),
    )
