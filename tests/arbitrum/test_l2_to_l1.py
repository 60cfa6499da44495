"""L2 -> L1: ArbSys's messages, send-root assertion and the challenge period, Outbox proofs
and execution context, and the L1 messenger's authentication of its L2 counterpart."""

import pytest
from eth_utils import keccak

from ape_livepeer_migration._eth import event_topic
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import SendMerkleTree, l2_to_l1_item_hash
from ape_livepeer_migration.testing.reverts import reverts

ZERO_ADDRESS = "0x" + "00" * 20


def _all_messages(sim, chains):
    return sim_api.fetch_l2_to_l1(sim, 0, chains.l2.block_number)


@pytest.fixture
def confirmed(chains, sim):
    """Assert the root over every message so far and wait out the challenge period."""

    def confirm():
        messages = _all_messages(sim, chains)
        assertion = sim_api.assert_send_root(sim, messages)
        sim_api.mine_l1_until(sim, assertion.confirmable_at_block)
        return messages

    return confirm


def test_arbsys_emits_the_item_hash_and_position_and_holds_the_value(chains, sim, endpoints, user):
    _, l2_endpoint = endpoints
    receipt = l2_endpoint.sendToL1(b"first", value=5, sender=user)
    l2_endpoint.sendToL1(b"second", sender=user)
    first, second = _all_messages(sim, chains)
    assert (first.position, second.position) == (0, 1)
    assert first.caller == l2_endpoint.address
    assert first.destination == endpoints[0].address
    assert (first.callvalue, first.arb_block_num, first.l2_block) == (5, receipt.block_number, receipt.block_number)
    assert first.item_hash == first.computed_item_hash()
    assert first.item_hash == bytes(
        sim.outbox.calculateItemHash(
            first.caller, first.destination, first.arb_block_num, first.eth_block_num, first.timestamp, 5, first.data
        )
    )
    assert chains.l2.provider.get_balance(sim_api.ARB_SYS_ADDRESS) == 5
    assert sim.arb_sys.sendCount() == 2
    raw = chains.l2.provider.make_request("eth_getTransactionReceipt", [receipt.txn_hash])["logs"]
    emitted = [log for log in raw if log["address"].lower() == sim_api.ARB_SYS_ADDRESS.lower()]
    assert (
        emitted[0]["topics"][0]
        == "0x" + keccak(text="L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)").hex()
    )


def test_arbsys_block_number_chain_id_and_withdraw(chains, sim, user):
    assert sim.arb_sys.arbBlockNumber() == chains.l2.block_number
    assert sim.arb_sys.arbChainID() == chains.l2.chain_id
    sim.arb_sys.withdrawEth(user.address, value=9, sender=user)
    (message,) = _all_messages(sim, chains)
    assert (message.caller, message.destination, message.callvalue, message.data) == (
        user.address,
        user.address,
        9,
        b"",
    )


def test_execution_waits_for_the_challenge_period_and_happens_once(chains, sim, endpoints, user, l1_balance):
    l1_endpoint, l2_endpoint = endpoints
    sim.inbox.createRetryableTicket(user, 0, 0, user, user, 0, 0, b"", value=10**18, sender=user)  # bridge holds ETH
    l2_endpoint.sendToL1(b"withdrawal", value=1_000, sender=user)
    messages = _all_messages(sim, chains)
    (message,) = messages
    proof = sim_api.proof_for(messages, 0)
    args = message.execute_args(proof)
    root = SendMerkleTree.of_messages(messages).root

    with reverts("UnknownRoot", root=root):  # never asserted
        sim.outbox.executeTransaction(*args, sender=user)
    assertion = sim_api.assert_send_root(sim, messages)
    assert assertion.confirmable_at_block == chains.l1.block_number + sim.confirm_period_blocks
    assert sim_api.confirmable_at(sim, root) == assertion.confirmable_at_block
    sim_api.mine_l1_until(sim, assertion.confirmable_at_block - 2)  # the next tx lands one block early
    with reverts("UnknownRoot", root=root):
        sim.outbox.executeTransaction(*args, sender=user)
    assert not sim_api.is_confirmed(sim, root)
    sim_api.mine_l1(sim, 1)
    assert sim_api.is_confirmed(sim, root)

    bridge_before = l1_balance(sim.bridge.address)
    result = sim_api.execute_l2_to_l1(sim, message, proof, sender=user)
    assert not result.already_executed
    assert l1_endpoint.receivedCount() == 1
    assert (l1_endpoint.lastPayload(), l1_endpoint.lastValue()) == (b"withdrawal", 1_000)
    assert bridge_before - l1_balance(sim.bridge.address) == 1_000
    assert sim_api.is_executed(sim, 0)
    with reverts("AlreadySpent", index=0):
        sim.outbox.executeTransaction(*args, sender=user)
    again = sim_api.execute_l2_to_l1(sim, message, proof)
    assert again.already_executed and again.l1_tx_hash is None
    assert l1_endpoint.receivedCount() == 1

    raw = chains.l1.provider.make_request("eth_getTransactionReceipt", [result.l1_tx_hash])["logs"]
    executed_topic = "0x" + event_topic("OutBoxTransactionExecuted(address,address,uint256,uint256)").hex()
    (executed,) = [log for log in raw if log["topics"][0] == executed_topic]
    assert int(executed["data"], 16) == 0
    triggered_topic = "0x" + event_topic("BridgeCallTriggered(address,address,uint256,bytes)").hex()
    assert len([log for log in raw if log["topics"][0] == triggered_topic]) == 1


