// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title LPTGatewayBase
/// @notice What the L1 and L2 LPT gateways share: the token pair, the counterpart gateway on the other chain (set
///         once by governance, since each gateway must exist before the other can name it), an optional
///         governance-set gateway router, the governance-named stake migrators, a governance pause of new outbound
///         transfers, and the refusal of recipients where LPT would be lost.
/// @dev A call from the router carries `abi.encode(address from, bytes data)` as its data: the router is trusted to
///      name the real sender, as in Arbitrum's gateway-router standard. With no router set, the sender is
///      always `msg.sender`.
///      The pause is OpenZeppelin's `Pausable` interface (`paused`, `Paused`, `Unpaused`, `EnforcedPause`,
///      `ExpectedPause`) with its flag in the counterpart's slot: every outbound transfer and withdrawal
///      reads the counterpart, so the flag costs no cold read of its own.
abstract contract LPTGatewayBase is Ownable2Step {
    /// @notice LPT on L1.
    address public immutable l1Token;
    /// @notice LPT on L2.
    address public immutable l2Token;
    /// @notice The gateway on the other chain.
    address public counterpartGateway;
    /// @dev Whether outbound transfers are stopped; shares the counterpart's slot.
    bool private _paused;
    /// @notice The gateway router allowed to transfer on a user's behalf (zero: none).
    address public router;
    /// @notice The L1Migrator (zero: not set).
    address public l1Migrator;
    /// @notice The L2Migrator (zero: not set).
    address public l2Migrator;

    /// @notice The counterpart gateway is now `counterpart`.
    event CounterpartGatewaySet(address indexed counterpart);
    /// @notice The router is now `router` (zero: none).
    event RouterSet(address indexed router);
    /// @notice The migrators are now `l1Migrator` and `l2Migrator`.
    event MigratorsSet(address indexed l1Migrator, address indexed l2Migrator);
    /// @notice `account` stopped outbound transfers.
    event Paused(address account);
    /// @notice `account` resumed outbound transfers.
    event Unpaused(address account);

    /// @notice `token` is not LPT.
    error WrongToken(address token);
    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice A zero amount.
    error ZeroAmount();
    /// @notice The counterpart gateway was set before.
    error CounterpartAlreadySet(address counterpart);
    /// @notice The counterpart gateway is not set yet.
    error CounterpartNotSet();
    /// @notice The gateway is paused.
    error EnforcedPause();
    /// @notice The gateway is not paused.
    error ExpectedPause();
    /// @notice LPT sent to `to` would be lost: a bridge, token or migrator contract.
    error RefusedRecipient(address to);

    /// @param l1Token_ LPT on L1.
    /// @param l2Token_ LPT on L2.
    constructor(address l1Token_, address l2Token_) {
        if (l1Token_ == address(0) || l2Token_ == address(0)) revert ZeroAddress();
        l1Token = l1Token_;
        l2Token = l2Token_;
    }

    /// @notice Sets the gateway on the other chain, once (governor only).
    /// @param counterpart The counterpart gateway.
    function setCounterpartGateway(address counterpart) external onlyOwner {
        if (counterpart == address(0)) revert ZeroAddress();
        if (counterpartGateway != address(0)) revert CounterpartAlreadySet(counterpartGateway);
        counterpartGateway = counterpart;
        emit CounterpartGatewaySet(counterpart);
    }

    /// @notice Sets (or, with zero, removes) the gateway router (governor only).
    /// @param router_ The router.
    function setRouter(address router_) external onlyOwner {
        router = router_;
        emit RouterSet(router_);
    }

    /// @notice Names the stake migrators, so that transfers that would strand LPT in them are refused (governor
    ///         only): migrations do not pass through the gateways (the L1Migrator sends its own retryables to the
    ///         L2Migrator, which mints), and neither migrator can pass on LPT sent to it otherwise.
    /// @param l1Migrator_ The L1Migrator.
    /// @param l2Migrator_ The L2Migrator.
    function setMigrators(address l1Migrator_, address l2Migrator_) external onlyOwner {
        if (l1Migrator_ == address(0) || l2Migrator_ == address(0)) revert ZeroAddress();
        l1Migrator = l1Migrator_;
        l2Migrator = l2Migrator_;
        emit MigratorsSet(l1Migrator_, l2Migrator_);
    }

    /// @dev Only while not paused.
    modifier whenNotPaused() {
        if (_paused) revert EnforcedPause();
        _;
    }

    /// @notice Stops new outbound transfers (governor only; not while paused).
    function pause() external onlyOwner whenNotPaused {
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Resumes outbound transfers (governor only; only while paused).
    function unpause() external onlyOwner {
        if (!_paused) revert ExpectedPause();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Whether outbound transfers are stopped.
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @notice The L2 token of `l1Token_`: L2 LPT for L1 LPT, zero for any other token.
    /// @param l1Token_ An L1 token.
    function calculateL2TokenAddress(address l1Token_) external view returns (address) {
        return l1Token_ == l1Token ? l2Token : address(0);
    }

    /// @notice Whether an outbound transfer refuses `to` as its recipient on the other chain: the zero address and
    ///         the bridge's own contracts, where LPT would be lost (no key controls them, and none of them can pass
    ///         LPT on). Each gateway adds its chain's own cases.
    /// @param to A recipient on the other chain.
    function isRefusedRecipient(address to) public view virtual returns (bool) {
        return to == address(0) || to == address(this) || to == counterpartGateway || to == l1Token
            || to == l2Token;
    }

    /// @dev Common checks of an outbound transfer; returns the counterpart.
    function _checkOutbound(address token, address to, uint256 amount) internal view returns (address counterpart) {
        if (token != l1Token) revert WrongToken(token);
        if (to == address(0)) revert ZeroAddress();
        if (isRefusedRecipient(to)) revert RefusedRecipient(to);
        if (amount == 0) revert ZeroAmount();
        counterpart = counterpartGateway;
        if (counterpart == address(0)) revert CounterpartNotSet();
    }

    /// @dev The real sender and its data: unwrapped from the router's envelope when the router calls.
    function _senderAndData(bytes calldata data) internal view returns (address from, bytes memory inner) {
        if (msg.sender == router) {
            (from, inner) = abi.decode(data, (address, bytes));
        } else {
            (from, inner) = (msg.sender, data);
        }
    }
}
