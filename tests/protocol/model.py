"""Reference model of the bonding, reward and fee accounting, written from the specification.

It follows every delegator's stake and fees individually with exact rational arithmetic: a reward or a fee credit
that an orchestrator receives in round R is spread over its delegators in proportion to their *earning* stake at
that moment, i.e. their stake minus what they bonded to it during R (stake that joins in R earns from R + 1 on;
stake that left earns nothing more). The contract instead keeps per-orchestrator, per-round cumulative factors
(precision 1e27) and floors when it divides. The two agree to
within about 1 wei (see ``test_model_stateful.py`` for the bound); at a claim point (any call by a delegator that
claims its earnings) the model adopts the contract's floored figures, checked to be within that bound, so that
rounding cannot pile up across claims.

Actions raise :class:`Expected` naming the custom error the contract must revert with, before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

PERC_DIVISOR = 10**6
INFLATION_DIVISOR = 10**9
MAX_ROUND = 2**32 - 1  # the BondingManager's "never deactivated" round (rounds are uint32)


class Expected(Exception):
    """The contract must revert with the custom error ``name``."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


@dataclass
class Lock:
    amount: int
    withdraw_round: int


@dataclass
class Delegator:
    delegate: str | None = None
    stake: Fraction = Fraction(0)
    fees: Fraction = Fraction(0)
    locks: dict[int, Lock] = field(default_factory=dict)
    next_lock_id: int = 0
    joining: int = 0  # part of ``stake`` bonded to ``delegate`` in round ``joining_round``
    joining_round: int = 0


@dataclass
class Transcoder:
    delegated: int = 0
    reward_commission: int = 0
    fee_commission: int = 0
    reward_cut: int = 0
    fee_share: int = 0
    stake_at_round_start: int = 0
    last_change_round: int = 0
    last_reward_round: int = 0
    activation: int = 0
    deactivation: int = 0
    in_pool: bool = False


