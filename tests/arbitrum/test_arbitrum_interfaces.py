"""The project's Arbitrum interfaces have exactly the published signatures, and the pure
helpers of ``ape_livepeer_migration.arbitrum.messages`` agree with the contracts."""

import pytest
from ape import project
from eth_utils import keccak

from ape_livepeer_migration._eth import event_topic, function_selector
from ape_livepeer_migration.arbitrum.messages import (
    EVENT_SIGNATURES,
    SendMerkleTree,
    apply_l1_to_l2_alias,
    decode_retryable_data,
    merkle_root_from_proof,
    retryable_value_required,
    submission_fee,
    undo_l1_to_l2_alias,
)

# Published Nitro signatures (functions, events, errors) of the subset the project uses,
# written from Arbitrum's documentation and contract interfaces.
PUBLISHED = {
    "IInbox": {
        "createRetryableTicket(address,uint256,uint256,address,address,uint256,uint256,bytes)",
        "unsafeCreateRetryableTicket(address,uint256,uint256,address,address,uint256,uint256,bytes)",
        "calculateRetryableSubmissionFee(uint256,uint256)",
        "bridge()",
        "maxDataSize()",
        "InboxMessageDelivered(uint256,bytes)",
        "InsufficientValue(uint256,uint256)",
        "InsufficientSubmissionCost(uint256,uint256)",
        "GasLimitTooLarge()",
        "DataTooLarge(uint256,uint256)",
    },
    "IBridge": {
        "activeOutbox()",
        "executeCall(address,uint256,bytes)",
        "enqueueDelayedMessage(uint8,address,bytes32)",
        "delayedMessageCount()",
        "delayedInboxAccs(uint256)",
        "MessageDelivered(uint256,bytes32,address,uint8,address,bytes32,uint256,uint64)",
        "BridgeCallTriggered(address,address,uint256,bytes)",
        "InboxToggle(address,bool)",
        "OutboxToggle(address,bool)",
        "NotDelayedInbox(address)",
        "NotOutbox(address)",
        "NotContract(address)",
    },
    "IOutbox": {
        "executeTransaction(bytes32[],uint256,address,address,uint256,uint256,uint256,uint256,bytes)",
        "l2ToL1Sender()",
        "l2ToL1Block()",
        "l2ToL1EthBlock()",
        "l2ToL1Timestamp()",
        "l2ToL1OutputId()",
        "isSpent(uint256)",
        "roots(bytes32)",
        "calculateItemHash(address,address,uint256,uint256,uint256,uint256,bytes)",
        "calculateMerkleRoot(bytes32[],uint256,bytes32)",
        "OutBoxTransactionExecuted(address,address,uint256,uint256)",
        "AlreadySpent(uint256)",
        "UnknownRoot(bytes32)",
        "ProofTooLong(uint256)",
        "PathNotMinimal(uint256,uint256)",
        "BridgeCallFailed()",
    },
    "IArbSys": {
        "sendTxToL1(address,bytes)",
        "withdrawEth(address)",
        "arbBlockNumber()",
        "arbChainID()",
        "L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)",
    },
    "IArbRetryableTx": {
        "redeem(bytes32)",
        "cancel(bytes32)",
        "keepalive(bytes32)",
        "getTimeout(bytes32)",
        "getBeneficiary(bytes32)",
        "getLifetime()",
        "TicketCreated(bytes32)",
        "RedeemScheduled(bytes32,bytes32,uint64,uint64,address,uint256,uint256)",
        "LifetimeExtended(bytes32,uint256)",
        "Canceled(bytes32)",
        "NoTicketWithID()",
    },
}

# Selectors and topics as they appear on the public chains' explorers (independent check of
# the keccak computation above).
KNOWN_IDS = {
    "createRetryableTicket(address,uint256,uint256,address,address,uint256,uint256,bytes)": "679b6ded",
    "sendTxToL1(address,bytes)": "928c169a",
    "executeTransaction(bytes32[],uint256,address,address,uint256,uint256,uint256,uint256,bytes)": "08635a95",
    "redeem(bytes32)": "eda1122c",
    "l2ToL1Sender()": "80648b02",
    "activeOutbox()": "ab5d8943",
    "L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)": "3e7aafa7",
    "MessageDelivered(uint256,bytes32,address,uint8,address,bytes32,uint256,uint64)": "5e3c1311",
    "InboxMessageDelivered(uint256,bytes)": "ff64905f",
}


