// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbSys} from "../arbitrum/IArbSys.sol";

/// @title Local ArbSys, planted at 0x64 on the local L2
/// @notice Numbers L2 -> L1 messages and emits Nitro's L2ToL1Tx event with the item hash the
///         Outbox recomputes. Sent ETH stays in this account (it is burned on Arbitrum).
///         The local L2 has no L1 clock: `ethBlockNum` is the L2 block number.
contract SimArbSys is IArbSys {
    /// @notice Number of L2 -> L1 messages sent so far (the next message's position).
    uint256 public sendCount;

    /// @inheritdoc IArbSys
    function sendTxToL1(address destination, bytes memory data) public payable returns (uint256 position) {
        position = sendCount++;
        uint256 hash = uint256(
            keccak256(
                abi.encodePacked(msg.sender, destination, block.number, block.number, block.timestamp, msg.value, data)
            )
        );
        emit L2ToL1Tx(
            msg.sender, destination, hash, position, block.number, block.number, block.timestamp, msg.value, data
        );
    }

    /// @inheritdoc IArbSys
    function withdrawEth(address destination) external payable returns (uint256) {
        return sendTxToL1(destination, "");
    }

    /// @inheritdoc IArbSys
    function arbBlockNumber() external view returns (uint256) {
        return block.number;
    }

    /// @inheritdoc IArbSys
    function arbChainID() external view returns (uint256) {
        return block.chainid;
    }
}
