// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {L1Escrow} from "../../contracts/bridge/L1Escrow.sol";
import {L1LPTGateway} from "../../contracts/bridge/L1LPTGateway.sol";
import {L2LPTGateway} from "../../contracts/bridge/L2LPTGateway.sol";
import {BondingManager} from "../../contracts/l1/BondingManager.sol";
import {L1InflationMinter} from "../../contracts/l1/L1InflationMinter.sol";
import {L2BondingManager} from "../../contracts/l2/L2BondingManager.sol";
import {L2DistributingMinter} from "../../contracts/l2/L2DistributingMinter.sol";
import {L2LivepeerToken} from "../../contracts/l2/L2LivepeerToken.sol";
import {LivepeerToken} from "../../contracts/protocol/LivepeerToken.sol";
import {Minter} from "../../contracts/protocol/Minter.sol";
import {RoundsManager} from "../../contracts/protocol/RoundsManager.sol";
import {BondingManagerBase} from "../../contracts/protocol/BondingManagerBase.sol";
import {L1MintingSystem} from "./utils/L1MintingSystem.sol";
import {MockArbitrum} from "./utils/MockArbitrum.sol";
import {TestBase} from "./utils/TestBase.sol";
import {vm} from "./utils/Vm.sol";

/// @title The L1-minting mode: a round's mint and send on L1, its distribution over K L2 rounds, and the attacks
contract L1MintingTest is TestBase {
    uint256 internal constant GENESIS = 10_000_000e18;
    uint256 internal constant START = 1000;
    address internal constant ORCH = address(0x0A);
    address internal constant ORCH2 = address(0x0B);
    address internal constant STRANGER = address(0xBAD);

    L1MintingSystem internal sys;
    L1InflationMinter internal l1Minter;
    L2DistributingMinter internal l2Minter;
    uint256 internal k;
    // read once: a `vm.prank` or `vm.expectRevert` applies to the NEXT call, which a getter call would consume
    MockArbitrum internal arb;
    LivepeerToken internal l1Token;
    RoundsManager internal l1Rounds;
    BondingManager internal l1Bm;
    L1Escrow internal escrow;
    L1LPTGateway internal l1Gateway;
    L2LivepeerToken internal l2Token;
    RoundsManager internal l2Rounds;
    L2BondingManager internal l2Bm;
    L2LPTGateway internal l2Gateway;

    function setUp() public {
        vm.roll(START);
        vm.warp(1_700_000_000);
        sys = new L1MintingSystem();
        sys.deploy(address(this), GENESIS);
        l1Minter = sys.l1Minter();
        l2Minter = sys.l2Minter();
        k = sys.K();
        arb = sys.arb();
        l1Token = sys.l1Token();
        l1Rounds = sys.l1Rounds();
        l1Bm = sys.l1Bm();
        escrow = sys.escrow();
        l1Gateway = sys.l1Gateway();
        l2Token = sys.l2Token();
        l2Rounds = sys.l2Rounds();
        l2Bm = sys.l2Bm();
        l2Gateway = sys.l2Gateway();
        vm.deal(address(this), 100 ether);
        l1Minter.fundGasBudget{value: 1 ether}();
    }

    /// @dev Takes back the gas budget in the tests.
    receive() external payable {}

    // ------------------------------------------------------------------ helpers

    /// @dev Block `offset` of L1 round `round` (L1 round 1 and L2 round 1 start at START).
    function _rollToL1Round(uint256 round, uint256 offset) internal {
        vm.roll(START + (round - 1) * sys.L1_ROUND_LENGTH() + offset);
        vm.warp(1_700_000_000 + (block.number - START) * 12);
    }

    /// @dev Roll to the start of L2 round `round` and initialize it.
    function _startL2Round(uint256 round) internal {
        vm.roll(START + (round - 1) * sys.L2_ROUND_LENGTH());
        vm.warp(1_700_000_000 + (block.number - START) * 12);
        l2Rounds.initializeRound();
    }

    /// @dev Deposit `amount` L1 LPT for `to` on L2 and deliver it.
    function _bridgeIn(address to, uint256 amount) internal {
        l1Token.approve(address(l1Gateway), amount);
        l1Gateway.outboundTransfer(address(l1Token), to, amount, 0, 0, abi.encode(uint256(0), bytes("")));
        assertTrue(arb.redeem(arb.retryableCount() - 1), "deposit delivered");
    }

    /// @dev `orch` bonds `amount` L2 LPT to itself and registers (the current L2 round must be initialized).
    function _registerOnL2(address orch, uint256 amount) internal {
        _bridgeIn(orch, amount);
        vm.startPrank(orch);
        l2Token.approve(address(l2Bm), amount);
        l2Bm.bond(amount, orch);
        l2Bm.transcoder(100_000, 500_000);
        vm.stopPrank();
    }

    /// @dev Two L2 orchestrators (3:1 stake), active from L2 round 2; a fresh report; L1 round 2 initialized (its
    ///      rewards minted and sent), delivered on L2 in L2 round 8, the first of L1 round 2. Returns the amount.
    function _mintAndDeliverRound2() internal returns (uint256 amount) {
        _startL2Round(1);
        _registerOnL2(ORCH, 3_000_000e18);
        _registerOnL2(ORCH2, 1_000_000e18);
        _startL2Round(8);
        sys.reportStake();
        _rollToL1Round(2, 0);
        uint256 tickets = arb.retryableCount();
        l1Rounds.initializeRound();
        amount = l1Minter.currentMintableTokens();
        assertEq(arb.retryableCount(), tickets + 1, "one retryable in the round's initialization");
        assertTrue(arb.redeem(tickets), "rewards delivered");
    }

    // ------------------------------------------------------------------ L1: mint and send

    function test_initializeRoundMintsAndSendsTheRoundInOneTransaction() public {
        _startL2Round(1);
        _registerOnL2(ORCH, 4_000_000e18);
        sys.reportStake();
        _rollToL1Round(2, 0);
        uint256 supply = l1Token.totalSupply();
        uint256 escrowed = l1Token.balanceOf(address(escrow));
        uint256 budget = l1Minter.gasBudget();
        uint256 cost = l1Minter.retryableCost();
        l1Rounds.initializeRound();
        uint256 amount = l1Minter.currentMintableTokens();
        // staked share 4/10 < 50%: inflation steps up once, on the whole supply
        uint256 rate = sys.INFLATION() + sys.INFLATION_CHANGE();
        assertEq(l1Minter.inflation(), rate, "rate stepped up");
        assertEq(amount, (supply * rate) / 1e9, "the round's rewards on the whole supply");
        assertEq(l1Token.totalSupply(), supply + amount, "minted");
        assertEq(l1Token.balanceOf(address(escrow)), escrowed + amount, "all of it escrowed");
        assertEq(l1Token.balanceOf(address(l1Minter)), 0, "the Minter keeps none");
        assertEq(l1Minter.gasBudget(), budget - cost, "the retryable paid from the budget");
        assertEq(l1Minter.totalSentToL2(), amount, "sent");
        assertEq(l1Minter.lastMintedRound(), 2, "round 2 minted");
        assertEq(l1Minter.pendingRound(), 0, "nothing waits");
        vm.expectRevert(abi.encodeWithSelector(L1InflationMinter.NoPendingMint.selector, 2));
        l1Minter.mintRound();
        assertTrue(arb.redeem(arb.retryableCount() - 1), "delivered");
        assertEq(l2Minter.totalReceived(), amount, "arrived on L2");
        assertEq(l2Minter.undistributed(), amount, "all undistributed");
    }

    function test_staleReportDefersTheMintWhichAnyoneSendsLaterInTheRound() public {
        _rollToL1Round(2, 0);
        uint256 supply = l1Token.totalSupply();
        l1Rounds.initializeRound();
        assertTrue(l1Rounds.currentRoundInitialized(), "the round starts anyway");
        assertEq(l1Token.totalSupply(), supply, "nothing minted");
        assertEq(l1Minter.pendingRound(), 2, "the mint waits");
        assertEq(l1Minter.inflation(), sys.INFLATION(), "no rate step without a mint");
        vm.expectRevert(
            abi.encodeWithSelector(
                L1InflationMinter.MintBlocked.selector, 2, L1InflationMinter.MintBlocker.StaleStakeReport
            )
        );
        l1Minter.mintRound();
        sys.reportStake();
        vm.prank(STRANGER);
        l1Minter.mintRound();
        assertGe(l1Token.totalSupply(), supply + 1, "minted once a fresh report exists");
        assertEq(l1Minter.lastMintedRound(), 2, "for round 2");
    }

    function test_aRoundsRewardsAreNeverMintedAfterItEnds() public {
        _rollToL1Round(2, 0);
        l1Rounds.initializeRound();
        _rollToL1Round(3, 1);
        sys.reportStake();
        vm.expectRevert(abi.encodeWithSelector(L1InflationMinter.NoPendingMint.selector, 3));
        l1Minter.mintRound();
        uint256 supply = l1Token.totalSupply();
        l1Rounds.initializeRound();
        uint256 rate = sys.INFLATION() + sys.INFLATION_CHANGE();
        assertEq(l1Token.totalSupply(), supply + (supply * rate) / 1e9, "round 3 mints one round, no catch-up");
    }

    function test_aShortBudgetDefersAndFeeEthIsNeverSpent() public {
        uint256 budget = l1Minter.gasBudget();
        vm.prank(address(sys));
        l1Minter.withdrawGasBudget(payable(address(this)), budget);
        vm.deal(address(l1Minter), 5 ether); // fee ETH the Minter holds for the BondingManager
        sys.reportStake();
        _rollToL1Round(2, 0);
        l1Rounds.initializeRound();
        assertEq(l1Minter.pendingRound(), 2, "deferred");
        assertEq(address(l1Minter).balance, 5 ether, "fees untouched");
        vm.expectRevert(
            abi.encodeWithSelector(L1InflationMinter.MintBlocked.selector, 2, L1InflationMinter.MintBlocker.GasBudgetShort)
        );
        l1Minter.mintRound();
        vm.prank(address(sys));
        vm.expectRevert(abi.encodeWithSelector(L1InflationMinter.BudgetExceeded.selector, 1, 0));
        l1Minter.withdrawGasBudget(payable(address(this)), 1);
        uint256 cost = l1Minter.retryableCost();
        vm.deal(STRANGER, cost);
        vm.prank(STRANGER);
        l1Minter.fundGasBudget{value: cost}();
        l1Minter.mintRound();
        assertEq(l1Minter.gasBudget(), 0, "the budget paid");
        assertEq(address(l1Minter).balance, 5 ether, "the fees are all still there");
    }

    function test_aPausedGatewayDefers() public {
        sys.reportStake();
        vm.prank(address(sys));
        l1Gateway.pause();
        _rollToL1Round(2, 0);
        l1Rounds.initializeRound();
        assertEq(l1Minter.pendingRound(), 2, "deferred");
        vm.prank(address(sys));
        l1Gateway.unpause();
        l1Minter.mintRound();
        assertEq(l1Minter.lastMintedRound(), 2, "sent once unpaused");
    }

    function test_l1RewardRefuses() public {
        l1Token.approve(address(l1Bm), 1000e18);
        _rollToL1Round(1, 1);
        l1Rounds.initializeRound();
        l1Bm.bond(1000e18, address(this));
        sys.reportStake();
        _rollToL1Round(2, 0);
        l1Rounds.initializeRound();
        vm.expectRevert(L1InflationMinter.RewardsMintedForL2.selector);
        l1Bm.reward();
    }

    function test_theL1GatewayNeverMints() public {
        assertTrue(!l1Minter.isMintingDelegate(address(l1Gateway)), "no minting authority");
        uint256 amount = _mintAndDeliverRound2();
        _bridgeIn(STRANGER, 10e18);
        vm.startPrank(STRANGER);
        l2Token.approve(address(l2Gateway), 10e18);
        l2Gateway.outboundTransfer(address(l1Token), STRANGER, 10e18, bytes(""));
        vm.stopPrank();
        uint256 supply = l1Token.totalSupply();
        assertTrue(arb.execute(arb.outgoingCount() - 1), "withdrawal paid");
        assertEq(l1Token.balanceOf(STRANGER), 10e18, "from the escrow");
        assertEq(l1Token.totalSupply(), supply, "nothing minted");
        assertEq(l1Gateway.totalMinted(), 0, "no shortfall ever");
        // an L2 bug claiming more than the escrow holds cannot mint on L1: the withdrawal reverts and stays pending
        uint256 escrowed = l1Token.balanceOf(address(escrow));
        assertGe(escrowed, amount, "the rewards are escrowed");
        bytes memory forged = abi.encodeCall(
            L1LPTGateway.finalizeInboundTransfer,
            (address(l1Token), STRANGER, STRANGER, escrowed + 1, abi.encode(uint256(99), bytes("")))
        );
        uint256 id = arb.queueOutgoing(address(l2Gateway), address(l1Gateway), forged);
        assertTrue(!arb.execute(id), "refused: the gateway is no minting delegate");
        assertEq(l1Token.totalSupply(), supply, "still nothing minted");
    }

    function test_restrictedCalls() public {
        L1LPTGateway gw = l1Gateway;
        bytes memory notOwner = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER);
        vm.startPrank(STRANGER);
        vm.expectRevert(notOwner);
        l1Minter.setL2Route(gw, STRANGER, STRANGER);
        vm.expectRevert(notOwner);
        l1Minter.setRetryableGas(1, 1);
        vm.expectRevert(notOwner);
        l1Minter.withdrawGasBudget(payable(STRANGER), 1);
        vm.expectRevert(notOwner);
        l2Minter.setRewardSource(STRANGER, STRANGER);
        vm.expectRevert(notOwner);
        l2Minter.setRoundsPerL1Round(2);
        vm.expectRevert(abi.encodeWithSelector(Minter.NotRoundsManager.selector, STRANGER));
        l1Minter.setCurrentRewardTokens();
        vm.expectRevert(abi.encodeWithSelector(Minter.NotRoundsManager.selector, STRANGER));
        l2Minter.setCurrentRewardTokens();
        vm.expectRevert(abi.encodeWithSelector(Minter.NotBondingManager.selector, STRANGER));
        l1Minter.createReward(1, 1);
        vm.expectRevert(abi.encodeWithSelector(Minter.NotBondingManager.selector, STRANGER));
        l2Minter.createReward(1, 1);
        vm.expectRevert(abi.encodeWithSelector(Minter.NotMintingDelegate.selector, STRANGER));
        l1Minter.mint(STRANGER, 1);
        vm.stopPrank();
        vm.startPrank(address(sys));
        vm.expectRevert(abi.encodeWithSelector(L1InflationMinter.InvalidRetryableGas.selector, 0, 1));
        l1Minter.setRetryableGas(0, 1);
        vm.expectRevert(abi.encodeWithSelector(L2DistributingMinter.InvalidRoundsPerL1Round.selector, 0));
        l2Minter.setRoundsPerL1Round(0);
        uint256 tooMany = l2Minter.MAX_ROUNDS_PER_L1_ROUND() + 1;
        vm.expectRevert(abi.encodeWithSelector(L2DistributingMinter.InvalidRoundsPerL1Round.selector, tooMany));
        l2Minter.setRoundsPerL1Round(tooMany);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ L2: arrival and distribution

    function test_anArrivalIsSpreadOverTheNextKRounds() public {
        uint256 amount = _mintAndDeliverRound2();
        assertEq(l2Minter.paceEndRound(), 8 + k, "paced over rounds 9..15");
        for (uint256 r = 9; r < 9 + k; ++r) {
            _startL2Round(r);
            // 1/K per round, give or take the rounding carried from the round before
            assertApproxEq(l2Minter.currentMintableTokens(), amount / k, k, "1/K per round");
            vm.prank(ORCH);
            l2Bm.reward();
            vm.prank(ORCH2);
            l2Bm.reward();
        }
        assertEq(l2Minter.totalDistributed() + l2Minter.available() + l2Minter.undistributed(), amount, "conserved");
        assertLe(l2Minter.undistributed() + l2Minter.available(), 2, "at most rounding left once all call reward");
    }

    function test_rewardHandsOutWithoutMinting() public {
        uint256 amount = _mintAndDeliverRound2();
        _startL2Round(9);
        uint256 supply = l2Token.totalSupply();
        uint256 stake = l2Bm.getTranscoder(ORCH).delegatedAmount;
        vm.prank(ORCH);
        l2Bm.reward();
        uint256 share = (amount / k) * 3 / 4;
        assertEq(l2Bm.getTranscoder(ORCH).delegatedAmount, stake + share, "3/4 of the round's part");
        assertEq(l2Token.totalSupply(), supply, "nothing minted on L2");
        assertEq(l2Minter.totalRewardsMinted(), 0, "no reward minting at all");
        vm.prank(ORCH);
        vm.expectRevert(abi.encodeWithSelector(BondingManagerBase.RewardAlreadyCalled.selector, ORCH, 9));
        l2Bm.reward();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(BondingManagerBase.NotActiveTranscoder.selector, STRANGER));
        l2Bm.reward();
    }

    /// @notice A reward() in an L2 round nobody initialized, in its last block, starts the round itself and hands
    ///         out that round's part (its 1/K, not the round before's leftover), exactly as after an initializeRound().
    function test_aRewardThatOpensTheRoundHandsOutThatRoundsPart() public {
        uint256 amount = _mintAndDeliverRound2();
        vm.roll(START + 9 * sys.L2_ROUND_LENGTH() - 1); // the last block of L2 round 9, not initialized
        assertEq(l2Rounds.currentRound(), 9, "round 9");
        assertTrue(!l2Rounds.currentRoundInitialized(), "nobody initialized it");
        uint256 stake = l2Bm.getTranscoder(ORCH).delegatedAmount;
        vm.prank(ORCH);
        l2Bm.reward();
        assertEq(l2Rounds.lastInitializedRound(), 9, "the reward initialized round 9");
        assertEq(l2Minter.currentMintableTokens(), amount / k, "round 9's part");
        assertEq(l2Bm.getTranscoder(ORCH).delegatedAmount, stake + (amount / k) * 3 / 4, "3/4 of it");
        assertEq(l2Bm.getTranscoder(ORCH).lastRewardRound, 9, "rewarded for round 9");
        vm.expectRevert(abi.encodeWithSelector(RoundsManager.RoundAlreadyInitialized.selector, 9));
        l2Rounds.initializeRound();
        vm.prank(ORCH2);
        l2Bm.reward(); // the round is started: ORCH2 takes its 1/4 of the same part
        assertEq(l2Minter.distributedThisRound(), (amount / k) * 3 / 4 + (amount / k) / 4, "the round's part, once");
    }

    function test_aSkippedShareIsCarriedAndNothingIsStranded() public {
        uint256 amount = _mintAndDeliverRound2();
        // ORCH2 never calls reward; ORCH calls late in its rounds, and skips round 10 entirely
        for (uint256 r = 9; r <= 8 + k; ++r) {
            _startL2Round(r);
            if (r == 10) continue;
            vm.roll(block.number + sys.L2_ROUND_LENGTH() - 1); // the round's last block (locked)
            vm.prank(ORCH);
            l2Bm.reward();
        }
        uint256 left = l2Minter.undistributed() + l2Minter.available();
        assertGe(l2Minter.totalDistributed(), (amount * 3) / 4 + 1, "ORCH took back skipped shares, beyond 3/4");
        assertGe(left, 1, "ORCH2's share of the last round is still here");
        // ORCH2 leaves; past the pace's end every round offers all that is left, and ORCH alone takes it
        vm.prank(ORCH2);
        l2Bm.unbond(1_000_000e18);
        _startL2Round(9 + k);
        assertEq(l2Minter.currentMintableTokens(), left, "all of it offered");
        vm.prank(ORCH);
        l2Bm.reward();
        assertEq(l2Minter.available() + l2Minter.undistributed(), 0, "nothing stranded");
        assertEq(
            l2Minter.totalDistributed() + l2Minter.available() + l2Minter.undistributed(), amount, "conserved"
        );
        assertEq(l2Token.balanceOf(address(l2Minter)), 4_000_000e18 + amount, "nothing created or lost");
    }

    function test_theLastL2RoundOfTheL1RoundOffersTheRest() public {
        uint256 amount = _mintAndDeliverRound2();
        _startL2Round(8 + k - 1);
        uint256 before = l2Minter.undistributed() + l2Minter.available();
        _startL2Round(8 + k);
        assertEq(l2Minter.currentMintableTokens(), before, "the pace's last round offers everything left");
        assertEq(l2Minter.undistributed(), 0, "nothing kept back");
        vm.prank(ORCH);
        l2Bm.reward();
        vm.prank(ORCH2);
        l2Bm.reward();
        assertLe(l2Minter.available(), 1, "handed out but rounding");
        assertGe(l2Minter.totalDistributed(), before - 1, "all of the rest");
        assertLe(l2Minter.totalDistributed(), amount, "never more than arrived");
    }

    function test_aStrangersDepositsChangeNothing() public {
        uint256 amount = _mintAndDeliverRound2();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(L2DistributingMinter.NotRewardDeposit.selector, STRANGER, STRANGER));
        l2Minter.onLPTBridged(STRANGER, 1e18, abi.encode(uint256(2)));
        // a deposit with a hook from anyone but the L1 Minter fails on L2 (nothing minted)
        l1Token.approve(address(l1Gateway), 2e18);
        l1Gateway.outboundTransfer(
            address(l1Token), address(l2Minter), 1e18, 0, 0, abi.encode(uint256(0), abi.encode(uint256(2)))
        );
        assertTrue(!arb.redeem(arb.retryableCount() - 1), "the stranger's hooked deposit fails");
        // a plain deposit lands but is not counted
        l1Gateway.outboundTransfer(address(l1Token), address(l2Minter), 1e18, 0, 0, abi.encode(uint256(0), bytes("")));
        assertTrue(arb.redeem(arb.retryableCount() - 1), "plain deposit delivered");
        assertEq(l2Minter.totalReceived(), amount, "only the L1 Minter's rewards count");
        _startL2Round(9);
        assertEq(l2Minter.currentMintableTokens(), amount / k, "the round's part is unchanged");
    }
}
