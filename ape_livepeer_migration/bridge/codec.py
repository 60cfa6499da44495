"""The stake-migration record (``MigrationCodec.Migration`` in contracts/bridge/MigrationCodec.sol) in Python."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import to_checksum_address

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
        """ABI encoding, as the L1Migrator puts it in the gateway's callHookData."""
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
