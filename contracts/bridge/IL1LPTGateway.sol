// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IL1LPTGateway
/// @notice The L1 LPT gateway in Arbitrum's gateway standard.
interface IL1LPTGateway {
    /// @notice `_from` deposited `_amount` of `l1Token` for `_to` on L2; `_sequenceNumber` is the retryable's id.
    event DepositInitiated(
        address l1Token, address indexed _from, address indexed _to, uint256 indexed _sequenceNumber, uint256 _amount
    );
    /// @notice Withdrawal `_exitNum` of `_amount` from `_from` on L2 to `_to` was paid out on L1.
    event WithdrawalFinalized(
        address l1Token, address indexed _from, address indexed _to, uint256 indexed _exitNum, uint256 _amount
    );

    /// @notice Deposits `_amount` of `_l1Token` for `_to` on L2; excess L2 fees are refunded to `_to`.
    /// @param _data `abi.encode(uint256 maxSubmissionCost, bytes callHookData)`.
    /// @return `abi.encode(uint256 sequenceNumber)`.
    function outboundTransfer(
        address _l1Token,
        address _to,
        uint256 _amount,
        uint256 _maxGas,
        uint256 _gasPriceBid,
        bytes calldata _data
    ) external payable returns (bytes memory);

    /// @notice Like `outboundTransfer`, with excess L2 fees refunded to `_refundTo`.
    function outboundTransferCustomRefund(
        address _l1Token,
        address _refundTo,
        address _to,
        uint256 _amount,
        uint256 _maxGas,
        uint256 _gasPriceBid,
        bytes calldata _data
    ) external payable returns (bytes memory);

    /// @notice Pays out a withdrawal from L2 (the L2 gateway, through the Outbox, only).
    /// @param _data `abi.encode(uint256 exitNum, bytes extraData)`.
    function finalizeInboundTransfer(address _token, address _from, address _to, uint256 _amount, bytes calldata _data)
        external
        payable;

    /// @notice The L2 calldata of the retryable a deposit with these arguments sends (Arbitrum's
    ///         `ITokenGateway.getOutboundCalldata`; the L1 gateway router forwards to it).
    /// @param _token L1 LPT.
    /// @param _from The depositor.
    /// @param _to The L2 recipient.
    /// @param _amount Amount in wei.
    /// @param _data The call-hook data.
    /// @return `L2LPTGateway.finalizeInboundTransfer(_token, _from, _to, _amount, abi.encode(bytes(""), _data))`.
    function getOutboundCalldata(address _token, address _from, address _to, uint256 _amount, bytes memory _data)
        external
        view
        returns (bytes memory);
}
