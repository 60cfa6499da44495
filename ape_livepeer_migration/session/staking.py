"""Staking on either layer: the orchestrators to choose from, and a staker's own operations (bond, unbond, rebond,
withdraw stake, claim earnings, register or change an orchestrator's terms).

Each operation is planned first (:func:`plan`): its inputs are checked against the layer's BondingManager, with a
one-line :class:`~ape_livepeer_migration.exceptions.LivepeerError` naming the cause when it could not succeed, and
its transactions are estimated and paid for by the account's ETH. :func:`send` then sends the plan's transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration._eth import amount_text, event_topic, token_text
from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.messages import scan_logs
from ape_livepeer_migration.session.preflight import Call, exactly, require_amount
from ape_livepeer_migration.session.results import Orchestrators, StakingPlan, StakingSent
from ape_livepeer_migration.session.status import orchestrator_of, staking_contracts

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight

# Bond(newDelegate, oldDelegate, delegator, ...): an account registers as an orchestrator only by bonding to itself.
_BOND_TOPIC = "0x" + event_topic("Bond(address,address,address,uint256,uint256)").hex()


def orchestrators(deployment: Deployment, layer: str) -> Orchestrators:
    """The registered orchestrators of ``layer`` (the active set and the candidates outside it), by decreasing
    stake. Candidates are found from the BondingManager's self-bonds (the only way to register), scanned from the
    system's first block on the layer."""
    from eth_utils import to_checksum_address

    bm, rounds = staking_contracts(deployment.system, layer)
    chain = getattr(deployment.chains, layer)
    addresses = []
    member = str(bm.getFirstTranscoderInPool())
    while int(member, 16):
        addresses.append(member)
        member = str(bm.getNextTranscoderInPool(member))
    (logs,) = scan_logs(chain, [(str(bm.address), [_BOND_TOPIC])], deployment.start_blocks()[layer])
    for log in logs:
        new_delegate, delegator = log["topics"][1], log["topics"][3]
        if new_delegate == delegator:
            registered = str(to_checksum_address("0x" + str(new_delegate)[-40:]))
            if registered not in addresses:
                addresses.append(registered)
    current = rounds.currentRound()
    reads = ("isRegisteredTranscoder", "isActiveTranscoder", "getTranscoder")
    answers = chain.call_batch([(bm, read, (address,)) for address in addresses for read in reads]) if addresses else []
    found = []
    for i, address in enumerate(addresses):
        registered, active, transcoder = answers[3 * i : 3 * i + 3]
        if registered:
            found.append(orchestrator_of(address, transcoder, active, current))
    found.sort(key=lambda o: o.stake, reverse=True)
    return Orchestrators(layer, current, tuple(found))


def plan(
    deployment: Deployment, preflight: Preflight, layer: str, address: str, operation: str, **inputs: Any
) -> StakingPlan:
    """What ``operation`` (bond, unbond, rebond, withdraw-stake, claim-earnings, transcoder) by ``address`` on
    ``layer`` sends and costs, after checking that it can succeed; sends nothing. ``inputs``: ``amount`` and ``to``
    (bond), ``amount`` (unbond), ``lock`` and ``to`` (rebond), ``lock`` (withdraw-stake), ``reward_cut`` and
    ``fee_share`` in parts per million (transcoder); a missing ``lock`` is the account's only one."""
    bm, rounds = staking_contracts(deployment.system, layer)
    where = layer.upper()
    current = rounds.currentRound()
    checks: dict[str, Callable[..., tuple[list[Call], dict[str, Any]]]] = {
        "bond": _bond,
        "unbond": _unbond,
        "rebond": _rebond,
        "withdraw-stake": _withdraw_stake,
        "claim-earnings": _claim_earnings,
        "transcoder": _transcoder,
    }
    if operation not in checks:
        raise LivepeerError(f"unknown staking operation {operation!r} ({', '.join(checks)})")
    calls, details = checks[operation](deployment, bm, rounds, where, current, str(address), **inputs)
    if not rounds.currentRoundInitialized():
        calls.insert(0, Call(rounds, "initializeRound"))
    gas = preflight.require_gas(layer, str(address), operation, calls)
    return StakingPlan(layer, str(address), operation, tuple(calls), gas, preflight.fee_per_gas(layer), details)


def send(plan: StakingPlan, account: AccountAPI) -> StakingSent:
    """Send ``plan``'s transactions from ``account``, in order."""
    if str(account.address) != plan.account:
        raise LivepeerError(f"the plan is {plan.account}'s, not {account.address}'s")
    sent = []
    for call in plan.calls:
        receipt = getattr(call.contract, call.method)(*call.args, sender=account, value=call.value)
        sent.append((receipt.txn_hash, receipt.gas_used))
    return StakingSent(tuple(sent))


def _stake(bm: Any, address: str, current: int) -> int:
    return bm.pendingStake(address, current)


