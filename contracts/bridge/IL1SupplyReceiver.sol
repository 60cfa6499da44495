// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IL1SupplyReceiver
/// @notice The L2 end of the L1 supply report: what the L1SupplyReporter's retryable ticket calls.
interface IL1SupplyReceiver {
    /// @notice Records report `sequence`: L1 circulating supply `circulatingSupply` as of L1 block `l1Block` at
    ///         `l1Timestamp`.
    function receiveL1Supply(uint256 sequence, uint256 circulatingSupply, uint256 l1Block, uint256 l1Timestamp)
        external;
}
