// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The 6-argument `outboundTransfer` both LPT gateways implement.
interface IRoutedGateway {
    function outboundTransfer(
        address l1Token,
        address to,
        uint256 amount,
        uint256 maxGas,
        uint256 gasPriceBid,
        bytes calldata data
    ) external payable returns (bytes memory);
}

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
}
