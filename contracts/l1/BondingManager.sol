// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {BondingManagerBase} from "../protocol/BondingManagerBase.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../protocol/interfaces/IMinter.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";

/// @title BondingManager (L1)
/// @notice Livepeer staking on Ethereum: the shared accounting of `BondingManagerBase` with LPT bonded from the
///         delegator's own balance, plus stake migration to L2: the governor-appointed Migrator can take a
///         delegator's whole bonded stake, or one of its unbonding locks, out of the protocol at once (no unbonding
///         period) to bridge it. ETH fees are never touched: `withdrawFees` keeps working after a migration.
///         A migration whose L2 message expired comes back through the Migrator as a new unbonding lock.
contract BondingManager is BondingManagerBase {
    /// @notice All of `delegator`'s bonded stake (`amount`, delegated to `delegate`) left through the Migrator.
    event StakeMigrated(address indexed delegator, address indexed delegate, uint256 amount);
    /// @notice `delegator`'s unbonding lock `unbondingLockId` (`amount`) left through the Migrator.
    event UnbondingLockMigrated(address indexed delegator, uint256 unbondingLockId, uint256 amount);
    /// @notice `amount` LPT of an expired migration came back to `delegator` as unbonding lock `unbondingLockId`,
    ///         withdrawable from `withdrawRound`.
    event MigrationRefunded(
        address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound
    );

    /// @notice `delegator` has no bonded stake to migrate.
    error NothingToMigrate(address delegator);

    /// @param owner_ The governor.
    /// @param token_ LPT.
    /// @param minter_ The Minter.
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

    /// @notice Claims `delegator`'s earnings, then takes all its bonded stake out without an unbonding period and
    ///         pays its LPT to `recipient` (Migrator only: the L1 escrow that backs the migrated stake on L2). An
    ///         orchestrator (self-delegated) is deactivated and unregistered at once; its delegators stay delegated
    ///         to it, inactive, until they migrate too. Fees stay withdrawable.
    /// @param delegator The migrating delegator.
    /// @param recipient Receiver of the LPT.
    /// @return amount The LPT paid to `recipient`.
    /// @return orchestrator Whether `delegator` was a registered orchestrator (self-delegated).
    /// @return rewardCut Its reward cut when it was an orchestrator (zero otherwise).
    /// @return feeShare Its fee share when it was an orchestrator (zero otherwise).
    function migrateStake(address delegator, address recipient)
        external
        onlyMigrator
        returns (uint256 amount, bool orchestrator, uint256 rewardCut, uint256 feeShare)
    {
        address delegate;
        (amount, delegate) = _removeAllStake(delegator, _initializedRound());
        if (amount == 0) revert NothingToMigrate(delegator);
        emit StakeMigrated(delegator, delegate, amount);
        if (delegate == delegator) {
            Transcoder storage t = _transcoders[delegator];
            (orchestrator, rewardCut, feeShare) = (true, t.rewardCut, t.feeShare);
        }
        minter.trustedTransferTokens(recipient, amount);
    }

    /// @notice Takes `delegator`'s unbonding locks `unbondingLockIds` out before their withdraw round and pays their
    ///         LPT to `recipient` in one transfer (Migrator only). Each lock is deleted: it can be migrated,
    ///         withdrawn or rebonded only once (an id given twice reverts, the lock being gone).
    /// @param delegator The locks' owner.
    /// @param unbondingLockIds The locks.
    /// @param recipient Receiver of the LPT.
    /// @return amount The LPT paid to `recipient`.
    function migrateUnbondingLocks(address delegator, uint256[] calldata unbondingLockIds, address recipient)
        external
        onlyMigrator
        returns (uint256 amount)
    {
        for (uint256 i; i < unbondingLockIds.length; ++i) {
            uint256 lockAmount = _takeUnbondingLock(delegator, unbondingLockIds[i]);
            if (lockAmount == 0) revert InvalidUnbondingLock(unbondingLockIds[i]);
            emit UnbondingLockMigrated(delegator, unbondingLockIds[i], lockAmount);
            amount += lockAmount;
        }
        minter.trustedTransferTokens(recipient, amount);
    }

    /// @notice Returns `amount` LPT, paid by the caller (approved), to `delegator` as a new unbonding lock with the
    ///         full unbonding period (Migrator only: the refund of a migration whose L2 message expired). The lock
    ///         is a lock like any other: withdraw it after the period, rebond it, or migrate it again.
    /// @dev A lock rather than liquid LPT: a migration skips the unbonding period only because its LPT stays staked
    ///      on L2; returning it liquid would let anyone unbond at once by sending a ticket that cannot execute.
    ///      The round need not be initialized: the lock only records the round it becomes withdrawable in.
    /// @param delegator The L1 delegator whose migration expired.
    /// @param amount LPT in wei.
    /// @return unbondingLockId The new lock.
    function refundMigratedStake(address delegator, uint256 amount)
        external
        onlyMigrator
        returns (uint256 unbondingLockId)
    {
        if (amount == 0) revert ZeroAmount();
        Delegator storage d = _delegators[delegator];
        unbondingLockId = d.nextUnbondingLockId++;
        uint256 withdrawRound = roundsManager.currentRound() + unbondingPeriod;
        _unbondingLocks[delegator][unbondingLockId] =
            UnbondingLock(SafeCast.toUint128(amount), SafeCast.toUint64(withdrawRound));
        emit MigrationRefunded(delegator, unbondingLockId, amount, withdrawRound);
        _collectStake(msg.sender, amount);
    }

    /// @dev Livepeer's rule on L1: `reward()` reverts with `CurrentRoundNotInitialized` before the round starts.
    function _startUninitializedRound() internal pure override {
        revert CurrentRoundNotInitialized();
    }
}
