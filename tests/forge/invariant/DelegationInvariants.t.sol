// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../../../contracts/protocol/BondingManagerBase.sol";
import {SystemInvariantBase} from "./SystemInvariantBase.sol";

/// @title Nobody's delegation is chosen or changed by anyone else
/// @notice The handler records, per honest actor and layer, the delegate the actor chose itself (its own bond,
///         rebond-from-unbonded, or its own migration that started its L2 delegation). A bonded honest actor must
///         be delegated to exactly that. KNOWN BUG CLASS "pre-seeding L2 addresses via L1Migrator": on the current
///         code the attacker migrates a little stake to a victim's L2 address naming its own orchestrator before
///         the victim's migration lands; the victim's stake then joins the attacker's orchestrator.
contract DelegationInvariants is SystemInvariantBase {
    function invariant_l1DelegationIsOwnChoice() public view {
        _check(sys.l1Bm(), true);
    }

    function invariant_l2DelegationIsOwnChoice() public view {
        _check(sys.l2Bm(), false);
    }

    /// @notice The concrete attack the invariant above finds (kept as a readable regression): the attacker's
    ///         1-wei migration to delegator0's L2 address lands first (attacker-chosen delivery order) and makes the
    ///         attacker delegator0's L2 orchestrator; delegator0's own migration, naming orchestrator1, then joins the
    ///         attacker instead.
    function test_attackerPreSeedsVictimL2Delegation() public {
        address victim = handler.honest(2);
        address chosen = handler.honest(1);
        handler.migrate(2, 1); // victim migrates, naming orchestrator1 (its retryable is queued)
        handler.attackerMigrateToOther(2, 0); // attacker sends 1 wei to the victim's L2 address
        handler.deliverNewestRetryable(); // attacker's message first
        handler.deliverRetryable(0); // then the victim's
        assertEq(sys.l2Bm().getDelegator(victim).delegateAddress, chosen, "victim's L2 stake is not with its choice");
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
