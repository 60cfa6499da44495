// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {AddressAlias} from "../arbitrum/AddressAlias.sol";
import {IBridge} from "../arbitrum/IBridge.sol";
import {IInbox} from "../arbitrum/IInbox.sol";
import {L1ArbitrumMessenger} from "../arbitrum/L1ArbitrumMessenger.sol";
import {BondingManager} from "../l1/BondingManager.sol";
import {IL1LPTGateway} from "./IL1LPTGateway.sol";
import {IMintingDelegator} from "./IMintingDelegator.sol";
import {L1Escrow} from "./L1Escrow.sol";
import {L1LPTGateway} from "./L1LPTGateway.sol";
import {L2Migrator} from "./L2Migrator.sol";
import {MigrationCodec} from "./MigrationCodec.sol";

/// @title L1Migrator
/// @notice Moves a delegator's L1 stake to Arbitrum in one L1 transaction: it takes the stake out of the L1
///         BondingManager (`migrateStake`, no unbonding period) straight into the L1 LPT gateway's escrow, and sends
///         its own retryable to the L2Migrator with the migration record (`L2Migrator.finalizeMigration`), so that
///         ONE L2 message mints the LPT (the L2Migrator is a minting delegate of the L2 Minter) and stakes it there.
///         The gateway takes no part in the migration: the escrowed LPT backs L2 LPT like a deposit's does.
/// @dev Binding. Only the L1 account itself chooses its L2 delegator and orchestrator: either in its own
///      transaction (`migrate`, `migrateUnbondingLocks`: the stake moved is always `msg.sender`'s), or with an EIP-712
///      signature (`migrateWithSignature`) that a relayer submits and pays for. Signatures go through OpenZeppelin's
///      SignatureChecker (ECDSA for accounts without code, ERC-1271 for contract wallets): an empty or malformed
///      signature is invalid for every address, address(0) included. Each signature carries the signer's next
///      nonce and a deadline, so it is used at most once, and minimum L2 gas parameters, so that whoever submits
///      it cannot spend it on a ticket that was never meant to execute.
///      Receivers. No L1 account creates or changes state at an L2 address other than its own: stake migrated to
///      the L1 account's own address is staked on arrival, stake migrated to any other L2 address waits in the
///      L2Migrator until that address claims it in its own L2 transaction (see L2Migrator). An orchestrator
///      migrates to its own address, and a delegator can name itself, but no other address, as its L2 orchestrator.
///      Expiry. Each record carries a deadline (the L1 time of sending plus Arbitrum's retryable lifetime): after
///      it the L2Migrator refuses the record and lets anyone send it back with its delayed message
///      (`L2Migrator.expire`), and `refundExpiredMigration` returns its LPT from the escrow to the L1 delegator as a
///      new unbonding lock.
///      This contract stores nothing per migration to recognise the record: it rebuilds the delayed message that
///      carried it (kind 9 from this contract's alias, to the L2Migrator, finalizing exactly this record) and finds
///      its hash in the Bridge's delayed-inbox accumulator, which
///      commits to every message ever sent. Each id is refunded at most once (a bitmap) and never both finalized
///      on L2 and refunded (the L2Migrator decides which, by its own state).
///      Fees. `msg.value` must equal `maxSubmissionCost + maxGas * gasPriceBid` exactly; whatever the L2 does not
///      spend is refunded on L2 to the L2 delegator. The ticket's call-value refund address (its beneficiary, the
///      only account that may cancel it) is the L1 gateway, as for a deposit: its alias never cancels, so a ticket can
///      only be redeemed or expire. A retryable that fails its automatic redeem stays redeemable on L2 by anyone
///      until the record's deadline (the LPT is escrowed on L1 meanwhile).
contract L1Migrator is Ownable2Step, EIP712, Nonces, ReentrancyGuardTransient, L1ArbitrumMessenger {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type of a signed stake migration.
    bytes32 public constant MIGRATION_TYPEHASH = keccak256(
        "Migration(address l1Delegator,address l2Delegator,address l2Orchestrator,uint256 minL2GasLimit,"
        "uint256 minL2GasPrice,uint256 nonce,uint256 deadline)"
    );

    /// @notice How long a migration's L2 message can finalize: Arbitrum's retryable lifetime (7 days). A ticket
    ///         left unredeemed that long expires, and the record with it (a keepalive extends the ticket, not
    ///         the record).
    uint256 public constant MIGRATION_LIFETIME = 7 days;

    /// @notice Delayed message kind of a retryable ticket in Arbitrum's Bridge.
    uint8 public constant L1_MESSAGE_TYPE_SUBMIT_RETRYABLE = 9;

    /// @notice The L1 BondingManager stake is migrated from.
    BondingManager public immutable bondingManager;
    /// @notice L1 LPT.
    IERC20 public immutable token;
    /// @notice The L1 LPT gateway: migrated stake is paid into its escrow, and its alias is each ticket's call-value
    ///         refund address.
    IL1LPTGateway public immutable gateway;
    /// @notice The escrow the gateway keeps bridged LPT in; migrated stake is paid into it directly (this contract
    ///         is also one of its releasers).
    L1Escrow public immutable escrow;
    /// @notice The L1 Minter, which mints what the escrow lacks for a refund (this contract is one of its minting
    ///         delegates), as the gateway does for withdrawals.
    IMintingDelegator public immutable minter;
    /// @notice The L2Migrator that each migration's retryable calls on L2 (set once the L2 side is deployed).
    address public l2Migrator;
    // Every migration updates both counters: they share a slot.
    /// @notice Number of migrations sent so far; the last migration's id.
    uint128 public migrationCount;
    /// @notice LPT sent to L2 by all migrations.
    uint128 public totalMigrated;
    /// @notice LPT of expired migrations returned to L1 delegators, in total.
    uint256 public totalRefunded;
    // Refunded migration ids, 256 to a word (ids are consecutive, like the L2Migrator's finalized bits).
    mapping(uint256 word => uint256 bits) private _refundedBits;

    /// @notice A stake migration authorised by signature (the EIP-712 `Migration` without its nonce).
    struct SignedMigration {
        address l1Delegator; // whose stake migrates; the signer (or the ERC-1271 wallet)
        address l2Delegator;
        address l2Orchestrator;
        uint256 minL2GasLimit; // the retryable's gas limit must be at least this
        uint256 minL2GasPrice; // and its gas price bid at least this
        uint256 deadline; // last valid timestamp
    }

    /// @notice The L2Migrator is now `l2Migrator`.
    event L2MigratorSet(address indexed l2Migrator);
    /// @notice Migration `id` of `amount` LPT from `l1Delegator` was sent to L2 for `l2Delegator`, to be staked with
    ///         `l2Orchestrator` (an orchestrator with its `rewardCut` and `feeShare`).
    event MigrationInitiated(
        uint256 indexed id,
        address indexed l1Delegator,
        address indexed l2Delegator,
        address l2Orchestrator,
        MigrationCodec.Kind kind,
        uint256 amount,
        uint256 rewardCut,
        uint256 feeShare,
        uint256 deadline
    );
    /// @notice Expired migration `id` of `amount` LPT came back to `l1Delegator` as its unbonding lock
    ///         `unbondingLockId` (`minted` of it minted because the escrow lacked it).
    event MigrationRefunded(
        uint256 indexed id, address indexed l1Delegator, uint256 amount, uint256 unbondingLockId, uint256 minted
    );

    /// @notice A zero address where one is needed.
    error ZeroAddress();
    /// @notice The L2Migrator is not set yet.
    error L2MigratorNotSet();
    /// @notice `msg.value` (`sent`) is not `maxSubmissionCost + maxGas * gasPriceBid` (`required`).
    error WrongValue(uint256 sent, uint256 required);
    /// @notice A migrating orchestrator must migrate to its own address, as its own orchestrator.
    error OrchestratorMustMigrateToItself(address l1Delegator, address l2Delegator, address l2Orchestrator);
    /// @notice A delegator's migration cannot make another L2 address (`l2Delegator`) its own orchestrator.
    error SelfDelegationOfAnotherAddress(address l2Delegator);
    /// @notice The signature does not authorise this migration for `l1Delegator`.
    error InvalidSignature(address l1Delegator);
    /// @notice The retryable's gas limit or gas price is below what the signer required.
    error GasBelowSignedMinimum(uint256 maxGas, uint256 minL2GasLimit, uint256 gasPriceBid, uint256 minL2GasPrice);
    /// @notice The signature expired at `deadline`.
    error SignatureExpired(uint256 deadline);
    /// @notice No unbonding lock ids were given.
    error NoUnbondingLocks();
    /// @notice Lock `unbondingLockId` appears more than once in one call.
    error DuplicateUnbondingLock(uint256 unbondingLockId);
    /// @notice The record was not sent by this contract's migration `id` in the delayed message named.
    error UnknownMigration(uint256 id);
    /// @notice Migration `id` was refunded before.
    error AlreadyRefunded(uint256 id);

    /// @param owner_ The governor (sets the L2Migrator).
    /// @param bondingManager_ The L1 BondingManager.
    /// @param token_ L1 LPT.
    /// @param gateway_ The L1 LPT gateway (its Inbox, escrow and Minter are this contract's too).
    constructor(address owner_, BondingManager bondingManager_, IERC20 token_, IL1LPTGateway gateway_)
        Ownable(owner_)
        EIP712("Livepeer L1Migrator", "1")
        L1ArbitrumMessenger(_inboxOf(gateway_))
    {
        if (address(bondingManager_) == address(0) || address(token_) == address(0)) revert ZeroAddress();
        bondingManager = bondingManager_;
        token = token_;
        gateway = gateway_;
        escrow = L1LPTGateway(address(gateway_)).escrow();
        minter = L1LPTGateway(address(gateway_)).minter();
    }

    /// @notice Sets the L2Migrator that migrations are sent to (governor only).
    /// @param l2Migrator_ The L2Migrator.
    function setL2Migrator(address l2Migrator_) external onlyOwner {
        if (l2Migrator_ == address(0)) revert ZeroAddress();
        l2Migrator = l2Migrator_;
        emit L2MigratorSet(l2Migrator_);
    }

    /// @notice Migrates all of the caller's bonded stake (with its earnings) to L2 in this one transaction. With
    ///         `l2Delegator` the caller's own address, one L2 message stakes it there with `l2Orchestrator`; with any
    ///         other L2 address, the LPT waits in the L2Migrator until that address claims it (`claimStake`) and
    ///         `l2Orchestrator` is only a suggestion. An orchestrator migrates to itself
    ///         (`l2Delegator == l2Orchestrator ==` its L1 address) and is registered on L2 with its L1 reward cut and
    ///         fee share. A delegator can name itself, but no other L2 address, as its orchestrator.
    ///         `msg.value` pays the retryable: `maxSubmissionCost + maxGas * gasPriceBid`.
    /// @param l2Delegator The caller's L2 address.
    /// @param l2Orchestrator Orchestrator to stake with on L2.
    /// @param maxGas L2 gas limit of the retryable.
    /// @param gasPriceBid L2 gas price bid.
    /// @param maxSubmissionCost Maximum submission fee of the retryable.
    /// @return id The migration id.
    function migrate(
        address l2Delegator,
        address l2Orchestrator,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost
    ) external payable nonReentrant returns (uint256 id) {
        L2GasParams memory gas = L2GasParams(maxSubmissionCost, maxGas, gasPriceBid);
        return _migrateStake(msg.sender, l2Delegator, l2Orchestrator, gas);
    }

    /// @notice `migrate` on behalf of `m.l1Delegator` (same receiver rules), authorised by its EIP-712 `Migration`
    ///         signature (ECDSA or ERC-1271) over `m` and its next nonce. The caller (a relayer) pays
    ///         `msg.value`; the retryable's gas limit and gas price must be at least the signed minimums, so that
    ///         whoever submits the signature cannot send a ticket that was never meant to execute.
    /// @param m The signed migration.
    /// @param signature The signature of `m.l1Delegator`.
    /// @param maxGas L2 gas limit of the retryable (at least `m.minL2GasLimit`).
    /// @param gasPriceBid L2 gas price bid (at least `m.minL2GasPrice`).
    /// @param maxSubmissionCost Maximum submission fee of the retryable.
    /// @return id The migration id.
    function migrateWithSignature(
        SignedMigration calldata m,
        bytes calldata signature,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost
    ) external payable nonReentrant returns (uint256 id) {
        if (block.timestamp > m.deadline) revert SignatureExpired(m.deadline);
        if (maxGas < m.minL2GasLimit || gasPriceBid < m.minL2GasPrice) {
            revert GasBelowSignedMinimum(maxGas, m.minL2GasLimit, gasPriceBid, m.minL2GasPrice);
        }
        bytes32 digest = migrationDigest(m, _useNonce(m.l1Delegator));
        if (!SignatureChecker.isValidSignatureNow(m.l1Delegator, digest, signature)) {
            revert InvalidSignature(m.l1Delegator);
        }
        L2GasParams memory gas = L2GasParams(maxSubmissionCost, maxGas, gasPriceBid);
        return _migrateStake(m.l1Delegator, m.l2Delegator, m.l2Orchestrator, gas);
    }

    /// @notice Migrates the caller's unbonding locks `lockIds` (each at most once, no duplicates) to L2, where their
    ///         LPT is STAKED for `l2Delegator` with `l2Orchestrator` (never liquid: that would skip the unbonding
    ///         period). One L2 message carries their sum. As in `migrate`, an `l2Delegator` other than the caller's
    ///         own address gets the LPT only by claiming it on L2.
    /// @param lockIds The caller's unbonding locks.
    /// @param l2Delegator The caller's L2 address.
    /// @param l2Orchestrator Orchestrator to stake with on L2.
    /// @param maxGas L2 gas limit of the retryable.
    /// @param gasPriceBid L2 gas price bid.
    /// @param maxSubmissionCost Maximum submission fee of the retryable.
    /// @return id The migration id.
    function migrateUnbondingLocks(
        uint256[] calldata lockIds,
        address l2Delegator,
        address l2Orchestrator,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost
    ) external payable nonReentrant returns (uint256 id) {
        L2GasParams memory gas = L2GasParams(maxSubmissionCost, maxGas, gasPriceBid);
        _checkRequest(l2Delegator, l2Orchestrator, gas);
        _checkDelegatorDestination(msg.sender, l2Delegator, l2Orchestrator);
        if (lockIds.length == 0) revert NoUnbondingLocks();
        for (uint256 i = 1; i < lockIds.length; ++i) {
            for (uint256 j; j < i; ++j) {
                if (lockIds[j] == lockIds[i]) revert DuplicateUnbondingLock(lockIds[i]);
            }
        }
        uint256 amount = bondingManager.migrateUnbondingLocks(msg.sender, lockIds, address(escrow));
        return _send(MigrationCodec.Kind.UnbondingLocks, msg.sender, l2Delegator, l2Orchestrator, amount, 0, 0, gas);
    }

    /// @notice Returns the LPT of expired migration `record` from the escrow to its L1 delegator, as a new unbonding
    ///         lock with the full unbonding period (only the L2Migrator's L2 -> L1 message, executed through the
    ///         Outbox: see `L2Migrator.expire`). Each migration is refunded once. What the escrow lacks (it pays
    ///         withdrawals of L2 inflation first) is minted through the L1 Minter, as the gateway does.
    /// @param record The migration's encoded record, exactly as sent.
    /// @param message The Bridge's delayed message that carried the record (see `isSentIn`).
    /// @return unbondingLockId The L1 delegator's new unbonding lock.
    function refundExpiredMigration(bytes calldata record, MigrationCodec.DelayedMessage calldata message)
        external
        onlyL2Counterpart
        nonReentrant
        returns (uint256 unbondingLockId)
    {
        MigrationCodec.Migration memory m = MigrationCodec.decode(record);
        if (!isSentIn(record, message)) revert UnknownMigration(m.id);
        if (isRefunded(m.id)) revert AlreadyRefunded(m.id);
        _refundedBits[m.id >> 8] |= 1 << (m.id & 0xff);
        totalRefunded += m.amount;
        uint256 escrowed = token.balanceOf(address(escrow));
        uint256 released = m.amount < escrowed ? m.amount : escrowed;
        uint256 shortfall = m.amount - released;
        if (released > 0) escrow.release(address(this), released);
        if (shortfall > 0) minter.mint(address(this), shortfall);
        token.forceApprove(address(bondingManager), m.amount);
        unbondingLockId = bondingManager.refundMigratedStake(m.l1Delegator, m.amount);
        emit MigrationRefunded(m.id, m.l1Delegator, m.amount, unbondingLockId, shortfall);
    }

    /// @notice Whether `record` is a record this contract sent to the current L2Migrator, in the delayed message
    ///         `message` describes: the hash of that message, rebuilt as Arbitrum's Bridge hashes it (kind 9, this
    ///         contract's alias as sender, the block, time, message number and base fee, and the retryable's data: to
    ///         the L2Migrator, no call value, the deposit `maxSubmissionCost + gasLimit * maxFeePerGas` that a
    ///         migration pays exactly, the refund addresses as the Inbox wrote them (the gateway's alias for the call
    ///         value), and the calldata `L2Migrator.finalizeMigration(record)`), accumulated onto the Bridge's
    ///         previous accumulator, must be the Bridge's accumulator at `message.messageNum`.
    /// @param record An encoded migration record.
    /// @param message The delayed message that carried it.
    function isSentIn(bytes calldata record, MigrationCodec.DelayedMessage calldata message)
        public
        view
        returns (bool)
    {
        bytes memory l2Calldata = abi.encodeCall(L2Migrator.finalizeMigration, (record));
        bytes32 dataHash = keccak256(
            abi.encodePacked(
                uint256(uint160(l2Migrator)),
                uint256(0),
                message.maxSubmissionCost + message.gasLimit * message.maxFeePerGas,
                message.maxSubmissionCost,
                uint256(uint160(message.excessFeeRefundAddress)),
                uint256(uint160(AddressAlias.applyL1ToL2Alias(address(gateway)))),
                message.gasLimit,
                message.maxFeePerGas,
                l2Calldata.length,
                l2Calldata
            )
        );
        bytes32 messageHash = keccak256(
            abi.encodePacked(
                L1_MESSAGE_TYPE_SUBMIT_RETRYABLE,
                AddressAlias.applyL1ToL2Alias(address(this)),
                message.blockNumber,
                message.timestamp,
                message.messageNum,
                message.baseFeeL1,
                dataHash
            )
        );
        IBridge bridge = inbox.bridge();
        uint256 n = message.messageNum;
        if (n >= bridge.delayedMessageCount()) return false;
        bytes32 before = n == 0 ? bytes32(0) : bridge.delayedInboxAccs(n - 1);
        return bridge.delayedInboxAccs(n) == keccak256(abi.encodePacked(before, messageHash));
    }

    /// @notice Whether migration `id` was refunded on L1.
    /// @param id The migration id.
    function isRefunded(uint256 id) public view returns (bool) {
        return _refundedBits[id >> 8] & (1 << (id & 0xff)) != 0;
    }

    /// @notice The EIP-712 digest an L1 delegator signs to authorise `migrateWithSignature` of `m`.
    /// @param m The migration.
    /// @param nonce `nonces(m.l1Delegator)` at submission.
    function migrationDigest(SignedMigration calldata m, uint256 nonce) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    MIGRATION_TYPEHASH,
                    m.l1Delegator,
                    m.l2Delegator,
                    m.l2Orchestrator,
                    m.minL2GasLimit,
                    m.minL2GasPrice,
                    nonce,
                    m.deadline
                )
            )
        );
    }

    /// @notice The EIP-712 domain separator of this contract.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _migrateStake(address l1Delegator, address l2Delegator, address l2Orchestrator, L2GasParams memory gas)
        private
        returns (uint256)
    {
        _checkRequest(l2Delegator, l2Orchestrator, gas);
        // One call takes the stake and says whether it was an orchestrator's (with its terms); a destination that
        // its kind does not allow reverts the whole migration below.
        (uint256 amount, bool orchestrator, uint256 rewardCut, uint256 feeShare) =
            bondingManager.migrateStake(l1Delegator, address(escrow));
        if (!orchestrator) {
            _checkDelegatorDestination(l1Delegator, l2Delegator, l2Orchestrator);
            return _send(MigrationCodec.Kind.Delegator, l1Delegator, l2Delegator, l2Orchestrator, amount, 0, 0, gas);
        }
        if (l2Delegator != l1Delegator || l2Orchestrator != l2Delegator) {
            revert OrchestratorMustMigrateToItself(l1Delegator, l2Delegator, l2Orchestrator);
        }
        return _send(
            MigrationCodec.Kind.Orchestrator, l1Delegator, l2Delegator, l2Delegator, amount, rewardCut, feeShare, gas
        );
    }

    /// @dev The Inbox of `gateway_` (the constructor's messenger base needs it before the body runs).
    function _inboxOf(IL1LPTGateway gateway_) private view returns (IInbox) {
        if (address(gateway_) == address(0)) revert ZeroAddress();
        return L1LPTGateway(address(gateway_)).inbox();
    }

    function _l2Counterpart() internal view override returns (address) {
        return l2Migrator;
    }

    function _checkRequest(address l2Delegator, address l2Orchestrator, L2GasParams memory gas) private view {
        if (l2Delegator == address(0) || l2Orchestrator == address(0)) revert ZeroAddress();
        if (l2Migrator == address(0)) revert L2MigratorNotSet();
        uint256 required = gas.maxSubmissionCost + gas.gasLimit * gas.maxFeePerGas;
        if (msg.value != required) revert WrongValue(msg.value, required);
    }

    /// @dev A delegator may name any L2 address for its stake, but only its own L2 address as its own orchestrator:
    ///      making another address self-delegated would register it as an orchestrator that cannot re-delegate.
    function _checkDelegatorDestination(address l1Delegator, address l2Delegator, address l2Orchestrator)
        private
        pure
    {
        if (l2Orchestrator == l2Delegator && l2Delegator != l1Delegator) {
            revert SelfDelegationOfAnotherAddress(l2Delegator);
        }
    }

    function _send(
        MigrationCodec.Kind kind,
        address l1Delegator,
        address l2Delegator,
        address l2Orchestrator,
        uint256 amount,
        uint256 rewardCut,
        uint256 feeShare,
        L2GasParams memory gas
    ) private returns (uint256 id) {
        id = ++migrationCount;
        totalMigrated = SafeCast.toUint128(totalMigrated + amount);
        uint256 deadline = block.timestamp + MIGRATION_LIFETIME;
        bytes memory record = MigrationCodec.encode(
            MigrationCodec.Migration(
                id, kind, l1Delegator, l2Delegator, l2Orchestrator, amount, rewardCut, feeShare, deadline
            )
        );
        emit MigrationInitiated(
            id, l1Delegator, l2Delegator, l2Orchestrator, kind, amount, rewardCut, feeShare, deadline
        );
        // The BondingManager paid the LPT into the escrow; the ticket carries the record to the L2Migrator, which
        // mints as much. `_checkRequest` made `msg.value` exactly the ticket's fees.
        _sendTxToL2(
            l2Migrator, l2Delegator, address(gateway), 0, gas, abi.encodeCall(L2Migrator.finalizeMigration, (record))
        );
    }
}
