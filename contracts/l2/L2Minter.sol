// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2ArbitrumMessenger} from "../arbitrum/L2ArbitrumMessenger.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";
import {Minter} from "../protocol/Minter.sol";
import {IL1SupplyReceiver} from "../bridge/IL1SupplyReceiver.sol";

/// @title L2Minter
/// @notice The protocol Minter on Arbitrum: the only minter of L2 LPT. Its minting delegates are the L2 LPT gateway
///         (bridged deposits, through `mint`), the L2Migrator (migrated stake, through `mint`) and the L2
///         BondingManager (inflation rewards, through `createReward`).
///         Inflation applies to the GLOBAL supply as of the last accepted report of the L1 supply reporter: the
///         L1 circulating supply it reported (L1 total supply minus the bridge escrow) plus the L2 supply when it
///         was accepted. Before the first report, inflation applies to the L2 supply alone.
/// @dev Reports arrive as retryable tickets from the L1 supply reporter. A report is ignored with an event rather
///      than reverted (so its ticket finalizes without touching the supply figure) when its sequence number is not
///      above the last accepted one (a replay, or an older report redeemed after a newer one) or when it is older
///      than `maxReportAge` by L2 time (Arbitrum's L2 block timestamp follows L1 time).
///
///      Why the L2 supply is read when a report is accepted and not when a round starts: LPT deposited on L1
///      after the report was taken is in the reported L1 figure AND, once minted, in the L2 supply. Adding the live
///      L2 supply to the reported figure counts every such deposit twice, more the older the report; adding the L2
///      supply of the acceptance moment counts twice only what was deposited between the report's L1 block and its
///      acceptance, which the age limit bounds and which is normally nothing (the report's ticket is created, and
///      auto-redeemed, before the tickets of deposits sent after it).
///
///      Without a fresh report (a keeper stops, a report's ticket fails) the figure of the last accepted report stays
///      in use. Deposits, withdrawals and late redeems cannot move it, so nobody can skew inflation while reports are
///      missing; it misses only the LPT minted since (L2 rewards, L1 withdrawal shortfalls), which makes it an
///      undercount: rounds mint slightly less, never more. Falling back to the live L2 supply plus the old figure
///      would bring back the double count; falling back to the L2 supply alone would cut inflation and steer the
///      inflation rate the wrong way for as long as an outage lasts. Anyone can send a fresh report on L1.
contract L2Minter is Minter, L2ArbitrumMessenger, IL1SupplyReceiver {
    /// @notice The L1 contract whose reports are accepted (through its L2 alias).
    address public l1SupplyReporter;
    /// @notice L1 total supply minus the escrow, as last reported.
    uint256 public l1CirculatingSupply;
    /// @notice Sequence number of the last accepted report (0: none yet).
    uint256 public lastReportSequence;
    /// @notice L1 block number of the last accepted report.
    uint256 public lastReportL1Block;
    /// @notice L1 timestamp of the last accepted report (0: none yet).
    uint256 public lastReportL1Timestamp;
    /// @notice L2 LPT supply when the last report was accepted.
    uint256 public l2SupplyAtLastReport;
    /// @notice Oldest a report may be, in seconds of L2 time since its L1 timestamp, to be accepted.
    uint256 public maxReportAge;

    /// @notice Default `maxReportAge`: six hours. Far longer than a report's ticket takes to auto-redeem (minutes),
    ///         short enough that a report whose ticket failed cannot be redeemed days later.
    uint256 public constant DEFAULT_MAX_REPORT_AGE = 6 hours;
    /// @notice Lowest `maxReportAge`: Arbitrum lets an L2 block's timestamp run up to one hour ahead of L1 time,
    ///         and the delayed inbox normally delivers within minutes; two hours leaves room for both.
    uint256 public constant MIN_MAX_REPORT_AGE = 2 hours;
    /// @notice Highest `maxReportAge`: the lifetime of a retryable ticket.
    uint256 public constant MAX_MAX_REPORT_AGE = 7 days;

    /// @notice The L1 supply reporter is now `reporter`.
    event L1SupplyReporterSet(address indexed reporter);
    /// @notice Report `sequence` set the L1 circulating supply to `circulatingSupply` (as of L1 block `l1Block`).
    event L1SupplyReported(uint256 indexed sequence, uint256 circulatingSupply, uint256 l1Block, uint256 l1Timestamp);
    /// @notice Report `sequence` was ignored: it is not newer than the accepted report `lastSequence`.
    event StaleL1SupplyReportIgnored(uint256 indexed sequence, uint256 lastSequence);
    /// @notice Report `sequence` was ignored: taken at L1 time `l1Timestamp`, it arrived `age` seconds later,
    ///         more than `maxAge`.
    event LateL1SupplyReportIgnored(uint256 indexed sequence, uint256 l1Timestamp, uint256 age, uint256 maxAge);
    /// @notice Reports older than `maxReportAge` seconds are now ignored.
    event MaxReportAgeSet(uint256 maxReportAge);

    /// @notice `maxReportAge` is outside [MIN_MAX_REPORT_AGE, MAX_MAX_REPORT_AGE].
    error InvalidMaxReportAge(uint256 maxReportAge);

    /// @param owner_ The governor.
    /// @param token_ L2 LPT.
    /// @param roundsManager_ The L2 round clock.
    /// @param inflation_ Initial inflation per round (precision 1e9).
    /// @param inflationChange_ Inflation step per round (precision 1e9).
    /// @param targetBondingRate_ Target bonded share of the global supply (precision 1e9).
    constructor(
        address owner_,
        ILivepeerToken token_,
        IRoundsManager roundsManager_,
        uint256 inflation_,
        uint256 inflationChange_,
        uint256 targetBondingRate_
    ) Minter(owner_, token_, roundsManager_, inflation_, inflationChange_, targetBondingRate_) {
        _setMaxReportAge(DEFAULT_MAX_REPORT_AGE);
    }

    /// @notice Sets the L1 contract whose supply reports are accepted (governor only). A new reporter numbers its
    ///         reports from 1, so the sequence restarts; the last reported supply stays until its first report.
    /// @param reporter The L1SupplyReporter on L1.
    function setL1SupplyReporter(address reporter) external onlyOwner {
        if (reporter == address(0)) revert ZeroAddress();
        l1SupplyReporter = reporter;
        lastReportSequence = 0;
        emit L1SupplyReporterSet(reporter);
    }

    /// @notice Sets how old a report may be when it arrives (governor only), within
    ///         [MIN_MAX_REPORT_AGE, MAX_MAX_REPORT_AGE]. A shorter age bounds the LPT a late report can count twice
    ///         (what was deposited on L1 between its L1 block and its arrival); a longer one tolerates longer L2
    ///         outages before a report has to be sent again.
    /// @param maxReportAge_ Seconds of L2 time after the report's L1 timestamp.
    function setMaxReportAge(uint256 maxReportAge_) external onlyOwner {
        _setMaxReportAge(maxReportAge_);
    }

    /// @inheritdoc IL1SupplyReceiver
    /// @dev Only a retryable from the L1 supply reporter. Replayed, out-of-order and late reports are ignored with
    ///      an event (see the contract notes); a report exactly `maxReportAge` old is accepted.
    function receiveL1Supply(uint256 sequence, uint256 circulatingSupply, uint256 l1Block, uint256 l1Timestamp)
        external
        onlyL1Counterpart
    {
        uint256 last = lastReportSequence;
        if (sequence <= last) {
            emit StaleL1SupplyReportIgnored(sequence, last);
            return;
        }
        uint256 age = block.timestamp > l1Timestamp ? block.timestamp - l1Timestamp : 0;
        uint256 maxAge = maxReportAge;
        if (age > maxAge) {
            emit LateL1SupplyReportIgnored(sequence, l1Timestamp, age, maxAge);
            return;
        }
        lastReportSequence = sequence;
        l1CirculatingSupply = circulatingSupply;
        lastReportL1Block = l1Block;
        lastReportL1Timestamp = l1Timestamp;
        l2SupplyAtLastReport = token.totalSupply();
        emit L1SupplyReported(sequence, circulatingSupply, l1Block, l1Timestamp);
    }

    /// @notice Seconds of L2 time since the L1 timestamp of the last accepted report (max uint256: none yet).
    ///         A keeper reports again well before this reaches `maxReportAge`.
    function reportAge() external view returns (uint256) {
        uint256 at = lastReportL1Timestamp;
        if (at == 0) return type(uint256).max;
        return block.timestamp > at ? block.timestamp - at : 0;
    }

    /// @notice The global supply inflation applies to: the last reported L1 circulating supply plus the L2 supply
    ///         when that report was accepted; the L2 supply alone before the first report (see the contract notes).
    function inflationSupply() public view override returns (uint256) {
        if (lastReportL1Timestamp == 0) return token.totalSupply();
        return l2SupplyAtLastReport + l1CirculatingSupply;
    }

    function _setMaxReportAge(uint256 maxReportAge_) private {
        if (maxReportAge_ < MIN_MAX_REPORT_AGE || maxReportAge_ > MAX_MAX_REPORT_AGE) {
            revert InvalidMaxReportAge(maxReportAge_);
        }
        maxReportAge = maxReportAge_;
        emit MaxReportAgeSet(maxReportAge_);
    }

    function _l1Counterpart() internal view override returns (address) {
        return l1SupplyReporter;
    }
}
