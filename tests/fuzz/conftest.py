"""The world the fuzzer plays in: the whole system on one L1 + L2 pair, deployed once per test process."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.scenario import next_rounds, register_orchestrator
from ape_livepeer_migration.bridge.system import System, deploy_system

from .ledger import Baseline, baseline

LPT = 10**18
MAX_UINT = 2**256 - 1
#: Short rounds and unbonding periods on both layers, so that a 20-step sequence sees several rounds.
ROUND_LENGTH = 40
UNBONDING_PERIOD = 2
#: Challenge period of L2 -> L1 messages, in L1 blocks.
CONFIRM_PERIOD_BLOCKS = 10
GENESIS = 10_000 * LPT


@dataclass(frozen=True)
class World:
    system: System
    governor: object
    operator: object
    orchestrators: tuple  # registered and active on L1 after the set-up
    delegators: tuple  # bonded on L1 to an orchestrator after the set-up
    fresh: object  # an address with nothing on either layer (an L2 destination of migrations)
    base: Baseline

    @property
    def people(self) -> tuple:
        return (*self.orchestrators, *self.delegators, self.fresh)


def initialize_rounds(system: System) -> None:
    """Initialize the current round on each layer where nobody has yet (what a keeper does)."""
    for rounds in (system.l1.rounds, system.l2_rounds):
        if not rounds.currentRoundInitialized():
            rounds.initializeRound(sender=system.l1.token.owner())


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


def _deploy_world(two_chains, accounts) -> World:
    """Two active L1 orchestrators (10% and 5% reward cut), four delegators split between them, one reward each;
    both layers' rounds initialized. The baseline is taken after the set-up."""
    governor, operator, fresh = accounts[0], accounts[9], accounts[1]
    orchestrators = (accounts[2], accounts[3])
    delegators = (accounts[4], accounts[5], accounts[6], accounts[7])
    params = {"round_length": ROUND_LENGTH, "unbonding_period": UNBONDING_PERIOD}
    sim = sim_api.deploy_simulator(two_chains, operator, confirm_period_blocks=CONFIRM_PERIOD_BLOCKS)
    system = deploy_system(
        two_chains,
        governor,
        sim=sim,
        genesis={a.address: GENESIS for a in (*orchestrators, *delegators)},
        l1_params=params,
        l2_params=params,
    )
    bm = system.l1.bonding_manager
    for a in (*orchestrators, *delegators):
        system.l1.token.approve(bm.address, MAX_UINT, sender=a)
        system.l1.token.approve(system.bridge.l1_gateway.address, MAX_UINT, sender=a)
    for a in (*orchestrators, *delegators, fresh):
        system.l2_token.approve(system.l2_bonding_manager.address, MAX_UINT, sender=a)
        system.l2_token.approve(system.bridge.l2_gateway.address, MAX_UINT, sender=a)
    next_rounds(system)
    for o, cut in zip(orchestrators, (100_000, 50_000)):
        register_orchestrator(bm, o, 2_000 * LPT, reward_cut=cut, fee_share=500_000)
    for i, d in enumerate(delegators):
        bm.bond((500 + 100 * i) * LPT, orchestrators[i % 2], sender=d)
    next_rounds(system)
    for o in orchestrators:
        bm.reward(sender=o)
    return World(system, governor, operator, orchestrators, delegators, fresh, baseline(system))
