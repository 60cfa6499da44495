"""The invariants of the migration system, read from both chains: one copy, for the demo's reconciliation and the
fuzz suite.

1. every LPT minted on L2 (by the gateway for a deposit, by the L2Migrator for a migration) is backed by LPT paid into
   the L1 escrow (a deposit, a migrated stake);
2. L1 LPT released or minted by the L1 gateway equals the LPT burned on L2 for finalized withdrawals;
3. L1 supply + L2 supply - escrow = initial supply + inflation (counting LPT in flight either way);
4. nobody gains L2 stake beyond what it brought plus L2 rewards (:func:`check_stake_invariant`);
5. every cross-chain message finalizes at most once;
6. with L1 minting (``deploy --inflation l1``): the rewards the L2 Minter received are distributed, available or
   undistributed, to the wei, and the L1 gateway mints nothing (the escrow backs every L2 LPT).

With L1 minting the L1 Minter mints each L1 round's rewards and deposits them for the L2 Minter, which hands them out
and mints nothing: invariant 3 counts them as L1 inflation (``RoundRewardsSent``), invariant 4 bounds L2 stake by
the rewards handed out (``RewardDistributed``) instead of L2 inflation.

Everything here is read from the chains: the counters the contracts expose (``totalDeposited``,
``totalMinted``, the migrators' ``totalMigrated``...) and, where no counter exists, the events the contracts
emitted (inflation minted and tokens burned by each Minter, deposits and withdrawals one by one, retryable redeems,
Outbox executions). The events are fetched with raw ``eth_getLogs`` from a :class:`Baseline`'s blocks on, so a check
never depends on what a test remembered. :func:`bridge_checks` reports invariants 1, 2, 3 and 5 one by one;
:func:`check_bridge_invariants` raises at the first that fails. Invariant 4 needs what each account put in on L2,
which only its caller knows.

Inflation is summed from ``RewardCreated`` and cross-checked against the Minter's ``totalRewardsMinted``.
Counters that would make this simpler (each is summed from events on every check): a
``totalMintedByDelegate(address)`` on the Minter (the L1 gateway's shortfall mints and the L2 gateway's mints are
cross-checked against ``DelegateMinted``), a count of deposits finalized on the L2 gateway, and the sequence number
in ``DepositFinalized`` (deposits are matched to L1 by (from, to, amount) multisets, which is exact for the
invariant but cannot pair one deposit with one retryable).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from ape_livepeer_migration._eth import function_selector
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import ARB_RETRYABLE_TX_ADDRESS
from ape_livepeer_migration.exceptions import NoSimulatorError
from ape_livepeer_migration.testing.reverts import revert_selector

if TYPE_CHECKING:
    from ape_livepeer_migration.arbitrum.simulator import ArbitrumSimulator
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.chains.pair import Chain


LPT = 10**18

#: The names the invariants are reported under, in order.
BACKED_MINTS = "1 L2 mints are backed by L1 deposits and migrations"
WITHDRAWALS_PAID = "2 L1 released + minted = L2 burned for finalized withdrawals"
SUPPLY_CONSERVED = "3 L1 supply + L2 supply - escrow = genesis + inflation"
STAKE_BOUNDED = "4 no one gains L2 stake beyond L1 stake + L2 rewards"
FINALIZED_ONCE = "5 every cross-chain message finalizes at most once"
L1_MINTED_REWARDS = "6 L1-minted rewards: received on L2 = distributed + available + undistributed; no gateway mint"


class InvariantViolation(AssertionError):
    """An invariant of the migration system does not hold on chain."""


@dataclass(frozen=True)
class Check:
    """One invariant as checked: its name, whether it holds, and what was found (the violation when it does not)."""

    name: str
    passed: bool
    detail: str


def lpt(amount: int) -> str:
    """``amount`` wei of LPT, readable."""
    if 0 < amount < LPT // 10_000:
        return f"{amount} wei LPT"
    return f"{amount / LPT:,.4f} LPT" if amount % LPT else f"{amount // LPT:,} LPT"


def _topic(signature: str) -> str:
    return "0x" + keccak(text=signature).hex()


def _word_address(topic: str) -> str:
    return to_checksum_address("0x" + topic[-40:])


def _hex_bytes(value: Any) -> bytes:
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)


@dataclass(frozen=True)
class Event:
    """One log: its indexed topics (after topic0, as hex words), decoded data and block."""

    topics: tuple[str, ...]
    data: tuple
    block: int


def logs(chain: Chain, address: Any, signature: str, data_types: list[str], from_block: int) -> list[Event]:
    """Logs of ``signature`` emitted by ``address`` on ``chain`` from ``from_block`` to the head."""
    if from_block > chain.block_number:
        return []
    raw = chain.provider.make_request(
        "eth_getLogs",
        [{"address": str(address), "topics": [_topic(signature)], "fromBlock": hex(from_block), "toBlock": "latest"}],
    )
    events = []
    for log in raw:
        block = log["blockNumber"]
        events.append(
            Event(
                tuple(t if isinstance(t, str) else "0x" + bytes(t).hex() for t in log["topics"][1:]),
                tuple(abi_decode(data_types, _hex_bytes(log["data"]))),
                int(block, 16) if isinstance(block, str) else int(block),
            )
        )
    return events


@dataclass(frozen=True)
class Snapshot:
    """Counters, supplies and event-derived totals of both chains at one moment."""

    l1_supply: int
    l2_supply: int
    escrow_balance: int
    l1_deposited: int  # L1LPTGateway.totalDeposited
    l1_released: int  # L1LPTGateway.totalReleased
    l1_shortfall_minted: int  # L1LPTGateway.totalMinted
    l2_minted: int  # L2LPTGateway.totalMinted
    l2_burned: int  # L2LPTGateway.totalBurned
    l1_migrated: int  # L1Migrator.totalMigrated
    l2_migrated: int  # L2Migrator.totalMigrated
    l1_inflation: int  # sum of the L1 Minter's RewardCreated
    l2_inflation: int  # sum of the L2 Minter's RewardCreated
    l1_sent_to_l2: int  # sum of the L1 Minter's RoundRewardsSent (L1 minting)
    l2_received: int  # sum of the L2 Minter's RewardsArrived (L1 minting)
    l2_distributed: int  # sum of the L2 Minter's RewardDistributed (L1 minting)
    l1_minter_burned: int  # sum of the L1 Minter's TokensBurned
    l2_minter_burned: int  # sum of the L2 Minter's TokensBurned
    deposits_initiated: Counter  # (from, to, amount) of L1 DepositInitiated
    deposits_finalized: Counter  # (from, to, amount) of L2 DepositFinalized
    l1_delegate_mints: Counter  # delegate -> amount minted through the L1 Minter's mint()
    l2_delegate_mints: Counter  # delegate -> amount minted through the L2 Minter's mint()
    escrow_released: int  # sum of the escrow's Released
    withdrawals_initiated: dict  # exitNum -> (from, to, amount), L2 WithdrawalInitiated
    withdrawals_finalized: list  # (exitNum, from, to, amount) of L1 WithdrawalFinalized, in order
    successful_redeems: list  # ticket ids of RedeemAttempted(success=true), in order
    supply_reports: int  # L1 supply reports the L2 Minter handled (accepted or ignored), each one redeem
    outbox_executions: list  # transaction indexes of OutBoxTransactionExecuted, in order
    migrations_initiated: dict  # id -> (l1Delegator, l2Delegator, amount), L1 MigrationInitiated
    migrations_finalized: list  # (id, l1Delegator, l2Delegator, amount, L2 block), L2 MigrationFinalized, in order

    @property
    def l2_rewards(self) -> int:
        """What L2 stake earned since the baseline: L2 inflation, or with L1 minting the rewards handed out."""
        return self.l2_inflation + self.l2_distributed


def l1_minting(system: System) -> bool:
    """Whether ``system`` mints its rewards on L1 (``deploy --inflation l1``)."""
    return system.inflation == "l1"


def _supplies_and_counters(system: System) -> dict[str, int]:
    """The supplies, the escrow's balance and the gateways' counters, as read now: the fields :class:`Snapshot`
    and :class:`Baseline` share."""
    b = system.bridge
    return {
        "l1_supply": system.l1.token.totalSupply(),
        "l2_supply": system.l2_token.totalSupply(),
        "escrow_balance": system.l1.token.balanceOf(b.l1_escrow.address),
        "l1_deposited": b.l1_gateway.totalDeposited(),
        "l1_released": b.l1_gateway.totalReleased(),
        "l1_shortfall_minted": b.l1_gateway.totalMinted(),
        "l2_minted": b.l2_gateway.totalMinted(),
        "l2_burned": b.l2_gateway.totalBurned(),
        "l1_migrated": system.l1_migrator.totalMigrated(),
        "l2_migrated": system.l2_migrator.totalMigrated(),
    }


def read_snapshot(system: System, l1_start: int, l2_start: int) -> Snapshot:
    """Everything the invariants need, read from both chains (events from ``l1_start`` / ``l2_start`` on)."""
    l1, l2 = system.chains.l1, system.chains.l2
    b = system.bridge

    def total_of(chain, address, signature, fields=1):
        """The sum of the first data word of ``signature``'s events (``fields`` words of data)."""
        start = l1_start if chain is l1 else l2_start
        return sum(e.data[0] for e in logs(chain, address, signature, ["uint256"] * fields, start))

    def delegate_mints(chain, minter, start):
        minted = Counter()
        for e in logs(chain, minter, "DelegateMinted(address,address,uint256)", ["uint256"], start):
            minted[_word_address(e.topics[0])] += e.data[0]
        return minted

    deposits_initiated = Counter(
        (_word_address(e.topics[0]), _word_address(e.topics[1]), e.data[1])
        for e in logs(
            l1,
            b.l1_gateway.address,
            "DepositInitiated(address,address,address,uint256,uint256)",
            ["address", "uint256"],
            l1_start,
        )
    )
    deposits_finalized = Counter(
        (_word_address(e.topics[1]), _word_address(e.topics[2]), e.data[0])
        for e in logs(
            l2, b.l2_gateway.address, "DepositFinalized(address,address,address,uint256)", ["uint256"], l2_start
        )
    )
    withdrawals_initiated = {
        e.data[1]: (_word_address(e.topics[0]), _word_address(e.topics[1]), e.data[2])
        for e in logs(
            l2,
            b.l2_gateway.address,
            "WithdrawalInitiated(address,address,address,uint256,uint256,uint256)",
            ["address", "uint256", "uint256"],
            l2_start,
        )
    }
    withdrawals_finalized = [
        (int(e.topics[2], 16), _word_address(e.topics[0]), _word_address(e.topics[1]), e.data[1])
        for e in logs(
            l1,
            b.l1_gateway.address,
            "WithdrawalFinalized(address,address,address,uint256,uint256)",
            ["address", "uint256"],
            l1_start,
        )
    ]
    successful_redeems = [
        e.topics[0]
        for e in logs(
            l2, ARB_RETRYABLE_TX_ADDRESS, "RedeemAttempted(bytes32,uint64,bool,bytes)", ["bool", "bytes"], l2_start
        )
        if e.data[0]
    ]
    supply_reports = sum(
        len(logs(l2, system.l2_minter.address, signature, [], l2_start))
        for signature in (
            "L1SupplyReported(uint256,uint256,uint256,uint256)",
            "StaleL1SupplyReportIgnored(uint256,uint256)",
            "LateL1SupplyReportIgnored(uint256,uint256,uint256,uint256)",
        )
    )
    outbox_executions = [
        e.data[0]
        for e in logs(
            l1,
            _simulator(system).outbox.address,
            "OutBoxTransactionExecuted(address,address,uint256,uint256)",
            ["uint256"],
            l1_start,
        )
    ]
    migrations_initiated = {
        int(e.topics[0], 16): (_word_address(e.topics[1]), _word_address(e.topics[2]), e.data[2])
        for e in logs(
            l1,
            system.l1_migrator.address,
            "MigrationInitiated(uint256,address,address,address,uint8,uint256,uint256,uint256,uint256)",
            ["address", "uint8", "uint256", "uint256", "uint256", "uint256"],
            l1_start,
        )
    }
    migrations_finalized = [
        (int(e.topics[0], 16), _word_address(e.topics[1]), _word_address(e.topics[2]), e.data[2], e.block)
        for e in logs(
            l2,
            system.l2_migrator.address,
            "MigrationFinalized(uint256,address,address,address,uint8,uint256)",
            ["address", "uint8", "uint256"],
            l2_start,
        )
    ]
    return Snapshot(
        **_supplies_and_counters(system),
        l1_inflation=total_of(l1, system.l1.minter.address, "RewardCreated(uint256)"),
        l2_inflation=total_of(l2, system.l2_minter.address, "RewardCreated(uint256)"),
        l1_sent_to_l2=total_of(l1, system.l1.minter.address, "RoundRewardsSent(uint256,uint256,uint256,uint256)", 3),
        l2_received=total_of(l2, system.l2_minter.address, "RewardsArrived(uint256,uint256,uint256)", 2),
        l2_distributed=total_of(l2, system.l2_minter.address, "RewardDistributed(uint256)"),
        l1_minter_burned=total_of(l1, system.l1.minter.address, "TokensBurned(uint256)"),
        l2_minter_burned=total_of(l2, system.l2_minter.address, "TokensBurned(uint256)"),
        deposits_initiated=deposits_initiated,
        deposits_finalized=deposits_finalized,
        l1_delegate_mints=delegate_mints(l1, system.l1.minter.address, l1_start),
        l2_delegate_mints=delegate_mints(l2, system.l2_minter.address, l2_start),
        escrow_released=total_of(l1, b.l1_escrow.address, "Released(address,uint256)"),
        withdrawals_initiated=withdrawals_initiated,
        withdrawals_finalized=withdrawals_finalized,
        successful_redeems=successful_redeems,
        supply_reports=supply_reports,
        outbox_executions=outbox_executions,
        migrations_initiated=migrations_initiated,
        migrations_finalized=migrations_finalized,
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantViolation(message)


@dataclass(frozen=True)
class Baseline:
    """The state the invariants count from: the first block of each chain after the deployment and set-up, and
    the L1 and L2 supplies (with the escrow's balance) then."""

    l1_start: int
    l2_start: int
    l1_supply: int
    l2_supply: int
    escrow_balance: int
    l1_deposited: int
    l1_released: int
    l1_shortfall_minted: int
    l2_minted: int
    l2_burned: int
    l1_migrated: int
    l2_migrated: int
    l1_rewards_minted: int  # Minter.totalRewardsMinted on each layer
    l2_rewards_minted: int
    l1_sent_to_l2: int  # with L1 minting: L1 Minter.totalSentToL2, L2 Minter.totalReceived and totalDistributed
    l2_received: int
    l2_distributed: int


def baseline(system: System) -> Baseline:
    """The current state of ``system`` as the baseline of later checks (events from the next blocks on)."""
    minted_on_l1 = l1_minting(system)
    return Baseline(
        l1_sent_to_l2=system.l1.minter.totalSentToL2() if minted_on_l1 else 0,
        l2_received=system.l2_minter.totalReceived() if minted_on_l1 else 0,
        l2_distributed=system.l2_minter.totalDistributed() if minted_on_l1 else 0,
        l1_start=system.chains.l1.block_number + 1,
        l2_start=system.chains.l2.block_number + 1,
        **_supplies_and_counters(system),
        l1_rewards_minted=system.l1.minter.totalRewardsMinted(),
        l2_rewards_minted=system.l2_minter.totalRewardsMinted(),
    )


@dataclass(frozen=True)
class _Reading:
    """What one check works on: the snapshot, and the gateways' and migrators' counters as increases over the
    baseline."""

    s: Snapshot
    base: Baseline
    deposited: int
    released: int
    shortfall: int
    minted_l2: int
    burned_l2: int
    migrated_l1: int  # paid into the escrow by migrations
    migrated_l2: int  # minted on L2 by the L2Migrator


def _backed_mints(system: System, r: _Reading, settled: bool) -> str:
    """Invariant 1: every LPT minted on L2 is backed by LPT paid into the L1 escrow: the gateway's mints by deposits,
    the L2Migrator's by migrated stake."""
    s, base = r.s, r.base
    l2_gateway, l2_migrator = str(system.bridge.l2_gateway.address), str(system.l2_migrator.address)
    deposits_sent = sum(a * n for (_, _, a), n in s.deposits_initiated.items())
    for layer, counted, events in (
        ("L1Migrator", r.migrated_l1, sum(a for _, _, a in s.migrations_initiated.values())),
        ("L2Migrator", r.migrated_l2, sum(m[3] for m in s.migrations_finalized)),
    ):
        _require(counted == events, f"inv1: {layer}.totalMigrated grew by {counted}, its events sum to {events}")
    _require(
        r.deposited == deposits_sent,
        f"inv1: L1 totalDeposited grew by {r.deposited}, DepositInitiated events sum to another amount",
    )
    _require(
        r.minted_l2 == sum(a * n for (_, _, a), n in s.deposits_finalized.items()),
        f"inv1: L2 gateway totalMinted grew by {r.minted_l2}, DepositFinalized events sum to another amount",
    )
    # Counter equality treats a missing delegate as zero
    _require(
        s.l2_delegate_mints == Counter({l2_gateway: r.minted_l2, l2_migrator: r.migrated_l2}),
        f"inv1: L2 Minter delegate mints {dict(s.l2_delegate_mints)} are not exactly the gateway's {r.minted_l2} "
        f"and the L2Migrator's {r.migrated_l2}",
    )
    unbacked = s.deposits_finalized - s.deposits_initiated
    _require(not unbacked, f"inv1: L2 deposits finalized with no L1 deposit: {dict(unbacked)}")
    _require(r.minted_l2 <= r.deposited, f"inv1: L2 minted {r.minted_l2} > L1 deposited {r.deposited}")
    _require(r.migrated_l2 <= r.migrated_l1, f"inv1: L2 migrated {r.migrated_l2} > L1 migrated {r.migrated_l1}")
    paid_in = r.deposited + r.migrated_l1
    _require(
        s.escrow_balance == base.escrow_balance + paid_in - r.released,
        f"inv1: escrow holds {s.escrow_balance}, deposits + migrations - releases give "
        f"{base.escrow_balance + paid_in - r.released}",
    )
    _require(
        not settled or (r.minted_l2 == r.deposited and r.migrated_l2 == r.migrated_l1),
        f"inv1: {paid_in - r.minted_l2 - r.migrated_l2} paid into the escrow is not minted on L2 after relaying "
        "everything",
    )
    return (
        f"L2 minted {lpt(r.minted_l2 + r.migrated_l2)} (Minter events "
        f"{lpt(s.l2_delegate_mints[l2_gateway] + s.l2_delegate_mints[l2_migrator])}) = deposited "
        f"{lpt(r.deposited)} (events {lpt(deposits_sent)}) + migrated {lpt(r.migrated_l1)}; escrow "
        f"{lpt(s.escrow_balance)} + released {lpt(r.released)}"
    )


def _withdrawals_paid(system: System, r: _Reading, settled: bool) -> str:
    """Invariant 2: L1 LPT released or minted by the L1 gateway equals the LPT burned on L2 for finalized
    withdrawals."""
    s = r.s
    l1_gateway = str(system.bridge.l1_gateway.address)
    finalized_amount = 0
    for exit_num, sender, to, amount in s.withdrawals_finalized:
        _require(
            s.withdrawals_initiated.get(exit_num) == (sender, to, amount),
            f"inv2: L1 finalized withdrawal {exit_num} ({sender} -> {to}, {amount}) that L2 never initiated "
            f"as such ({s.withdrawals_initiated.get(exit_num)})",
        )
        finalized_amount += amount
    _require(
        r.released + r.shortfall == finalized_amount,
        f"inv2: L1 released {r.released} + minted {r.shortfall} != {finalized_amount} burned for finalized withdrawals",
    )
    _require(s.escrow_released == r.released, f"inv2: escrow Released events {s.escrow_released} != {r.released}")
    _require(
        s.l1_delegate_mints == Counter({l1_gateway: r.shortfall}) if r.shortfall else not s.l1_delegate_mints,
        f"inv2: L1 Minter delegate mints {dict(s.l1_delegate_mints)} are not exactly the gateway's {r.shortfall}",
    )
    _require(
        r.burned_l2 == sum(a for _, _, a in s.withdrawals_initiated.values()),
        f"inv2: L2 totalBurned grew by {r.burned_l2}, WithdrawalInitiated events sum to another amount",
    )
    _require(
        not settled or r.burned_l2 == finalized_amount,
        f"inv2: {r.burned_l2 - finalized_amount} burned on L2 is not paid on L1 after relaying everything",
    )
    return (
        f"{lpt(r.released)} + {lpt(r.shortfall)} = {lpt(r.released + r.shortfall)}; burned {lpt(r.burned_l2)}; "
        f"L1 Minter minted {lpt(s.l1_delegate_mints[l1_gateway])} for the gateway"
    )


def _supply_conserved(system: System, r: _Reading, settled: bool) -> str:
    """Invariant 3: L1 supply + L2 supply - escrow = initial supply + inflation, counting LPT in flight either
    way."""
    s, base = r.s, r.base
    for layer, minter, before, events in (
        ("L1", system.l1.minter, base.l1_rewards_minted, s.l1_inflation),
        ("L2", system.l2_minter, base.l2_rewards_minted, s.l2_inflation),
    ):
        counted = minter.totalRewardsMinted() - before
        _require(
            counted == events,
            f"inv3: {layer} Minter.totalRewardsMinted grew by {counted}, RewardCreated events sum to {events}",
        )
    in_flight_in = r.deposited + r.migrated_l1 - r.minted_l2 - r.migrated_l2
    in_flight_out = r.burned_l2 - r.released - r.shortfall
    _require(in_flight_out >= 0, f"inv3: more paid out on L1 than burned on L2 ({-in_flight_out})")
    if l1_minting(system):
        counted = system.l1.minter.totalSentToL2() - base.l1_sent_to_l2
        _require(
            counted == s.l1_sent_to_l2,
            f"inv3: L1 Minter.totalSentToL2 grew by {counted}, RoundRewardsSent events sum to {s.l1_sent_to_l2}",
        )
    l1_inflation = s.l1_inflation + s.l1_sent_to_l2
    initial = base.l1_supply + base.l2_supply - base.escrow_balance
    burned = s.l1_minter_burned + s.l2_minter_burned
    now = s.l1_supply + s.l2_supply - s.escrow_balance + in_flight_in + in_flight_out
    expected = initial + l1_inflation + s.l2_inflation - burned
    _require(
        now == expected,
        f"inv3: L1 {s.l1_supply} + L2 {s.l2_supply} - escrow {s.escrow_balance} + in flight "
        f"{in_flight_in}/{in_flight_out} = {now} != initial {initial} + inflation "
        f"{l1_inflation} (L1) + {s.l2_inflation} (L2) - burned {burned}",
    )
    _require(
        s.l1_supply == base.l1_supply + l1_inflation + r.shortfall - s.l1_minter_burned,
        f"inv3: L1 supply {s.l1_supply} != {base.l1_supply} + L1 inflation {l1_inflation} + shortfall "
        f"minted {r.shortfall} - burned {s.l1_minter_burned}",
    )
    _require(
        s.l2_supply == base.l2_supply + s.l2_inflation + r.minted_l2 + r.migrated_l2 - r.burned_l2 - s.l2_minter_burned,
        f"inv3: L2 supply {s.l2_supply} != {base.l2_supply} + L2 inflation {s.l2_inflation} + bridged "
        f"{r.minted_l2} + migrated {r.migrated_l2} - burned {r.burned_l2} - burned by the Minter "
        f"{s.l2_minter_burned}",
    )
    return f"{lpt(now)} vs {lpt(expected)}"


def _finalized_once(system: System, r: _Reading, settled: bool) -> str:
    """Invariant 5: every cross-chain message finalizes at most once. Settled: every message did finalize, and
    replaying each on chain is refused as already done."""
    s = r.s
    twice = [t for t, n in Counter(s.successful_redeems).items() if n > 1]
    _require(not twice, f"inv5: retryables redeemed more than once: {twice}")
    deposits, migrations = sum(s.deposits_finalized.values()), len(s.migrations_finalized)
    _require(
        len(s.successful_redeems) == deposits + migrations + s.supply_reports,
        f"inv5: {len(s.successful_redeems)} successful redeems but {deposits} L2 deposits and {migrations} "
        f"migrations finalized and {s.supply_reports} supply reports handled",
    )
    twice = [i for i, n in Counter(s.outbox_executions).items() if n > 1]
    _require(not twice, f"inv5: Outbox executed positions more than once: {twice}")
    exits = [w[0] for w in s.withdrawals_finalized]
    _require(len(exits) == len(set(exits)), f"inv5: a withdrawal finalized twice on L1: {exits}")
    _require(
        len(exits) == len(s.outbox_executions),
        f"inv5: {len(s.outbox_executions)} Outbox executions but {len(exits)} withdrawals finalized",
    )
    ids = [m[0] for m in s.migrations_finalized]
    _require(len(ids) == len(set(ids)), f"inv5: a migration finalized twice on L2: {ids}")
    for mid, l1_delegator, l2_delegator, amount, _ in s.migrations_finalized:
        _require(
            s.migrations_initiated.get(mid) == (l1_delegator, l2_delegator, amount),
            f"inv5: L2 finalized migration {mid} ({l1_delegator} -> {l2_delegator}, {amount}), L1 sent "
            f"{s.migrations_initiated.get(mid)}",
        )
    _require(
        system.l2_migrator.migrationsFinalized() == len(ids),
        f"inv5: L2Migrator.migrationsFinalized {system.l2_migrator.migrationsFinalized()} != {len(ids)} events",
    )
    found = f"{len(ids)} migrations, {len(exits)} withdrawals finalized once each"
    if not settled:
        return found
    _require(
        len(exits) == len(s.withdrawals_initiated) and len(ids) == len(s.migrations_initiated),
        f"inv5: {len(exits)} of {len(s.withdrawals_initiated)} withdrawals and {len(ids)} of "
        f"{len(s.migrations_initiated)} migrations finalized after relaying everything",
    )
    retryables, outbound, accepted = _replays_refused(system, r.base)
    _require(not accepted, f"inv5: replaying on chain is NOT REFUSED: {', '.join(accepted)}")
    return (
        f"{found}; replaying {retryables} retryables and {outbound} L2->L1 messages on chain: all refused as "
        "already done"
    )


def _l1_minted_rewards(system: System, r: _Reading, settled: bool) -> str:
    """Invariant 6 (L1 minting): what the L2 Minter received from the L1 Minter is distributed, available in the
    current L2 round or undistributed, to the wei; it received only what the L1 Minter sent (all of it once
    everything is relayed); and the L1 gateway minted nothing."""
    s, base, minter = r.s, r.base, system.l2_minter
    received, distributed = minter.totalReceived(), minter.totalDistributed()
    available, undistributed = minter.available(), minter.undistributed()
    _require(
        received == distributed + available + undistributed,
        f"inv6: L2 Minter received {received} != distributed {distributed} + available {available} + "
        f"undistributed {undistributed}",
    )
    for name, counted, events in (
        ("totalReceived", received - base.l2_received, s.l2_received),
        ("totalDistributed", distributed - base.l2_distributed, s.l2_distributed),
    ):
        _require(counted == events, f"inv6: L2 Minter.{name} grew by {counted}, its events sum to {events}")
    _require(
        s.l2_received <= s.l1_sent_to_l2,
        f"inv6: L2 Minter received {s.l2_received}, more than the L1 Minter sent ({s.l1_sent_to_l2})",
    )
    _require(
        not settled or s.l2_received == s.l1_sent_to_l2,
        f"inv6: {s.l1_sent_to_l2 - s.l2_received} sent by the L1 Minter has not arrived after relaying everything",
    )
    _require(
        r.shortfall == 0 and not s.l1_delegate_mints,
        f"inv6: the L1 gateway minted {r.shortfall}; L1 Minter delegate mints {dict(s.l1_delegate_mints)}",
    )
    return (
        f"sent {lpt(s.l1_sent_to_l2)}, received {lpt(s.l2_received)} = distributed {lpt(s.l2_distributed)} + "
        f"available {lpt(available)} + undistributed {lpt(undistributed)} (since the baseline); L1 gateway minted "
        "nothing"
    )


def _simulator(system: System) -> ArbitrumSimulator:
    """The system's Arbitrum simulator: the ledger reads its Inbox, Outbox and ArbRetryableTx."""
    if system.sim is None:
        raise NoSimulatorError("the bridge invariants read the local Arbitrum simulator; this system has none")
    return system.sim


def _replays_refused(system: System, base: Baseline) -> tuple[int, int, list[str]]:
    """Try every cross-chain message since ``base`` again against the chain (as calls) and expect the simulator to
    refuse it as already done: ``AlreadySubmitted`` for a retryable, ``AlreadySpent`` for an L2 -> L1 message.
    Returns (retryables tried, L2 -> L1 messages tried, descriptions of any replay not refused that way)."""
    sim, l1, l2 = _simulator(system), system.chains.l1, system.chains.l2
    operator = str(sim.operator.address)
    already_submitted = function_selector("AlreadySubmitted(bytes32)")
    already_spent = function_selector("AlreadySpent(uint256)")
    accepted: list[str] = []
    retryables = sim_api.fetch_retryables(sim, base.l1_start, l1.block_number)
    for message in retryables:
        request = sim_api.retryable_request(message)
        selector = revert_selector(l2, operator, sim.arb_retryable_tx, "submitRetryable", (request,), message.deposit)
        if selector != already_submitted:
            accepted.append(f"retryable {bytes(message.request_id).hex()} ({selector!r})")
    outbound = sim_api.fetch_l2_to_l1(sim, base.l2_start, l2.block_number)
    for send in outbound:
        args = tuple(send.execute_args(sim_api.proof_for(outbound, send.index)))
        selector = revert_selector(l1, operator, sim.outbox, "executeTransaction", args)
        if selector != already_spent:
            accepted.append(f"L2->L1 #{send.index} ({selector!r})")
    return len(retryables), len(outbound), accepted


#: Invariants 1, 2, 3 and 5 in order, each a function of the system and a reading that raises
#: :class:`InvariantViolation` or returns what it found.
BRIDGE_INVARIANTS = (
    (BACKED_MINTS, _backed_mints),
    (WITHDRAWALS_PAID, _withdrawals_paid),
    (SUPPLY_CONSERVED, _supply_conserved),
    (FINALIZED_ONCE, _finalized_once),
)


def bridge_checks(system: System, base: Baseline, *, settled: bool = False) -> tuple[Snapshot, list[Check]]:
    """Invariants 1, 2, 3 and 5 (and 6 with L1 minting) on chain, each reported as a :class:`Check`; returns the
    snapshot read too.

    Counters are compared as increases over ``base`` (the set-up may have used the bridge), events are those
    emitted since ``base``. ``settled``: every message has been relayed (the end of a story), so nothing may be in
    flight, and replaying each finalized message on chain must be refused as already done.
    """
    s = read_snapshot(system, base.l1_start, base.l2_start)
    reading = _Reading(
        s,
        base,
        deposited=s.l1_deposited - base.l1_deposited,
        released=s.l1_released - base.l1_released,
        shortfall=s.l1_shortfall_minted - base.l1_shortfall_minted,
        minted_l2=s.l2_minted - base.l2_minted,
        burned_l2=s.l2_burned - base.l2_burned,
        migrated_l1=s.l1_migrated - base.l1_migrated,
        migrated_l2=s.l2_migrated - base.l2_migrated,
    )
    checks = []
    invariants = list(BRIDGE_INVARIANTS)
    if l1_minting(system):
        invariants.append((L1_MINTED_REWARDS, _l1_minted_rewards))
    for name, invariant in invariants:
        try:
            checks.append(Check(name, True, invariant(system, reading, settled)))
        except InvariantViolation as violation:
            checks.append(Check(name, False, str(violation)))
    return s, checks


def check_bridge_invariants(system: System, base: Baseline) -> Snapshot:
    """Check invariants 1, 2, 3 and 5 on chain (see :func:`bridge_checks`); raise :class:`InvariantViolation` naming
    the first that fails. Returns the snapshot read."""
    s, checks = bridge_checks(system, base)
    for check in checks:
        if not check.passed:
            raise InvariantViolation(check.detail)
    return s


def check_stake_invariant(
    holdings: dict[str, int], migrated: Counter, bonded_in: Counter, withdrawn: Counter, l2_inflation: int
) -> int:
    """Invariant 4 over L2 staking: nobody holds more stake on L2 than it brought plus L2 rewards; returns the
    surpluses together (the L2 rewards held).

    ``holdings``: each account's L2 stake (with unclaimed rewards) plus its unbonding locks. What it brought:
    ``migrated`` (L1 stake finalized on L2 for it) + ``bonded_in`` (LPT it bonded on L2) - ``withdrawn`` (locks
    it withdrew on L2). Each account's surplus must be non-negative (nobody loses stake), all surpluses together
    at most the L2 inflation, and exactly zero while there was none.
    """
    total = 0
    for address, have in holdings.items():
        brought = migrated[address] + bonded_in[address] - withdrawn[address]
        surplus = have - brought
        _require(surplus >= 0, f"inv4: {address} holds {have} on L2, less than the {brought} it brought")
        _require(
            l2_inflation > 0 or surplus == 0,
            f"inv4: {address} holds {have} on L2, {surplus} more than it brought, with no L2 inflation",
        )
        total += surplus
    _require(total <= l2_inflation, f"inv4: L2 stake exceeds what was brought by {total} > L2 inflation {l2_inflation}")
    return total
