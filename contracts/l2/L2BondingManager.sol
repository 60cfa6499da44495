// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../protocol/BondingManagerBase.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../protocol/interfaces/IMinter.sol";
import {IRoundInitializer} from "../protocol/interfaces/IRoundInitializer.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";

/// @title L2BondingManager
/// @notice Livepeer staking on Arbitrum: the accounting of `BondingManagerBase` (same bonding, rewards, fees and
///         active set as L1) plus the landing side of stake migration: the L2Migrator stakes migrated LPT on
///         behalf of delegators and registers migrated orchestrators with their L1 terms.
/// @dev The L2Migrator calls these only for an L2 address that is the migrating L1 account's own address, or for
///      an address that claimed its migrated LPT in its own transaction (see L2Migrator). Rules:
///      - `stakeFor` (a migration landing at the L1 account's own address): a delegator without bonded stake on L2
///        is bonded to the requested orchestrator; one that already has bonded stake keeps its delegate, the
///        migrated amount is ADDED to it and `MigratedStakeAddedToExistingDelegate` says so (it can re-delegate
///        itself with `bond(0, to)` afterwards);
///      - `bondFor` (a claim): exactly the delegator's own `bond(amount, to)`, paid by the Migrator;
///      - `migrateTranscoder`: the orchestrator always ends registered, self-delegated, with its L1 reward cut and
///        fee share, whatever state its L2 address was in: stake it had delegated elsewhere moves to itself
///        (`MigratedTranscoderStakeMovedToItself`) and terms it had set on L2 are replaced
///        (`MigratedTranscoderTermsReplaced`);
///      - when the current round is not initialized yet, the migration initializes it (round initialization is
///        permissionless) instead of failing; so does `reward()` on L2 (L1 keeps Livepeer's revert).
///      These functions credit stake and take no LPT: the L2Migrator pays the L2 Minter, which holds all bonded LPT,
///      in the same call (it mints a migration's LPT there right after the credit, or transfers parked LPT there
///      before a claim's credit), so no allowance and no `transferFrom` are needed, and only the Migrator can credit.
contract L2BondingManager is BondingManagerBase {
    /// @dev The payer `_bond` is given for stake the Migrator pays into the Minter itself: nothing is collected.
    address private constant _PAID_BY_MIGRATOR = address(0);

    /// @notice `amount` migrated LPT were staked for `delegator`, delegated to `delegate`.
    event StakedFor(address indexed delegator, address indexed delegate, uint256 amount);
    /// @notice `delegator` already delegated to `delegate` on L2, so its migrated `amount` was added there rather
    ///         than to the requested `requestedOrchestrator`.
    event MigratedStakeAddedToExistingDelegate(
        address indexed delegator, address indexed delegate, address indexed requestedOrchestrator, uint256 amount
    );
    /// @notice Migrated orchestrator `transcoder` was registered with its L1 terms.
    event TranscoderMigrated(address indexed transcoder, uint256 amount, uint256 rewardCut, uint256 feeShare);
    /// @notice Migrated orchestrator `transcoder` had delegated its L2 stake (`amount`) to `previousDelegate`; that
    ///         stake is now self-delegated with its migrated stake.
    event MigratedTranscoderStakeMovedToItself(
        address indexed transcoder, address indexed previousDelegate, uint256 amount
    );
    /// @notice Migrated orchestrator `transcoder` had set other terms on L2; its L1 terms replace them.
    event MigratedTranscoderTermsReplaced(
        address indexed transcoder,
        uint256 previousRewardCut,
        uint256 previousFeeShare,
        uint256 rewardCut,
        uint256 feeShare
    );

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

    /// @notice Credits `amount` LPT of stake, paid into the Minter by the caller, to `delegator` (the Migrator only,
    ///         for a migration that lands at the migrating L1 account's own address). Bonds to `orchestrator` when
    ///         `delegator` has no bonded stake; otherwise adds to its existing delegation (see the contract notes).
    ///         The stake earns from the next round, like any stake bonded during a round.
    /// @param delegator The migrated delegator's L2 address.
    /// @param orchestrator The orchestrator it asked for.
    /// @param amount LPT in wei, paid into the Minter by the caller in the same transaction.
    function stakeFor(address delegator, address orchestrator, uint256 amount) external onlyMigrator {
        uint256 round = _startedRound();
        address delegate = _delegateOf(delegator);
        if (delegate == address(0)) {
            delegate = orchestrator;
        } else if (delegate != orchestrator) {
            emit MigratedStakeAddedToExistingDelegate(delegator, delegate, orchestrator, amount);
        }
        _bond(delegator, delegate, amount, _PAID_BY_MIGRATOR, round);
        emit StakedFor(delegator, delegate, amount);
    }

    /// @notice `delegator`'s own `bond(amount, to)`, paid into the Minter by the caller (the Migrator only, for
    ///         migrated LPT that `delegator` claimed in its own transaction): all its stake is delegated to `to`.
    /// @param delegator The claiming L2 address.
    /// @param to The delegate it chose.
    /// @param amount LPT in wei, paid into the Minter by the caller in the same transaction.
    function bondFor(address delegator, address to, uint256 amount) external onlyMigrator {
        _bond(delegator, to, amount, _PAID_BY_MIGRATOR, _startedRound());
        emit StakedFor(delegator, to, amount);
    }

    /// @notice Credits `amount` LPT, paid into the Minter by the caller, to migrated orchestrator `transcoder` as its
    ///         own stake and registers it with its L1 `rewardCut` and `feeShare` (the Migrator only). Stake it had
    ///         delegated elsewhere on L2 moves to itself, and terms it had set on L2 are replaced. It enters the active
    ///         set if its stake earns a place, active from the next round.
    /// @param transcoder The orchestrator's L2 address.
    /// @param amount LPT in wei, paid into the Minter by the caller in the same transaction.
    /// @param rewardCut Its L1 reward cut (precision 1e6).
    /// @param feeShare Its L1 fee share (precision 1e6).
    function migrateTranscoder(address transcoder, uint256 amount, uint256 rewardCut, uint256 feeShare)
        external
        onlyMigrator
    {
        if (rewardCut > PERC_DIVISOR) revert InvalidRewardCut(rewardCut);
        if (feeShare > PERC_DIVISOR) revert InvalidFeeShare(feeShare);
        uint256 round = _startedRound();
        address previous = _delegateOf(transcoder);
        // Bonding to itself moves any stake delegated elsewhere along with the new stake (a delegator's own
        // re-delegation), so the orchestrator always ends self-delegated, that is registered.
        _bond(transcoder, transcoder, amount, _PAID_BY_MIGRATOR, round);
        emit StakedFor(transcoder, transcoder, amount);
        if (previous != address(0) && previous != transcoder) {
            emit MigratedTranscoderStakeMovedToItself(
                transcoder, previous, _delegators[transcoder].bondedAmount - amount
            );
        }
        Transcoder storage t = _transcoders[transcoder];
        if (previous == transcoder && (t.rewardCut != rewardCut || t.feeShare != feeShare)) {
            emit MigratedTranscoderTermsReplaced(transcoder, t.rewardCut, t.feeShare, rewardCut, feeShare);
        }
        _setTranscoderTerms(transcoder, rewardCut, feeShare);
        emit TranscoderMigrated(transcoder, amount, rewardCut, feeShare);
    }

    /// @dev Collects nothing for the Migrator's credits (`_PAID_BY_MIGRATOR`), which it pays into the Minter itself.
    function _collectStake(address payer, uint256 amount) internal override {
        if (payer != _PAID_BY_MIGRATOR) super._collectStake(payer, amount);
    }

    /// @dev The migrations and `reward()` initialize a round nobody has (permissionless) instead of failing, so an
    ///      orchestrator that opens a round pays one transaction, and its reward cannot land in a round it did not
    ///      check (a separate `initializeRound()` in a round's last block leaves the next round uninitialized).
    function _startUninitializedRound() internal override {
        IRoundInitializer(address(roundsManager)).initializeRound();
    }
}
