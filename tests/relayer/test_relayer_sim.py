"""The relayer against the simulator on the two local chains, in process."""

import pytest
from shared import run_until_idle

from ape_livepeer_migration._eth import event_topic, hex_text
from ape_livepeer_migration.arbitrum.simulator.deploy import load_simulator, simulator_deployment
from ape_livepeer_migration.exceptions import ArbitrumError, ChainIdMismatchError
from ape_livepeer_migration.relayer.core import Relayer
from ape_livepeer_migration.relayer.journal import Direction, Status, load
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend

RECEIVED_FROM_L1 = "ReceivedFromL1(uint256,uint256,bytes)"
RECEIVED_FROM_L2 = "ReceivedFromL2(uint256,bytes)"


def test_both_directions_end_to_end(chains, relayer, endpoints, send_to_l2, send_to_l1, event_payloads):
    l1_endpoint, l2_endpoint = endpoints
    send_to_l2(b"to-l2-0")
    send_to_l2(b"to-l2-1", fails=True)
    send_to_l1(b"to-l1-0")
    send_to_l1(b"to-l1-1")
    reports = run_until_idle(relayer)
    first = reports[0]
    assert len(first.seen_l1) == 2 and first.seen_l2 == [0, 1]
    assert len(first.delivered) == 1 and len(first.failed) == 1
    assert first.roots == [2] and first.executed == [0, 1]
    assert event_payloads(chains.l2, l2_endpoint.address, RECEIVED_FROM_L1) == [b"to-l2-0"]
    assert event_payloads(chains.l1, l1_endpoint.address, RECEIVED_FROM_L2) == [b"to-l1-0", b"to-l1-1"]

    failed = relayer.journal.message(Direction.L1_TO_L2, first.failed[0])
    assert failed.status is Status.FAILED
    with chains.l2:
        from ape import chain

        now = chain.blocks.head.timestamp
    assert now < failed.redeemable_until <= now + 7 * 24 * 3600
    assert relayer.summary()["messages"] == {
        "l1-to-l2": {"delivered": 1, "failed": 1},
        "l2-to-l1": {"done": 2},
    }


def test_failed_ticket_redeemed_by_a_user_becomes_done(chains, relayer, sim, send_to_l2, accounts):
    send_to_l2(b"late", fails=True)
    (report,) = run_until_idle(relayer)
    ticket = relayer.journal.message(Direction.L1_TO_L2, report.failed[0]).ticket_id
    sim.arb_retryable_tx.redeem(bytes.fromhex(ticket[2:]), sender=accounts[4], gas=1_000_000)
    (report,) = run_until_idle(relayer)
    assert report.redeemed_later == [relayer.status(Direction.L1_TO_L2)[0].id]
    assert relayer.status(Direction.L1_TO_L2)[0].status is Status.DONE


def test_failed_ticket_canceled_or_expired(chains, relayer, sim, send_to_l2, accounts):
    send_to_l2(b"cancel-me", fails=True)
    send_to_l2(b"let-me-expire", fails=True)
    (report,) = run_until_idle(relayer)
    cancel, expire = report.failed
    ticket = relayer.journal.message(Direction.L1_TO_L2, cancel).ticket_id
    sim.arb_retryable_tx.cancel(bytes.fromhex(ticket[2:]), sender=accounts[1])
    chains.l2.provider.make_request("evm_increaseTime", [7 * 24 * 3600 + 1])
    chains.l2.mine()
    (report,) = run_until_idle(relayer)
    assert report.canceled == [cancel] and report.expired == [expire]


