"""Migration planning: where an account's L1 stake goes on L2, what the one L1 transaction sends, what it costs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.results import MigrationPlan

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight


class _L1Position(NamedTuple):
    """What deciding a migration of an account reads of its L1 stake: whether it is a registered orchestrator, its
    delegate, its pending stake (``None`` when unbonding locks migrate instead) and the amounts of those locks."""

    registered: bool
    delegate: str
    stake: int | None
    lock_amounts: list[int]


def _l1_position(system: System, address: str, lock_ids: Sequence[int] = (), stake: bool = True) -> _L1Position:
    """``address``'s :class:`_L1Position` (without the stake unless ``stake``), in a JSON-RPC batch, and one more for
    the pending stake (it needs the current round), instead of an Ape call (three requests) per value."""
    bm = system.l1.bonding_manager
    chain = bm.chain
    current, registered, delegator, *locks = chain.call_batch(
        [
            (system.l1.rounds, "currentRound", ()),
            (bm, "isRegisteredTranscoder", (address,)),
            (bm, "getDelegator", (address,)),
            *((bm, "getDelegatorUnbondingLock", (address, lock_id)) for lock_id in lock_ids),
        ]
    )
    pending = chain.call_batch([(bm, "pendingStake", (address, current))])[0] if stake and not lock_ids else None
    return _L1Position(bool(registered), str(delegator.delegateAddress), pending, [lock[0] for lock in locks])


def l2_orchestrator_for(system: System, address: str) -> str | None:
    """The L2 orchestrator a migration of ``address`` goes to by default: its L1 delegate when that one is a
    registered orchestrator on L2 (an L1 orchestrator migrates to itself), else ``None``."""
    return _default_orchestrator(system, address, _l1_position(system, address, stake=False))


def _default_orchestrator(system: System, address: str, position: _L1Position) -> str | None:
    if position.registered:
        return str(address)
    delegate = position.delegate
    if int(delegate, 16) and system.l2_bonding_manager.isRegisteredTranscoder(delegate):
        return delegate
    return None


def migration_orchestrator(
    system: System, address: str, to_orchestrator: str | None = None, lock_ids: Sequence[int] = ()
) -> str | None:
    """The L2 orchestrator a migration of ``address`` (or of its unbonding locks ``lock_ids``) stakes with: an L1
    orchestrator's own stake goes to itself (with its terms); otherwise ``to_orchestrator`` when given, else for a
    stake (not locks) :func:`l2_orchestrator_for`. ``None``: one must be chosen."""
    return _orchestrator(system, address, to_orchestrator, lock_ids, _l1_position(system, address, stake=False))


def _orchestrator(
    system: System, address: str, to_orchestrator: str | None, lock_ids: Sequence[int], position: _L1Position
) -> str | None:
    if not lock_ids and position.registered:
        return str(address)
    if to_orchestrator is not None or lock_ids:
        return to_orchestrator
    return _default_orchestrator(system, address, position)


def check_migratable(system: System, address: str, lock_ids: Sequence[int] = ()) -> None:
    """Refuse a migration of ``address``'s stake (or of its unbonding locks ``lock_ids``) when there is none to
    migrate: the first cause of a refusal, before any question of where it goes. Sends nothing."""
    _refuse_nothing_to_migrate(address, lock_ids, _l1_position(system, address, lock_ids))


def _refuse_nothing_to_migrate(address: str, lock_ids: Sequence[int], position: _L1Position) -> None:
    for lock_id, amount in zip(lock_ids, position.lock_amounts, strict=True):
        if not amount:
            raise LivepeerError(f"{address} has no unbonding lock {lock_id} on L1")
    if not lock_ids and not position.stake:
        raise LivepeerError(f"{address} has no stake to migrate on L1")


def plan_migration(
    deployment: Deployment,
    preflight: Preflight,
    address: str,
    to_orchestrator: str | None = None,
    lock_ids: Sequence[int] = (),
) -> MigrationPlan:
    """What migrating ``address``'s stake (or its unbonding locks ``lock_ids``) to the same address on L2 would
    send and cost; sends nothing. Only ``address`` itself can send it, so it needs no key here.

    Raises :class:`LivepeerError` when there is nothing to migrate, the orchestrator is unknown on L2, a lock
    does not exist, or the account lacks the ETH for both layers' fees.
    """
    from ape_livepeer_migration.bridge.migration import migration_gas_params, planned_migration
    from ape_livepeer_migration.session.preflight import Call

    s = deployment.system
    address = l2_delegator = str(address)
    position = _l1_position(s, address, lock_ids)
    _refuse_nothing_to_migrate(address, lock_ids, position)
    if lock_ids and to_orchestrator is None:
        raise LivepeerError("migrating unbonding locks needs the L2 orchestrator to stake them with")
    orchestrator = _orchestrator(s, address, to_orchestrator, lock_ids, position)
    if orchestrator is None:
        raise LivepeerError(f"{address}'s L1 orchestrator has not migrated to L2: choose a registered L2 orchestrator")
    moves_itself = not lock_ids and position.registered  # with its terms, registering on L2
    if not moves_itself and not s.l2_bonding_manager.isRegisteredTranscoder(orchestrator):
        raise LivepeerError(f"{orchestrator} is not a registered orchestrator on L2")
    record = planned_migration(s, address, l2_delegator, orchestrator, list(lock_ids))
    gas = migration_gas_params(s, record)
    migrator = s.l1_migrator
    args = (gas.gas_limit, gas.gas_price_bid, gas.max_submission_cost)
    preflight.require_eth("l1", address, gas.value, "the migration's L2 fees")
    if lock_ids:
        call = Call(migrator, "migrateUnbondingLocks", (list(lock_ids), l2_delegator, orchestrator, *args), gas.value)
    else:
        call = Call(migrator, "migrate", (l2_delegator, orchestrator, *args), gas.value)
    l1_gas = preflight.estimate_gas("l1", address, [call])  # an estimate needs the sender's address only
    preflight.require_gas_limit("l1", int(l1_gas))
    plan = MigrationPlan(
        account=address,
        kind=record.kind.name.lower().replace("_", "-"),
        amount=record.amount,
        l2_delegator=l2_delegator,
        l2_orchestrator=orchestrator,
        lock_ids=tuple(lock_ids),
        l1_gas=int(l1_gas),
        l1_gas_price=preflight.gas_price("l1"),
        l2_gas_limit=gas.gas_limit,
        l2_gas_price_bid=gas.gas_price_bid,
        max_submission_cost=gas.max_submission_cost,
        retryable_value=gas.value,
        terms=(record.reward_cut, record.fee_share) if moves_itself else None,
    )
    preflight.require_eth("l1", address, plan.total_eth, "the migration (L1 gas and L2 fees)")
    return plan


def migrate(
    deployment: Deployment,
    preflight: Preflight,
    account: AccountAPI,
    to_orchestrator: str | None = None,
    lock_ids: Sequence[int] = (),
) -> tuple[MigrationPlan, Any]:
    """Migrate ``account``'s L1 stake (or its locks ``lock_ids``) in one L1 transaction, after
    :func:`plan_migration`'s checks. Returns the plan and the
    :class:`~ape_livepeer_migration.bridge.migration.MigrationSent`."""
    from ape_livepeer_migration.bridge.gas import RetryableGasParams
    from ape_livepeer_migration.bridge.migration import migrate as send_migration
    from ape_livepeer_migration.bridge.migration import migrate_unbonding_locks

    plan = plan_migration(deployment, preflight, account.address, to_orchestrator, lock_ids)
    gas = RetryableGasParams(plan.max_submission_cost, plan.l2_gas_limit, plan.l2_gas_price_bid)
    system = deployment.system
    if lock_ids:
        sent = migrate_unbonding_locks(system, account, list(lock_ids), plan.l2_orchestrator, gas=gas)
    else:
        sent = send_migration(system, account, l2_orchestrator=plan.l2_orchestrator, gas=gas)
    return plan, sent
