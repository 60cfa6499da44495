// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMinter
/// @notice What the BondingManager, the RoundsManager and the TicketBroker call on the Minter.
interface IMinter {
    /// @notice Mints the reward of `fracNum / fracDenom` of the current round's mintable tokens to the Minter.
    function createReward(uint256 fracNum, uint256 fracDenom) external returns (uint256);

    /// @notice Sends `amount` LPT held by the Minter to `to`.
    function trustedTransferTokens(address to, uint256 amount) external;

    /// @notice Burns `amount` LPT held by the Minter.
    function trustedBurnTokens(uint256 amount) external;

    /// @notice Sends `amount` wei of protocol ETH held by the Minter to `to`.
    function trustedWithdrawETH(address payable to, uint256 amount) external;

    /// @notice Deposits fee ETH into the Minter.
    function depositETH() external payable;

    /// @notice Starts a new round: adjusts inflation and fixes the round's mintable tokens.
    function setCurrentRewardTokens() external;
}
