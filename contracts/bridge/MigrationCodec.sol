// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MigrationCodec
/// @notice The stake-migration record the L1Migrator sends in its retryable (`L2Migrator.finalizeMigration`) and
///         the L2Migrator reads back. One record travels with the LPT it describes, in one L2 message. The L1Migrator keeps
///         nothing of it: an expired record sent back from L2 comes with its `DelayedMessage`, and the L1Migrator
///         recognises it in the delayed-inbox accumulator of Arbitrum's Bridge.
library MigrationCodec {
    /// @notice What was migrated.
    enum Kind {
        Delegator, // bonded stake of a delegator, staked to `l2Orchestrator`
        Orchestrator, // bonded stake of an orchestrator, self-staked and registered with its L1 terms
        UnbondingLocks // unbonding locks, staked to `l2Orchestrator`
    }

    /// @notice One migration.
    struct Migration {
        uint256 id; // unique per L1Migrator, consumed once on L2
        Kind kind;
        address l1Delegator;
        address l2Delegator;
        address l2Orchestrator;
        uint256 amount;
        uint256 rewardCut; // Orchestrator only (precision 1e6)
        uint256 feeShare; // Orchestrator only (precision 1e6)
        uint256 deadline; // last L2 timestamp at which the migration can finalize; expirable after it
    }

    /// @notice The delayed message of Arbitrum's Bridge that carried a record's retryable: the fields of the
    ///         message (`MessageDelivered`) and of the retryable's message data (`InboxMessageDelivered`) that the
    ///         record alone does not fix. With the record they rebuild the message's hash exactly.
    struct DelayedMessage {
        uint256 messageNum; // the delayed message number (the ticket's request id)
        uint64 blockNumber; // L1 block of the message
        uint64 timestamp; // L1 timestamp of that block
        uint256 baseFeeL1; // L1 base fee of that block
        uint256 maxSubmissionCost; // as the Inbox recorded it
        address excessFeeRefundAddress; // as the Inbox rewrote it (aliased when it had code on L1)
        uint256 gasLimit;
        uint256 maxFeePerGas;
    }

    /// @notice ABI encoding of `m`.
    function encode(Migration memory m) internal pure returns (bytes memory) {
        return abi.encode(m);
    }

    /// @notice The record encoded in `data` (reverts on malformed data).
    function decode(bytes calldata data) internal pure returns (Migration memory) {
        return abi.decode(data, (Migration));
    }
}