def test_context_is_set_only_during_the_execution(chains, sim, endpoints, user, confirmed):
    l1_endpoint, l2_endpoint = endpoints
    l2_endpoint.sendToL1(b"ctx", sender=user)
    messages = confirmed()
    sim_api.execute_l2_to_l1(sim, messages[0], sim_api.proof_for(messages, 0))
    assert l1_endpoint.receivedCount() == 1  # the counterpart check saw the sender and outbox
    assert sim.outbox.l2ToL1Sender() == ZERO_ADDRESS
    assert sim.bridge.activeOutbox() == ZERO_ADDRESS
    assert (sim.outbox.l2ToL1Block(), sim.outbox.l2ToL1EthBlock(), sim.outbox.l2ToL1Timestamp()) == (0, 0, 0)
    assert bytes(sim.outbox.l2ToL1OutputId()) == bytes(32)


def test_many_messages_execute_in_any_order_with_their_own_proofs(chains, sim, endpoints, user, confirmed):
    l1_endpoint, l2_endpoint = endpoints
    for i in range(5):
        l2_endpoint.sendToL1(f"m{i}".encode(), sender=user)
    messages = confirmed()
    for index in (3, 0, 4):
        sim_api.execute_l2_to_l1(sim, messages[index], sim_api.proof_for(messages, index))
        assert l1_endpoint.lastPayload() == f"m{index}".encode()
    assert [sim_api.is_executed(sim, i) for i in range(5)] == [True, False, False, True, True]


def test_a_later_root_covers_earlier_messages(chains, sim, endpoints, user, confirmed):
    l1_endpoint, l2_endpoint = endpoints
    l2_endpoint.sendToL1(b"early", sender=user)
    first_root = sim_api.assert_send_root(sim, _all_messages(sim, chains)).root
    l2_endpoint.sendToL1(b"late", sender=user)
    messages = confirmed()
    assert SendMerkleTree.of_messages(messages).root != first_root
    sim_api.execute_l2_to_l1(sim, messages[0], sim_api.proof_for(messages, 0))
    assert l1_endpoint.lastPayload() == b"early"


def test_forged_message_from_another_l2_sender_is_rejected_by_the_l1_base(chains, sim, endpoints, user, confirmed):
    l1_endpoint, _ = endpoints
    calldata = (
        keccak(text="receiveFromL2(bytes)")[:4]
        + (32).to_bytes(32, "big")
        + (6).to_bytes(32, "big")
        + (b"forged".ljust(32, b"\0"))
    )
    sim.arb_sys.sendTxToL1(l1_endpoint.address, calldata, sender=user)  # an EOA on L2, not the counterpart
    messages = confirmed()
    assert messages[0].caller == user.address
    with reverts("NotFromL2Counterpart", l2Sender=user.address):
        sim_api.execute_l2_to_l1(sim, messages[0], sim_api.proof_for(messages, 0))
    assert not sim_api.is_executed(sim, 0)  # a reverted execution can be retried


