// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../protocol/BondingManagerBase.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../protocol/interfaces/IMinter.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";

/// @title BondingManager (L1)
/// @notice Livepeer staking on Ethereum: the shared accounting of `BondingManagerBase` with LPT bonded from the
///         delegator's own balance, plus stake migration to L2: the governor-appointed Migrator can take a
///         delegator's whole bonded stake, or one of its unbonding locks, out of the protocol at once (no unbonding
///         period) to bridge it. ETH fees are never touched: `withdrawFees` keeps working after a migration.
contract BondingManager is BondingManagerBase {
    /// @notice All of `delegator`'s bonded stake (`amount`, delegated to `delegate`) left for the Migrator.
    event StakeMigrated(address indexed delegator, address indexed delegate, uint256 amount);
    /// @notice `delegator`'s unbonding lock `unbondingLockId` (`amount`) left for the Migrator.
    event UnbondingLockMigrated(address indexed delegator, uint256 unbondingLockId, uint256 amount);

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

    /// @notice Claims `delegator`'s earnings, then moves all its bonded stake to the Migrator without an unbonding
    ///         period (Migrator only). An orchestrator (self-delegated) is deactivated and unregistered at once;
    ///         its delegators stay delegated to it, inactive, until they migrate too. Fees stay withdrawable.
    /// @param delegator The migrating delegator.
    /// @return amount The LPT sent to the Migrator.
    function migrateStake(address delegator) external onlyMigrator returns (uint256 amount) {
        address delegate;
        (amount, delegate) = _removeAllStake(delegator, _initializedRound());
        if (amount == 0) revert NothingToMigrate(delegator);
        emit StakeMigrated(delegator, delegate, amount);
        minter.trustedTransferTokens(msg.sender, amount);
    }

    /// @notice Moves `delegator`'s unbonding lock `unbondingLockId` to the Migrator before its withdraw round
    ///         (Migrator only). The lock is deleted: it can be migrated, withdrawn or rebonded only once.
    /// @param delegator The lock's owner.
    /// @param unbondingLockId The lock.
    /// @return amount The LPT sent to the Migrator.
    function migrateUnbondingLock(address delegator, uint256 unbondingLockId)
        external
        onlyMigrator
        returns (uint256 amount)
    {
        amount = _takeUnbondingLock(delegator, unbondingLockId);
        if (amount == 0) revert InvalidUnbondingLock(unbondingLockId);
        emit UnbondingLockMigrated(delegator, unbondingLockId, amount);
        minter.trustedTransferTokens(msg.sender, amount);
    }
}
