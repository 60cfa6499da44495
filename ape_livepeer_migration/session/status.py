"""Reads of an account's position on both layers, and of the messages the local relayer has in flight."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.results import AccountStatus, LayerStake, PendingMessage

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.session.deployment import Deployment


def staking_contracts(system: System, layer: str) -> tuple[Any, Any]:
    """The BondingManager and RoundsManager of ``layer`` ("l1" or "l2")."""
    if layer not in ("l1", "l2"):
        raise LivepeerError(f"unknown layer {layer!r} (l1 or l2)")
    if layer == "l1":
        return system.l1.bonding_manager, system.l1.rounds
    return system.l2_bonding_manager, system.l2_rounds


def current_round(system: System, layer: str) -> int:
    """The current round of ``layer``."""
    _, rounds = staking_contracts(system, layer)
    return rounds.currentRound()


def layer_stake(system: System, layer: str, address: str) -> LayerStake:
    """``address``'s round, stake, delegate, pending rewards and fees and unbonding locks on ``layer``."""
    bm, rounds = staking_contracts(system, layer)
    current = rounds.currentRound()
    d = bm.getDelegator(address)
    stake = bm.pendingStake(address, current)
    locks = []
    for lock_id in range(d.nextUnbondingLockId):
        amount, withdraw_round = bm.getDelegatorUnbondingLock(address, lock_id)
        if amount:
            locks.append({"id": lock_id, "amount": amount, "withdraw_round": withdraw_round})
    delegate = str(d.delegateAddress)
    return LayerStake(
        round=current,
        round_initialized=bool(rounds.currentRoundInitialized()),
        delegate=None if int(delegate, 16) == 0 else delegate,
        stake=stake,
        bonded=d.bondedAmount,
        pending_rewards=max(stake - d.bondedAmount, 0),
        pending_fees=bm.pendingFees(address, current),
        orchestrator=bool(bm.isRegisteredTranscoder(address)),
        active=bool(bm.isActiveTranscoder(address)),
        unbonding_locks=locks,
    )


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
    """Round, stake, delegate, pending rewards and fees, unbonding locks on both layers; balances; messages."""
    from eth_utils import is_address

    if not is_address(str(address)):
        raise LivepeerError(f"{address!r} is not an address")
    system = deployment.system
    return AccountStatus(
        account=str(address),
        l1=layer_stake(system, "l1", address),
        l2=layer_stake(system, "l2", address),
        lpt={"l1": system.l1.token.balanceOf(address), "l2": system.l2_token.balanceOf(address)},
        eth={layer.layer: int(layer.provider.get_balance(address)) for layer in deployment.chains.layers},
        messages=pending_messages(deployment.journal_path),
    )
