// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRoutedGateway} from "./interfaces/IRoutedGateway.sol";

/// @title TestLPTRouter
/// @notice Test double of an Arbitrum gateway router: forwards a transfer to a gateway with the data wrapped as
///         `abi.encode(msg.sender, data)`, the way the L1 and L2 gateway routers call gateways.
contract TestLPTRouter {
    /// @notice A transfer was routed; `result` is what the gateway returned.
    event Routed(address indexed gateway, address indexed from, bytes result);

    /// @notice Routes the caller's transfer through `gateway`, forwarding `msg.value`.
    /// @return result The gateway's return data.
    function outboundTransfer(
        IRoutedGateway gateway,
        address l1Token,
        address to,
        uint256 amount,
        uint256 maxGas,
        uint256 gasPriceBid,
        bytes calldata data
    ) external payable returns (bytes memory result) {
        result = gateway.outboundTransfer{value: msg.value}(
            l1Token, to, amount, maxGas, gasPriceBid, abi.encode(msg.sender, data)
        );
        emit Routed(address(gateway), msg.sender, result);
    }

    /// @notice Routes the caller's deposit through `gateway` with a custom refund address, as the L1 router does.
    /// @return result The gateway's return data.
    function outboundTransferCustomRefund(
        IRoutedGateway gateway,
        address l1Token,
        address refundTo,
        address to,
        uint256 amount,
        uint256 maxGas,
        uint256 gasPriceBid,
        bytes calldata data
    ) external payable returns (bytes memory result) {
        result = gateway.outboundTransferCustomRefund{value: msg.value}(
            l1Token, refundTo, to, amount, maxGas, gasPriceBid, abi.encode(msg.sender, data)
        );
        emit Routed(address(gateway), msg.sender, result);
    }

    /// @notice Forwards unchanged to the gateway, as the routers' `getOutboundCalldata` does.
    function getOutboundCalldata(
        IRoutedGateway gateway,
        address token,
        address from,
        address to,
        uint256 amount,
        bytes calldata data
    ) external view returns (bytes memory) {
        return gateway.getOutboundCalldata(token, from, to, amount, data);
    }
}
