// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SystemInvariantBase} from "./SystemInvariantBase.sol";

/// @title LPT is conserved on each layer and across the bridge
/// @notice Ghosts are what the handler saw move (escrow deltas at send time, supply deltas of reward() and of
///         executed withdrawals), not the contracts' own counters.
contract ConservationInvariants is SystemInvariantBase {
    /// @notice L1 supply = genesis + L1 rewards + gateway shortfall mints; nothing else mints L1 LPT.
    function invariant_l1SupplyAccounted() public view {
        assertEq(
            sys.l1Token().totalSupply(),
            sys.genesisSupply() + handler.ghostL1Rewards() + handler.ghostShortfall(),
            "L1 supply != genesis + rewards + shortfall"
        );
        assertEq(sys.l1Minter().totalRewardsMinted(), handler.ghostL1Rewards(), "L1 Minter's reward count");
    }

    /// @notice L2 supply = what delivered deposits/migrations carried (as escrowed on L1) + L2 rewards - burned.
    function invariant_l2SupplyAccounted() public view {
        assertEq(
            sys.l2Token().totalSupply() + handler.ghostBurned21(),
            handler.ghostDelivered12() + handler.ghostL2Rewards(),
            "L2 supply + burned != delivered + L2 rewards"
        );
    }

    /// @notice Who minted on L2 for what: the L2Migrator exactly the migrations delivered (its own retryables, not the
    ///         gateway's), the L2 gateway exactly the other deposits delivered; the L1Migrator and the L1 gateway
    ///         count exactly what their own transfers escrowed.
    function invariant_migrationsMintedByTheL2MigratorOnly() public view {
        assertEq(sys.l1Migrator().totalMigrated(), handler.ghostMigrated12(), "L1Migrator's total != escrowed");
        assertEq(
            sys.l2Migrator().totalMigrated(), handler.ghostMigrationsDelivered12(), "L2Migrator's total != delivered"
        );
        assertEq(
            sys.l2Gateway().totalMinted(),
            handler.ghostDelivered12() - handler.ghostMigrationsDelivered12(),
            "L2 gateway minted other than the deposits delivered"
        );
        assertEq(sys.l1Gateway().totalDeposited(), handler.ghostDeposited12(), "gateway deposits != escrowed by them");
    }

    /// @notice Across layers: escrow + L2 rewards == L2 supply + in flight (both ways) + expired + shortfall, where
    ///         in flight L2 -> L1 includes expired migrations sent back and not yet refunded on L1 (a refund takes
    ///         their LPT out of the escrow into an L1 unbonding lock, minting any shortfall).
    function invariant_crossLayerConserved() public view {
        assertEq(
            sys.l1Token().balanceOf(address(sys.escrow())) + handler.ghostL2Rewards(),
            sys.l2Token().totalSupply() + handler.ghostInFlight12() + handler.ghostLost12()
                + handler.ghostInFlight21() + handler.ghostRefundInFlight() + handler.ghostShortfall(),
            "escrow + L2 rewards != L2 supply + in flight + expired + shortfall"
        );
    }

    /// @notice Every LPT on each layer is held by an account, a Minter (bonded stake), the escrow or, parked for the
    ///         L2 address a migration named, the L2Migrator: none is stuck in a gateway or a BondingManager.
    function invariant_noLptStuck() public view {
        address[] memory all = handler.accounts();
        uint256 l1;
        uint256 l2;
        for (uint256 i; i < all.length; ++i) {
            l1 += sys.l1Token().balanceOf(all[i]);
            l2 += sys.l2Token().balanceOf(all[i]);
        }
        l1 += sys.l1Token().balanceOf(address(sys.l1Minter())) + sys.l1Token().balanceOf(address(sys.escrow()));
        l2 += sys.l2Token().balanceOf(address(sys.l2Minter())) + handler.ghostParked();
        assertEq(l1, sys.l1Token().totalSupply(), "L1 LPT outside accounts, Minter and escrow");
        assertEq(l2, sys.l2Token().totalSupply(), "L2 LPT outside accounts and Minter");
    }

    /// @notice A reward() that opens an L2 round initializes it, once, and mints on that round's own figures.
    function invariant_openingRewardStartsItsRoundOnce() public view {
        assertTrue(!handler.ghostOpeningRewardBroken(), "a reward() that opened an L2 round broke the round's start");
    }
}