def test_a_restarted_relayer_does_not_redo_what_the_chain_did(chains, sim, send_to_l2, send_to_l1, tmp_path):
    """The chain did the step, the journal did not record it: the restart reads it back."""
    send_to_l2(b"once")
    send_to_l1(b"once")
    backend = SimulatorBackend(sim)
    relayer = Relayer.open(backend, tmp_path / "relay.db", fast_forward=True)
    relayer._scan("l1", Direction.L1_TO_L2, Status.READY, backend.inbound)
    relayer._scan("l2", Direction.L2_TO_L1, Status.WAITING, backend.outbound)
    (l1_to_l2,) = relayer.status(Direction.L1_TO_L2)
    (l2_to_l1,) = relayer.status(Direction.L2_TO_L1)

    backend.deliver_batch([load(backend.inbound_type, l1_to_l2.payload)])  # sent, then "killed"
    message = load(backend.outbound_type, l2_to_l1.payload)
    backend.fast_forward_l1(backend.assert_root([message]))
    backend.execute(message, [message])
    relayer.journal.close()

    again = Relayer.open(SimulatorBackend(sim), tmp_path / "relay.db", fast_forward=True)
    reports = run_until_idle(again)
    assert reports[0].delivered == [l1_to_l2.id] and reports[0].executed == [0]
    assert reports[0].roots == []  # the root was found on L1, not asserted again
    assert again.status(Direction.L2_TO_L1)[0].result_tx is None  # executed by the earlier run


def test_load_simulator_round_trips_and_checks_chains(chains, sim, accounts):
    loaded = load_simulator(chains, sim.operator, simulator_deployment(sim))
    assert simulator_deployment(loaded) == simulator_deployment(sim)
    with pytest.raises(ArbitrumError, match="not the operator"):
        load_simulator(chains, accounts[0], simulator_deployment(sim))
    with pytest.raises(ChainIdMismatchError, match="deployment is on"):
        load_simulator(chains, sim.operator, {**simulator_deployment(sim), "l2_chain_id": 1})


def test_journal_of_another_deployment_is_refused(chains, sim, tmp_path):
    from ape_livepeer_migration.exceptions import JournalMismatch
    from ape_livepeer_migration.relayer.journal import Journal

    Journal(tmp_path / "relay.db", {"another": "deployment"}).close()
    with pytest.raises(JournalMismatch):
        Relayer.open(SimulatorBackend(sim), tmp_path / "relay.db")


def test_real_network_redeem_call_redeems_a_simulator_ticket(chains, relayer, sim, send_to_l2, accounts):
    """arbitrum_live's redeem transaction is the published redeem(bytes32) call: the simulator's
    ArbRetryableTx at 0x6E accepts it, and the relayer sees the ticket redeemed."""
    from ape_livepeer_migration.arbitrum import live as arbitrum_live

    send_to_l2(b"redeem-me", fails=True)
    (report,) = run_until_idle(relayer)
    ticket = relayer.journal.message(Direction.L1_TO_L2, report.failed[0]).ticket_id
    with chains.l2:
        receipt = arbitrum_live.send(accounts[5], arbitrum_live.redeem_transaction(ticket))
    assert not receipt.failed
    (report,) = run_until_idle(relayer)
    assert report.redeemed_later == [relayer.status(Direction.L1_TO_L2)[0].id]


def test_http_rpc_returns_results_and_raises_node_errors(chains):
    from ape_livepeer_migration._eth import HttpRpc
    from ape_livepeer_migration.exceptions import RpcError

    rpc = HttpRpc(chains.l2.provider.uri)
    assert int(rpc.request("eth_chainId", []), 16) == chains.l2.chain_id
    with pytest.raises(RpcError):
        rpc.request("eth_call", [{"to": "0x" + "00" * 20, "data": "0x"}, "not-a-block"])


def test_an_l2_to_l1_call_that_reverts_on_l1_stays_ready(chains, relayer, sim, endpoints, send_to_l1, accounts):
    """A send from an L2 account that is not the L1 endpoint's counterpart: the Outbox call
    reverts on L1; the message stays executable and the others go through."""
    l1_endpoint, _ = endpoints
    forged = l1_endpoint.receiveFromL2.encode_input(b"forged")
    sim.arb_sys.sendTxToL1(l1_endpoint.address, forged, sender=accounts[3])
    send_to_l1(b"genuine")
    reports = run_until_idle(relayer)
    assert reports[0].executed == [1] and list(reports[0].execution_errors) == [0]
    assert relayer.journal.message(Direction.L2_TO_L1, 0).status is Status.READY
    assert not sim.outbox.isSpent(0) and int(l1_endpoint.receivedCount()) == 1