@dataclass
class Model:
    """State of the whole protocol as the specification describes it."""

    round: int
    supply: int
    balances: dict[str, int]
    inflation: int
    inflation_change: int
    target_bonding_rate: int
    unbonding_period: int
    num_active: int
    mintable: int = 0
    minted: int = 0
    minter_lpt: int = 0
    minter_eth: int = 0
    current_total: int = 0
    next_total: int = 0
    delegators: dict[str, Delegator] = field(default_factory=dict)
    transcoders: dict[str, Transcoder] = field(default_factory=dict)

    # ------------------------------------------------------------ helpers

    def d(self, addr: str) -> Delegator:
        return self.delegators.setdefault(addr, Delegator())

    def t(self, addr: str) -> Transcoder:
        return self.transcoders.setdefault(addr, Transcoder())

    def registered(self, addr: str) -> bool:
        d = self.d(addr)
        return d.delegate == addr and d.stake > 0

    def active(self, addr: str) -> bool:
        t = self.t(addr)
        return t.activation != 0 and t.activation <= self.round < t.deactivation

    def pending_stake(self, addr: str) -> Fraction:
        d = self.d(addr)
        if d.stake == 0:
            return Fraction(0)
        return d.stake + (self.t(addr).reward_commission if d.delegate == addr else 0)

    def pending_fees(self, addr: str) -> Fraction:
        d = self.d(addr)
        if d.stake > 0 and d.delegate == addr:
            return d.fees + self.t(addr).fee_commission
        return d.fees

    def joining(self, addr: str) -> int:
        """Stake ``addr`` bonded to its delegate in the current round (it earns from the next round)."""
        d = self.d(addr)
        return d.joining if d.joining_round == self.round else 0

    def transcoder_joining(self, transcoder: str) -> int:
        """Stake that joined ``transcoder`` in the current round."""
        return sum(self.joining(a) for a, d in self.delegators.items() if d.delegate == transcoder and d.stake > 0)

    def pool(self) -> list[str]:
        return [a for a, t in self.transcoders.items() if t.in_pool]

    def _claim(self, addr: str, stake: int, fees: int) -> None:
        """Adopt the contract's floored figures for ``addr`` (its pending stake and fees)."""
        d = self.d(addr)
        if d.delegate is None:
            return
        if d.delegate == addr and d.stake > 0:
            t = self.t(addr)
            t.reward_commission = 0
            t.fee_commission = 0
        d.stake = Fraction(stake)
        d.fees = Fraction(fees)

    def _set_delegated(self, addr: str, amount: int) -> None:
        t = self.t(addr)
        previous = t.delegated
        if t.last_change_round != self.round:
            t.stake_at_round_start = previous
            t.last_change_round = self.round
        t.delegated = amount
        if t.in_pool:
            self.next_total += amount - previous
        elif amount > previous and self.registered(addr):
            self._try_join(addr)

    def _try_join(self, addr: str) -> None:
        t = self.t(addr)
        members = self.pool()
        if len(members) >= self.num_active:
            if not members:
                return
            lowest = min(self.t(m).delegated for m in members)
            if t.delegated <= lowest:
                return
            tails = [m for m in members if self.t(m).delegated == lowest]
            assert len(tails) == 1, "the model does not order equal stakes; keep the cap above the set size"
            self._leave(tails[0])
        t.in_pool = True
        self.next_total += t.delegated
        if not self.active(addr):
            t.activation = self.round + 1
        t.deactivation = MAX_ROUND

    def _leave(self, addr: str) -> None:
        t = self.t(addr)
        t.in_pool = False
        self.next_total -= t.delegated
        t.deactivation = self.round + 1

    def _resign(self, addr: str) -> None:
        t = self.t(addr)
        if t.in_pool:
            self._leave(addr)
        t.deactivation = min(t.deactivation, self.round)

    def _spread(self, transcoder: str, amount: int, attr: str) -> int:
        """Give ``amount`` to everyone delegated to ``transcoder`` by earning stake (exact shares); return what
        could not be shared because nothing earns (all of ``amount``, which then goes to the commission)."""
        t = self.t(transcoder)
        earning = t.delegated - t.reward_commission - self.transcoder_joining(transcoder)
        if earning == 0:
            return amount
        for addr, d in self.delegators.items():
            if d.delegate == transcoder and d.stake > 0:
                share = Fraction(amount) * (d.stake - self.joining(addr)) / earning
                setattr(d, attr, getattr(d, attr) + share)
        return 0

    def _add_stake(self, addr: str, to: str, amount: int) -> None:
        """``addr`` bonds ``amount`` more to ``to`` (its delegate, or its new one when it had no stake)."""
        d = self.d(addr)
        d.joining = self.joining(addr) + amount
        d.joining_round = self.round
        d.delegate = to
        d.stake += amount
        self._set_delegated(to, self.t(to).delegated + amount)

    def _remove_stake(self, addr: str, amount: int) -> None:
        """``addr``'s stake drops by ``amount``, taken from what joined this round first."""
        d = self.d(addr)
        delegate = d.delegate
        d.joining = self.joining(addr) - min(amount, self.joining(addr))
        d.joining_round = self.round
        d.stake -= amount
        self._set_delegated(delegate, self.t(delegate).delegated - amount)

    # ------------------------------------------------------------ rounds

    def new_round(self) -> None:
        """The chain moved to the next round and ``initializeRound()`` ran."""
        self.round += 1
        self.current_total = self.next_total
        rate = self.current_total * INFLATION_DIVISOR // self.supply
        if rate < self.target_bonding_rate:
            self.inflation = min(self.inflation + self.inflation_change, INFLATION_DIVISOR)
        elif rate > self.target_bonding_rate:
            self.inflation = max(self.inflation - self.inflation_change, 0)
        self.mintable = self.supply * self.inflation // INFLATION_DIVISOR
        self.minted = 0

    # ------------------------------------------------------------ actions

    def bond(self, addr: str, to: str, amount: int, pending: tuple[int, int]) -> None:
        d = self.d(addr)
        moving = d.stake > 0 and d.delegate != to
        if amount == 0 and not moving:
            raise Expected("NothingToBond")
        if moving and d.delegate == addr:
            raise Expected("TranscoderCannotRedelegate")
        assert amount <= self.balances[addr], "test amounts stay within balances"
        self._claim(addr, *pending)
        moved = int(d.stake) if moving else 0
        if moving:
            self._remove_stake(addr, moved)
        self.balances[addr] -= amount
        self.minter_lpt += amount
        self._add_stake(addr, to, amount + moved)

    def unbond(self, addr: str, amount: int, pending: tuple[int, int]) -> None:
        if amount == 0:
            raise Expected("ZeroAmount")
        if amount > pending[0]:
            raise Expected("InsufficientBond")
        self._claim(addr, *pending)
        d = self.d(addr)
        delegate = d.delegate
        d.locks[d.next_lock_id] = Lock(amount, self.round + self.unbonding_period)
        d.next_lock_id += 1
        self._remove_stake(addr, amount)
        if d.stake == 0:
            d.delegate = None
            if delegate == addr:
                self._resign(addr)

    def rebond(self, addr: str, lock_id: int, pending: tuple[int, int]) -> None:
        d = self.d(addr)
        if d.stake == 0:
            raise Expected("NotBonded")
        if lock_id not in d.locks:
            raise Expected("InvalidUnbondingLock")
        self._claim(addr, *pending)
        self._rebond(addr, d.delegate, lock_id)

    def rebond_from_unbonded(self, addr: str, to: str, lock_id: int) -> None:
        d = self.d(addr)
        if d.stake != 0:
            raise Expected("AlreadyBonded")
        if lock_id not in d.locks:
            raise Expected("InvalidUnbondingLock")
        self._rebond(addr, to, lock_id)

    def _rebond(self, addr: str, to: str, lock_id: int) -> None:
        self._add_stake(addr, to, self.d(addr).locks.pop(lock_id).amount)

    def withdraw_stake(self, addr: str, lock_id: int) -> None:
        d = self.d(addr)
        if lock_id not in d.locks:
            raise Expected("InvalidUnbondingLock")
        if d.locks[lock_id].withdraw_round > self.round:
            raise Expected("UnbondingLockNotWithdrawable")
        lock = d.locks.pop(lock_id)
        self.minter_lpt -= lock.amount
        self.balances[addr] += lock.amount

    def withdraw_fees(self, addr: str, amount: int, pending: tuple[int, int]) -> None:
        if amount == 0:
            raise Expected("ZeroAmount")
        if amount > pending[1]:
            raise Expected("InsufficientFees")
        self._claim(addr, *pending)
        self.d(addr).fees -= amount
        self.minter_eth -= amount

    def claim_earnings(self, addr: str, pending: tuple[int, int]) -> None:
        self._claim(addr, *pending)

    def transcoder(self, addr: str, reward_cut: int, fee_share: int) -> None:
        if not self.registered(addr):
            raise Expected("NotRegisteredTranscoder")
        t = self.t(addr)
        t.reward_cut, t.fee_share = reward_cut, fee_share
        if not t.in_pool:
            self._try_join(addr)

    def reward(self, addr: str) -> int:
        t = self.t(addr)
        if not self.active(addr):
            raise Expected("NotActiveTranscoder")
        if t.last_reward_round == self.round:
            raise Expected("RewardAlreadyCalled")
        at_round_start = t.stake_at_round_start if t.last_change_round == self.round else t.delegated
        # Minted on the part of the stake at round start that is still there (and not joining).
        still_there = t.delegated - self.transcoder_joining(addr)
        eligible = min(at_round_start, still_there)
        amount = self.mintable * eligible // self.current_total
        assert self.minted + amount <= self.mintable
        t.last_reward_round = self.round
        # The unclaimed commission's share is the orchestrator's; the reward cut of the rest too.
        earned = amount * (still_there - t.reward_commission) // still_there if still_there else 0
        to_delegators = earned - earned * t.reward_cut // PERC_DIVISOR
        t.reward_commission += amount - to_delegators + self._spread(addr, to_delegators, "stake")
        self.minted += amount
        self.supply += amount
        self.minter_lpt += amount
        self._set_delegated(addr, t.delegated + amount)
        return amount

    def deposit_eth(self, amount: int) -> None:
        self.minter_eth += amount

    def credit_fees(self, addr: str, fees: int) -> None:
        """The TicketBroker credits ``fees`` wei, already deposited in the Minter, to ``addr``."""
        if not self.registered(addr):
            raise Expected("NotRegisteredTranscoder")
        t = self.t(addr)
        shared = fees * t.fee_share // PERC_DIVISOR
        t.fee_commission += fees - shared + self._spread(addr, shared, "fees")
