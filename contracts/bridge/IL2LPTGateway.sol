// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IL2LPTGateway
/// @notice The L2 LPT gateway in Arbitrum's gateway standard.
interface IL2LPTGateway {
    /// @notice A deposit of `_amount` from `_from` on L1 was minted to `_to`.
    event DepositFinalized(address indexed l1Token, address indexed _from, address indexed _to, uint256 _amount);
    /// @notice `_from` burned `_amount` for `_to` on L1: L2 -> L1 message `_l2ToL1Id`, withdrawal `_exitNum`.
    event WithdrawalInitiated(
        address l1Token,
        address indexed _from,
        address indexed _to,
        uint256 indexed _l2ToL1Id,
        uint256 _exitNum,
        uint256 _amount
    );

    /// @notice Mints a deposit from L1 (the L1 gateway's retryable only).
    /// @param _data `abi.encode(bytes gatewayData, bytes callHookData)`.
    function finalizeInboundTransfer(address _token, address _from, address _to, uint256 _amount, bytes calldata _data)
        external
        payable;

    /// @notice Withdraws `_amount` to `_to` on L1, burning the sender's L2 LPT (needs an allowance to the gateway).
    /// @return `abi.encode(uint256 l2ToL1Id)`.
    function outboundTransfer(address _l1Token, address _to, uint256 _amount, bytes calldata _data)
        external
        payable
        returns (bytes memory);

    /// @notice The router's form of `outboundTransfer`; `_maxGas` and `_gasPriceBid` are unused on L2.
    function outboundTransfer(
        address _l1Token,
        address _to,
        uint256 _amount,
        uint256 _maxGas,
        uint256 _gasPriceBid,
        bytes calldata _data
    ) external payable returns (bytes memory);

    /// @notice The L1 calldata of the L2 -> L1 message the next withdrawal with these arguments sends (Arbitrum's
    ///         `ITokenGateway.getOutboundCalldata`; the L2 gateway router forwards to it).
    /// @param _token L1 LPT.
    /// @param _from The withdrawer.
    /// @param _to The L1 recipient.
    /// @param _amount Amount in wei.
    /// @param _data The extra data (withdrawals take none).
    /// @return `L1LPTGateway.finalizeInboundTransfer(_token, _from, _to, _amount, abi.encode(exitNum, _data))`.
    function getOutboundCalldata(address _token, address _from, address _to, uint256 _amount, bytes memory _data)
        external
        view
        returns (bytes memory);
}
