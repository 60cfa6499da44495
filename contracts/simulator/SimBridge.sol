// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBridge} from "../arbitrum/IBridge.sol";

/// @title Local Arbitrum Bridge
/// @notice Holds deposits, keeps the delayed-inbox accumulator and runs outbox calls, with the
///         Nitro Bridge's interface. One inbox and one outbox, wired once by the deployer.
contract SimBridge is IBridge {
    /// @notice Who may wire the inbox and outbox (once).
    address public immutable deployer;
    /// @notice The only inbox allowed to enqueue messages.
    address public inbox;
    /// @notice The only outbox allowed to execute calls.
    address public outbox;
    /// @notice Delayed-inbox accumulators, one per message.
    bytes32[] public delayedInboxAccs;

    address private _activeOutbox;

    /// @notice Only the deployer may wire the bridge.
    error NotDeployer(address sender);
    /// @notice The bridge is already wired.
    error AlreadyWired();
    /// @notice An inbox or outbox address is zero.
    error ZeroAddress();

    constructor() {
        deployer = msg.sender;
    }

    /// @notice Allow `inbox_` to enqueue messages and `outbox_` to execute calls (once).
    /// @param inbox_ the delayed inbox
    /// @param outbox_ the outbox
    function wire(address inbox_, address outbox_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (inbox != address(0)) revert AlreadyWired();
        if (inbox_ == address(0) || outbox_ == address(0)) revert ZeroAddress();
        inbox = inbox_;
        outbox = outbox_;
        emit InboxToggle(inbox_, true);
        emit OutboxToggle(outbox_, true);
    }

    /// @inheritdoc IBridge
    function activeOutbox() external view returns (address) {
        return _activeOutbox;
    }

    /// @inheritdoc IBridge
    function delayedMessageCount() external view returns (uint256) {
        return delayedInboxAccs.length;
    }

    /// @inheritdoc IBridge
    function enqueueDelayedMessage(uint8 kind, address sender, bytes32 messageDataHash)
        external
        payable
        returns (uint256 index)
    {
        if (msg.sender != inbox) revert NotDelayedInbox(msg.sender);
        index = delayedInboxAccs.length;
        bytes32 messageHash = keccak256(
            abi.encodePacked(
                kind, sender, uint64(block.number), uint64(block.timestamp), index, block.basefee, messageDataHash
            )
        );
        bytes32 before = index == 0 ? bytes32(0) : delayedInboxAccs[index - 1];
        delayedInboxAccs.push(keccak256(abi.encodePacked(before, messageHash)));
        emit MessageDelivered(
            index, before, msg.sender, kind, sender, messageDataHash, block.basefee, uint64(block.timestamp)
        );
    }

    /// @inheritdoc IBridge
    function executeCall(address to, uint256 value, bytes calldata data)
        external
        returns (bool success, bytes memory returnData)
    {
        if (msg.sender != outbox) revert NotOutbox(msg.sender);
        if (data.length > 0 && to.code.length == 0) revert NotContract(to);
        address previous = _activeOutbox;
        _activeOutbox = msg.sender;
        (success, returnData) = to.call{value: value}(data);
        _activeOutbox = previous;
        emit BridgeCallTriggered(msg.sender, to, value, data);
    }
}
