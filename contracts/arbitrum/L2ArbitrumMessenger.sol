// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressAlias} from "./AddressAlias.sol";
import {IArbSys} from "./IArbSys.sol";

/// @title Base of Arbitrum contracts that talk to a counterpart on L1
/// @notice Sends L2 -> L1 messages through ArbSys and authenticates retryables from L1.
abstract contract L2ArbitrumMessenger {
    /// @notice The ArbSys precompile.
    IArbSys internal constant ARB_SYS = IArbSys(address(0x64));

    /// @notice An L2 -> L1 message to `to` was sent with id `id`.
    event TxToL1(address indexed from, address indexed to, uint256 indexed id, bytes data);

    /// @notice The caller is not the alias of the L1 counterpart.
    error NotFromL1Counterpart(address sender);

    /// @dev Only a retryable ticket sent by `_l1Counterpart()` on L1.
    modifier onlyL1Counterpart() {
        _checkL1Counterpart();
        _;
    }

    /// @dev The L1 contract whose retryables this contract accepts.
    function _l1Counterpart() internal view virtual returns (address);

    /// @dev Reverts unless `msg.sender` is the L2 alias of `_l1Counterpart()`.
    function _checkL1Counterpart() internal view {
        if (msg.sender != AddressAlias.applyL1ToL2Alias(_l1Counterpart())) revert NotFromL1Counterpart(msg.sender);
    }

    /// @dev Send a message that calls `to` on L1 with `data` and `value` wei (paid from this
    ///      contract's balance on L2, released by the bridge on L1).
    /// @return id the message's unique id
    function _sendTxToL1(address to, uint256 value, bytes memory data) internal returns (uint256 id) {
        id = ARB_SYS.sendTxToL1{value: value}(to, data);
        emit TxToL1(msg.sender, to, id, data);
    }
}
