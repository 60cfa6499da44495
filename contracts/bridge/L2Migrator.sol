// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {L2ArbitrumMessenger} from "../arbitrum/L2ArbitrumMessenger.sol";
import {L2BondingManager} from "../l2/L2BondingManager.sol";
import {IMintingDelegator} from "./IMintingDelegator.sol";
import {L1Migrator} from "./L1Migrator.sol";
import {MigrationCodec} from "./MigrationCodec.sol";

/// @title L2Migrator
/// @notice Landing side of stake migration. The L1Migrator's retryable calls `finalizeMigration` with its migration
///         record; this contract mints the record's LPT through the L2 Minter (as one of its minting delegates, in
///         either inflation mode: the LPT is already in the L1 escrow) and, in the same call:
///         - A record whose L2 delegator is the L1 delegator's own address is staked at once: the L2BondingManager
///           credits it and its LPT is minted straight into the L2 Minter, which holds all bonded LPT.
///         - A record naming any other L2 address is minted here, claimable by that address only: it stakes the LPT
///           in its own L2 transaction (`claimStake`), with the orchestrator it chooses. Nothing at that address
///           changes before, so no L1 account can pre-seed or alter the L2 state of an address it does not control.
///         - When staking reverts for a reason in the receiver's L2 state, the LPT is kept claimable the same way
///           instead of failing the migration.
///         - A record past its deadline is refused (nothing is minted); anyone can then send it back to L1
///           (`expire`), where the L1Migrator refunds its LPT as an unbonding lock.
/// @dev Accepts records only from the L1Migrator's retryables (`msg.sender` is its L2 alias, which only a ticket the
///      L1Migrator sent can be: no L2 account, gateway deposit or other L1 contract has that alias); each migration id
///      is finalized once (a replay reverts, and with it the mint). Finalize and expire exclude each other
///      by this contract's state: finalize needs `block.timestamp <= deadline`, expire needs it past the deadline
///      and the id not finalized, and L2 time never goes back. Expiry is recorded per record and delayed message, so
///      a forged record with a real id, or a real record with a wrong delayed message, cannot block the real one (the
///      L1Migrator refunds only a record it sent, in the delayed message it was sent in).
contract L2Migrator is L2ArbitrumMessenger {
    using SafeERC20 for IERC20;

    /// @notice Migrated LPT waiting for its L2 delegator to claim it.
    struct Parked {
        address l2Delegator; // the only address that can claim it
        MigrationCodec.Kind kind;
        uint32 rewardCut; // Orchestrator records: its L1 terms, applied if it claims as its own orchestrator
        uint32 feeShare;
        address suggestedOrchestrator; // the record's l2Orchestrator, a suggestion only
        uint256 amount;
    }

    /// @notice The L2 Minter, which mints the migrated LPT (this contract is one of its minting delegates).
    IMintingDelegator public immutable minter;
    /// @notice The L1Migrator, the only L1 sender whose records are accepted, and the receiver of expired ones.
    address public immutable l1Migrator;
    /// @notice Where migrated stake is staked.
    L2BondingManager public immutable bondingManager;
    /// @notice L2 LPT.
    IERC20 public immutable token;

    // Finalized migration ids, 256 to a word: ids are consecutive, so most finalizations set a bit in a word
    // that is already non-zero instead of writing a fresh slot.
    mapping(uint256 word => uint256 bits) private _migratedBits;
    /// @notice Migrated LPT of migration `id` waiting to be claimed (zero amount: none).
    mapping(uint256 id => Parked) public parked;
    /// @notice Whether the record and delayed message with this `expiryHash` were sent back to L1.
    mapping(bytes32 expiryHash => bool) public isExpired;
    // Every finalization updates both counters: they share a slot.
    /// @notice Number of migrations finalized.
    uint128 public migrationsFinalized;
    /// @notice LPT minted here by finalized migrations.
    uint128 public totalMigrated;
    /// @notice LPT waiting to be claimed, in total.
    uint256 public totalParked;

    /// @notice Migration `id` minted `amount` LPT for `l2Delegator` (from `l1Delegator`): into the Minter as its stake,
    ///         or here while it awaits a claim.
    event MigrationFinalized(
        uint256 indexed id,
        address indexed l1Delegator,
        address indexed l2Delegator,
        address l2Orchestrator,
        MigrationCodec.Kind kind,
        uint256 amount
    );
    /// @notice Migration `id`'s `amount` LPT wait here until `l2Delegator` claims them (`suggestedOrchestrator`:
    ///         the orchestrator the L1 delegator asked for).
    event StakeAwaitingClaim(
        uint256 indexed id, address indexed l2Delegator, address suggestedOrchestrator, uint256 amount
    );
    /// @notice Staking migration `id` at its own L2 address reverted with `reason`; its LPT awaits a claim instead.
    event StakingFailed(uint256 indexed id, bytes reason);
    /// @notice `l2Delegator` claimed migration `id`'s `amount` LPT and staked them with `orchestrator`.
    event StakeClaimed(uint256 indexed id, address indexed l2Delegator, address indexed orchestrator, uint256 amount);
    /// @notice Migration `id` of `l1Delegator` (`amount` LPT) expired unfinalized and was sent back to L1 in L2 -> L1
    ///         message `l2ToL1Id`.
    event MigrationExpired(uint256 indexed id, address indexed l1Delegator, uint256 amount, uint256 l2ToL1Id);

    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice Migration `id` was finalized before.
    error AlreadyMigrated(uint256 id);
    /// @notice Migration `id` expired at `deadline`: it can only be sent back to L1 (`expire`).
    error MigrationDeadlinePassed(uint256 id, uint256 deadline);
    /// @notice Migration `id` can finalize until `deadline`: it cannot be expired yet.
    error MigrationNotExpired(uint256 id, uint256 deadline);
    /// @notice This record and delayed message of migration `id` were sent back before.
    error AlreadyExpired(uint256 id);
    /// @notice Nothing of migration `id` is claimable by `account`.
    error NotClaimable(uint256 id, address account);
    /// @notice The staking call ran out of gas: retry the ticket with more gas rather than parking the stake.
    error StakingOutOfGas(uint256 id);

    /// @param minter_ The L2 Minter (this contract must be its minting delegate).
    /// @param l1Migrator_ The L1Migrator.
    /// @param bondingManager_ The L2BondingManager.
    /// @param token_ L2 LPT.
    constructor(IMintingDelegator minter_, address l1Migrator_, L2BondingManager bondingManager_, IERC20 token_) {
        if (
            address(minter_) == address(0) || l1Migrator_ == address(0) || address(bondingManager_) == address(0)
                || address(token_) == address(0)
        ) revert ZeroAddress();
        minter = minter_;
        l1Migrator = l1Migrator_;
        bondingManager = bondingManager_;
        token = token_;
    }

    /// @notice Finalizes migration `record` (only the L1Migrator's retryable; each migration once, until its
    ///         deadline): stakes its LPT at the L1 delegator's own address, or keeps it claimable by the record's L2
    ///         delegator (see the contract notes). The L1Migrator paid the same LPT into the L1 escrow in the
    ///         transaction that sent the record.
    /// @dev Stake that is credited at once is minted straight into the L2 Minter, which holds all bonded LPT: the
    ///      L2BondingManager credits it first (its migration functions take no LPT, and only this contract may call
    ///      them), and the mint follows in the same call, so a credit never stands without its LPT (a failed mint
    ///      reverts the credit with it). When the credit reverts, nothing was credited, and the LPT is minted here
    ///      and parked for a claim. A migration that initializes the L2 round does so before its LPT exists.
    /// @param record The ABI-encoded `MigrationCodec.Migration`.
    function finalizeMigration(bytes calldata record) external onlyL1Counterpart {
        MigrationCodec.Migration memory m = MigrationCodec.decode(record);
        uint256 amount = m.amount;
        if (isMigrated(m.id)) revert AlreadyMigrated(m.id);
        if (block.timestamp > m.deadline) revert MigrationDeadlinePassed(m.id, m.deadline);
        _migratedBits[m.id >> 8] |= 1 << (m.id & 0xff);
        migrationsFinalized += 1;
        totalMigrated = SafeCast.toUint128(totalMigrated + amount);
        emit MigrationFinalized(m.id, m.l1Delegator, m.l2Delegator, m.l2Orchestrator, m.kind, amount);
        if (m.l2Delegator != m.l1Delegator) {
            _park(m);
            return;
        }
        uint256 gasBefore = gasleft();
        // A revert in the L2BondingManager leaves the LPT claimable instead (the call's state changes are undone).
        if (m.kind == MigrationCodec.Kind.Orchestrator) {
            try bondingManager.migrateTranscoder(m.l2Delegator, amount, m.rewardCut, m.feeShare) {
                minter.mint(address(minter), amount);
            } catch (bytes memory reason) {
                _parkAfterStakingFailed(m, gasBefore, reason);
            }
        } else {
            try bondingManager.stakeFor(m.l2Delegator, m.l2Orchestrator, amount) {
                minter.mint(address(minter), amount);
            } catch (bytes memory reason) {
                _parkAfterStakingFailed(m, gasBefore, reason);
            }
        }
    }

    /// @notice Stakes migration `id`'s LPT, waiting here for the caller, with `orchestrator`: exactly the caller's
    ///         own `bond(amount, orchestrator)` (all its stake moves to `orchestrator`). An orchestrator's record
    ///         claimed with itself as `orchestrator` registers it with its L1 terms, as its migration would have.
    ///         Only the record's L2 delegator, once.
    /// @param id The migration id.
    /// @param orchestrator The delegate the caller chooses.
    function claimStake(uint256 id, address orchestrator) external {
        Parked memory p = parked[id];
        if (p.amount == 0 || p.l2Delegator != msg.sender) revert NotClaimable(id, msg.sender);
        if (orchestrator == address(0)) revert ZeroAddress();
        delete parked[id];
        totalParked -= p.amount;
        emit StakeClaimed(id, msg.sender, orchestrator, p.amount);
        // the parked LPT joins the bonded LPT in the Minter; the BondingManager credits it without taking any
        token.safeTransfer(address(minter), p.amount);
        if (p.kind == MigrationCodec.Kind.Orchestrator && orchestrator == msg.sender) {
            bondingManager.migrateTranscoder(msg.sender, p.amount, p.rewardCut, p.feeShare);
        } else {
            bondingManager.bondFor(msg.sender, orchestrator, p.amount);
        }
    }

    /// @notice Sends migration `record`, never finalized and past its deadline, back to the L1Migrator, which
    ///         refunds its LPT to the L1 delegator as an unbonding lock (anyone may call; one L2 -> L1 message,
    ///         executed on L1 through the Outbox after the challenge period). From now on the record can never
    ///         finalize here.
    /// @param record The migration's encoded record, exactly as the L1Migrator sent it (its MigrationInitiated
    ///        event has every field).
    /// @param message The delayed message of the L1 Bridge that carried the record (the Bridge's
    ///        `MessageDelivered` and the Inbox's `InboxMessageDelivered` have every field); the L1Migrator checks it.
    /// @return l2ToL1Id The id of the L2 -> L1 message.
    function expire(bytes calldata record, MigrationCodec.DelayedMessage calldata message)
        external
        returns (uint256 l2ToL1Id)
    {
        MigrationCodec.Migration memory m = MigrationCodec.decode(record);
        if (block.timestamp <= m.deadline) revert MigrationNotExpired(m.id, m.deadline);
        if (isMigrated(m.id)) revert AlreadyMigrated(m.id);
        bytes32 key = expiryHash(record, message);
        if (isExpired[key]) revert AlreadyExpired(m.id);
        isExpired[key] = true;
        l2ToL1Id = _sendTxToL1(l1Migrator, 0, abi.encodeCall(L1Migrator.refundExpiredMigration, (record, message)));
        emit MigrationExpired(m.id, m.l1Delegator, m.amount, l2ToL1Id);
    }

    /// @notice The key of `isExpired` for `record` sent back with `message`: keccak256 of both, ABI-encoded.
    /// @param record An encoded migration record.
    /// @param message The delayed message that carried it.
    function expiryHash(bytes calldata record, MigrationCodec.DelayedMessage calldata message)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(record, message));
    }

    /// @notice Whether migration `id` was finalized (its LPT minted here, then staked or parked).
    /// @param id The migration id.
    function isMigrated(uint256 id) public view returns (bool) {
        return _migratedBits[id >> 8] & (1 << (id & 0xff)) != 0;
    }

    /// @dev Parks `m` after its staking call reverted with `reason`, unless that call ran out of gas (`gasBefore`:
    ///      the gas left before it).
    function _parkAfterStakingFailed(MigrationCodec.Migration memory m, uint256 gasBefore, bytes memory reason)
        private
    {
        // A call that used up the gas forwarded to it (63/64 of what was left) ran out of gas: parking then would
        // let whoever redeems the ticket with too little gas decide that the stake is not staked.
        if (gasleft() <= gasBefore / 63) revert StakingOutOfGas(m.id);
        emit StakingFailed(m.id, reason);
        _park(m);
    }

    /// @dev Keeps `m` claimable by its L2 delegator and mints its LPT here.
    function _park(MigrationCodec.Migration memory m) private {
        parked[m.id] = Parked(
            m.l2Delegator, m.kind, uint32(m.rewardCut), uint32(m.feeShare), m.l2Orchestrator, m.amount
        );
        totalParked += m.amount;
        emit StakeAwaitingClaim(m.id, m.l2Delegator, m.l2Orchestrator, m.amount);
        minter.mint(address(this), m.amount);
    }

    function _l1Counterpart() internal view override returns (address) {
        return l1Migrator;
    }
}
