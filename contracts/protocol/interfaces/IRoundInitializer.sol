// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRoundInitializer
/// @notice The RoundsManager's permissionless round start.
interface IRoundInitializer {
    /// @notice Starts the current round.
    function initializeRound() external;
}
