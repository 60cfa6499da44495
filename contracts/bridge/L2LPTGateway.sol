// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {L2ArbitrumMessenger} from "../arbitrum/L2ArbitrumMessenger.sol";
import {L2LivepeerToken} from "../l2/L2LivepeerToken.sol";
import {IL1LPTGateway} from "./IL1LPTGateway.sol";
import {IL2LPTGateway} from "./IL2LPTGateway.sol";
import {IL2LPTReceiver} from "./IL2LPTReceiver.sol";
import {IMintingDelegator} from "./IMintingDelegator.sol";
import {LPTGatewayBase} from "./LPTGatewayBase.sol";

/// @title L2LPTGateway
/// @notice The Arbitrum end of the LPT bridge. A deposit from the L1 gateway mints L2 LPT through the L2 Minter
///         (whose minting delegate this gateway is) and, when it carries call-hook data, calls the receiver's
///         `onLPTBridged` in the same transaction. A withdrawal burns the sender's L2 LPT (with the allowance the
///         sender gave this gateway) and sends one L2 -> L1 message to the L1 gateway.
/// @dev Pausing (governor) stops withdrawals only: deposits keep finalizing, so no ticket is left to expire.
contract L2LPTGateway is LPTGatewayBase, L2ArbitrumMessenger, IL2LPTGateway {
    /// @notice The L2 Minter.
    IMintingDelegator public immutable minter;
    /// @notice The L1 escrow: a withdrawal to it would pay the escrow to itself, backing nobody.
    address public immutable l1Escrow;

    /// @notice Number of withdrawals initiated; the next withdrawal's exit number.
    uint256 public exitNum;
    /// @notice L2 LPT minted for deposits, in total.
    uint256 public totalMinted;
    /// @notice L2 LPT burned for withdrawals, in total.
    uint256 public totalBurned;

    /// @notice ETH sent with a call that takes none.
    error NoValue(uint256 value);
    /// @notice Withdrawals carry no extra data.
    error ExtraDataNotAllowed();

    /// @param owner_ The governor.
    /// @param l1Token_ L1 LPT.
    /// @param l2Token_ L2 LPT (this contract must be its gateway).
    /// @param minter_ The L2 Minter (this contract must be its minting delegate).
    /// @param l1Escrow_ The L1 escrow of the L1 gateway.
    constructor(address owner_, address l1Token_, address l2Token_, IMintingDelegator minter_, address l1Escrow_)
        Ownable(owner_)
        LPTGatewayBase(l1Token_, l2Token_)
    {
        if (address(minter_) == address(0) || l1Escrow_ == address(0)) revert ZeroAddress();
        minter = minter_;
        l1Escrow = l1Escrow_;
    }

    /// @inheritdoc IL2LPTGateway
    /// @dev Only the L1 gateway's retryable. A revert of the receiver's hook reverts the mint with it.
    function finalizeInboundTransfer(address _token, address _from, address _to, uint256 _amount, bytes calldata _data)
        external
        payable
        onlyL1Counterpart
    {
        if (_token != l1Token) revert WrongToken(_token);
        if (msg.value != 0) revert NoValue(msg.value);
        (, bytes memory callHookData) = abi.decode(_data, (bytes, bytes));
        totalMinted += _amount;
        emit DepositFinalized(_token, _from, _to, _amount);
        minter.mint(_to, _amount);
        if (callHookData.length > 0) IL2LPTReceiver(_to).onLPTBridged(_from, _amount, callHookData);
    }

    /// @inheritdoc IL2LPTGateway
    function outboundTransfer(address _l1Token, address _to, uint256 _amount, bytes calldata _data)
        external
        payable
        returns (bytes memory)
    {
        return _outbound(_l1Token, _to, _amount, _data);
    }

    /// @inheritdoc IL2LPTGateway
    function outboundTransfer(address _l1Token, address _to, uint256 _amount, uint256, uint256, bytes calldata _data)
        external
        payable
        returns (bytes memory)
    {
        return _outbound(_l1Token, _to, _amount, _data);
    }

    function _outbound(address token, address to, uint256 amount, bytes calldata data)
        private
        whenNotPaused
        returns (bytes memory)
    {
        if (msg.value != 0) revert NoValue(msg.value);
        address counterpart = _checkOutbound(token, to, amount);
        (address from, bytes memory extra) = _senderAndData(data);
        if (extra.length > 0) revert ExtraDataNotAllowed();

        // the message carries the current exit number, so it is built before the count moves on
        bytes memory message = getOutboundCalldata(token, from, to, amount, extra);
        uint256 exit = exitNum++;
        totalBurned += amount;
        L2LivepeerToken(l2Token).burnFrom(from, amount);
        uint256 id = _sendTxToL1(counterpart, 0, message);
        emit WithdrawalInitiated(token, from, to, id, exit, amount);
        return abi.encode(id);
    }

    /// @inheritdoc IL2LPTGateway
    /// @dev The next withdrawal's L2 -> L1 message carries exactly these bytes: they name the current `exitNum`,
    ///      so the answer changes after every withdrawal, as with Arbitrum's L2 gateways.
    function getOutboundCalldata(address _token, address _from, address _to, uint256 _amount, bytes memory _data)
        public
        view
        returns (bytes memory)
    {
        return abi.encodeCall(
            IL1LPTGateway.finalizeInboundTransfer, (_token, _from, _to, _amount, abi.encode(exitNum, _data))
        );
    }

    /// @notice The L1 gateway (the name Livepeer's own L2 gateway gives `counterpartGateway`).
    function l1Counterpart() external view returns (address) {
        return counterpartGateway;
    }

    /// @inheritdoc LPTGatewayBase
    /// @dev Also the L1 escrow (paying it to itself backs nobody), the L1Migrator (it keeps stray L1 LPT) and the
    ///      L2Migrator (no code on L1).
    function isRefusedRecipient(address to) public view override returns (bool) {
        return to == l1Escrow || to == l1Migrator || to == l2Migrator || super.isRefusedRecipient(to);
    }

    function _l1Counterpart() internal view override returns (address) {
        return counterpartGateway;
    }
}
