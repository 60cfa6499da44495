"""A local Arbitrum: the L1 bridge contracts on one anvil, ArbOS's precompiles on another.

:func:`deploy_simulator` deploys ``SimBridge``, ``SimInbox`` and ``SimOutbox`` on the L1 and
plants ``SimArbSys`` at 0x64 and ``SimArbRetryableTx`` at 0x6E on the L2. Contracts built on
the project's Arbitrum interfaces then run unchanged against it.

What the real chain does by itself is done here by an *operator* (the relayer's account), one
step at a time, through the primitives below. Each can be called again after a crash: it
first asks the chain whether its step already happened.

L1 -> L2:  :func:`fetch_retryables` -> :func:`deliver_retryable` (plants the alias forwarder,
           then submits the request to 0x6E with its deposit; ticket id, outcome, L2 tx).
L2 -> L1:  :func:`fetch_l2_to_l1` -> :func:`assert_send_root` -> wait until
           :func:`confirmable_at` (:func:`mine_l1_until`) -> :func:`execute_l2_to_l1`.

A process that restarts finds a running deployment again with :func:`attach_simulator`.

On a fork pair wired to a real Arbitrum, :func:`deploy_fork_delivery` deploys only the L2 half that
delivers retryables (at ordinary addresses: the fork cannot run ArbOS's precompiles), and the same
L1 -> L2 primitives read the tickets that the real Inbox and Bridge record on the L1 fork.

Faithful to Nitro: function selectors, events and errors of the interfaces; the Inbox's value
and submission-fee checks, its ``maxDataSize`` (117,964 bytes, ``DataTooLarge``), refund aliasing
and message packing; the Bridge's accumulator and
``activeOutbox``; the Outbox's item hash, proof checks, ``AlreadySpent`` and execution context;
ArbSys's ``L2ToL1Tx`` (hash and position); ticket lifetime, auto-redeem conditions (gas fee cap
at least the base fee, gas limit at least 21000, gas paid for), submission fee charged at the
L1 base fee, refunds to ``excessFeeRefundAddress``, excess deposit to the sender's alias,
beneficiary-only cancel, keepalive limits, ``msg.sender`` being the alias on L2.

Different, by design or for lack of an ArbOS:

* send roots are asserted by the operator and confirmed lazily: ``Outbox.roots(root)`` answers
  once ``confirmPeriodBlocks`` L1 blocks have passed (no rollup, no ``SendRootUpdated``);
* the send tree is a zero-padded power-of-two Merkle tree over all messages from position 0
  (Nitro proofs come from ``NodeInterface.constructOutboxProof``; the on-chain check is the same);
* ``ethBlockNum`` in ``L2ToL1Tx`` is the L2 block number (the local L2 has no L1 clock);
* ticket ids are ``keccak256(abi.encode(chainId, requestId))``, not a transaction hash; a retry
  runs inside the submitting or redeeming transaction, and ``retryTxHash`` is derived;
* a manual redeem must carry at least the ticket's gas limit (it may donate more);
* expired tickets are removed by ``reap(ticketId)`` (anyone), not by ArbOS itself;
* a request whose deposit cannot pay the submission fee and call value creates no ticket and
  credits the whole deposit to the sender's alias;
* the deposit is paid by the operator with the submitting transaction, not minted;
* a ticket's calldata is kept as contract code, paid in L2 gas by the operator's submission
  (``submissionGas`` bounds it for every length the Inbox accepts); ``RedeemAttempted`` carries at
  most 256 bytes of the retry's return data;
* ``gasLimit == 1`` / ``maxFeePerGas == 1`` (``RetryableData`` estimation trick) is not handled.

The package splits by job: :mod:`.deploy` (deploying, attaching and describing a simulator, the operator's fees),
:mod:`.inbound` (L1 -> L2 retryables) and :mod:`.outbound` (L2 -> L1 messages). Callers use the names
re-exported here (``from ape_livepeer_migration.arbitrum import simulator as sim_api``).
"""

from ape_livepeer_migration.arbitrum.messages import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS
from ape_livepeer_migration.arbitrum.simulator.deploy import (
    DEFAULT_CONFIRM_PERIOD_BLOCKS,
    ArbitrumSimulator,
    attach_fork_delivery,
    attach_simulator,
    create_address,
    deploy_fork_delivery,
    deploy_simulator,
    fee_kwargs,
    load_simulator,
    simulator_deployment,
)
from ape_livepeer_migration.arbitrum.simulator.inbound import (
    DEFAULT_MINING_TIMEOUT,
    DeliveryResult,
    DeliveryStatus,
    deliver_retryable,
    deliveries_of,
    delivery_of,
    ensure_alias_forwarder,
    fetch_retryables,
    is_delivered,
    l2_rpc,
    retryable_request,
    settle_operator,
    submit_retryables,
    ticket_id_of,
    ticket_is_live,
)
from ape_livepeer_migration.arbitrum.simulator.outbound import (
    ExecutionResult,
    SendRootAssertion,
    assert_send_root,
    asserted_roots,
    confirmable_at,
    covering_root,
    execute_l2_to_l1,
    fetch_l2_to_l1,
    is_confirmed,
    is_executed,
    mine_l1,
    mine_l1_until,
    proof_for,
)
from ape_livepeer_migration.exceptions import SimulatorPresentError

__all__ = [
    "ARB_RETRYABLE_TX_ADDRESS",
    "ARB_SYS_ADDRESS",
    "DEFAULT_CONFIRM_PERIOD_BLOCKS",
    "DEFAULT_MINING_TIMEOUT",
    "ArbitrumSimulator",
    "DeliveryResult",
    "DeliveryStatus",
    "ExecutionResult",
    "SendRootAssertion",
    "SimulatorPresentError",
    "assert_send_root",
    "asserted_roots",
    "attach_fork_delivery",
    "attach_simulator",
    "confirmable_at",
    "covering_root",
    "create_address",
    "deliver_retryable",
    "deliveries_of",
    "delivery_of",
    "deploy_fork_delivery",
    "deploy_simulator",
    "ensure_alias_forwarder",
    "execute_l2_to_l1",
    "fee_kwargs",
    "fetch_l2_to_l1",
    "fetch_retryables",
    "is_confirmed",
    "is_delivered",
    "is_executed",
    "l2_rpc",
    "load_simulator",
    "mine_l1",
    "mine_l1_until",
    "proof_for",
    "retryable_request",
    "settle_operator",
    "simulator_deployment",
    "submit_retryables",
    "ticket_id_of",
    "ticket_is_live",
]
