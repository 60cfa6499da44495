// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IL1MigrationGateway
/// @notice The part of the L1 LPT gateway (Arbitrum gateway standard) the L1Migrator uses.
interface IL1MigrationGateway {
    /// @notice Escrows `_amount` of `_l1Token` from the caller and sends one retryable that mints it to `_to` on L2
    ///         (then calls its `onLPTBridged` hook when the callHookData in `_data` is non-empty). Excess L2 fees go
    ///         to `_refundTo`. `_data = abi.encode(uint256 maxSubmissionCost, bytes callHookData)`;
    ///         `msg.value` must be `maxSubmissionCost + _maxGas * _gasPriceBid`.
    /// @return The gateway's encoding of the retryable's sequence number.
    function outboundTransferCustomRefund(
        address _l1Token,
        address _refundTo,
        address _to,
        uint256 _amount,
        uint256 _maxGas,
        uint256 _gasPriceBid,
        bytes calldata _data
    ) external payable returns (bytes memory);
}
