// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IBondingManager} from "./interfaces/IBondingManager.sol";
import {ILivepeerToken} from "./interfaces/ILivepeerToken.sol";
import {IMinter} from "./interfaces/IMinter.sol";
import {IRoundsManager} from "./interfaces/IRoundsManager.sol";

/// @title BondingManagerBase
/// @notice Staking accounting shared by the L1 and L2 BondingManagers: delegation, unbonding locks, the active
///         orchestrator set, inflation rewards and ETH fees.
/// @dev Earnings accounting. Each orchestrator keeps a cumulative reward factor and a cumulative fee factor
///      (precision 1e27). A delegator stores its stake and the two factors as they were at its last claim; its
///      stake now is `bonded * rewardFactor / rewardFactorRef` and its unclaimed fees are
///      `bonded * (feeFactor - feeFactorRef) / rewardFactorRef`, so claiming is O(1) however many rounds passed.
///      An orchestrator's earning stake is its delegated stake minus its unclaimed reward commission; reward and
///      fee credits raise the factors in proportion to it, so they accrue to the stake delegated at the moment
///      they are credited (nothing is left unowned when a delegator leaves or arrives mid-round).
///      The commission (reward cut, fee share complement) is kept apart and joins the orchestrator's own stake
///      and fees at its next claim. Reward *shares* use stakes fixed at round start: an orchestrator receives
///      `mintable * stakeAtRoundStart / currentRoundTotalActiveStake`, so a round never mints more than its
///      mintable tokens whatever stake moves during the round.
///      Every stake-moving call requires the current round to be initialized: the stakes a round starts with are
///      exactly those present when `initializeRound()` ran.
abstract contract BondingManagerBase is Ownable2Step, IBondingManager {
    using SafeERC20 for ILivepeerToken;
    using SafeCast for uint256;

    /// @notice Precision of `rewardCut` and `feeShare` (1e6 = 100%).
    uint256 public constant PERC_DIVISOR = 1_000_000;
    /// @notice Precision of the cumulative factors.
    uint256 public constant FACTOR_PRECISION = 1e27;

    /// @notice Registration state of an orchestrator.
    enum TranscoderStatus {
        NotRegistered,
        Registered
    }

    /// @notice Orchestrator state (three packed slots, then the factors).
    struct Transcoder {
        uint64 lastRewardRound;
        uint64 activationRound;
        uint64 deactivationRound;
        uint32 rewardCut;
        uint32 feeShare;
        uint128 delegatedAmount;
        uint128 stakeAtRoundStart;
        uint64 lastStakeChangeRound;
        uint128 rewardCommission;
        uint256 cumulativeRewardFactor;
        uint256 cumulativeFeeFactor;
        uint256 feeCommission;
    }

    /// @notice Delegator state as of its last claim.
    struct Delegator {
        address delegateAddress;
        uint64 lastClaimRound;
        uint32 nextUnbondingLockId;
        uint256 bondedAmount;
        uint256 fees;
        uint256 rewardFactorRef;
        uint256 feeFactorRef;
    }

    /// @notice Stake on its way out; withdrawable from `withdrawRound` on.
    struct UnbondingLock {
        uint128 amount;
        uint64 withdrawRound;
    }

    struct PoolNode {
        address prev;
        address next;
    }

    /// @notice LPT.
    ILivepeerToken public immutable token;
    /// @notice Holder of bonded LPT and fee ETH; mints rewards.
    IMinter public immutable minter;
    /// @notice The round clock.
    IRoundsManager public immutable roundsManager;

    /// @inheritdoc IBondingManager
    address public ticketBroker;
    /// @notice Rounds an unbonding lock waits before its stake can be withdrawn.
    uint64 public unbondingPeriod;
    /// @notice Maximum size of the active set.
    uint256 public numActiveTranscoders;
    /// @notice Stake of the active set this round (fixed at round initialization).
    uint256 public currentRoundTotalActiveStake;
    /// @notice Stake of the active set as it stands for the next round.
    uint256 public nextRoundTotalActiveStake;

    mapping(address => Transcoder) internal _transcoders;
    mapping(address => Delegator) internal _delegators;
    mapping(address => mapping(uint256 => UnbondingLock)) internal _unbondingLocks;

    // Active set: a doubly linked list sorted by delegated stake, highest first.
    mapping(address => PoolNode) private _pool;
    address private _poolHead;
    address private _poolTail;
    uint256 private _poolSize;

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
    /// @notice The round's active stake was fixed at `stake`.
    event CurrentRoundTotalActiveStakeSet(uint256 stake);
    /// @notice The TicketBroker is now `ticketBroker`.
    event TicketBrokerSet(address indexed ticketBroker);
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
    /// @notice An unbonding period of zero rounds.
    error InvalidUnbondingPeriod();
    /// @notice An active set limit below the current set size `poolSize`.
    error InvalidNumActiveTranscoders(uint256 numActiveTranscoders, uint256 poolSize);

    /// @param owner_ The governor.
    /// @param token_ LPT.
    /// @param minter_ The Minter.
    /// @param roundsManager_ The round clock.
    /// @param unbondingPeriod_ Rounds before unbonded stake can be withdrawn.
    /// @param numActiveTranscoders_ Maximum size of the active set.
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
        numActiveTranscoders = numActiveTranscoders_;
        emit NumActiveTranscodersSet(numActiveTranscoders_);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Sets the TicketBroker allowed to credit fees (governor only).
    /// @param ticketBroker_ The TicketBroker.
    function setTicketBroker(address ticketBroker_) external onlyOwner {
        if (ticketBroker_ == address(0)) revert ZeroAddress();
        ticketBroker = ticketBroker_;
        emit TicketBrokerSet(ticketBroker_);
    }

    /// @notice Sets the unbonding period for locks created from now on (governor only).
    /// @param unbondingPeriod_ Rounds, at least one.
    function setUnbondingPeriod(uint64 unbondingPeriod_) external onlyOwner {
        _setUnbondingPeriod(unbondingPeriod_);
    }

    /// @notice Sets the maximum size of the active set; never below its current size (governor only).
    /// @param numActiveTranscoders_ New limit.
    function setNumActiveTranscoders(uint256 numActiveTranscoders_) external onlyOwner {
        if (numActiveTranscoders_ < _poolSize) revert InvalidNumActiveTranscoders(numActiveTranscoders_, _poolSize);
        numActiveTranscoders = numActiveTranscoders_;
        emit NumActiveTranscodersSet(numActiveTranscoders_);
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
        if (!_inPool(msg.sender)) _tryToJoinPool(msg.sender, round);
    }

    /// @notice Mints the caller's share of this round's inflation (active orchestrators, once per round): the
    ///         round's mintable tokens times its stake at round start over the round's total active stake. The
    ///         reward cut goes to the orchestrator, the rest to everyone delegated to it, by stake.
    function reward() external {
        uint256 round = _initializedRound();
        Transcoder storage t = _transcoders[msg.sender];
        if (!_isActive(t, round)) revert NotActiveTranscoder(msg.sender);
        if (t.lastRewardRound == round) revert RewardAlreadyCalled(msg.sender, round);
        t.lastRewardRound = uint64(round);
        uint256 delegated = t.delegatedAmount;
        uint256 activeStake = t.lastStakeChangeRound == round ? t.stakeAtRoundStart : delegated;
        uint256 rewardTokens = minter.createReward(activeStake, currentRoundTotalActiveStake);
        uint256 commission = (rewardTokens * t.rewardCut) / PERC_DIVISOR;
        uint256 commissionBefore = t.rewardCommission;
        // Registered (active implies it), so its own stake keeps the earning stake above zero.
        t.cumulativeRewardFactor +=
            Math.mulDiv(t.cumulativeRewardFactor, rewardTokens - commission, delegated - commissionBefore);
        t.rewardCommission = (commissionBefore + commission).toUint128();
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
        uint256 delegatorsFees = (fees * t.feeShare) / PERC_DIVISOR;
        t.cumulativeFeeFactor +=
            Math.mulDiv(delegatorsFees, t.cumulativeRewardFactor, t.delegatedAmount - t.rewardCommission);
        t.feeCommission += fees - delegatorsFees;
        emit FeesCredited(transcoder_, fees, round);
    }

    // ---------------------------------------------------------------- delegators

    /// @notice Bonds `amount` of the caller's LPT (approved to this contract) and delegates all its stake to `to`;
    ///         `amount` may be zero to move existing stake to a new delegate.
    /// @param amount LPT to add, in wei.
    /// @param to Delegate (the caller itself to become an orchestrator).
    function bond(uint256 amount, address to) external {
        _bond(msg.sender, to, amount, msg.sender);
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
        (stake,) = _pendingEarnings(delegator);
    }

    /// @notice Fees of `delegator` including unclaimed ones, as of `endRound` (must be the current round).
    /// @param delegator The delegator.
    /// @param endRound The current round.
    function pendingFees(address delegator, uint256 endRound) external view returns (uint256 fees) {
        _checkEndRound(endRound);
        (, fees) = _pendingEarnings(delegator);
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

    /// @notice Number of orchestrators in the active set for the next round.
    function getTranscoderPoolSize() external view returns (uint256) {
        return _poolSize;
    }

    /// @notice Orchestrator with the most stake in the set (zero when empty).
    function getFirstTranscoderInPool() external view returns (address) {
        return _poolHead;
    }

    /// @notice Orchestrator after `transcoder_` in the set, by decreasing stake (zero at the end).
    /// @param transcoder_ A member of the set.
    function getNextTranscoderInPool(address transcoder_) external view returns (address) {
        return _pool[transcoder_].next;
    }

    // ---------------------------------------------------------------- internal accounting

    /// @dev Bonds `amount` LPT paid by `payer` for `delegator`, delegating all its stake to `to`.
    function _bond(address delegator, address to, uint256 amount, address payer) internal {
        uint256 round = _initializedRound();
        if (to == address(0)) revert ZeroAddress();
        _claimEarnings(delegator, round);
        Delegator storage d = _delegators[delegator];
        address current = d.delegateAddress;
        uint256 bonded = d.bondedAmount;
        bool moving = bonded > 0 && current != to;
        if (amount == 0 && !moving) revert NothingToBond();
        if (moving && current == delegator) revert TranscoderCannotRedelegate(delegator);
        if (moving) _decreaseStake(current, bonded, round);
        Transcoder storage t = _transcoders[to];
        if (t.cumulativeRewardFactor == 0) t.cumulativeRewardFactor = FACTOR_PRECISION;
        d.delegateAddress = to;
        d.bondedAmount = bonded + amount;
        d.rewardFactorRef = t.cumulativeRewardFactor;
        d.feeFactorRef = t.cumulativeFeeFactor;
        _collectStake(payer, amount);
        _setDelegatedAmount(to, t, t.delegatedAmount + amount + (moving ? bonded : 0), round);
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
        d.bondedAmount = bonded - amount;
        uint256 lockId = d.nextUnbondingLockId++;
        uint256 withdrawRound = round + unbondingPeriod;
        _unbondingLocks[delegator][lockId] = UnbondingLock(amount.toUint128(), uint64(withdrawRound));
        _decreaseStake(delegate, amount, round);
        if (bonded == amount) {
            d.delegateAddress = address(0);
            if (delegate == delegator) _resign(delegator, round);
        }
        emit Unbond(delegate, delegator, lockId, amount, withdrawRound);
    }

    /// @dev Adds `delegator`'s pending rewards and fees to its stored state and resets its factor references.
    ///      A self-delegated orchestrator also collects its commission.
    function _claimEarnings(address delegator, uint256 round) internal {
        Delegator storage d = _delegators[delegator];
        address delegate = d.delegateAddress;
        if (delegate == address(0)) return;
        Transcoder storage t = _transcoders[delegate];
        (uint256 stake, uint256 fees) = _pendingEarnings(delegator);
        if (delegate == delegator) {
            t.rewardCommission = 0;
            t.feeCommission = 0;
        }
        uint256 rewards = stake - d.bondedAmount;
        uint256 newFees = fees - d.fees;
        d.bondedAmount = stake;
        d.fees = fees;
        d.rewardFactorRef = t.cumulativeRewardFactor;
        d.feeFactorRef = t.cumulativeFeeFactor;
        d.lastClaimRound = uint64(round);
        emit EarningsClaimed(delegate, delegator, rewards, newFees);
    }

    /// @dev Unregisters `transcoder_` (its own stake is gone): it leaves the set and is inactive at once.
    function _resign(address transcoder_, uint256 round) internal {
        if (_inPool(transcoder_)) _leavePool(transcoder_, round);
        Transcoder storage t = _transcoders[transcoder_];
        if (t.deactivationRound > round) {
            t.deactivationRound = uint64(round);
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
        _claimEarnings(delegator, round);
        Delegator storage d = _delegators[delegator];
        amount = d.bondedAmount;
        delegate = d.delegateAddress;
        if (amount == 0) return (0, delegate);
        d.bondedAmount = 0;
        d.delegateAddress = address(0);
        _decreaseStake(delegate, amount, round);
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

    /// @dev Lowers `delegate`'s delegated stake by `amount`.
    function _decreaseStake(address delegate, uint256 amount, uint256 round) internal {
        Transcoder storage t = _transcoders[delegate];
        _setDelegatedAmount(delegate, t, t.delegatedAmount - amount, round);
    }

    /// @dev The current round; reverts unless it is initialized.
    function _initializedRound() internal view returns (uint256) {
        if (!roundsManager.currentRoundInitialized()) revert CurrentRoundNotInitialized();
        return roundsManager.currentRound();
    }

    function _rebond(address delegator, address to, uint256 unbondingLockId, uint256 round) private {
        UnbondingLock memory lock = _unbondingLocks[delegator][unbondingLockId];
        if (lock.amount == 0) revert InvalidUnbondingLock(unbondingLockId);
        delete _unbondingLocks[delegator][unbondingLockId];
        Delegator storage d = _delegators[delegator];
        Transcoder storage t = _transcoders[to];
        if (d.bondedAmount == 0) {
            if (t.cumulativeRewardFactor == 0) t.cumulativeRewardFactor = FACTOR_PRECISION;
            d.delegateAddress = to;
            d.rewardFactorRef = t.cumulativeRewardFactor;
            d.feeFactorRef = t.cumulativeFeeFactor;
        }
        d.bondedAmount += lock.amount;
        _setDelegatedAmount(to, t, t.delegatedAmount + lock.amount, round);
        emit Rebond(to, delegator, unbondingLockId, lock.amount);
    }

    function _pendingEarnings(address delegator) private view returns (uint256 stake, uint256 fees) {
        Delegator storage d = _delegators[delegator];
        stake = d.bondedAmount;
        fees = d.fees;
        address delegate = d.delegateAddress;
        if (stake == 0) return (stake, fees);
        Transcoder storage t = _transcoders[delegate];
        fees += Math.mulDiv(stake, t.cumulativeFeeFactor - d.feeFactorRef, d.rewardFactorRef);
        stake = Math.mulDiv(stake, t.cumulativeRewardFactor, d.rewardFactorRef);
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

    function _isActive(Transcoder storage t, uint256 round) private view returns (bool) {
        return t.activationRound != 0 && t.activationRound <= round && round < t.deactivationRound;
    }

    /// @dev Sets `addr`'s delegated stake, remembering the stake it started `round` with, and keeps the active
    ///      set (order, next round's total, membership) in step.
    function _setDelegatedAmount(address addr, Transcoder storage t, uint256 amount, uint256 round) private {
        uint256 previous = t.delegatedAmount;
        if (t.lastStakeChangeRound != round) {
            t.stakeAtRoundStart = uint128(previous);
            t.lastStakeChangeRound = uint64(round);
        }
        t.delegatedAmount = amount.toUint128();
        if (_inPool(addr)) {
            nextRoundTotalActiveStake = nextRoundTotalActiveStake + amount - previous;
            _reposition(addr, amount);
        } else if (amount > previous && isRegisteredTranscoder(addr)) {
            _tryToJoinPool(addr, round);
        }
    }

    // ---------------------------------------------------------------- active set

    function _inPool(address addr) private view returns (bool) {
        return _poolHead == addr ? addr != address(0) : _pool[addr].prev != address(0);
    }

    function _tryToJoinPool(address addr, uint256 round) private {
        uint256 stake = _transcoders[addr].delegatedAmount;
        if (_poolSize >= numActiveTranscoders) {
            address tail = _poolTail;
            if (tail == address(0) || stake <= _transcoders[tail].delegatedAmount) return;
            _leavePool(tail, round);
        }
        _insert(addr, stake, _poolTail, address(0));
        _poolSize += 1;
        nextRoundTotalActiveStake += stake;
        Transcoder storage t = _transcoders[addr];
        if (!_isActive(t, round)) t.activationRound = uint64(round + 1);
        t.deactivationRound = type(uint64).max;
        emit TranscoderActivated(addr, t.activationRound);
    }

    function _leavePool(address addr, uint256 round) private {
        PoolNode memory node = _pool[addr];
        if (node.prev == address(0)) _poolHead = node.next;
        else _pool[node.prev].next = node.next;
        if (node.next == address(0)) _poolTail = node.prev;
        else _pool[node.next].prev = node.prev;
        delete _pool[addr];
        _poolSize -= 1;
        Transcoder storage t = _transcoders[addr];
        nextRoundTotalActiveStake -= t.delegatedAmount;
        t.deactivationRound = uint64(round + 1);
        emit TranscoderDeactivated(addr, round + 1);
    }

    /// @dev Moves `addr` to its place after a stake change, walking from its old neighbours.
    function _reposition(address addr, uint256 stake) private {
        PoolNode memory node = _pool[addr];
        bool aboveOk = node.prev == address(0) || _transcoders[node.prev].delegatedAmount >= stake;
        bool belowOk = node.next == address(0) || _transcoders[node.next].delegatedAmount <= stake;
        if (aboveOk && belowOk) return;
        if (node.prev == address(0)) _poolHead = node.next;
        else _pool[node.prev].next = node.next;
        if (node.next == address(0)) _poolTail = node.prev;
        else _pool[node.next].prev = node.prev;
        _insert(addr, stake, node.prev, node.next);
    }

    /// @dev Links `addr` (with `stake`) into the list, searching from the gap between the adjacent `prev` and
    ///      `next` (either zero at an end). Equal stakes keep their arrival order.
    function _insert(address addr, uint256 stake, address prev, address next) private {
        while (prev != address(0) && _transcoders[prev].delegatedAmount < stake) {
            next = prev;
            prev = _pool[prev].prev;
        }
        while (next != address(0) && _transcoders[next].delegatedAmount >= stake) {
            prev = next;
            next = _pool[next].next;
        }
        _pool[addr] = PoolNode(prev, next);
        if (prev == address(0)) _poolHead = addr;
        else _pool[prev].next = addr;
        if (next == address(0)) _poolTail = addr;
        else _pool[next].prev = addr;
    }
}
