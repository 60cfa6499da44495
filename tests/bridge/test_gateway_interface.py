"""The LPT gateways against Arbitrum's published token-gateway interfaces: every function Arbitrum's gateway routers
and SDK call exists with the published selector and answers as Arbitrum's gateways do, and ``getOutboundCalldata``
returns byte for byte what a real deposit and a real withdrawal send (directly and through a router)."""

from __future__ import annotations

import pytest
from ape import project
from eth_abi import encode as abi_encode
from eth_utils import keccak
from shared import LPT

from ape_livepeer_migration._eth import function_selector
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, deposit_data, deposit_gas_params
from ape_livepeer_migration.testing.reverts import reverts

ZERO = "0x" + "00" * 20
FINALIZE = "finalizeInboundTransfer(address,address,address,uint256,bytes)"

# Written from Arbitrum's published sources, OffchainLabs/token-bridge-contracts:
#   contracts/tokenbridge/libraries/gateway/ITokenGateway.sol        (both gateways)
#   contracts/tokenbridge/libraries/gateway/TokenGateway.sol         (public getters of both gateways)
#   contracts/tokenbridge/ethereum/gateway/IL1ArbitrumGateway.sol    (L1: ITokenGateway + IERC165 + these)
#   contracts/tokenbridge/ethereum/gateway/L1ArbitrumGateway.sol     (L1 events)
#   contracts/tokenbridge/arbitrum/gateway/L2ArbitrumGateway.sol     (L2: the 4-argument form, exitNum, events)
# and the callers: L1GatewayRouter / L2GatewayRouter / GatewayRouter.sol (outboundTransfer,
# outboundTransferCustomRefund, getOutboundCalldata, calculateL2TokenAddress, counterpartGateway in setGateways)
# and OffchainLabs/arbitrum-sdk src/lib/assetBridger/erc20Bridger.ts (calls the routers; reads the events).
ITOKEN_GATEWAY = {
    "outboundTransfer(address,address,uint256,uint256,uint256,bytes)",
    "finalizeInboundTransfer(address,address,address,uint256,bytes)",
    "calculateL2TokenAddress(address)",
    "getOutboundCalldata(address,address,address,uint256,bytes)",
}
TOKEN_GATEWAY_GETTERS = {"counterpartGateway()", "router()"}
PUBLISHED = {
    "L1LPTGateway": ITOKEN_GATEWAY
    | TOKEN_GATEWAY_GETTERS
    | {
        "inbox()",
        "outboundTransferCustomRefund(address,address,address,uint256,uint256,uint256,bytes)",
        "supportsInterface(bytes4)",
        "DepositInitiated(address,address,address,uint256,uint256)",
        "WithdrawalFinalized(address,address,address,uint256,uint256)",
    },
    "L2LPTGateway": ITOKEN_GATEWAY
    | TOKEN_GATEWAY_GETTERS
    | {
        "outboundTransfer(address,address,uint256,bytes)",
        "exitNum()",
        "DepositFinalized(address,address,address,uint256)",
        "WithdrawalInitiated(address,address,address,uint256,uint256,uint256)",
    },
}
# Livepeer's own gateways (livepeer/arbitrum-lpt-bridge, contracts/L1/gateway/L1LPTGateway.sol and
# contracts/L2/gateway/L2LPTGateway.sol) name the counterpart as well: l2Counterpart() on L1, l1Counterpart() on L2.
LIVEPEER = {"L1LPTGateway": {"l2Counterpart()"}, "L2LPTGateway": {"l1Counterpart()"}}

# Selectors as the deployed Arbitrum gateways show them on the explorers (independent of the keccak above).
KNOWN_SELECTORS = {
    "getOutboundCalldata(address,address,address,uint256,bytes)": "a0c76a96",
    "finalizeInboundTransfer(address,address,address,uint256,bytes)": "2e567b36",
    "outboundTransfer(address,address,uint256,uint256,uint256,bytes)": "d2ce7d65",
    "outboundTransfer(address,address,uint256,bytes)": "7b3a3c8b",
    "outboundTransferCustomRefund(address,address,address,uint256,uint256,uint256,bytes)": "4fb1a07b",
    "calculateL2TokenAddress(address)": "a7e28d48",
    "counterpartGateway()": "2db09c1c",
    "router()": "f887ea40",
    "inbox()": "fb0e722b",
    "supportsInterface(bytes4)": "01ffc9a7",
}


def _signatures(contract_name):
    return {
        item.selector
        for item in getattr(project, contract_name).contract_type.abi
        if item.type in ("function", "event")
    }