def test_direct_call_to_the_l1_receiver_is_rejected(chains, endpoints, user):
    l1_endpoint, _ = endpoints
    with reverts("NotFromBridge", sender=user.address):
        l1_endpoint.receiveFromL2(b"direct", sender=user)


def test_bad_proofs_are_rejected(chains, sim, endpoints, user, confirmed):
    _, l2_endpoint = endpoints
    for i in range(3):
        l2_endpoint.sendToL1(bytes([i]), sender=user)
    messages = confirmed()
    proof = sim_api.proof_for(messages, 1)
    message = messages[1]
    wrong_index = message.execute_args(proof)
    wrong_index = (wrong_index[0], 2, *wrong_index[2:])
    with reverts("UnknownRoot"):
        sim.outbox.executeTransaction(*wrong_index, sender=user)
    tampered = message.execute_args(proof)
    tampered = (*tampered[:-1], b"tampered")
    with reverts("UnknownRoot"):
        sim.outbox.executeTransaction(*tampered, sender=user)
    too_far = message.execute_args(proof)
    too_far = (too_far[0], 4, *too_far[2:])
    with reverts("PathNotMinimal", index=4, maxIndex=4):
        sim.outbox.executeTransaction(*too_far, sender=user)
    too_long = message.execute_args([bytes(32)] * 256)
    with reverts("ProofTooLong", proofLength=256):
        sim.outbox.executeTransaction(*too_long, sender=user)


def test_l1_call_failures_bubble_up_and_leave_the_message_executable(chains, sim, user, confirmed):
    eoa = "0x" + "77" * 20
    sim.arb_sys.sendTxToL1(eoa, b"\x01", sender=user)  # calldata to an address without code
    sim.arb_sys.sendTxToL1(sim.inbox.address, b"", value=1, sender=user)  # contract that refuses ETH
    messages = confirmed()
    with reverts("NotContract", addr=eoa):
        sim_api.execute_l2_to_l1(sim, messages[0], sim_api.proof_for(messages, 0))
    sim.inbox.createRetryableTicket(user, 0, 0, user, user, 0, 0, b"", value=10, sender=user)
    with reverts("BridgeCallFailed"):
        sim_api.execute_l2_to_l1(sim, messages[1], sim_api.proof_for(messages, 1))
    assert not sim_api.is_executed(sim, 0) and not sim_api.is_executed(sim, 1)


def test_send_root_assertion_guards_and_idempotence(chains, sim, endpoints, operator, user):
    _, l2_endpoint = endpoints
    l2_endpoint.sendToL1(b"x", sender=user)
    messages = _all_messages(sim, chains)
    root = SendMerkleTree.of_messages(messages).root
    with reverts("NotOperator", sender=user):
        sim.outbox.assertSendRoot(root, keccak(b"block"), 1, sender=user)
    with reverts("ZeroBlockHash"):
        sim.outbox.assertSendRoot(root, bytes(32), 1, sender=operator)
    first = sim_api.assert_send_root(sim, messages)
    assert not first.already_asserted and first.size == 1
    block_before = chains.l1.block_number
    second = sim_api.assert_send_root(sim, messages)
    assert second.already_asserted and second.confirmable_at_block == first.confirmable_at_block
    assert chains.l1.block_number == block_before  # nothing was sent
    with reverts("RootAlreadyAsserted", sendRoot=root):
        sim.outbox.assertSendRoot(root, keccak(b"block"), 1, sender=operator)
    assert sim_api.confirmable_at(sim, keccak(b"never asserted")) is None


def test_round_trip_l1_to_l2_and_back(chains, sim, endpoints, send_to_l2, user, confirmed):
    l1_endpoint, l2_endpoint = endpoints
    delivered = sim_api.deliver_retryable(sim, send_to_l2(payload=b"down"))
    assert delivered.status is sim_api.DeliveryStatus.REDEEMED
    l2_endpoint.sendToL1(l2_endpoint.lastPayload() + b"+up", sender=user)
    messages = confirmed()
    sim_api.execute_l2_to_l1(sim, messages[0], sim_api.proof_for(messages, 0))
    assert l1_endpoint.lastPayload() == b"down+up"
    assert messages[0].item_hash == l2_to_l1_item_hash(
        l2_endpoint.address,
        l1_endpoint.address,
        messages[0].arb_block_num,
        messages[0].eth_block_num,
        messages[0].timestamp,
        0,
        messages[0].data,
    )
