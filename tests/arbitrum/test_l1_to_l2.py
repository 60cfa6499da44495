"""L1 -> L2: the Inbox's checks and events, delivery on L2 from the sender's alias, fees and
refunds, failed tickets, redeem, cancel, keepalive and expiry."""

import pytest
from ape import accounts as ape_accounts
from ape import project
from eth_utils import keccak

from ape_livepeer_migration._eth import event_topic
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import (
    RETRYABLE_LIFETIME_SECONDS,
    apply_l1_to_l2_alias,
    retryable_value_required,
    submission_fee,
)
from ape_livepeer_migration.arbitrum.simulator import DeliveryStatus
from ape_livepeer_migration.exceptions import ArbitrumError
from ape_livepeer_migration.testing.reverts import reverts

GWEI = 10**9
NO_DATA = b""
ZERO_ADDRESS = "0x" + "00" * 20


def _raw_logs(chain, receipt):
    return chain.provider.make_request("eth_getTransactionReceipt", [receipt.txn_hash])["logs"]


def _events(chain, receipt, signature):
    topic = "0x" + event_topic(signature).hex()
    return [log for log in _raw_logs(chain, receipt) if log["topics"][0] == topic]


# ------------------------------------------------------------------------------ L1 Inbox


def test_underpaying_a_ticket_reverts_with_required_and_provided(chains, sim, user):
    required = retryable_value_required(7, 100, 50_000, 3)
    args = (user, 7, 100, user, user, 50_000, 3, NO_DATA)
    with reverts("InsufficientValue", expected=required, actual=required - 1):
        sim.inbox.createRetryableTicket(*args, value=required - 1, sender=user)
    sim.inbox.createRetryableTicket(*args, value=required, sender=user)


def test_underpaid_ticket_through_the_l1_messenger_reverts_and_leaves_no_eth(
    chains, sim, endpoints, send_to_l2, user, l1_balance
):
    l1_endpoint, _ = endpoints
    with reverts("InsufficientValue", expected=1_009, actual=1_008):
        send_to_l2(l2_call_value=9, max_submission_cost=1_000, value=1_008)
    assert l1_balance(l1_endpoint.address) == 0


def test_submission_cost_below_the_fee_reverts(chains, sim, user, set_base_fee):
    base_fee = 7 * GWEI
    set_base_fee(chains.l1, base_fee)
    data = b"\x01" * 68
    fee = submission_fee(len(data), base_fee)
    args = lambda cost: (user, 0, cost, user, user, 0, 0, data)  # noqa: E731
    with reverts("InsufficientSubmissionCost", expected=fee, actual=fee - 1):
        sim.inbox.createRetryableTicket(*args(fee - 1), value=fee, sender=user, max_fee=100 * GWEI)
    set_base_fee(chains.l1, base_fee)
    receipt = sim.inbox.createRetryableTicket(*args(fee), value=fee, sender=user, max_fee=100 * GWEI)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert (message.base_fee_l1, message.max_submission_cost) == (base_fee, fee)


def test_query_the_fee_with_base_fee_zero_uses_the_current_block(chains, sim, set_base_fee):
    set_base_fee(chains.l1, 3 * GWEI)
    chains.l1.mine()
    with chains.l1:
        from ape import chain

        current = chain.blocks.head.base_fee
    assert current > 0
    assert sim.inbox.calculateRetryableSubmissionFee(10, 0) == submission_fee(10, current)


def test_gas_limit_above_uint64_reverts(chains, sim, user):
    with reverts("GasLimitTooLarge"):
        sim.inbox.createRetryableTicket(user, 0, 0, user, user, 2**64, 0, NO_DATA, sender=user)


