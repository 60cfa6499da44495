// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ArbRetryableTx precompile at 0x6E (the subset this project uses)
/// @notice Manages retryable tickets on L2: redeem, cancel, keepalive and queries.
interface IArbRetryableTx {
    /// @notice A ticket was created.
    event TicketCreated(bytes32 indexed ticketId);
    /// @notice A redeem attempt of the ticket was scheduled.
    event RedeemScheduled(
        bytes32 indexed ticketId,
        bytes32 indexed retryTxHash,
        uint64 indexed sequenceNum,
        uint64 donatedGas,
        address gasDonor,
        uint256 maxRefund,
        uint256 submissionFeeRefund
    );
    /// @notice The ticket's lifetime was extended to `newTimeout`.
    event LifetimeExtended(bytes32 indexed ticketId, uint256 newTimeout);
    /// @notice The ticket was canceled by its beneficiary.
    event Canceled(bytes32 indexed ticketId);

    /// @notice No live ticket has this id (never created, redeemed, canceled or expired).
    error NoTicketWithID();

    /// @notice Try to redeem a ticket with the gas given to this call; anyone may call.
    /// @param ticketId the ticket
    /// @return the hash of the retry transaction
    function redeem(bytes32 ticketId) external returns (bytes32);

    /// @notice Cancel a ticket and pay its call value to the beneficiary (beneficiary only).
    /// @param ticketId the ticket
    function cancel(bytes32 ticketId) external;

    /// @notice Extend a ticket's timeout by one lifetime.
    /// @param ticketId the ticket
    /// @return the new timeout
    function keepalive(bytes32 ticketId) external returns (uint256);

    /// @notice Timestamp after which the ticket expires.
    /// @param ticketId the ticket
    /// @return the timeout
    function getTimeout(bytes32 ticketId) external view returns (uint256);

    /// @notice Who may cancel the ticket and receives its call value on cancel or expiry.
    /// @param ticketId the ticket
    /// @return the beneficiary
    function getBeneficiary(bytes32 ticketId) external view returns (address);

    /// @notice Lifetime of a ticket in seconds (7 days).
    /// @return the lifetime
    function getLifetime() external view returns (uint256);
}