def _deposit_message(token, from_, to, amount, hook=b""):
    """Arbitrum's encoding, written out: finalizeInboundTransfer(token, from, to, amount, abi.encode("", hook))."""
    return function_selector(FINALIZE) + abi_encode(
        ["address", "address", "address", "uint256", "bytes"],
        [str(token), str(from_), str(to), amount, abi_encode(["bytes", "bytes"], [b"", hook])],
    )


def _withdrawal_message(token, from_, to, amount, exit_num):
    return function_selector(FINALIZE) + abi_encode(
        ["address", "address", "address", "uint256", "bytes"],
        [str(token), str(from_), str(to), amount, abi_encode(["uint256", "bytes"], [exit_num, b""])],
    )


# ------------------------------------------------------------------------------ the published function set


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_every_published_gateway_function_and_event_exists_with_its_selector(name):
    ours = _signatures(name)
    assert PUBLISHED[name] | LIVEPEER[name] <= ours
    identifiers = getattr(project, name).contract_type.method_identifiers
    for signature in PUBLISHED[name] | LIVEPEER[name]:
        if signature in identifiers:
            assert identifiers[signature] == "0x" + keccak(text=signature)[:4].hex()
    for signature, selector in KNOWN_SELECTORS.items():
        assert keccak(text=signature)[:4].hex() == selector


def test_l1_gateway_views_answer_as_arbitrums(bridge, l1_token, alice, bob):
    gw = bridge.l1_gateway
    assert gw.counterpartGateway() == gw.l2Counterpart() == bridge.l2_gateway.address
    assert gw.router() == ZERO
    assert gw.inbox() == bridge.inbox
    assert gw.calculateL2TokenAddress(l1_token.address) == bridge.l2_token.address
    assert gw.calculateL2TokenAddress(bridge.l2_token.address) == ZERO
    # IL1ArbitrumGateway is IERC165; Arbitrum's L1 gateways register outboundTransferCustomRefund's selector
    assert gw.supportsInterface(bytes.fromhex("01ffc9a7"))
    assert gw.supportsInterface(bytes.fromhex("4fb1a07b"))
    assert not gw.supportsInterface(bytes.fromhex("ffffffff"))
    assert not gw.supportsInterface(bytes.fromhex("d2ce7d65"))
    for hook in (b"", b"\x01\x02hook"):
        assert gw.getOutboundCalldata(l1_token.address, alice.address, bob.address, 3 * LPT, hook) == _deposit_message(
            l1_token.address, alice.address, bob.address, 3 * LPT, hook
        )


def test_l2_gateway_views_answer_as_arbitrums(bridge, l1_token, alice, bob):
    gw = bridge.l2_gateway
    assert gw.counterpartGateway() == gw.l1Counterpart() == bridge.l1_gateway.address
    assert gw.router() == ZERO
    assert gw.exitNum() == 0
    assert gw.calculateL2TokenAddress(l1_token.address) == bridge.l2_token.address
    assert gw.calculateL2TokenAddress(bridge.l2_token.address) == ZERO
    assert gw.getOutboundCalldata(l1_token.address, alice.address, bob.address, LPT, b"") == _withdrawal_message(
        l1_token.address, alice.address, bob.address, LPT, 0
    )


# ------------------------------------------------------------------------------ byte-identical L1 -> L2


def _sent_retryable(sim, receipt):
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    return message


def test_a_direct_deposit_sends_exactly_get_outbound_calldata(sim, bridge, l1_token, alice, bob, receiver, deliver):
    for to, hook in ((bob.address, b""), (receiver.address, b"\xca\xfe")):
        expected = bridge.l1_gateway.getOutboundCalldata(l1_token.address, alice.address, to, 2 * LPT, hook)
        deposit = bridge_in(bridge, alice, to, 2 * LPT, call_hook_data=hook)
        message = _sent_retryable(sim, deposit.receipt)
        assert message.data == expected
        assert message.to == bridge.l2_gateway.address
        result = deliver(deposit.receipt)
        assert result.status is sim_api.DeliveryStatus.REDEEMED
    assert bridge.l2_token.balanceOf(bob.address) == 2 * LPT
    # the custom-refund form sends the same bytes
    expected = bridge.l1_gateway.getOutboundCalldata(l1_token.address, alice.address, bob.address, LPT, b"")
    deposit = bridge_in(bridge, alice, bob.address, LPT, refund_to=alice.address)
    assert _sent_retryable(sim, deposit.receipt).data == expected


