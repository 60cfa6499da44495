"""The reward-call economics model: exact arithmetic, the break-even closed form, the seed-era figures."""

import math
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ape_livepeer_migration.exceptions import InputError
from ape_livepeer_migration.protocol import economics as econ
from ape_livepeer_migration.protocol.economics import (
    GWEI,
    LPT_UNIT,
    NetworkState,
    OrchestratorPosition,
    Prices,
    ProfitabilityInputs,
    RewardCallCost,
)

#: The blog (seed 000): profitable L1 reward calls needed a 25 % cut and more than 50,000 LPT.
BLOG_BREAK_EVEN_LPT = 50_000
#: How close the seed-era reference must land to the blog's figure.
BLOG_TOLERANCE = 0.05


def seed_results():
    return {result.layer: result for result in econ.evaluate(econ.seed_era_inputs())}


def test_mintable_is_supply_times_inflation_floored():
    assert econ.mintable_per_round(25_000_000 * LPT_UNIT, 218_500) == 5_462_500 * LPT_UNIT // 1000
    assert econ.mintable_per_round(999, 1) == 0
    assert econ.SEED_ERA_NETWORK.mintable == 5462_500000000000000000


def test_call_reward_is_the_pool_share_floored():
    assert econ.call_reward(mintable=100, stake=1, total_active_stake=3) == 33
    assert econ.call_reward(mintable=5462 * LPT_UNIT, stake=13 * LPT_UNIT, total_active_stake=13_000 * LPT_UNIT) == (
        5462 * LPT_UNIT // 1000
    )


def test_forum_example_orchestrator_earnings():
    # forum.livepeer.org/t/1130: a call minted $127, cut 25 %, self-stake 2.4 % of the pool.
    # At $1 per LPT the reward is 127 LPT; the orchestrator keeps 31.75 + 95.25 * 2.4 % = 34.036.
    orchestrator = OrchestratorPosition(stake=1000 * LPT_UNIT, self_stake=24 * LPT_UNIT, reward_cut=250_000)
    earnings, delegators = econ.split_reward(127 * LPT_UNIT, orchestrator)
    assert earnings == 34_036 * LPT_UNIT // 1000
    assert delegators == 127 * LPT_UNIT - earnings
    # The post's $34.79 adds the self-stake's share of the whole mint; the difference is the
    # commission on the self-stake's own share, cut * (s / S) * R.
    assert Fraction(34_790, 1000) - Fraction(earnings, LPT_UNIT) == pytest.approx(0.25 * 0.024 * 127, abs=0.01)


@given(
    reward=st.integers(min_value=0, max_value=10**30),
    stake=st.integers(min_value=1, max_value=10**28),
    self_fraction=st.fractions(min_value=0, max_value=1),
    cut=st.integers(min_value=0, max_value=econ.REWARD_CUT_PRECISION),
)
def test_split_matches_both_documented_forms(reward, stake, self_fraction, cut):
    self_stake = int(stake * self_fraction)
    orchestrator = OrchestratorPosition(stake=stake, self_stake=self_stake, reward_cut=cut)
    earnings, delegators = econ.split_reward(reward, orchestrator)
    assert earnings + delegators == reward
    assert earnings >= 0 and delegators >= 0
    c = Fraction(cut, econ.REWARD_CUT_PRECISION)
    commission_then_share = c * reward + (1 - c) * reward * Fraction(self_stake, stake)
    delegators_cut_plus_self = c * reward * Fraction(stake - self_stake, stake) + reward * Fraction(self_stake, stake)
    assert commission_then_share == delegators_cut_plus_self
    # two floor divisions: at most two base units below the exact value
    assert 0 <= commission_then_share - earnings < 2


def test_seed_era_l1_break_even_is_the_blogs_50k_at_a_25_percent_cut():
    l1 = seed_results()["l1"]
    assert econ.SEED_ERA_ORCHESTRATOR.reward_cut == 250_000
    assert econ.SEED_ERA_ORCHESTRATOR.self_stake == 0
    break_even_lpt = l1.break_even_stake / LPT_UNIT
    assert abs(break_even_lpt - BLOG_BREAK_EVEN_LPT) <= BLOG_TOLERANCE * BLOG_BREAK_EVEN_LPT
    # exact closed form: C * T / (M * c) = 5.25 LPT * 13e6 LPT / (5462.5 LPT * 0.25), rounded up
    expected = Fraction(525, 100) * 13_000_000 / (Fraction(54625, 10) * Fraction(1, 4))
    assert l1.break_even_stake == math.ceil(expected * LPT_UNIT)


def test_seed_era_l2_break_even_is_orders_of_magnitude_lower():
    results = seed_results()
    l1, l2 = results["l1"], results["l2"]
    assert l2.break_even_stake * 1000 < l1.break_even_stake
    assert l2.break_even_stake < 100 * LPT_UNIT
    assert econ.SEED_ERA_L2_CALL.gas_used <= 120_000
    assert econ.SEED_ERA_L2_CALL.gas_price == GWEI // 10


