// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
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
///      A ticket that fails on L2 can be redeemed by anyone, and a newer report supersedes it; the L2 Minter ignores a
///      report that arrives too long after its L1 timestamp. So that a caller cannot make its own report's ticket
///      fail on purpose (to redeem it later, once the L1 figure it carries has gone stale), a report must pay for at
///      least `MIN_L2_GAS` of L2 gas at a bid of at least `minGasPriceBid`: what the L2 call does not use is
///      refunded on L2 to the caller.
contract L1SupplyReporter is L1ArbitrumMessenger, Ownable2Step {
    /// @notice Lowest L2 gas limit of a report. A report's L2 transaction (`L2Minter.receiveL1Supply`, with the
    ///         intrinsic gas and calldata) measures about 145,000 gas for the first report (five storage slots
    ///         written from zero) and about 54,000 later; 250,000 leaves more than 70 % headroom for gas repricing.
    uint256 public constant MIN_L2_GAS = 250_000;
    /// @notice Bounds of `minGasPriceBid`: Arbitrum One's minimum L2 base fee (0.01 gwei), below which no ticket
    ///         auto-redeems, and 100 gwei, far above any L2 base fee seen, so that the governor cannot price
    ///         reports out.
    uint256 public constant MIN_GAS_PRICE_BID_FLOOR = 0.01 gwei;
    uint256 public constant MIN_GAS_PRICE_BID_CEILING = 100 gwei;
    /// @notice Default `minGasPriceBid`: ten times the L2 minimum base fee, above the base fee of most congested
    ///         periods; a report costs a few cents more locked ETH, refunded on L2.
    uint256 public constant DEFAULT_MIN_GAS_PRICE_BID = 0.1 gwei;

    /// @notice L1 LPT.
    IERC20 public immutable token;
    /// @notice The bridge escrow, whose balance is not circulating on L1.
    address public immutable escrow;
    /// @notice The L2 Minter.
    address public immutable l2Minter;
    /// @notice Sequence number of the last report sent (0: none).
    uint256 public reportCount;
    /// @notice Lowest L2 gas price bid of a report.
    uint256 public minGasPriceBid;

    /// @notice Report `sequence` of L1 circulating supply `circulatingSupply` was sent in retryable `seqNum`.
    event SupplyReported(uint256 indexed sequence, uint256 indexed seqNum, uint256 circulatingSupply);

    /// @notice Reports now need an L2 gas price bid of at least `minGasPriceBid`.
    event MinGasPriceBidSet(uint256 minGasPriceBid);

    /// @notice A report's L2 gas limit `maxGas` is below `minimum`: its ticket might not auto-redeem.
    error GasLimitTooLow(uint256 maxGas, uint256 minimum);
    /// @notice A report's L2 gas price bid `gasPriceBid` is below `minimum`: its ticket might not auto-redeem.
    error GasPriceBidTooLow(uint256 gasPriceBid, uint256 minimum);
    /// @notice `minGasPriceBid` outside [MIN_GAS_PRICE_BID_FLOOR, MIN_GAS_PRICE_BID_CEILING].
    error InvalidMinGasPriceBid(uint256 minGasPriceBid);
    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice `msg.value` is not exactly `maxSubmissionCost + maxGas * gasPriceBid`.
    error WrongValue(uint256 expected, uint256 actual);

    /// @param owner_ The governor (sets `minGasPriceBid`).
    /// @param inbox_ The Arbitrum delayed Inbox.
    /// @param token_ L1 LPT.
    /// @param escrow_ The bridge escrow.
    /// @param l2Minter_ The L2 Minter.
    constructor(address owner_, IInbox inbox_, IERC20 token_, address escrow_, address l2Minter_)
        L1ArbitrumMessenger(inbox_)
        Ownable(owner_)
    {
        if (address(token_) == address(0) || escrow_ == address(0) || l2Minter_ == address(0)) revert ZeroAddress();
        token = token_;
        escrow = escrow_;
        l2Minter = l2Minter_;
        _setMinGasPriceBid(DEFAULT_MIN_GAS_PRICE_BID);
    }

    /// @notice Sets the lowest L2 gas price bid of a report (governor only), within
    ///         [MIN_GAS_PRICE_BID_FLOOR, MIN_GAS_PRICE_BID_CEILING]: high enough that a report's ticket auto-redeems
    ///         through the L2 base fee's usual rises, low enough that reporting stays open to anyone.
    /// @param minGasPriceBid_ Wei per L2 gas.
    function setMinGasPriceBid(uint256 minGasPriceBid_) external onlyOwner {
        _setMinGasPriceBid(minGasPriceBid_);
    }

    /// @notice L1 total supply minus the escrow.
    function circulatingSupply() public view returns (uint256) {
        return token.totalSupply() - token.balanceOf(escrow);
    }

    /// @notice Sends the current L1 circulating supply to the L2 Minter; excess fees are refunded on L2 to the
    ///         caller. `msg.value` must be exactly `maxSubmissionCost + maxGas * gasPriceBid`.
    /// @param maxSubmissionCost Submission fee cap of the retryable.
    /// @param maxGas L2 gas limit, at least `MIN_L2_GAS`.
    /// @param gasPriceBid L2 max fee per gas, at least `minGasPriceBid`.
    /// @return sequence The report's sequence number.
    function reportSupply(uint256 maxSubmissionCost, uint256 maxGas, uint256 gasPriceBid)
        external
        payable
        returns (uint256 sequence)
    {
        if (maxGas < MIN_L2_GAS) revert GasLimitTooLow(maxGas, MIN_L2_GAS);
        uint256 minBid = minGasPriceBid;
        if (gasPriceBid < minBid) revert GasPriceBidTooLow(gasPriceBid, minBid);
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

    function _setMinGasPriceBid(uint256 minGasPriceBid_) private {
        if (minGasPriceBid_ < MIN_GAS_PRICE_BID_FLOOR || minGasPriceBid_ > MIN_GAS_PRICE_BID_CEILING) {
            revert InvalidMinGasPriceBid(minGasPriceBid_);
        }
        minGasPriceBid = minGasPriceBid_;
        emit MinGasPriceBidSet(minGasPriceBid_);
    }

    /// @dev The reporter accepts no messages from L2: no L2 sender passes the counterpart check.
    function _l2Counterpart() internal pure override returns (address) {
        return address(0);
    }
}