@pytest.mark.parametrize("custom_refund", [False, True])
def test_a_routed_deposit_sends_exactly_what_the_router_reports(
    sim, bridge, routers, l1_token, alice, bob, governor, deliver, custom_refund
):
    l1_router, _ = routers
    bridge.l1_gateway.setRouter(l1_router.address, sender=governor)
    gas = deposit_gas_params(bridge, alice.address, bob.address, 2 * LPT)
    l1_token.approve(bridge.l1_gateway.address, 2 * LPT, sender=alice)
    # what an integration sizing the retryable asks the router before sending: the real sender, the call-hook data
    expected = l1_router.getOutboundCalldata(
        bridge.l1_gateway.address, l1_token.address, alice.address, bob.address, 2 * LPT, b""
    )
    common = (bob.address, 2 * LPT, gas.gas_limit, gas.gas_price_bid, deposit_data(gas.max_submission_cost))
    if custom_refund:
        receipt = l1_router.outboundTransferCustomRefund(
            bridge.l1_gateway.address, l1_token.address, alice.address, *common, value=gas.value, sender=alice
        )
    else:
        receipt = l1_router.outboundTransfer(
            bridge.l1_gateway.address, l1_token.address, *common, value=gas.value, sender=alice
        )
    assert (
        _sent_retryable(sim, receipt).data
        == expected
        == _deposit_message(l1_token.address, alice.address, bob.address, 2 * LPT)
    )
    deliver(receipt)
    assert bridge.l2_token.balanceOf(bob.address) == 2 * LPT


# ------------------------------------------------------------------------------ byte-identical L2 -> L1


def test_direct_and_routed_withdrawals_send_exactly_get_outbound_calldata(
    bridge, routers, l1_token, alice, bob, governor, on_l2, prove
):
    gw = bridge.l2_gateway
    _, l2_router = routers
    expected = [gw.getOutboundCalldata(l1_token.address, alice.address, bob.address, 3 * LPT, b"")]
    bridge_out(bridge, alice, bob.address, 3 * LPT)
    # the answer moves on with the exit number, as the next withdrawal's message does
    gw.setRouter(l2_router.address, sender=governor)
    bridge.l2_token.approve(gw.address, 2 * LPT, sender=alice)
    expected.append(
        l2_router.getOutboundCalldata(gw.address, l1_token.address, alice.address, alice.address, 2 * LPT, b"")
    )
    assert expected[1] != expected[0]
    l2_router.outboundTransfer(gw.address, l1_token.address, alice.address, 2 * LPT, 0, 0, b"", sender=alice)
    messages, execute = prove()
    assert (
        [m.data for m in messages]
        == expected
        == [
            _withdrawal_message(l1_token.address, alice.address, bob.address, 3 * LPT, 0),
            _withdrawal_message(l1_token.address, alice.address, alice.address, 2 * LPT, 1),
        ]
    )
    before = l1_token.balanceOf(bob.address)
    execute(0)
    execute(1)
    assert l1_token.balanceOf(bob.address) == before + 3 * LPT


# ------------------------------------------------------------------------------ recipients where LPT is lost


def _lost_addresses(bridge, l1_token):
    """The bridge's own contracts: no key controls them on either chain and none can pass LPT on."""
    return {
        "L1 escrow": bridge.l1_escrow.address,
        "L1 gateway": bridge.l1_gateway.address,
        "L2 gateway": bridge.l2_gateway.address,
        "L1 LPT": l1_token.address,
        "L2 LPT": bridge.l2_token.address,
    }


def test_withdrawals_to_the_bridges_own_contracts_are_refused_and_burn_nothing(
    bridge, routers, l1_token, alice, governor, on_l2
):
    gw = bridge.l2_gateway
    _, l2_router = routers
    gw.setRouter(l2_router.address, sender=governor)
    bridge.l2_token.approve(gw.address, 10 * LPT, sender=alice)
    refused = project.L2LPTGateway.RefusedRecipient
    for name, to in _lost_addresses(bridge, l1_token).items():
        assert gw.isRefusedRecipient(to), name
        with reverts(refused, to=to):
            gw.outboundTransfer(l1_token.address, to, LPT, b"", sender=alice)
        with reverts(refused, to=to):
            gw.outboundTransfer(l1_token.address, to, LPT, 0, 0, b"", sender=alice)
        with reverts(refused, to=to):
            l2_router.outboundTransfer(gw.address, l1_token.address, to, LPT, 0, 0, b"", sender=alice)
    assert bridge.l2_token.balanceOf(alice.address) == 10 * LPT
    assert bridge.l2_token.allowance(alice.address, gw.address) == 10 * LPT
    assert (gw.exitNum(), gw.totalBurned()) == (0, 0)
    assert not gw.isRefusedRecipient(alice.address)
    # alice still gets out, to herself, with the same allowance
    bridge_out(bridge, alice, alice.address, 10 * LPT, approve=False)
    assert bridge.l2_token.balanceOf(alice.address) == 0


