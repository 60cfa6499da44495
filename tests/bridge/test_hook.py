"""Deposits with call-hook data: mint and hook in one L2 message; a failing hook leaves nothing minted and the
ticket redeemable."""

from __future__ import annotations

import pytest
from shared import LPT

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.transfers import bridge_in, deposit_gas_params
from ape_livepeer_migration.exceptions import L2CallRevertsError

from .conftest import fixed_gas

HOOK = b"\x01migration record"


def test_hook_runs_after_the_mint_in_the_same_message(chains, bridge, receiver, alice, deliver):
    deposit = bridge_in(bridge, alice, receiver.address, 3 * LPT, refund_to=alice.address, call_hook_data=HOOK)
    result = deliver(deposit.receipt)
    assert result.status is sim_api.DeliveryStatus.REDEEMED
    assert receiver.calls() == 1
    assert (receiver.lastFrom(), receiver.lastAmount(), receiver.lastData()) == (alice.address, 3 * LPT, HOOK)
    assert receiver.balanceSeen() == 3 * LPT  # minted before the hook ran
    assert bridge.l2_token.balanceOf(receiver.address) == 3 * LPT
    with chains.l2:
        from ape import chain

        receipt = chain.get_receipt(result.l2_tx_hash)
    (hooked,) = receipt.decode_logs(receiver.unwrapped.Hooked)
    assert hooked.caller == bridge.l2_gateway.address


def test_no_hook_without_hook_data(bridge, receiver, alice, deliver):
    deliver(bridge_in(bridge, alice, receiver.address, LPT).receipt)
    assert bridge.l2_token.balanceOf(receiver.address) == LPT
    assert receiver.calls() == 0


def test_reverting_hook_mints_nothing_and_the_ticket_redeems_later(
    chains, sim, bridge, receiver, alice, governor, deliver
):
    receiver.setReverting(True, sender=governor)
    deposit = bridge_in(bridge, alice, receiver.address, 2 * LPT, call_hook_data=HOOK, gas=fixed_gas(bridge, alice))
    result = deliver(deposit.receipt)
    assert result.status is sim_api.DeliveryStatus.FAILED
    assert bridge.l2_token.totalSupply() == 0
    assert bridge.l2_gateway.totalMinted() == 0
    assert receiver.calls() == 0
    assert sim_api.ticket_is_live(sim, result.ticket_id)

    receiver.setReverting(False, sender=governor)
    sim.arb_retryable_tx.redeem(result.ticket_id, sender=alice)
    assert not sim_api.ticket_is_live(sim, result.ticket_id)
    assert bridge.l2_token.balanceOf(receiver.address) == 2 * LPT
    assert (receiver.calls(), receiver.lastFrom(), receiver.lastData()) == (1, alice.address, HOOK)
    assert bridge.l2_gateway.totalMinted() == bridge.l1_gateway.totalDeposited() == 2 * LPT


def test_hook_data_to_an_account_without_code_fails_the_ticket(sim, bridge, alice, bob, deliver):
    deposit = bridge_in(bridge, alice, bob.address, LPT, call_hook_data=HOOK, gas=fixed_gas(bridge, alice))
    result = deliver(deposit.receipt)
    assert result.status is sim_api.DeliveryStatus.FAILED
    assert bridge.l2_token.balanceOf(bob.address) == 0
    assert sim_api.ticket_is_live(sim, result.ticket_id)


def test_gas_estimate_refuses_a_deposit_whose_l2_call_reverts(bridge, l1_token, receiver, alice, governor):
    receiver.setReverting(True, sender=governor)
    with pytest.raises(L2CallRevertsError, match=str(bridge.l2_gateway.address)):
        deposit_gas_params(bridge, alice.address, receiver.address, LPT, HOOK)
    with pytest.raises(L2CallRevertsError):
        bridge_in(bridge, alice, receiver.address, LPT, call_hook_data=HOOK)
    assert l1_token.allowance(alice.address, bridge.l1_gateway.address) == 0  # nothing sent on L1


def test_gas_estimate_covers_the_hook(bridge, receiver, alice):
    plain = deposit_gas_params(bridge, alice.address, receiver.address, LPT)
    hooked = deposit_gas_params(bridge, alice.address, receiver.address, LPT, HOOK)
    assert hooked.gas_limit > plain.gas_limit + 50_000  # the hook writes four storage slots