def test_a_failing_ticket_inside_a_batch_is_failed_and_the_others_delivered(
    chains, relayer, sim, endpoints, send_to_l2, event_payloads
):
    _, l2_endpoint = endpoints
    for index in range(5):
        send_to_l2(f"batch {index}".encode(), fails=index == 2)
    (report,) = run_until_idle(relayer)
    assert report.delivered == [0, 1, 3, 4] and report.failed == [2]
    payloads = event_payloads(chains.l2, l2_endpoint.address, RECEIVED_FROM_L1)
    assert payloads == [b"batch 0", b"batch 1", b"batch 3", b"batch 4"]
    ticket = relayer.journal.message(Direction.L1_TO_L2, 2).ticket_id
    assert sim.arb_retryable_tx.isLive(bytes.fromhex(ticket[2:]))
    hashes = [r.result_tx for r in relayer.status(Direction.L1_TO_L2)]
    blocks = [int(chains.l2.provider.make_request("eth_getTransactionReceipt", [h])["blockNumber"], 16) for h in hashes]
    assert blocks == sorted(blocks) and len(set(hashes)) == 5


def submissions(chains, sim):
    """Request numbers of every RetryableSubmitted on L2, in chain order."""
    logs = chains.l2.provider.make_request(
        "eth_getLogs",
        [
            {
                "address": str(sim.arb_retryable_tx.address),
                "fromBlock": "0x0",
                "toBlock": "latest",
                "topics": [hex_text(event_topic("RetryableSubmitted(bytes32,bytes32,bool)"))],
            }
        ],
    )
    return [(log["topics"][1], log["transactionHash"]) for log in logs]


def test_a_crash_between_sending_and_the_receipts_delivers_exactly_once(chains, sim, send_to_l2, tmp_path):
    """The L2 stops mining: the relayer sends its batch, sees no receipt in time and gives up
    (as if killed there); a restart waits for those submissions instead of sending them again."""
    for index in range(3):
        send_to_l2(f"in flight {index}".encode())
    journal = tmp_path / "relay.db"
    l2 = chains.l2.provider
    l2.make_request("evm_setAutomine", [False])
    try:
        first = Relayer.open(SimulatorBackend(sim, mining_timeout=0.5), journal, fast_forward=True)
        with pytest.raises(TimeoutError, match="submissions not mined"):
            first.relay_once()
        assert {r.status for r in first.status(Direction.L1_TO_L2)} == {Status.READY}
        first.journal.close()
        assert submissions(chains, sim) == []
        pending = l2.make_request("txpool_status", [])["pending"]
        assert int(pending, 16) == 3

        waiting = Relayer.open(SimulatorBackend(sim, mining_timeout=0.5), journal, fast_forward=True)
        with pytest.raises(TimeoutError, match="still pending"):
            waiting.relay_once()  # it does not send them a second time
        waiting.journal.close()
        assert int(l2.make_request("txpool_status", [])["pending"], 16) == 3
    finally:
        l2.make_request("evm_setAutomine", [True])
    l2.make_request("evm_mine", [])

    again = Relayer.open(SimulatorBackend(sim), journal, fast_forward=True)
    (report,) = run_until_idle(again)
    assert len(report.delivered) == 3
    submitted = submissions(chains, sim)
    assert len(submitted) == 3 and len({request for request, _ in submitted}) == 3
    assert [r.result_tx for r in again.status(Direction.L1_TO_L2)] == [tx for _, tx in submitted]
    again.journal.close()


