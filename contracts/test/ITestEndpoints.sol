// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Receiving side of TestL2Endpoint
interface ITestL2Receiver {
    /// @notice Record a payload sent by the L1 endpoint.
    /// @param payload arbitrary bytes
    function receiveFromL1(bytes calldata payload) external payable;
}

/// @title Receiving side of TestL1Endpoint
interface ITestL1Receiver {
    /// @notice Record a payload sent by the L2 endpoint.
    /// @param payload arbitrary bytes
    function receiveFromL2(bytes calldata payload) external payable;
}
