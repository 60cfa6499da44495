// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Arbitrum Bridge (the subset this project uses)
/// @notice Holds the ETH of deposits, records delayed messages and performs outbox calls.
interface IBridge {
    /// @notice A delayed message was enqueued; `sender` is already aliased for contracts and EOAs.
    event MessageDelivered(
        uint256 indexed messageIndex,
        bytes32 indexed beforeInboxAcc,
        address inbox,
        uint8 kind,
        address sender,
        bytes32 messageDataHash,
        uint256 baseFeeL1,
        uint64 timestamp
    );

    /// @notice An outbox made the bridge call `to`.
    event BridgeCallTriggered(address indexed outbox, address indexed to, uint256 value, bytes data);

    /// @notice An inbox was allowed or disallowed.
    event InboxToggle(address indexed inbox, bool enabled);

    /// @notice An outbox was allowed or disallowed.
    event OutboxToggle(address indexed outbox, bool enabled);

    /// @notice The caller is not an allowed inbox.
    error NotDelayedInbox(address sender);
    /// @notice The caller is not an allowed outbox.
    error NotOutbox(address sender);
    /// @notice Calldata was sent to an address without code.
    error NotContract(address addr);

    /// @notice The outbox executing a call right now, or address(0) outside outbox calls.
    /// @return the active outbox
    function activeOutbox() external view returns (address);

    /// @notice Perform an L2 -> L1 call on behalf of the calling outbox.
    /// @param to L1 destination
    /// @param value ETH sent from the bridge's balance
    /// @param data calldata
    /// @return success whether the call succeeded
    /// @return returnData what the call returned or reverted with
    function executeCall(address to, uint256 value, bytes calldata data)
        external
        returns (bool success, bytes memory returnData);

    /// @notice Append a message to the delayed inbox (inbox only); `msg.value` is the deposit.
    /// @param kind message kind (9 for retryables)
    /// @param sender aliased L1 sender
    /// @param messageDataHash keccak256 of the message data
    /// @return the message index
    function enqueueDelayedMessage(uint8 kind, address sender, bytes32 messageDataHash)
        external
        payable
        returns (uint256);

    /// @notice Number of delayed messages so far.
    /// @return the count
    function delayedMessageCount() external view returns (uint256);

    /// @notice Accumulator after the message at `index`.
    /// @param index message index
    /// @return the accumulator
    function delayedInboxAccs(uint256 index) external view returns (bytes32);
}
