"""profitability read from a system that mints on L1: the L2 round's share of the L1 round's mint, L1 reward() not
costed (it reverts in this mode), and --minting estimating the system's own mode."""

from __future__ import annotations

import pytest

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.oracle import report_l2_stake
from ape_livepeer_migration.bridge.transfers import bridge_in
from ape_livepeer_migration.session import rewards
from ape_livepeer_migration.session.livepeer import Livepeer
from ape_livepeer_migration.session.preflight import Preflight
from ape_livepeer_migration.testing.actors import register_orchestrator
from ape_livepeer_migration.testing.rounds import an_hour_passes, mine_to_next_round, next_round

from .conftest import LPT, ROUNDS_PER_L1_ROUND, l1_minting_world

world = l1_minting_world()


@pytest.fixture(scope="module")
def system(two_chains, world, module_book):
    """The module's L1-minting system in which o1 is an orchestrator on L2 and one L1 round's rewards have arrived on
    L2 (inside the world's isolation: undone with it)."""
    s = Livepeer.open(two_chains, module_book).system
    s.l1.minter.fundGasBudget(value=10**18, sender=world.governor)

    def deliver(receipt):
        (message,) = sim_api.fetch_retryables(s.sim, receipt.block_number, receipt.block_number)
        sim_api.deliver_retryable(s.sim, message)

    deliver(bridge_in(s.bridge, world.o1, world.o1.address, 10_000 * LPT, approve=True).receipt)
    next_round(two_chains.l2, s.l2_rounds)
    s.l2_token.approve(s.l2_bonding_manager.address, 10_000 * LPT, sender=world.o1)
    register_orchestrator(s.l2_bonding_manager, world.o1, 10_000 * LPT, reward_cut=100_000, fee_share=500_000)
    next_round(two_chains.l2, s.l2_rounds)
    an_hour_passes(two_chains)  # the local anvils' clocks drift apart; Arbitrum's follows L1's
    report_l2_stake(s, world.operator)
    mine_to_next_round(two_chains.l1, s.l1.rounds)
    deliver(s.l1.rounds.initializeRound(sender=world.governor))  # mints the L1 round and sends it
    next_round(two_chains.l2, s.l2_rounds)
    return s, world


def test_from_chain_reads_the_l2_rounds_share_of_the_l1_mint(chains, system):
    s, w = system
    estimate = rewards.profitability_from_chain(s, Preflight(chains), w.o1.address, ("l1", "l2"))
    network = estimate.inputs.network
    assert network.total_supply == s.l1.minter.inflationSupply()
    assert network.inflation == s.l1.minter.inflation() // ROUNDS_PER_L1_ROUND
    assert estimate.gas_sources == {"l1": "reference", "l2": "estimated"}  # L1 reward() reverts in this mode
    l2 = next(result for result in estimate.results if result.layer == "l2")
    offered = s.l2_minter.currentMintableTokens()
    assert offered > 0 and abs(l2.reward - offered) <= offered // 100  # o1 holds all the stake: the round's part
    pool = s.l2_bonding_manager.getTranscoder(w.o1.address).delegatedAmount
    receipt = s.l2_bonding_manager.reward(sender=w.o1)
    assert s.l2_bonding_manager.getTranscoder(w.o1.address).delegatedAmount - pool == offered
    assert abs(l2.gas_used - receipt.gas_used) <= receipt.gas_used // 20


def test_minting_estimates_the_systems_own_mode(chains, system):
    s, w = system
    estimate = rewards.profitability_from_chain(s, Preflight(chains), w.o1.address, ("l1", "l2"))
    comparison = rewards.minting_from_chain(s, estimate, ("l2", "l1"))
    assert comparison.gas_sources == {"l2": "measured", "l1": "estimated"}
    assert [result.rounds_per_l1_round for result in comparison.results] == [ROUNDS_PER_L1_ROUND, ROUNDS_PER_L1_ROUND]
    (l2_call,) = (call for call in estimate.inputs.calls if call.layer == "l2")
    assert comparison.results[1].call.gas_used == l2_call.gas_used
    data = comparison.as_json()
    assert data["modes"]["l1"]["reward"]["gas_source"] == "estimated"
    minted_per_l1_round = int(data["modes"]["l1"]["minted_per_l1_round_lpt_wei"])
    assert minted_per_l1_round == ROUNDS_PER_L1_ROUND * estimate.inputs.network.mintable
