// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The parts of the BondingManager that the TicketBroker calls
interface ITicketBrokerBondingManager {
    /// @notice Credits `fees` (already deposited in the Minter) to `transcoder` and its delegators for `round`.
    function updateTranscoderWithFees(address transcoder, uint256 fees, uint256 round) external;

    /// @notice Whether `transcoder` is in the active set of the current round.
    function isActiveTranscoder(address transcoder) external view returns (bool);

    /// @notice Number of orchestrators in the transcoder pool (the active set being formed for the next round).
    function getTranscoderPoolSize() external view returns (uint256);
}

/// @title The part of the Minter that the TicketBroker calls
interface ITicketBrokerMinter {
    /// @notice Accepts ETH fees into the Minter's custody.
    function depositETH() external payable;
}

/// @title The parts of the RoundsManager that the TicketBroker calls
interface ITicketBrokerRoundsManager {
    /// @notice The current round number.
    function currentRound() external view returns (uint256);

    /// @notice Whether the current round has been initialized.
    function currentRoundInitialized() external view returns (bool);
}
