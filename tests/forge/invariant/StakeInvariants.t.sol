// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockArbitrum} from "../utils/MockArbitrum.sol";
import {vm} from "../utils/Vm.sol";
import {SystemInvariantBase} from "./SystemInvariantBase.sol";

/// @title No stake is created or lost, and earnings add up to what was minted
/// @notice A Minter holds exactly the LPT bonded in its BondingManager: every account's stake with its pending
///         earnings plus its unbonding locks, plus rounding dust. Earnings are floored, so dust is >= 0 (no stake is
///         created out of thin air: the sum of claims never exceeds the rewards minted) and is bounded by the
///         handler's `ghostDustBound` (a few wei per claim, one per delegator per reward call), so no earnings
///         are lost beyond rounding either.
contract StakeInvariants is SystemInvariantBase {
    function invariant_l1StakeBacked() public view {
        uint256 held = sys.l1Token().balanceOf(address(sys.l1Minter()));
        uint256 owned = _owned(sys.l1Bm(), sys.l1Rounds());
        assertGe(held, owned, "L1: stake + locks exceed the LPT the Minter holds (stake created)");
        assertLe(held - owned, handler.ghostDustBound(), "L1: Minter holds LPT nobody owns beyond rounding (lost)");
    }

    function invariant_l2StakeBacked() public view {
        uint256 held = sys.l2Token().balanceOf(address(sys.l2Minter()));
        uint256 owned = _owned(sys.l2Bm(), sys.l2Rounds());
        assertGe(held, owned, "L2: stake + locks exceed the LPT the Minter holds (stake created)");
        assertLe(held - owned, handler.ghostDustBound(), "L2: Minter holds LPT nobody owns beyond rounding (lost)");
    }

    /// @notice Per account: stake + locks never fall below what the account put in minus what it took out
    ///         (its earnings can only add), beyond rounding. Catches stake moved from one account to another.
    function invariant_nobodyLosesStake() public view {
        address[] memory all = handler.accounts();
        int256 dust = int256(handler.ghostDustBound());
        for (uint256 i; i < all.length; ++i) {
            address a = all[i];
            int256 l1 = int256(_stake(sys.l1Bm(), sys.l1Rounds(), a) + _locks(sys.l1Bm(), a));
            int256 l2 = int256(_stake(sys.l2Bm(), sys.l2Rounds(), a) + _locks(sys.l2Bm(), a));
            if (l1 + dust < handler.ghostNetStakedL1(a)) revert AssertionFailed("L1 stake lost", uint256(l1), uint256(handler.ghostNetStakedL1(a)));
            if (l2 + dust < handler.ghostNetStakedL2(a)) revert AssertionFailed("L2 stake lost", uint256(l2), uint256(handler.ghostNetStakedL2(a)));
        }
    }

    /// @notice The L2 Minter uses the newest DELIVERED supply report, whatever order reports arrive in.
    function invariant_supplyReportNewestWins() public view {
        assertEq(sys.l2Minter().lastReportSequence(), handler.ghostReportSequence(), "L2 Minter's report sequence");
        assertEq(sys.l2Minter().l1CirculatingSupply(), handler.ghostReportSupply(), "L2 Minter's L1 supply");
    }

    /// @notice A migration moves the whole stake: what left L1 through the L1Migrator is what it escrowed.
    function invariant_migratedEqualsEscrowed() public view {
        assertEq(sys.l1Token().balanceOf(address(sys.l1Migrator())), 0, "LPT left in the L1Migrator");
    }

    /// @notice The L2Migrator holds exactly the parked LPT (each amount claimable by the address its migration named).
    function invariant_parkedHeldByL2Migrator() public view {
        uint256 held = sys.l2Token().balanceOf(address(sys.l2Migrator()));
        assertEq(held, handler.ghostParked(), "L2Migrator's LPT != parked");
        assertEq(sys.l2Migrator().totalParked(), handler.ghostParked(), "L2Migrator's totalParked != parked");
    }

    /// @notice No migration is both finalized on L2 and refunded on L1.
    function invariant_neverFinalizedAndRefunded() public view {
        uint256 n = handler.migrationCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.migrationIdOf(handler.migrationRetryables(i));
            if (sys.l2Migrator().isMigrated(id) && handler.refunded(id)) {
                revert AssertionFailed("migration finalized and refunded", id, id);
            }
        }
    }

    /// @notice The expiry path, concretely: delegator0's migration is never delivered; past its deadline it is sent
    ///         back from L2, a delivery then fails, and the Outbox message refunds it on L1 as an unbonding lock (the
    ///         escrow drops by the amount, delegator0's L1 locks grow by it) exactly once.
    function test_expiredMigrationRefundedAsL1Lock() public {
        address d = handler.honest(2);
        handler.migrate(2, 1);
        assertEq(handler.migrationCount(), 1, "migration not sent");
        uint256 amount = sys.l1Token().balanceOf(address(sys.escrow()));
        assertTrue(amount > 0, "nothing escrowed");
        uint256 locksBefore = _locks(sys.l1Bm(), d);
        handler.expireMigration(0, true);
        assertEq(handler.fate(0), 3, "migration not expired on L2");
        handler.deliverRetryable(0); // too late: refused
        assertTrue(!sys.l2Migrator().isMigrated(1), "finalized after expiry");
        handler.executeOutgoing(0);
        assertTrue(handler.refunded(1), "refund not executed");
        assertEq(sys.l1Token().balanceOf(address(sys.escrow())), 0, "escrow kept the refunded LPT");
        assertEq(_locks(sys.l1Bm(), d) - locksBefore, amount, "refund is not an L1 unbonding lock");
        assertEq(handler.ghostRefundInFlight(), 0, "refund still counted in flight");
    }

    /// @notice Refunds recognise only the delayed message that carried the record: past the deadline of migration 1
    ///         (delayed message 0), the attacker sends back its own record with the real delayed message, and the
    ///         real record with the delayed message of migration 2 (message 1), with a changed timestamp, with the
    ///         number of message 1, and with a number past the last message. Each reaches L1 and refunds nothing; the real record is then
    ///         refunded once, and its L2 -> L1 message replayed is refused.
    function test_forgedExpiriesRefundNothingAndARefundIsNotReplayed() public {
        MockArbitrum arb = sys.arb();
        handler.migrate(2, 1);
        handler.migrate(3, 1);
        assertEq(arb.retryableCount(), 2, "two migrations, two delayed messages");
        vm.warp(block.timestamp + 8 days);
        uint256 escrowed = sys.l1Token().balanceOf(address(sys.escrow()));
        handler.attackerExpireForged(0, 1, 0);
        handler.attackerExpireForged(0, 1, 1);
        handler.attackerExpireForged(0, 1, 2);
        handler.attackerExpireForged(0, 1, 3);
        handler.attackerExpireForged(0, 3, 3);
        uint256 forged = arb.outgoingCount();
        assertEq(forged, 5, "a forged expiry was refused on L2");
        for (uint256 o; o < forged; ++o) {
            assertTrue(!arb.execute(o), "a forged expiry was refunded");
        }
        assertEq(sys.l1Token().balanceOf(address(sys.escrow())), escrowed, "escrow paid a forged expiry");
        handler.expireMigration(0, false);
        assertEq(handler.fate(0), 3, "the real record was blocked on L2");
        handler.executeOutgoing(forged);
        assertTrue(handler.refunded(1) && sys.l1Migrator().isRefunded(1), "refund not executed");
        uint256 replay = arb.queueOutgoing(
            address(sys.l2Migrator()), address(sys.l1Migrator()), arb.outgoingMessage(forged).data
        );
        assertTrue(!arb.execute(replay), "a refund was replayed");
        assertEq(handler.ghostRefundInFlight(), 0, "refund still counted in flight");
    }
}