def test_a_submission_the_node_refuses_is_sent_again_alone_and_nothing_is_mined_out_of_order(
    chains, relayer, sim, endpoints, send_to_l2, event_payloads
):
    """The node refuses the second submission of a batch (here: it cannot decode it). The third,
    which the node accepted behind the nonce gap, is dropped from its pool again; the second is
    sent again on its own, then the third: each mined once, in message order, in one pass."""
    _, l2_endpoint = endpoints
    for index in range(3):
        send_to_l2(f"refused {index}".encode())
    rpc = relayer.backend._rpc
    batch = rpc.batch
    garbled = []

    def garbling_the_second_submission_once(calls):
        if not garbled and len(calls) > 1 and calls[0][0] == "eth_sendRawTransaction":
            garbled.append(calls[1])
            calls = [calls[0], ("eth_sendRawTransaction", ["0xdeadbeef"]), *calls[2:]]
        return batch(calls)

    rpc.batch = garbling_the_second_submission_once
    (report,) = run_until_idle(relayer)
    assert garbled and report.delivered == [0, 1, 2] and report.undelivered == {}
    assert chains.l2.provider.make_request("txpool_status", []) == {"pending": "0x0", "queued": "0x0"}
    assert len(submissions(chains, sim)) == 3
    payloads = event_payloads(chains.l2, l2_endpoint.address, RECEIVED_FROM_L1)
    assert payloads == [b"refused 0", b"refused 1", b"refused 2"]


class KeylessAccount:
    """An Ape account that does not hold its key in the clear (as a keyfile or hardware account):
    it only signs through Ape's ``sign_transaction``."""

    def __init__(self, account, refuses: bool = False):
        self._account = account
        self._refuses = refuses

    def __getattr__(self, name):
        if name == "private_key":
            raise AttributeError(name)
        return getattr(self._account, name)

    def sign_transaction(self, txn):
        return None if self._refuses else self._account.sign_transaction(txn)


def test_an_account_without_a_clear_key_signs_through_ape(chains, sim, send_to_l2, tmp_path):
    import dataclasses

    from ape_livepeer_migration.arbitrum.simulator import l2_rpc, submit_retryables
    from ape_livepeer_migration.exceptions import SubmissionError

    send_to_l2(b"signed by ape")
    send_to_l2(b"not signed")
    backend = SimulatorBackend(dataclasses.replace(sim, operator=KeylessAccount(sim.operator)))
    relayer = Relayer.open(backend, tmp_path / "relay.db")
    relayer._scan("l1", Direction.L1_TO_L2, Status.READY, backend.inbound)
    first, second = (load(backend.inbound_type, r.payload) for r in relayer.status(Direction.L1_TO_L2))
    (delivered,) = backend.deliver_batch([first])
    assert delivered.outcome is Status.DELIVERED
    refusing = dataclasses.replace(sim, operator=KeylessAccount(sim.operator, refuses=True))
    with pytest.raises(SubmissionError, match="did not sign"):
        submit_retryables(refusing, [second], l2_rpc(sim))
    relayer.journal.close()


def test_a_batch_bigger_than_a_block_is_sent_one_block_at_a_time(
    chains, relayer, sim, send_to_l2, event_payloads, endpoints
):
    """anvil mines what its pool holds when a transaction arrives, one block's worth, and leaves
    the rest pending: the relayer sends at most a block's worth (by gas limit) at a time."""
    _, l2_endpoint = endpoints
    for index in range(5):
        send_to_l2(f"block {index}".encode())
    backend = relayer.backend
    relayer._scan("l1", Direction.L1_TO_L2, Status.READY, backend.inbound)
    first = load(backend.inbound_type, relayer.status(Direction.L1_TO_L2)[0].payload)
    gas = int(sim.arb_retryable_tx.submissionGas(first.gas_limit, len(first.data)))
    l2 = chains.l2.provider
    limit = l2.make_request("eth_getBlockByNumber", ["latest", False])["gasLimit"]
    l2.make_request("evm_setBlockGasLimit", [hex(2 * gas + gas // 2)])
    chains.l2.mine()  # the relayer reads the limit from the latest block
    try:
        (report,) = run_until_idle(relayer)
    finally:
        l2.make_request("evm_setBlockGasLimit", [limit])
    assert report.delivered == [0, 1, 2, 3, 4]
    assert event_payloads(chains.l2, l2_endpoint.address, RECEIVED_FROM_L1) == [f"block {i}".encode() for i in range(5)]
    blocks = [
        int(l2.make_request("eth_getTransactionReceipt", [r.result_tx])["blockNumber"], 16)
        for r in relayer.status(Direction.L1_TO_L2)
    ]
    assert blocks == sorted(blocks) and len(set(blocks)) >= 3  # chunks of 2, each sent after the last one's receipts
