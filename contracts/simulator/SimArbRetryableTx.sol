// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {AddressAlias} from "../arbitrum/AddressAlias.sol";
import {IArbRetryableTx} from "../arbitrum/IArbRetryableTx.sol";
import {SimAliasForwarder} from "./SimAliasForwarder.sol";
import {SimEtherGift} from "./SimEtherGift.sol";

/// @title Local ArbRetryableTx, planted at 0x6E on the local L2
/// @notice Retryable tickets as ArbOS runs them: the operator ("the chain") submits each L1
///         request once with its deposit; the ticket is created, the submission fee charged and
///         refunds paid, then it is auto-redeemed when its gas is paid for (and fits in a block). A failed or skipped
///         redeem leaves the ticket redeemable by anyone for 7 days; the beneficiary may cancel;
///         an expired ticket returns its call value to the beneficiary. Calls come from the L1
///         sender's alias, where a SimAliasForwarder must be planted beforehand.
/// @dev The code is copied to 0x6E without running a constructor: immutables carry the
///      configuration, and the reentrancy guard works from zeroed storage.
contract SimArbRetryableTx is IArbRetryableTx, ReentrancyGuard {
    struct Ticket {
        address from;
        uint64 timeout;
        address to;
        uint64 numTries;
        address beneficiary;
        uint64 gasLimit;
        uint256 callvalue;
        bytes data;
    }

    /// @notice One L1 -> L2 retryable request, as delivered by the chain.
    struct Request {
        bytes32 requestId;
        uint256 l1BaseFee;
        uint256 deposit;
        uint256 callvalue;
        uint256 gasFeeCap;
        uint64 gasLimit;
        uint256 maxSubmissionFee;
        address feeRefundAddress;
        address beneficiary;
        address retryTo;
        bytes retryData;
        address l1Sender;
    }

    /// @notice Ticket lifetime in seconds.
    uint256 public constant LIFETIME = 7 days;
    /// @notice Below this gas limit a ticket is not auto-redeemed (intrinsic gas of a transaction).
    uint256 public constant MIN_AUTO_REDEEM_GAS = 21_000;
    /// @dev Gas the forwarder needs around the retry call.
    uint256 private constant FORWARDER_GAS = 20_000;
    /// @dev Gas kept back for the bookkeeping after a retry (refund transfers, events).
    uint256 private constant POST_RETRY_GAS = 160_000;
    /// @dev Gas a redeem spends before its retry call starts.
    uint256 private constant REDEEM_MARGIN_GAS = 20_000;
    /// @dev Gas of a submission besides the retry: checks, fee credits, events.
    uint256 private constant SUBMIT_BASE_GAS = 400_000;
    /// @dev Gas of a submission per byte of retry calldata (stored with the ticket).
    uint256 private constant SUBMIT_GAS_PER_DATA_BYTE = 700;

    /// @notice The account allowed to submit retryables (the relayer standing in for ArbOS).
    address public immutable operator;
    /// @notice Receives submission fees and gas fees.
    address public immutable networkFeeAccount;
    /// @notice Code hash of the SimAliasForwarder that must sit at every L1 sender's alias.
    bytes32 public immutable forwarderCodeHash;

    mapping(bytes32 ticketId => Ticket) private _tickets;
    /// @notice Whether the L1 request was submitted already (each one is submitted once).
    mapping(bytes32 requestId => bool) public requestSubmitted;

    /// @notice The chain handled request `requestId`; `created` is false when the request was
    ///         rejected (deposit too small for the submission fee and call value), in which case
    ///         the deposit was credited to the sender's alias.
    event RetryableSubmitted(bytes32 indexed requestId, bytes32 indexed ticketId, bool created);
    /// @notice A redeem attempt ran; a successful one closes the ticket.
    event RedeemAttempted(bytes32 indexed ticketId, uint64 indexed sequenceNum, bool success, bytes returnData);
    /// @notice An expired ticket was removed and its call value paid to the beneficiary.
    event TicketExpired(bytes32 indexed ticketId);

    /// @notice Only the operator may submit retryables.
    error NotOperator(address sender);
    /// @notice The request was submitted before.
    error AlreadySubmitted(bytes32 requestId);
    /// @notice `msg.value` must equal the request's deposit.
    error DepositMismatch(uint256 deposit, uint256 value);
    /// @notice No SimAliasForwarder at the sender's alias.
    error ForwarderMissing(address l2Alias);
    /// @notice The submitting transaction has too little gas to give the retry its gas limit.
    error InsufficientGasForRetry(uint256 needed, uint256 available);
    /// @notice Only the beneficiary may cancel.
    error NotBeneficiary(address sender, address beneficiary);
    /// @notice keepalive is allowed only while the timeout is at most one lifetime ahead.
    error TimeoutTooFarInFuture(uint256 timeout, uint256 limit);
    /// @notice The ticket has not expired.
    error TicketNotExpired(bytes32 ticketId, uint256 timeout);

    /// @param operator_ who may submit retryables
    /// @param networkFeeAccount_ receives the fees
    /// @param forwarderCodeHash_ code hash of the forwarder planted at aliases
    constructor(address operator_, address networkFeeAccount_, bytes32 forwarderCodeHash_) {
        operator = operator_;
        networkFeeAccount = networkFeeAccount_;
        forwarderCodeHash = forwarderCodeHash_;
    }

    /// @notice Deterministic id of the ticket of `requestId` on this chain.
    /// @param requestId the L1 request id (the delayed message number as bytes32)
    /// @return the ticket id
    function ticketIdOf(bytes32 requestId) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, requestId));
    }

    /// @notice Deliver one L1 retryable request (operator only, once per request id). Sends
    ///         `deposit` wei with the call; creates the ticket and auto-redeems it when its gas
    ///         is paid for. Reverts, leaving the request undelivered, when the transaction has
    ///         too little gas to give the retry its full gas limit.
    /// @param request the request decoded from the L1 Inbox's message
    /// @return ticketId the ticket id
    function submitRetryable(Request calldata request) external payable nonReentrant returns (bytes32 ticketId) {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        if (msg.value != request.deposit) revert DepositMismatch(request.deposit, msg.value);
        if (requestSubmitted[request.requestId]) revert AlreadySubmitted(request.requestId);
        address from = AddressAlias.applyL1ToL2Alias(request.l1Sender);
        if (from.codehash != forwarderCodeHash) revert ForwarderMissing(from);
        requestSubmitted[request.requestId] = true;
        ticketId = ticketIdOf(request.requestId);

        uint256 submissionFee = (1400 + 6 * request.retryData.length) * request.l1BaseFee;
        if (
            request.maxSubmissionFee < submissionFee
                || request.deposit < request.maxSubmissionFee + request.callvalue
        ) {
            _credit(from, request.deposit);
            emit RetryableSubmitted(request.requestId, ticketId, false);
            return ticketId;
        }
        _credit(networkFeeAccount, submissionFee);
        _credit(request.feeRefundAddress, request.maxSubmissionFee - submissionFee);
        uint256 available = request.deposit - request.maxSubmissionFee - request.callvalue;

        _tickets[ticketId] = Ticket({
            from: from,
            timeout: uint64(block.timestamp + LIFETIME),
            to: request.retryTo,
            numTries: 0,
            beneficiary: request.beneficiary,
            gasLimit: request.gasLimit,
            callvalue: request.callvalue,
            data: request.retryData
        });
        emit TicketCreated(ticketId);
        emit RetryableSubmitted(request.requestId, ticketId, true);

        uint256 maxGasCost = request.gasFeeCap * request.gasLimit;
        if (
            available < maxGasCost || request.gasLimit < MIN_AUTO_REDEEM_GAS || request.gasFeeCap < block.basefee
                || submissionGas(request.gasLimit, request.retryData.length) > block.gaslimit
        ) {
            uint256 gasRefund = available < maxGasCost ? available : maxGasCost;
            _credit(request.feeRefundAddress, gasRefund);
            _credit(from, available - gasRefund);
            return ticketId;
        }
        _credit(from, available - maxGasCost);
        uint256 gasUsed = _attempt(ticketId, request.gasLimit, from, maxGasCost, request.maxSubmissionFee - submissionFee);
        uint256 networkFee = gasUsed * block.basefee;
        _credit(networkFeeAccount, networkFee);
        _credit(request.feeRefundAddress, maxGasCost - networkFee);
    }

    /// @notice Gas a submitRetryable transaction must carry for a ticket with this gas limit and
    ///         calldata length to be auto-redeemed with its full gas limit. A ticket whose
    ///         submission would not fit in a block is created without an auto-redeem.
    /// @param gasLimit the ticket's gas limit
    /// @param dataLength length of the ticket's calldata
    /// @return the transaction gas
    function submissionGas(uint256 gasLimit, uint256 dataLength) public pure returns (uint256) {
        return _gasNeeded(gasLimit) + SUBMIT_BASE_GAS + SUBMIT_GAS_PER_DATA_BYTE * dataLength;
    }

    /// @inheritdoc IArbRetryableTx
    /// @dev As in ArbOS, the retry gets the gas left in this call (minus bookkeeping), which may
    ///      exceed the ticket's gas limit; here it must not be less (InsufficientGasForRetry), so
    ///      that gas estimation of a redeem covers the ticket's own gas limit.
    function redeem(bytes32 ticketId) external nonReentrant returns (bytes32 retryTxHash) {
        Ticket storage ticket = _live(ticketId);
        uint256 available = gasleft();
        uint256 reserve = POST_RETRY_GAS + REDEEM_MARGIN_GAS;
        uint256 forwarderGas = available > reserve ? (available - reserve) * 63 / 64 : 0;
        uint256 donated = forwarderGas > FORWARDER_GAS ? (forwarderGas - FORWARDER_GAS) * 63 / 64 : 0;
        if (donated < ticket.gasLimit) revert InsufficientGasForRetry(ticket.gasLimit, donated);
        retryTxHash = _retryTxHash(ticketId, ticket.numTries);
        _attempt(ticketId, uint64(donated), msg.sender, 0, 0);
    }

    /// @inheritdoc IArbRetryableTx
    function cancel(bytes32 ticketId) external nonReentrant {
        Ticket storage ticket = _live(ticketId);
        address beneficiary = ticket.beneficiary;
        if (msg.sender != beneficiary) revert NotBeneficiary(msg.sender, beneficiary);
        uint256 callvalue = ticket.callvalue;
        delete _tickets[ticketId];
        emit Canceled(ticketId);
        _credit(beneficiary, callvalue);
    }

    /// @inheritdoc IArbRetryableTx
    function keepalive(bytes32 ticketId) external nonReentrant returns (uint256 newTimeout) {
        Ticket storage ticket = _live(ticketId);
        uint256 limit = block.timestamp + LIFETIME;
        if (ticket.timeout > limit) revert TimeoutTooFarInFuture(ticket.timeout, limit);
        newTimeout = ticket.timeout + LIFETIME;
        ticket.timeout = uint64(newTimeout);
        emit LifetimeExtended(ticketId, newTimeout);
    }

    /// @notice Remove an expired ticket and pay its call value to the beneficiary (ArbOS reaps
    ///         expired tickets by itself; here anyone may). Reverts NoTicketWithID for unknown ids.
    /// @param ticketId the ticket
    function reap(bytes32 ticketId) external nonReentrant {
        Ticket storage ticket = _tickets[ticketId];
        if (ticket.timeout == 0) revert NoTicketWithID();
        if (block.timestamp <= ticket.timeout) revert TicketNotExpired(ticketId, ticket.timeout);
        address beneficiary = ticket.beneficiary;
        uint256 callvalue = ticket.callvalue;
        delete _tickets[ticketId];
        emit TicketExpired(ticketId);
        _credit(beneficiary, callvalue);
    }

    /// @inheritdoc IArbRetryableTx
    function getTimeout(bytes32 ticketId) external view returns (uint256) {
        return _live(ticketId).timeout;
    }

    /// @inheritdoc IArbRetryableTx
    function getBeneficiary(bytes32 ticketId) external view returns (address) {
        return _live(ticketId).beneficiary;
    }

    /// @inheritdoc IArbRetryableTx
    function getLifetime() external pure returns (uint256) {
        return LIFETIME;
    }

    /// @notice Whether `ticketId` is a live ticket (created, not redeemed, canceled or expired).
    /// @param ticketId the ticket
    /// @return live true while the ticket can be redeemed
    function isLive(bytes32 ticketId) external view returns (bool live) {
        uint256 timeout = _tickets[ticketId].timeout;
        return timeout != 0 && block.timestamp <= timeout;
    }

    function _live(bytes32 ticketId) private view returns (Ticket storage ticket) {
        ticket = _tickets[ticketId];
        if (ticket.timeout == 0 || block.timestamp > ticket.timeout) revert NoTicketWithID();
    }

    function _retryTxHash(bytes32 ticketId, uint64 sequenceNum) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(ticketId, sequenceNum));
    }

    /// @dev Run one redeem attempt of a live ticket with exactly `gasLimit` gas for the call.
    ///      Returns the gas the attempt used.
    function _attempt(bytes32 ticketId, uint64 gasLimit, address gasDonor, uint256 maxRefund, uint256 submissionFeeRefund)
        private
        returns (uint256 gasUsed)
    {
        Ticket storage ticket = _tickets[ticketId];
        uint64 sequenceNum = ticket.numTries;
        ticket.numTries = sequenceNum + 1;
        emit RedeemScheduled(
            ticketId, _retryTxHash(ticketId, sequenceNum), sequenceNum, gasLimit, gasDonor, maxRefund, submissionFeeRefund
        );

        uint256 forwarderGas = gasLimit + gasLimit / 63 + FORWARDER_GAS;
        uint256 needed = _gasNeeded(gasLimit);
        uint256 start = gasleft();
        if (start < needed) revert InsufficientGasForRetry(needed, start);
        (bool success, bytes memory returnData) = ticket.from.call{value: ticket.callvalue, gas: forwarderGas}(
            abi.encodeCall(SimAliasForwarder.forward, (ticket.to, gasLimit, ticket.data))
        );
        gasUsed = start - gasleft();
        if (gasUsed > gasLimit) gasUsed = gasLimit;
        if (success) delete _tickets[ticketId];
        emit RedeemAttempted(ticketId, sequenceNum, success, returnData);
    }

    /// @dev Gas this contract must hold to give a retry exactly `gasLimit` gas and finish after it.
    function _gasNeeded(uint256 gasLimit) private pure returns (uint256) {
        uint256 forwarderGas = gasLimit + gasLimit / 63 + FORWARDER_GAS;
        return forwarderGas + forwarderGas / 63 + POST_RETRY_GAS;
    }

    /// @dev Credit `amount` to `to` without running its code (a balance change, as in ArbOS).
    function _credit(address to, uint256 amount) private {
        if (amount > 0) new SimEtherGift{value: amount}(payable(to));
    }
}
