// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title L2StakeOracle
/// @notice The L2 staked LPT supply, as last reported to L1 by a governance-appointed reporter, for the L1-minting
///         mode: the L1 Minter steers inflation by the staked share of the supply on both layers, and L1 cannot read
///         L2 state (an optimistic rollup's state is final on L1 only a week later). A reporter reads the L2
///         BondingManager's total bonded LPT at some L2 block and sends it here with that block's number and time.
/// @dev A report is refused, not ignored, so that a reporter's tooling sees its mistake: from anyone but a reporter;
///      read at or before the L2 block of the accepted report (a replay, or an older reading sent after a newer one);
///      timestamped in the future or more than `maxReportAge` before this block (stale: L2 time follows L1 time on
///      Arbitrum); or above the L1 token's total supply. In this mode L1 is the only minter, so every L2 LPT is
///      backed by escrowed L1 LPT and no staked figure can exceed the L1 total supply. Reports within those bounds
///      are trusted: a dishonest reporter can steer inflation only within what the Minter's rate step allows per
///      round (one `inflationChange` per L1 round), and governance removes it; a report of a far-future L2 block
///      (which would make every later reading out of order) is undone with `clearReport`.
contract L2StakeOracle is Ownable2Step {
    /// @notice Default `maxReportAge`: one day, several reports' worth of margin for a reporter that reports every
    ///         few hours, far less than the week an L1 round lasts.
    uint256 public constant DEFAULT_MAX_REPORT_AGE = 1 days;
    /// @notice Lowest `maxReportAge`: a reading needs some minutes to reach L1, and Arbitrum's L2 time may lag L1
    ///         time by up to an hour when the sequencer is behind.
    uint256 public constant MIN_MAX_REPORT_AGE = 1 hours;
    /// @notice Highest `maxReportAge`: the length of Arbitrum's fraud-proof window, beyond which a reading is
    ///         older than anything L1 could have checked itself.
    uint256 public constant MAX_MAX_REPORT_AGE = 7 days;

    /// @notice L1 LPT, whose total supply bounds a report.
    IERC20 public immutable token;

    /// @notice L2 staked LPT of the accepted report.
    uint256 public stakedSupply;
    /// @notice L2 block number the accepted report was read at (0: none yet).
    uint256 public lastL2Block;
    /// @notice L2 timestamp of that block (0: none yet).
    uint256 public lastL2Timestamp;
    /// @notice Oldest a reading may be, in seconds, to be accepted and to count as fresh.
    uint256 public maxReportAge;
    /// @notice Whether `account` may report.
    mapping(address account => bool) public isReporter;

    /// @notice `reporter` reported `stakedSupply` staked LPT, read at L2 block `l2Block` (time `l2Timestamp`).
    event StakeReported(address indexed reporter, uint256 stakedSupply, uint256 l2Block, uint256 l2Timestamp);
    /// @notice The governor forgot the accepted report.
    event ReportCleared();
    /// @notice `reporter` may now report.
    event ReporterAdded(address indexed reporter);
    /// @notice `reporter` may no longer report.
    event ReporterRemoved(address indexed reporter);
    /// @notice Readings older than `maxReportAge` seconds are now refused and count as stale.
    event MaxReportAgeSet(uint256 maxReportAge);

    /// @notice `account` is not a reporter.
    error NotReporter(address account);
    /// @notice `reporter` already is a reporter.
    error AlreadyReporter(address reporter);
    /// @notice A reading of L2 block `l2Block`, not after the accepted one's `lastL2Block`: replayed or out of order.
    error ReportNotNewer(uint256 l2Block, uint256 lastL2Block);
    /// @notice A reading timestamped `l2Timestamp`, after this block's time `nowTimestamp`.
    error ReportFromFuture(uint256 l2Timestamp, uint256 nowTimestamp);
    /// @notice A reading `age` seconds old, more than `maxAge`.
    error StaleReport(uint256 l2Timestamp, uint256 age, uint256 maxAge);
    /// @notice `stakedSupply` is above the L1 total supply `totalSupply`.
    error StakedSupplyTooHigh(uint256 stakedSupply, uint256 totalSupply);
    /// @notice `maxReportAge` is outside [MIN_MAX_REPORT_AGE, MAX_MAX_REPORT_AGE].
    error InvalidMaxReportAge(uint256 maxReportAge);
    /// @notice A zero address where one is needed.
    error ZeroAddress();

    /// @param owner_ The governor (appoints reporters).
    /// @param token_ L1 LPT.
    constructor(address owner_, IERC20 token_) Ownable(owner_) {
        if (address(token_) == address(0)) revert ZeroAddress();
        token = token_;
        _setMaxReportAge(DEFAULT_MAX_REPORT_AGE);
    }

    /// @notice Lets `reporter` report (governor only).
    /// @param reporter The new reporter.
    function addReporter(address reporter) external onlyOwner {
        if (reporter == address(0)) revert ZeroAddress();
        if (isReporter[reporter]) revert AlreadyReporter(reporter);
        isReporter[reporter] = true;
        emit ReporterAdded(reporter);
    }

    /// @notice Stops `reporter` from reporting (governor only); its accepted report stays until a newer one.
    /// @param reporter A current reporter.
    function removeReporter(address reporter) external onlyOwner {
        if (!isReporter[reporter]) revert NotReporter(reporter);
        isReporter[reporter] = false;
        emit ReporterRemoved(reporter);
    }

    /// @notice Forgets the accepted report (governor only), so that the next reading of any L2 block is accepted:
    ///         the way back from a report of a wrong (say, far future) L2 block number, after which every honest
    ///         reading would be refused as out of order. Until a new report arrives nothing is fresh, so the L1
    ///         Minter's round mints wait.
    function clearReport() external onlyOwner {
        stakedSupply = 0;
        lastL2Block = 0;
        lastL2Timestamp = 0;
        emit ReportCleared();
    }

    /// @notice Sets how old a reading may be (governor only), within [MIN_MAX_REPORT_AGE, MAX_MAX_REPORT_AGE].
    /// @param maxReportAge_ Seconds between a reading's L2 timestamp and L1 time.
    function setMaxReportAge(uint256 maxReportAge_) external onlyOwner {
        _setMaxReportAge(maxReportAge_);
    }

    /// @notice Records the L2 staked supply `stakedSupply_` read at L2 block `l2Block` with timestamp `l2Timestamp`
    ///         (reporters only; see the contract notes for what is refused). A reading exactly `maxReportAge` old
    ///         is accepted.
    /// @param stakedSupply_ The L2 BondingManager's total bonded LPT.
    /// @param l2Block The L2 block number it was read at.
    /// @param l2Timestamp That block's timestamp.
    function report(uint256 stakedSupply_, uint256 l2Block, uint256 l2Timestamp) external {
        if (!isReporter[msg.sender]) revert NotReporter(msg.sender);
        uint256 last = lastL2Block;
        if (l2Block <= last) revert ReportNotNewer(l2Block, last);
        if (l2Timestamp > block.timestamp) revert ReportFromFuture(l2Timestamp, block.timestamp);
        uint256 age = block.timestamp - l2Timestamp;
        uint256 maxAge = maxReportAge;
        if (age > maxAge) revert StaleReport(l2Timestamp, age, maxAge);
        uint256 supply = token.totalSupply();
        if (stakedSupply_ > supply) revert StakedSupplyTooHigh(stakedSupply_, supply);
        stakedSupply = stakedSupply_;
        lastL2Block = l2Block;
        lastL2Timestamp = l2Timestamp;
        emit StakeReported(msg.sender, stakedSupply_, l2Block, l2Timestamp);
    }

    /// @notice Seconds since the accepted reading's L2 timestamp (max uint256: no report yet).
    function reportAge() public view returns (uint256) {
        uint256 readAt = lastL2Timestamp;
        if (readAt == 0) return type(uint256).max;
        return block.timestamp > readAt ? block.timestamp - readAt : 0;
    }

    /// @notice Whether the accepted reading is at most `maxReportAge` old (false before the first report).
    function isFresh() external view returns (bool) {
        return reportAge() <= maxReportAge;
    }

    function _setMaxReportAge(uint256 maxReportAge_) private {
        if (maxReportAge_ < MIN_MAX_REPORT_AGE || maxReportAge_ > MAX_MAX_REPORT_AGE) {
            revert InvalidMaxReportAge(maxReportAge_);
        }
        maxReportAge = maxReportAge_;
        emit MaxReportAgeSet(maxReportAge_);
    }
}
