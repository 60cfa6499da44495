// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Code planted at an L1 sender's L2 alias on the local L2
/// @notice Lets the simulated ArbRetryableTx make calls whose `msg.sender` is exactly the alias,
///         as ArbOS does. Anyone else sees an account that accepts ETH.
contract SimAliasForwarder {
    /// @notice The only contract that may drive calls (the simulated ArbRetryableTx).
    address public immutable driver;

    /// @notice The caller is not the driver.
    error NotDriver(address sender);

    /// @param driver_ the simulated ArbRetryableTx
    constructor(address driver_) {
        driver = driver_;
    }

    /// @notice Call `to` with `msg.value` and at most `gasLimit` gas; bubbles a revert up.
    /// @param to L2 destination
    /// @param gasLimit gas for the call
    /// @param data calldata
    function forward(address to, uint256 gasLimit, bytes calldata data) external payable {
        if (msg.sender != driver) revert NotDriver(msg.sender);
        (bool success, bytes memory returnData) = to.call{value: msg.value, gas: gasLimit}(data);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(returnData, 32), mload(returnData))
            }
        }
    }

    /// @notice Accept ETH (refunds and excess deposits credited to the alias).
    receive() external payable {}
}
