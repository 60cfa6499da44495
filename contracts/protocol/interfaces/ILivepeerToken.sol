// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ILivepeerToken
/// @notice The LPT surface the protocol contracts rely on: ERC-20 plus minting by the Minter and burning.
interface ILivepeerToken is IERC20 {
    /// @notice Mints `amount` tokens to `to`; only the token's minter may call it.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's own tokens.
    function burn(uint256 amount) external;
}
