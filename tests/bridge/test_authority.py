"""Burning, routers, minting authority and governance of the bridge: the remaining audit lessons as failing
attempts, and the revert paths of the governance setters."""

from __future__ import annotations

from ape import project
from eth_abi import encode as abi_encode
from shared import LPT

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, deposit_data, deposit_gas_params
from ape_livepeer_migration.testing.reverts import reverts

ZERO = "0x" + "00" * 20


# ------------------------------------------------------------------------------ burning


def test_burn_needs_the_holders_allowance_to_the_gateway(bridge, alice, mallory, governor, on_l2):
    with reverts(project.L2LivepeerToken.ERC20InsufficientAllowance, spender=bridge.l2_gateway.address):
        bridge_out(bridge, alice, alice.address, LPT, approve=False)
    # nobody else can burn: not mallory, not the governor
    for account in (mallory, governor):
        with reverts(project.L2LivepeerToken.NotGateway, account=account.address):
            bridge.l2_token.burnFrom(alice.address, LPT, sender=account)
    with reverts(project.L2LivepeerToken.NotMinter, account=mallory.address):
        bridge.l2_token.burn(LPT, sender=mallory)
    # mallory withdrawing "from" alice burns her own (absent) tokens, never alice's
    bridge.l2_token.approve(bridge.l2_gateway.address, LPT, sender=alice)
    with reverts(project.L2LivepeerToken.ERC20InsufficientAllowance, spender=bridge.l2_gateway.address):
        bridge_out(bridge, mallory, mallory.address, LPT, approve=False)
    assert bridge.l2_token.balanceOf(alice.address) == 10 * LPT


def test_the_minter_burns_only_what_it_holds(chains, bridge, governor, impersonate):
    minter = impersonate(chains.l2, bridge.l2_minter.address)
    with chains.l2:
        bridge.l2_token.unwrapped.mint(minter, 3 * LPT, sender=minter)
        bridge.l2_token.unwrapped.burn(2 * LPT, sender=minter)
    assert bridge.l2_token.balanceOf(bridge.l2_minter.address) == LPT
    assert bridge.l2_token.totalSupply() == LPT


def test_l2_withdrawal_checks(bridge, l1_token, alice, on_l2):
    gw = bridge.l2_gateway
    bridge.l2_token.approve(gw.address, 10 * LPT, sender=alice)
    with reverts(project.L2LPTGateway.NoValue, value=1):
        gw.outboundTransfer(l1_token.address, alice.address, LPT, b"", value=1, sender=alice)
    with reverts(project.L2LPTGateway.WrongToken, token=bridge.l2_token.address):
        gw.outboundTransfer(bridge.l2_token.address, alice.address, LPT, b"", sender=alice)
    with reverts(project.L2LPTGateway.ZeroAmount):
        gw.outboundTransfer(l1_token.address, alice.address, 0, b"", sender=alice)
    with reverts(project.L2LPTGateway.ZeroAddress):
        gw.outboundTransfer(l1_token.address, ZERO, LPT, b"", sender=alice)
    with reverts(project.L2LPTGateway.ExtraDataNotAllowed):
        gw.outboundTransfer(l1_token.address, alice.address, LPT, b"\x01", sender=alice)
    assert bridge.l2_token.balanceOf(alice.address) == 10 * LPT


# ------------------------------------------------------------------------------ router


def test_six_argument_withdrawal_through_a_registered_router(
    bridge, routers, l1_token, alice, bob, governor, on_l2, prove
):
    _, l2_router = routers
    bridge.l2_gateway.setRouter(l2_router.address, sender=governor)
    bridge.l2_token.approve(bridge.l2_gateway.address, 3 * LPT, sender=alice)
    receipt = l2_router.outboundTransfer(
        bridge.l2_gateway.address, l1_token.address, bob.address, 3 * LPT, 0, 0, b"", sender=alice
    )
    (event,) = receipt.decode_logs(bridge.l2_gateway.unwrapped.WithdrawalInitiated)
    assert (event._from, event._to, event._amount) == (alice.address, bob.address, 3 * LPT)
    assert bridge.l2_token.balanceOf(alice.address) == 7 * LPT
    _, execute = prove()
    before = l1_token.balanceOf(bob.address)
    execute(0)
    assert l1_token.balanceOf(bob.address) == before + 3 * LPT


def test_six_argument_form_called_directly_ignores_the_gas_arguments(bridge, l1_token, alice, on_l2):
    bridge.l2_token.approve(bridge.l2_gateway.address, LPT, sender=alice)
    bridge.l2_gateway.outboundTransfer(l1_token.address, alice.address, LPT, 123, 456, b"", sender=alice)
    assert bridge.l2_token.balanceOf(alice.address) == 9 * LPT


