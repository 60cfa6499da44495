// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBridge} from "./IBridge.sol";

/// @title Arbitrum delayed Inbox (the subset this project uses)
/// @notice Entry point on L1 for L1 -> L2 retryable tickets. Selectors, events and errors
///         match the Nitro Inbox, so code written against this interface runs on the real bridge.
interface IInbox {
    /// @notice A message was placed in the delayed inbox; `data` is the packed retryable request.
    event InboxMessageDelivered(uint256 indexed messageNum, bytes data);

    /// @notice `msg.value` is below `maxSubmissionCost + l2CallValue + gasLimit * maxFeePerGas`.
    error InsufficientValue(uint256 expected, uint256 actual);
    /// @notice `maxSubmissionCost` is below the current submission fee.
    error InsufficientSubmissionCost(uint256 expected, uint256 actual);
    /// @notice The L2 gas limit does not fit in a uint64.
    error GasLimitTooLarge();
    /// @notice The packed message (nine 32-byte words and the calldata) exceeds the Inbox's
    ///         `maxDataSize` (Nitro's AbsInbox).
    error DataTooLarge(uint256 dataLength, uint256 maxDataLength);

    /// @notice Create a retryable ticket; refund addresses that have code are aliased.
    /// @param to L2 destination of the call
    /// @param l2CallValue ETH passed to `to` on L2
    /// @param maxSubmissionCost most the sender pays for the ticket's submission
    /// @param excessFeeRefundAddress L2 address that receives unused fees
    /// @param callValueRefundAddress L2 beneficiary: receives `l2CallValue` on cancel or expiry
    /// @param gasLimit L2 gas for the (auto-)redeem
    /// @param maxFeePerGas L2 gas price bid
    /// @param data calldata of the L2 call
    /// @return the delayed message number (the ticket's request id)
    function createRetryableTicket(
        address to,
        uint256 l2CallValue,
        uint256 maxSubmissionCost,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 gasLimit,
        uint256 maxFeePerGas,
        bytes calldata data
    ) external payable returns (uint256);

    /// @notice Like createRetryableTicket, without the value check and without aliasing refund
    ///         addresses. Funds can be lost: only for callers that know what they do.
    /// @param to L2 destination of the call
    /// @param l2CallValue ETH passed to `to` on L2
    /// @param maxSubmissionCost most the sender pays for the ticket's submission
    /// @param excessFeeRefundAddress L2 address that receives unused fees (used as given)
    /// @param callValueRefundAddress L2 beneficiary (used as given)
    /// @param gasLimit L2 gas for the (auto-)redeem
    /// @param maxFeePerGas L2 gas price bid
    /// @param data calldata of the L2 call
    /// @return the delayed message number
    function unsafeCreateRetryableTicket(
        address to,
        uint256 l2CallValue,
        uint256 maxSubmissionCost,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 gasLimit,
        uint256 maxFeePerGas,
        bytes calldata data
    ) external payable returns (uint256);

    /// @notice Submission fee of a retryable: `(1400 + 6 * dataLength) * baseFee`.
    /// @param dataLength length of the L2 calldata in bytes
    /// @param baseFee L1 base fee to price with; 0 means the current `block.basefee`
    /// @return the fee in wei
    function calculateRetryableSubmissionFee(uint256 dataLength, uint256 baseFee) external view returns (uint256);

    /// @notice The bridge that holds deposits and executes outbox calls.
    /// @return the bridge
    function bridge() external view returns (IBridge);

    /// @notice Longest packed message the Inbox accepts, in bytes (117,964 on Arbitrum One).
    /// @return the limit
    function maxDataSize() external view returns (uint256);
}
