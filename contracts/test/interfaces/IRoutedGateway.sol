// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What Arbitrum's gateway routers call on a gateway (`outboundTransferCustomRefund`: the L1 router only).
interface IRoutedGateway {
    function outboundTransfer(
        address l1Token,
        address to,
        uint256 amount,
        uint256 maxGas,
        uint256 gasPriceBid,
        bytes calldata data
    ) external payable returns (bytes memory);

    function outboundTransferCustomRefund(
        address l1Token,
        address refundTo,
        address to,
        uint256 amount,
        uint256 maxGas,
        uint256 gasPriceBid,
        bytes calldata data
    ) external payable returns (bytes memory);

    function getOutboundCalldata(address token, address from, address to, uint256 amount, bytes calldata data)
        external
        view
        returns (bytes memory);
}