def test_router_shaped_data_from_anyone_else_cannot_name_another_sender(
    bridge, routers, l1_token, alice, mallory, governor, on_l2
):
    _, l2_router = routers
    bridge.l2_token.approve(bridge.l2_gateway.address, 10 * LPT, sender=alice)
    envelope = abi_encode(["address", "bytes"], [alice.address, b""])
    with reverts(project.L2LPTGateway.ExtraDataNotAllowed):
        bridge.l2_gateway.outboundTransfer(l1_token.address, mallory.address, LPT, 0, 0, envelope, sender=mallory)
    # an unregistered router is an ordinary caller: its envelope is extra data
    with reverts(project.L2LPTGateway.ExtraDataNotAllowed):
        l2_router.outboundTransfer(
            bridge.l2_gateway.address, l1_token.address, mallory.address, LPT, 0, 0, b"", sender=mallory
        )
    # a registered router forwards its own caller, never a chosen one
    bridge.l2_gateway.setRouter(l2_router.address, sender=governor)
    with reverts(project.L2LivepeerToken.ERC20InsufficientAllowance, spender=bridge.l2_gateway.address):
        l2_router.outboundTransfer(
            bridge.l2_gateway.address, l1_token.address, mallory.address, LPT, 0, 0, b"", sender=mallory
        )
    assert bridge.l2_token.balanceOf(alice.address) == 10 * LPT


def test_deposit_through_a_registered_l1_router(sim, bridge, routers, l1_token, alice, bob, governor, deliver):
    l1_router, _ = routers
    bridge.l1_gateway.setRouter(l1_router.address, sender=governor)
    gas = deposit_gas_params(bridge, alice.address, bob.address, 2 * LPT)
    l1_token.approve(bridge.l1_gateway.address, 2 * LPT, sender=alice)  # users approve the gateway, not the router
    receipt = l1_router.outboundTransfer(
        bridge.l1_gateway.address,
        l1_token.address,
        bob.address,
        2 * LPT,
        gas.gas_limit,
        gas.gas_price_bid,
        deposit_data(gas.max_submission_cost),
        value=gas.value,
        sender=alice,
    )
    (event,) = receipt.decode_logs(bridge.l1_gateway.unwrapped.DepositInitiated)
    assert event._from == alice.address
    deliver(receipt)
    assert bridge.l2_token.balanceOf(bob.address) == 2 * LPT


# ------------------------------------------------------------------------------ minting authority


def test_revoked_l2_gateway_cannot_mint_until_restored(sim, bridge, alice, mallory, governor, deliver):
    gas = deposit_gas_params(bridge, alice.address, alice.address, LPT)  # estimated while the gateway may mint
    bridge.l2_minter.removeMintingDelegate(bridge.l2_gateway.address, sender=governor)
    result = deliver(bridge_in(bridge, alice, alice.address, LPT, gas=gas).receipt)
    assert result.status is sim_api.DeliveryStatus.FAILED
    assert bridge.l2_token.totalSupply() == 0
    bridge.l2_minter.addMintingDelegate(bridge.l2_gateway.address, sender=governor)
    sim.arb_retryable_tx.redeem(result.ticket_id, sender=alice)
    assert bridge.l2_token.balanceOf(alice.address) == LPT


def test_only_delegates_mint_and_only_the_minter_mints_l2_lpt(bridge, l1_minter, mallory, governor):
    with reverts(project.L2Minter.NotMintingDelegate, account=mallory.address):
        bridge.l2_minter.mint(mallory.address, LPT, sender=mallory)
    for account in (mallory, governor):
        with reverts(project.L2LivepeerToken.NotMinter, account=account.address):
            bridge.l2_token.mint(account.address, LPT, sender=account)
    with reverts(project.Minter.NotMintingDelegate, account=mallory.address):
        l1_minter.mint(mallory.address, LPT, sender=mallory)


def test_revoked_l1_gateway_cannot_mint_a_shortfall(bridge, l1_token, l1_minter, alice, governor, on_l2, prove):
    bridge.l2_minter.addMintingDelegate(governor.address, sender=governor)
    bridge.l2_minter.mint(alice.address, 5 * LPT, sender=governor)  # inflation stand-in: alice holds 15 on L2
    bridge_out(bridge, alice, alice.address, 15 * LPT)
    l1_minter.removeMintingDelegate(bridge.l1_gateway.address, sender=governor)
    _, execute = prove()
    with reverts(project.Minter.NotMintingDelegate, account=bridge.l1_gateway.address):
        execute(0)
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 10 * LPT  # nothing released either
    l1_minter.addMintingDelegate(bridge.l1_gateway.address, sender=governor)
    execute(0)  # the message stayed executable
    assert bridge.l1_gateway.totalMinted() == 5 * LPT


