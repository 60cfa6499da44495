// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L2DistributingMinter} from "../../../contracts/l2/L2DistributingMinter.sol";
import {L2LivepeerToken} from "../../../contracts/l2/L2LivepeerToken.sol";
import {RoundsManager} from "../../../contracts/protocol/RoundsManager.sol";
import {ILivepeerToken} from "../../../contracts/protocol/interfaces/ILivepeerToken.sol";
import {IRoundsManager} from "../../../contracts/protocol/interfaces/IRoundsManager.sol";
import {TestBase, bound} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @title The L2 minter of the L1-minting mode, driven alone
/// @notice The handler is the governor, the L2 gateway (it delivers the L1 Minter's arrivals and strangers'
///         deposits) and the BondingManager (it asks for any fraction of a round's amount, any number of times,
///         as a buggy or hostile BondingManager could). Rounds advance by any number of blocks and are initialized
///         or skipped at random.
contract DistributionHandler {
    address public constant L1_MINTER = address(0x11);
    address public constant STRANGER = address(0xBAD);

    L2LivepeerToken public immutable token;
    RoundsManager public immutable rounds;
    L2DistributingMinter public immutable minter;

    uint256 public ghostReceived;
    uint256 public ghostGifts;
    uint256 public ghostDistributed;
    /// @notice Set when a stranger's hooked deposit was counted.
    bool public strangerCounted;

    constructor() {
        token = new L2LivepeerToken(address(this));
        rounds = new RoundsManager(address(this), 10, 100_000);
        minter = new L2DistributingMinter(address(this), ILivepeerToken(address(token)), IRoundsManager(rounds), 7);
        token.setMinter(address(minter));
        rounds.setMinter(address(minter));
        rounds.setBondingManager(address(this));
        minter.setBondingManager(address(this));
        minter.addMintingDelegate(address(this));
        minter.setRewardSource(address(this), L1_MINTER);
    }

    /// @dev The RoundsManager's call to its BondingManager at a round's start.
    function setCurrentRoundTotalActiveStake() external {}

    /// @notice The L1 Minter's rewards arrive through the gateway.
    function arrive(uint256 amount) external {
        amount = bound(amount, 0, 1e26);
        minter.mint(address(minter), amount);
        minter.onLPTBridged(L1_MINTER, amount, abi.encode(rounds.currentRound()));
        ghostReceived += amount;
    }

    /// @notice A stranger's deposit: with a hook it must be refused; without one it lands uncounted.
    function strangerDeposit(uint256 amount, bool hooked) external {
        amount = bound(amount, 1, 1e24);
        if (hooked) {
            try minter.onLPTBridged(STRANGER, amount, abi.encode(uint256(0))) {
                strangerCounted = true;
            } catch {}
            return;
        }
        minter.mint(address(minter), amount);
        ghostGifts += amount;
    }

    /// @notice Blocks pass.
    function advance(uint256 blocks) external {
        vm.roll(block.number + bound(blocks, 1, 40));
    }

    /// @notice Someone initializes the current round (if it is not yet).
    function initializeRound() external {
        try rounds.initializeRound() {} catch {}
    }

    /// @notice The BondingManager asks for `num / denom` of the round's amount.
    function reward(uint256 num, uint256 denom) external {
        denom = bound(denom, 1, 1e30);
        num = bound(num, 0, denom);
        if (!rounds.currentRoundInitialized()) return;
        try minter.createReward(num, denom) returns (uint256 amount) {
            ghostDistributed += amount;
        } catch {}
    }

    /// @notice Governance changes K.
    function setRoundsPerL1Round(uint256 k) external {
        minter.setRoundsPerL1Round(bound(k, 1, 30));
    }
}

/// @title Conservation, nothing created, nothing stranded
contract DistributionInvariants is TestBase {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    DistributionHandler internal handler;
    L2DistributingMinter internal minter;

    function setUp() public {
        vm.roll(1000);
        handler = new DistributionHandler();
        minter = handler.minter();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory s = new bytes4[](7);
        s[0] = DistributionHandler.arrive.selector;
        s[1] = DistributionHandler.strangerDeposit.selector;
        s[2] = DistributionHandler.advance.selector;
        s[3] = DistributionHandler.initializeRound.selector;
        s[4] = DistributionHandler.reward.selector;
        s[5] = DistributionHandler.setRoundsPerL1Round.selector;
        s[6] = DistributionHandler.reward.selector; // rewards twice as likely as the rest
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), s);
    }

    /// @notice received == distributed + available this round + undistributed, and the counters are what the
    ///         handler saw.
    function invariant_sumConserved() public view {
        assertEq(minter.totalReceived(), handler.ghostReceived(), "received != arrivals from the L1 Minter");
        assertEq(minter.totalDistributed(), handler.ghostDistributed(), "distributed != handed out");
        assertEq(
            minter.totalReceived(),
            minter.totalDistributed() + minter.available() + minter.undistributed(),
            "received != distributed + available + undistributed"
        );
        assertLe(minter.distributedThisRound(), minter.currentMintableTokens(), "a round handed out more than it had");
        assertTrue(!handler.strangerCounted(), "a stranger's deposit counted");
    }

    /// @notice No LPT is created: the supply is exactly what the gateway minted, all of it in the minter (what is
    ///         handed out stays there as bonded stake).
    function invariant_nothingCreated() public view {
        uint256 minted = handler.ghostReceived() + handler.ghostGifts();
        assertEq(handler.token().totalSupply(), minted, "L2 supply != bridged");
        assertEq(handler.token().balanceOf(address(minter)), minted, "minter balance != bridged");
        assertEq(minter.totalRewardsMinted(), 0, "reward minting on L2");
    }

    /// @notice Nothing is stranded: one round past the pace's end, a BondingManager taking whole rounds hands out
    ///         everything that arrived.
    function invariant_nothingStranded() public {
        uint256 snapshot = vm.snapshotState();
        RoundsManager rounds = handler.rounds();
        uint256 length = rounds.roundLength();
        uint256 end = minter.paceEndRound();
        uint256 current = rounds.currentRound();
        uint256 target = (end > current ? end : current) + 1;
        vm.roll(rounds.currentRoundStartBlock() + (target - current) * length);
        rounds.initializeRound();
        vm.prank(address(handler));
        minter.createReward(1, 1);
        assertEq(minter.available() + minter.undistributed(), 0, "LPT stranded");
        assertEq(minter.totalDistributed(), minter.totalReceived(), "not all handed out");
        vm.revertToState(snapshot);
    }
}
