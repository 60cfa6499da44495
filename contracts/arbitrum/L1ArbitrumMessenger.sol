// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBridge} from "./IBridge.sol";
import {IInbox} from "./IInbox.sol";
import {IOutbox} from "./IOutbox.sol";

/// @title Base of L1 contracts that talk to a counterpart on Arbitrum
/// @notice Sends retryable tickets through the Inbox and authenticates calls that arrive
///         from L2 through the Bridge and Outbox.
abstract contract L1ArbitrumMessenger {
    /// @notice L2 gas parameters of one retryable ticket, chosen by the caller.
    struct L2GasParams {
        uint256 maxSubmissionCost;
        uint256 gasLimit;
        uint256 maxFeePerGas;
    }

    /// @notice The Arbitrum delayed Inbox.
    IInbox public immutable inbox;

    /// @notice A retryable ticket to `to` was created with delayed message number `seqNum`, carrying `data` to L2.
    /// @dev The signature of Arbitrum's and Livepeer's bridge messengers, which indexers and the Arbitrum SDK's
    ///      users read; the Inbox's own event carries the data as well, but keeping this one whole keeps that
    ///      public interface.
    event TxToL2(address indexed from, address indexed to, uint256 indexed seqNum, bytes data);

    /// @notice The inbox address is zero.
    error ZeroInbox();
    /// @notice The call did not come from the bridge.
    error NotFromBridge(address sender);
    /// @notice The bridge call does not originate from the L2 counterpart.
    error NotFromL2Counterpart(address l2Sender);

    /// @param inbox_ the Arbitrum delayed Inbox
    constructor(IInbox inbox_) {
        if (address(inbox_) == address(0)) revert ZeroInbox();
        inbox = inbox_;
    }

    /// @dev Only an L2 -> L1 message sent by `_l2Counterpart()` and executed by the Outbox.
    modifier onlyL2Counterpart() {
        _checkL2Counterpart();
        _;
    }

    /// @dev The L2 contract whose messages this contract accepts.
    function _l2Counterpart() internal view virtual returns (address);

    /// @dev Reverts unless the caller is the bridge running an Outbox execution of a message
    ///      whose L2 sender is `_l2Counterpart()`.
    function _checkL2Counterpart() internal view {
        IBridge bridge = inbox.bridge();
        if (msg.sender != address(bridge)) revert NotFromBridge(msg.sender);
        address l2Sender = IOutbox(bridge.activeOutbox()).l2ToL1Sender();
        if (l2Sender != _l2Counterpart()) revert NotFromL2Counterpart(l2Sender);
    }

    /// @dev Create a retryable ticket that calls `to` on L2 with `data`, paid with exactly
    ///      `msg.value`. Whatever `msg.value` carries beyond `l2CallValue` and the gas budget
    ///      is offered as submission cost, so the unused part is refunded on L2 to
    ///      `excessFeeRefundAddress` (an excess deposit would otherwise go to this contract's
    ///      alias, where nobody can spend it). Underpayment reverts in the Inbox
    ///      (InsufficientValue). Call at most once per transaction.
    /// @return seqNum the delayed message number (the ticket's request id)
    function _sendTxToL2(
        address to,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 l2CallValue,
        L2GasParams memory gas,
        bytes memory data
    ) internal returns (uint256 seqNum) {
        uint256 callAndGas = l2CallValue + gas.gasLimit * gas.maxFeePerGas;
        uint256 maxSubmissionCost = gas.maxSubmissionCost;
        if (msg.value > maxSubmissionCost + callAndGas) maxSubmissionCost = msg.value - callAndGas;
        seqNum = inbox.createRetryableTicket{value: msg.value}(
            to,
            l2CallValue,
            maxSubmissionCost,
            excessFeeRefundAddress,
            callValueRefundAddress,
            gas.gasLimit,
            gas.maxFeePerGas,
            data
        );
        emit TxToL2(msg.sender, to, seqNum, data);
    }
}
