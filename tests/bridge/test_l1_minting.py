"""The L1-minting mode on two chains: the oracle's report, an L1 round minted and sent in its initialization, the
rewards relayed and handed out on L2 by ``reward()`` without minting, and withdrawals the escrow pays alone."""

from __future__ import annotations

import pytest
from shared import LPT, MAX_UINT

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.migration import migrate
from ape_livepeer_migration.bridge.oracle import read_l2_stake, report_l2_stake
from ape_livepeer_migration.bridge.system import System, deploy_system, mode_contracts, switch_l1_inflation_off
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, report_l1_supply
from ape_livepeer_migration.exceptions import InputError, LivepeerError
from ape_livepeer_migration.testing.actors import register_orchestrator
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import next_round

#: L2 rounds per L1 round, and the L2 round's length in blocks.
K = 3
L2_ROUND = 10


@pytest.fixture(scope="module")
def system(two_chains, sim, governor, alice, bob):
    """An L1-minting system on the package's simulator, undone at the end of the module; the L1 Minter's gas
    budget holds 1 ETH."""
    with two_chains.isolated():
        s = deploy_system(
            two_chains,
            governor,
            sim=sim,
            genesis={a.address: 1_000_000 * LPT for a in (alice, bob)},
            l2_params={"round_length": L2_ROUND},
            inflation="l1",
            rounds_per_l1_round=K,
        )
        s.l1.minter.fundGasBudget(value=10**18, sender=governor)
        yield s


def _orchestrator_on_l2(system, deliver, who, amount):
    """``who`` bridges ``amount`` to itself on L2 and registers there as an orchestrator (active next round)."""
    system.l1.token.approve(system.bridge.l1_gateway.address, amount, sender=who)
    deliver(bridge_in(system.bridge, who, who.address, amount).receipt)
    next_round(system.chains.l2, system.l2_rounds)
    system.l2_token.approve(system.l2_bonding_manager.address, MAX_UINT, sender=who)
    register_orchestrator(system.l2_bonding_manager, who, amount, reward_cut=100_000, fee_share=500_000)
    next_round(system.chains.l2, system.l2_rounds)


def test_the_mode_is_wired_and_recorded(system, governor):
    assert system.inflation == "l1"
    assert list(system.addresses) == list(mode_contracts("l1"))
    assert system.book_entry["inflation"] == "l1"
    assert system.bridge.l1_supply_reporter is None
    assert system.l1.rounds.roundLength() == K * system.l2_rounds.roundLength()
    minter = system.l1.minter
    for contract in (system.bridge.l1_gateway, system.l1_migrator, system.l1.bonding_manager):
        assert not minter.isMintingDelegate(contract.address)
    assert not system.l2_minter.isMintingDelegate(system.l2_bonding_manager.address)
    assert system.l2_minter.isMintingDelegate(system.bridge.l2_gateway.address)
    assert system.l2_minter.isMintingDelegate(system.l2_migrator.address)  # migrated stake, escrowed on L1
    assert system.l2_minter.roundsPerL1Round() == K
    assert system.l1.stake_oracle.isReporter(governor.address)
    bound = System.at(system.chains, system.sim, system.bridge.inbox, system.book_entry)
    assert bound.inflation == "l1"
    assert bound.addresses == system.addresses
    assert bound.l1.minter.l2Minter() == system.l2_minter.address
    assert bound.l2_minter.l1Minter() == system.l1.minter.address
    with pytest.raises(LivepeerError, match="no L1 supply reporter"):
        report_l1_supply(system.bridge, governor)
    with pytest.raises(LivepeerError, match="no L1 inflation"):
        switch_l1_inflation_off(system, governor)


