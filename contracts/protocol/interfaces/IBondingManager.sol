// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IBondingManager
/// @notice What the Minter, the RoundsManager and the TicketBroker call on the BondingManager.
interface IBondingManager {
    /// @notice Credits `fees` wei (already deposited in the Minter) earned by `transcoder` from a ticket of `round`.
    function updateTranscoderWithFees(address transcoder, uint256 fees, uint256 round) external;

    /// @notice Whether `transcoder` is in the active set of the current round.
    function isActiveTranscoder(address transcoder) external view returns (bool);

    /// @notice Stake of the current round's active set (the bonded figure used for inflation).
    function getTotalBonded() external view returns (uint256);

    /// @notice The TicketBroker allowed to credit fees.
    function ticketBroker() external view returns (address);

    /// @notice Fixes the current round's total active stake; called by the RoundsManager when a round starts.
    function setCurrentRoundTotalActiveStake() external;
}
