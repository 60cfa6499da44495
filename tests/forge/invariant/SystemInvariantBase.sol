// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../../../contracts/protocol/BondingManagerBase.sol";
import {RoundsManager} from "../../../contracts/protocol/RoundsManager.sol";
import {LivepeerSystem} from "../utils/LivepeerSystem.sol";
import {TestBase} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";
import {SystemHandler} from "./SystemHandler.sol";

/// @title Shared setup of the attacker invariant suites
/// @notice Deploys both layers in one EVM (`LivepeerSystem`), hands every fuzzed call to `SystemHandler`, and
///         offers the sums the invariants compare. Each invariant group is its own contract (the files beside
///         this one), so that a failing group is named by its contract and can be run alone (`--mc`).
abstract contract SystemInvariantBase is TestBase {
    /// @notice What forge's invariant fuzzer reads from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    LivepeerSystem internal sys;
    SystemHandler internal handler;

    function setUp() public virtual {
        vm.roll(1000);
        vm.warp(1_700_000_000);
        sys = new LivepeerSystem();
        handler = new SystemHandler(sys);
        (address[] memory holders, uint256[] memory amounts) = handler.genesis();
        sys.deploy(holders, amounts);
        handler.bootstrap();
    }

    /// @notice Forge fuzzes only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The handler's actions (its views and ghosts are not actions).
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory s = new bytes4[](32);
        s[0] = SystemHandler.advanceBlocks.selector;
        s[1] = SystemHandler.advanceToBoundary.selector;
        s[2] = SystemHandler.initializeRounds.selector;
        s[3] = SystemHandler.bond.selector;
        s[4] = SystemHandler.unbond.selector;
        s[5] = SystemHandler.rebond.selector;
        s[6] = SystemHandler.withdrawStake.selector;
        s[7] = SystemHandler.claimEarnings.selector;
        s[8] = SystemHandler.reward.selector;
        s[9] = SystemHandler.transcoderTerms.selector;
        s[10] = SystemHandler.spawnSybils.selector;
        s[11] = SystemHandler.migrate.selector;
        s[12] = SystemHandler.attackerMigrateToOther.selector;
        s[13] = SystemHandler.migrateUnbondingLocks.selector;
        s[14] = SystemHandler.bondL2.selector;
        s[15] = SystemHandler.unbondL2.selector;
        s[16] = SystemHandler.rebondL2.selector;
        s[17] = SystemHandler.withdrawStakeL2.selector;
        s[18] = SystemHandler.bridgeIn.selector;
        s[19] = SystemHandler.bridgeOut.selector;
        s[20] = SystemHandler.reportSupply.selector;
        s[21] = SystemHandler.deliverRetryable.selector;
        s[22] = SystemHandler.deliverNewestRetryable.selector;
        s[23] = SystemHandler.expireRetryable.selector;
        s[24] = SystemHandler.executeOutgoing.selector;
        s[25] = SystemHandler.claimParked.selector;
        s[26] = SystemHandler.attackerClaimOthers.selector;
        s[27] = SystemHandler.expireMigration.selector;
        s[28] = SystemHandler.warpTime.selector;
        s[29] = SystemHandler.deliverRetryable.selector; // deliveries twice as likely: they race expiries
        s[30] = SystemHandler.attackerExpireForged.selector;
        s[31] = SystemHandler.rewardOpeningL2Round.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), s);
    }

    // ------------------------------------------------------------------ sums

    /// @dev Stake of `a` now with its pending earnings (what claiming it now, once the round is initialized, gives).
    function _stake(BondingManagerBase bm, RoundsManager rounds, address a) internal view returns (uint256) {
        return bm.pendingStake(a, rounds.currentRound());
    }

    /// @dev LPT in `a`'s unbonding locks.
    function _locks(BondingManagerBase bm, address a) internal view returns (uint256 sum) {
        uint256 n = bm.getDelegator(a).nextUnbondingLockId;
        for (uint256 id; id < n; ++id) {
            (uint256 amount,) = bm.getDelegatorUnbondingLock(a, id);
            sum += amount;
        }
    }

    /// @dev Everything the accounts own in `bm`: stakes with pending earnings, and locks.
    function _owned(BondingManagerBase bm, RoundsManager rounds) internal view returns (uint256 sum) {
        address[] memory all = handler.accounts();
        for (uint256 i; i < all.length; ++i) {
            sum += _stake(bm, rounds, all[i]) + _locks(bm, all[i]);
        }
    }
}
