"""The stake-migration record (``MigrationCodec.Migration`` in contracts/bridge/MigrationCodec.sol) and the delayed
message that carried its retryable (``MigrationCodec.DelayedMessage``) in Python."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import to_checksum_address

if TYPE_CHECKING:
    from ape_livepeer_migration.arbitrum.messages import RetryableMessage

MIGRATION_ABI = "(uint256,uint8,address,address,address,uint256,uint256,uint256,uint256)"


class Kind(enum.IntEnum):
    DELEGATOR = 0
    ORCHESTRATOR = 1
    UNBONDING_LOCKS = 2


@dataclass(frozen=True)
class Migration:
    id: int
    kind: Kind
    l1_delegator: str
    l2_delegator: str
    l2_orchestrator: str
    amount: int
    reward_cut: int = 0
    fee_share: int = 0
    deadline: int = 0  # last L2 timestamp at which it can finalize (L1 send time + the retryable lifetime)

    @property
    def parked(self) -> bool:
        """Whether its LPT waits in the L2Migrator for ``l2_delegator`` to claim it (``claimStake``) instead of being
        staked on arrival: the L2 address is not the L1 account's own."""
        return self.l2_delegator.lower() != self.l1_delegator.lower()

    def encode(self) -> bytes:
        """ABI encoding, as the L1Migrator sends it to ``L2Migrator.finalizeMigration``."""
        return abi_encode(
            [MIGRATION_ABI],
            [
                (
                    self.id,
                    int(self.kind),
                    self.l1_delegator,
                    self.l2_delegator,
                    self.l2_orchestrator,
                    self.amount,
                    self.reward_cut,
                    self.fee_share,
                    self.deadline,
                )
            ],
        )

    @classmethod
    def decode(cls, data: bytes) -> Migration:
        (t,) = abi_decode([MIGRATION_ABI], data)
        return cls(
            t[0], Kind(t[1]), to_checksum_address(t[2]), to_checksum_address(t[3]), to_checksum_address(t[4]), *t[5:]
        )


@dataclass(frozen=True)
class DelayedMessage:
    """The delayed message of the L1 Bridge that carried a migration record's retryable
    (``MigrationCodec.DelayedMessage``): what the L1Migrator needs, next to the record, to rebuild the message's hash
    and find it in the Bridge's accumulator when the migration expires and is refunded (``L2Migrator.expire``)."""

    message_num: int
    block_number: int
    timestamp: int
    base_fee_l1: int
    max_submission_cost: int
    excess_fee_refund_address: str  # as the Inbox rewrote it
    gas_limit: int
    max_fee_per_gas: int

    @classmethod
    def of(cls, message: RetryableMessage) -> DelayedMessage:
        """The delayed message of the retryable ``message`` (as read from the Inbox's and the Bridge's events)."""
        return cls(
            message.message_num,
            message.l1_block,
            message.l1_timestamp,
            message.base_fee_l1,
            message.max_submission_cost,
            message.excess_fee_refund_address,
            message.gas_limit,
            message.max_fee_per_gas,
        )

    def as_tuple(self) -> tuple:
        """The ``MigrationCodec.DelayedMessage`` tuple of a contract call."""
        return (
            self.message_num,
            self.block_number,
            self.timestamp,
            self.base_fee_l1,
            self.max_submission_cost,
            self.excess_fee_refund_address,
            self.gas_limit,
            self.max_fee_per_gas,
        )
