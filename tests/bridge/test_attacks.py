"""Attacks on the bridge's messages as failing attempts: deposit value and argument checks, finalize calls not
from the counterpart on either layer, and replays."""

from __future__ import annotations

import pytest
from ape import project
from eth_abi import encode as abi_encode
from shared import LPT

from ape_livepeer_migration._eth import function_selector
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, deposit_data, deposit_gas_params
from ape_livepeer_migration.testing.reverts import reverts

ZERO = "0x" + "00" * 20
FINALIZE = "finalizeInboundTransfer(address,address,address,uint256,bytes)"


def _withdrawal_calldata(token, from_, to, amount, exit_num):
    return function_selector(FINALIZE) + abi_encode(
        ["address", "address", "address", "uint256", "bytes"],
        [str(token), str(from_), str(to), amount, abi_encode(["uint256", "bytes"], [exit_num, b""])],
    )


# ------------------------------------------------------------------------------ L1 deposit checks


@pytest.mark.parametrize("delta", [-1, 1])
def test_deposit_value_must_match_the_fees_exactly(bridge, l1_token, alice, delta):
    gas = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    l1_token.approve(bridge.l1_gateway.address, LPT, sender=alice)
    args = (
        l1_token.address,
        alice.address,
        LPT,
        gas.gas_limit,
        gas.gas_price_bid,
        deposit_data(gas.max_submission_cost),
    )
    with reverts(project.L1LPTGateway.WrongValue, expected=gas.value, actual=gas.value + delta):
        bridge.l1_gateway.outboundTransfer(*args, value=gas.value + delta, sender=alice)
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 0


def test_deposit_rejects_another_token_zero_amount_and_zero_addresses(bridge, l1_token, alice):
    gas = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    data = deposit_data(gas.max_submission_cost)
    l1_token.approve(bridge.l1_gateway.address, LPT, sender=alice)
    tail = (gas.gas_limit, gas.gas_price_bid, data)
    gw = bridge.l1_gateway
    with reverts(project.L1LPTGateway.WrongToken, token=bridge.l2_token.address):
        gw.outboundTransfer(bridge.l2_token.address, alice.address, LPT, *tail, value=gas.value, sender=alice)
    with reverts(project.L1LPTGateway.ZeroAmount):
        gw.outboundTransfer(l1_token.address, alice.address, 0, *tail, value=gas.value, sender=alice)
    with reverts(project.L1LPTGateway.ZeroAddress):
        gw.outboundTransfer(l1_token.address, ZERO, LPT, *tail, value=gas.value, sender=alice)
    with reverts(project.L1LPTGateway.ZeroAddress):
        gw.outboundTransferCustomRefund(
            l1_token.address, ZERO, alice.address, LPT, *tail, value=gas.value, sender=alice
        )


def test_deposit_needs_an_allowance_to_the_gateway(bridge, l1_token, alice):
    gas = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    with reverts(project.LivepeerToken.ERC20InsufficientAllowance, spender=bridge.l1_gateway.address):
        bridge_in(bridge, alice, alice.address, LPT, gas=gas, approve=False)


def test_submission_cost_below_the_inbox_fee_reverts(chains, bridge, l1_token, alice, set_base_fee):
    set_base_fee(chains.l1, 10**9)
    gas = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    l1_token.approve(bridge.l1_gateway.address, LPT, sender=alice)
    too_low = gas.max_submission_cost // 4
    value = too_low + gas.gas_limit * gas.gas_price_bid
    with reverts(project.SimInbox.InsufficientSubmissionCost):
        bridge.l1_gateway.outboundTransfer(
            l1_token.address,
            alice.address,
            LPT,
            gas.gas_limit,
            gas.gas_price_bid,
            deposit_data(too_low),
            value=value,
            sender=alice,
            max_fee=2 * 10**9,
            max_priority_fee=0,
        )


# ------------------------------------------------------------------------------ finalize only from the counterpart


def test_l2_finalize_only_from_the_l1_gateway_alias(chains, sim, bridge, l1_token, alice, mallory, impersonate):
    args = (l1_token.address, mallory.address, mallory.address, 100 * LPT, abi_encode(["bytes", "bytes"], [b"", b""]))
    with reverts(project.L2LPTGateway.NotFromL1Counterpart, sender=mallory.address):
        bridge.l2_gateway.finalizeInboundTransfer(*args, sender=mallory)
    # the unaliased L1 gateway address is not the counterpart either
    unaliased = impersonate(chains.l2, bridge.l1_gateway.address)
    with chains.l2, reverts(project.L2LPTGateway.NotFromL1Counterpart, sender=bridge.l1_gateway.address):
        bridge.l2_gateway.unwrapped.finalizeInboundTransfer(*args, sender=unaliased)

    # a retryable that mallory sends herself arrives from her alias: the ticket fails, nothing is minted
    calldata = function_selector(FINALIZE) + abi_encode(
        ["address", "address", "address", "uint256", "bytes"], list(args)
    )
    receipt = sim.inbox.createRetryableTicket(
        bridge.l2_gateway.address, 0, 0, mallory.address, mallory.address, 300_000, 0, calldata, sender=mallory
    )
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert sim_api.deliver_retryable(sim, message).status is sim_api.DeliveryStatus.FAILED
    assert bridge.l2_token.totalSupply() == 0


