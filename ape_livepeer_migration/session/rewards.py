"""An orchestrator's earnings: calling reward() on L2, whether a call pays, withdrawing earned fees."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session import status
from ape_livepeer_migration.session.preflight import Call, require_amount
from ape_livepeer_migration.session.results import FeeWithdrawal, Preview, Profitability, RewardResult, RewardSkipped
from ape_livepeer_migration.session.status import staking_contracts

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.protocol.economics import CallEconomics
    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight


def profitability(layers: tuple[str, ...], **overrides: Any) -> Profitability:
    """The economics of one reward() call on each of ``layers`` for the seed-era reference inputs
    (:func:`~ape_livepeer_migration.protocol.economics.seed_era_inputs`), with the inputs in ``overrides`` set
    (``None``: the reference value). ``gas_used`` and ``gas_price`` apply to every layer's call. Raises
    :class:`~ape_livepeer_migration.exceptions.InputError` naming the input that no real network could have."""
    from ape_livepeer_migration.protocol import economics as econ

    def override(value: Any, *names: str) -> Any:
        return replace(value, **{name: overrides[name] for name in names if overrides.get(name) is not None})

    reference = econ.seed_era_inputs(layers)
    inputs = econ.ProfitabilityInputs(
        network=override(reference.network, "total_supply", "inflation", "total_active_stake"),
        orchestrator=override(reference.orchestrator, "stake", "self_stake", "reward_cut"),
        prices=override(reference.prices, "lpt_usd", "eth_usd"),
        calls=tuple(override(call, "gas_used", "gas_price") for call in reference.calls),
    )
    return Profitability(inputs, econ.evaluate(inputs))


def check_reward(deployment: Deployment, preflight: Preflight, address: str) -> Preview:
    """Refuse a ``reward()`` call of ``address`` on L2 that cannot succeed (an inactive account, a second call in the
    round, too little ETH for it and the round's initialization); what it would send, in the current L2 round
    (``details["round"]``). Sends nothing."""
    s = deployment.system
    bm, rounds = s.l2_bonding_manager, s.l2_rounds
    current = rounds.currentRound()
    if not bm.isActiveTranscoder(address):
        raise LivepeerError(f"{address} is not an active orchestrator on L2 in round {current}")
    if status.reward_called(bm.getTranscoder(address), current):
        raise LivepeerError(f"{address} already called reward() in round {current}")
    calls = [Call(bm, "reward")]
    if not rounds.currentRoundInitialized():
        calls.insert(0, Call(rounds, "initializeRound"))
    gas = preflight.require_gas("l2", address, " + ".join(call.name for call in calls), calls)
    return Preview("l2", address, "call-reward", tuple(calls), gas, preflight.fee_per_gas("l2"), {"round": current})


def call_reward(deployment: Deployment, preflight: Preflight, account: AccountAPI) -> RewardResult:
    """Call ``reward()`` on L2 for ``account`` (an active orchestrator), initializing the round first if needed;
    refuses what :func:`check_reward` refuses."""
    s = deployment.system
    bm, rounds = s.l2_bonding_manager, s.l2_rounds
    current = check_reward(deployment, preflight, account.address).details["round"]
    initialized = False
    if not rounds.currentRoundInitialized():
        rounds.initializeRound(sender=account)
        initialized = True
    receipt = bm.reward(sender=account)
    with deployment.chains.l2:
        (event,) = receipt.decode_logs(bm.unwrapped.Reward)
    return RewardResult(current, event.amount, receipt.gas_used, initialized, receipt.txn_hash)


def reward_called(system: System, address: str) -> bool:
    """Whether ``address`` called reward() on L2 in the current round."""
    return status.reward_called(system.l2_bonding_manager.getTranscoder(address), system.l2_rounds.currentRound())


def reward_economics(
    system: System, preflight: Preflight, address: str, gas_used: int, lpt_usd: Any, eth_usd: Any
) -> CallEconomics:
    """:class:`~ape_livepeer_migration.protocol.economics.CallEconomics` of ``address``'s next L2 reward() at the
    L2's current state and gas price, for the given prices."""
    from ape_livepeer_migration.protocol import economics as econ

    bm, minter = system.l2_bonding_manager, system.l2_minter
    t = bm.getTranscoder(address)
    stake = t.delegatedAmount
    network = econ.NetworkState(
        total_supply=minter.inflationSupply(),
        inflation=max(minter.inflation(), 1),
        total_active_stake=max(bm.currentRoundTotalActiveStake(), stake),
    )
    orchestrator = econ.OrchestratorPosition(
        stake=stake, self_stake=min(bm.getDelegator(address).bondedAmount, stake), reward_cut=t.rewardCut
    )
    call = econ.RewardCallCost("l2", gas_used, max(preflight.gas_price("l2"), 1))
    return econ.evaluate_call(network, orchestrator, econ.Prices(lpt_usd, eth_usd), call)


def call_reward_if_profitable(
    deployment: Deployment, preflight: Preflight, account: AccountAPI, gas_used: int, lpt_usd: Any, eth_usd: Any
) -> RewardResult | RewardSkipped:
    """:func:`call_reward`, unless the orchestrator's share of what it mints is worth less than its fee."""
    economics = reward_economics(deployment.system, preflight, account.address, gas_used, lpt_usd, eth_usd)
    if not economics.profitable:
        return RewardSkipped(economics)
    return call_reward(deployment, preflight, account)


def check_fee_withdrawal(
    deployment: Deployment,
    preflight: Preflight,
    address: str,
    amount: int | None = None,
    layer: str = "l2",
    recipient: str | None = None,
) -> Preview:
    """What a withdrawal of ``amount`` (default: all pending) of fees on ``layer`` to ``recipient`` (default:
    ``address``) would send (the fees it takes: ``details["amount_wei"]``); refuses none pending, an amount not
    above 0 or above the pending fees, too little ETH for the gas. Sends nothing."""
    bm, rounds = staking_contracts(deployment.system, layer)
    pending = bm.pendingFees(address, rounds.currentRound())
    if pending == 0:
        raise LivepeerError(f"{address} has no fees to withdraw on {layer.upper()}")
    amount = pending if amount is None else amount
    require_amount(amount, pending, f"ETH of pending fees on {layer.upper()}", address)
    recipient = str(recipient or address)
    withdrawal = Call(bm, "withdrawFees", (recipient, amount))
    gas = preflight.require_gas(layer, address, "the withdrawal", [withdrawal])
    details = {"recipient": recipient, "amount_wei": amount}
    return Preview(layer, address, "withdraw-fees", (withdrawal,), gas, preflight.fee_per_gas(layer), details)


def withdraw_fees(
    deployment: Deployment,
    preflight: Preflight,
    account: AccountAPI,
    amount: int | None = None,
    recipient: str | None = None,
    layer: str = "l2",
) -> FeeWithdrawal:
    """Withdraw ``amount`` (default: all) of ``account``'s pending ETH fees on ``layer`` to ``recipient``."""
    preview = check_fee_withdrawal(deployment, preflight, account.address, amount, layer, recipient)
    amount, recipient = preview.details["amount_wei"], preview.details["recipient"]
    bm, _ = staking_contracts(deployment.system, layer)
    receipt = bm.withdrawFees(recipient, amount, sender=account)
    return FeeWithdrawal(layer, receipt.txn_hash, receipt.gas_used, {"recipient": recipient, "amount_wei": amount})