def _abi_ids(contract_name):
    ids = {}
    for item in getattr(project, contract_name).contract_type.abi:
        if item.type in ("function", "event", "error"):
            ids[item.selector] = (item.type, item)
    return ids


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_interface_signatures_are_exactly_the_published_ones(name):
    assert set(_abi_ids(name)) == PUBLISHED[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_compiled_selectors_and_topics_equal_keccak_of_published_signatures(name):
    contract_type = getattr(project, name).contract_type
    for signature, (kind, _) in _abi_ids(name).items():
        expected = keccak(text=signature)
        if kind == "function":
            # methodIdentifiers as reported by solc itself
            assert contract_type.method_identifiers[signature] == "0x" + expected[:4].hex()
        else:
            assert (
                contract_type.selector_identifiers[signature]
                == "0x" + (expected if kind == "event" else expected[:4]).hex()
            )


def test_well_known_identifiers_match():
    for signature, prefix in KNOWN_IDS.items():
        assert keccak(text=signature).hex().startswith(prefix)
        assert event_topic(signature)[:4] == function_selector(signature) == bytes.fromhex(prefix)
    for name, signature in EVENT_SIGNATURES.items():
        assert any(signature in ids for ids in PUBLISHED.values()), name


# ------------------------------------------------------------------------- pure helpers


def test_alias_adds_the_offset_and_wraps_around():
    assert apply_l1_to_l2_alias("0x" + "00" * 20) == "0x1111000000000000000000000000000000001111"
    assert apply_l1_to_l2_alias("0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF") == (
        "0x1111000000000000000000000000000000001110"
    )
    assert undo_l1_to_l2_alias("0x1111000000000000000000000000000000001110") == (
        "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF"
    )
    address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    assert undo_l1_to_l2_alias(apply_l1_to_l2_alias(address)) == address


@pytest.fixture(scope="module")
def alias_harness(two_chains, accounts):
    with two_chains.l2:
        return two_chains.l2.bind(project.TestAddressAlias.deploy(sender=accounts[0]))


@pytest.mark.parametrize(
    "address",
    [
        "0x0000000000000000000000000000000000000000",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "0xEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE",  # wraps when aliased
        "0x0000000000000000000000000000000000000001",  # wraps when un-aliased
    ],
)
def test_solidity_and_python_aliasing_agree(alias_harness, address):
    assert alias_harness.applyAlias(address) == apply_l1_to_l2_alias(address)
    assert alias_harness.undoAlias(address) == undo_l1_to_l2_alias(address)
    assert alias_harness.undoAlias(alias_harness.applyAlias(address)).lower() == address.lower()


def test_value_required_is_submission_plus_call_value_plus_gas():
    assert retryable_value_required(7, 100, 1_000, 3) == 3_107


def test_submission_fee_matches_the_inbox(sim):
    for length, base_fee in ((0, 1), (68, 7 * 10**9), (1_000, 123)):
        assert sim.inbox.calculateRetryableSubmissionFee(length, base_fee) == submission_fee(length, base_fee)
    assert submission_fee(10, 2) == (1400 + 60) * 2


def _packed(*words, data=b""):
    return b"".join(w.to_bytes(32, "big") for w in words) + data


def test_decode_retryable_data_round_trip_and_rejects_malformed():
    to, refund, beneficiary = 0xAB, 0xCD, 0xEF
    data = _packed(to, 5, 1_000, 40, refund, beneficiary, 90_000, 2, 3, data=b"xyz")
    decoded = decode_retryable_data(data)
    assert decoded["to"].lower() == "0x" + "00" * 19 + "ab"
    assert (decoded["l2_call_value"], decoded["deposit"], decoded["max_submission_cost"]) == (5, 1_000, 40)
    assert (decoded["gas_limit"], decoded["max_fee_per_gas"], decoded["data"]) == (90_000, 2, b"xyz")
    with pytest.raises(ValueError, match="too short"):
        decode_retryable_data(data[:100])
    with pytest.raises(ValueError, match="length word"):
        decode_retryable_data(data + b"!")
    with pytest.raises(ValueError, match="not an address"):
        decode_retryable_data(_packed(1 << 160, 5, 1_000, 40, refund, beneficiary, 90_000, 2, 0))


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 8, 9])
def test_send_tree_proofs_verify_in_python_and_in_the_outbox(sim, size):
    items = [keccak(text=f"item {i}") for i in range(size)]
    tree = SendMerkleTree(items)
    for index, item in enumerate(items):
        proof = tree.proof(index)
        assert len(proof) == (size - 1).bit_length()
        assert merkle_root_from_proof(proof, index, item) == tree.root
        assert bytes(sim.outbox.calculateMerkleRoot(proof, index, item)) == tree.root
    with pytest.raises(IndexError):
        tree.proof(size)


def test_send_tree_refuses_empty_and_gapped_input():
    with pytest.raises(ValueError, match="at least one"):
        SendMerkleTree([])
    with pytest.raises(ValueError, match="positions 0..n-1"):
        SendMerkleTree.of_messages([type("M", (), {"position": 1, "item_hash": b""})()])


def test_decoding_a_foreign_log_as_l2_to_l1_is_refused():
    from ape_livepeer_migration.arbitrum.messages import decode_l2_to_l1_log

    with pytest.raises(ValueError, match="not an L2ToL1Tx"):
        decode_l2_to_l1_log([event_topic("TicketCreated(bytes32)"), bytes(32)], b"", 1, "0x00")


# The events of Arbitrum's token-bridge messengers (arbitrum-sdk's L1ArbitrumMessenger / L2ArbitrumMessenger, also
# inherited by Livepeer's arbitrum-lpt-bridge), which indexers read: the project's messengers emit exactly these.
MESSENGER_EVENTS = {
    "L1ArbitrumMessenger": "TxToL2(address,address,uint256,bytes)",
    "L2ArbitrumMessenger": "TxToL1(address,address,uint256,bytes)",
}


@pytest.mark.parametrize("name", sorted(MESSENGER_EVENTS))
def test_messenger_events_are_arbitrums(name):
    events = [item for item in getattr(project, name).contract_type.abi if item.type == "event"]
    assert [event.selector for event in events] == [MESSENGER_EVENTS[name]]
    assert [input.indexed for input in events[0].inputs] == [True, True, True, False]
