// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IBondingManager} from "./interfaces/IBondingManager.sol";
import {IMinter} from "./interfaces/IMinter.sol";
import {IRoundInitializer} from "./interfaces/IRoundInitializer.sol";
import {IRoundsManager} from "./interfaces/IRoundsManager.sol";

/// @title RoundsManager
/// @notice The protocol clock. A round lasts `roundLength` blocks; round 1 starts at deployment. Anyone may call
///         `initializeRound()` once per round; it fixes the round's total active stake (BondingManager) and its
///         mintable tokens (Minter). The BondingManager only moves stake in initialized rounds.
/// @dev Lock period: the last `roundLockAmount / 1e6` of a round. During it, orchestrators cannot register or
///      change their reward cut / fee share, so delegators choosing where to bond for the next round see final
///      terms. Bonding, unbonding and rebonding stay open: a stake change in round N changes the active set and
///      stakes that round N+1 starts with (fixed at its initialization); round N's reward shares keep using the
///      stakes fixed when round N started.
contract RoundsManager is Ownable2Step, IRoundsManager, IRoundInitializer {
    using SafeCast for uint256;

    /// @notice Precision of `roundLockAmount` (1e6 = the whole round).
    uint256 public constant PERC_DIVISOR = 1_000_000;

    // The clock's four fields share one slot: every stake-moving call of the BondingManager reads them all.
    /// @notice Length of a round in blocks.
    uint64 public roundLength;
    /// @notice Last round for which `initializeRound()` ran (0: none yet).
    uint64 public lastInitializedRound;
    /// @notice Round and start block from which `roundLength` applies.
    uint64 public lastRoundLengthUpdateRound;
    /// @notice First block of `lastRoundLengthUpdateRound`.
    uint64 public lastRoundLengthUpdateStartBlock;
    /// @notice Share of a round, at its end, during which it is locked (precision 1e6).
    uint256 public roundLockAmount;

    /// @notice The BondingManager told about new rounds.
    IBondingManager public bondingManager;
    /// @notice The Minter told about new rounds.
    IMinter public minter;

    /// @notice Round `round` was initialized.
    event NewRound(uint256 indexed round);
    /// @notice Rounds last `roundLength` blocks from round `fromRound` on.
    event RoundLengthSet(uint256 roundLength, uint256 fromRound);
    /// @notice The lock period is now `roundLockAmount` / 1e6 of a round.
    event RoundLockAmountSet(uint256 roundLockAmount);
    /// @notice The BondingManager told about new rounds is now `bondingManager`.
    event BondingManagerSet(address indexed bondingManager);
    /// @notice The Minter told about new rounds is now `minter`.
    event MinterSet(address indexed minter);

    /// @notice The current round was already initialized.
    error RoundAlreadyInitialized(uint256 round);
    /// @notice A round length of zero blocks.
    error InvalidRoundLength();
    /// @notice A lock amount above 100%.
    error InvalidRoundLockAmount(uint256 roundLockAmount);
    /// @notice A zero address where a contract is needed.
    error ZeroAddress();
    /// @notice `initializeRound()` before the BondingManager and Minter were set.
    error NotWired();

    /// @param owner_ The governor.
    /// @param roundLength_ Blocks per round.
    /// @param roundLockAmount_ Locked share of a round (precision 1e6).
    constructor(address owner_, uint256 roundLength_, uint256 roundLockAmount_) Ownable(owner_) {
        lastRoundLengthUpdateRound = 1;
        lastRoundLengthUpdateStartBlock = block.number.toUint64();
        _setRoundLength(roundLength_);
        _setRoundLockAmount(roundLockAmount_);
    }

    /// @notice Sets the BondingManager told about new rounds (governor only).
    /// @param bondingManager_ The BondingManager.
    function setBondingManager(address bondingManager_) external onlyOwner {
        if (bondingManager_ == address(0)) revert ZeroAddress();
        bondingManager = IBondingManager(bondingManager_);
        emit BondingManagerSet(bondingManager_);
    }

    /// @notice Sets the Minter told about new rounds (governor only).
    /// @param minter_ The Minter.
    function setMinter(address minter_) external onlyOwner {
        if (minter_ == address(0)) revert ZeroAddress();
        minter = IMinter(minter_);
        emit MinterSet(minter_);
    }

    /// @notice Changes the round length (governor only). The new length applies from the start of the current
    ///         round, so the current round ends `newRoundLength` blocks after it started.
    /// @param newRoundLength Blocks per round.
    function setRoundLength(uint256 newRoundLength) external onlyOwner {
        uint256 round = currentRound();
        lastRoundLengthUpdateStartBlock = currentRoundStartBlock().toUint64();
        lastRoundLengthUpdateRound = round.toUint64();
        _setRoundLength(newRoundLength);
    }

    /// @notice Changes the locked share of a round (governor only).
    /// @param newRoundLockAmount Locked share (precision 1e6).
    function setRoundLockAmount(uint256 newRoundLockAmount) external onlyOwner {
        _setRoundLockAmount(newRoundLockAmount);
    }

    /// @notice Starts the current round (anyone, once per round): fixes its total active stake and mintable tokens.
    function initializeRound() external {
        uint256 round = currentRound();
        if (lastInitializedRound == round) revert RoundAlreadyInitialized(round);
        if (address(bondingManager) == address(0) || address(minter) == address(0)) revert NotWired();
        lastInitializedRound = round.toUint64();
        emit NewRound(round);
        bondingManager.setCurrentRoundTotalActiveStake();
        minter.setCurrentRewardTokens();
    }

    /// @inheritdoc IRoundsManager
    function currentRound() public view returns (uint256) {
        return lastRoundLengthUpdateRound + (block.number - lastRoundLengthUpdateStartBlock) / roundLength;
    }

    /// @inheritdoc IRoundsManager
    function currentRoundStartBlock() public view returns (uint256) {
        return lastRoundLengthUpdateStartBlock + (currentRound() - lastRoundLengthUpdateRound) * roundLength;
    }

    /// @inheritdoc IRoundsManager
    function currentRoundInitialized() external view returns (bool initialized) {
        (, initialized) = _currentRoundState();
    }

    /// @inheritdoc IRoundsManager
    function currentRoundState() external view returns (uint256 round, bool initialized) {
        return _currentRoundState();
    }

    /// @inheritdoc IRoundsManager
    function currentRoundLocked() external view returns (bool) {
        uint256 lockedBlocks = (roundLength * roundLockAmount) / PERC_DIVISOR;
        return block.number >= currentRoundStartBlock() + roundLength - lockedBlocks;
    }

    function _currentRoundState() private view returns (uint256 round, bool initialized) {
        round = currentRound();
        initialized = lastInitializedRound == round;
    }

    function _setRoundLength(uint256 newRoundLength) private {
        if (newRoundLength == 0) revert InvalidRoundLength();
        roundLength = newRoundLength.toUint64();
        emit RoundLengthSet(newRoundLength, lastRoundLengthUpdateRound);
    }

    function _setRoundLockAmount(uint256 newRoundLockAmount) private {
        if (newRoundLockAmount > PERC_DIVISOR) revert InvalidRoundLockAmount(newRoundLockAmount);
        roundLockAmount = newRoundLockAmount;
        emit RoundLockAmountSet(newRoundLockAmount);
    }
}
