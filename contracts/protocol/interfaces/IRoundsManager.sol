// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRoundsManager
/// @notice Round clock shared by the BondingManager, the Minter and the TicketBroker.
interface IRoundsManager {
    /// @notice Number of the round the current block belongs to (rounds start at 1).
    function currentRound() external view returns (uint256);

    /// @notice First block of the current round.
    function currentRoundStartBlock() external view returns (uint256);

    /// @notice Whether `initializeRound()` has run for the current round.
    function currentRoundInitialized() external view returns (bool);

    /// @notice The current round and whether `initializeRound()` has run for it, in one call.
    function currentRoundState() external view returns (uint256 round, bool initialized);

    /// @notice Whether the current round is in its lock period (its last blocks).
    function currentRoundLocked() external view returns (bool);
}
