// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L1Migrator} from "../../../contracts/bridge/L1Migrator.sol";
import {BondingManagerBase} from "../../../contracts/protocol/BondingManagerBase.sol";
import {RoundsManager} from "../../../contracts/protocol/RoundsManager.sol";
import {vm} from "../utils/Vm.sol";
import {SystemInvariantBase} from "./SystemInvariantBase.sol";

/// @title Every honest actor can always get out
/// @notice After every step, from a snapshot of the state (`vm.snapshotState` / `vm.revertToState`, so the run
///         itself is untouched), each honest actor tries, each with at most `LIVENESS_GAS` gas: initialize the
///         round if nobody did, claim its earnings, unbond all its stake, withdraw each matured lock, and migrate
///         its L1 stake to its own L2 address with the retryable delivered at once. Each must succeed.
///         KNOWN BUG CLASSES this guards: gas griefing through the sorted active set (sybil orchestrators make
///         stake moves cost more than the gas a user can spend), earnings factor overflow (claims revert), and
///         late L2 supply reports (round initialization reverts).
contract LivenessInvariants is SystemInvariantBase {
    /// @notice Gas a single user call may need at most (well under a block; generous for one stake move).
    uint256 public constant LIVENESS_GAS = 1_000_000;

    /// @notice A call an honest actor needs to get out failed.
    error Stuck(string what, address actor);

    function invariant_honestCanExitL1() public {
        for (uint256 i; i < handler.N_HONEST(); ++i) {
            _exits(sys.l1Bm(), sys.l1Rounds(), handler.honest(i), true);
        }
    }

    function invariant_honestCanExitL2() public {
        for (uint256 i; i < handler.N_HONEST(); ++i) {
            _exits(sys.l2Bm(), sys.l2Rounds(), handler.honest(i), false);
        }
    }

    function _exits(BondingManagerBase bm, RoundsManager rounds, address a, bool l1) private {
        uint256 snap = vm.snapshotState();
        if (!rounds.currentRoundInitialized()) {
            vm.prank(a);
            try rounds.initializeRound{gas: LIVENESS_GAS}() {}
            catch {
                revert Stuck("initializeRound", a);
            }
        }
        uint256 round = rounds.currentRound();
        uint256 stake = bm.pendingStake(a, round);
        uint256 base = vm.snapshotState();

        if (stake > 0) {
            vm.prank(a);
            try bm.claimEarnings{gas: LIVENESS_GAS}() {}
            catch {
                revert Stuck("claimEarnings", a);
            }
            vm.revertToState(base);
            vm.prank(a);
            try bm.unbond{gas: LIVENESS_GAS}(stake) {}
            catch {
                revert Stuck("unbond all", a);
            }
            vm.revertToState(base);
        }
        uint256 n = bm.getDelegator(a).nextUnbondingLockId;
        for (uint256 id; id < n; ++id) {
            (uint256 amount, uint256 withdrawRound) = bm.getDelegatorUnbondingLock(a, id);
            if (amount == 0 || withdrawRound > round) continue;
            vm.prank(a);
            try bm.withdrawStake{gas: LIVENESS_GAS}(id) {}
            catch {
                revert Stuck("withdrawStake", a);
            }
            vm.revertToState(base);
        }
        if (l1 && stake > 0) _migrates(a);
        vm.revertToState(snap);
    }

    /// @dev `a` migrates all its L1 stake to its own L2 address and the retryable runs at once.
    function _migrates(address a) private {
        address orch = sys.l1Bm().isRegisteredTranscoder(a) ? a : handler.honest(0);
        uint256 id = sys.arb().retryableCount();
        L1Migrator migrator = sys.l1Migrator();
        vm.prank(a);
        try migrator.migrate{gas: LIVENESS_GAS}(a, orch, 0, 0, 0) {}
        catch {
            revert Stuck("migrate", a);
        }
        if (!sys.arb().redeem(id)) revert Stuck("migration retryable", a);
    }
}
