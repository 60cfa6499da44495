// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ArbSys precompile at 0x64 (the subset this project uses)
/// @notice Sends L2 -> L1 messages and reports the L2 block number.
interface IArbSys {
    /// @notice An L2 -> L1 message was sent; `hash` is the item hash, `position` its leaf index.
    event L2ToL1Tx(
        address caller,
        address indexed destination,
        uint256 indexed hash,
        uint256 indexed position,
        uint256 arbBlockNum,
        uint256 ethBlockNum,
        uint256 timestamp,
        uint256 callvalue,
        bytes data
    );

    /// @notice Send a message to L1, executable through the Outbox once its root is confirmed.
    /// @param destination L1 address to call
    /// @param data calldata of the L1 call
    /// @return the message's unique id (its position)
    function sendTxToL1(address destination, bytes calldata data) external payable returns (uint256);

    /// @notice Send `msg.value` to `destination` on L1 (a message with empty calldata).
    /// @param destination L1 recipient
    /// @return the message's unique id
    function withdrawEth(address destination) external payable returns (uint256);

    /// @notice The L2 block number (inside Arbitrum `block.number` is an L1 block number).
    /// @return the L2 block number
    function arbBlockNumber() external view returns (uint256);

    /// @notice The L2 chain id.
    /// @return the chain id
    function arbChainID() external view returns (uint256);
}
