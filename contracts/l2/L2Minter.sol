// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2ArbitrumMessenger} from "../arbitrum/L2ArbitrumMessenger.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";
import {Minter} from "../protocol/Minter.sol";
import {IL1SupplyReceiver} from "../bridge/IL1SupplyReceiver.sol";

/// @title L2Minter
/// @notice The protocol Minter on Arbitrum: the only minter of L2 LPT. Its minting delegates are the L2 LPT gateway
///         (bridged deposits, through `mint`) and the L2 BondingManager (inflation rewards, through `createReward`).
///         Inflation applies to the GLOBAL supply: the L2 supply plus the L1 circulating supply (L1 total supply
///         minus the bridge escrow) last reported by the L1 supply reporter.
/// @dev Reports arrive as retryable tickets from the L1 supply reporter. Each carries a sequence number; a report
///      whose sequence number is not above the last accepted one (a late redeem, a replay) is ignored with an
///      event rather than reverted, so its ticket finalizes without touching the supply figure.
contract L2Minter is Minter, L2ArbitrumMessenger, IL1SupplyReceiver {
    /// @notice The L1 contract whose reports are accepted (through its L2 alias).
    address public l1SupplyReporter;
    /// @notice L1 total supply minus the escrow, as last reported.
    uint256 public l1CirculatingSupply;
    /// @notice Sequence number of the last accepted report (0: none yet).
    uint256 public lastReportSequence;
    /// @notice L1 block number of the last accepted report.
    uint256 public lastReportL1Block;
    /// @notice L1 timestamp of the last accepted report.
    uint256 public lastReportL1Timestamp;

    /// @notice The L1 supply reporter is now `reporter`.
    event L1SupplyReporterSet(address indexed reporter);
    /// @notice Report `sequence` set the L1 circulating supply to `circulatingSupply` (as of L1 block `l1Block`).
    event L1SupplyReported(uint256 indexed sequence, uint256 circulatingSupply, uint256 l1Block, uint256 l1Timestamp);
    /// @notice Report `sequence` was ignored: it is not newer than the accepted report `lastSequence`.
    event StaleL1SupplyReportIgnored(uint256 indexed sequence, uint256 lastSequence);

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
    ) Minter(owner_, token_, roundsManager_, inflation_, inflationChange_, targetBondingRate_) {}

    /// @notice Sets the L1 contract whose supply reports are accepted (governor only). A new reporter numbers its
    ///         reports from 1, so the sequence restarts; the last reported supply stays until its first report.
    /// @param reporter The L1SupplyReporter on L1.
    function setL1SupplyReporter(address reporter) external onlyOwner {
        if (reporter == address(0)) revert ZeroAddress();
        l1SupplyReporter = reporter;
        lastReportSequence = 0;
        emit L1SupplyReporterSet(reporter);
    }

    /// @inheritdoc IL1SupplyReceiver
    /// @dev Only a retryable from the L1 supply reporter. Stale reports are ignored with an event.
    function receiveL1Supply(uint256 sequence, uint256 circulatingSupply, uint256 l1Block, uint256 l1Timestamp)
        external
        onlyL1Counterpart
    {
        uint256 last = lastReportSequence;
        if (sequence <= last) {
            emit StaleL1SupplyReportIgnored(sequence, last);
            return;
        }
        lastReportSequence = sequence;
        l1CirculatingSupply = circulatingSupply;
        lastReportL1Block = l1Block;
        lastReportL1Timestamp = l1Timestamp;
        emit L1SupplyReported(sequence, circulatingSupply, l1Block, l1Timestamp);
    }

    /// @notice The global supply inflation applies to: the L2 supply plus the last reported L1 circulating supply.
    function inflationSupply() public view override returns (uint256) {
        return token.totalSupply() + l1CirculatingSupply;
    }

    function _l1Counterpart() internal view override returns (address) {
        return l1SupplyReporter;
    }
}