def _bond(deployment, bm, rounds, where, current, address, amount: int, to: str):
    token = deployment.system.l1.token if where == "L1" else deployment.system.l2_token
    to = str(to)
    if to != address and not bm.isRegisteredTranscoder(to):
        raise LivepeerError(f"{to} is not a registered orchestrator on {where}")
    delegator = bm.getDelegator(address)
    delegate = str(delegator.delegateAddress)
    moving = delegator.bondedAmount > 0 and delegate != to
    if moving and delegate == address:
        raise LivepeerError(f"{address} is an orchestrator on {where}: its stake cannot be delegated to {to}")
    if amount == 0 and not moving:
        raise LivepeerError(f"nothing to bond: the amount is 0 and {address}'s stake is not moving to {to}")
    calls = []
    if amount:
        require_amount(amount, token.balanceOf(address), f"{where} LPT", address)
        if token.allowance(address, bm.address) < amount:
            calls.append(Call(token, "approve", (str(bm.address), amount)))
    calls.append(Call(bm, "bond", (amount, to)))
    return calls, {"amount_wei": amount, "to": to}


def _unbond(deployment, bm, rounds, where, current, address, amount: int):
    stake = _stake(bm, address, current)
    if stake == 0:
        raise LivepeerError(f"{address} has no stake on {where}")
    if amount <= 0:
        raise LivepeerError(f"the amount must be greater than 0, got {amount}")
    if amount > stake:
        raise LivepeerError(
            f"{address} has {token_text(stake)} LPT bonded on {where}, less than {token_text(amount)} "
            f"{exactly(stake, amount)}"
        )
    return [Call(bm, "unbond", (amount,))], {"amount_wei": amount}


def _lock(bm: Any, address: str, where: str, lock: int | None) -> tuple[int, int, int]:
    """The lock ``lock`` of ``address`` (default: its only one) as ``(id, amount, withdraw round)``."""
    if lock is None:
        ids = [
            i
            for i in range(bm.getDelegator(address).nextUnbondingLockId)
            if bm.getDelegatorUnbondingLock(address, i)[0]
        ]
        if not ids:
            raise LivepeerError(f"{address} has no unbonding locks on {where}")
        if len(ids) > 1:
            raise LivepeerError(
                f"{address} has {len(ids)} unbonding locks on {where} ({', '.join(map(str, ids))}): name one"
            )
        (lock,) = ids
    amount, withdraw_round = bm.getDelegatorUnbondingLock(address, lock)
    if amount == 0:
        raise LivepeerError(f"{address} has no unbonding lock {lock} on {where}")
    return lock, amount, withdraw_round


def _rebond(deployment, bm, rounds, where, current, address, lock: int | None = None, to: str | None = None):
    lock, amount, _ = _lock(bm, address, where, lock)
    details: dict[str, Any] = {"lock": lock, "amount_wei": amount}
    if _stake(bm, address, current):
        delegate = str(bm.getDelegator(address).delegateAddress)
        if to is not None and str(to) != delegate:
            raise LivepeerError(
                f"{address} is bonded to {delegate} on {where}: a lock rebonds there (move the stake with bond 0 --to)"
            )
        return [Call(bm, "rebond", (lock,))], {**details, "to": delegate}
    if to is None:
        raise LivepeerError(f"{address} has no bonded stake on {where}: choose the orchestrator to rebond to with --to")
    if str(to) != address and not bm.isRegisteredTranscoder(str(to)):
        raise LivepeerError(f"{to} is not a registered orchestrator on {where}")
    return [Call(bm, "rebondFromUnbonded", (str(to), lock))], {**details, "to": str(to)}


def _withdraw_stake(deployment, bm, rounds, where, current, address, lock: int | None = None):
    lock, amount, withdraw_round = _lock(bm, address, where, lock)
    if withdraw_round > current:
        raise LivepeerError(
            f"unbonding lock {lock} of {address} is not withdrawable until round {withdraw_round} on {where} "
            f"(now round {current})"
        )
    return [Call(bm, "withdrawStake", (lock,))], {"lock": lock, "amount_wei": amount}


def _claim_earnings(deployment, bm, rounds, where, current, address):
    delegator = bm.getDelegator(address)
    if delegator.bondedAmount == 0 and bm.pendingFees(address, current) == 0:
        raise LivepeerError(f"{address} has no stake on {where}")
    stake = _stake(bm, address, current)
    return [Call(bm, "claimEarnings")], {
        "rewards_wei": max(stake - delegator.bondedAmount, 0),
        "fees_wei": bm.pendingFees(address, current),
    }


def _transcoder(deployment, bm, rounds, where, current, address, reward_cut: int, fee_share: int):
    for name, value in (("reward cut", reward_cut), ("fee share", fee_share)):
        if not 0 <= value <= 1_000_000:
            raise LivepeerError(f"the {name} must be between 0 and 100 %, got {amount_text(value, 4)} %")
    if not bm.isRegisteredTranscoder(address):
        raise LivepeerError(
            f"{address} is not registered as an orchestrator on {where}: bond stake to itself first (bond AMOUNT --to "
            f"{address})"
        )
    if rounds.currentRoundLocked():
        raise LivepeerError(f"round {current} on {where} is locked: terms can change from round {current + 1} on")
    terms = {"reward_cut_percent": amount_text(reward_cut, 4), "fee_share_percent": amount_text(fee_share, 4)}
    return [Call(bm, "transcoder", (reward_cut, fee_share))], terms
