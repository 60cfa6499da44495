// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2ArbitrumMessenger} from "../arbitrum/L2ArbitrumMessenger.sol";
import {ITestL1Receiver, ITestL2Receiver} from "./ITestEndpoints.sol";
import {TestCounterpart} from "./TestCounterpart.sol";

/// @title Test L2 endpoint: records payloads from TestL1Endpoint (or rejects them on demand),
///        sends payloads back to it
contract TestL2Endpoint is L2ArbitrumMessenger, TestCounterpart, ITestL2Receiver {
    /// @notice While true, payloads from L1 are rejected (the retryable fails).
    bool public rejecting;
    /// @notice Number of payloads received from L1.
    uint256 public receivedCount;
    /// @notice The last payload received from L1.
    bytes public lastPayload;
    /// @notice ETH received with the last payload.
    uint256 public lastValue;
    /// @notice `gasleft()` at the start of the last accepted call from L1.
    uint256 public lastGasAtEntry;

    /// @notice Rejection of L1 payloads was switched.
    event RejectingSet(bool rejecting);
    /// @notice A payload arrived from the L1 counterpart.
    event ReceivedFromL1(uint256 value, uint256 gasAtEntry, bytes payload);

    /// @notice Raised while `rejecting` is set.
    error Rejected(bytes payload);

    /// @notice Reject (or accept again) payloads from L1 (deployer only).
    /// @param rejecting_ whether to reject
    function setRejecting(bool rejecting_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        rejecting = rejecting_;
        emit RejectingSet(rejecting_);
    }

    /// @inheritdoc ITestL2Receiver
    function receiveFromL1(bytes calldata payload) external payable onlyL1Counterpart {
        uint256 gasAtEntry = gasleft();
        if (rejecting) revert Rejected(payload);
        ++receivedCount;
        lastPayload = payload;
        lastValue = msg.value;
        lastGasAtEntry = gasAtEntry;
        emit ReceivedFromL1(msg.value, gasAtEntry, payload);
    }

    /// @notice Send `payload` (and `msg.value`) to the L1 endpoint.
    /// @param payload arbitrary bytes
    /// @return id the L2 -> L1 message id
    function sendToL1(bytes calldata payload) external payable returns (uint256 id) {
        id = _sendTxToL1(counterpart, msg.value, abi.encodeCall(ITestL1Receiver.receiveFromL2, (payload)));
    }

    function _l1Counterpart() internal view override returns (address) {
        return counterpart;
    }
}
