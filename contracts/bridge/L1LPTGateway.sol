// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IInbox} from "../arbitrum/IInbox.sol";
import {L1ArbitrumMessenger} from "../arbitrum/L1ArbitrumMessenger.sol";
import {IL1LPTGateway} from "./IL1LPTGateway.sol";
import {IL2LPTGateway} from "./IL2LPTGateway.sol";
import {IMintingDelegator} from "./IMintingDelegator.sol";
import {L1Escrow} from "./L1Escrow.sol";
import {LPTGatewayBase} from "./LPTGatewayBase.sol";

/// @title L1LPTGateway
/// @notice Moves LPT between Ethereum and Arbitrum. A deposit pulls LPT from the sender into the escrow and sends one
///         retryable ticket that mints as much L2 LPT (and optionally calls the receiver) on L2. A withdrawal,
///         proven through the Outbox from the L2 gateway, pays out of the escrow and mints whatever the escrow lacks
///         (L2 inflation) through the L1 Minter, whose minting delegate this gateway is.
/// @dev Tickets name this gateway as the call-value refund address (beneficiary): its L2 alias never cancels, so a
///      ticket can only be redeemed or expire, never be canceled by a third party. Pausing (governor) stops
///      deposits and withdrawal payouts; a withdrawal that reverts while paused stays executable in the Outbox.
contract L1LPTGateway is LPTGatewayBase, L1ArbitrumMessenger, IL1LPTGateway {
    using SafeERC20 for IERC20;

    /// @notice The escrow holding deposited LPT.
    L1Escrow public immutable escrow;
    /// @notice The L1 Minter that mints withdrawal shortfalls.
    IMintingDelegator public immutable minter;

    /// @notice LPT deposited into the escrow through this gateway, in total.
    uint256 public totalDeposited;
    /// @notice LPT paid out of the escrow for withdrawals, in total.
    uint256 public totalReleased;
    /// @notice LPT minted on L1 for withdrawals the escrow could not cover, in total.
    uint256 public totalMinted;
    /// @notice Whether the withdrawal with this exit number was paid out.
    mapping(uint256 exitNum => bool) public isWithdrawalFinalized;

    /// @notice Withdrawal `exitNum` to `to` needed `amount` LPT more than the escrow held: minted on L1.
    event ShortfallMinted(uint256 indexed exitNum, address indexed to, uint256 amount);

    /// @notice `msg.value` is not exactly `maxSubmissionCost + maxGas * gasPriceBid`.
    error WrongValue(uint256 expected, uint256 actual);
    /// @notice Withdrawal `exitNum` was paid out before.
    error WithdrawalAlreadyFinalized(uint256 exitNum);

    /// @param owner_ The governor.
    /// @param inbox_ The Arbitrum delayed Inbox.
    /// @param l1Token_ L1 LPT.
    /// @param l2Token_ L2 LPT.
    /// @param escrow_ The escrow (its gateway must be set to this contract).
    /// @param minter_ The L1 Minter (this contract must be its minting delegate).
    constructor(
        address owner_,
        IInbox inbox_,
        address l1Token_,
        address l2Token_,
        L1Escrow escrow_,
        IMintingDelegator minter_
    ) Ownable(owner_) LPTGatewayBase(l1Token_, l2Token_) L1ArbitrumMessenger(inbox_) {
        if (address(escrow_) == address(0) || address(minter_) == address(0)) revert ZeroAddress();
        escrow = escrow_;
        minter = minter_;
    }

    /// @inheritdoc IL1LPTGateway
    function outboundTransfer(
        address _l1Token,
        address _to,
        uint256 _amount,
        uint256 _maxGas,
        uint256 _gasPriceBid,
        bytes calldata _data
    ) external payable returns (bytes memory) {
        return _outbound(_l1Token, _to, _to, _amount, L2GasParams(0, _maxGas, _gasPriceBid), _data);
    }

    /// @inheritdoc IL1LPTGateway
    function outboundTransferCustomRefund(
        address _l1Token,
        address _refundTo,
        address _to,
        uint256 _amount,
        uint256 _maxGas,
        uint256 _gasPriceBid,
        bytes calldata _data
    ) external payable returns (bytes memory) {
        return _outbound(_l1Token, _refundTo, _to, _amount, L2GasParams(0, _maxGas, _gasPriceBid), _data);
    }

    /// @inheritdoc IL1LPTGateway
    /// @dev Only the L2 gateway through the Outbox, each exit number once. Pays out of the escrow; what the escrow
    ///      lacks is minted to `_to` through the L1 Minter.
    function finalizeInboundTransfer(address _token, address _from, address _to, uint256 _amount, bytes calldata _data)
        external
        payable
        onlyL2Counterpart
        whenNotPaused
    {
        if (_token != l1Token) revert WrongToken(_token);
        (uint256 exitNum,) = abi.decode(_data, (uint256, bytes));
        if (isWithdrawalFinalized[exitNum]) revert WithdrawalAlreadyFinalized(exitNum);
        isWithdrawalFinalized[exitNum] = true;

        uint256 escrowed = IERC20(l1Token).balanceOf(address(escrow));
        uint256 released = _amount < escrowed ? _amount : escrowed;
        uint256 shortfall = _amount - released;
        totalReleased += released;
        totalMinted += shortfall;
        emit WithdrawalFinalized(_token, _from, _to, exitNum, _amount);
        if (released > 0) escrow.release(_to, released);
        if (shortfall > 0) {
            emit ShortfallMinted(exitNum, _to, shortfall);
            minter.mint(_to, shortfall);
        }
    }

    function _outbound(
        address token,
        address refundTo,
        address to,
        uint256 amount,
        L2GasParams memory gas,
        bytes calldata data
    ) private whenNotPaused returns (bytes memory) {
        address counterpart = _checkOutbound(token, to, amount);
        if (refundTo == address(0)) revert ZeroAddress();
        (address from, bytes memory callHookData) = _parseDeposit(gas, data);
        totalDeposited += amount;
        IERC20(token).safeTransferFrom(from, address(escrow), amount);
        bytes memory message = getOutboundCalldata(l1Token, from, to, amount, callHookData);
        uint256 seqNum = _sendTxToL2(counterpart, refundTo, address(this), 0, gas, message);
        emit DepositInitiated(l1Token, from, to, seqNum, amount);
        return abi.encode(seqNum);
    }

    /// @dev The depositor and call-hook data of `data`; fills in the submission cost and checks `msg.value`.
    function _parseDeposit(L2GasParams memory gas, bytes calldata data)
        private
        view
        returns (address from, bytes memory callHookData)
    {
        bytes memory inner;
        (from, inner) = _senderAndData(data);
        (gas.maxSubmissionCost, callHookData) = abi.decode(inner, (uint256, bytes));
        uint256 expected = gas.maxSubmissionCost + gas.gasLimit * gas.maxFeePerGas;
        if (msg.value != expected) revert WrongValue(expected, msg.value);
    }

    /// @inheritdoc IL1LPTGateway
    /// @dev The deposit's retryable carries exactly these bytes as its L2 calldata: `_data` is the call-hook data
    ///      (not the `abi.encode(maxSubmissionCost, callHookData)` of `outboundTransfer`), wrapped with empty
    ///      gateway data as Arbitrum's gateways do.
    function getOutboundCalldata(address _token, address _from, address _to, uint256 _amount, bytes memory _data)
        public
        pure
        returns (bytes memory)
    {
        return abi.encodeCall(
            IL2LPTGateway.finalizeInboundTransfer, (_token, _from, _to, _amount, abi.encode(bytes(""), _data))
        );
    }

    /// @notice The L2 gateway (the name Livepeer's own L1 gateway gives `counterpartGateway`).
    function l2Counterpart() external view returns (address) {
        return counterpartGateway;
    }

    /// @notice ERC-165: this gateway supports ERC-165 itself and `outboundTransferCustomRefund`, whose selector is
    ///         the interface id Arbitrum's L1 gateways register for it.
    /// @param interfaceId An ERC-165 interface id.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId
            || interfaceId == IL1LPTGateway.outboundTransferCustomRefund.selector;
    }

    /// @inheritdoc LPTGatewayBase
    /// @dev Also the escrow (its L1 LPT backs nobody's L2 LPT), the L1Migrator (no code on L2) and the L2Migrator
    ///      (it takes LPT only from the L1Migrator's own retryables, never from a deposit).
    function isRefusedRecipient(address to) public view override returns (bool) {
        return to == address(escrow) || to == l1Migrator || to == l2Migrator || super.isRefusedRecipient(to);
    }

    function _l2Counterpart() internal view override returns (address) {
        return counterpartGateway;
    }
}
