// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {L1LPTGateway} from "../bridge/L1LPTGateway.sol";
import {L2StakeOracle} from "../bridge/L2StakeOracle.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";
import {Minter} from "../protocol/Minter.sol";

/// @title L1InflationMinter
/// @notice The L1 Minter of the L1-minting mode: inflation is minted on L1 only, a whole L1 round at a time, and all
///         of it goes to L2, where the L2 minter hands it out over the L2 rounds of that L1 round as orchestrators
///         call `reward()`. When an L1 round is initialized (anyone, through the RoundsManager) this contract steps
///         inflation by the staked share of the whole supply (L1 bonded plus the L2 staked supply the
///         `L2StakeOracle` reports, over the L1 total supply, which holds every L2 LPT in the bridge escrow), mints
///         the round's rewards and deposits them through the L1 gateway to the L2 minter in the same transaction.
///         Nothing else mints L1 LPT in this mode: the gateway and the L1Migrator are not minting delegates (the
///         escrow always covers withdrawals and refunds, since L2 mints only against deposits), and L1 `reward()`
///         reverts with `RewardsMintedForL2`.
/// @dev The retryable of each round's deposit is paid from `gasBudget`, ETH that keepers (anyone) add through
///      `fundGasBudget` and that is accounted apart from the fee ETH this contract also holds for the BondingManager:
///      a round's mint spends at most `gasBudget`, never the fees, and `withdrawGasBudget` (governor) never more
///      than it.
///
///      A round whose mint cannot happen when it is initialized (the oracle's reading is older than its
///      `maxReportAge`, the gas budget is short, or the gateway is paused) still starts: the clock never stalls on
///      the mint. Its mint waits, `RoundMintDeferred` says why, and anyone may send it with `mintRound()` later in
///      the same L1 round, once a fresh report or enough budget exists. A round's rewards are never minted after the
///      round ends (no catch-up: a missed round mints nothing, as a round nobody calls `reward()` in mints nothing
///      today), and inflation steps only in rounds that mint, so a missed round does not move the rate either.
///
///      The rate step is the Minter's rule on the cross-layer staked supply. The Minter keeps its own inline copy of
///      the rule because calling a shared function would add gas to every L2-mode round start.
contract L1InflationMinter is Minter {
    using SafeCast for uint256;
    using SafeERC20 for ILivepeerToken;

    /// @notice What keeps a round's mint from happening now.
    enum MintBlocker {
        None,
        StaleStakeReport,
        GasBudgetShort,
        GatewayPaused
    }

    /// @notice Default L2 gas limit of a round's deposit: the L2 gateway's mint and the L2 minter's arrival
    ///         bookkeeping measure about 85,000 gas for the first arrival (its counters written from zero), some
    ///         110,000 with the transaction's intrinsic and calldata gas; the rest is headroom for repricing.
    uint256 public constant DEFAULT_L2_GAS_LIMIT = 300_000;
    /// @notice Default L2 gas price bid: ten times Arbitrum One's minimum L2 base fee, so the ticket auto-redeems
    ///         through usual congestion (unused gas is refunded on L2 to `l2RefundTo`).
    uint256 public constant DEFAULT_L2_GAS_PRICE_BID = 0.1 gwei;

    /// @notice The oracle of the L2 staked supply.
    L2StakeOracle public immutable oracle;
    /// @notice The L1 gateway the rewards go through (zero: not wired yet).
    L1LPTGateway public gateway;
    /// @notice The L2 minter the rewards go to.
    address public l2Minter;
    /// @notice L2 address refunded the unused retryable fees.
    address public l2RefundTo;
    /// @notice L2 gas limit of a round's deposit.
    uint256 public l2GasLimit;
    /// @notice L2 gas price bid of a round's deposit.
    uint256 public l2GasPriceBid;
    /// @notice Keeper-funded ETH for the rounds' retryables, apart from fee ETH.
    uint256 public gasBudget;
    /// @notice The initialized round whose mint waits (0: none).
    uint256 public pendingRound;
    /// @notice The last round whose rewards were minted and sent.
    uint256 public lastMintedRound;
    /// @notice LPT minted and sent to L2 as rewards, in total.
    uint256 public totalSentToL2;

    /// @notice Round `round`'s `amount` rewards (inflation `inflation`) were minted and deposited for the L2 minter
    ///         in retryable `seqNum`.
    event RoundRewardsSent(uint256 indexed round, uint256 amount, uint256 inflation, uint256 seqNum);
    /// @notice Round `round` started without its mint, kept by `reason`; `mintRound()` may send it in the round.
    event RoundMintDeferred(uint256 indexed round, MintBlocker reason);
    /// @notice `from` added `amount` wei to the gas budget.
    event GasBudgetFunded(address indexed from, uint256 amount);
    /// @notice `amount` wei of the gas budget went to `to`.
    event GasBudgetWithdrawn(address indexed to, uint256 amount);
    /// @notice Rewards now go through `gateway` to `l2Minter`; unused retryable fees are refunded to `l2RefundTo`.
    event L2RouteSet(address indexed gateway, address indexed l2Minter, address l2RefundTo);
    /// @notice A round's deposit now gets `gasLimit` L2 gas at a bid of `gasPriceBid`.
    event RetryableGasSet(uint256 gasLimit, uint256 gasPriceBid);

    /// @notice L1 `reward()` in this mode: all inflation goes to L2.
    error RewardsMintedForL2();
    /// @notice No mint waits in the current round `round` (not initialized, already minted, or the mint is
    ///         of an ended round).
    error NoPendingMint(uint256 round);
    /// @notice The mint of round `round` cannot happen now, kept by `reason`.
    error MintBlocked(uint256 round, MintBlocker reason);
    /// @notice `amount` is more than the gas budget `budget`.
    error BudgetExceeded(uint256 amount, uint256 budget);
    /// @notice A zero gas limit or bid.
    error InvalidRetryableGas(uint256 gasLimit, uint256 gasPriceBid);

    /// @param owner_ The governor.
    /// @param token_ L1 LPT.
    /// @param roundsManager_ The L1 round clock.
    /// @param oracle_ The oracle of the L2 staked supply.
    /// @param inflation_ Initial inflation per round (precision 1e9).
    /// @param inflationChange_ Inflation step per round (precision 1e9).
    /// @param targetBondingRate_ Target staked share of the supply, both layers (precision 1e9).
    constructor(
        address owner_,
        ILivepeerToken token_,
        IRoundsManager roundsManager_,
        L2StakeOracle oracle_,
        uint256 inflation_,
        uint256 inflationChange_,
        uint256 targetBondingRate_
    ) Minter(owner_, token_, roundsManager_, inflation_, inflationChange_, targetBondingRate_) {
        if (address(oracle_) == address(0)) revert ZeroAddress();
        oracle = oracle_;
        l2GasLimit = DEFAULT_L2_GAS_LIMIT;
        l2GasPriceBid = DEFAULT_L2_GAS_PRICE_BID;
    }

    /// @notice Sets where the rewards go (governor only): the L1 gateway (deployed after this contract), the L2
    ///         minter, and the L2 address refunded unused retryable fees.
    /// @param gateway_ The L1 LPT gateway.
    /// @param l2Minter_ The L2 minter.
    /// @param l2RefundTo_ The L2 refund address (a keeper's or the treasury's L2 account).
    function setL2Route(L1LPTGateway gateway_, address l2Minter_, address l2RefundTo_) external onlyOwner {
        if (address(gateway_) == address(0) || l2Minter_ == address(0) || l2RefundTo_ == address(0)) {
            revert ZeroAddress();
        }
        gateway = gateway_;
        l2Minter = l2Minter_;
        l2RefundTo = l2RefundTo_;
        emit L2RouteSet(address(gateway_), l2Minter_, l2RefundTo_);
    }

    /// @notice Sets the L2 gas of a round's deposit (governor only).
    /// @param gasLimit L2 gas limit.
    /// @param gasPriceBid L2 max fee per gas.
    function setRetryableGas(uint256 gasLimit, uint256 gasPriceBid) external onlyOwner {
        if (gasLimit == 0 || gasPriceBid == 0) revert InvalidRetryableGas(gasLimit, gasPriceBid);
        l2GasLimit = gasLimit;
        l2GasPriceBid = gasPriceBid;
        emit RetryableGasSet(gasLimit, gasPriceBid);
    }

    /// @notice Adds `msg.value` to the gas budget of the rounds' retryables (anyone).
    function fundGasBudget() external payable {
        gasBudget += msg.value;
        emit GasBudgetFunded(msg.sender, msg.value);
    }

    /// @notice Sends `amount` wei of the gas budget to `to` (governor only; never fee ETH).
    /// @param to Receiver.
    /// @param amount Wei, at most `gasBudget`.
    function withdrawGasBudget(address payable to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        uint256 budget = gasBudget;
        if (amount > budget) revert BudgetExceeded(amount, budget);
        gasBudget = budget - amount;
        emit GasBudgetWithdrawn(to, amount);
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert ETHTransferFailed(to, amount);
    }

    /// @inheritdoc Minter
    /// @dev RoundsManager only. Mints and sends the round's rewards now, or leaves the mint waiting for `mintRound`
    ///      (see the contract notes); never reverts for a missing report or budget, so the round always starts.
    function setCurrentRewardTokens() external override {
        if (msg.sender != address(roundsManager)) revert NotRoundsManager(msg.sender);
        if (address(bondingManager) == address(0) || address(gateway) == address(0)) revert NotWired();
        uint256 round = roundsManager.currentRound();
        pendingRound = round;
        currentMintableTokens = 0;
        MintBlocker blocker = mintBlocker();
        if (blocker == MintBlocker.None) {
            _mintRound(round);
        } else {
            emit RoundMintDeferred(round, blocker);
        }
    }

    /// @notice Mints and sends the current round's rewards, whose mint waited at its initialization (anyone).
    function mintRound() external {
        uint256 round = roundsManager.currentRound();
        if (pendingRound != round) revert NoPendingMint(round);
        MintBlocker blocker = mintBlocker();
        if (blocker != MintBlocker.None) revert MintBlocked(round, blocker);
        _mintRound(round);
    }

    /// @inheritdoc Minter
    /// @dev Always reverts: in this mode every round's rewards go to L2.
    function createReward(uint256, uint256) external view override onlyBondingManager returns (uint256) {
        revert RewardsMintedForL2();
    }

    /// @notice What keeps a round's mint from happening now (`None`: nothing).
    function mintBlocker() public view returns (MintBlocker) {
        if (!oracle.isFresh()) return MintBlocker.StaleStakeReport;
        if (gasBudget < retryableCost()) return MintBlocker.GasBudgetShort;
        if (gateway.paused()) return MintBlocker.GatewayPaused;
        return MintBlocker.None;
    }

    /// @notice ETH a round's deposit retryable costs now: the Inbox's submission fee for its calldata at this
    ///         block's base fee, plus its L2 gas at the bid.
    function retryableCost() public view returns (uint256) {
        return _submissionCost() + l2GasLimit * l2GasPriceBid;
    }

    /// @notice Staked LPT on both layers: L1 bonded plus the oracle's L2 staked supply.
    function totalStakedSupply() public view returns (uint256) {
        return bondingManager.getTotalBonded() + oracle.stakedSupply();
    }

    /// @dev Steps inflation, mints the round's rewards and deposits them for the L2 minter.
    function _mintRound(uint256 round) private {
        uint256 supply = inflationSupply();
        uint256 bondingRate = supply == 0 ? 0 : (totalStakedSupply() * PERC_DIVISOR) / supply;
        uint256 rate = inflation;
        uint256 step = inflationChange;
        if (bondingRate < targetBondingRate) {
            rate = rate + step > PERC_DIVISOR ? PERC_DIVISOR : rate + step;
        } else if (bondingRate > targetBondingRate) {
            rate = rate > step ? rate - step : 0;
        }
        inflation = rate;
        uint256 amount = (supply * rate) / PERC_DIVISOR;
        currentMintableTokens = amount.toUint128();
        pendingRound = 0;
        lastMintedRound = round;
        emit SetCurrentRewardTokens(amount, rate);
        if (amount > 0) _send(round, amount, rate);
    }

    /// @dev Mints `amount` and deposits it through the gateway for the L2 minter, the retryable paid from the budget.
    function _send(uint256 round, uint256 amount, uint256 rate) private {
        totalSentToL2 += amount;
        uint256 submission = _submissionCost();
        uint256 gasLimit = l2GasLimit;
        uint256 bid = l2GasPriceBid;
        uint256 cost = submission + gasLimit * bid;
        gasBudget -= cost;
        L1LPTGateway gateway_ = gateway;
        token.mint(address(this), amount);
        token.forceApprove(address(gateway_), amount);
        bytes memory data = abi.encode(submission, abi.encode(round));
        bytes memory sent = gateway_.outboundTransferCustomRefund{value: cost}(
            address(token), l2RefundTo, l2Minter, amount, gasLimit, bid, data
        );
        emit RoundRewardsSent(round, amount, rate, abi.decode(sent, (uint256)));
    }

    /// @dev The Inbox's submission fee for the deposit's L2 calldata at this block's base fee.
    function _submissionCost() private view returns (uint256) {
        uint256 length = gateway.getOutboundCalldata(address(token), address(this), l2Minter, 0, abi.encode(0)).length;
        return gateway.inbox().calculateRetryableSubmissionFee(length, block.basefee);
    }
}
