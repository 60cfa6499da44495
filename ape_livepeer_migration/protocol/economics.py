"""Is calling ``reward()`` worth it?  The economics of one reward call, on L1 and on L2.

No chain access here: plain functions over plain numbers, so that the same
arithmetic serves the ``ape livepeer profitability`` command (on reference
inputs or on inputs read from a connected chain), ``call-reward --if-profitable``
and tests.  This module is also the one home of both commands' defaults: the
seed-era reference inputs at its end.

Units
-----
Every value that exists on a chain is an ``int`` in its base unit, and every
step that the protocol itself performs uses the protocol's integer arithmetic
(floor division), so results match what a ``reward()`` call would mint to the
base unit:

* LPT amounts: LPT base units (18 decimals, :data:`LPT_UNIT`).
* ETH amounts and gas prices: wei (:data:`WEI_PER_ETH`, :data:`GWEI`).
* Inflation per round: parts per :data:`INFLATION_PRECISION` (1e9), as the
  Minter stores it (218500 means 0.02185 % per round).
* Reward cut: parts per :data:`REWARD_CUT_PRECISION` (1e6), as the
  BondingManager stores it (250000 means 25 %).

Prices (USD per LPT, USD per ETH) are not chain values; they are exact
:class:`fractions.Fraction` so that converting a gas cost into LPT is exact too.
Only presentation (tables, JSON) turns anything into ``float``.

The model
---------
For one round, with total supply ``Y``, inflation ``i`` and total active stake
``T`` (every active orchestrator's pool, this one's included):

* mintable tokens ``M = Y * i``;
* the call mints the orchestrator's share ``R = M * S / T``, where ``S`` is its
  pool stake (its self-stake ``s`` plus what delegators bonded to it);
* the orchestrator keeps its commission ``c * R`` (``c`` = reward cut), and the
  rest ``(1 - c) * R`` goes to the pool's stake holders pro rata, the
  orchestrator's self-stake included, so it also earns ``(1 - c) * R * s / S``.

What the orchestrator earns is therefore

    E = c * R + (1 - c) * R * s / S  =  c * R * (S - s) / S + R * s / S
      = M / T * (c * (S - s) + s),

i.e. exactly "the commission on the delegators' part plus its self-stake's
whole share" (the two forms are algebraically identical; the code follows the
protocol's order of operations, commission first).  The call costs
``C = gas_used * gas_price`` ETH, converted to LPT at the ETH/LPT price ratio;
the profit is ``E - C``.  Holding ``T`` fixed (one orchestrator's stake moves
the total little), ``E`` is linear in ``S``, so the break-even pool stake has a
closed form (see :func:`break_even_stake`):

    S* = s + (C * T / M - s) / c      (c > 0)

Delegators, by contrast, gain from every call (they pay nothing); the question
answered here is whether the *orchestrator*, who pays the gas, gains.

Not modelled: ETH fees from transcoding (a separate income, not tied to the
call), the Arbitrum-era treasury cut (introduced long after the seed era),
and an orchestrator skipping rounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ape_livepeer_migration.exceptions import InputError

LPT_UNIT = 10**18
WEI_PER_ETH = 10**18
GWEI = 10**9
INFLATION_PRECISION = 10**9
REWARD_CUT_PRECISION = 10**6

LAYERS = ("l1", "l2")


def _require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise InputError(message, field=field)


def _require_int(value: object, field: str) -> None:
    _require(isinstance(value, int) and not isinstance(value, bool), field, f"must be an integer, got {value!r}")


@dataclass(frozen=True)
class NetworkState:
    """The protocol's state for one round.

    Attributes:
        total_supply: LPT total supply, base units.
        inflation: Inflation per round, parts per :data:`INFLATION_PRECISION`.
        total_active_stake: Sum of the active orchestrators' pool stakes, base units.
    """

    total_supply: int
    inflation: int
    total_active_stake: int

    def __post_init__(self) -> None:
        for name in ("total_supply", "inflation", "total_active_stake"):
            _require_int(getattr(self, name), name)
        _require(self.total_supply > 0, "total_supply", "must be greater than 0")
        # 0 is a state a chain can be in (nothing mintable, every call a loss), so it is accepted
        _require(0 <= self.inflation <= INFLATION_PRECISION, "inflation", "must be between 0 % and 100 % per round")
        _require(self.total_active_stake > 0, "total_active_stake", "must be greater than 0")
        _require(
            self.total_active_stake <= self.total_supply,
            "total_active_stake",
            "cannot exceed the total supply",
        )

    @property
    def mintable(self) -> int:
        """LPT base units mintable this round (see :func:`mintable_per_round`)."""
        return mintable_per_round(self.total_supply, self.inflation)


@dataclass(frozen=True)
class OrchestratorPosition:
    """One active orchestrator.

    Attributes:
        stake: Pool stake (self-stake plus delegated stake), base units.
        self_stake: The orchestrator's own bonded stake, base units; part of ``stake``.
        reward_cut: Commission on rewards, parts per :data:`REWARD_CUT_PRECISION`.
    """

    stake: int
    self_stake: int
    reward_cut: int

    def __post_init__(self) -> None:
        for name in ("stake", "self_stake", "reward_cut"):
            _require_int(getattr(self, name), name)
        _require(self.stake > 0, "stake", "must be greater than 0")
        _require(self.self_stake >= 0, "self_stake", "cannot be negative")
        _require(self.self_stake <= self.stake, "self_stake", "cannot exceed the pool stake")
        _require(0 <= self.reward_cut <= REWARD_CUT_PRECISION, "reward_cut", "must be between 0 % and 100 %")


@dataclass(frozen=True)
class Prices:
    """Market prices, exact.

    Attributes:
        lpt_usd: US dollars per LPT.
        eth_usd: US dollars per ETH.
    """

    lpt_usd: Fraction
    eth_usd: Fraction

    def __post_init__(self) -> None:
        for name in ("lpt_usd", "eth_usd"):
            value = getattr(self, name)
            exact = isinstance(value, (int, Fraction)) and not isinstance(value, bool)
            _require(exact, name, "must be exact (int or Fraction)")
            _require(value > 0, name, "must be greater than 0")
            object.__setattr__(self, name, Fraction(value))

    def wei_to_lpt(self, wei: int) -> Fraction:
        """Value of ``wei`` in LPT base units (exact; both tokens have 18 decimals)."""
        return Fraction(wei) * self.eth_usd / self.lpt_usd


@dataclass(frozen=True)
class RewardCallCost:
    """What one ``reward()`` transaction costs on one layer.

    Attributes:
        layer: ``"l1"`` or ``"l2"``.
        gas_used: Gas the call uses.  On Arbitrum this is the L2 gas figure a
            receipt reports, which already includes the L1 data component.
        gas_price: Effective gas price, wei per gas.
    """

    layer: str
    gas_used: int
    gas_price: int

    def __post_init__(self) -> None:
        _require(self.layer in LAYERS, "layer", f"must be one of {', '.join(LAYERS)}, got {self.layer!r}")
        for name in ("gas_used", "gas_price"):
            _require_int(getattr(self, name), name)
        _require(self.gas_used > 0, "gas_used", "must be greater than 0")
        _require(self.gas_price > 0, "gas_price", "must be greater than 0")

    @property
    def cost_wei(self) -> int:
        """Transaction fee in wei."""
        return self.gas_used * self.gas_price


@dataclass(frozen=True)
class ProfitabilityInputs:
    """Everything one profitability estimate needs.

    The defaults come from :func:`seed_era_inputs`; a caller connected to a
    chain can build one from on-chain reads instead (supply, inflation, total
    active stake, the orchestrator's pool, self-stake and cut, gas estimates).

    Attributes:
        network: The round's network state.
        orchestrator: The orchestrator calling ``reward()``.
        prices: LPT and ETH prices.
        calls: One cost per layer to evaluate, in display order.
    """

    network: NetworkState
    orchestrator: OrchestratorPosition
    prices: Prices
    calls: tuple[RewardCallCost, ...]

    def __post_init__(self) -> None:
        _require(len(self.calls) > 0, "calls", "needs at least one layer")
        layers = [call.layer for call in self.calls]
        _require(len(set(layers)) == len(layers), "calls", f"duplicate layer in {layers}")
        _require(
            self.orchestrator.stake <= self.network.total_active_stake,
            "stake",
            "cannot exceed the total active stake (which includes it)",
        )


@dataclass(frozen=True)
class CallEconomics:
    """The outcome of one ``reward()`` call on one layer.

    LPT figures are base units; ``cost_lpt`` is the fee converted to LPT and
    rounded up, so that a call reported profitable is profitable.
    """

    layer: str
    gas_used: int
    gas_price: int
    cost_wei: int
    cost_lpt: int
    mintable: int
    reward: int
    orchestrator_earnings: int
    delegator_earnings: int
    profit_lpt: int
    break_even_stake: int | None
    prices: Prices

    @property
    def profitable(self) -> bool:
        """True when the orchestrator earns at least what the call costs."""
        return self.profit_lpt >= 0

    def lpt_to_usd(self, amount: int) -> Fraction:
        """US dollar value of ``amount`` LPT base units at this estimate's price."""
        return Fraction(amount, LPT_UNIT) * self.prices.lpt_usd

    @property
    def cost_usd(self) -> Fraction:
        """The fee in US dollars (from the exact wei figure, not the rounded LPT one)."""
        return Fraction(self.cost_wei, WEI_PER_ETH) * self.prices.eth_usd

    @property
    def profit_usd(self) -> Fraction:
        """Orchestrator earnings minus the fee, in US dollars."""
        return self.lpt_to_usd(self.orchestrator_earnings) - self.cost_usd


def mintable_per_round(total_supply: int, inflation: int) -> int:
    """LPT base units the protocol may mint in a round: ``supply * inflation / 1e9``, floored."""
    return total_supply * inflation // INFLATION_PRECISION


def call_reward(mintable: int, stake: int, total_active_stake: int) -> int:
    """What one orchestrator's ``reward()`` mints: its stake's share of the round, floored."""
    return mintable * stake // total_active_stake


def split_reward(reward: int, orchestrator: OrchestratorPosition) -> tuple[int, int]:
    """Split a call's reward into (orchestrator's earnings, delegators' earnings).

    The orchestrator takes its cut of the whole reward; the remainder is shared
    pro rata by the pool's stake, of which the self-stake is a part.  Both
    divisions floor, as the protocol's do, and the two parts add up to ``reward``.
    """
    commission = reward * orchestrator.reward_cut // REWARD_CUT_PRECISION
    pool_share = reward - commission
    self_share = pool_share * orchestrator.self_stake // orchestrator.stake
    earnings = commission + self_share
    return earnings, reward - earnings


def break_even_stake(network: NetworkState, self_stake: int, reward_cut: int, cost_lpt: int) -> int | None:
    """Smallest pool stake (base units) at which the orchestrator's earnings cover ``cost_lpt``.

    From ``E(S) = M / T * (c * (S - s) + s) >= C`` with ``M`` mintable, ``T``
    total active stake (held fixed), ``c`` the cut, ``s`` the self-stake and
    ``C`` the call's cost in LPT:

    * ``c > 0``: ``S* = s + (C * T / M - s) / c``, but never below ``s`` (the
      pool always holds the self-stake) nor below one base unit;
    * ``c = 0``: earnings do not grow with the pool; the self-stake alone must
      cover the cost (``S* = s``) or no stake does.

    Computed exactly (rationals), rounded up to a base unit.  Returns ``None``
    when the required stake would exceed the total active stake, i.e. no
    orchestrator of this network could break even.  The protocol's floor
    rounding (:func:`split_reward`) can shift earnings by a few base units,
    which this continuous form ignores.
    """
    _require(self_stake >= 0, "self_stake", "cannot be negative")
    _require(0 <= reward_cut <= REWARD_CUT_PRECISION, "reward_cut", "must be between 0 % and 100 %")
    _require(cost_lpt >= 0, "cost_lpt", "cannot be negative")
    mintable = network.mintable
    if mintable == 0:
        return None
    stake_covering_cost = Fraction(cost_lpt * network.total_active_stake, mintable)  # C * T / M
    if reward_cut == 0:
        required = Fraction(self_stake) if self_stake >= stake_covering_cost else None
    else:
        cut = Fraction(reward_cut, REWARD_CUT_PRECISION)
        required = max(Fraction(self_stake), self_stake + (stake_covering_cost - self_stake) / cut)
    if required is None:
        return None
    stake = max(1, math.ceil(required))
    return stake if stake <= network.total_active_stake else None


def evaluate_call(
    network: NetworkState, orchestrator: OrchestratorPosition, prices: Prices, call: RewardCallCost
) -> CallEconomics:
    """Economics of ``orchestrator`` calling ``reward()`` once, at ``call``'s cost."""
    mintable = network.mintable
    reward = call_reward(mintable, orchestrator.stake, network.total_active_stake)
    earnings, delegators = split_reward(reward, orchestrator)
    cost_lpt = math.ceil(prices.wei_to_lpt(call.cost_wei))
    return CallEconomics(
        layer=call.layer,
        gas_used=call.gas_used,
        gas_price=call.gas_price,
        cost_wei=call.cost_wei,
        cost_lpt=cost_lpt,
        mintable=mintable,
        reward=reward,
        orchestrator_earnings=earnings,
        delegator_earnings=delegators,
        profit_lpt=earnings - cost_lpt,
        break_even_stake=break_even_stake(network, orchestrator.self_stake, orchestrator.reward_cut, cost_lpt),
        prices=prices,
    )


def evaluate(inputs: ProfitabilityInputs) -> tuple[CallEconomics, ...]:
    """Economics of the call on every layer in ``inputs.calls``, in order."""
    return tuple(evaluate_call(inputs.network, inputs.orchestrator, inputs.prices, call) for call in inputs.calls)


# --------------------------------------------------------------------------------------
# Seed-era reference inputs: the defaults of every command that judges a reward() call
# --------------------------------------------------------------------------------------
#
# ``profitability`` uses them for every input not given (with --from-chain: the prices, and
# the gas of a call the account cannot send now); ``call-reward --if-profitable`` uses the
# same prices.  Gas a command can estimate on a connected chain is estimated instead.

#: Network state around the seed documents (late 2021 - early 2022).
#:
#: * Total supply 25,000,000 LPT: an undated overview of LPT from the period
#:   (collectiveshift.io/lpt, inflation then 0.019 % per round) gives 24.9M LPT;
#:   rounded.
#: * Inflation 218,500 / 1e9 (0.02185 %) per round: the rate the protocol
#:   carried over to Arbitrum at the Feb 2022 migration (LIP-73), i.e. the
#:   end-of-era L1 value.
#: * Total active stake 13,000,000 LPT (52 % of supply): the forum post below
#:   says inflation "continues to decrease", which the protocol does only while
#:   the bonded share is above its 50 % target; 52 % is an assumption inside
#:   that bound.
SEED_ERA_NETWORK = NetworkState(
    total_supply=25_000_000 * LPT_UNIT,
    inflation=218_500,
    total_active_stake=13_000_000 * LPT_UNIT,
)

#: The blog's threshold orchestrator: a 50,000 LPT pool, a 25 % cut, no self-stake.
SEED_ERA_ORCHESTRATOR = OrchestratorPosition(
    stake=50_000 * LPT_UNIT,
    self_stake=0,
    reward_cut=250_000,
)

#: LPT $30, ETH $3,500: assumed round figures for Dec 2021 - Jan 2022, when the
#: blog post (seed 000) was written (from memory of the market, not a cited
#: source).  Only their ratio (ETH = 116.7 LPT) matters for break-even stakes.
SEED_ERA_PRICES = Prices(lpt_usd=Fraction(30), eth_usd=Fraction(3500))

#: An L1 ``reward()`` at 300,000 gas and 150 gwei: 0.045 ETH, $157.50 at the
#: reference ETH price.  Calibrated, not measured: this fee is what puts the
#: break-even of a 25 %-cut orchestrator with no self-stake at ~50,000 LPT, the
#: blog's figure (seed 000: "a high reward cut of 25% and ... more than 50,000
#: LPT").  Compare the Livepeer forum post "Using a reward period to reduce the
#: frequency of reward calls" (forum.livepeer.org/t/1130, 2021, before the
#: blog): gas at 200-300 gwei, a call costing $68 at 325 gwei, which minted
#: $127 with a 25 % cut and 2.4 % self-stake and earned the orchestrator about
#: $34 (the post says $34.79, adding the self-stake's share of the whole mint
#: rather than of the delegators' part; this model gives $34.04), a $33 loss.
#: At 325 gwei this reference call would cost $341, five times that $68: the
#: forum's call used less gas or was priced at a lower ETH price, and no
#: single gas figure matches both sources at late-2021 prices.  The reference
#: follows the blog's threshold; ``--layer l1 --gas-used ... --gas-price-gwei
#: ... --eth-usd ...`` explores the forum's case.
SEED_ERA_L1_CALL = RewardCallCost(layer="l1", gas_used=300_000, gas_price=150 * GWEI)

#: An L2 (Arbitrum) ``reward()`` at 120,000 gas and 0.1 gwei: 0.000012 ETH.
#: 0.1 gwei was Arbitrum One's minimum L2 base fee from its Nitro upgrade
#: (2022) until it was lowered in 2024.  120,000 gas is the budget set for
#: this project's L2 ``reward()`` (today's deployed Arbitrum BondingManager,
#: with vote checkpoints and a treasury cut, uses 350-450k per Livepeer's docs).
SEED_ERA_L2_CALL = RewardCallCost(layer="l2", gas_used=120_000, gas_price=GWEI // 10)

SEED_ERA_CALLS = {"l1": SEED_ERA_L1_CALL, "l2": SEED_ERA_L2_CALL}


def seed_era_inputs(layers: tuple[str, ...] = LAYERS) -> ProfitabilityInputs:
    """The documented seed-era reference inputs, for the given layers (in that order)."""
    return ProfitabilityInputs(
        network=SEED_ERA_NETWORK,
        orchestrator=SEED_ERA_ORCHESTRATOR,
        prices=SEED_ERA_PRICES,
        calls=tuple(SEED_ERA_CALLS[layer] for layer in layers),
    )


# --------------------------------------------------------------------------------------
# Minting modes: where inflation is minted, and what keeps it coming
# --------------------------------------------------------------------------------------

#: ``"l2"``: the L2 Minter mints at each ``reward()`` on L2; ``"l1"``: the L1 Minter mints a whole L1 round at
#: its initialization and sends it to L2, where ``reward()`` hands it out over the L1 round's L2 rounds.
MINTING_MODES = ("l2", "l1")


@dataclass(frozen=True)
class KeeperWork:
    """The work, besides the orchestrators' ``reward()`` calls, that keeps one minting mode issuing rewards for
    one L1 round.

    Attributes:
        mode: One of :data:`MINTING_MODES`.
        l1_gas: L1 gas per L1 round: with L2 minting one L1 supply report; with L1 minting the L1 round's
            initialization that mints and sends the rewards, and one report of the L2 staked supply (the
            oracle's reading must be fresh when the round starts).
        l2_gas: L2 gas per L1 round of the retryable tickets those L1 transactions create (the supply report's
            delivery; the rewards' deposit), bought on L1 with the ticket.
    """

    mode: str
    l1_gas: int
    l2_gas: int

    def __post_init__(self) -> None:
        _require(self.mode in MINTING_MODES, "mode", f"must be one of {', '.join(MINTING_MODES)}, got {self.mode!r}")
        for name in ("l1_gas", "l2_gas"):
            _require_int(getattr(self, name), name)
            _require(getattr(self, name) >= 0, name, "cannot be negative")

    def cost_wei(self, l1_gas_price: int, l2_gas_price: int) -> int:
        """What one L1 round of this work costs, in wei, at the two layers' gas prices."""
        return self.l1_gas * l1_gas_price + self.l2_gas * l2_gas_price


@dataclass(frozen=True)
class MintingEconomics:
    """One minting mode in numbers: an orchestrator's L2 ``reward()`` call in it, and the keeper cost per L1 round.

    ``minted_per_l1_round`` is what the L2 rounds of one L1 round issue together (``K`` times a round's
    mintable): L2 minting mints it round by round, L1 minting at once.  ``keeper_cost_lpt`` is rounded up.
    """

    mode: str
    rounds_per_l1_round: int
    call: CallEconomics
    keeper: KeeperWork
    keeper_cost_wei: int
    keeper_cost_lpt: int
    minted_per_l1_round: int

    @property
    def keeper_share(self) -> Fraction:
        """The keeper cost as a share of what one L1 round issues (0 when nothing is issued)."""
        if self.minted_per_l1_round == 0:
            return Fraction(0)
        return Fraction(self.keeper_cost_lpt, self.minted_per_l1_round)


def evaluate_minting(
    network: NetworkState,
    orchestrator: OrchestratorPosition,
    prices: Prices,
    gas_prices: dict[str, int],
    rounds_per_l1_round: int,
    reward_gas: dict[str, int],
    keeper: dict[str, KeeperWork],
    modes: tuple[str, ...] = MINTING_MODES,
) -> tuple[MintingEconomics, ...]:
    """Each of ``modes`` in numbers: ``orchestrator``'s L2 ``reward()`` at the mode's ``reward_gas`` and the L2 gas
    price, and the mode's ``keeper`` work per L1 round at both layers' ``gas_prices`` (``{"l1": ..., "l2": ...}``).

    ``network.inflation`` is per L2 round in both modes: an L1 round of L1 minting issues what its
    ``rounds_per_l1_round`` L2 rounds would, so that both modes issue the same and only their costs differ.
    """
    _require_int(rounds_per_l1_round, "rounds_per_l1_round")
    _require(rounds_per_l1_round >= 1, "rounds_per_l1_round", "must be at least 1")
    results = []
    for mode in modes:
        call = evaluate_call(network, orchestrator, prices, RewardCallCost("l2", reward_gas[mode], gas_prices["l2"]))
        cost = keeper[mode].cost_wei(gas_prices["l1"], gas_prices["l2"])
        results.append(
            MintingEconomics(
                mode=mode,
                rounds_per_l1_round=rounds_per_l1_round,
                call=call,
                keeper=keeper[mode],
                keeper_cost_wei=cost,
                keeper_cost_lpt=math.ceil(prices.wei_to_lpt(cost)),
                minted_per_l1_round=network.mintable * rounds_per_l1_round,
            )
        )
    return tuple(results)


#: Gas of each mode's L2 ``reward()`` (an orchestrator's later rounds) and keeper work per L1 round, measured on
#: this project's contracts by ``bench/gas_monetary.py`` (the same scenario in both modes; ``make bench`` writes
#: the figures to ``bench/results.json``); ``tests/bench/test_monetary.py`` measures again and checks them.
MEASURED_REWARD_GAS = {"l2": 98_642, "l1": 100_781}
MEASURED_KEEPER = {
    # one L1 supply report (L1SupplyReporter.reportSupply) and its L2 call (L2Minter.receiveL1Supply)
    "l2": KeeperWork("l2", l1_gas=107_718, l2_gas=31_490),
    # the L1 round's start with its mint and deposit (254,832) plus one oracle report (45,917); the deposit's L2 call
    "l1": KeeperWork("l1", l1_gas=300_749, l2_gas=66_288),
}
