"""The world the fuzzer plays in: the whole system on one L1 + L2 pair, deployed once per test process."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from shared import LPT, MAX_UINT

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.oracle import report_l2_stake
from ape_livepeer_migration.bridge.system import System, deploy_system
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.testing.actors import Cast, register_orchestrator
from ape_livepeer_migration.testing.invariants import Baseline, baseline
from ape_livepeer_migration.testing.rounds import next_rounds

#: Short rounds and unbonding periods on both layers, so that a 20-step sequence sees several rounds.
ROUND_LENGTH = 40
UNBONDING_PERIOD = 2
#: Challenge period of L2 -> L1 messages, in L1 blocks.
CONFIRM_PERIOD_BLOCKS = 10
#: With L1 minting: L2 rounds per L1 round.
ROUNDS_PER_L1_ROUND = 2
#: With L1 minting: ETH in the L1 Minter's budget for the retryables of the rounds' rewards.
GAS_BUDGET = 10**18
GENESIS = 10_000 * LPT


@dataclass(frozen=True)
class World:
    """The deployed system, who is who in it, and the invariants' baseline.

    ``cast``: the orchestrators are registered and active on L1 after the set-up, the delegators bonded on L1 to an
    orchestrator; the outsider has nothing on either layer (an L2 destination of migrations)."""

    system: System
    cast: Cast
    base: Baseline


@pytest.fixture(scope="package")
def two_chains():
    """A fresh L1 + L2 pair for this area alone: a derandomized run must start from the same chain state (block
    numbers decide rounds, nonces decide addresses) whatever areas ran before it in this test process."""
    with TwoChains.local() as pair:
        yield pair


@pytest.fixture(scope="package")
def world(two_chains, accounts):
    """The deployed world of :func:`_deploy_world`, on this area's own pair."""
    return _deploy_world(two_chains, accounts)


@pytest.fixture
def l1_minting_world(two_chains, accounts, world):
    """The world with rewards minted on L1 (:func:`_deploy_world` with ``inflation="l1"``), deployed for one test on
    the package world's simulator and undone after it."""
    with two_chains.isolated():
        yield _deploy_world(two_chains, accounts, inflation="l1", sim=world.system.sim)


def _deploy_world(two_chains, accounts, inflation: str = "l2", sim=None) -> World:
    """Two active L1 orchestrators (10% and 5% reward cut), four delegators split between them, one reward each;
    both layers' rounds initialized. The baseline is taken after the set-up.

    With ``inflation`` ``"l1"`` L1 ``reward()`` refuses (every round's rewards are minted for L2 when it starts), so
    the orchestrators call none; the simulator's operator is the L2 stake oracle's reporter and, after the set-up's
    rounds, reports once and funds the L1 Minter's gas budget: the current L1 round's mint waits for anyone to send
    it."""
    cast = Cast(
        governor=accounts[0],
        operator=accounts[9],
        orchestrators=(accounts[2], accounts[3]),
        delegators=(accounts[4], accounts[5], accounts[6], accounts[7]),
        outsider=accounts[1],
    )
    governor, orchestrators, delegators = cast.governor, cast.orchestrators, cast.delegators
    params = {"round_length": ROUND_LENGTH, "unbonding_period": UNBONDING_PERIOD}
    minting = {}
    if inflation == "l1":  # the L1 round is ROUNDS_PER_L1_ROUND L2 rounds
        minting = {
            "inflation": "l1",
            "rounds_per_l1_round": ROUNDS_PER_L1_ROUND,
            "stake_reporter": cast.operator.address,
        }
    if sim is None:
        sim = sim_api.deploy_simulator(two_chains, cast.operator, confirm_period_blocks=CONFIRM_PERIOD_BLOCKS)
    system = deploy_system(
        two_chains,
        governor,
        sim=sim,
        genesis={a.address: GENESIS for a in (*orchestrators, *delegators)},
        l1_params=params,
        l2_params=params,
        **minting,
    )
    bm = system.l1.bonding_manager
    for a in (*orchestrators, *delegators):
        system.l1.token.approve(bm.address, MAX_UINT, sender=a)
        system.l1.token.approve(system.bridge.l1_gateway.address, MAX_UINT, sender=a)
    for a in cast.people:
        system.l2_token.approve(system.l2_bonding_manager.address, MAX_UINT, sender=a)
        system.l2_token.approve(system.bridge.l2_gateway.address, MAX_UINT, sender=a)
    next_rounds(system)
    for o, cut in zip(orchestrators, (100_000, 50_000), strict=True):
        register_orchestrator(bm, o, 2_000 * LPT, reward_cut=cut, fee_share=500_000)
    for i, d in enumerate(delegators):
        bm.bond((500 + 100 * i) * LPT, orchestrators[i % 2], sender=d)
    next_rounds(system)
    if inflation == "l2":
        for o in orchestrators:
            bm.reward(sender=o)
    else:  # after the set-up's rounds, whose mints wait (no report yet): nothing is in flight at the baseline
        system.l1.minter.fundGasBudget(value=GAS_BUDGET, sender=cast.operator)
        report_l2_stake(system, cast.operator)
    return World(system, cast, baseline(system))
