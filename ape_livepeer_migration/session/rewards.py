"""An orchestrator's earnings: calling reward() on L2, whether a call pays, withdrawing earned fees."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session import status
from ape_livepeer_migration.session.preflight import Call, require_amount
from ape_livepeer_migration.session.results import (
    ChainSource,
    FeeWithdrawal,
    MintingComparison,
    Preview,
    Profitability,
    RewardResult,
    RewardSkipped,
)
from ape_livepeer_migration.session.status import staking_contracts

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.protocol.economics import CallEconomics, ProfitabilityInputs
    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight


def profitability(layers: tuple[str, ...], **overrides: Any) -> Profitability:
    """The economics of one reward() call on each of ``layers`` for the seed-era reference inputs
    (:func:`~ape_livepeer_migration.protocol.economics.seed_era_inputs`), with the inputs in ``overrides`` set
    (``None``: the reference value). ``gas_used`` and ``gas_price`` apply to every layer's call. Raises
    :class:`~ape_livepeer_migration.exceptions.InputError` naming the input that no real network could have."""
    from ape_livepeer_migration.protocol import economics as econ

    reference = econ.seed_era_inputs(layers)
    return _evaluate(reference, dict.fromkeys(layers, "reference"), None, overrides)


def profitability_from_chain(
    system: System, preflight: Preflight, address: str, layers: tuple[str, ...], **overrides: Any
) -> Profitability:
    """:func:`profitability` on the connected deployment: supply, inflation and total active stake of the layer
    where ``address`` is an active orchestrator (L2, else L1; on a system that mints on L1, the L1 Minter's supply
    and its inflation per L1 round over the L2 rounds one spans), its pool stake, self-stake and reward cut there; for
    each of ``layers``, the gas of its own reward() call estimated on that chain (:func:`reward_gas`; the reference
    gas when it cannot send one now) at what a transaction pays per gas there now (``Preflight.paid_per_gas``).
    Prices default to the reference prices; ``overrides`` set any input as in :func:`profitability`. Refuses an
    account active on neither layer."""
    from ape_livepeer_migration.protocol import economics as econ

    state_layer = next((layer for layer in ("l2", "l1") if _is_active(system, layer, address)), None)
    if state_layer is None:
        raise LivepeerError(f"{address} is not an active orchestrator on L2 or L1")
    bm, rounds = staking_contracts(system, state_layer)
    stake = bm.getTranscoder(address).delegatedAmount
    # the stake a round's rewards are shared by: fixed when the round is initialized, until then what will be fixed
    active = bm.currentRoundTotalActiveStake() if rounds.currentRoundInitialized() else bm.nextRoundTotalActiveStake()
    if system.inflation == "l1":
        # the L1 Minter mints an L1 round's rewards on the whole supply; each of its K L2 rounds hands out 1/K
        supply = system.l1.minter.inflationSupply()
        inflation = system.l1.minter.inflation() // system.l2_minter.roundsPerL1Round()
    else:
        minter = system.l2_minter if state_layer == "l2" else system.l1.minter
        supply, inflation = minter.inflationSupply(), minter.inflation()
    network = econ.NetworkState(
        total_supply=supply,
        inflation=inflation,
        # stake delegated during the round is in the pool but not in the round's total; it earns from the next round
        total_active_stake=max(active, stake),
    )
    orchestrator = econ.OrchestratorPosition(
        stake=stake,
        self_stake=min(bm.getDelegator(address).bondedAmount, stake),
        reward_cut=bm.getTranscoder(address).rewardCut,
    )
    calls, gas_sources = [], {}
    for layer in layers:
        gas = reward_gas(system, preflight, layer, address)
        gas_sources[layer] = "reference" if gas is None else "estimated"
        reference = econ.SEED_ERA_CALLS[layer]
        price = max(preflight.paid_per_gas(layer), 1)  # a chain with no fees still costs a call something
        calls.append(econ.RewardCallCost(layer, reference.gas_used if gas is None else gas, price))
    inputs = econ.ProfitabilityInputs(network, orchestrator, econ.SEED_ERA_PRICES, tuple(calls))
    return _evaluate(inputs, gas_sources, ChainSource(address, state_layer, rounds.currentRound()), overrides)


def minting(
    estimate: Profitability, modes: tuple[str, ...], rounds_per_l1_round: int, reward_gas: dict[str, int] | None = None
) -> MintingComparison:
    """The minting modes of ``modes`` compared on ``estimate``'s inputs (network, orchestrator, prices, and the gas
    prices of its L1 and L2 calls): each mode's L2 reward() at its measured gas, or at ``reward_gas[mode]`` where
    given, and its keeper work per L1 round
    (:data:`~ape_livepeer_migration.protocol.economics.MEASURED_KEEPER`), an L1 round spanning
    ``rounds_per_l1_round`` L2 rounds."""
    from ape_livepeer_migration.protocol import economics as econ

    inputs = estimate.inputs
    gas = {**econ.MEASURED_REWARD_GAS, **(reward_gas or {})}
    results = econ.evaluate_minting(
        inputs.network,
        inputs.orchestrator,
        inputs.prices,
        {call.layer: call.gas_price for call in inputs.calls},
        rounds_per_l1_round,
        gas,
        econ.MEASURED_KEEPER,
        modes,
    )
    sources = {mode: "estimated" if mode in (reward_gas or {}) else "measured" for mode in modes}
    return MintingComparison(estimate, results, sources)


def minting_from_chain(
    system: System, estimate: Profitability, modes: tuple[str, ...], rounds_per_l1_round: int | None = None
) -> MintingComparison:
    """:func:`minting` on ``estimate`` (:func:`profitability_from_chain`'s, with both layers): the deployment's own
    mode costed with the L2 reward() gas estimated on the chain when it could be, and, when the deployment mints on
    L1, as many L2 rounds per L1 round as its L2 minter spans unless ``rounds_per_l1_round`` is given."""
    from ape_livepeer_migration.bridge.system import DEFAULT_ROUNDS_PER_L1_ROUND

    mode = system.inflation
    if rounds_per_l1_round is None:
        rounds_per_l1_round = system.l2_minter.roundsPerL1Round() if mode == "l1" else DEFAULT_ROUNDS_PER_L1_ROUND
    estimated = estimate.gas_sources.get("l2") == "estimated" and mode in modes
    l2_call = next(call for call in estimate.inputs.calls if call.layer == "l2")
    return minting(estimate, modes, rounds_per_l1_round, {mode: l2_call.gas_used} if estimated else None)


def _evaluate(
    base: ProfitabilityInputs, gas_sources: dict[str, str], chain: ChainSource | None, overrides: dict[str, Any]
) -> Profitability:
    """``base`` with the inputs in ``overrides`` set (``None``: kept), evaluated."""
    from ape_livepeer_migration.protocol import economics as econ

    def override(value: Any, *names: str) -> Any:
        return replace(value, **{name: overrides[name] for name in names if overrides.get(name) is not None})

    if overrides.get("gas_used") is not None:
        gas_sources = dict.fromkeys(gas_sources, "option")
    inputs = econ.ProfitabilityInputs(
        network=override(base.network, "total_supply", "inflation", "total_active_stake"),
        orchestrator=override(base.orchestrator, "stake", "self_stake", "reward_cut"),
        prices=override(base.prices, "lpt_usd", "eth_usd"),
        calls=tuple(override(call, "gas_used", "gas_price") for call in base.calls),
    )
    return Profitability(inputs, econ.evaluate(inputs), gas_sources, chain)


def _is_active(system: System, layer: str, address: str) -> bool:
    bm, _ = staking_contracts(system, layer)
    return bool(bm.isActiveTranscoder(address))


def reward_gas(system: System, preflight: Preflight, layer: str, address: str) -> int | None:
    """Gas of ``address``'s own reward() call on ``layer``, estimated on that chain: ``eth_estimateGas`` of the call
    (on L2 it initializes a round nobody has, and the estimate covers that), else, on L1 before the round's
    initialization, the gas it uses after an ``initializeRound()`` in one simulated block. ``None`` when
    it cannot send one now (not an active orchestrator there, reward() already called this round, or L1 reward() of a
    system that mints on L1)."""
    bm, rounds = staking_contracts(system, layer)
    if layer == "l1" and system.inflation == "l1":
        return None  # L1 reward() reverts: the L1 Minter sends every round's rewards to L2
    if not bm.isActiveTranscoder(address) or bm.getTranscoder(address).lastRewardRound == rounds.currentRound():
        return None
    reward = Call(bm, "reward")
    if layer == "l2" or rounds.currentRoundInitialized():
        return preflight.estimate_gas(layer, address, [reward])
    return preflight.gas_used_each(layer, address, [Call(rounds, "initializeRound"), reward])[-1]


def check_reward(deployment: Deployment, preflight: Preflight, address: str) -> Preview:
    """Refuse a ``reward()`` call of ``address`` on L2 that cannot succeed (an inactive account, a second call in the
    round, too little ETH for its gas, which covers initializing the round when nobody has); what it would send, in
    the current L2 round (``details["round"]``). Sends nothing."""
    s = deployment.system
    bm, rounds = s.l2_bonding_manager, s.l2_rounds
    current = rounds.currentRound()
    if not bm.isActiveTranscoder(address):
        raise LivepeerError(f"{address} is not an active orchestrator on L2 in round {current}")
    if status.reward_called(bm.getTranscoder(address), current):
        raise LivepeerError(f"{address} already called reward() in round {current}")
    reward = Call(bm, "reward")
    gas = preflight.require_gas("l2", address, reward.name, [reward])
    return Preview("l2", address, "call-reward", (reward,), gas, preflight.fee_per_gas("l2"), {"round": current})


def call_reward(deployment: Deployment, preflight: Preflight, account: AccountAPI) -> RewardResult:
    """Call ``reward()`` on L2 for ``account`` (an active orchestrator) in one transaction, which also initializes
    the round when nobody has; refuses what :func:`check_reward` refuses. The result reports the round the reward was
    for and whether the call initialized it, both from the receipt: the round can end between the check and the
    call's block. With L1 minting the call hands out part of what L1 minted and mints nothing (the result says
    which)."""
    s = deployment.system
    bm, rounds = s.l2_bonding_manager, s.l2_rounds
    check_reward(deployment, preflight, account.address)
    receipt = bm.reward(sender=account)
    with deployment.chains.l2:
        (event,) = receipt.decode_logs(bm.unwrapped.Reward)
        opened = receipt.decode_logs(rounds.unwrapped.NewRound)
    rewarded = opened[0].round if opened else rounds.currentRound(block_id=receipt.block_number)
    return RewardResult(rewarded, event.amount, receipt.gas_used, bool(opened), receipt.txn_hash, s.inflation)


def reward_called(system: System, address: str) -> bool:
    """Whether ``address`` called reward() on L2 in the current round."""
    return status.reward_called(system.l2_bonding_manager.getTranscoder(address), system.l2_rounds.currentRound())


def reward_economics(
    system: System,
    preflight: Preflight,
    address: str,
    gas_used: int | None = None,
    lpt_usd: Any = None,
    eth_usd: Any = None,
) -> CallEconomics:
    """:class:`~ape_livepeer_migration.protocol.economics.CallEconomics` of ``address``'s next L2 reward() at the
    L2's current state and gas price (:func:`profitability_from_chain`): its gas estimated unless ``gas_used`` is
    given, the reference prices for those not given."""
    estimate = profitability_from_chain(
        system, preflight, address, ("l2",), gas_used=gas_used, lpt_usd=lpt_usd, eth_usd=eth_usd
    )
    return estimate.results[0]


def call_reward_if_profitable(
    deployment: Deployment,
    preflight: Preflight,
    account: AccountAPI,
    gas_used: int | None = None,
    lpt_usd: Any = None,
    eth_usd: Any = None,
) -> RewardResult | RewardSkipped:
    """:func:`call_reward`, unless the orchestrator's share of what it mints (or, with L1 minting, hands out) is worth
    less than its fee (:func:`reward_economics`)."""
    check_reward(deployment, preflight, account.address)
    economics = reward_economics(deployment.system, preflight, account.address, gas_used, lpt_usd, eth_usd)
    if not economics.profitable:
        return RewardSkipped(economics, deployment.system.inflation)
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