def test_seed_era_costs_in_eth_usd_and_lpt():
    results = seed_results()
    assert results["l1"].cost_wei == 45 * 10**15  # 300k gas at 150 gwei
    assert results["l1"].cost_usd == Fraction(315, 2)  # $157.50
    assert results["l1"].cost_lpt == 525 * LPT_UNIT // 100  # 5.25 LPT at ETH/LPT = 3500/30
    assert results["l2"].cost_wei == 12 * 10**12
    assert results["l2"].cost_lpt == 14 * LPT_UNIT // 10_000
    # the documented comparison with the forum's $68 call at 325 gwei
    at_325_gwei = replace(econ.SEED_ERA_L1_CALL, gas_price=325 * GWEI)
    forum_gas_price = econ.evaluate_call(
        econ.SEED_ERA_NETWORK, econ.SEED_ERA_ORCHESTRATOR, econ.SEED_ERA_PRICES, at_325_gwei
    )
    assert forum_gas_price.cost_usd == Fraction(34125, 100)  # $341.25, about five times $68


def test_profit_is_earnings_minus_cost_and_sign_decides_profitable():
    for result in seed_results().values():
        assert result.profit_lpt == result.orchestrator_earnings - result.cost_lpt
        assert result.profitable == (result.profit_lpt >= 0)
        assert float(result.profit_usd) == pytest.approx(result.profit_lpt / LPT_UNIT * 30, abs=1e-9)
    inputs = econ.seed_era_inputs(("l1",))
    small = replace(inputs, orchestrator=replace(inputs.orchestrator, stake=10_000 * LPT_UNIT))
    (result,) = econ.evaluate(small)
    assert not result.profitable
    assert result.profit_usd < 0


CASES = [
    # (self-stake LPT, cut ppm, pool stakes are searched around the break-even)
    (0, 250_000),
    (2_000, 250_000),
    (10_000, 100_000),
    (500, 1_000_000),
]


@pytest.mark.parametrize("self_stake_lpt,cut", CASES)
def test_break_even_separates_loss_from_profit(self_stake_lpt, cut):
    network, prices, call = econ.SEED_ERA_NETWORK, econ.SEED_ERA_PRICES, econ.SEED_ERA_L1_CALL
    cost_lpt = math.ceil(prices.wei_to_lpt(call.cost_wei))
    break_even = econ.break_even_stake(network, self_stake_lpt * LPT_UNIT, cut, cost_lpt)
    assert break_even is not None and break_even > self_stake_lpt * LPT_UNIT
    margin = LPT_UNIT // 100
    below = OrchestratorPosition(stake=break_even - margin, self_stake=self_stake_lpt * LPT_UNIT, reward_cut=cut)
    above = replace(below, stake=break_even + margin)
    assert not econ.evaluate_call(network, below, prices, call).profitable
    assert econ.evaluate_call(network, above, prices, call).profitable


def test_break_even_edge_cases():
    network = econ.SEED_ERA_NETWORK
    cost = 5 * LPT_UNIT
    covering_self_stake = -(-cost * network.total_active_stake // network.mintable)
    # no cut: only the self-stake earns, so it must cover the cost alone
    assert econ.break_even_stake(network, covering_self_stake, 0, cost) == covering_self_stake
    assert econ.break_even_stake(network, covering_self_stake - LPT_UNIT, 0, cost) is None
    # a self-stake that covers the cost: any pool holding it breaks even
    assert econ.break_even_stake(network, covering_self_stake, 250_000, cost) == covering_self_stake
    # required stake beyond the whole active stake: unreachable
    assert econ.break_even_stake(network, 0, 1, cost) is None
    # free call: the smallest pool breaks even
    assert econ.break_even_stake(network, 0, 250_000, 0) == 1
    # nothing mintable: nothing to earn
    tiny = NetworkState(total_supply=10, inflation=1, total_active_stake=10)
    assert econ.break_even_stake(tiny, 0, 250_000, 1) is None
    # no inflation (a chain can be there): every call is a loss
    still = replace(network, inflation=0)
    assert econ.break_even_stake(still, 0, 250_000, 1) is None
    position = OrchestratorPosition(stake=network.total_active_stake, self_stake=0, reward_cut=250_000)
    assert econ.evaluate_call(still, position, econ.SEED_ERA_PRICES, econ.SEED_ERA_L2_CALL).reward == 0


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"self_stake": -1, "reward_cut": 0, "cost_lpt": 1}, "self_stake"),
        ({"self_stake": 0, "reward_cut": -1, "cost_lpt": 1}, "reward_cut"),
        ({"self_stake": 0, "reward_cut": 1_000_001, "cost_lpt": 1}, "reward_cut"),
        ({"self_stake": 0, "reward_cut": 0, "cost_lpt": -1}, "cost_lpt"),
    ],
)
def test_break_even_rejects_impossible_inputs(kwargs, field):
    with pytest.raises(InputError) as info:
        econ.break_even_stake(econ.SEED_ERA_NETWORK, **kwargs)
    assert info.value.field == field