def test_ticket_is_recorded_by_inbox_and_bridge_with_the_real_packing(
    chains, sim, endpoints, send_to_l2, user, l1_balance
):
    l1_endpoint, l2_endpoint = endpoints
    bridge_before = l1_balance(sim.bridge.address)
    message = send_to_l2(
        payload=b"abc", l2_call_value=5, max_submission_cost=11, gas_limit=60_000, max_fee_per_gas=2, value=200_000
    )
    assert l1_balance(sim.bridge.address) - bridge_before == 200_000  # the deposit is held by the bridge
    assert message.l1_sender == l1_endpoint.address
    assert message.to == l2_endpoint.address
    # the messenger offers the surplus of msg.value as submission cost (11 asked)
    assert (message.l2_call_value, message.deposit, message.max_submission_cost) == (5, 200_000, 200_000 - 5 - 120_000)
    assert (message.gas_limit, message.max_fee_per_gas) == (60_000, 2)
    assert message.excess_fee_refund_address == message.call_value_refund_address == user.address

    receipt_logs = chains.l1.provider.make_request("eth_getTransactionReceipt", [message.l1_tx_hash])["logs"]
    delivered = [log for log in receipt_logs if log["address"].lower() == str(sim.bridge.address).lower()]
    assert len(delivered) == 1
    topics = delivered[0]["topics"]
    assert int(topics[1], 16) == message.message_num
    from eth_abi import decode

    inbox, kind, sender, data_hash, _, _ = decode(
        ["address", "uint8", "address", "bytes32", "uint256", "uint64"], bytes.fromhex(delivered[0]["data"][2:])
    )
    assert kind == 9
    assert inbox.lower() == str(sim.inbox.address).lower()
    assert sender.lower() == apply_l1_to_l2_alias(l1_endpoint.address).lower()  # sender is aliased
    inbox_log = next(log for log in receipt_logs if log["address"].lower() == str(sim.inbox.address).lower())
    (packed,) = decode(["bytes"], bytes.fromhex(inbox_log["data"][2:]))
    assert keccak(packed) == data_hash
    assert sim.bridge.delayedMessageCount() == message.message_num + 1


