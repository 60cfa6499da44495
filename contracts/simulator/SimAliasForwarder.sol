// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Code planted at an L1 sender's L2 alias on the local L2
/// @notice Lets the simulated ArbRetryableTx make calls whose `msg.sender` is exactly the alias,
///         as ArbOS does. Anyone else sees an account that accepts ETH.
contract SimAliasForwarder {
    /// @notice Most bytes of a failed call's revert data passed back up. The destination chooses
    ///         its revert data: copying all of it would let it charge the caller for megabytes of
    ///         memory outside the ticket's gas (a "return bomb").
    uint256 public constant MAX_REVERT_DATA = 256;

    /// @notice The only contract that may drive calls (the simulated ArbRetryableTx).
    address public immutable driver;

    /// @notice The caller is not the driver.
    error NotDriver(address sender);

    /// @param driver_ the simulated ArbRetryableTx
    constructor(address driver_) {
        driver = driver_;
    }

    /// @notice Call `to` with `msg.value` and at most `gasLimit` gas; on failure reverts with at
    ///         most the first MAX_REVERT_DATA bytes of the call's revert data. Return data of a
    ///         successful call is not copied.
    /// @param to L2 destination
    /// @param gasLimit gas for the call
    /// @param data calldata
    function forward(address to, uint256 gasLimit, bytes calldata data) external payable {
        if (msg.sender != driver) revert NotDriver(msg.sender);
        assembly ("memory-safe") {
            let input := mload(0x40)
            calldatacopy(input, data.offset, data.length)
            if iszero(call(gasLimit, to, callvalue(), input, data.length, 0, 0)) {
                let size := returndatasize()
                if gt(size, MAX_REVERT_DATA) { size := MAX_REVERT_DATA }
                returndatacopy(input, 0, size)
                revert(input, size)
            }
        }
    }

    /// @notice Accept ETH (refunds and excess deposits credited to the alias).
    receive() external payable {}
}