def test_deposits_to_the_bridges_own_contracts_are_refused_and_escrow_nothing(
    bridge, routers, l1_token, alice, governor, deliver
):
    gw = bridge.l1_gateway
    l1_router, _ = routers
    gw.setRouter(l1_router.address, sender=governor)
    gas = deposit_gas_params(bridge, alice.address, alice.address, LPT)
    l1_token.approve(gw.address, LPT, sender=alice)
    before = l1_token.balanceOf(alice.address)
    tail = (LPT, gas.gas_limit, gas.gas_price_bid, deposit_data(gas.max_submission_cost))
    refused = project.L1LPTGateway.RefusedRecipient
    for name, to in _lost_addresses(bridge, l1_token).items():
        assert gw.isRefusedRecipient(to), name
        with reverts(refused, to=to):
            gw.outboundTransfer(l1_token.address, to, *tail, value=gas.value, sender=alice)
        with reverts(refused, to=to):
            gw.outboundTransferCustomRefund(l1_token.address, alice.address, to, *tail, value=gas.value, sender=alice)
        with reverts(refused, to=to):
            l1_router.outboundTransfer(gw.address, l1_token.address, to, *tail, value=gas.value, sender=alice)
    assert l1_token.balanceOf(alice.address) == before
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 0
    assert gw.totalDeposited() == 0
    assert not gw.isRefusedRecipient(alice.address)
    # alice still deposits to herself with the same allowance
    deliver(bridge_in(bridge, alice, alice.address, LPT, gas=gas, approve=False).receipt)
    assert bridge.l2_token.balanceOf(alice.address) == LPT


def test_migrators_are_set_by_the_governor_only(chains, bridge, alice, bob, mallory, governor):
    for gw, chain in ((bridge.l1_gateway, chains.l1), (bridge.l2_gateway, chains.l2)):
        assert (gw.l1Migrator(), gw.l2Migrator()) == (ZERO, ZERO)
        with reverts(project.L1LPTGateway.OwnableUnauthorizedAccount, account=mallory.address):
            gw.setMigrators(mallory.address, mallory.address, sender=mallory)
        for pair in ((ZERO, bob.address), (alice.address, ZERO)):
            with reverts(project.L1LPTGateway.ZeroAddress):
                gw.setMigrators(*pair, sender=governor)
        receipt = gw.setMigrators(alice.address, bob.address, sender=governor)
        with chain:
            (event,) = receipt.decode_logs(gw.unwrapped.MigratorsSet)
        assert (event.l1Migrator, event.l2Migrator) == (alice.address, bob.address)
        assert (gw.l1Migrator(), gw.l2Migrator()) == (alice.address, bob.address)


def test_no_deposit_reaches_either_migrator(bridge, l1_token, receiver, alice, bob, mallory, governor):
    """bob stands in for the L1Migrator and the test receiver for the L2Migrator. Migrations do not pass through the
    gateway (the L1Migrator sends its own retryables to the L2Migrator), so every deposit to the L2Migrator is
    refused, the L1Migrator's own with a record included, and so is every deposit to the L1Migrator (no code on
    L2), before anything is escrowed."""
    gw = bridge.l1_gateway
    gw.setMigrators(bob.address, receiver.address, sender=governor)
    l2_migrator = receiver.address
    gas = RetryableGasParams(max_submission_cost=0, gas_limit=600_000, gas_price_bid=10**7)
    refused = project.L1LPTGateway.RefusedRecipient
    for depositor, hook in ((mallory, b"record"), (mallory, b""), (bob, b""), (bob, b"record")):
        with reverts(refused, to=l2_migrator):
            bridge_in(bridge, depositor, l2_migrator, LPT, call_hook_data=hook, gas=gas)
    with reverts(refused, to=bob.address):
        bridge_in(bridge, alice, bob.address, LPT, gas=gas)
    assert gw.isRefusedRecipient(bob.address) and gw.isRefusedRecipient(l2_migrator)
    assert l1_token.balanceOf(bridge.l1_escrow.address) == 0 and gw.totalDeposited() == 0


def test_withdrawals_to_either_migrator_are_refused(bridge, l1_token, receiver, alice, bob, governor, on_l2):
    gw = bridge.l2_gateway
    gw.setMigrators(bob.address, receiver.address, sender=governor)
    bridge.l2_token.approve(gw.address, LPT, sender=alice)
    for to in (bob.address, receiver.address):
        assert gw.isRefusedRecipient(to)
        with reverts(project.L2LPTGateway.RefusedRecipient, to=to):
            gw.outboundTransfer(l1_token.address, to, LPT, b"", sender=alice)
    assert (bridge.l2_token.balanceOf(alice.address), gw.totalBurned()) == (10 * LPT, 0)
