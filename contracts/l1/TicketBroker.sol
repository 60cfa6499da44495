// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {
    ITicketBrokerBondingManager,
    ITicketBrokerMinter,
    ITicketBrokerRoundsManager
} from "./TicketBrokerDependencies.sol";

/// @title TicketBroker: probabilistic micropayments from broadcasters (senders) to orchestrators
/// @notice A sender funds a deposit and a reserve in ETH and pays orchestrators with signed lottery
/// tickets. The recipient of a winning ticket redeems it here: its face value is taken from the
/// sender's deposit first, then from the sender's reserve, sent to the Minter and credited to the
/// recipient (and, through the BondingManager's fee share, its delegators).
/// @dev Rules, in the order `redeemWinningTicket` checks them:
/// - only the ticket's recipient redeems, while it is an active orchestrator of an initialized round;
/// - `auxData` is `abi.encode(creationRound, creationRoundBlockHash)`: the hash must be the round's
///   anchor (see below), and the ticket is redeemable in rounds
///   `creationRound .. creationRound + ticketValidityPeriod - 1` only;
/// - `keccak256(abi.encodePacked(recipientRand)) == recipientRandHash`;
/// - each ticket hash is redeemed at most once;
/// - the sender signed the ticket hash as an EIP-191 personal message (65 bytes, low s, v 27/28);
/// - the ticket wins iff `uint256(keccak256(abi.encodePacked(sig, recipientRand))) < winProb`.
/// The ticket hash is bound to this contract and to the chain id, so a ticket signed for one broker
/// (for instance the L1 one) can never be redeemed at another (the L2 one).
///
/// Round anchors (the RoundsManager keeps no per-round block hash): the first `anchorRound()` call
/// in an initialized round records the hash of the previous block as that round's block hash
/// (`roundBlockHash`); orchestrators call it once per round before handing out ticket parameters. Recipients put it in the tickets they
/// ask for, so no ticket can be made for a round before that round has started, and tickets expire.
///
/// Reserve: in a round the sender's reserve is split evenly between the orchestrators of the pool
/// (`BondingManager.getTranscoderPoolSize()`, as Livepeer does). An active recipient can claim up to
/// `(reserve left + reserve claimed this round) / poolSize` minus what it already claimed this round,
/// and never more than what is left. The pool can change size during a round, which moves the
/// allocations with it, and a withdrawal leaves the round's claims on the books, so a reserve
/// refunded in the same round is split as if they had been made against it; the cap by what is
/// left holds regardless. Deposit and reserve can be
/// withdrawn `unlockPeriod` rounds after `unlock()`; tickets stay redeemable during that time, and
/// funding again cancels a pending unlock.
contract TicketBroker is ReentrancyGuard {
    /// @notice A probabilistic micropayment ticket, as signed by its sender.
    struct Ticket {
        address recipient;
        address sender;
        uint256 faceValue;
        uint256 winProb;
        uint256 senderNonce;
        bytes32 recipientRandHash;
        bytes auxData;
    }

    /// @notice A sender's deposit and pending unlock (`withdrawRound == 0`: no unlock pending).
    struct Sender {
        uint256 deposit;
        uint256 withdrawRound;
    }

    struct Reserve {
        uint256 funds;
        mapping(uint256 round => uint256) claimedInRound;
        mapping(uint256 round => mapping(address claimant => uint256)) claimedByClaimant;
    }

    /// @notice Length of `auxData`: abi-encoded creation round and its block hash.
    uint256 public constant AUX_DATA_LENGTH = 64;

    /// @notice The BondingManager credited with redeemed fees.
    ITicketBrokerBondingManager public immutable bondingManager;
    /// @notice The Minter that holds redeemed fees.
    ITicketBrokerMinter public immutable minter;
    /// @notice The RoundsManager that defines rounds.
    ITicketBrokerRoundsManager public immutable roundsManager;
    /// @notice Rounds between `unlock()` and the first round in which `withdraw()` succeeds.
    uint256 public immutable unlockPeriod;
    /// @notice Number of rounds, starting with its creation round, in which a ticket is redeemable.
    uint256 public immutable ticketValidityPeriod;

    /// @notice Deposit and pending unlock of each sender.
    mapping(address sender => Sender) public senders;
    /// @notice Block hash anchoring each round (zero until `anchorRound()` ran in that round).
    mapping(uint256 round => bytes32) public roundBlockHash;
    /// @notice Whether a ticket hash has been redeemed.
    mapping(bytes32 ticketHash => bool) public usedTickets;
    mapping(address sender => Reserve) private _reserves;

    /// @notice `round`'s tickets must carry `blockHash`.
    event RoundAnchored(uint256 indexed round, bytes32 blockHash);
    /// @notice `sender` added `amount` to its deposit.
    event DepositFunded(address indexed sender, uint256 amount);
    /// @notice `sender` added `amount` to its reserve.
    event ReserveFunded(address indexed sender, uint256 amount);
    /// @notice A winning ticket paid `fromDeposit + fromReserve` to `recipient` in `round`.
    event WinningTicketRedeemed(
        bytes32 indexed ticketHash,
        address indexed sender,
        address indexed recipient,
        uint256 round,
        uint256 fromDeposit,
        uint256 fromReserve
    );
    /// @notice `sender` started an unlock in `startRound`; it may withdraw from `withdrawRound` on.
    event Unlock(address indexed sender, uint256 startRound, uint256 withdrawRound);
    /// @notice `sender`'s pending unlock was cancelled (explicitly or by funding again).
    event UnlockCancelled(address indexed sender);
    /// @notice `sender` withdrew its whole deposit and reserve.
    event Withdrawal(address indexed sender, uint256 deposit, uint256 reserve);

    /// @notice A constructor argument is the zero address.
    error ZeroAddress();
    /// @notice A period constructor argument is zero.
    error ZeroPeriod();
    /// @notice A funding call carried no ETH.
    error ZeroValue();
    /// @notice `msg.value` differs from the sum of the amounts asked for.
    error ValueMismatch(uint256 value, uint256 expected);
    /// @notice The caller is not the ticket's recipient.
    error NotTicketRecipient(address caller, address recipient);
    /// @notice The ticket names no sender.
    error ZeroSender();
    /// @notice The ticket's face value is zero.
    error ZeroFaceValue();
    /// @notice The current round has not been initialized.
    error RoundNotInitialized(uint256 round);
    /// @notice The recipient is not an active orchestrator.
    error RecipientNotActive(address recipient);
    /// @notice `auxData` is not `abi.encode(uint256 creationRound, bytes32 blockHash)`.
    error InvalidAuxDataLength(uint256 length);
    /// @notice The ticket's creation round is later than the current round.
    error CreationRoundInFuture(uint256 creationRound, uint256 currentRound);
    /// @notice The ticket's validity period is over.
    error TicketExpired(uint256 creationRound, uint256 currentRound);
    /// @notice The block hash in `auxData` is not the creation round's anchor.
    error CreationRoundBlockHashMismatch(uint256 creationRound, bytes32 ticketBlockHash);
    /// @notice `recipientRand` does not hash to the ticket's `recipientRandHash`.
    error RecipientRandMismatch();
    /// @notice The ticket was redeemed before.
    error TicketAlreadyRedeemed(bytes32 ticketHash);
    /// @notice The signature is valid but not the sender's.
    error SignerMismatch(address signer, address sender);
    /// @notice The ticket did not win.
    error NotWinningTicket();
    /// @notice Neither the deposit nor the recipient's reserve allocation can pay anything.
    error NoFundsAvailable(address sender, address recipient);
    /// @notice The sender has no deposit and no reserve.
    error NoFunds(address sender);
    /// @notice An unlock is already pending.
    error UnlockInProgress(uint256 withdrawRound);
    /// @notice No unlock is pending.
    error NotUnlocking(address sender);
    /// @notice The unlock period is not over yet.
    error UnlockPeriodNotOver(uint256 currentRound, uint256 withdrawRound);

    /// @notice Creates the broker.
    /// @param bondingManager_ BondingManager that accepts fee credits from this broker
    /// @param minter_ Minter that receives the ETH of redeemed tickets
    /// @param roundsManager_ RoundsManager that defines rounds
    /// @param unlockPeriod_ rounds a sender waits between `unlock()` and `withdraw()`
    /// @param ticketValidityPeriod_ rounds in which a ticket is redeemable, its creation round included
    constructor(
        ITicketBrokerBondingManager bondingManager_,
        ITicketBrokerMinter minter_,
        ITicketBrokerRoundsManager roundsManager_,
        uint256 unlockPeriod_,
        uint256 ticketValidityPeriod_
    ) {
        if (
            address(bondingManager_) == address(0) || address(minter_) == address(0)
                || address(roundsManager_) == address(0)
        ) revert ZeroAddress();
        if (unlockPeriod_ == 0 || ticketValidityPeriod_ == 0) revert ZeroPeriod();
        bondingManager = bondingManager_;
        minter = minter_;
        roundsManager = roundsManager_;
        unlockPeriod = unlockPeriod_;
        ticketValidityPeriod = ticketValidityPeriod_;
    }

    /// @notice Records the current round's anchor block hash, once per round (later calls only return it).
    /// @return blockHash the hash tickets created in this round must carry
    function anchorRound() external returns (bytes32 blockHash) {
        uint256 round = roundsManager.currentRound();
        blockHash = roundBlockHash[round];
        if (blockHash != bytes32(0)) return blockHash;
        if (!roundsManager.currentRoundInitialized()) revert RoundNotInitialized(round);
        blockHash = blockhash(block.number - 1);
        roundBlockHash[round] = blockHash;
        emit RoundAnchored(round, blockHash);
    }

    /// @notice Adds `msg.value` to the caller's deposit (cancels a pending unlock).
    function fundDeposit() external payable {
        if (msg.value == 0) revert ZeroValue();
        _fundDeposit(msg.value);
        _cancelPendingUnlock();
    }

    /// @notice Adds `msg.value` to the caller's reserve (cancels a pending unlock).
    function fundReserve() external payable {
        if (msg.value == 0) revert ZeroValue();
        _fundReserve(msg.value);
        _cancelPendingUnlock();
    }

    /// @notice Splits `msg.value` between the caller's deposit and reserve (cancels a pending unlock).
    /// @param depositAmount wei added to the deposit
    /// @param reserveAmount wei added to the reserve; `msg.value` must be `depositAmount + reserveAmount`
    function fundDepositAndReserve(uint256 depositAmount, uint256 reserveAmount) external payable {
        if (msg.value == 0) revert ZeroValue();
        if (msg.value != depositAmount + reserveAmount) {
            revert ValueMismatch(msg.value, depositAmount + reserveAmount);
        }
        if (depositAmount > 0) _fundDeposit(depositAmount);
        if (reserveAmount > 0) _fundReserve(reserveAmount);
        _cancelPendingUnlock();
    }

    /// @notice Redeems a winning ticket; only its recipient, an active orchestrator, may call.
    /// @param ticket the ticket as the sender signed it
    /// @param sig the sender's 65-byte EIP-191 signature of `getTicketHash(ticket)`
    /// @param recipientRand the recipient's secret, committed to by `ticket.recipientRandHash`
    function redeemWinningTicket(Ticket calldata ticket, bytes calldata sig, uint256 recipientRand)
        external
        nonReentrant
    {
        if (msg.sender != ticket.recipient) revert NotTicketRecipient(msg.sender, ticket.recipient);
        if (ticket.sender == address(0)) revert ZeroSender();
        if (ticket.faceValue == 0) revert ZeroFaceValue();
        uint256 round = roundsManager.currentRound();
        if (!roundsManager.currentRoundInitialized()) revert RoundNotInitialized(round);
        if (!bondingManager.isActiveTranscoder(ticket.recipient)) revert RecipientNotActive(ticket.recipient);
        _checkCreationRound(ticket.auxData, round);
        if (keccak256(abi.encodePacked(recipientRand)) != ticket.recipientRandHash) revert RecipientRandMismatch();

        bytes32 ticketHash = getTicketHash(ticket);
        if (usedTickets[ticketHash]) revert TicketAlreadyRedeemed(ticketHash);
        address signer = ECDSA.recoverCalldata(MessageHashUtils.toEthSignedMessageHash(ticketHash), sig);
        if (signer != ticket.sender) revert SignerMismatch(signer, ticket.sender);
        if (!isWinningTicket(sig, recipientRand, ticket.winProb)) revert NotWinningTicket();

        usedTickets[ticketHash] = true;
        uint256 amount = _debit(ticketHash, ticket.sender, ticket.recipient, ticket.faceValue, round);
        minter.depositETH{value: amount}();
        bondingManager.updateTranscoderWithFees(ticket.recipient, amount, round);
    }

    /// @notice Starts the caller's unlock: `withdraw()` succeeds from `currentRound + unlockPeriod` on.
    function unlock() external {
        Sender storage sender = senders[msg.sender];
        if (sender.deposit == 0 && _reserves[msg.sender].funds == 0) revert NoFunds(msg.sender);
        if (sender.withdrawRound != 0) revert UnlockInProgress(sender.withdrawRound);
        uint256 round = roundsManager.currentRound();
        uint256 withdrawRound = round + unlockPeriod;
        sender.withdrawRound = withdrawRound;
        emit Unlock(msg.sender, round, withdrawRound);
    }

    /// @notice Cancels the caller's pending unlock.
    function cancelUnlock() external {
        if (senders[msg.sender].withdrawRound == 0) revert NotUnlocking(msg.sender);
        _cancelPendingUnlock();
    }

    /// @notice Sends the caller its whole deposit and reserve once its unlock period is over.
    function withdraw() external nonReentrant {
        Sender storage sender = senders[msg.sender];
        Reserve storage reserve = _reserves[msg.sender];
        uint256 deposit = sender.deposit;
        uint256 reserveFunds = reserve.funds;
        if (deposit == 0 && reserveFunds == 0) revert NoFunds(msg.sender);
        uint256 withdrawRound = sender.withdrawRound;
        if (withdrawRound == 0) revert NotUnlocking(msg.sender);
        uint256 round = roundsManager.currentRound();
        if (round < withdrawRound) revert UnlockPeriodNotOver(round, withdrawRound);

        sender.deposit = 0;
        sender.withdrawRound = 0;
        reserve.funds = 0;
        emit Withdrawal(msg.sender, deposit, reserveFunds);
        Address.sendValue(payable(msg.sender), deposit + reserveFunds);
    }

    /// @notice The hash a sender signs (EIP-191 prefixed) to issue `ticket` on this broker and chain.
    /// @param ticket the ticket
    /// @return keccak256 of the packed chain id, broker address and ticket fields
    function getTicketHash(Ticket calldata ticket) public view returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                block.chainid,
                address(this),
                ticket.recipient,
                ticket.sender,
                ticket.faceValue,
                ticket.winProb,
                ticket.senderNonce,
                ticket.recipientRandHash,
                ticket.auxData
            )
        );
    }

    /// @notice Whether a ticket with signature `sig`, secret `recipientRand` and `winProb` wins.
    /// @param sig the sender's signature of the ticket
    /// @param recipientRand the recipient's secret
    /// @param winProb the ticket's winning probability, as a fraction of 2**256
    /// @return true iff `uint256(keccak256(abi.encodePacked(sig, recipientRand))) < winProb`
    function isWinningTicket(bytes calldata sig, uint256 recipientRand, uint256 winProb) public pure returns (bool) {
        return uint256(keccak256(abi.encodePacked(sig, recipientRand))) < winProb;
    }

    /// @notice A sender's reserve funds left.
    /// @param sender the reserve holder
    /// @return wei left in the reserve
    function reserveOf(address sender) external view returns (uint256) {
        return _reserves[sender].funds;
    }

    /// @notice What `claimant` claimed from `sender`'s reserve in `round`.
    /// @param sender the reserve holder
    /// @param claimant the orchestrator
    /// @param round the round
    /// @return wei claimed
    function claimedReserve(address sender, address claimant, uint256 round) external view returns (uint256) {
        return _reserves[sender].claimedByClaimant[round][claimant];
    }

    /// @notice What `claimant` may still claim from `sender`'s reserve in the current round.
    /// @param sender the reserve holder
    /// @param claimant the orchestrator; zero unless it is active
    /// @return wei claimable now
    function claimableReserve(address sender, address claimant) public view returns (uint256) {
        if (!bondingManager.isActiveTranscoder(claimant)) return 0;
        uint256 poolSize = bondingManager.getTranscoderPoolSize();
        // An active claimant normally implies a non-empty pool; never divide by zero if it does not.
        if (poolSize == 0) return 0;
        Reserve storage reserve = _reserves[sender];
        uint256 round = roundsManager.currentRound();
        uint256 allocation = (reserve.funds + reserve.claimedInRound[round]) / poolSize;
        uint256 claimed = reserve.claimedByClaimant[round][claimant];
        if (claimed >= allocation) return 0;
        uint256 left = allocation - claimed;
        return left < reserve.funds ? left : reserve.funds;
    }

    /// @notice Whether `sender` has an unlock pending.
    /// @param sender the sender
    /// @return true while an unlock is pending
    function isUnlockInProgress(address sender) external view returns (bool) {
        return senders[sender].withdrawRound != 0;
    }

    function _fundDeposit(uint256 amount) private {
        senders[msg.sender].deposit += amount;
        emit DepositFunded(msg.sender, amount);
    }

    function _fundReserve(uint256 amount) private {
        _reserves[msg.sender].funds += amount;
        emit ReserveFunded(msg.sender, amount);
    }

    function _cancelPendingUnlock() private {
        Sender storage sender = senders[msg.sender];
        if (sender.withdrawRound != 0) {
            sender.withdrawRound = 0;
            emit UnlockCancelled(msg.sender);
        }
    }

    function _checkCreationRound(bytes calldata auxData, uint256 round) private view {
        if (auxData.length != AUX_DATA_LENGTH) revert InvalidAuxDataLength(auxData.length);
        (uint256 creationRound, bytes32 blockHash) = abi.decode(auxData, (uint256, bytes32));
        if (creationRound > round) revert CreationRoundInFuture(creationRound, round);
        if (round - creationRound >= ticketValidityPeriod) revert TicketExpired(creationRound, round);
        bytes32 anchor = roundBlockHash[creationRound];
        if (anchor == bytes32(0) || anchor != blockHash) {
            revert CreationRoundBlockHashMismatch(creationRound, blockHash);
        }
    }

    /// @dev Takes up to `faceValue` from the deposit, then from the recipient's reserve allocation.
    function _debit(bytes32 ticketHash, address senderAddr, address recipient, uint256 faceValue, uint256 round)
        private
        returns (uint256)
    {
        Sender storage sender = senders[senderAddr];
        uint256 fromDeposit = faceValue < sender.deposit ? faceValue : sender.deposit;
        uint256 fromReserve;
        if (fromDeposit < faceValue) {
            uint256 claimable = claimableReserve(senderAddr, recipient);
            uint256 shortfall = faceValue - fromDeposit;
            fromReserve = shortfall < claimable ? shortfall : claimable;
        }
        if (fromDeposit + fromReserve == 0) revert NoFundsAvailable(senderAddr, recipient);

        sender.deposit -= fromDeposit;
        if (fromReserve > 0) {
            Reserve storage reserve = _reserves[senderAddr];
            reserve.funds -= fromReserve;
            reserve.claimedInRound[round] += fromReserve;
            reserve.claimedByClaimant[round][recipient] += fromReserve;
        }
        emit WinningTicketRedeemed(ticketHash, senderAddr, recipient, round, fromDeposit, fromReserve);
        return fromDeposit + fromReserve;
    }
}