# ------------------------------------------------------------------------------ governance


def test_pause_stops_outbound_transfers_and_l1_payouts(bridge, l1_token, alice, governor, mallory, on_l2, prove):
    with reverts(project.L1LPTGateway.OwnableUnauthorizedAccount, account=mallory.address):
        bridge.l1_gateway.pause(sender=mallory)
    bridge.l2_token.approve(bridge.l2_gateway.address, 2 * LPT, sender=alice)
    bridge.l2_gateway.outboundTransfer(l1_token.address, alice.address, LPT, b"", sender=alice)
    bridge.l1_gateway.pause(sender=governor)
    bridge.l2_gateway.pause(sender=governor)
    with reverts(project.L1LPTGateway.EnforcedPause):
        bridge_in(bridge, alice, alice.address, LPT)
    with reverts(project.L2LPTGateway.EnforcedPause):
        bridge.l2_gateway.outboundTransfer(l1_token.address, alice.address, LPT, b"", sender=alice)
    _, execute = prove()
    with reverts(project.L1LPTGateway.EnforcedPause):
        execute(0)
    bridge.l1_gateway.unpause(sender=governor)
    bridge.l2_gateway.unpause(sender=governor)
    execute(0)
    assert bridge.l1_gateway.totalReleased() == LPT
    bridge.l2_gateway.outboundTransfer(l1_token.address, alice.address, LPT, b"", sender=alice)


def test_counterpart_is_set_once_by_the_governor(chains, bridge, l1_protocol, sim, governor, mallory):
    for gw in (bridge.l1_gateway, bridge.l2_gateway):
        with reverts(project.L1LPTGateway.OwnableUnauthorizedAccount, account=mallory.address):
            gw.setCounterpartGateway(mallory.address, sender=mallory)
        with reverts(project.L1LPTGateway.CounterpartAlreadySet, counterpart=gw.counterpartGateway()):
            gw.setCounterpartGateway(mallory.address, sender=governor)
        with reverts(project.L1LPTGateway.OwnableUnauthorizedAccount, account=mallory.address):
            gw.setRouter(mallory.address, sender=mallory)
    with chains.l2:
        fresh = project.L2LPTGateway.deploy(
            governor,
            l1_protocol.token.address,
            bridge.l2_token.address,
            bridge.l2_minter.address,
            bridge.l1_escrow.address,
            sender=governor,
        )
        with reverts(project.L2LPTGateway.ZeroAddress):
            fresh.setCounterpartGateway(ZERO, sender=governor)
        with reverts(project.L2LPTGateway.CounterpartNotSet):
            fresh.outboundTransfer(l1_protocol.token.address, governor, LPT, b"", sender=governor)


def test_l2_token_address_mapping(bridge, l1_token):
    for gw in (bridge.l1_gateway, bridge.l2_gateway):
        assert gw.calculateL2TokenAddress(l1_token.address) == bridge.l2_token.address
        assert gw.calculateL2TokenAddress(bridge.l2_token.address) == ZERO
    assert bridge.l1_gateway.counterpartGateway() == bridge.l2_gateway.address
    assert bridge.l2_gateway.counterpartGateway() == bridge.l1_gateway.address


def test_escrow_releases_only_for_its_gateway(bridge, alice, mallory, governor, on_l2):
    for account in (mallory, governor):
        with reverts(project.L1Escrow.NotReleaser, account=account.address):
            bridge.l1_escrow.release(account.address, LPT, sender=account)
    for setter in (bridge.l1_escrow.setGateway, bridge.l1_escrow.setMigrator):
        with reverts(project.L1Escrow.OwnableUnauthorizedAccount, account=mallory.address):
            setter(mallory.address, sender=mallory)
        with reverts(project.L1Escrow.ZeroAddress):
            setter(ZERO, sender=governor)


def test_token_roles_are_set_by_the_governor(bridge, governor, mallory):
    for setter in (bridge.l2_token.setMinter, bridge.l2_token.setGateway):
        with reverts(project.L2LivepeerToken.OwnableUnauthorizedAccount, account=mallory.address):
            setter(mallory.address, sender=mallory)
        with reverts(project.L2LivepeerToken.ZeroAddress):
            setter(ZERO, sender=governor)