def test_an_l1_round_mints_sends_and_is_handed_out_on_l2(system, governor, alice, bob, deliver, mallory):
    bridge = system.bridge
    _orchestrator_on_l2(system, deliver, alice, 10_000 * LPT)

    reading = read_l2_stake(system)
    assert reading.staked_supply == 10_000 * LPT
    report = report_l2_stake(system, governor)
    assert system.l1.stake_oracle.stakedSupply() == 10_000 * LPT
    with reverts("NotReporter"):
        report_l2_stake(system, mallory)

    supply = system.l1.token.totalSupply()
    next_round(system.chains.l1, system.l1.rounds, keeper=mallory)  # anyone starts the round
    amount = system.l1.minter.currentMintableTokens()
    assert amount > 0
    assert system.l1.token.totalSupply() == supply + amount
    with system.chains.l1:
        from ape import chain

        start = chain.blocks.head.number
    (message,) = sim_api.fetch_retryables(system.sim, start, start)  # one retryable, in the same transaction
    assert message.to == str(bridge.l2_gateway.address)
    sim_api.deliver_retryable(system.sim, message)
    assert system.l2_minter.totalReceived() == amount

    l2_supply = system.l2_token.totalSupply()
    next_round(system.chains.l2, system.l2_rounds)
    offered = system.l2_minter.currentMintableTokens()
    assert offered == amount // K
    stake = system.l2_bonding_manager.getTranscoder(alice.address).delegatedAmount
    system.l2_bonding_manager.reward(sender=alice)  # alice holds all the stake: the whole round's part
    assert system.l2_bonding_manager.getTranscoder(alice.address).delegatedAmount == stake + offered
    assert system.l2_token.totalSupply() == l2_supply  # handed out, not minted
    assert system.l2_minter.totalDistributed() == offered
    with reverts("RewardAlreadyCalled"):
        system.l2_bonding_manager.reward(sender=alice)

    # a withdrawal is paid from the escrow alone: the L1 gateway never mints in this mode
    deliver(bridge_in(bridge, bob, bob.address, 5 * LPT).receipt)
    bridge_out(bridge, bob, bob.address, 5 * LPT)
    messages = sim_api.fetch_l2_to_l1(system.sim, 0, system.chains.l2.block_number)
    assertion = sim_api.assert_send_root(system.sim, messages)
    sim_api.mine_l1_until(system.sim, assertion.confirmable_at_block)
    before = system.l1.token.totalSupply()
    sim_api.execute_l2_to_l1(system.sim, messages[-1], sim_api.proof_for(messages, len(messages) - 1))
    assert system.l1.token.totalSupply() == before
    assert bridge.l1_gateway.totalMinted() == 0
    assert report.gas_used > 0


def test_l1_reward_refuses_in_this_mode(system, alice):
    bm = system.l1.bonding_manager
    system.l1.token.approve(bm.address, MAX_UINT, sender=alice)
    next_round(system.chains.l1, system.l1.rounds)
    register_orchestrator(bm, alice, 1_000 * LPT)
    next_round(system.chains.l1, system.l1.rounds)
    with reverts("RewardsMintedForL2"):
        bm.reward(sender=alice)


def test_a_migration_mints_its_escrowed_stake_on_l2(system, bob, deliver):
    """The L2Migrator mints migrated stake through the distributing minter as in the L2-minting mode: the LPT is in
    the L1 escrow, and none of it counts as rewards."""
    bm = system.l1.bonding_manager
    system.l1.token.approve(bm.address, MAX_UINT, sender=bob)
    next_round(system.chains.l1, system.l1.rounds)
    register_orchestrator(bm, bob, 1_000 * LPT)
    next_round(system.chains.l1, system.l1.rounds)
    escrow, l2_supply = system.l1.token.balanceOf(system.bridge.l1_escrow.address), system.l2_token.totalSupply()
    sent = migrate(system, bob)
    assert deliver(sent.receipt).status is sim_api.DeliveryStatus.REDEEMED
    assert system.l1.token.balanceOf(system.bridge.l1_escrow.address) == escrow + 1_000 * LPT
    assert system.l2_token.totalSupply() == l2_supply + 1_000 * LPT
    assert system.l2_bonding_manager.getTranscoder(bob.address).delegatedAmount == 1_000 * LPT
    assert system.l2_minter.totalReceived() == 0 and system.l2_migrator.totalMigrated() == 1_000 * LPT


def test_the_l1_round_length_is_k_l2_rounds(two_chains, sim, governor):
    with pytest.raises(InputError, match="set round_length for L2 only"):
        deploy_system(
            two_chains,
            governor,
            sim=sim,
            l1_params={"round_length": 50},
            l2_params={"round_length": 10},
            inflation="l1",
        )
    with pytest.raises(InputError, match="unknown inflation mode"):
        deploy_system(two_chains, governor, sim=sim, inflation="l3")


def test_the_address_book_records_the_mode_and_attaches_it(two_chains, sim, governor, tmp_path):
    from ape_livepeer_migration.session.addressbook import AddressBook
    from ape_livepeer_migration.session.deployment import Deployment

    def book():
        return AddressBook.open(
            tmp_path / "book.json", two_chains.pair.name, two_chains.l1.chain_id, two_chains.l2.chain_id
        )

    book().record("simulator", sim_api.simulator_deployment(sim))  # the package's simulator carries the messages
    with two_chains.isolated():
        made = Deployment(two_chains, book(), tmp_path / "journal").deploy(
            governor, params={"round_length": L2_ROUND}, inflation="l1", rounds_per_l1_round=K
        )
        assert book().get("system") == {**made.addresses, "inflation": "l1"}
        attached = Deployment(two_chains, book(), tmp_path / "journal").system
        assert attached.inflation == "l1"
        assert attached.addresses == made.addresses
        assert attached.l2_minter.roundsPerL1Round() == K