def test_l2_finalize_checks_token_and_value(chains, bridge, l1_token, mallory, impersonate):
    alias = impersonate(chains.l2, apply_l1_to_l2_alias(bridge.l1_gateway.address))
    data = abi_encode(["bytes", "bytes"], [b"", b""])
    gw = bridge.l2_gateway.unwrapped
    with chains.l2:
        with reverts(project.L2LPTGateway.WrongToken, token=bridge.l2_token.address):
            gw.finalizeInboundTransfer(bridge.l2_token.address, mallory, mallory, LPT, data, sender=alias)
        with reverts(project.L2LPTGateway.NoValue, value=1):
            gw.finalizeInboundTransfer(l1_token.address, mallory, mallory, LPT, data, value=1, sender=alias)
        gw.finalizeInboundTransfer(l1_token.address, mallory, mallory, LPT, data, sender=alias)
    assert bridge.l2_token.balanceOf(mallory.address) == LPT  # the alias (and only it) finalizes


def test_l1_finalize_only_from_the_l2_gateway_through_the_outbox(chains, sim, bridge, l1_token, mallory, on_l2, prove):
    calldata = _withdrawal_calldata(l1_token.address, mallory.address, mallory.address, 10 * LPT, 0)
    with reverts(project.L1LPTGateway.NotFromBridge, sender=mallory.address):
        bridge.l1_gateway.finalizeInboundTransfer(
            l1_token.address,
            mallory.address,
            mallory.address,
            10 * LPT,
            abi_encode(["uint256", "bytes"], [0, b""]),
            sender=mallory,
        )
    # an L2 -> L1 message that mallory sends herself is executed with her as the L2 sender
    sim.arb_sys.sendTxToL1(bridge.l1_gateway.address, calldata, sender=mallory)
    _, execute = prove()
    with reverts(project.L1LPTGateway.NotFromL2Counterpart, l2Sender=mallory.address):
        execute(0)
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 10 * LPT


# ------------------------------------------------------------------------------ replays


def test_a_withdrawal_executes_once(chains, sim, bridge, l1_token, alice, on_l2, prove):
    bridge_out(bridge, alice, alice.address, 4 * LPT)
    messages, execute = prove()
    execute(0)
    after = l1_token.balanceOf(alice.address)
    with reverts(project.SimOutbox.AlreadySpent, index=0):
        sim.outbox.executeTransaction(*messages[0].execute_args(sim_api.proof_for(messages, 0)), sender=alice)
    assert l1_token.balanceOf(alice.address) == after
    assert bridge.l1_gateway.totalReleased() == 4 * LPT


@pytest.fixture
def rogue_l1_gateway(chains, bridge, l1_protocol, l1_minter, sim, governor, mallory):
    """A second L1 gateway whose L2 counterpart is mallory's account: what a buggy or compromised L2 gateway
    could make the L1 side do."""
    with chains.l1:
        escrow = project.L1Escrow.deploy(governor, l1_protocol.token, sender=governor)
        gateway = project.L1LPTGateway.deploy(
            governor,
            sim.inbox.address,
            l1_protocol.token,
            bridge.l2_token.address,
            escrow,
            l1_protocol.minter,
            sender=governor,
        )
        escrow.setGateway(gateway, sender=governor)
        gateway.setCounterpartGateway(mallory.address, sender=governor)
    l1_minter.addMintingDelegate(gateway.address, sender=governor)
    return chains.l1.bind(gateway)


def test_an_exit_number_is_paid_once_even_if_the_counterpart_repeats_it(
    sim, l1_token, rogue_l1_gateway, mallory, prove
):
    calldata = _withdrawal_calldata(l1_token.address, mallory.address, mallory.address, LPT, 7)
    sim.arb_sys.sendTxToL1(rogue_l1_gateway.address, calldata, sender=mallory)
    sim.arb_sys.sendTxToL1(rogue_l1_gateway.address, calldata, sender=mallory)
    wrong_token = _withdrawal_calldata(rogue_l1_gateway.l2Token(), mallory.address, mallory.address, LPT, 8)
    sim.arb_sys.sendTxToL1(rogue_l1_gateway.address, wrong_token, sender=mallory)
    _, execute = prove()
    before = l1_token.balanceOf(mallory.address)
    execute(0)
    assert l1_token.balanceOf(mallory.address) == before + LPT
    with reverts(project.L1LPTGateway.WithdrawalAlreadyFinalized, exitNum=7):
        execute(1)
    with reverts(project.L1LPTGateway.WrongToken, token=rogue_l1_gateway.l2Token()):
        execute(2)
    assert l1_token.balanceOf(mallory.address) == before + LPT
