// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IInbox} from "../arbitrum/IInbox.sol";
import {L1ArbitrumMessenger} from "../arbitrum/L1ArbitrumMessenger.sol";
import {IL1SupplyReceiver} from "./IL1SupplyReceiver.sol";

/// @title L1SupplyReporter
/// @notice Reports the L1 circulating LPT supply (total supply minus the bridge escrow) to the L2 Minter, whose
///         inflation applies to the global supply. Anyone may send a report and pays its retryable ticket; the
///         figure is read on-chain, and each report carries a strictly increasing sequence number with its L1 block
///         number and timestamp, so a late or replayed ticket cannot overwrite a newer report on L2.
/// @dev Tickets name this contract as the call-value refund address (beneficiary): its L2 alias never cancels.
///      A ticket that fails on L2 can be redeemed by anyone, and a newer report supersedes it.
contract L1SupplyReporter is L1ArbitrumMessenger {
    /// @notice L1 LPT.
    IERC20 public immutable token;
    /// @notice The bridge escrow, whose balance is not circulating on L1.
    address public immutable escrow;
    /// @notice The L2 Minter.
    address public immutable l2Minter;
    /// @notice Sequence number of the last report sent (0: none).
    uint256 public reportCount;

    /// @notice Report `sequence` of L1 circulating supply `circulatingSupply` was sent in retryable `seqNum`.
    event SupplyReported(uint256 indexed sequence, uint256 indexed seqNum, uint256 circulatingSupply);

    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice `msg.value` is not exactly `maxSubmissionCost + maxGas * gasPriceBid`.
    error WrongValue(uint256 expected, uint256 actual);

    /// @param inbox_ The Arbitrum delayed Inbox.
    /// @param token_ L1 LPT.
    /// @param escrow_ The bridge escrow.
    /// @param l2Minter_ The L2 Minter.
    constructor(IInbox inbox_, IERC20 token_, address escrow_, address l2Minter_) L1ArbitrumMessenger(inbox_) {
        if (address(token_) == address(0) || escrow_ == address(0) || l2Minter_ == address(0)) revert ZeroAddress();
        token = token_;
        escrow = escrow_;
        l2Minter = l2Minter_;
    }

    /// @notice L1 total supply minus the escrow.
    function circulatingSupply() public view returns (uint256) {
        return token.totalSupply() - token.balanceOf(escrow);
    }

    /// @notice Sends the current L1 circulating supply to the L2 Minter; excess fees are refunded on L2 to the
    ///         caller. `msg.value` must be exactly `maxSubmissionCost + maxGas * gasPriceBid`.
    /// @param maxSubmissionCost Submission fee cap of the retryable.
    /// @param maxGas L2 gas limit.
    /// @param gasPriceBid L2 max fee per gas.
    /// @return sequence The report's sequence number.
    function reportSupply(uint256 maxSubmissionCost, uint256 maxGas, uint256 gasPriceBid)
        external
        payable
        returns (uint256 sequence)
    {
        uint256 expected = maxSubmissionCost + maxGas * gasPriceBid;
        if (msg.value != expected) revert WrongValue(expected, msg.value);
        sequence = ++reportCount;
        uint256 supply = circulatingSupply();
        bytes memory message = abi.encodeCall(
            IL1SupplyReceiver.receiveL1Supply, (sequence, supply, block.number, block.timestamp)
        );
        uint256 seqNum = _sendTxToL2(
            l2Minter, msg.sender, address(this), 0, L2GasParams(maxSubmissionCost, maxGas, gasPriceBid), message
        );
        emit SupplyReported(sequence, seqNum, supply);
    }

    /// @dev The reporter accepts no messages from L2: no L2 sender passes the counterpart check.
    function _l2Counterpart() internal pure override returns (address) {
        return address(0);
    }
}
