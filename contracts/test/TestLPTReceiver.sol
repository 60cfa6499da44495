// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IL2LPTReceiver} from "../bridge/IL2LPTReceiver.sol";

/// @title TestLPTReceiver
/// @notice Test double of a bridged-LPT receiver: records each hook call and its view of its balance, or reverts
///         while switched to reverting.
contract TestLPTReceiver is IL2LPTReceiver {
    /// @notice L2 LPT, to record the balance the hook sees.
    IERC20 public immutable token;
    /// @notice Whether `onLPTBridged` reverts.
    bool public reverting;
    /// @notice Number of hook calls.
    uint256 public calls;
    /// @notice Arguments of the last hook call.
    address public lastFrom;
    uint256 public lastAmount;
    bytes public lastData;
    /// @notice Balance of this contract seen by the last hook call.
    uint256 public balanceSeen;

    /// @notice The hook ran.
    event Hooked(address indexed caller, address indexed l1From, uint256 amount, bytes data);
    /// @notice `reverting` changed.
    event RevertingSet(bool reverting);

    /// @notice The hook was told to refuse.
    error Refused(bytes data);

    /// @param token_ L2 LPT.
    constructor(IERC20 token_) {
        token = token_;
    }

    /// @notice Makes the hook revert (or not).
    /// @param reverting_ Whether to revert.
    function setReverting(bool reverting_) external {
        reverting = reverting_;
        emit RevertingSet(reverting_);
    }

    /// @inheritdoc IL2LPTReceiver
    function onLPTBridged(address l1From, uint256 amount, bytes calldata data) external {
        if (reverting) revert Refused(data);
        calls += 1;
        lastFrom = l1From;
        lastAmount = amount;
        lastData = data;
        balanceSeen = token.balanceOf(address(this));
        emit Hooked(msg.sender, l1From, amount, data);
    }
}
