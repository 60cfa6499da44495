// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbRetryableTx} from "../arbitrum/IArbRetryableTx.sol";

/// @title Test L2 target that tries to redeem a ticket while a retry is running
contract TestReentrantRedeemer {
    /// @notice Redeem `ticketId` through the ArbRetryableTx precompile (reverts inside a retry).
    /// @param ticketId the ticket to redeem
    function redeemDuringRetry(bytes32 ticketId) external payable {
        IArbRetryableTx(address(0x6E)).redeem(ticketId);
    }
}