def test_refund_addresses_with_code_are_aliased_by_the_safe_entry_only(chains, sim, endpoints, user):
    l1_endpoint, _ = endpoints
    contract = l1_endpoint.address
    for entry, expected in (
        (sim.inbox.createRetryableTicket, apply_l1_to_l2_alias(contract)),
        (sim.inbox.unsafeCreateRetryableTicket, contract),
    ):
        receipt = entry(user, 0, 0, contract, user, 0, 0, NO_DATA, sender=user)
        (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
        assert message.excess_fee_refund_address == expected
        assert message.call_value_refund_address == user.address  # an EOA is never aliased
        assert message.l1_sender == user.address


def test_unsafe_entry_skips_the_value_check(chains, sim, user):
    receipt = sim.inbox.unsafeCreateRetryableTicket(user, 10**18, 0, user, user, 0, 0, NO_DATA, value=1, sender=user)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert (message.deposit, message.l2_call_value) == (1, 10**18)


def test_bridge_accepts_messages_from_its_inbox_only_and_is_wired_once(chains, sim, operator, user):
    with reverts("NotDelayedInbox", sender=user):
        sim.bridge.enqueueDelayedMessage(9, user, bytes(32), sender=user)
    with reverts("NotOutbox", sender=user):
        sim.bridge.executeCall(user, 0, NO_DATA, sender=user)
    with reverts("AlreadyWired"):
        sim.bridge.wire(user, user, sender=operator)
    with reverts("NotDeployer", sender=user):
        sim.bridge.wire(user, user, sender=user)
    assert sim.bridge.activeOutbox() == "0x" + "00" * 20


def test_fresh_bridge_refuses_zero_wiring(chains, operator):
    with chains.l1:
        bridge = project.SimBridge.deploy(sender=operator)
        with reverts("ZeroAddress"):
            bridge.wire("0x" + "00" * 20, operator, sender=operator)


# ------------------------------------------------------------------------------ L2 delivery


def test_only_the_alias_of_the_l1_counterpart_may_call_the_l2_receiver(chains, sim, endpoints, send_to_l2):
    l1_endpoint, l2_endpoint = endpoints
    with chains.l2:
        unaliased = ape_accounts[str(l1_endpoint.address)]  # impersonated on L2
        chains.l2.provider.set_balance(unaliased.address, 10**18)
        with reverts("NotFromL1Counterpart", sender=l1_endpoint.address):
            l2_endpoint.unwrapped.receiveFromL1(b"forged", sender=unaliased)
    assert l2_endpoint.receivedCount() == 0

    message = send_to_l2(payload=b"real", l2_call_value=123, gas_limit=150_000, value=10**15)
    result = sim_api.deliver_retryable(sim, message)
    assert result.status is DeliveryStatus.REDEEMED
    assert l2_endpoint.receivedCount() == 1
    assert l2_endpoint.lastPayload() == b"real"
    assert l2_endpoint.lastValue() == 123
    gas_at_entry = l2_endpoint.lastGasAtEntry()
    assert 150_000 - 5_000 < gas_at_entry <= 150_000  # the call ran with the ticket's gas limit
    assert not sim_api.ticket_is_live(sim, result.ticket_id)


@pytest.mark.parametrize("through_messenger", [False, True])
def test_fees_and_refunds_add_up_to_the_deposit(
    chains, sim, endpoints, accounts, user, operator, set_base_fee, l2_balance, through_messenger
):
    l1_endpoint, l2_endpoint = endpoints
    refund, beneficiary = accounts[3], accounts[4]
    # only the L1 endpoint may call the L2 endpoint; a direct Inbox user calls an EOA
    target = l2_endpoint.address if through_messenger else accounts[6].address
    l1_base_fee = 5 * GWEI
    calldata = (
        keccak(text="receiveFromL1(bytes)")[:4]
        + (32).to_bytes(32, "big")
        + (4).to_bytes(32, "big")
        + (b"fees".ljust(32, b"\0"))
    )
    fee = submission_fee(len(calldata), l1_base_fee)
    max_submission, gas_limit, max_fee_per_gas, call_value, excess = fee + 1_000, 120_000, 3, 77, 5_555
    deposit = max_submission + call_value + gas_limit * max_fee_per_gas + excess
    set_base_fee(chains.l1, l1_base_fee)
    tx = {"value": deposit, "sender": user, "max_fee": 100 * GWEI}
    if through_messenger:
        receipt = l1_endpoint.sendToL2(
            b"fees", call_value, (max_submission, gas_limit, max_fee_per_gas), refund.address, beneficiary.address, **tx
        )
    else:
        receipt = sim.inbox.createRetryableTicket(
            target,
            call_value,
            max_submission,
            refund,
            beneficiary,
            gas_limit,
            max_fee_per_gas,
            calldata,
            **tx,
        )
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert (message.base_fee_l1, message.data) == (l1_base_fee, calldata)
    alias = apply_l1_to_l2_alias(message.l1_sender)
    watched = (refund, beneficiary, target, alias, operator)
    before = {str(a): l2_balance(a) for a in watched}
    result = sim_api.deliver_retryable(sim, message)
    after = {str(a): l2_balance(a) for a in watched}
    delta = {a: after[a] - before[a] for a in after}
    assert result.status is DeliveryStatus.REDEEMED
    assert message.max_submission_cost == max_submission + (excess if through_messenger else 0)
    # The local L2 runs at base fee 0 and gas price 0: no execution fee is charged. The Inbox
    # sends an excess deposit to the sender's alias; the L1 messenger turns it into submission
    # cost, refunded to the excess-fee refund address.
    stranded = 0 if through_messenger else excess
    assert delta[str(refund)] == (max_submission - fee) + gas_limit * max_fee_per_gas + excess - stranded
    assert delta[str(alias)] == stranded
    assert delta[str(beneficiary)] == 0
    assert delta[str(target)] == call_value
    assert delta[str(operator)] == -deposit + fee  # funds the deposit, collects the submission fee
    assert l2_balance(sim_api.ARB_RETRYABLE_TX_ADDRESS) == 0


def test_execution_fee_is_charged_at_the_l2_base_fee(
    chains, sim, endpoints, send_to_l2, accounts, operator, set_base_fee, l2_balance
):
    refund = accounts[3]
    base_fee = 2 * GWEI
    gas_limit, max_fee_per_gas = 100_000, 3 * GWEI
    message = send_to_l2(gas_limit=gas_limit, max_fee_per_gas=max_fee_per_gas, refund=refund)
    set_base_fee(chains.l2, base_fee)
    before = l2_balance(refund), l2_balance(operator)
    receipt_hash = sim_api.deliver_retryable(sim, message).l2_tx_hash
    raw = chains.l2.provider.make_request("eth_getTransactionReceipt", [receipt_hash])
    gas_paid = int(raw["gasUsed"], 16) * int(raw["effectiveGasPrice"], 16)
    refund_delta = l2_balance(refund) - before[0]
    network_fee = gas_limit * max_fee_per_gas - refund_delta
    assert 0 < network_fee < gas_limit * base_fee
    assert network_fee % base_fee == 0
    assert l2_balance(operator) - before[1] == -message.deposit + network_fee - gas_paid


def test_failed_ticket_stays_redeemable_by_anyone(chains, sim, endpoints, send_to_l2, accounts):
    _, l2_endpoint = endpoints
    l2_endpoint.setRejecting(True, sender=accounts[2])
    message = send_to_l2(payload=b"retry me", l2_call_value=10, value=10**15)
    result = sim_api.deliver_retryable(sim, message)
    assert result.status is DeliveryStatus.FAILED
    assert sim_api.ticket_is_live(sim, result.ticket_id)
    assert l2_endpoint.receivedCount() == 0
    rtx = sim.arb_retryable_tx
    with chains.l2:
        from ape import chain

        now = chain.blocks.head.timestamp
    assert now < rtx.getTimeout(result.ticket_id) <= now + RETRYABLE_LIFETIME_SECONDS
    assert rtx.getBeneficiary(result.ticket_id) == message.call_value_refund_address
    assert chains.l2.provider.get_balance(sim_api.ARB_RETRYABLE_TX_ADDRESS) == 10  # call value in escrow

    stranger = accounts[5]
    still_failing = rtx.redeem(result.ticket_id, sender=stranger)
    (scheduled,) = _events(
        chains.l2, still_failing, "RedeemScheduled(bytes32,bytes32,uint64,uint64,address,uint256,uint256)"
    )
    assert int(scheduled["topics"][3], 16) == 1  # the auto-redeem was try 0
    assert sim_api.ticket_is_live(sim, result.ticket_id)

    l2_endpoint.setRejecting(False, sender=accounts[2])
    rtx.redeem(result.ticket_id, sender=stranger)
    assert l2_endpoint.receivedCount() == 1
    assert (l2_endpoint.lastPayload(), l2_endpoint.lastValue()) == (b"retry me", 10)
    assert not sim_api.ticket_is_live(sim, result.ticket_id)
    with reverts("NoTicketWithID"):
        rtx.redeem(result.ticket_id, sender=stranger)
    with reverts("NoTicketWithID"):
        rtx.getTimeout(result.ticket_id)


def test_no_auto_redeem_when_gas_is_not_paid_for(chains, sim, endpoints, send_to_l2, set_base_fee, user):
    _, l2_endpoint = endpoints
    below_base_fee = send_to_l2(gas_limit=100_000, max_fee_per_gas=GWEI)
    too_little_gas = send_to_l2(gas_limit=20_999)
    set_base_fee(chains.l2, 2 * GWEI)
    assert sim_api.deliver_retryable(sim, below_base_fee).status is DeliveryStatus.FAILED
    assert sim_api.deliver_retryable(sim, too_little_gas).status is DeliveryStatus.FAILED
    assert l2_endpoint.receivedCount() == 0
    ticket = sim_api.ticket_id_of(sim, below_base_fee)
    sim.arb_retryable_tx.redeem(ticket, sender=user, **sim_api.fee_kwargs(chains.l2))
    assert l2_endpoint.receivedCount() == 1


def test_unpaid_gas_is_refunded_when_not_auto_redeemed(chains, sim, send_to_l2, accounts, set_base_fee, l2_balance):
    refund = accounts[3]
    message = send_to_l2(gas_limit=100_000, max_fee_per_gas=GWEI, refund=refund)
    set_base_fee(chains.l2, 2 * GWEI)
    before = l2_balance(refund)
    sim_api.deliver_retryable(sim, message)
    assert l2_balance(refund) - before == 100_000 * GWEI


def test_deposit_too_small_for_fee_and_call_value_is_rejected_and_credited_to_the_alias(chains, sim, user, l2_balance):
    receipt = sim.inbox.unsafeCreateRetryableTicket(user, 500, 0, user, user, 0, 0, NO_DATA, value=300, sender=user)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    alias = apply_l1_to_l2_alias(user.address)
    before = l2_balance(alias)
    result = sim_api.deliver_retryable(sim, message)
    assert result.status is DeliveryStatus.REJECTED
    assert l2_balance(alias) - before == 300
    assert not sim_api.ticket_is_live(sim, result.ticket_id)
    assert sim_api.is_delivered(sim, message)


def test_beneficiary_cancels_and_gets_the_call_value(chains, sim, endpoints, send_to_l2, accounts, l2_balance):
    _, l2_endpoint = endpoints
    beneficiary, stranger = accounts[4], accounts[5]
    l2_endpoint.setRejecting(True, sender=accounts[2])
    message = send_to_l2(l2_call_value=1_234, beneficiary=beneficiary, value=10**15)
    ticket = sim_api.deliver_retryable(sim, message).ticket_id
    with reverts("NotBeneficiary", sender=stranger, beneficiary=beneficiary):
        sim.arb_retryable_tx.cancel(ticket, sender=stranger)
    before = l2_balance(beneficiary)
    receipt = sim.arb_retryable_tx.cancel(ticket, sender=beneficiary)
    assert l2_balance(beneficiary) - before == 1_234
    assert len(_events(chains.l2, receipt, "Canceled(bytes32)")) == 1
    assert not sim_api.ticket_is_live(sim, ticket)
    with reverts("NoTicketWithID"):
        sim.arb_retryable_tx.redeem(ticket, sender=stranger)
    with reverts("NoTicketWithID"):
        sim.arb_retryable_tx.cancel(ticket, sender=beneficiary)


def _advance_l2(chains, seconds):
    chains.l2.provider.make_request("evm_increaseTime", [seconds])
    chains.l2.mine()


def test_keepalive_extends_by_one_lifetime_at_most_one_ahead(chains, sim, endpoints, send_to_l2, accounts):
    _, l2_endpoint = endpoints
    l2_endpoint.setRejecting(True, sender=accounts[2])
    ticket = sim_api.deliver_retryable(sim, send_to_l2()).ticket_id
    rtx = sim.arb_retryable_tx
    timeout = rtx.getTimeout(ticket)
    receipt = rtx.keepalive(ticket, sender=accounts[5])
    assert rtx.getTimeout(ticket) == timeout + RETRYABLE_LIFETIME_SECONDS
    (extended,) = _events(chains.l2, receipt, "LifetimeExtended(bytes32,uint256)")
    assert int(extended["data"], 16) == timeout + RETRYABLE_LIFETIME_SECONDS
    with reverts("TimeoutTooFarInFuture"):
        rtx.keepalive(ticket, sender=accounts[5])
    _advance_l2(chains, RETRYABLE_LIFETIME_SECONDS + 1)
    assert sim_api.ticket_is_live(sim, ticket)  # kept alive past the first timeout


def test_expired_ticket_returns_only_the_call_value_to_the_beneficiary(
    chains, sim, endpoints, send_to_l2, accounts, l2_balance
):
    _, l2_endpoint = endpoints
    beneficiary, stranger = accounts[4], accounts[5]
    l2_endpoint.setRejecting(True, sender=accounts[2])
    message = send_to_l2(l2_call_value=4_321, beneficiary=beneficiary, value=10**15)
    ticket = sim_api.deliver_retryable(sim, message).ticket_id
    timeout = sim.arb_retryable_tx.getTimeout(ticket)
    with reverts("TicketNotExpired", ticketId=ticket, timeout=timeout):
        sim.arb_retryable_tx.reap(ticket, sender=stranger)
    _advance_l2(chains, RETRYABLE_LIFETIME_SECONDS + 1)
    assert not sim_api.ticket_is_live(sim, ticket)
    for call in (sim.arb_retryable_tx.redeem, sim.arb_retryable_tx.keepalive, sim.arb_retryable_tx.getBeneficiary):
        with reverts("NoTicketWithID"):
            call(ticket, sender=stranger)
    before = l2_balance(beneficiary)
    receipt = sim.arb_retryable_tx.reap(ticket, sender=stranger)
    assert l2_balance(beneficiary) - before == 4_321
    assert len(_events(chains.l2, receipt, "TicketExpired(bytes32)")) == 1
    with reverts("NoTicketWithID"):
        sim.arb_retryable_tx.reap(ticket, sender=stranger)


def test_lifetime_is_seven_days(sim):
    assert sim.arb_retryable_tx.getLifetime() == RETRYABLE_LIFETIME_SECONDS == 7 * 24 * 3600


# ------------------------------------------------------------------------------ exactly once


def test_delivery_is_exactly_once_and_replays_report_the_first_outcome(chains, sim, send_to_l2, operator):
    message = send_to_l2(value=10**15)
    assert not sim_api.is_delivered(sim, message)
    first = sim_api.deliver_retryable(sim, message)
    assert sim_api.is_delivered(sim, message)
    again = sim_api.deliver_retryable(sim, message)
    assert again.already_delivered and not first.already_delivered
    assert (again.ticket_id, again.status, again.l2_tx_hash) == (first.ticket_id, first.status, first.l2_tx_hash)
    assert first.ticket_id == keccak(chains.l2.chain_id.to_bytes(32, "big") + message.request_id)
    request = sim_api.retryable_request(message)
    with reverts("AlreadySubmitted", requestId=message.request_id):
        sim.arb_retryable_tx.submitRetryable(request, value=message.deposit, sender=operator, gas=2_000_000)


def test_submit_guards(chains, sim, send_to_l2, operator, user):
    message = send_to_l2(value=1_000)
    request = sim_api.retryable_request(message)
    rtx = sim.arb_retryable_tx
    with reverts("NotOperator", sender=user):
        rtx.submitRetryable(request, value=1_000, sender=user, gas=2_000_000)
    with reverts("DepositMismatch", deposit=1_000, value=999):
        rtx.submitRetryable(request, value=999, sender=operator, gas=2_000_000)
    alias = apply_l1_to_l2_alias(message.l1_sender)
    with reverts("ForwarderMissing", l2Alias=alias):
        rtx.submitRetryable(request, value=1_000, sender=operator, gas=2_000_000)
    sim_api.ensure_alias_forwarder(sim, message.l1_sender)
    with reverts("InsufficientGasForRetry"):
        rtx.submitRetryable(request, value=1_000, sender=operator, gas=300_000)
    assert not sim_api.is_delivered(sim, message)  # a reverted submit consumes nothing
    assert sim_api.deliver_retryable(sim, message).status is DeliveryStatus.REDEEMED


def test_forwarder_is_driven_only_by_the_retryable_precompile(chains, sim, send_to_l2, user):
    message = send_to_l2()
    alias = sim_api.ensure_alias_forwarder(sim, message.l1_sender)
    assert sim_api.ensure_alias_forwarder(sim, message.l1_sender) == alias  # idempotent
    with chains.l2:
        from ape import project

        forwarder = project.SimAliasForwarder.at(alias)
        with reverts("NotDriver", sender=user):
            forwarder.forward(user, 100_000, NO_DATA, sender=user)


def test_alias_with_foreign_code_is_refused(chains, sim, user):
    victim = "0x" + "42" * 20
    chains.l2.provider.make_request("anvil_setCode", [apply_l1_to_l2_alias(victim), "0x6000"])
    with pytest.raises(ArbitrumError, match="other code"):
        sim_api.ensure_alias_forwarder(sim, victim)


def test_manual_redeem_needs_at_least_the_ticket_gas_limit(chains, sim, endpoints, send_to_l2, accounts):
    _, l2_endpoint = endpoints
    l2_endpoint.setRejecting(True, sender=accounts[2])
    ticket = sim_api.deliver_retryable(sim, send_to_l2(gas_limit=300_000)).ticket_id
    l2_endpoint.setRejecting(False, sender=accounts[2])
    with reverts("InsufficientGasForRetry"):
        sim.arb_retryable_tx.redeem(ticket, sender=accounts[5], gas=350_000)
    assert sim_api.ticket_is_live(sim, ticket)
    sim.arb_retryable_tx.redeem(ticket, sender=accounts[5], gas=1_000_000)
    assert l2_endpoint.receivedCount() == 1
    assert l2_endpoint.lastGasAtEntry() > 300_000  # a manual redeem donates the gas it was given


def test_messenger_and_test_endpoint_guards(chains, endpoints, accounts):
    from ape import project

    l1_endpoint, l2_endpoint = endpoints
    with chains.l1, reverts("ZeroInbox"):
        project.TestL1Endpoint.deploy(ZERO_ADDRESS, sender=accounts[0])
    with reverts("CounterpartAlreadySet"):
        l1_endpoint.setCounterpart(accounts[3].address, sender=accounts[0])
    with reverts("NotDeployer", sender=accounts[3].address):
        l2_endpoint.setCounterpart(accounts[3].address, sender=accounts[3])
    with reverts("NotDeployer", sender=accounts[3].address):
        l2_endpoint.setRejecting(True, sender=accounts[3])


def test_a_retry_cannot_reenter_the_precompile(chains, sim, user):
    from ape import project
    from eth_abi import decode

    with chains.l2:
        redeemer = project.TestReentrantRedeemer.deploy(sender=user)
    request_id = sim.bridge.delayedMessageCount().to_bytes(32, "big")
    own_ticket = keccak(chains.l2.chain_id.to_bytes(32, "big") + request_id)
    calldata = keccak(text="redeemDuringRetry(bytes32)")[:4] + own_ticket
    receipt = sim.inbox.createRetryableTicket(redeemer.address, 0, 0, user, user, 300_000, 0, calldata, sender=user)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    result = sim_api.deliver_retryable(sim, message)
    assert result.ticket_id == own_ticket
    assert result.status is DeliveryStatus.FAILED
    raw = chains.l2.provider.make_request("eth_getTransactionReceipt", [result.l2_tx_hash])["logs"]
    topic = "0x" + event_topic("RedeemAttempted(bytes32,uint64,bool,bytes)").hex()
    (attempt,) = [log for log in raw if log["topics"][0] == topic]
    success, reason = decode(["bool", "bytes"], bytes.fromhex(attempt["data"][2:]))
    assert not success
    assert reason == keccak(text="ReentrancyGuardReentrantCall()")[:4]
    assert sim_api.ticket_is_live(sim, own_ticket)


def test_ticket_whose_gas_limit_exceeds_a_block_is_created_but_not_auto_redeemed(
    chains, sim, endpoints, send_to_l2, accounts, l2_balance
):
    _, l2_endpoint = endpoints
    block_gas_limit = int(chains.l2.provider.make_request("eth_getBlockByNumber", ["latest", False])["gasLimit"], 16)
    refund = accounts[3]
    message = send_to_l2(gas_limit=block_gas_limit, max_fee_per_gas=1, refund=refund)
    before = l2_balance(refund)
    result = sim_api.deliver_retryable(sim, message)
    assert result.status is DeliveryStatus.FAILED
    assert l2_balance(refund) - before == block_gas_limit  # the unused gas budget is refunded
    assert sim_api.ticket_is_live(sim, result.ticket_id)
    assert l2_endpoint.receivedCount() == 0


def test_simulator_can_be_attached_again_from_its_addresses(chains, sim, send_to_l2, accounts, operator):
    import json

    addresses = json.loads(json.dumps(sim.addresses))
    assert addresses["arb_sys"] == "0x0000000000000000000000000000000000000064"
    assert addresses["arb_retryable_tx"] == "0x000000000000000000000000000000000000006E"
    again = sim_api.attach_simulator(chains, operator, addresses)
    assert again.addresses == sim.addresses
    assert (again.forwarder_code, again.confirm_period_blocks) == (sim.forwarder_code, sim.confirm_period_blocks)
    assert sim_api.deliver_retryable(again, send_to_l2()).status is DeliveryStatus.REDEEMED
    with pytest.raises(ArbitrumError, match="not the operator"):
        sim_api.attach_simulator(chains, accounts[5], addresses)
    with pytest.raises(ArbitrumError, match="forwarder template"):
        sim_api.attach_simulator(chains, operator, {**addresses, "forwarder_template": "0x" + "33" * 20})
    with pytest.raises(ArbitrumError, match="not wired"):
        sim_api.attach_simulator(
            chains, operator, {**addresses, "inbox": addresses["outbox"], "outbox": addresses["inbox"]}
        )


@pytest.mark.parametrize("payload_size", [0, 4096])
def test_largest_auto_redeemable_gas_limit_is_delivered_with_any_payload(
    chains, sim, endpoints, send_to_l2, payload_size
):
    _, l2_endpoint = endpoints
    block_gas_limit = int(chains.l2.provider.make_request("eth_getBlockByNumber", ["latest", False])["gasLimit"], 16)
    payload = b"\x5a" * payload_size
    calldata_length = 4 + 64 + (payload_size + 31) // 32 * 32
    gas_limit = 5_000_000
    while sim.arb_retryable_tx.submissionGas(gas_limit + 100_000, calldata_length) <= block_gas_limit:
        gas_limit += 100_000
    result = sim_api.deliver_retryable(sim, send_to_l2(payload=payload, gas_limit=gas_limit))
    assert result.status is DeliveryStatus.REDEEMED
    assert l2_endpoint.lastPayload() == payload
    assert gas_limit - 50_000 < l2_endpoint.lastGasAtEntry() <= gas_limit


def test_a_second_simulator_on_the_same_l2_is_refused(chains, sim, operator):
    """0x64 and 0x6E hold the first simulator: a second would share their storage (request ids would collide)."""
    nonces = [chain.provider.get_nonce(operator.address) for chain in chains.layers]
    both = f"{sim_api.ARB_SYS_ADDRESS}, {sim_api.ARB_RETRYABLE_TX_ADDRESS}"
    refused = f"already holds an Arbitrum simulator \\(code at {both}\\)"
    with pytest.raises(sim_api.SimulatorPresentError, match=refused):
        sim_api.deploy_simulator(chains, operator)
    chains.l2.provider.make_request("anvil_setCode", [sim_api.ARB_SYS_ADDRESS, "0x"])
    with pytest.raises(sim_api.SimulatorPresentError, match=f"\\(code at {sim_api.ARB_RETRYABLE_TX_ADDRESS}\\)"):
        sim_api.deploy_simulator(chains, operator)
    assert [chain.provider.get_nonce(operator.address) for chain in chains.layers] == nonces


@pytest.mark.parametrize("nonce", [0, 1, 127, 128, 255, 256, 70_000])
def test_create_address_is_where_the_node_deploys(chains, user, nonce):
    """What the fork delivery builds its forwarder for (the retryable contract's address) before deploying it."""
    chains.l2.provider.make_request("anvil_setNonce", [user.address, hex(nonce)])
    with chains.l2:
        deployed = project.TestL2Endpoint.deploy(sender=user)
    assert sim_api.create_address(user.address, nonce) == deployed.address


#: Arbitrum One's Inbox.maxDataSize (Nitro's AbsInbox) and the calldata it leaves a retryable
#: (its message is nine 32-byte words plus the calldata).
MAX_DATA_SIZE = 117_964
MAX_RETRY_DATA = MAX_DATA_SIZE - 9 * 32


def test_calldata_over_the_limit_is_refused_on_l1_as_arbitrums_inbox_does(sim, user):
    assert sim.inbox.maxDataSize() == MAX_DATA_SIZE
    args = (user.address, 0, 10**15, user.address, user.address, 0, 0)
    sim.inbox.createRetryableTicket(*args, b"\xff" * MAX_RETRY_DATA, value=10**15, sender=user)
    for create in (sim.inbox.createRetryableTicket, sim.inbox.unsafeCreateRetryableTicket):
        with reverts("DataTooLarge", dataLength=MAX_DATA_SIZE + 1, maxDataLength=MAX_DATA_SIZE):
            create(*args, b"\xff" * (MAX_RETRY_DATA + 1), value=10**15, sender=user)


def test_every_ticket_the_inbox_accepts_fits_in_a_block(chains, sim):
    """The gas a submission carries is bounded for every data length the Inbox accepts: without
    an auto-redeem (a gas limit above a block's) even the longest calldata fits in one block."""
    rtx = sim.arb_retryable_tx
    block_gas = chains.l2.provider.make_request("eth_getBlockByNumber", ["latest", False])["gasLimit"]
    assert rtx.MAX_RETRY_DATA() == MAX_RETRY_DATA
    assert rtx.submissionGas(0, MAX_RETRY_DATA) < int(block_gas, 16) - 2_000_000
    assert rtx.submissionGas(0, MAX_RETRY_DATA + 1) < rtx.submissionGas(0, MAX_RETRY_DATA) / 10  # refused: nothing kept
    assert rtx.submissionGas(2**64 - 1, 0) > int(block_gas, 16)  # created, not auto-redeemed
