// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {EarningsMath} from "./EarningsMath.sol";
import {IBondingManager} from "./interfaces/IBondingManager.sol";
import {ILivepeerToken} from "./interfaces/ILivepeerToken.sol";
import {IMinter} from "./interfaces/IMinter.sol";
import {IRoundsManager} from "./interfaces/IRoundsManager.sol";
import {SortedPool} from "./SortedPool.sol";

/// @title BondingManagerBase
/// @notice Staking accounting shared by the L1 and L2 BondingManagers: delegation, unbonding locks, the active
///         orchestrator set, inflation rewards and ETH fees.
/// @dev Earnings accounting (LIP-36 style: cumulative factors per orchestrator and round, precision 1e27).
///      Rule: the reward and fee credits an orchestrator receives in round R belong to the stake that was delegated
///      to it when R started and is still there when the credit arrives. Stake bonded during R (bond, rebond,
///      re-delegation, migrated stake) "joins" and earns from round R + 1 on, so bonding just before a reward
///      call or a ticket redemption captures nothing of it; stake that leaves during R earns nothing after it left.
///      Each orchestrator keeps a cumulative reward factor and a cumulative fee factor. A credit of `x` raises
///      them by `x / earningStake` (times the reward factor for fees), where the earning stake is the delegated
///      stake minus the commission not yet claimed and minus the stake that joined this round.
///      A delegator stores its stake as of its last claim (round `lastClaimRound`), the part of it that joined in
///      that round, and the factors at that claim. Its earning part is worth `earning * rewardFactor /
///      rewardFactorRef` now; the joined part starts from the factors as they stood at the end of its round,
///      which the orchestrator records once per round in which stake joined (lazily, at its first call in a
///      later round, when no credit can have happened in between). Claiming is O(1) however many rounds passed.
///      The commission (reward cut, fee share complement) is kept apart and joins the orchestrator's own stake
///      and fees at its next claim.
///      Reward sizing. An orchestrator's reward is minted on its eligible stake: its stake at round start, but no
///      more than the stake still delegated to it and not joining (`min(stakeAtRoundStart, delegated -
///      joining)`), since stake that left during the round earns nothing. It receives `mintable * eligible /
///      currentRoundTotalActiveStake`: a round never mints more than its mintable tokens (the eligible stakes add
///      up to at most the round's active stake). Of the reward, the unclaimed commission's share
///      (`reward * commission / (delegated - joining)`) goes to the commission, the reward cut of the rest too,
///      and what remains is shared over the earning stake `delegated - commission - joining`. Hence the reward
///      factor grows in a round by at most `mintable / currentRoundTotalActiveStake` of itself (the round's
///      reward rate), whatever stake moves during the round: unbonding all but 1 wei before `reward()` shrinks
///      the reward with the stake instead of multiplying the factor.
///      Factor ceiling. Both factors stay at most `EarningsMath.MAX_FACTOR` (2^216, from the 1e27 start a growth
///      of 2^126: some 87,000 rounds at Livepeer's ~0.1% reward rate per round). A credit that would lift one
///      above it (a fee credit of more than about 2^126 wei per wei of earning stake, or reward rates far above
///      the monetary policy's usual range held for many rounds on an almost unbonded chain) goes to the
///      commission instead, as an orchestrator may openly take with a 100% reward cut or a zero fee share.
///      With stakes below 2^128 and references at least 1e27, every claim computation then stays below 2^255 and
///      the sum of the two parts is compared exactly in 512 bits, so no claim, bond, unbond, rebond, fee
///      withdrawal, migration or pending view can overflow, whatever the orchestrator does.
///      When nothing delegated earns in a round (an orchestrator registered in that very round receiving fees),
///      the delegators' share goes to the commission.
///      Every stake-moving call requires the current round to be initialized: the stakes a round starts with are
///      exactly those present when `initializeRound()` ran.
abstract contract BondingManagerBase is Ownable2Step, IBondingManager {
    using SafeERC20 for ILivepeerToken;
    using SafeCast for uint256;
    using SortedPool for SortedPool.Pool;

    /// @notice Precision of `rewardCut` and `feeShare` (1e6 = 100%).
    uint256 public constant PERC_DIVISOR = 1_000_000;
    /// @notice Precision of the cumulative factors.
    uint256 public constant FACTOR_PRECISION = EarningsMath.FACTOR_PRECISION;

    /// @notice Registration state of an orchestrator.
    enum TranscoderStatus {
        NotRegistered,
        Registered
    }

    /// @notice Orchestrator state: its rounds and terms in one slot, its delegated stake with the stake it started
    ///         the round with, the reward factor, the joining stake with the reward commission, the fee factor,
    ///         the fee commission.
    /// @dev Registering writes the first four slots from zero (the joining stake's slot then holds the reward
    ///      commission). Rounds are `uint32`: the RoundsManager counts from round 1 at most one round a block, so
    ///      a round stays below `type(uint32).max` (which marks an orchestrator never deactivated) for some 1,600
    ///      years of 12-second blocks. `poolPlace` is its place in the active set (`SortedPool`; zero when it is not a
    ///      member), in the rounds slot so that membership costs no read of the set.
    ///      `joiningAmount` is the stake that joined in `joiningRound` and earns from the round after it;
    ///      `joiningRound` is zero once the factors at the end of that round are recorded.
    struct Transcoder {
        uint32 lastRewardRound;
        uint32 activationRound;
        uint32 deactivationRound;
        uint32 lastStakeChangeRound;
        uint32 joiningRound;
        uint32 rewardCut;
        uint32 feeShare;
        uint16 poolPlace;
        uint128 delegatedAmount;
        uint128 stakeAtRoundStart;
        uint256 cumulativeRewardFactor;
        uint128 joiningAmount;
        uint128 rewardCommission;
        uint256 cumulativeFeeFactor;
        uint128 feeCommission;
    }

    /// @notice Delegator state as of its last claim.
    /// @dev `joiningAmount` is the part of `bondedAmount` that joined in `lastClaimRound` (earning from the next
    ///      round); the factor references apply to the rest.
    struct Delegator {
        address delegateAddress;
        uint64 lastClaimRound;
        uint32 nextUnbondingLockId;
        uint128 bondedAmount;
        uint128 joiningAmount;
        uint256 fees;
        uint256 rewardFactorRef;
        uint256 feeFactorRef;
    }

    /// @notice An orchestrator's cumulative factors at some point.
    struct Factors {
        uint256 rewardFactor;
        uint256 feeFactor;
    }

    /// @notice Stake on its way out; withdrawable from `withdrawRound` on.
    struct UnbondingLock {
        uint128 amount;
        uint64 withdrawRound;
    }

    /// @notice LPT.
    ILivepeerToken public immutable token;
    /// @notice Holder of bonded LPT and fee ETH; mints rewards.
    IMinter public immutable minter;
    /// @notice The round clock.
    IRoundsManager public immutable roundsManager;

    /// @inheritdoc IBondingManager
    address public ticketBroker;
    /// @notice The only address allowed to move stake across layers (the L1Migrator on L1, the L2Migrator on L2);
    ///         zero until the governor sets it.
    address public migrator;
    /// @notice Rounds an unbonding lock waits before its stake can be withdrawn.
    uint64 public unbondingPeriod;
    // The two totals share a slot: reward() reads both and writes one.
    /// @notice Stake of the active set this round (fixed at round initialization).
    uint128 public currentRoundTotalActiveStake;
    /// @notice Stake of the active set as it stands for the next round.
    uint128 public nextRoundTotalActiveStake;

    mapping(address => Transcoder) internal _transcoders;
    mapping(address => Delegator) internal _delegators;
    mapping(address => mapping(uint256 => UnbondingLock)) internal _unbondingLocks;
    // Factors of an orchestrator at the end of a round in which stake joined it.
    mapping(address => mapping(uint256 => Factors)) private _roundEndFactors;

    // Active set, sorted by delegated stake, highest first; its capacity is `numActiveTranscoders`.
    SortedPool.Pool private _pool;

    /// @notice `delegator` bonded `additionalAmount` to `newDelegate` (from `oldDelegate`); now `bondedAmount`.
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );
    /// @notice `delegator` unbonded `amount` from `delegate` into lock `unbondingLockId`.
    event Unbond(
        address indexed delegate,
        address indexed delegator,
        uint256 unbondingLockId,
        uint256 amount,
        uint256 withdrawRound
    );
    /// @notice `delegator` rebonded lock `unbondingLockId` (`amount`) to `delegate`.
    event Rebond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount);
    /// @notice `delegator` withdrew lock `unbondingLockId` (`amount`).
    event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount);
    /// @notice `delegator` withdrew `amount` wei of fees to `recipient`.
    event WithdrawFees(address indexed delegator, address indexed recipient, uint256 amount);
    /// @notice `delegator` claimed `rewards` LPT and `fees` wei earned through `delegate`.
    event EarningsClaimed(address indexed delegate, address indexed delegator, uint256 rewards, uint256 fees);
    /// @notice `transcoder` set its reward cut and fee share.
    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    /// @notice `transcoder` joined the active set; active from `activationRound`.
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    /// @notice `transcoder` left the active set; inactive from `deactivationRound`.
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    /// @notice `transcoder` minted `amount` LPT of inflation rewards.
    event Reward(address indexed transcoder, uint256 amount);
    /// @notice `fees` wei were credited to `transcoder` for a ticket of `round`.
    event FeesCredited(address indexed transcoder, uint256 fees, uint256 round);
    /// @notice `transcoder`'s factors at the end of `round`, when stake that joined in it starts earning.
    event RoundEndFactorsRecorded(address indexed transcoder, uint256 round, uint256 rewardFactor, uint256 feeFactor);
    /// @notice The round's active stake was fixed at `stake`.
    event CurrentRoundTotalActiveStakeSet(uint256 stake);
    /// @notice The TicketBroker is now `ticketBroker`.
    event TicketBrokerSet(address indexed ticketBroker);
    /// @notice The Migrator is now `migrator`.
    event MigratorSet(address indexed migrator);
    /// @notice The unbonding period is now `unbondingPeriod` rounds.
    event UnbondingPeriodSet(uint256 unbondingPeriod);
    /// @notice The active set holds at most `numActiveTranscoders`.
    event NumActiveTranscodersSet(uint256 numActiveTranscoders);

    /// @notice Stake cannot move before `initializeRound()` ran for the current round.
    error CurrentRoundNotInitialized();
    /// @notice The current round is in its lock period.
    error CurrentRoundLocked();
    /// @notice A zero amount where tokens or wei must move.
    error ZeroAmount();
    /// @notice `bond(0, to)` to the current delegate (or while unbonded) changes nothing.
    error NothingToBond();
    /// @notice The zero address cannot be delegated to or receive fees.
    error ZeroAddress();
    /// @notice A registered orchestrator cannot delegate to another address.
    error TranscoderCannotRedelegate(address transcoder);
    /// @notice `account` is not a registered orchestrator.
    error NotRegisteredTranscoder(address account);
    /// @notice `account` is not in the current round's active set.
    error NotActiveTranscoder(address account);
    /// @notice `transcoder` already called `reward()` in `round`.
    error RewardAlreadyCalled(address transcoder, uint256 round);
    /// @notice A reward cut above 100%.
    error InvalidRewardCut(uint256 rewardCut);
    /// @notice A fee share above 100%.
    error InvalidFeeShare(uint256 feeShare);
    /// @notice Unbonding `amount` exceeds the bonded `bonded`.
    error InsufficientBond(uint256 amount, uint256 bonded);
    /// @notice Withdrawing `amount` wei exceeds the `fees` earned.
    error InsufficientFees(uint256 amount, uint256 fees);
    /// @notice No unbonding lock `unbondingLockId` (never created, rebonded or withdrawn).
    error InvalidUnbondingLock(uint256 unbondingLockId);
    /// @notice Lock `unbondingLockId` is withdrawable only from `withdrawRound`.
    error UnbondingLockNotWithdrawable(uint256 unbondingLockId, uint256 withdrawRound);
    /// @notice `rebond` needs bonded stake; use `rebondFromUnbonded`.
    error NotBonded();
    /// @notice `rebondFromUnbonded` needs no bonded stake; use `rebond`.
    error AlreadyBonded();
    /// @notice Earnings are known up to the current round only.
    error InvalidEndRound(uint256 endRound, uint256 currentRound);
    /// @notice A fee credit for a round that has not started.
    error InvalidRound(uint256 round, uint256 currentRound);
    /// @notice `account` is not the TicketBroker.
    error NotTicketBroker(address account);
    /// @notice `account` is not the RoundsManager.
    error NotRoundsManager(address account);
    /// @notice `account` is not the Migrator.
    error NotMigrator(address account);
    /// @notice An unbonding period of zero rounds.
    error InvalidUnbondingPeriod();
    /// @notice An active set limit below the current set size `poolSize` or above 65,535.
    error InvalidNumActiveTranscoders(uint256 numActiveTranscoders, uint256 poolSize);

    /// @param owner_ The governor.
    /// @param token_ LPT.
    /// @param minter_ The Minter.
    /// @param roundsManager_ The round clock.
    /// @param unbondingPeriod_ Rounds before unbonded stake can be withdrawn.
    /// @param numActiveTranscoders_ Maximum size of the active set (at most 65,535).
    constructor(
        address owner_,
        ILivepeerToken token_,
        IMinter minter_,
        IRoundsManager roundsManager_,
        uint64 unbondingPeriod_,
        uint256 numActiveTranscoders_
    ) Ownable(owner_) {
        if (address(token_) == address(0) || address(minter_) == address(0) || address(roundsManager_) == address(0))
        {
            revert ZeroAddress();
        }
        token = token_;
        minter = minter_;
        roundsManager = roundsManager_;
        _setUnbondingPeriod(unbondingPeriod_);
        _setNumActiveTranscoders(numActiveTranscoders_);
    }

    modifier onlyMigrator() {
        if (msg.sender != migrator) revert NotMigrator(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- governance

    /// @notice Sets the TicketBroker allowed to credit fees (governor only).
    /// @param ticketBroker_ The TicketBroker.
    function setTicketBroker(address ticketBroker_) external onlyOwner {
        if (ticketBroker_ == address(0)) revert ZeroAddress();
        ticketBroker = ticketBroker_;
        emit TicketBrokerSet(ticketBroker_);
    }

    /// @notice Sets the contract allowed to move stake across layers (governor only).
    /// @param migrator_ The L1Migrator on L1, the L2Migrator on L2.
    function setMigrator(address migrator_) external onlyOwner {
        if (migrator_ == address(0)) revert ZeroAddress();
        migrator = migrator_;
        emit MigratorSet(migrator_);
    }

    /// @notice Sets the unbonding period for locks created from now on (governor only).
    /// @param unbondingPeriod_ Rounds, at least one.
    function setUnbondingPeriod(uint64 unbondingPeriod_) external onlyOwner {
        _setUnbondingPeriod(unbondingPeriod_);
    }

    /// @notice Sets the maximum size of the active set; never below its current size, at most 65,535 (governor
    ///         only).
    /// @param numActiveTranscoders_ New limit.
    function setNumActiveTranscoders(uint256 numActiveTranscoders_) external onlyOwner {
        _setNumActiveTranscoders(numActiveTranscoders_);
    }

    /// @inheritdoc IBondingManager
    /// @dev RoundsManager only, from `initializeRound()`.
    function setCurrentRoundTotalActiveStake() external {
        if (msg.sender != address(roundsManager)) revert NotRoundsManager(msg.sender);
        currentRoundTotalActiveStake = nextRoundTotalActiveStake;
        emit CurrentRoundTotalActiveStakeSet(nextRoundTotalActiveStake);
    }

    // ---------------------------------------------------------------- orchestrators

    /// @notice Sets the caller's reward cut and fee share and tries to enter the active set. The caller must be
    ///         self-bonded; not callable during the round's lock period.
    /// @param rewardCut Share of rewards the orchestrator keeps (precision 1e6).
    /// @param feeShare Share of fees passed to delegators (precision 1e6).
    function transcoder(uint256 rewardCut, uint256 feeShare) external {
        uint256 round = _initializedRound();
        if (roundsManager.currentRoundLocked()) revert CurrentRoundLocked();
        if (!isRegisteredTranscoder(msg.sender)) revert NotRegisteredTranscoder(msg.sender);
        if (rewardCut > PERC_DIVISOR) revert InvalidRewardCut(rewardCut);
        if (feeShare > PERC_DIVISOR) revert InvalidFeeShare(feeShare);
        _setTranscoderTerms(msg.sender, rewardCut, feeShare);
        if (_transcoders[msg.sender].poolPlace == 0) _tryToJoinPool(msg.sender, round);
    }

    /// @notice Mints the caller's share of this round's inflation (active orchestrators, once per round): the
    ///         round's mintable tokens times its eligible stake (its stake at round start that is still delegated
    ///         to it) over the round's total active stake. The unclaimed
    ///         commission's share and the reward cut go to the orchestrator, the rest to everyone delegated to
    ///         it, by earning stake. The round must be initialized on L1; on L2 this call initializes it first
    ///         when it is not yet (see `_startedRound`).
    function reward() external {
        uint256 round = _startedRound();
        Transcoder storage t = _transcoders[msg.sender];
        if (!_isActive(t, round)) revert NotActiveTranscoder(msg.sender);
        if (t.lastRewardRound == round) revert RewardAlreadyCalled(msg.sender, round);
        t.lastRewardRound = uint32(round);
        _recordRoundEndFactors(msg.sender, t, round);
        uint256 delegated = t.delegatedAmount;
        uint256 earning = _earningStake(t, round);
        uint256 atRoundStart = t.lastStakeChangeRound == round ? t.stakeAtRoundStart : delegated;
        uint256 eligible = Math.min(atRoundStart, earning + t.rewardCommission);
        uint256 rewardTokens = minter.createReward(eligible, currentRoundTotalActiveStake);
        _shareReward(t, rewardTokens, earning);
        _setDelegatedAmount(msg.sender, t, delegated + rewardTokens, round);
        emit Reward(msg.sender, rewardTokens);
    }

    /// @inheritdoc IBondingManager
    /// @dev TicketBroker only. `fees` are split by the orchestrator's fee share; `round` (the ticket's round)
    ///      must not be in the future.
    function updateTranscoderWithFees(address transcoder_, uint256 fees, uint256 round) external {
        if (msg.sender != ticketBroker) revert NotTicketBroker(msg.sender);
        uint256 current = _initializedRound();
        if (round > current) revert InvalidRound(round, current);
        if (!isRegisteredTranscoder(transcoder_)) revert NotRegisteredTranscoder(transcoder_);
        Transcoder storage t = _transcoders[transcoder_];
        _recordRoundEndFactors(transcoder_, t, current);
        uint256 delegatorsFees = (fees * t.feeShare) / PERC_DIVISOR;
        uint256 feeFactor = t.cumulativeFeeFactor;
        (bool fits, uint256 increase) =
            EarningsMath.factorIncrease(delegatorsFees, t.cumulativeRewardFactor, _earningStake(t, current), feeFactor);
        if (fits) t.cumulativeFeeFactor = feeFactor + increase;
        else delegatorsFees = 0;
        t.feeCommission = (t.feeCommission + fees - delegatorsFees).toUint128();
        emit FeesCredited(transcoder_, fees, round);
    }

    // ---------------------------------------------------------------- delegators

    /// @notice Bonds `amount` of the caller's LPT (approved to this contract) and delegates all its stake to `to`;
    ///         `amount` may be zero to move existing stake to a new delegate.
    /// @param amount LPT to add, in wei.
    /// @param to Delegate (the caller itself to become an orchestrator).
    function bond(uint256 amount, address to) external {
        _bond(msg.sender, to, amount, msg.sender, _initializedRound());
    }

    /// @notice Moves `amount` of the caller's stake into a new unbonding lock, withdrawable after the unbonding
    ///         period. Unbonding all of an orchestrator's own stake unregisters it.
    /// @param amount LPT in wei.
    function unbond(uint256 amount) external {
        _unbond(msg.sender, amount);
    }

    /// @notice Returns lock `unbondingLockId` to the caller's stake with its current delegate.
    /// @param unbondingLockId The lock.
    function rebond(uint256 unbondingLockId) external {
        uint256 round = _initializedRound();
        _claimEarnings(msg.sender, round);
        Delegator storage d = _delegators[msg.sender];
        if (d.bondedAmount == 0) revert NotBonded();
        _rebond(msg.sender, d.delegateAddress, unbondingLockId, round);
    }

    /// @notice Bonds lock `unbondingLockId` to `to` while the caller has no bonded stake.
    /// @param to Delegate.
    /// @param unbondingLockId The lock.
    function rebondFromUnbonded(address to, uint256 unbondingLockId) external {
        uint256 round = _initializedRound();
        if (to == address(0)) revert ZeroAddress();
        if (_delegators[msg.sender].bondedAmount != 0) revert AlreadyBonded();
        _rebond(msg.sender, to, unbondingLockId, round);
    }

    /// @notice Withdraws the LPT of lock `unbondingLockId` once its unbonding period is over.
    /// @param unbondingLockId The lock.
    function withdrawStake(uint256 unbondingLockId) external {
        uint256 round = _initializedRound();
        UnbondingLock memory lock = _unbondingLocks[msg.sender][unbondingLockId];
        if (lock.amount == 0) revert InvalidUnbondingLock(unbondingLockId);
        if (lock.withdrawRound > round) revert UnbondingLockNotWithdrawable(unbondingLockId, lock.withdrawRound);
        delete _unbondingLocks[msg.sender][unbondingLockId];
        emit WithdrawStake(msg.sender, unbondingLockId, lock.amount);
        minter.trustedTransferTokens(msg.sender, lock.amount);
    }

    /// @notice Claims the caller's earnings, then sends `amount` wei of its fees to `recipient`.
    /// @dev The fees are debited before the Minter sends the ETH, so a re-entering recipient finds them spent.
    /// @param recipient Receiver of the ETH.
    /// @param amount Wei.
    function withdrawFees(address payable recipient, uint256 amount) external {
        uint256 round = _initializedRound();
        if (recipient == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        _claimEarnings(msg.sender, round);
        Delegator storage d = _delegators[msg.sender];
        if (amount > d.fees) revert InsufficientFees(amount, d.fees);
        d.fees -= amount;
        emit WithdrawFees(msg.sender, recipient, amount);
        minter.trustedWithdrawETH(recipient, amount);
    }

    /// @notice Adds the caller's pending rewards to its stake and its pending fees to its withdrawable fees.
    function claimEarnings() external {
        _claimEarnings(msg.sender, _initializedRound());
    }

    // ---------------------------------------------------------------- views

    /// @notice Stake of `delegator` including unclaimed rewards, as of `endRound` (must be the current round).
    /// @param delegator The delegator.
    /// @param endRound The current round.
    function pendingStake(address delegator, uint256 endRound) external view returns (uint256 stake) {
        _checkEndRound(endRound);
        (stake,) = _pendingEarnings(delegator, endRound);
    }

    /// @notice Fees of `delegator` including unclaimed ones, as of `endRound` (must be the current round).
    /// @param delegator The delegator.
    /// @param endRound The current round.
    function pendingFees(address delegator, uint256 endRound) external view returns (uint256 fees) {
        _checkEndRound(endRound);
        (, fees) = _pendingEarnings(delegator, endRound);
    }

    /// @notice Stored state of `delegator` (as of its last claim).
    /// @param delegator The delegator.
    function getDelegator(address delegator) external view returns (Delegator memory) {
        return _delegators[delegator];
    }

    /// @notice Stored state of `transcoder_`.
    /// @param transcoder_ The orchestrator.
    function getTranscoder(address transcoder_) external view returns (Transcoder memory) {
        return _transcoders[transcoder_];
    }

    /// @notice Lock `unbondingLockId` of `delegator` (zero amount when none).
    /// @param delegator The delegator.
    /// @param unbondingLockId The lock.
    function getDelegatorUnbondingLock(address delegator, uint256 unbondingLockId)
        external
        view
        returns (uint256 amount, uint256 withdrawRound)
    {
        UnbondingLock memory lock = _unbondingLocks[delegator][unbondingLockId];
        return (lock.amount, lock.withdrawRound);
    }

    /// @inheritdoc IBondingManager
    function isActiveTranscoder(address transcoder_) external view returns (bool) {
        return _isActive(_transcoders[transcoder_], roundsManager.currentRound());
    }

    /// @notice Whether `transcoder_` is self-delegated with bonded stake.
    /// @param transcoder_ The address.
    function isRegisteredTranscoder(address transcoder_) public view returns (bool) {
        Delegator storage d = _delegators[transcoder_];
        return d.delegateAddress == transcoder_ && d.bondedAmount > 0;
    }

    /// @notice Registration state of `transcoder_`.
    /// @param transcoder_ The address.
    function transcoderStatus(address transcoder_) external view returns (TranscoderStatus) {
        return isRegisteredTranscoder(transcoder_) ? TranscoderStatus.Registered : TranscoderStatus.NotRegistered;
    }

    /// @inheritdoc IBondingManager
    function getTotalBonded() external view returns (uint256) {
        return currentRoundTotalActiveStake;
    }

    /// @notice Maximum size of the active set.
    function numActiveTranscoders() external view returns (uint256) {
        return _pool.capacity;
    }

    /// @notice Number of orchestrators in the active set for the next round.
    function getTranscoderPoolSize() external view returns (uint256) {
        return _pool.size;
    }

    /// @notice Orchestrator with the most stake in the set (zero when empty).
    function getFirstTranscoderInPool() external view returns (address) {
        return _pool.first();
    }

    /// @notice Orchestrator after `transcoder_` in the set, by decreasing stake (zero at the end).
    /// @param transcoder_ A member of the set.
    function getNextTranscoderInPool(address transcoder_) external view returns (address) {
        return _pool.next(_transcoders[transcoder_].poolPlace);
    }

    // ---------------------------------------------------------------- internal accounting

    /// @dev Bonds `amount` LPT paid by `payer` for `delegator`, delegating all its stake to `to`, in the current
    ///      `round` (initialized).
    function _bond(address delegator, address to, uint256 amount, address payer, uint256 round) internal {
        if (to == address(0)) revert ZeroAddress();
        _claimEarnings(delegator, round);
        Delegator storage d = _delegators[delegator];
        address current = d.delegateAddress;
        uint256 bonded = d.bondedAmount;
        bool moving = bonded > 0 && current != to;
        if (amount == 0 && !moving) revert NothingToBond();
        if (moving && current == delegator) revert TranscoderCannotRedelegate(delegator);
        // Moved stake leaves its old delegate and joins the new one: it earns there from the next round.
        if (moving) _removeStake(d, current, bonded, round);
        _collectStake(payer, amount);
        _addStake(d, to, amount + (moving ? bonded : 0), round);
        emit Bond(to, current, delegator, amount, bonded + amount);
    }

    /// @dev Moves `amount` of `delegator`'s stake into a new unbonding lock.
    function _unbond(address delegator, uint256 amount) internal {
        uint256 round = _initializedRound();
        if (amount == 0) revert ZeroAmount();
        _claimEarnings(delegator, round);
        Delegator storage d = _delegators[delegator];
        uint256 bonded = d.bondedAmount;
        if (amount > bonded) revert InsufficientBond(amount, bonded);
        address delegate = d.delegateAddress;
        uint256 lockId = d.nextUnbondingLockId++;
        uint256 withdrawRound = round + unbondingPeriod;
        _unbondingLocks[delegator][lockId] = UnbondingLock(amount.toUint128(), uint64(withdrawRound));
        _removeStake(d, delegate, amount, round);
        if (bonded == amount) {
            d.delegateAddress = address(0);
            if (delegate == delegator) _resign(delegator, round);
        }
        emit Unbond(delegate, delegator, lockId, amount, withdrawRound);
    }

    /// @dev Adds `delegator`'s pending rewards and fees to its stored state and resets its factor references; stake
    ///      that joined in an earlier round now earns like the rest. A self-delegated orchestrator also collects its
    ///      commission (which earns at once: it was delegated stake when the round started).
    function _claimEarnings(address delegator, uint256 round) internal {
        address delegate = _collectEarnings(delegator, round);
        if (delegate == address(0)) return;
        Transcoder storage t = _transcoders[delegate];
        Delegator storage d = _delegators[delegator];
        d.rewardFactorRef = t.cumulativeRewardFactor;
        d.feeFactorRef = t.cumulativeFeeFactor;
    }

    /// @dev `_claimEarnings` without resetting the factor references, for a caller that then removes all the stake
    ///      (the references only serve earning stake). Returns the delegate (zero when there is none).
    function _collectEarnings(address delegator, uint256 round) private returns (address delegate) {
        Delegator storage d = _delegators[delegator];
        delegate = d.delegateAddress;
        if (delegate == address(0)) return delegate;
        Transcoder storage t = _transcoders[delegate];
        (uint256 stake, uint256 fees) = _pendingEarnings(delegator, round);
        if (delegate == delegator) {
            t.rewardCommission = 0;
            t.feeCommission = 0;
        }
        uint256 rewards = stake - d.bondedAmount;
        uint256 newFees = fees - d.fees;
        if (d.lastClaimRound != round) d.joiningAmount = 0;
        d.bondedAmount = stake.toUint128();
        d.fees = fees;
        d.lastClaimRound = uint64(round);
        emit EarningsClaimed(delegate, delegator, rewards, newFees);
    }

    /// @dev Unregisters `transcoder_` (its own stake is gone): it leaves the set and is inactive at once.
    function _resign(address transcoder_, uint256 round) internal {
        Transcoder storage t = _transcoders[transcoder_];
        if (t.poolPlace != 0) _leavePool(transcoder_, round);
        if (t.deactivationRound > round) {
            t.deactivationRound = uint32(round);
            emit TranscoderDeactivated(transcoder_, round);
        }
    }

    /// @dev Sets `transcoder_`'s reward cut and fee share (both at most `PERC_DIVISOR`; callers check).
    function _setTranscoderTerms(address transcoder_, uint256 rewardCut, uint256 feeShare) internal {
        Transcoder storage t = _transcoders[transcoder_];
        t.rewardCut = uint32(rewardCut);
        t.feeShare = uint32(feeShare);
        emit TranscoderUpdate(transcoder_, rewardCut, feeShare);
    }

    /// @dev Claims `delegator`'s earnings, then removes all its bonded stake without an unbonding lock (stake
    ///      migration): its delegate's stake drops by it, and a self-delegated orchestrator is unregistered and
    ///      leaves the active set. Fees stay withdrawable. Returns the stake removed and the delegate it left.
    function _removeAllStake(address delegator, uint256 round) internal returns (uint256 amount, address delegate) {
        delegate = _collectEarnings(delegator, round);
        Delegator storage d = _delegators[delegator];
        amount = d.bondedAmount;
        if (amount == 0) return (0, delegate);
        _removeStake(d, delegate, amount, round);
        d.delegateAddress = address(0);
        if (delegate == delegator) _resign(delegator, round);
    }

    /// @dev Deletes lock `unbondingLockId` of `delegator` and returns its amount (zero when there is none).
    function _takeUnbondingLock(address delegator, uint256 unbondingLockId) internal returns (uint256 amount) {
        amount = _unbondingLocks[delegator][unbondingLockId].amount;
        delete _unbondingLocks[delegator][unbondingLockId];
    }

    /// @dev `delegator`'s current delegate (zero when it has no bonded stake).
    function _delegateOf(address delegator) internal view returns (address) {
        return _delegators[delegator].bondedAmount == 0 ? address(0) : _delegators[delegator].delegateAddress;
    }

    /// @dev Takes `amount` LPT from `payer` into the Minter. An L2 BondingManager may source stake differently.
    function _collectStake(address payer, uint256 amount) internal virtual {
        if (amount > 0) token.safeTransferFrom(payer, address(minter), amount);
    }

    /// @dev Bonds `amount` more of `d`'s stake (already claimed this round) to `to`, as joining stake: it earns from
    ///      the next round. A delegator without bonded stake takes `to` as its delegate; its factor references are
    ///      left for its next claim, since only earning stake uses them and all of its stake is joining.
    function _addStake(Delegator storage d, address to, uint256 amount, uint256 round) private {
        Transcoder storage t = _transcoders[to];
        if (t.cumulativeRewardFactor == 0) t.cumulativeRewardFactor = FACTOR_PRECISION;
        if (d.bondedAmount == 0) d.delegateAddress = to;
        d.lastClaimRound = uint64(round);
        d.bondedAmount = (d.bondedAmount + amount).toUint128();
        d.joiningAmount = (d.joiningAmount + amount).toUint128();
        _recordRoundEndFactors(to, t, round);
        t.joiningRound = uint32(round);
        t.joiningAmount = (t.joiningAmount + amount).toUint128();
        _setDelegatedAmount(to, t, t.delegatedAmount + amount, round);
    }

    /// @dev Takes `amount` of `d`'s stake (claimed this round) away from `delegate`, joining stake first.
    function _removeStake(Delegator storage d, address delegate, uint256 amount, uint256 round) private {
        Transcoder storage t = _transcoders[delegate];
        uint256 fromJoining = Math.min(amount, d.joiningAmount);
        if (fromJoining > 0) {
            d.joiningAmount -= uint128(fromJoining);
            // A delegator's joining stake is from this round, so its delegate's joining stake is this round's too.
            t.joiningAmount -= uint128(fromJoining);
        }
        d.bondedAmount -= amount.toUint128();
        _setDelegatedAmount(delegate, t, t.delegatedAmount - amount, round);
    }

    /// @dev Once the round in which stake last joined `t` is over, records `t`'s factors as they stand: no credit
    ///      reached `t` since that round ended (credits call this first), so they are its end-of-round factors.
    function _recordRoundEndFactors(address addr, Transcoder storage t, uint256 round) private {
        uint256 joiningRound = t.joiningRound;
        if (joiningRound == 0 || joiningRound == round) return;
        uint256 rewardFactor = t.cumulativeRewardFactor;
        uint256 feeFactor = t.cumulativeFeeFactor;
        // Factors still at their start (no credit yet: a new orchestrator's first call) are what an empty entry
        // stands for (see `_factorsAtRoundEnd`), so they take no fresh slot.
        if (rewardFactor != FACTOR_PRECISION || feeFactor != 0) {
            _roundEndFactors[addr][joiningRound] = Factors(rewardFactor, feeFactor);
        }
        t.joiningRound = 0;
        t.joiningAmount = 0;
        emit RoundEndFactorsRecorded(addr, joiningRound, rewardFactor, feeFactor);
    }

    /// @dev `t`'s factors at the end of the past `round`, in which stake joined it.
    function _factorsAtRoundEnd(address addr, Transcoder storage t, uint256 round)
        private
        view
        returns (uint256 rewardFactor, uint256 feeFactor)
    {
        if (t.joiningRound == round) return (t.cumulativeRewardFactor, t.cumulativeFeeFactor);
        Factors storage f = _roundEndFactors[addr][round];
        rewardFactor = f.rewardFactor;
        // A recorded reward factor is at least FACTOR_PRECISION: an empty entry stands for the start factors.
        if (rewardFactor == 0) return (FACTOR_PRECISION, 0);
        return (rewardFactor, f.feeFactor);
    }

    /// @dev Shares a reward of `rewardTokens` minted on `earning` stake plus `t`'s unclaimed commission: the
    ///      delegators' part raises the reward factor, the rest (all of it when the factor cannot take it) goes to
    ///      the commission.
    function _shareReward(Transcoder storage t, uint256 rewardTokens, uint256 earning) private {
        uint256 commissionStake = t.rewardCommission;
        (uint256 toDelegators, uint256 commission) =
            EarningsMath.rewardSplit(rewardTokens, earning, commissionStake, t.rewardCut);
        uint256 rewardFactor = t.cumulativeRewardFactor;
        (bool fits, uint256 increase) = EarningsMath.factorIncrease(toDelegators, rewardFactor, earning, rewardFactor);
        if (fits) t.cumulativeRewardFactor = rewardFactor + increase;
        else commission = rewardTokens;
        t.rewardCommission = (commissionStake + commission).toUint128();
    }

    /// @dev The stake of `t` that earns the credits of `round`: delegated, minus the unclaimed reward commission,
    ///      minus the stake that joined in `round`.
    function _earningStake(Transcoder storage t, uint256 round) private view returns (uint256) {
        uint256 joining = t.joiningRound == round ? t.joiningAmount : 0;
        return t.delegatedAmount - t.rewardCommission - joining;
    }

    /// @dev The current round; reverts unless it is initialized.
    function _initializedRound() internal view returns (uint256) {
        (uint256 round, bool initialized) = roundsManager.currentRoundState();
        if (!initialized) revert CurrentRoundNotInitialized();
        return round;
    }

    /// @dev The current round for a call that may start it (`reward()`, and the L2 migrations): when it is not
    ///      initialized, the layer's `_startUninitializedRound` reverts (L1) or initializes it (L2). `reward()` asks
    ///      before it reads any state, so what an initialization writes (the round's total active stake here,
    ///      through `setCurrentRoundTotalActiveStake`, and the Minter's mintable tokens) is what the reward uses.
    function _startedRound() internal returns (uint256 round) {
        bool initialized;
        (round, initialized) = roundsManager.currentRoundState();
        if (!initialized) _startUninitializedRound();
    }

    /// @dev What a layer does when a call that may start the round finds it uninitialized.
    function _startUninitializedRound() internal virtual;

    function _rebond(address delegator, address to, uint256 unbondingLockId, uint256 round) private {
        UnbondingLock memory lock = _unbondingLocks[delegator][unbondingLockId];
        if (lock.amount == 0) revert InvalidUnbondingLock(unbondingLockId);
        delete _unbondingLocks[delegator][unbondingLockId];
        _addStake(_delegators[delegator], to, lock.amount, round);
        emit Rebond(to, delegator, unbondingLockId, lock.amount);
    }

    /// @dev `delegator`'s stake and fees with everything earned up to now, in the current `round`.
    function _pendingEarnings(address delegator, uint256 round) private view returns (uint256 stake, uint256 fees) {
        Delegator storage d = _delegators[delegator];
        stake = d.bondedAmount;
        fees = d.fees;
        if (stake == 0) return (stake, fees);
        address delegate = d.delegateAddress;
        Transcoder storage t = _transcoders[delegate];
        uint256 rewardFactor = t.cumulativeRewardFactor;
        uint256 feeFactor = t.cumulativeFeeFactor;
        uint256 joining = d.joiningAmount;
        uint256 earning = stake - joining;
        // The factor references are set (at the last claim) exactly when there is earning stake.
        if (joining == 0 || d.lastClaimRound == round) {
            // Joining stake, if any, joined this round and has earned nothing yet.
            if (earning > 0) {
                fees += Math.mulDiv(earning, feeFactor - d.feeFactorRef, d.rewardFactorRef);
                stake = Math.mulDiv(earning, rewardFactor, d.rewardFactorRef) + joining;
            }
        } else {
            // The joined part has earned since the end of its round.
            (uint256 endRewardFactor, uint256 endFeeFactor) = _factorsAtRoundEnd(delegate, t, d.lastClaimRound);
            if (earning == 0) {
                fees += Math.mulDiv(joining, feeFactor - endFeeFactor, endRewardFactor);
                stake = Math.mulDiv(joining, rewardFactor, endRewardFactor);
            } else {
                // One rounding for both parts.
                fees += EarningsMath.floorOfSum(
                    earning,
                    feeFactor - d.feeFactorRef,
                    d.rewardFactorRef,
                    joining,
                    feeFactor - endFeeFactor,
                    endRewardFactor
                );
                stake = EarningsMath.floorOfSum(earning, rewardFactor, d.rewardFactorRef, joining, rewardFactor, endRewardFactor);
            }
        }
        if (delegate == delegator) {
            stake += t.rewardCommission;
            fees += t.feeCommission;
        }
    }

    function _checkEndRound(uint256 endRound) private view {
        uint256 round = roundsManager.currentRound();
        if (endRound != round) revert InvalidEndRound(endRound, round);
    }

    function _setUnbondingPeriod(uint64 unbondingPeriod_) private {
        if (unbondingPeriod_ == 0) revert InvalidUnbondingPeriod();
        unbondingPeriod = unbondingPeriod_;
        emit UnbondingPeriodSet(unbondingPeriod_);
    }

    function _setNumActiveTranscoders(uint256 numActiveTranscoders_) private {
        uint256 poolSize = _pool.size;
        if (numActiveTranscoders_ < poolSize || numActiveTranscoders_ > SortedPool.MAX_CAPACITY) {
            revert InvalidNumActiveTranscoders(numActiveTranscoders_, poolSize);
        }
        _pool.setCapacity(numActiveTranscoders_);
        emit NumActiveTranscodersSet(numActiveTranscoders_);
    }

    function _isActive(Transcoder storage t, uint256 round) private view returns (bool) {
        return t.activationRound != 0 && t.activationRound <= round && round < t.deactivationRound;
    }

    /// @dev Sets `addr`'s delegated stake, remembering the stake it started `round` with, and keeps the active
    ///      set (order, next round's total, membership) in step.
    function _setDelegatedAmount(address addr, Transcoder storage t, uint256 amount, uint256 round) private {
        uint256 previous = t.delegatedAmount;
        if (t.lastStakeChangeRound != round) {
            t.stakeAtRoundStart = uint128(previous);
            t.lastStakeChangeRound = uint32(round);
        }
        t.delegatedAmount = amount.toUint128();
        uint256 place = t.poolPlace;
        if (place != 0) {
            nextRoundTotalActiveStake = (nextRoundTotalActiveStake + amount - previous).toUint128();
            _pool.reposition(place, previous, amount, _stakeOf);
        } else if (amount > previous && isRegisteredTranscoder(addr)) {
            _tryToJoinPool(addr, round);
        }
    }

    // ---------------------------------------------------------------- active set

    /// @dev The key the active set is sorted by: delegated stake.
    function _stakeOf(address addr) private view returns (uint256) {
        return _transcoders[addr].delegatedAmount;
    }

    /// @dev Adds registered `addr` to the active set when there is room or it outweighs the set's last member
    ///      (which then leaves); it is active from the next round unless it is active already.
    function _tryToJoinPool(address addr, uint256 round) private {
        uint256 stake = _stakeOf(addr);
        if (_pool.isFull()) {
            address tail = _pool.last();
            if (tail == address(0) || stake <= _stakeOf(tail)) return;
            _leavePool(tail, round);
        }
        Transcoder storage t = _transcoders[addr];
        t.poolPlace = uint16(_pool.insert(addr, stake, _stakeOf));
        nextRoundTotalActiveStake = (nextRoundTotalActiveStake + stake).toUint128();
        if (!_isActive(t, round)) t.activationRound = uint32(round + 1);
        t.deactivationRound = type(uint32).max;
        emit TranscoderActivated(addr, t.activationRound);
    }

    /// @dev Takes `addr` out of the active set; it is inactive from the next round.
    function _leavePool(address addr, uint256 round) private {
        Transcoder storage t = _transcoders[addr];
        _pool.remove(t.poolPlace);
        t.poolPlace = 0;
        nextRoundTotalActiveStake -= t.delegatedAmount;
        t.deactivationRound = uint32(round + 1);
        emit TranscoderDeactivated(addr, round + 1);
    }
}
