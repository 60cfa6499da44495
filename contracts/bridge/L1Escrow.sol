// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title L1Escrow
/// @notice Holds the L1 LPT that backs L2 LPT minted for deposits. Only the L1 LPT gateway can move it out, to pay
///         withdrawals; governance chooses the gateway.
contract L1Escrow is Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice L1 LPT.
    IERC20 public immutable token;
    /// @notice The only address allowed to release escrowed LPT.
    address public gateway;

    /// @notice The gateway is now `gateway`.
    event GatewaySet(address indexed gateway);
    /// @notice `amount` escrowed LPT were released to `to`.
    event Released(address indexed to, uint256 amount);

    /// @notice `account` is not the gateway.
    error NotGateway(address account);
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

    /// @notice Sends `amount` escrowed LPT to `to` (gateway only).
    /// @param to Receiver.
    /// @param amount Amount in wei.
    function release(address to, uint256 amount) external {
        if (msg.sender != gateway) revert NotGateway(msg.sender);
        emit Released(to, amount);
        token.safeTransfer(to, amount);
    }
}
