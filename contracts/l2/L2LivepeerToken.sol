// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";

/// @title L2LivepeerToken
/// @notice LPT on Arbitrum: an ERC-20 with EIP-2612 permits. Only the L2 Minter mints (for the L2 gateway's deposits,
///         the L2Migrator's migrations and inflation rewards). Tokens leave the supply in two ways only: the L2
///         gateway burns a holder's tokens for a withdrawal to L1, consuming the allowance the holder gave the
///         gateway, and the Minter burns tokens it holds itself (protocol-held LPT, e.g. slashed stake).
/// @dev There is no burn of a holder's own balance outside the gateway: every LPT that leaves the L2 supply
///      either reappears on L1 (withdrawal) or was protocol-held, which keeps the cross-chain supply accounting
///      (L1 supply + L2 supply - escrow) checkable.
contract L2LivepeerToken is ERC20, ERC20Permit, Ownable2Step, ILivepeerToken {
    /// @notice The only address allowed to mint (the L2 Minter).
    address public minter;
    /// @notice The only address allowed to burn holders' tokens (the L2 LPT gateway).
    address public gateway;

    /// @notice The minter changed from `previousMinter` to `newMinter`.
    event MinterSet(address indexed previousMinter, address indexed newMinter);
    /// @notice The burning gateway changed from `previousGateway` to `newGateway`.
    event GatewaySet(address indexed previousGateway, address indexed newGateway);

    /// @notice `account` is not the minter.
    error NotMinter(address account);
    /// @notice `account` is not the gateway.
    error NotGateway(address account);
    /// @notice A zero address where one is needed.
    error ZeroAddress();

    /// @param owner_ The governor allowed to set the minter and the gateway.
    constructor(address owner_) ERC20("Livepeer Token", "LPT") ERC20Permit("Livepeer Token") Ownable(owner_) {}

    /// @notice Makes `newMinter` the only address allowed to mint (governor only).
    /// @param newMinter The L2 Minter.
    function setMinter(address newMinter) external onlyOwner {
        if (newMinter == address(0)) revert ZeroAddress();
        emit MinterSet(minter, newMinter);
        minter = newMinter;
    }

    /// @notice Makes `newGateway` the only address allowed to burn holders' tokens (governor only).
    /// @param newGateway The L2 LPT gateway.
    function setGateway(address newGateway) external onlyOwner {
        if (newGateway == address(0)) revert ZeroAddress();
        emit GatewaySet(gateway, newGateway);
        gateway = newGateway;
    }

    /// @notice Mints `amount` tokens to `to` (minter only).
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in wei.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        _mint(to, amount);
    }

    /// @notice Burns `amount` tokens held by the minter itself (minter only).
    /// @param amount Amount in wei.
    function burn(uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        _burn(msg.sender, amount);
    }

    /// @notice Burns `amount` of `account`'s tokens for a withdrawal (gateway only), spending the allowance
    ///         `account` gave the gateway.
    /// @param account The holder.
    /// @param amount Amount in wei.
    function burnFrom(address account, uint256 amount) external {
        if (msg.sender != gateway) revert NotGateway(msg.sender);
        _spendAllowance(account, msg.sender, amount);
        _burn(account, amount);
    }
}
