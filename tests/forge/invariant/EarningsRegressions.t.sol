// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../../../contracts/protocol/BondingManagerBase.sol";
import {vm} from "../utils/Vm.sol";
import {SystemInvariantBase} from "./SystemInvariantBase.sol";

/// @title Concrete counterexamples the long invariant run found in earnings accounting
/// @notice Bug class "earnings factor overflow": an orchestrator that unbonds all but 1 wei and then calls
///         reward() must not be able to raise its cumulative reward factor by (rewards * factor / 1 wei) and so
///         make its own (and its delegators') pendingStake and claimEarnings overflow. Shrunk sequence from
///         `make fuzz-long` (StakeInvariants.invariant_l1StakeBacked), replayed through the handler.
contract EarningsFactorRegression is SystemInvariantBase {
    function test_orchestratorWithOneWeiLeftCanStillClaim() public {
        handler.unbond(1006735203878558394206796, 8825, 1); // orchestrator0 unbonds all but 1 wei
        handler.bond(270, 5312, 4519);
        handler.migrate(174, 288);
        handler.advanceBlocks(196569584774520724729394019345791578798);
        handler.initializeRounds();
        handler.bond(73743892158238960034, 1, 24309831161);
        handler.reward(1000000000000792797415644, false); // orchestrator0 calls reward()
        handler.bond(10726899601336266435746989293675733340377457327739573228051109150809506610762, 1, 245645161132);
        handler.advanceBlocks(1000000000000000000000000);
        handler.initializeRounds();
        address o = handler.honest(0);
        BondingManagerBase bm = sys.l1Bm();
        bm.pendingStake(o, sys.l1Rounds().currentRound());
        vm.prank(o);
        bm.claimEarnings();
    }
}
