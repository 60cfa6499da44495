// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockArbitrum, MockArbSys} from "./MockArbitrum.sol";
import {vm} from "./Vm.sol";

/// @title What both in-EVM systems share: the protocol's parameters and the Arbitrum mock
/// @notice `LivepeerSystem` (L2 minting) and `L1MintingSystem` deploy different minters over the same parameters
///         and the same `MockArbitrum` hub, with a `MockArbSys` etched at 0x64. Round lengths differ (the L1-minting
///         system spans K L2 rounds per L1 round), so each system sets its own.
abstract contract SystemBase {
    uint256 public constant ROUND_LOCK_AMOUNT = 100_000; // last 10% of a round locked
    uint64 public constant UNBONDING_PERIOD = 2;
    uint256 public constant NUM_ACTIVE = 100;
    uint256 public constant INFLATION = 218_500;
    uint256 public constant INFLATION_CHANGE = 500;
    uint256 public constant TARGET_BONDING_RATE = 500_000_000;

    MockArbitrum public immutable arb;

    constructor() {
        arb = new MockArbitrum();
        vm.etch(address(0x64), address(new MockArbSys(arb)).code);
    }
}
