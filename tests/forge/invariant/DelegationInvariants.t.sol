// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../../../contracts/protocol/BondingManagerBase.sol";
import {SystemInvariantBase} from "./SystemInvariantBase.sol";

/// @title Nobody's delegation is chosen or changed by anyone else
/// @notice The handler records, per honest actor and layer, the delegate the actor chose itself (its own bond,
///         rebond-from-unbonded, or its own migration that started its L2 delegation). A bonded honest actor must
///         be delegated to exactly that. The pre-seeding attack (the attacker migrates a little stake to a victim's
///         L2 address naming its own orchestrator before the victim's migration lands) must leave the victim's L2
///         position untouched: the L2Migrator parks that stake until the victim itself claims it.
contract DelegationInvariants is SystemInvariantBase {
    function invariant_l1DelegationIsOwnChoice() public view {
        _check(sys.l1Bm(), true);
    }

    function invariant_l2DelegationIsOwnChoice() public view {
        _check(sys.l2Bm(), false);
    }

    /// @notice Nobody's L2 stake or delegate changes in a transaction that is not its own (a migration someone
    ///         else sent to its address parks instead), and only the named address claims parked stake.
    function invariant_l2PositionChangedOnlyByItsOwner() public view {
        assertTrue(!handler.ghostForeignL2Change(), "an L2 position changed by someone else's migration");
        assertTrue(!handler.ghostForeignClaim(), "parked stake claimed by an address it was not parked for");
    }

    /// @notice The pre-seeding attack, concretely: the attacker's 1-wei migration to delegator0's L2 address lands
    ///         first (attacker-chosen delivery order) and parks; delegator0's own migration, naming orchestrator1,
    ///         then stakes with orchestrator1; the attacker cannot claim the parked wei, delegator0 can.
    function test_attackerPreSeedsVictimL2Delegation() public {
        address victim = handler.honest(2);
        address chosen = handler.honest(1);
        handler.migrate(2, 1); // victim migrates, naming orchestrator1 (its retryable is queued)
        handler.attackerMigrateToOther(2, 0); // attacker sends 1 wei to the victim's L2 address
        handler.deliverNewestRetryable(); // attacker's message first: parked for the victim
        assertEq(sys.l2Bm().getDelegator(victim).bondedAmount, 0, "attacker's migration staked for the victim");
        assertEq(handler.ghostParkedFor(victim), 1, "attacker's wei not parked for the victim");
        handler.deliverRetryable(0); // then the victim's
        assertEq(sys.l2Bm().getDelegator(victim).delegateAddress, chosen, "victim's L2 stake is not with its choice");
        handler.attackerClaimOthers(0);
        assertTrue(!handler.ghostForeignClaim(), "attacker claimed the victim's parked stake");
        handler.claimParked(0, 1, false); // the victim claims it, to orchestrator1 (_anyOrchestrator(1))
        assertEq(handler.ghostParkedFor(victim), 0, "victim could not claim");
        assertEq(sys.l2Bm().getDelegator(victim).delegateAddress, chosen, "victim's claim went elsewhere");
    }

    function _check(BondingManagerBase bm, bool l1) private view {
        for (uint256 i; i < handler.N_HONEST(); ++i) {
            address a = handler.honest(i);
            BondingManagerBase.Delegator memory d = bm.getDelegator(a);
            if (d.bondedAmount == 0) continue;
            address chosen = l1 ? handler.chosenL1(a) : handler.chosenL2(a);
            assertEq(d.delegateAddress, chosen, l1 ? "L1 delegate not chosen by its delegator" : "L2 delegate not chosen by its delegator");
        }
    }
}
