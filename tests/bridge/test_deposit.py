"""L1 -> L2: deposits through the L1 gateway, delivered by the simulator, minted on L2 through the L2 Minter."""

from __future__ import annotations

from eth_abi import decode as abi_decode
from shared import LPT

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
from ape_livepeer_migration.bridge.transfers import bridge_in, deposit_gas_params, finalize_deposit_calldata


def test_deposit_escrows_on_l1_and_mints_to_the_receiver_on_l2(chains, sim, bridge, l1_token, alice, bob, deliver):
    supply_before = l1_token.totalSupply()
    deposit = bridge_in(bridge, alice, bob.address, 5 * LPT)

    assert l1_token.balanceOf(bridge.l1_escrow.address) == 5 * LPT
    assert l1_token.totalSupply() == supply_before
    assert bridge.l1_gateway.totalDeposited() == 5 * LPT
    (event,) = deposit.receipt.decode_logs(bridge.l1_gateway.unwrapped.DepositInitiated)
    assert (event.l1Token, event._from, event._to, event._amount) == (
        l1_token.address,
        alice.address,
        bob.address,
        5 * LPT,
    )

    (message,) = sim_api.fetch_retryables(sim, deposit.receipt.block_number, deposit.receipt.block_number)
    assert message.message_num == deposit.sequence_number
    assert message.l1_sender == bridge.l1_gateway.address
    assert message.to == bridge.l2_gateway.address
    assert message.l2_call_value == 0
    assert message.excess_fee_refund_address == bob.address
    # the beneficiary is the gateway's alias: nobody can cancel the ticket and strand the escrowed LPT
    assert message.call_value_refund_address == apply_l1_to_l2_alias(bridge.l1_gateway.address)
    assert message.data == finalize_deposit_calldata(bridge, alice.address, bob.address, 5 * LPT)
    assert (message.max_submission_cost, message.gas_limit, message.max_fee_per_gas) == (
        deposit.gas.max_submission_cost,
        deposit.gas.gas_limit,
        deposit.gas.gas_price_bid,
    )

    assert bridge.l2_token.balanceOf(bob.address) == 0
    result = deliver(deposit.receipt)
    assert result.status is sim_api.DeliveryStatus.REDEEMED
    assert bridge.l2_token.balanceOf(bob.address) == 5 * LPT
    assert bridge.l2_token.totalSupply() == 5 * LPT
    assert bridge.l2_gateway.totalMinted() == 5 * LPT
    logs = chains.l2.provider.make_request("eth_getTransactionReceipt", [result.l2_tx_hash])["logs"]
    finalized = [log for log in logs if log["address"].lower() == str(bridge.l2_gateway.address).lower()]
    assert len(finalized) == 1
    assert abi_decode(["uint256"], bytes.fromhex(finalized[0]["data"][2:]))[0] == 5 * LPT


def test_deposit_with_custom_refund_address(chains, sim, bridge, alice, bob, mallory, deliver):
    deposit = bridge_in(bridge, alice, bob.address, LPT, refund_to=mallory.address)
    (message,) = sim_api.fetch_retryables(sim, deposit.receipt.block_number, deposit.receipt.block_number)
    assert message.excess_fee_refund_address == mallory.address
    deliver(deposit.receipt)
    assert bridge.l2_token.balanceOf(bob.address) == LPT


def test_gas_params_come_from_the_inbox_and_an_l2_estimate(chains, sim, bridge, alice, set_base_fee):
    set_base_fee(chains.l1, 10**9)
    params = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    calldata = finalize_deposit_calldata(bridge, alice.address, alice.address, LPT)
    assert params.max_submission_cost == 2 * sim.inbox.calculateRetryableSubmissionFee(len(calldata), 10**9)
    assert params.max_submission_cost == 2 * (1400 + 6 * len(calldata)) * 10**9
    assert 21_000 < params.gas_limit < 1_000_000
    assert params.gas_price_bid == 10**7  # the L2 base fee is 0 locally: the floor applies
    assert params.value == params.max_submission_cost + params.gas_limit * params.gas_price_bid


def test_extra_gas_is_added_to_the_limit_after_its_margin(chains, bridge, alice):
    """What a deposit whose hook stakes passes (the L2 active-set bound): added in full, not scaled by the margin."""
    plain = deposit_gas_params(bridge, alice.address, alice.address, LPT, gas_margin=1.0)
    with_margin = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    extra = deposit_gas_params(bridge, alice.address, alice.address, LPT, extra_gas=800_000)
    assert with_margin.gas_limit == int(plain.gas_limit * 1.3)
    assert extra.gas_limit == with_margin.gas_limit + 800_000
    assert extra.value == extra.max_submission_cost + extra.gas_limit * extra.gas_price_bid
