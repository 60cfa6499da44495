// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMintingDelegator
/// @notice A Minter's minting entry point for its minting delegates.
interface IMintingDelegator {
    /// @notice Mints `amount` LPT to `to` (minting delegates only).
    function mint(address to, uint256 amount) external;
}
