// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Test helper: a counterpart address the deployer sets once
abstract contract TestCounterpart {
    /// @notice Who may set the counterpart.
    address public immutable deployer;
    /// @notice The contract on the other layer.
    address public counterpart;

    /// @notice The counterpart was set.
    event CounterpartSet(address counterpart);

    /// @notice Only the deployer may set the counterpart.
    error NotDeployer(address sender);
    /// @notice The counterpart is set already.
    error CounterpartAlreadySet();

    constructor() {
        deployer = msg.sender;
    }

    /// @notice Set the contract on the other layer (once, deployer only).
    /// @param counterpart_ the counterpart
    function setCounterpart(address counterpart_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (counterpart != address(0)) revert CounterpartAlreadySet();
        counterpart = counterpart_;
        emit CounterpartSet(counterpart_);
    }
}
