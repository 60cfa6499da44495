// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {L2BondingManager} from "../l2/L2BondingManager.sol";
import {IL2LPTReceiver} from "./IL2LPTReceiver.sol";
import {MigrationCodec} from "./MigrationCodec.sol";

/// @title L2Migrator
/// @notice Landing side of stake migration. The L2 LPT gateway mints the migrated LPT to this contract and, in the
///         same transaction, calls `onLPTBridged` with the L1Migrator's migration record; this contract stakes the
///         LPT in the L2BondingManager for the record's L2 delegator. Mint and stake succeed or fail together.
/// @dev Accepts records only from the L2 gateway and only when the L1 sender is the L1Migrator; each migration id
///      is consumed once (a replay reverts, and with it the gateway's mint).
contract L2Migrator is IL2LPTReceiver {
    using SafeERC20 for IERC20;

    /// @notice The L2 LPT gateway, the only caller of `onLPTBridged`.
    address public immutable l2Gateway;
    /// @notice The L1Migrator, the only L1 sender whose records are accepted.
    address public immutable l1Migrator;
    /// @notice Where migrated stake is staked.
    L2BondingManager public immutable bondingManager;
    /// @notice L2 LPT.
    IERC20 public immutable token;

    /// @notice Whether migration `id` was finalized.
    mapping(uint256 id => bool) public isMigrated;
    /// @notice Number of migrations finalized.
    uint256 public migrationsFinalized;
    /// @notice LPT staked by finalized migrations.
    uint256 public totalMigrated;

    /// @notice Migration `id` staked `amount` LPT for `l2Delegator` (from `l1Delegator`).
    event MigrationFinalized(
        uint256 indexed id,
        address indexed l1Delegator,
        address indexed l2Delegator,
        address l2Orchestrator,
        MigrationCodec.Kind kind,
        uint256 amount
    );

    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice `account` is not the L2 gateway.
    error NotL2Gateway(address account);
    /// @notice The LPT was bridged by `l1From`, not by the L1Migrator.
    error NotL1Migrator(address l1From);
    /// @notice Migration `id` was finalized before.
    error AlreadyMigrated(uint256 id);
    /// @notice The record says `recorded` LPT but `bridged` arrived.
    error AmountMismatch(uint256 bridged, uint256 recorded);

    /// @param l2Gateway_ The L2 LPT gateway.
    /// @param l1Migrator_ The L1Migrator.
    /// @param bondingManager_ The L2BondingManager.
    /// @param token_ L2 LPT.
    constructor(address l2Gateway_, address l1Migrator_, L2BondingManager bondingManager_, IERC20 token_) {
        if (
            l2Gateway_ == address(0) || l1Migrator_ == address(0) || address(bondingManager_) == address(0)
                || address(token_) == address(0)
        ) revert ZeroAddress();
        l2Gateway = l2Gateway_;
        l1Migrator = l1Migrator_;
        bondingManager = bondingManager_;
        token = token_;
    }

    /// @notice Stakes `amount` just-minted LPT as the migration record `data` says (L2 gateway only, for LPT
    ///         bridged by the L1Migrator; each migration once).
    /// @param l1From The L1 account that bridged the LPT.
    /// @param amount LPT minted to this contract.
    /// @param data The ABI-encoded `MigrationCodec.Migration`.
    function onLPTBridged(address l1From, uint256 amount, bytes calldata data) external {
        if (msg.sender != l2Gateway) revert NotL2Gateway(msg.sender);
        if (l1From != l1Migrator) revert NotL1Migrator(l1From);
        MigrationCodec.Migration memory m = MigrationCodec.decode(data);
        if (m.amount != amount) revert AmountMismatch(amount, m.amount);
        if (isMigrated[m.id]) revert AlreadyMigrated(m.id);
        isMigrated[m.id] = true;
        migrationsFinalized += 1;
        totalMigrated += amount;
        emit MigrationFinalized(m.id, m.l1Delegator, m.l2Delegator, m.l2Orchestrator, m.kind, amount);
        token.forceApprove(address(bondingManager), amount);
        if (m.kind == MigrationCodec.Kind.Orchestrator) {
            bondingManager.migrateTranscoder(m.l2Delegator, amount, m.rewardCut, m.feeShare);
        } else {
            bondingManager.stakeFor(m.l2Delegator, m.l2Orchestrator, amount);
        }
    }
}
