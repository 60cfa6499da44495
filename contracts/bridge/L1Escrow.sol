// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title L1Escrow
/// @notice Holds the L1 LPT that backs L2 LPT minted for deposits. Two governance-chosen releasers can move it out:
///         the L1 LPT gateway, to pay withdrawals, and the L1Migrator, to refund a stake migration whose L2 message
///         expired unexecuted (its LPT was escrowed but never minted on L2).
contract L1Escrow is Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice L1 LPT.
    IERC20 public immutable token;
    /// @notice The L1 LPT gateway, allowed to release escrowed LPT (withdrawals).
    address public gateway;
    /// @notice The L1Migrator, allowed to release escrowed LPT (refunds of expired migrations); zero: none.
    address public migrator;

    /// @notice The gateway is now `gateway`.
    event GatewaySet(address indexed gateway);
    /// @notice The migrator is now `migrator`.
    event MigratorSet(address indexed migrator);
    /// @notice `amount` escrowed LPT were released to `to`.
    event Released(address indexed to, uint256 amount);

    /// @notice `account` is neither the gateway nor the migrator.
    error NotReleaser(address account);
    /// @notice A zero address where one is needed.
    error ZeroAddress();

    /// @param owner_ The governor.
    /// @param token_ L1 LPT.
    constructor(address owner_, IERC20 token_) Ownable(owner_) {
        if (address(token_) == address(0)) revert ZeroAddress();
        token = token_;
    }

    /// @notice Sets the gateway allowed to release escrowed LPT (governor only).
    /// @param gateway_ The L1 LPT gateway.
    function setGateway(address gateway_) external onlyOwner {
        if (gateway_ == address(0)) revert ZeroAddress();
        gateway = gateway_;
        emit GatewaySet(gateway_);
    }

    /// @notice Sets the L1Migrator allowed to release the escrowed LPT of expired migrations (governor only).
    /// @param migrator_ The L1Migrator.
    function setMigrator(address migrator_) external onlyOwner {
        if (migrator_ == address(0)) revert ZeroAddress();
        migrator = migrator_;
        emit MigratorSet(migrator_);
    }

    /// @notice Sends `amount` escrowed LPT to `to` (the gateway or the migrator only).
    /// @param to Receiver.
    /// @param amount Amount in wei.
    function release(address to, uint256 amount) external {
        if (msg.sender != gateway && msg.sender != migrator) revert NotReleaser(msg.sender);
        emit Released(to, amount);
        token.safeTransfer(to, amount);
    }
}
