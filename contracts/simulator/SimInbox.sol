// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressAlias} from "../arbitrum/AddressAlias.sol";
import {IBridge} from "../arbitrum/IBridge.sol";
import {IInbox} from "../arbitrum/IInbox.sol";

/// @title Local Arbitrum delayed Inbox
/// @notice Retryable tickets with the Nitro Inbox's checks, fee formula, aliasing of refund
///         addresses, message packing and events. The deposit is held by the bridge.
contract SimInbox is IInbox {
    /// @notice Delayed message kind of a retryable ticket.
    uint8 public constant L1_MESSAGE_TYPE_SUBMIT_RETRYABLE = 9;
    /// @inheritdoc IInbox
    /// @dev Arbitrum One's Inbox is deployed with 117,964 (Nitro's AbsInbox: 90% of Geth's 128 KiB
    ///      transaction size limit). A retryable's message is nine 32-byte words plus its calldata,
    ///      so its calldata may be 117,676 bytes long at most.
    uint256 public constant maxDataSize = 117_964;

    /// @inheritdoc IInbox
    IBridge public immutable bridge;

    /// @param bridge_ the bridge that records messages and holds deposits
    constructor(IBridge bridge_) {
        bridge = bridge_;
    }

    /// @inheritdoc IInbox
    function createRetryableTicket(
        address to,
        uint256 l2CallValue,
        uint256 maxSubmissionCost,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 gasLimit,
        uint256 maxFeePerGas,
        bytes calldata data
    ) external payable returns (uint256) {
        uint256 required = maxSubmissionCost + l2CallValue + gasLimit * maxFeePerGas;
        if (msg.value < required) revert InsufficientValue(required, msg.value);
        if (excessFeeRefundAddress.code.length > 0) {
            excessFeeRefundAddress = AddressAlias.applyL1ToL2Alias(excessFeeRefundAddress);
        }
        if (callValueRefundAddress.code.length > 0) {
            callValueRefundAddress = AddressAlias.applyL1ToL2Alias(callValueRefundAddress);
        }
        return _submit(
            to, l2CallValue, maxSubmissionCost, excessFeeRefundAddress, callValueRefundAddress, gasLimit, maxFeePerGas, data
        );
    }

    /// @inheritdoc IInbox
    function unsafeCreateRetryableTicket(
        address to,
        uint256 l2CallValue,
        uint256 maxSubmissionCost,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 gasLimit,
        uint256 maxFeePerGas,
        bytes calldata data
    ) external payable returns (uint256) {
        return _submit(
            to, l2CallValue, maxSubmissionCost, excessFeeRefundAddress, callValueRefundAddress, gasLimit, maxFeePerGas, data
        );
    }

    /// @inheritdoc IInbox
    function calculateRetryableSubmissionFee(uint256 dataLength, uint256 baseFee) public view returns (uint256) {
        return (1400 + 6 * dataLength) * (baseFee == 0 ? block.basefee : baseFee);
    }

    function _submit(
        address to,
        uint256 l2CallValue,
        uint256 maxSubmissionCost,
        address excessFeeRefundAddress,
        address callValueRefundAddress,
        uint256 gasLimit,
        uint256 maxFeePerGas,
        bytes calldata data
    ) private returns (uint256 messageNum) {
        if (gasLimit > type(uint64).max) revert GasLimitTooLarge();
        uint256 fee = calculateRetryableSubmissionFee(data.length, block.basefee);
        if (maxSubmissionCost < fee) revert InsufficientSubmissionCost(fee, maxSubmissionCost);
        bytes memory messageData = abi.encodePacked(
            uint256(uint160(to)),
            l2CallValue,
            msg.value,
            maxSubmissionCost,
            uint256(uint160(excessFeeRefundAddress)),
            uint256(uint160(callValueRefundAddress)),
            gasLimit,
            maxFeePerGas,
            data.length,
            data
        );
        if (messageData.length > maxDataSize) revert DataTooLarge(messageData.length, maxDataSize);
        messageNum = bridge.enqueueDelayedMessage{value: msg.value}(
            L1_MESSAGE_TYPE_SUBMIT_RETRYABLE, AddressAlias.applyL1ToL2Alias(msg.sender), keccak256(messageData)
        );
        emit InboxMessageDelivered(messageNum, messageData);
    }
}
