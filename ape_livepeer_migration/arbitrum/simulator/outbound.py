"""L2 -> L1: send roots asserted by the simulator's operator, confirmed after the challenge period, and the
messages executed through the Outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ape_livepeer_migration._eth import event_topic, hex_bytes, hex_text, rpc_int
from ape_livepeer_migration.arbitrum.messages import (
    ARB_SYS_ADDRESS,
    EVENT_SIGNATURES,
    L2ToL1Message,
    SendMerkleTree,
    decode_l2_to_l1_log,
)
from ape_livepeer_migration.arbitrum.simulator.deploy import ArbitrumSimulator, fee_kwargs, get_logs

if TYPE_CHECKING:
    from ape.api import AccountAPI


_SEND_ROOT_ASSERTED = "SendRootAsserted(bytes32,bytes32,uint256,uint256)"


@dataclass(frozen=True)
class SendRootAssertion:
    root: bytes
    size: int
    l2_block_hash: bytes
    confirmable_at_block: int
    already_asserted: bool


@dataclass(frozen=True)
class ExecutionResult:
    index: int
    l1_tx_hash: str | None  # None when an earlier call executed it
    already_executed: bool


def fetch_l2_to_l1(sim: ArbitrumSimulator, from_block: int, to_block: int) -> list[L2ToL1Message]:
    """L2 -> L1 messages sent through ArbSys in L2 blocks [from, to], by position."""
    logs = get_logs(
        sim.chains.l2, ARB_SYS_ADDRESS, [hex_text(event_topic(EVENT_SIGNATURES["L2ToL1Tx"]))], from_block, to_block
    )
    messages = [
        decode_l2_to_l1_log(
            [hex_bytes(t) for t in log["topics"]],
            hex_bytes(log["data"]),
            rpc_int(log["blockNumber"]),
            log["transactionHash"],
        )
        for log in logs
    ]
    return sorted(messages, key=lambda m: m.position)


def assert_send_root(sim: ArbitrumSimulator, messages: list[L2ToL1Message]) -> SendRootAssertion:
    """Assert on L1 the root over ``messages`` (positions 0..n-1); a no-op if asserted before."""
    tree = SendMerkleTree.of_messages(messages)
    block_hash, size, confirmable = sim.outbox.assertionOf(tree.root)
    if confirmable:
        return SendRootAssertion(tree.root, size, hex_bytes(block_hash), confirmable, already_asserted=True)
    with sim.chains.l2:
        from ape import chain

        l2_block_hash = hex_bytes(chain.provider.get_block(messages[-1].l2_block).hash)
    sim.outbox.assertSendRoot(tree.root, l2_block_hash, tree.size, sender=sim.operator, **fee_kwargs(sim.chains.l1))
    _, _, confirmable = sim.outbox.assertionOf(tree.root)
    return SendRootAssertion(tree.root, tree.size, l2_block_hash, confirmable, already_asserted=False)


def asserted_roots(sim: ArbitrumSimulator) -> list[SendRootAssertion]:
    """Every send root the operator asserted on L1 so far, in the order asserted (read from ``SendRootAsserted``)."""
    from eth_abi import decode as abi_decode

    logs = get_logs(
        sim.chains.l1,
        sim.outbox.address,
        [hex_text(event_topic(_SEND_ROOT_ASSERTED))],
        sim.l1_deploy_block,
        sim.chains.l1.block_number,
    )
    assertions = []
    for log in logs:
        size, confirmable = abi_decode(["uint256", "uint256"], hex_bytes(log["data"]))
        root, block_hash = (hex_bytes(t) for t in log["topics"][1:3])
        assertions.append(SendRootAssertion(root, size, block_hash, confirmable, already_asserted=True))
    return assertions


def covering_root(assertions: list[SendRootAssertion], position: int) -> SendRootAssertion | None:
    """Of ``assertions``, the root that covers the message at ``position`` and is confirmed first (a later, larger
    root can still be in its challenge period when an earlier one already makes the message executable); None
    when no root covers it."""
    covering = [a for a in assertions if a.size > position]
    return min(covering, key=lambda a: a.confirmable_at_block, default=None)


def confirmable_at(sim: ArbitrumSimulator, root: bytes) -> int | None:
    """First L1 block at which ``root`` is confirmed, or None if it was never asserted."""
    _, _, confirmable = sim.outbox.assertionOf(root)
    return confirmable or None


def is_confirmed(sim: ArbitrumSimulator, root: bytes) -> bool:
    """Whether the Outbox accepts proofs against ``root`` now."""
    return hex_bytes(sim.outbox.roots(root)) != bytes(32)


def mine_l1(sim: ArbitrumSimulator, blocks: int) -> None:
    """Fast-forward the L1 by ``blocks`` empty blocks."""
    sim.chains.l1.mine(blocks)


def mine_l1_until(sim: ArbitrumSimulator, block_number: int) -> None:
    """Mine L1 blocks until the chain's head is at least ``block_number``."""
    missing = block_number - sim.chains.l1.block_number
    if missing > 0:
        mine_l1(sim, missing)


def is_executed(sim: ArbitrumSimulator, index: int) -> bool:
    """Whether the L2 -> L1 message at ``index`` was executed on L1."""
    return bool(sim.outbox.isSpent(index))


def proof_for(messages: list[L2ToL1Message], index: int) -> list[bytes]:
    """Outbox proof of message ``index`` in the tree over ``messages`` (positions 0..n-1)."""
    return SendMerkleTree.of_messages(messages).proof(index)


def execute_l2_to_l1(
    sim: ArbitrumSimulator, message: L2ToL1Message, proof: list[bytes], sender: AccountAPI | None = None
) -> ExecutionResult:
    """Execute ``message`` through the Outbox (by ``sender``, default the operator); a no-op when
    it was executed before. Reverts of the L1 call propagate (the message stays executable).
    """
    if is_executed(sim, message.index):
        return ExecutionResult(message.index, None, already_executed=True)
    receipt = sim.outbox.executeTransaction(
        *message.execute_args(proof), sender=sender or sim.operator, **fee_kwargs(sim.chains.l1)
    )
    return ExecutionResult(message.index, receipt.txn_hash, already_executed=False)
