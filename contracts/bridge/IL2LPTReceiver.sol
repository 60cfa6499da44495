// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IL2LPTReceiver
/// @notice A contract that acts on LPT bridged to it: the L2 LPT gateway calls it in the transaction that mints
///         the LPT, when the deposit carries call-hook data. A revert undoes the mint (the ticket stays redeemable).
interface IL2LPTReceiver {
    /// @notice `amount` L2 LPT, deposited on L1 by `l1From`, were just minted to this contract.
    /// @param l1From The L1 address that deposited.
    /// @param amount Amount in wei.
    /// @param data The deposit's call-hook data.
    function onLPTBridged(address l1From, uint256 amount, bytes calldata data) external;
}
