// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInbox} from "../arbitrum/IInbox.sol";
import {L1ArbitrumMessenger} from "../arbitrum/L1ArbitrumMessenger.sol";
import {ITestL1Receiver, ITestL2Receiver} from "./ITestEndpoints.sol";
import {TestCounterpart} from "./TestCounterpart.sol";

/// @title Test L1 endpoint: sends payloads to TestL2Endpoint, records payloads from it
contract TestL1Endpoint is L1ArbitrumMessenger, TestCounterpart, ITestL1Receiver {
    /// @notice Number of payloads received from L2.
    uint256 public receivedCount;
    /// @notice The last payload received from L2.
    bytes public lastPayload;
    /// @notice ETH received with the last payload.
    uint256 public lastValue;

    /// @notice A payload arrived from the L2 counterpart.
    event ReceivedFromL2(uint256 value, bytes payload);

    /// @param inbox_ the Arbitrum Inbox
    constructor(IInbox inbox_) L1ArbitrumMessenger(inbox_) {}

    /// @notice Send `payload` to the L2 endpoint in a retryable ticket paid with `msg.value`.
    /// @param payload arbitrary bytes
    /// @param l2CallValue ETH for the L2 call
    /// @param gas L2 gas parameters
    /// @param excessFeeRefundAddress L2 refund address of unused fees
    /// @param callValueRefundAddress L2 beneficiary of the ticket
    /// @return seqNum the delayed message number
    function sendToL2(
        bytes calldata payload,
        uint256 l2CallValue,
        L2GasParams calldata gas,
        address excessFeeRefundAddress,
        address callValueRefundAddress
    ) external payable returns (uint256 seqNum) {
        seqNum = _sendTxToL2(
            counterpart,
            excessFeeRefundAddress,
            callValueRefundAddress,
            l2CallValue,
            gas,
            abi.encodeCall(ITestL2Receiver.receiveFromL1, (payload))
        );
    }

    /// @inheritdoc ITestL1Receiver
    function receiveFromL2(bytes calldata payload) external payable onlyL2Counterpart {
        ++receivedCount;
        lastPayload = payload;
        lastValue = msg.value;
        emit ReceivedFromL2(msg.value, payload);
    }

    function _l2Counterpart() internal view override returns (address) {
        return counterpart;
    }
}
