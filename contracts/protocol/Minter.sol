// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IBondingManager} from "./interfaces/IBondingManager.sol";
import {ILivepeerToken} from "./interfaces/ILivepeerToken.sol";
import {IMinter} from "./interfaces/IMinter.sol";
import {IRoundsManager} from "./interfaces/IRoundsManager.sol";

/// @title Minter
/// @notice Monetary policy and treasury of the protocol. It is the token's only minter and delegates minting
///         authority to a governor-managed set of minting delegates. Once per round it moves the inflation rate
///         one step towards the target bonding rate and fixes the round's mintable tokens
///         (`inflationSupply() * inflation / 1e9`). It holds all bonded and unbonding LPT and all fee ETH.
/// @dev Inflation rewards are minted through `createReward`, which the BondingManager may call only while it is
///      itself a minting delegate: revoking it switches inflation off on this chain.
contract Minter is Ownable2Step, IMinter {
    using SafeCast for uint256;

    using SafeERC20 for ILivepeerToken;

    /// @notice Precision of `inflation`, `inflationChange` and `targetBondingRate` (1e9 = 100%).
    uint256 public constant PERC_DIVISOR = 1_000_000_000;

    /// @notice The token minted and held.
    ILivepeerToken public immutable token;
    /// @notice The round clock allowed to start rounds.
    IRoundsManager public immutable roundsManager;
    /// @notice The BondingManager allowed to mint rewards and move funds.
    IBondingManager public bondingManager;

    /// @notice Inflation per round (precision 1e9).
    uint256 public inflation;
    /// @notice Step by which `inflation` moves each round (precision 1e9).
    uint256 public inflationChange;
    /// @notice Bonded share of the supply that inflation steers towards (precision 1e9).
    uint256 public targetBondingRate;
    /// @notice Tokens mintable as rewards in the current round.
    uint128 public currentMintableTokens;
    /// @dev `totalRewardsMinted` when the current round started. Keeping a running total (instead of a per-round
    ///      counter reset to zero) spares the round's first `reward()` a zero-to-nonzero storage write; sharing a
    ///      slot with `currentMintableTokens` spares every `reward()` one cold storage read.
    uint128 private _rewardsMintedAtRoundStart;
    /// @notice Reward tokens minted through `createReward` since deployment.
    uint256 public totalRewardsMinted;

    /// @notice Addresses allowed to mint through `mint`.
    mapping(address delegate => bool) public isMintingDelegate;

    /// @notice Round start: `mintable` reward tokens at inflation `inflation`.
    event SetCurrentRewardTokens(uint256 mintable, uint256 inflation);
    /// @notice `amount` reward tokens were minted to the Minter for the BondingManager.
    event RewardCreated(uint256 amount);
    /// @notice `delegate` minted `amount` to `to`.
    event DelegateMinted(address indexed delegate, address indexed to, uint256 amount);
    /// @notice `delegate` may now mint.
    event MintingDelegateAdded(address indexed delegate);
    /// @notice `delegate` may no longer mint.
    event MintingDelegateRemoved(address indexed delegate);
    /// @notice The BondingManager is now `bondingManager`.
    event BondingManagerSet(address indexed bondingManager);
    /// @notice The inflation step is now `inflationChange`.
    event InflationChangeSet(uint256 inflationChange);
    /// @notice The target bonding rate is now `targetBondingRate`.
    event TargetBondingRateSet(uint256 targetBondingRate);
    /// @notice `amount` LPT left the Minter for `to`.
    event TokensTransferred(address indexed to, uint256 amount);
    /// @notice `amount` LPT held by the Minter were burned.
    event TokensBurned(uint256 amount);
    /// @notice `from` deposited `amount` wei.
    event ETHDeposited(address indexed from, uint256 amount);
    /// @notice `amount` wei left the Minter for `to`.
    event ETHWithdrawn(address indexed to, uint256 amount);

    /// @notice `account` is not the BondingManager.
    error NotBondingManager(address account);
    /// @notice `account` is not the RoundsManager.
    error NotRoundsManager(address account);
    /// @notice `account` is neither the BondingManager nor its TicketBroker.
    error NotBondingManagerOrTicketBroker(address account);
    /// @notice `account` is not a minting delegate.
    error NotMintingDelegate(address account);
    /// @notice `delegate` already is a minting delegate.
    error AlreadyMintingDelegate(address delegate);
    /// @notice A reward fraction with a zero denominator or above one.
    error InvalidFraction(uint256 fracNum, uint256 fracDenom);
    /// @notice Minting `amount` would exceed the round's mintable tokens.
    error MintableExceeded(uint256 amount, uint256 remaining);
    /// @notice A rate above 100%.
    error InvalidRate(uint256 rate);
    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice The BondingManager is not set yet.
    error NotWired();
    /// @notice Sending ETH to `to` failed.
    error ETHTransferFailed(address to, uint256 amount);

    modifier onlyBondingManager() {
        if (msg.sender != address(bondingManager)) revert NotBondingManager(msg.sender);
        _;
    }

    /// @param owner_ The governor.
    /// @param token_ LPT.
    /// @param roundsManager_ The round clock.
    /// @param inflation_ Initial inflation per round (precision 1e9).
    /// @param inflationChange_ Inflation step per round (precision 1e9).
    /// @param targetBondingRate_ Target bonded share of the supply (precision 1e9).
    constructor(
        address owner_,
        ILivepeerToken token_,
        IRoundsManager roundsManager_,
        uint256 inflation_,
        uint256 inflationChange_,
        uint256 targetBondingRate_
    ) Ownable(owner_) {
        if (address(token_) == address(0) || address(roundsManager_) == address(0)) revert ZeroAddress();
        token = token_;
        roundsManager = roundsManager_;
        if (inflation_ > PERC_DIVISOR) revert InvalidRate(inflation_);
        inflation = inflation_;
        _setInflationChange(inflationChange_);
        _setTargetBondingRate(targetBondingRate_);
    }

    /// @notice Sets the BondingManager (governor only).
    /// @param bondingManager_ The BondingManager.
    function setBondingManager(address bondingManager_) external onlyOwner {
        if (bondingManager_ == address(0)) revert ZeroAddress();
        bondingManager = IBondingManager(bondingManager_);
        emit BondingManagerSet(bondingManager_);
    }

    /// @notice Sets the per-round inflation step (governor only).
    /// @param inflationChange_ Step (precision 1e9).
    function setInflationChange(uint256 inflationChange_) external onlyOwner {
        _setInflationChange(inflationChange_);
    }

    /// @notice Sets the target bonding rate (governor only).
    /// @param targetBondingRate_ Target (precision 1e9).
    function setTargetBondingRate(uint256 targetBondingRate_) external onlyOwner {
        _setTargetBondingRate(targetBondingRate_);
    }

    /// @notice Lets `delegate` mint through `mint` (governor only).
    /// @param delegate The new minting delegate.
    function addMintingDelegate(address delegate) external onlyOwner {
        if (delegate == address(0)) revert ZeroAddress();
        if (isMintingDelegate[delegate]) revert AlreadyMintingDelegate(delegate);
        isMintingDelegate[delegate] = true;
        emit MintingDelegateAdded(delegate);
    }

    /// @notice Revokes `delegate`'s minting authority (governor only).
    /// @param delegate A current minting delegate.
    function removeMintingDelegate(address delegate) external onlyOwner {
        if (!isMintingDelegate[delegate]) revert NotMintingDelegate(delegate);
        isMintingDelegate[delegate] = false;
        emit MintingDelegateRemoved(delegate);
    }

    /// @notice Mints `amount` LPT to `to` (minting delegates only).
    /// @param to Receiver.
    /// @param amount Amount in wei.
    function mint(address to, uint256 amount) external {
        if (!isMintingDelegate[msg.sender]) revert NotMintingDelegate(msg.sender);
        emit DelegateMinted(msg.sender, to, amount);
        token.mint(to, amount);
    }

    /// @inheritdoc IMinter
    /// @dev RoundsManager only. Inflation rises by `inflationChange` while the bonded share is below target and
    ///      falls by it (not below zero) while above; the round's mintable tokens use the adjusted rate.
    function setCurrentRewardTokens() external virtual {
        if (msg.sender != address(roundsManager)) revert NotRoundsManager(msg.sender);
        if (address(bondingManager) == address(0)) revert NotWired();
        uint256 supply = inflationSupply();
        uint256 bondingRate = supply == 0 ? 0 : (bondingManager.getTotalBonded() * PERC_DIVISOR) / supply;
        uint256 rate = inflation;
        if (bondingRate < targetBondingRate) {
            rate = rate + inflationChange > PERC_DIVISOR ? PERC_DIVISOR : rate + inflationChange;
        } else if (bondingRate > targetBondingRate) {
            rate = rate > inflationChange ? rate - inflationChange : 0;
        }
        inflation = rate;
        uint256 mintable = (supply * rate) / PERC_DIVISOR;
        currentMintableTokens = mintable.toUint128();
        _rewardsMintedAtRoundStart = totalRewardsMinted.toUint128();
        emit SetCurrentRewardTokens(mintable, rate);
    }

    /// @inheritdoc IMinter
    /// @dev BondingManager only, and only while the BondingManager is a minting delegate. The tokens stay in the
    ///      Minter (they are bonded).
    function createReward(uint256 fracNum, uint256 fracDenom) external virtual onlyBondingManager returns (uint256) {
        if (!isMintingDelegate[msg.sender]) revert NotMintingDelegate(msg.sender);
        if (fracDenom == 0 || fracNum > fracDenom) revert InvalidFraction(fracNum, fracDenom);
        uint256 mintable = currentMintableTokens;
        uint256 amount = (mintable * fracNum) / fracDenom;
        uint256 remaining = mintable - currentMintedTokens();
        if (amount > remaining) revert MintableExceeded(amount, remaining);
        totalRewardsMinted += amount;
        emit RewardCreated(amount);
        token.mint(address(this), amount);
        return amount;
    }

    /// @inheritdoc IMinter
    /// @dev BondingManager only.
    function trustedTransferTokens(address to, uint256 amount) external onlyBondingManager {
        emit TokensTransferred(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @inheritdoc IMinter
    /// @dev BondingManager only.
    function trustedBurnTokens(uint256 amount) external onlyBondingManager {
        emit TokensBurned(amount);
        token.burn(amount);
    }

    /// @inheritdoc IMinter
    /// @dev BondingManager only.
    function trustedWithdrawETH(address payable to, uint256 amount) external onlyBondingManager {
        emit ETHWithdrawn(to, amount);
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert ETHTransferFailed(to, amount);
    }

    /// @inheritdoc IMinter
    /// @dev BondingManager or the BondingManager's TicketBroker only.
    function depositETH() external payable {
        if (msg.sender != address(bondingManager) && msg.sender != bondingManager.ticketBroker()) {
            revert NotBondingManagerOrTicketBroker(msg.sender);
        }
        emit ETHDeposited(msg.sender, msg.value);
    }

    /// @notice Reward tokens minted in the current round.
    function currentMintedTokens() public view returns (uint256) {
        return totalRewardsMinted - _rewardsMintedAtRoundStart;
    }

    /// @notice The supply inflation applies to; this chain's LPT supply (an L2 Minter overrides it with the
    ///         global supply).
    function inflationSupply() public view virtual returns (uint256) {
        return token.totalSupply();
    }

    function _setInflationChange(uint256 inflationChange_) private {
        if (inflationChange_ > PERC_DIVISOR) revert InvalidRate(inflationChange_);
        inflationChange = inflationChange_;
        emit InflationChangeSet(inflationChange_);
    }

    function _setTargetBondingRate(uint256 targetBondingRate_) private {
        if (targetBondingRate_ > PERC_DIVISOR) revert InvalidRate(targetBondingRate_);
        targetBondingRate = targetBondingRate_;
        emit TargetBondingRateSet(targetBondingRate_);
    }
}
