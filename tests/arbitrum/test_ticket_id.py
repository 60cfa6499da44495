"""The ticket id of a retryable on a real Arbitrum, checked against a ticket of Arbitrum One.

The vector is the L1 transaction 0x00000a61331187be51ab9ae792d74f601a5a21fb112f5b9ac5bccb23d4d5aaba (Ethereum
mainnet, block 15500657: a WETH deposit through Arbitrum's WETH gateway): its Bridge ``MessageDelivered`` and Inbox
``InboxMessageDelivered`` logs as the chain holds them, and the id of the ticket they created on Arbitrum One
(chain 42161), as the public test of OffchainLabs/arbitrum-sdk, tests/unit/parentToChildMessageEvents.test.ts ("does
call for nitro events"), expects ``retryableCreationId`` to be for that receipt.
"""

from dataclasses import replace

from ape_livepeer_migration._eth import hex_text
from ape_livepeer_migration.arbitrum.messages import retryables_in_logs, submit_retryable_id

ARBITRUM_ONE = 42161
INBOX = "0x4Dbd4fc535Ac27206064B68FfCf827b0A60BAB3f"
BRIDGE = "0x8315177aB297bA92A06054cE80a67Ed4DBd7ed3a"
WETH_GATEWAY = "0xd92023E9d9911199a6711321D1277285e6d4e2db"
TICKET_ID = "0x8ba13904639c7444d8578cc582a230b8501c9f0f7903f5069d276fdd3a7dea44"


def _words(*hex_words: str) -> str:
    return "0x" + "".join(word.rjust(64, "0") for word in hex_words)


# the deposit's L2 calldata: finalizeInboundTransfer(WETH, sender, sender, 0.6 ETH, abi.encode("", ""))
_SENDER = "a2e06c19ee14255889f0ec0ca37f6d0778d06754"
_CALLDATA = "2e567b36" + _words(
    "c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", _SENDER, _SENDER, "0853a0d2313c0000", "a0", "80", "40", "60", "0", "0"
).removeprefix("0x")

BRIDGE_LOG = {
    "address": BRIDGE,
    "blockNumber": hex(15500657),
    "transactionHash": "0x00000a61331187be51ab9ae792d74f601a5a21fb112f5b9ac5bccb23d4d5aaba",
    "topics": [
        "0x5e3c1311ea442664e8b1611bfabef659120ea7a0a2cfc0667700bebc69cbffe1",  # MessageDelivered
        _words("504c"),  # message number
        "0x2a5dcbed3d730861a810a913641dd7b8d5ff3ee20b716517934795dcef1fa7a7",  # before-inbox accumulator
    ],
    # inbox, kind 9 (submit retryable), the gateway's alias, the data's hash, L1 base fee, timestamp
    "data": _words(
        INBOX[2:].lower(),
        "9",
        "ea3123e9d9911199a6711321d1277285e6d4f3ec",
        "33b030be5f0dd0f325a650d7517584f9d94942bfcd0fa5f05d5ebeeb5e409af1",
        "05e0fc4c58",
        "631abc80",
    ),
}
INBOX_LOG = {
    "address": INBOX,
    "blockNumber": hex(15500657),
    "transactionHash": BRIDGE_LOG["transactionHash"],
    "topics": ["0xff64905f73a67fb594e0f940a8075a860db489ad991e032f48c81123eb52d60b", _words("504c")],
    # abi.encode(bytes): the packed retryable fields (to, L2 call value, deposit, max submission cost, the two
    # refund addresses, gas limit, max fee per gas, calldata length) then the calldata
    "data": _words("20", "264")
    + _words(
        "6c411ad3e74de3e7bd422b94a27770f5b86c623b",
        "0853a0d2313c0000",
        "0854e8ab1802ca80",
        "01270f6740d880",
        _SENDER,
        _SENDER,
        "01d566",
        "11e1a300",
        "144",
    ).removeprefix("0x")
    + _CALLDATA
    + "00" * 28,  # the ABI's padding of 0x264 bytes to whole words
}


def test_the_ticket_id_of_an_arbitrum_one_deposit_is_the_one_arbitrum_gave_it():
    (message,) = retryables_in_logs(INBOX, [INBOX_LOG], [BRIDGE_LOG])
    assert message.message_num == 0x504C
    assert message.l1_sender.lower() == WETH_GATEWAY.lower()
    assert message.data == bytes.fromhex(_CALLDATA)
    assert hex_text(submit_retryable_id(ARBITRUM_ONE, message)) == TICKET_ID


def test_every_field_of_the_ticket_goes_into_its_id():
    (message,) = retryables_in_logs(INBOX, [INBOX_LOG], [BRIDGE_LOG])
    changed = [
        replace(message, message_num=message.message_num + 1),
        replace(message, base_fee_l1=message.base_fee_l1 + 1),
        replace(message, deposit=message.deposit + 1),
        replace(message, max_fee_per_gas=message.max_fee_per_gas + 1),
        replace(message, gas_limit=message.gas_limit + 1),
        replace(message, to="0x" + "00" * 20),
        replace(message, l2_call_value=0),
        replace(message, call_value_refund_address=WETH_GATEWAY),
        replace(message, max_submission_cost=message.max_submission_cost + 1),
        replace(message, excess_fee_refund_address=WETH_GATEWAY),
        replace(message, data=message.data + b"\0"),
    ]
    ids = {hex_text(submit_retryable_id(ARBITRUM_ONE, m)) for m in changed}
    assert len(ids) == len(changed) and TICKET_ID not in ids
    assert hex_text(submit_retryable_id(ARBITRUM_ONE + 1, message)) != TICKET_ID
