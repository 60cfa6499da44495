"""L2 -> L1: burn on L2 with the holder's allowance, one message through ArbSys, the challenge period, Outbox
execution, release from the escrow and minting of the shortfall through the L1 Minter."""

from __future__ import annotations

import pytest
from ape import project
from eth_abi import encode as abi_encode
from shared import LPT

from ape_livepeer_migration._eth import function_selector
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out
from ape_livepeer_migration.testing.reverts import reverts


@pytest.fixture
def bridged(bridge, alice, deliver):
    """alice holds 10 LPT on L2, deposited by herself; the escrow holds 10 LPT."""
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    return 10 * LPT


def _l2_minted(bridge, to, amount, governor):
    """Inflation stand-in: the governor makes itself a delegate of the L2 Minter and mints."""
    bridge.l2_minter.addMintingDelegate(governor.address, sender=governor)
    bridge.l2_minter.mint(to, amount, sender=governor)
    bridge.l2_minter.removeMintingDelegate(governor.address, sender=governor)


def test_withdrawal_burns_sends_one_message_and_releases_from_the_escrow(
    chains, sim, bridge, l1_token, alice, bob, bridged, prove
):
    withdrawal = bridge_out(bridge, alice, bob.address, 4 * LPT)
    assert bridge.l2_token.balanceOf(alice.address) == 6 * LPT
    assert bridge.l2_token.totalSupply() == 6 * LPT
    assert bridge.l2_token.allowance(alice.address, bridge.l2_gateway.address) == 0
    assert bridge.l2_gateway.totalBurned() == 4 * LPT
    assert (withdrawal.exit_num, bridge.l2_gateway.exitNum()) == (0, 1)
    (event,) = withdrawal.receipt.decode_logs(bridge.l2_gateway.unwrapped.WithdrawalInitiated)
    assert (event.l1Token, event._from, event._to, event._amount) == (
        l1_token.address,
        alice.address,
        bob.address,
        4 * LPT,
    )

    messages, execute = prove()
    (message,) = messages
    assert message.position == withdrawal.l2_to_l1_id
    assert message.caller == bridge.l2_gateway.address
    assert message.destination == bridge.l1_gateway.address
    assert message.data == function_selector(
        "finalizeInboundTransfer(address,address,address,uint256,bytes)"
    ) + abi_encode(
        ["address", "address", "address", "uint256", "bytes"],
        [l1_token.address, alice.address, bob.address, 4 * LPT, abi_encode(["uint256", "bytes"], [0, b""])],
    )

    bob_before, supply_before = l1_token.balanceOf(bob.address), l1_token.totalSupply()
    result = execute(0)
    assert l1_token.balanceOf(bob.address) == bob_before + 4 * LPT
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 6 * LPT
    assert l1_token.totalSupply() == supply_before  # nothing minted: the escrow covered it
    assert (bridge.l1_gateway.totalReleased(), bridge.l1_gateway.totalMinted()) == (4 * LPT, 0)
    assert bridge.l1_gateway.isWithdrawalFinalized(0)
    with chains.l1:
        from ape import chain

        receipt = chain.get_receipt(result.l1_tx_hash)
    (finalized,) = receipt.decode_logs(bridge.l1_gateway.unwrapped.WithdrawalFinalized)
    assert (finalized._from, finalized._to, finalized._exitNum, finalized._amount) == (
        alice.address,
        bob.address,
        0,
        4 * LPT,
    )
    assert not receipt.decode_logs(bridge.l1_gateway.unwrapped.ShortfallMinted)


def test_withdrawal_waits_for_the_challenge_period(chains, sim, bridge, alice, bridged):
    from ape_livepeer_migration.arbitrum import simulator as sim_api

    bridge_out(bridge, alice, alice.address, LPT)
    messages = sim_api.fetch_l2_to_l1(sim, 0, chains.l2.block_number)
    sim_api.assert_send_root(sim, messages)
    with reverts(project.SimOutbox.UnknownRoot):
        sim_api.execute_l2_to_l1(sim, messages[0], sim_api.proof_for(messages, 0))
    assert not bridge.l1_gateway.isWithdrawalFinalized(0)


def test_withdrawal_of_l2_inflation_mints_the_shortfall_on_l1(
    chains, bridge, l1_token, l1_minter, alice, governor, bridged, prove
):
    initial = l1_token.totalSupply()
    _l2_minted(bridge, alice.address, 5 * LPT, governor)  # alice holds 15 on L2; the escrow only 10
    bridge_out(bridge, alice, alice.address, 15 * LPT)
    _, execute = prove()
    before, supply_before = l1_token.balanceOf(alice.address), l1_token.totalSupply()
    result = execute(0)
    # L1 supply + L2 supply - escrow = initial supply + inflation (the 5 minted on L2, counted once)
    assert (
        l1_token.totalSupply() + bridge.l2_token.totalSupply() - l1_token.balanceOf(bridge.l1_escrow.address)
        == initial + 5 * LPT
    )
    assert l1_token.balanceOf(alice.address) == before + 15 * LPT
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 0
    assert l1_token.totalSupply() == supply_before + 5 * LPT
    assert (bridge.l1_gateway.totalReleased(), bridge.l1_gateway.totalMinted()) == (10 * LPT, 5 * LPT)
    with chains.l1:
        from ape import chain

        receipt = chain.get_receipt(result.l1_tx_hash)
    (shortfall,) = receipt.decode_logs(bridge.l1_gateway.unwrapped.ShortfallMinted)
    assert (shortfall.exitNum, shortfall.to, shortfall.amount) == (0, alice.address, 5 * LPT)
    (minted,) = receipt.decode_logs(l1_minter.unwrapped.DelegateMinted)
    assert (minted.delegate, minted.to, minted.amount) == (bridge.l1_gateway.address, alice.address, 5 * LPT)


def test_withdrawal_with_an_empty_escrow_is_minted_entirely(bridge, l1_token, alice, governor, prove):
    _l2_minted(bridge, alice.address, 3 * LPT, governor)
    bridge_out(bridge, alice, alice.address, 3 * LPT)
    _, execute = prove()
    supply_before = l1_token.totalSupply()
    execute(0)
    assert l1_token.totalSupply() == supply_before + 3 * LPT
    assert (bridge.l1_gateway.totalReleased(), bridge.l1_gateway.totalMinted()) == (0, 3 * LPT)


def test_round_trip_keeps_the_cross_chain_supply(bridge, l1_token, alice, bob, deliver, prove):
    initial = l1_token.totalSupply()
    deliver(bridge_in(bridge, alice, bob.address, 7 * LPT).receipt)
    bridge_out(bridge, bob, alice.address, 2 * LPT)
    _, execute = prove()
    execute(0)

    def global_supply():
        return l1_token.totalSupply() + bridge.l2_token.totalSupply() - l1_token.balanceOf(bridge.l1_escrow.address)

    assert global_supply() == initial
    assert bridge.l2_gateway.totalMinted() == bridge.l1_gateway.totalDeposited() == 7 * LPT
    assert bridge.l2_gateway.totalBurned() == bridge.l1_gateway.totalReleased() + bridge.l1_gateway.totalMinted()