NETWORK = {"total_supply": 100, "inflation": 1000, "total_active_stake": 50}
POSITION = {"stake": 10, "self_stake": 1, "reward_cut": 1000}
CALL = {"layer": "l1", "gas_used": 1, "gas_price": 1}


@pytest.mark.parametrize(
    "cls,base,changes,field,message",
    [
        (NetworkState, NETWORK, {"total_supply": 0}, "total_supply", "greater than 0"),
        (NetworkState, NETWORK, {"total_supply": 1.5}, "total_supply", "integer"),
        (NetworkState, NETWORK, {"inflation": -1}, "inflation", "between 0 % and 100 %"),
        (NetworkState, NETWORK, {"inflation": 10**9 + 1}, "inflation", "between 0 % and 100 %"),
        (NetworkState, NETWORK, {"total_active_stake": 0}, "total_active_stake", "greater than 0"),
        (NetworkState, NETWORK, {"total_active_stake": 101}, "total_active_stake", "exceed the total supply"),
        (OrchestratorPosition, POSITION, {"stake": 0}, "stake", "greater than 0"),
        (OrchestratorPosition, POSITION, {"stake": True}, "stake", "integer"),
        (OrchestratorPosition, POSITION, {"self_stake": -1}, "self_stake", "negative"),
        (OrchestratorPosition, POSITION, {"self_stake": 11}, "self_stake", "exceed the pool stake"),
        (OrchestratorPosition, POSITION, {"reward_cut": -1}, "reward_cut", "between 0 % and 100 %"),
        (OrchestratorPosition, POSITION, {"reward_cut": 10**6 + 1}, "reward_cut", "between 0 % and 100 %"),
        (RewardCallCost, CALL, {"layer": "l3"}, "layer", "one of l1, l2"),
        (RewardCallCost, CALL, {"gas_used": 0}, "gas_used", "greater than 0"),
        (RewardCallCost, CALL, {"gas_price": 0}, "gas_price", "greater than 0"),
        (RewardCallCost, CALL, {"gas_price": "1"}, "gas_price", "integer"),
        (Prices, {"lpt_usd": 1, "eth_usd": 1}, {"lpt_usd": 0}, "lpt_usd", "greater than 0"),
        (Prices, {"lpt_usd": 1, "eth_usd": 1}, {"eth_usd": Fraction(-1)}, "eth_usd", "greater than 0"),
        (Prices, {"lpt_usd": 1, "eth_usd": 1}, {"eth_usd": 3500.0}, "eth_usd", "exact"),
    ],
)
def test_dataclasses_reject_impossible_inputs(cls, base, changes, field, message):
    with pytest.raises(InputError) as info:
        cls(**{**base, **changes})
    assert info.value.field == field
    assert message in info.value.message
    assert str(info.value).startswith(f"{field}: ")


def test_valid_dataclasses_construct():
    assert NetworkState(**NETWORK).mintable == 0
    assert OrchestratorPosition(**POSITION).stake == 10
    assert RewardCallCost(**CALL).cost_wei == 1
    assert Prices(lpt_usd=2, eth_usd=Fraction(7, 2)).wei_to_lpt(4) == 7


@pytest.mark.parametrize(
    "calls,stake,field,message",
    [
        ((), 1, "calls", "at least one layer"),
        ((econ.SEED_ERA_L1_CALL, econ.SEED_ERA_L1_CALL), 1, "calls", "duplicate layer"),
        ((econ.SEED_ERA_L1_CALL,), 13_000_001 * LPT_UNIT, "stake", "total active stake"),
    ],
)
def test_inputs_reject_inconsistent_combinations(calls, stake, field, message):
    orchestrator = OrchestratorPosition(stake=stake, self_stake=0, reward_cut=0)
    with pytest.raises(InputError) as info:
        ProfitabilityInputs(
            network=econ.SEED_ERA_NETWORK, orchestrator=orchestrator, prices=econ.SEED_ERA_PRICES, calls=calls
        )
    assert info.value.field == field
    assert message in info.value.message


def test_seed_era_inputs_follow_the_requested_layers():
    assert [call.layer for call in econ.seed_era_inputs().calls] == ["l1", "l2"]
    assert [call.layer for call in econ.seed_era_inputs(("l2", "l1")).calls] == ["l2", "l1"]
    assert [call.layer for call in econ.seed_era_inputs(("l2",)).calls] == ["l2"]
