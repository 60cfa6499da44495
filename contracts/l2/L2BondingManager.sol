// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../protocol/BondingManagerBase.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../protocol/interfaces/IMinter.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";

/// @notice The RoundsManager's permissionless round start.
interface IRoundInitializer {
    /// @notice Starts the current round.
    function initializeRound() external;
}

/// @title L2BondingManager
/// @notice Livepeer staking on Arbitrum: the accounting of `BondingManagerBase` (same bonding, rewards, fees and
///         active set as L1) plus the landing side of stake migration: the L2Migrator stakes migrated LPT on
///         behalf of delegators (`stakeFor`) and registers migrated orchestrators with their L1 terms.
/// @dev Migration rules, chosen so that a migration can neither revert for a reason in the user's L2 state (a
///      reverting L2 message would leave the escrowed LPT waiting for a manual redeem) nor alter anybody's choices:
///      - a delegator without bonded stake on L2 is bonded to the requested orchestrator;
///      - a delegator that already has bonded stake keeps its delegate: the migrated amount is ADDED to its
///        existing delegation, and `MigratedStakeAddedToExistingDelegate` says so. Its delegate and stake change in
///        no other way (it can re-delegate itself with `bond(0, to)` afterwards);
///      - a migrated orchestrator gets its L1 reward cut and fee share only when it had no bonded stake on L2:
///        terms an L2 orchestrator already set are never overwritten;
///      - when the current round is not initialized yet, the migration initializes it (round initialization is
///        permissionless) instead of failing.
///      The LPT is paid by the L2Migrator (which holds the freshly minted tokens and approves this contract); it
///      goes to the L2 Minter like any bonded LPT.
contract L2BondingManager is BondingManagerBase {
    /// @notice `amount` migrated LPT were staked for `delegator`, delegated to `delegate`.
    event StakedFor(address indexed delegator, address indexed delegate, uint256 amount);
    /// @notice `delegator` already delegated to `delegate` on L2, so its migrated `amount` was added there rather
    ///         than to the requested `requestedOrchestrator`.
    event MigratedStakeAddedToExistingDelegate(
        address indexed delegator, address indexed delegate, address indexed requestedOrchestrator, uint256 amount
    );
    /// @notice Migrated orchestrator `transcoder` was registered with its L1 terms.
    event TranscoderMigrated(address indexed transcoder, uint256 amount, uint256 rewardCut, uint256 feeShare);
    /// @notice `transcoder` already had bonded stake on L2, so its L1 terms were not applied.
    event MigratedTranscoderTermsIgnored(address indexed transcoder, uint256 rewardCut, uint256 feeShare);

    /// @param owner_ The governor.
    /// @param token_ L2 LPT.
    /// @param minter_ The L2 Minter.
    /// @param roundsManager_ The round clock.
    /// @param unbondingPeriod_ Rounds before unbonded stake can be withdrawn.
    /// @param numActiveTranscoders_ Maximum size of the active set.
    constructor(
        address owner_,
        ILivepeerToken token_,
        IMinter minter_,
        IRoundsManager roundsManager_,
        uint64 unbondingPeriod_,
        uint256 numActiveTranscoders_
    ) BondingManagerBase(owner_, token_, minter_, roundsManager_, unbondingPeriod_, numActiveTranscoders_) {}

    /// @notice Stakes `amount` LPT, paid by the caller, for `delegator` (the Migrator only: the L2Migrator). Bonds
    ///         to `orchestrator` when `delegator` has no bonded stake; otherwise adds to its existing delegation (see
    ///         the contract notes). The stake earns from the next round, like any stake bonded during a round.
    /// @param delegator The migrated delegator's L2 address.
    /// @param orchestrator The orchestrator it asked for.
    /// @param amount LPT in wei, approved by the caller.
    function stakeFor(address delegator, address orchestrator, uint256 amount) external onlyMigrator {
        _stakeFor(delegator, orchestrator, amount);
    }

    /// @notice Stakes `amount` LPT, paid by the caller, for migrated orchestrator `transcoder` as its own stake and,
    ///         when it had no bonded stake on L2, registers it with its L1 `rewardCut` and `feeShare` (the Migrator
    ///         only). It enters the active set if its stake earns a place, active from the next round.
    /// @param transcoder The orchestrator's L2 address.
    /// @param amount LPT in wei, approved by the caller.
    /// @param rewardCut Its L1 reward cut (precision 1e6).
    /// @param feeShare Its L1 fee share (precision 1e6).
    function migrateTranscoder(address transcoder, uint256 amount, uint256 rewardCut, uint256 feeShare)
        external
        onlyMigrator
    {
        bool fresh = _delegateOf(transcoder) == address(0);
        _stakeFor(transcoder, transcoder, amount);
        if (fresh) {
            _setTranscoderTerms(transcoder, rewardCut, feeShare);
            emit TranscoderMigrated(transcoder, amount, rewardCut, feeShare);
        } else {
            emit MigratedTranscoderTermsIgnored(transcoder, rewardCut, feeShare);
        }
    }

    function _stakeFor(address delegator, address orchestrator, uint256 amount) private {
        if (!roundsManager.currentRoundInitialized()) IRoundInitializer(address(roundsManager)).initializeRound();
        address delegate = _delegateOf(delegator);
        if (delegate == address(0)) {
            delegate = orchestrator;
        } else if (delegate != orchestrator) {
            emit MigratedStakeAddedToExistingDelegate(delegator, delegate, orchestrator, amount);
        }
        _bond(delegator, delegate, amount, msg.sender);
        emit StakedFor(delegator, delegate, amount);
    }
}
