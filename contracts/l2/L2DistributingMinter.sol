// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IL2LPTReceiver} from "../bridge/IL2LPTReceiver.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";
import {Minter} from "../protocol/Minter.sol";

/// @title L2DistributingMinter
/// @notice The L2 Minter of the L1-minting mode. Like the L2Minter it is L2 LPT's only minter, holds all bonded LPT
///         and fee ETH, and lets the L2 gateway mint bridged deposits and the L2Migrator migrated stake (both
///         escrowed on L1); unlike it, it mints no inflation: the L1 Minter mints each L1 round's rewards and
///         deposits them here, and `reward()` on L2 (through `createReward`, the same call and the same fraction rule
///         as the Minter's) pays the orchestrator's share of the L2 round's available amount out of what arrived.
///         One L1 round spans `roundsPerL1Round` (K) L2 rounds.
/// @dev Arrivals. Only a deposit whose L1 sender is `l1Minter`, finalized by `l2Gateway` with its call hook, counts
///      (`onLPTBridged`); the hook refuses any other depositor, so a stranger's deposit with a hook fails on L2 (its
///      ticket stays redeemable until it expires; the LPT stays in the L1 escrow). LPT that reaches this contract
///      otherwise (a plain transfer, a deposit without a hook) is not counted and never handed out: nothing a
///      stranger sends changes what orchestrators receive.
///
///      Pace. What has arrived and is not yet handed to a round (`undistributed`) is spread evenly over the L2 rounds
///      up to `paceEndRound`: the Kth round starting after the latest arrival (an arrival during a round that is
///      already initialized is first available in the next round). A round takes `undistributed / (rounds left up
///      to paceEndRound, itself included)`; the round at or past `paceEndRound` takes all of it. So one arrival per
///      L1 round is handed out as 1/K in each of the K L2 rounds that follow it, and an arrival that comes while the
///      previous one is still being handed out is spread, with that one's rest, over the K rounds after it.
///      Rounds nobody initializes hand out nothing; their part stays in `undistributed` for the rounds left.
///
///      Skipped shares. What a round made available and `reward()` did not take (orchestrators that did not call it,
///      rounding) goes back into `undistributed` when the next round starts, and is spread over the rounds left.
///      The LPT already exists: L1 minted it as the round's inflation, by the policy's rate on the staked share of
///      the supply. Returning it to L1 to burn it would cost an L2 -> L1 message, a week, and an L1 transaction
///      per batch, and would make the issued supply depend on who calls `reward()` on L2, which the L1 policy
///      cannot see. Carrying it keeps the supply exactly what the policy issued and hands the skipped share to the
///      stake that does its work in the following rounds, as a higher reward rate for them; with L2 minting, the
///      same share is simply never minted. Nothing is ever stranded: after the pace's end every round offers all
///      that is undistributed, and nothing is created: `totalReceived == totalDistributed + available() +
///      undistributed` at all times, and the LPT handed out never leaves this contract (it becomes bonded stake).
contract L2DistributingMinter is Minter, IL2LPTReceiver {
    using SafeCast for uint256;

    /// @notice Highest `roundsPerL1Round`.
    uint256 public constant MAX_ROUNDS_PER_L1_ROUND = 1000;

    /// @notice The L2 LPT gateway, the only caller of `onLPTBridged`.
    address public l2Gateway;
    /// @notice The L1 Minter whose deposits are rewards.
    address public l1Minter;
    /// @notice L2 rounds per L1 round (K): each arrival is spread over the K rounds after it.
    uint256 public roundsPerL1Round;
    /// @notice Rewards that arrived from the L1 Minter, in total.
    uint256 public totalReceived;
    /// @notice Rewards handed to orchestrators through `createReward`, in total.
    uint256 public totalDistributed;
    /// @notice Rewards arrived and not yet made available to a round.
    uint256 public undistributed;
    /// @notice Rewards handed out in the current round (of its `currentMintableTokens`).
    uint256 public distributedThisRound;
    /// @notice Last L2 round over which `undistributed` is spread.
    uint256 public paceEndRound;

    /// @notice `amount` rewards of L1 round `l1Round` arrived; `undistributed` is spread up to L2 round `paceEnd`.
    event RewardsArrived(uint256 indexed l1Round, uint256 amount, uint256 paceEnd);
    /// @notice L2 round `round` offers `amount` rewards; `undistributed` is left for later rounds.
    event RoundRewardsAvailable(uint256 indexed round, uint256 amount, uint256 undistributed);
    /// @notice `amount` rewards were handed to the BondingManager for an orchestrator and its delegators.
    event RewardDistributed(uint256 amount);
    /// @notice Rewards now come from `l1Minter` through `l2Gateway`.
    event RewardSourceSet(address indexed l2Gateway, address indexed l1Minter);
    /// @notice An L1 round now spans `roundsPerL1Round` L2 rounds.
    event RoundsPerL1RoundSet(uint256 roundsPerL1Round);

    /// @notice `onLPTBridged` from `caller` (not the L2 gateway) or for a deposit by `l1From` (not the L1 Minter).
    error NotRewardDeposit(address caller, address l1From);
    /// @notice `roundsPerL1Round` outside [1, MAX_ROUNDS_PER_L1_ROUND].
    error InvalidRoundsPerL1Round(uint256 roundsPerL1Round);

    /// @param owner_ The governor.
    /// @param token_ L2 LPT.
    /// @param roundsManager_ The L2 round clock.
    /// @param roundsPerL1Round_ L2 rounds per L1 round (K).
    constructor(address owner_, ILivepeerToken token_, IRoundsManager roundsManager_, uint256 roundsPerL1Round_)
        Minter(owner_, token_, roundsManager_, 0, 0, 0)
    {
        _setRoundsPerL1Round(roundsPerL1Round_);
    }

    /// @notice Names the L2 gateway and the L1 Minter whose deposits are rewards (governor only).
    /// @param l2Gateway_ The L2 LPT gateway.
    /// @param l1Minter_ The L1 Minter (an L1 address).
    function setRewardSource(address l2Gateway_, address l1Minter_) external onlyOwner {
        if (l2Gateway_ == address(0) || l1Minter_ == address(0)) revert ZeroAddress();
        l2Gateway = l2Gateway_;
        l1Minter = l1Minter_;
        emit RewardSourceSet(l2Gateway_, l1Minter_);
    }

    /// @notice Sets how many L2 rounds an L1 round spans (governor only); it paces arrivals from then on. Set it
    ///         with the L2 round length, so that K L2 rounds last as many L1 blocks as an L1 round.
    /// @param roundsPerL1Round_ K, in [1, MAX_ROUNDS_PER_L1_ROUND].
    function setRoundsPerL1Round(uint256 roundsPerL1Round_) external onlyOwner {
        _setRoundsPerL1Round(roundsPerL1Round_);
    }

    /// @inheritdoc IL2LPTReceiver
    /// @dev The L2 gateway only, for a deposit of the L1 Minter (see the contract notes); `data` is the L1 round.
    function onLPTBridged(address l1From, uint256 amount, bytes calldata data) external {
        if (msg.sender != l2Gateway || l1From != l1Minter) revert NotRewardDeposit(msg.sender, l1From);
        totalReceived += amount;
        undistributed += amount;
        (uint256 round, bool initialized) = roundsManager.currentRoundState();
        uint256 end = initialized ? round + roundsPerL1Round : round + roundsPerL1Round - 1;
        if (end > paceEndRound) paceEndRound = end;
        emit RewardsArrived(abi.decode(data, (uint256)), amount, paceEndRound);
    }

    /// @inheritdoc Minter
    /// @dev RoundsManager only. Takes back what the last round did not hand out, then fixes this round's part of
    ///      `undistributed` (see the contract notes).
    function setCurrentRewardTokens() external override {
        if (msg.sender != address(roundsManager)) revert NotRoundsManager(msg.sender);
        uint256 round = roundsManager.currentRound();
        uint256 pool = undistributed + available();
        uint256 end = paceEndRound;
        uint256 amount = round >= end ? pool : pool / (end - round + 1);
        undistributed = pool - amount;
        currentMintableTokens = amount.toUint128();
        distributedThisRound = 0;
        emit RoundRewardsAvailable(round, amount, pool - amount);
    }

    /// @inheritdoc Minter
    /// @dev BondingManager only. Hands out `fracNum / fracDenom` of the round's available amount; mints nothing: the
    ///      LPT is already here and stays here as the orchestrator's bonded stake.
    function createReward(uint256 fracNum, uint256 fracDenom) external override onlyBondingManager returns (uint256) {
        if (fracDenom == 0 || fracNum > fracDenom) revert InvalidFraction(fracNum, fracDenom);
        uint256 amount = (uint256(currentMintableTokens) * fracNum) / fracDenom;
        uint256 left = available();
        if (amount > left) revert MintableExceeded(amount, left);
        distributedThisRound += amount;
        totalDistributed += amount;
        emit RewardDistributed(amount);
        return amount;
    }

    /// @notice What `reward()` calls can still take in the current round.
    function available() public view returns (uint256) {
        return currentMintableTokens - distributedThisRound;
    }

    function _setRoundsPerL1Round(uint256 roundsPerL1Round_) private {
        if (roundsPerL1Round_ == 0 || roundsPerL1Round_ > MAX_ROUNDS_PER_L1_ROUND) {
            revert InvalidRoundsPerL1Round(roundsPerL1Round_);
        }
        roundsPerL1Round = roundsPerL1Round_;
        emit RoundsPerL1RoundSet(roundsPerL1Round_);
    }
}
