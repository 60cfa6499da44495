// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressAlias} from "../../../contracts/arbitrum/AddressAlias.sol";
import {MigrationCodec} from "../../../contracts/bridge/MigrationCodec.sol";
import {vm} from "./Vm.sol";

/// @title A one-EVM stand-in for Arbitrum's Inbox, Bridge and Outbox
/// @notice Both layers live in the same EVM in the forge tests. This contract QUEUES what the real chain would
///         carry: retryables created through it (it is the Inbox the L1 contracts are given, and its own Bridge and
///         Outbox) and L2 -> L1 messages (`MockArbSys` at 0x64 forwards them here). Nothing is delivered until a test
///         says so, in any order it chooses: `redeem` runs a retryable as the aliased L1 sender (a failing redeem
///         leaves it pending, like a failed auto-redeem), `expire` drops one for good, `execute` runs an L2 -> L1
///         message through the "bridge" with `l2ToL1Sender` set, as the real Outbox does. As Nitro's Bridge, it
///         accumulates every retryable into `delayedInboxAccs` (its message number is its ticket id), hashing what
///         Nitro's Inbox and Bridge hash: kind 9, the sender's alias, block, time, number, base fee and the message
///         data with the refund addresses aliased when they have code.
contract MockArbitrum {
    /// @notice A queued message (either direction).
    struct Message {
        address from; // L1 sender of a retryable; L2 sender of an L2 -> L1 message
        address to;
        bytes data;
        bool done; // delivered or expired
    }

    /// @notice Retryables, by ticket id (their index).
    Message[] public retryables;
    /// @notice L2 -> L1 messages, by id (their index).
    Message[] public outgoing;
    /// @notice The delayed-inbox accumulator after each retryable, by ticket id.
    bytes32[] public delayedInboxAccs;
    /// @notice What the accumulator of each retryable hashes beyond its sender, target and calldata, by ticket id.
    MigrationCodec.DelayedMessage[] internal _delayedMessages;

    address private _activeOutbox;
    address private _l2Sender;

    /// @notice A retryable was queued.
    event RetryableQueued(uint256 indexed id, address indexed from, address indexed to);
    /// @notice A queued retryable ran (`ok`) or failed and stays pending.
    event RetryableRedeemed(uint256 indexed id, bool ok);
    /// @notice A retryable expired without running.
    event RetryableExpired(uint256 indexed id);
    /// @notice An L2 -> L1 message was queued.
    event OutgoingQueued(uint256 indexed id, address indexed from, address indexed to);
    /// @notice A queued L2 -> L1 message ran (`ok`) or failed and stays pending.
    event OutgoingExecuted(uint256 indexed id, bool ok);

    /// @notice The message is unknown or already delivered or expired.
    error NotPending(uint256 id);

    // ------------------------------------------------------------------ Inbox / Bridge / Outbox views

    /// @notice The bridge: this contract.
    function bridge() external view returns (address) {
        return address(this);
    }

    /// @notice The outbox running a message right now (this contract), or zero.
    function activeOutbox() external view returns (address) {
        return _activeOutbox;
    }

    /// @notice The L2 sender of the message running right now.
    function l2ToL1Sender() external view returns (address) {
        return _l2Sender;
    }

    /// @notice Submission fees are zero in the tests.
    function calculateRetryableSubmissionFee(uint256, uint256) external pure returns (uint256) {
        return 0;
    }

    // ------------------------------------------------------------------ queueing

    /// @notice Queue a retryable from `msg.sender` and accumulate it (fees are taken and ignored).
    function createRetryableTicket(
        address to,
        uint256 l2CallValue,
        uint256 maxSubmissionCost,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 gasLimit,
        uint256 maxFeePerGas,
        bytes calldata data
    ) external payable returns (uint256 id) {
        id = retryables.length;
        retryables.push(Message(msg.sender, to, data, false));
        if (excessFeeRefundAddress.code.length > 0) {
            excessFeeRefundAddress = AddressAlias.applyL1ToL2Alias(excessFeeRefundAddress);
        }
        if (callValueRefundAddress.code.length > 0) {
            callValueRefundAddress = AddressAlias.applyL1ToL2Alias(callValueRefundAddress);
        }
        MigrationCodec.DelayedMessage memory d = MigrationCodec.DelayedMessage(
            id,
            uint64(block.number),
            uint64(block.timestamp),
            block.basefee,
            maxSubmissionCost,
            excessFeeRefundAddress,
            gasLimit,
            maxFeePerGas
        );
        _delayedMessages.push(d);
        bytes32 dataHash = keccak256(
            abi.encodePacked(
                abi.encode(to, l2CallValue, msg.value, maxSubmissionCost, excessFeeRefundAddress),
                abi.encode(callValueRefundAddress, gasLimit, maxFeePerGas, data.length),
                data
            )
        );
        _accumulate(AddressAlias.applyL1ToL2Alias(msg.sender), d, dataHash);
        emit RetryableQueued(id, msg.sender, to);
    }

    /// @notice Queue an L2 -> L1 message sent by `from` (called by `MockArbSys` only, on the L2 sender's behalf).
    function queueOutgoing(address from, address to, bytes calldata data) external returns (uint256 id) {
        id = outgoing.length;
        outgoing.push(Message(from, to, data, false));
        emit OutgoingQueued(id, from, to);
    }

    // ------------------------------------------------------------------ delivery

    /// @notice Run retryable `id` as its sender's L2 alias. A failure leaves it pending.
    function redeem(uint256 id) external returns (bool ok) {
        Message storage m = _pending(retryables, id);
        vm.prank(AddressAlias.applyL1ToL2Alias(m.from));
        (ok,) = m.to.call(m.data);
        if (ok) m.done = true;
        emit RetryableRedeemed(id, ok);
    }

    /// @notice Let retryable `id` expire: it never runs.
    function expire(uint256 id) external {
        _pending(retryables, id).done = true;
        emit RetryableExpired(id);
    }

    /// @notice Execute L2 -> L1 message `id` through the bridge, as the Outbox does. A failure leaves it pending.
    function execute(uint256 id) external returns (bool ok) {
        Message storage m = _pending(outgoing, id);
        _activeOutbox = address(this);
        _l2Sender = m.from;
        (ok,) = m.to.call(m.data);
        _activeOutbox = address(0);
        _l2Sender = address(0);
        if (ok) m.done = true;
        emit OutgoingExecuted(id, ok);
    }

    /// @notice Number of delayed messages (retryables) so far.
    function delayedMessageCount() external view returns (uint256) {
        return delayedInboxAccs.length;
    }

    /// @notice The delayed message of retryable `id`: what a refund of an expired migration sent in it must name.
    function delayedMessage(uint256 id) external view returns (MigrationCodec.DelayedMessage memory) {
        return _delayedMessages[id];
    }

    /// @notice Number of retryables queued so far.
    function retryableCount() external view returns (uint256) {
        return retryables.length;
    }

    /// @notice Number of L2 -> L1 messages queued so far.
    function outgoingCount() external view returns (uint256) {
        return outgoing.length;
    }

    /// @notice Retryable `id`.
    function retryable(uint256 id) external view returns (Message memory) {
        return retryables[id];
    }

    /// @notice L2 -> L1 message `id`.
    function outgoingMessage(uint256 id) external view returns (Message memory) {
        return outgoing[id];
    }

    function _accumulate(address sender, MigrationCodec.DelayedMessage memory d, bytes32 dataHash) private {
        bytes32 messageHash = keccak256(
            abi.encodePacked(uint8(9), sender, d.blockNumber, d.timestamp, d.messageNum, d.baseFeeL1, dataHash)
        );
        bytes32 before = d.messageNum == 0 ? bytes32(0) : delayedInboxAccs[d.messageNum - 1];
        delayedInboxAccs.push(keccak256(abi.encodePacked(before, messageHash)));
    }

    function _pending(Message[] storage queue, uint256 id) private view returns (Message storage m) {
        if (id >= queue.length || queue[id].done) revert NotPending(id);
        m = queue[id];
    }
}

/// @title ArbSys stand-in, etched at 0x64
/// @notice Forwards every L2 -> L1 message to the `MockArbitrum` hub's queue. `vm.etch` copies runtime code only,
///         so the hub is an immutable (part of the code), not storage.
contract MockArbSys {
    MockArbitrum public immutable hub;

    constructor(MockArbitrum hub_) {
        hub = hub_;
    }

    /// @notice Queue a message from `msg.sender` to `destination` on L1.
    function sendTxToL1(address destination, bytes calldata data) external payable returns (uint256) {
        return hub.queueOutgoing(msg.sender, destination, data);
    }

    /// @notice Queue an ETH withdrawal (empty calldata).
    function withdrawEth(address destination) external payable returns (uint256) {
        return hub.queueOutgoing(msg.sender, destination, "");
    }

    /// @notice Both layers share one block clock in the tests.
    function arbBlockNumber() external view returns (uint256) {
        return block.number;
    }

    /// @notice Arbitrum One's chain id.
    function arbChainID() external pure returns (uint256) {
        return 42161;
    }
}
