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
///         No message a user can send makes the operator's submission run out of gas or revert:
///         the ticket's calldata is kept as contract code (200 gas a byte, not 22,100 a storage
///         word) and is at most what Arbitrum's Inbox accepts, every other cost of the submission
///         is bounded by `submissionGas`, fee arithmetic saturates instead of overflowing, and a
///         retry's return data is never copied beyond a short prefix.
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
        // the calldata itself is the code of the contracts listed in _dataChunks[ticketId]
        uint256 dataLength;
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
    /// @notice Most calldata a ticket carries. Arbitrum's Inbox refuses messages longer than its
    ///         `maxDataSize` (117,964 bytes on Arbitrum One: 90% of Geth's 128 KiB transaction
    ///         size limit, per Nitro's AbsInbox), and a retryable's message is its calldata plus
    ///         nine 32-byte words; longer requests are rejected here too (their deposit goes to
    ///         the sender's alias), in case they come through another inbox.
    uint256 public constant MAX_RETRY_DATA = 117_964 - 9 * 32;
    /// @notice Most bytes of a retry's return or revert data that RedeemAttempted carries
    ///         (ArbOS emits none; a short prefix keeps revert reasons readable).
    uint256 public constant MAX_EMITTED_RETURN_DATA = 256;
    /// @dev Bytes of calldata per data chunk: the EIP-170 code size limit less the leading STOP.
    uint256 private constant CHUNK_SIZE = 24_575;
    /// @dev Gas the forwarder needs around the retry call, besides copying the calldata.
    uint256 private constant FORWARDER_GAS = 20_000;
    /// @dev Gas kept back for the bookkeeping after a retry (refund transfers, events).
    uint256 private constant POST_RETRY_GAS = 160_000;
    /// @dev Gas a redeem spends before its retry call starts.
    uint256 private constant REDEEM_MARGIN_GAS = 20_000;
    /// @dev Gas of a submission besides the retry: checks, fee credits, events.
    uint256 private constant SUBMIT_BASE_GAS = 400_000;
    /// @dev Gas of a submission per byte of retry calldata in the transaction itself (EIP-2028),
    ///      spent before the contract runs.
    uint256 private constant TX_GAS_PER_DATA_BYTE = 16;
    /// @dev Gas of a submission per byte of retry calldata kept with the ticket: 200 of code
    ///      deposit for its data chunk, and hashing and copying it into the chunk.
    uint256 private constant STORE_GAS_PER_DATA_BYTE = 204;
    /// @dev Gas per data chunk besides its bytes: the CREATE and keeping the chunk's address.
    uint256 private constant SUBMIT_GAS_PER_CHUNK = 40_000;
    /// @dev Gas a redeem needs per data chunk to read it back (cold account access and copy).
    uint256 private constant LOAD_GAS_PER_CHUNK = 4_000;

    /// @notice The account allowed to submit retryables (the relayer standing in for ArbOS).
    address public immutable operator;
    /// @notice Receives submission fees and gas fees.
    address public immutable networkFeeAccount;
    /// @notice Code hash of the SimAliasForwarder that must sit at every L1 sender's alias.
    bytes32 public immutable forwarderCodeHash;

    mapping(bytes32 ticketId => Ticket) private _tickets;
    /// @dev The contracts whose code holds a ticket's calldata, in order (see _storeData).
    mapping(bytes32 ticketId => address[]) private _dataChunks;
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
    /// @notice A data chunk could not be created (the transaction ran short of gas).
    error DataChunkNotStored(bytes32 ticketId, uint256 index);
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

        // Arbitrum's submission fee, (1400 + 6 * dataLength) * l1BaseFee (Nitro's
        // Inbox.calculateRetryableSubmissionFee), pays for keeping the ticket's data; deposits are
        // compared without sums that could overflow (unsafeCreateRetryableTicket checks nothing).
        uint256 dataLength = request.retryData.length;
        uint256 submissionFee = _mulCapped(1400 + 6 * dataLength, request.l1BaseFee);
        if (
            dataLength > MAX_RETRY_DATA || request.maxSubmissionFee < submissionFee
                || request.deposit < request.maxSubmissionFee
                || request.deposit - request.maxSubmissionFee < request.callvalue
        ) {
            _credit(from, request.deposit);
            emit RetryableSubmitted(request.requestId, ticketId, false);
            return ticketId;
        }
        uint256 available = request.deposit - request.maxSubmissionFee - request.callvalue;
        uint256 maxGasCost = _mulCapped(request.gasFeeCap, request.gasLimit);
        bool autoRedeem = available >= maxGasCost && request.gasLimit >= MIN_AUTO_REDEEM_GAS
            && request.gasFeeCap >= block.basefee && submissionGas(request.gasLimit, dataLength) <= block.gaslimit;
        if (autoRedeem) {
            // checked before anything is stored, so that a short transaction fails fast and cheaply
            uint256 needed = _gasNeeded(request.gasLimit, dataLength) + _storeGas(dataLength);
            if (gasleft() < needed) revert InsufficientGasForRetry(needed, gasleft());
        }
        _credit(networkFeeAccount, submissionFee);
        _credit(request.feeRefundAddress, request.maxSubmissionFee - submissionFee);

        _tickets[ticketId] = Ticket({
            from: from,
            timeout: uint64(block.timestamp + LIFETIME),
            to: request.retryTo,
            numTries: 0,
            beneficiary: request.beneficiary,
            gasLimit: request.gasLimit,
            callvalue: request.callvalue,
            dataLength: dataLength
        });
        _storeData(ticketId, request.retryData);
        emit TicketCreated(ticketId);
        emit RetryableSubmitted(request.requestId, ticketId, true);

        if (!autoRedeem) {
            uint256 gasRefund = available < maxGasCost ? available : maxGasCost;
            _credit(request.feeRefundAddress, gasRefund);
            _credit(from, available - gasRefund);
            return ticketId;
        }
        _credit(from, available - maxGasCost);
        uint256 gasUsed = _attempt(
            ticketId, request.gasLimit, from, maxGasCost, request.maxSubmissionFee - submissionFee, request.retryData
        );
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
        // rejected: nothing kept or run, only the transaction's calldata is paid for
        if (dataLength > MAX_RETRY_DATA) return SUBMIT_BASE_GAS + TX_GAS_PER_DATA_BYTE * dataLength;
        return _gasNeeded(gasLimit, dataLength) + SUBMIT_BASE_GAS + TX_GAS_PER_DATA_BYTE * dataLength
            + _storeGas(dataLength);
    }

    /// @dev Gas of a submission for keeping the ticket's calldata as code.
    function _storeGas(uint256 dataLength) private pure returns (uint256) {
        return STORE_GAS_PER_DATA_BYTE * dataLength + SUBMIT_GAS_PER_CHUNK * _chunkCount(dataLength);
    }

    /// @inheritdoc IArbRetryableTx
    /// @dev As in ArbOS, the retry gets the gas left in this call (minus bookkeeping), which may
    ///      exceed the ticket's gas limit; here it must not be less (InsufficientGasForRetry), so
    ///      that gas estimation of a redeem covers the ticket's own gas limit.
    function redeem(bytes32 ticketId) external nonReentrant returns (bytes32 retryTxHash) {
        Ticket storage ticket = _live(ticketId);
        uint256 dataLength = ticket.dataLength;
        uint256 available = gasleft();
        uint256 reserve = POST_RETRY_GAS + REDEEM_MARGIN_GAS + _memoryGas(dataLength)
            + LOAD_GAS_PER_CHUNK * _chunkCount(dataLength);
        uint256 forwarderGas = available > reserve ? (available - reserve) * 63 / 64 : 0;
        uint256 overhead = FORWARDER_GAS + _forwarderDataGas(dataLength);
        uint256 donated = forwarderGas > overhead ? (forwarderGas - overhead) * 63 / 64 : 0;
        if (donated < ticket.gasLimit) revert InsufficientGasForRetry(ticket.gasLimit, donated);
        if (donated > type(uint64).max) donated = type(uint64).max;
        retryTxHash = _retryTxHash(ticketId, ticket.numTries);
        _attempt(ticketId, uint64(donated), msg.sender, 0, 0, _loadData(ticketId, dataLength));
    }

    /// @inheritdoc IArbRetryableTx
    function cancel(bytes32 ticketId) external nonReentrant {
        Ticket storage ticket = _live(ticketId);
        address beneficiary = ticket.beneficiary;
        if (msg.sender != beneficiary) revert NotBeneficiary(msg.sender, beneficiary);
        uint256 value = ticket.callvalue;
        delete _tickets[ticketId];
        emit Canceled(ticketId);
        _credit(beneficiary, value);
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
        uint256 value = ticket.callvalue;
        delete _tickets[ticketId];
        emit TicketExpired(ticketId);
        _credit(beneficiary, value);
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
    ///      Returns the gas the attempt used. Only a bounded prefix of the forwarder's return data
    ///      is copied (the forwarder itself passes at most MAX_REVERT_DATA bytes up).
    function _attempt(
        bytes32 ticketId,
        uint64 gasLimit,
        address gasDonor,
        uint256 maxRefund,
        uint256 submissionFeeRefund,
        bytes memory data
    ) private returns (uint256 gasUsed) {
        uint64 sequenceNum = _schedule(ticketId, gasLimit, gasDonor, maxRefund, submissionFeeRefund);
        Ticket storage ticket = _tickets[ticketId];
        bytes memory input = abi.encodeCall(SimAliasForwarder.forward, (ticket.to, gasLimit, data));
        uint256 forwarderGas = gasLimit + gasLimit / 63 + FORWARDER_GAS + _forwarderDataGas(data.length);
        uint256 start = gasleft();
        {
            uint256 needed = forwarderGas + forwarderGas / 63 + POST_RETRY_GAS;
            if (start < needed) revert InsufficientGasForRetry(needed, start);
        }
        (bool success, bytes memory returnData) = _callBounded(ticket.from, ticket.callvalue, forwarderGas, input);
        gasUsed = start - gasleft();
        if (gasUsed > gasLimit) gasUsed = gasLimit;
        if (success) delete _tickets[ticketId];
        emit RedeemAttempted(ticketId, sequenceNum, success, returnData);
    }

    /// @dev Count the attempt and announce it; returns its sequence number.
    function _schedule(bytes32 ticketId, uint64 gasLimit, address gasDonor, uint256 maxRefund, uint256 submissionFeeRefund)
        private
        returns (uint64 sequenceNum)
    {
        Ticket storage ticket = _tickets[ticketId];
        sequenceNum = ticket.numTries;
        ticket.numTries = sequenceNum + 1;
        emit RedeemScheduled(
            ticketId, _retryTxHash(ticketId, sequenceNum), sequenceNum, gasLimit, gasDonor, maxRefund, submissionFeeRefund
        );
    }

    /// @dev Call `to` and copy at most MAX_EMITTED_RETURN_DATA bytes of what it returns.
    function _callBounded(address to, uint256 value, uint256 gasForCall, bytes memory input)
        private
        returns (bool success, bytes memory returnData)
    {
        assembly ("memory-safe") {
            success := call(gasForCall, to, value, add(input, 32), mload(input), 0, 0)
            let size := returndatasize()
            if gt(size, MAX_EMITTED_RETURN_DATA) { size := MAX_EMITTED_RETURN_DATA }
            returnData := mload(0x40)
            mstore(returnData, size)
            returndatacopy(add(returnData, 32), 0, size)
            mstore(0x40, add(add(returnData, 32), and(add(size, 31), not(31))))
        }
    }

    /// @dev Gas this contract must hold, for a ticket with `dataLength` bytes of calldata, to give
    ///      a retry exactly `gasLimit` gas and finish after it.
    function _gasNeeded(uint256 gasLimit, uint256 dataLength) private pure returns (uint256) {
        uint256 forwarderGas = gasLimit + gasLimit / 63 + FORWARDER_GAS + _forwarderDataGas(dataLength);
        return forwarderGas + forwarderGas / 63 + POST_RETRY_GAS + _memoryGas(dataLength);
    }

    /// @dev Gas of this contract's memory for a retry: the calldata loaded from its chunks and the
    ///      forwarder's call built from it, with the copies (EVM memory expansion: 3 gas a word
    ///      plus words squared over 512).
    function _memoryGas(uint256 dataLength) private pure returns (uint256) {
        uint256 words = (2 * dataLength + 2048) / 32;
        return 3 * words + words * words / 512 + 6 * words;
    }

    /// @dev Gas the forwarder spends on copying `dataLength` bytes of calldata into its memory.
    function _forwarderDataGas(uint256 dataLength) private pure returns (uint256) {
        uint256 words = (dataLength + 1024) / 32;
        return 6 * words + words * words / 512;
    }

    function _chunkCount(uint256 dataLength) private pure returns (uint256) {
        return (dataLength + CHUNK_SIZE - 1) / CHUNK_SIZE;
    }

    /// @dev Keep `data` as the code of new contracts, one per CHUNK_SIZE bytes, each code a STOP
    ///      followed by the bytes (nothing can run it). Code costs 200 gas a byte to keep, storage
    ///      22,100 a word: a ticket of Arbitrum's largest size fits in one block this way.
    function _storeData(bytes32 ticketId, bytes calldata data) private {
        address[] storage chunks = _dataChunks[ticketId];
        for (uint256 offset = 0; offset < data.length; offset += CHUNK_SIZE) {
            uint256 size = data.length - offset < CHUNK_SIZE ? data.length - offset : CHUNK_SIZE;
            address chunk;
            assembly ("memory-safe") {
                // creation code: PUSH2 runtimeSize DUP1 PUSH1 10 PUSH0 CODECOPY PUSH0 RETURN,
                // then the runtime code (STOP and the chunk's bytes) from byte 10 on
                let init := mload(0x40)
                let runtimeSize := add(size, 1)
                mstore(init, or(shl(248, 0x61), shl(232, runtimeSize)))
                mstore(add(init, 3), shl(192, 0x80600a5f395ff300))
                calldatacopy(add(init, 11), add(data.offset, offset), size)
                chunk := create(0, init, add(11, size))
            }
            if (chunk == address(0)) revert DataChunkNotStored(ticketId, chunks.length);
            chunks.push(chunk);
        }
    }

    /// @dev The calldata of a ticket, read back from its data chunks.
    function _loadData(bytes32 ticketId, uint256 dataLength) private view returns (bytes memory data) {
        data = new bytes(dataLength);
        address[] storage chunks = _dataChunks[ticketId];
        for (uint256 index = 0; index < chunks.length; ++index) {
            uint256 offset = index * CHUNK_SIZE;
            uint256 size = dataLength - offset < CHUNK_SIZE ? dataLength - offset : CHUNK_SIZE;
            address chunk = chunks[index];
            assembly ("memory-safe") {
                extcodecopy(chunk, add(add(data, 32), offset), 1, size)
            }
        }
    }

    /// @dev `a * b`, or the largest uint256 when the product does not fit (a fee a user may set
    ///      as high as they like compares as unpayable rather than reverting the submission).
    function _mulCapped(uint256 a, uint256 b) private pure returns (uint256) {
        unchecked {
            if (a == 0) return 0;
            uint256 product = a * b;
            return product / a == b ? product : type(uint256).max;
        }
    }

    /// @dev Credit `amount` to `to` without running its code (a balance change, as in ArbOS).
    function _credit(address to, uint256 amount) private {
        if (amount > 0) new SimEtherGift{value: amount}(payable(to));
    }
}
