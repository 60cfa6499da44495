"""The demo: the whole migration story on a local L1 + L2, as plain functions (what ``ape run demo`` runs).

::

    with TwoChains.local() as chains:
        scenario, reconciliation = run(chains, journal_dir)   # every step below, in order
        assert reconciliation.passed

Steps (each one function taking the :class:`Scenario`):

1. :func:`setup`: deploy the whole system (:func:`~ape_livepeer_migration.bridge.system.deploy_system`) and a
   TicketBroker on L1; 3 orchestrators and 20 delegators get genesis LPT.
2. :func:`stake_on_l1`: the orchestrators register, the delegators bond.
3. :func:`run_l1_rounds`: rounds with ``reward()`` calls and winning tickets redeemed (fees accrue).
4. :func:`migrate_to_l2`: one orchestrator and all its delegators; a delegator whose orchestrator stays on L1
   choosing the migrated one; an unbonding lock; a signed (EIP-712) migration submitted by a relayer account.
   The L1 supply is reported to the L2 Minter; the :class:`~ape_livepeer_migration.relayer.core.Relayer` relays.
5. :func:`switch_inflation_to_l2`: governance revokes L1 minting for rewards; ``reward()`` runs on L2.
6. :func:`withdraw_fees_on_l1`: the migrated accounts withdraw their ETH fees on L1.
7. :func:`bridge_round_trip`: an L1 holder bridges LPT in, stakes part on L2 and bridges some back out.
8. :func:`exit_to_l1`: every L2 holder unbonds and bridges everything home; as L2 inflation made the L2 supply
   larger than the escrow, the last withdrawals are paid by minting the shortfall on L1.
9. :func:`reconcile`: supplies, escrow, inflation per layer, and every invariant checked on chain
   (:mod:`ape_livepeer_migration.testing.invariants`).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ape_livepeer_migration._eth import function_selector
from ape_livepeer_migration.bridge.migration import (
    migrate,
    migrate_unbonding_locks,
    migrate_with_signature,
    sign_migration,
    signed_migration_for,
)
from ape_livepeer_migration.bridge.system import System, deploy_system, switch_l1_inflation_off
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, report_l1_supply
from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.protocol.deploy import deploy_ticket_broker
from ape_livepeer_migration.protocol.tickets import BrokerDomain, aux_data, draw_winning_ticket, win_prob
from ape_livepeer_migration.relayer.core import PassReport, Relayer
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend
from ape_livepeer_migration.testing.actors import Cast, register_orchestrator
from ape_livepeer_migration.testing.invariants import (
    LPT,
    STAKE_BOUNDED,
    Baseline,
    Check,
    InvariantViolation,
    baseline,
    bridge_checks,
    check_stake_invariant,
    lpt,
)
from ape_livepeer_migration.testing.reverts import revert_selector
from ape_livepeer_migration.testing.rounds import initialize_rounds, next_round

ETH = 10**18

#: Blocks per round on both layers (short, so that rounds pass in a blink on anvil).
ROUND_LENGTH = 50
#: L2 unbonding period in rounds (short, so that the exit fits in the demo).
L2_UNBONDING_PERIOD = 2
#: The TicketBroker's unlock and ticket validity periods, in rounds.
UNLOCK_PERIOD = 2
TICKET_VALIDITY_PERIOD = 2
#: Orchestrators' terms: (reward cut, fee share), precision 1e6.
ORCHESTRATOR_TERMS = ((100_000, 500_000), (50_000, 300_000), (200_000, 600_000))
ORCHESTRATOR_STAKE = 20_000 * LPT
DELEGATOR_COUNT = 20
BRIDGER_GENESIS = 5_000 * LPT
#: Ticket economics: 1 in 3 tickets wins, each winner pays 0.05 ETH.
TICKET_WIN_CHANCE = Fraction(1, 3)
TICKET_FACE_VALUE = 5 * ETH // 100
FUNDING = 1_000 * ETH

Say = Callable[[str], None]


def delegators_of(cast: Cast, index: int) -> list[Any]:
    """The delegators of ``cast.orchestrators[index]``: in the demo, delegator i delegates to orchestrator i % 3."""
    return [d for i, d in enumerate(cast.delegators) if i % len(cast.orchestrators) == index]


def _label(cast: Cast, address: Any) -> str:
    """A short label for ``address``: O1..O3, D1..D20, or the role."""
    names = {o.address: f"O{i + 1}" for i, o in enumerate(cast.orchestrators)}
    names.update({d.address: f"D{i + 1}" for i, d in enumerate(cast.delegators)})
    names.update({cast.bridger.address: "bridger", cast.relayer.address: "relayer"})
    return names.get(str(address), str(address))


@dataclass
class Scenario:
    """The deployed system, the cast and what happened so far."""

    chains: Any
    system: System
    broker: Any  # TicketBroker on L1 (bound)
    cast: Cast
    relayer: Relayer
    say: Say
    genesis_supply: int
    base: Baseline  # the state right after the deployment: what the invariants count from
    tickets_signed: int = 0
    tickets_won: int = 0
    fees_redeemed: int = 0  # wei paid by winning tickets
    fees_withdrawn: int = 0  # wei withdrawn on L1 after migrating
    l2_reward_gas: list[int] = field(default_factory=list)
    l1_reward_blocked: bool = False
    #: the L2 orchestrator each migrated L2 address asked for, in order of migration
    chosen_orchestrator: dict[str, str] = field(default_factory=dict)
    #: L1 stake (or lock) each migration moved, read on L1 just before it was sent: migration id -> amount
    l1_amount_before: dict[int, int] = field(default_factory=dict)
    #: invariant 4 as checked on chain before the exit: (passed, detail)
    stake_check: tuple[bool, str] | None = None
    relay_passes: int = 0

    @property
    def l1(self) -> Any:
        return self.system.l1

    @property
    def l2_bm(self) -> Any:
        return self.system.l2_bonding_manager


# ---------------------------------------------------------------------------------------------------- helpers


def events(chain: Any, contract: Any, name: str, start: int) -> list[Any]:
    """Every ``name`` event of ``contract`` (bound to ``chain``) from block ``start`` on."""
    with chain:
        return list(getattr(contract.unwrapped, name).range(start, chain.block_number + 1))


def _tx_events(chain: Any, tx: Any, name: str) -> list[Any]:
    """The ``name`` events of receipt ``tx`` (decoded on its own chain)."""
    with chain:
        return [e for e in tx.events if e.event_name == name]


def relay(s: Scenario, what: str) -> PassReport:
    """Relay until a pass finds nothing to do; prints what moved. Returns the union of the passes."""
    total = PassReport()
    while True:
        report = s.relayer.relay_once()
        s.relay_passes += 1
        if report.idle:
            break
        for name in ("delivered", "failed", "rejected", "executed", "roots", "confirmed"):
            getattr(total, name).extend(getattr(report, name))
        total.execution_errors.update(report.execution_errors)
    if total.failed or total.rejected or total.execution_errors:
        raise LivepeerError(
            f"relaying {what}: failed {total.failed}, rejected {total.rejected}, errors {total.execution_errors}"
        )
    s.say(f"  relayer: {len(total.delivered)} L1->L2 delivered, {len(total.executed)} L2->L1 executed ({what})")
    return total


def _new_account(chains: Any, accounts: Any) -> Any:
    account = accounts.test_accounts.generate_test_account()
    for chain in chains.layers:
        chain.provider.set_balance(account.address, FUNDING)
    return account


def make_cast(chains: Any) -> Cast:
    """The fixed roles come from Ape's test accounts; the 20 delegators are generated and funded on both chains."""
    from ape import accounts

    t = accounts.test_accounts
    return Cast(
        governor=t[0],
        operator=t[1],
        relayer=t[2],
        broadcaster=t[3],
        bridger=t[4],
        orchestrators=(t[5], t[6], t[7]),
        delegators=tuple(_new_account(chains, accounts) for _ in range(DELEGATOR_COUNT)),
    )


# ---------------------------------------------------------------------------------------------------- steps


def setup(chains: Any, journal_dir: str | Path, say: Say = print) -> Scenario:
    """Deploy everything (short rounds) and a TicketBroker; open a relayer journaled in ``journal_dir``."""
    cast = make_cast(chains)
    genesis = {o.address: ORCHESTRATOR_STAKE for o in cast.orchestrators}
    genesis.update({d.address: (1_000 + 250 * i) * LPT for i, d in enumerate(cast.delegators)})
    genesis[cast.bridger.address] = BRIDGER_GENESIS
    say("== 1. deploy")
    system = deploy_system(
        chains,
        cast.governor,
        operator=cast.operator,
        genesis=genesis,
        l1_params={"round_length": ROUND_LENGTH},
        l2_params={"round_length": ROUND_LENGTH, "unbonding_period": L2_UNBONDING_PERIOD},
    )
    base = baseline(system)
    with chains.l1:
        broker = chains.l1.bind(deploy_ticket_broker(system.l1, cast.governor, UNLOCK_PERIOD, TICKET_VALIDITY_PERIOD))
    for name, address in {**system.addresses, "l1_ticket_broker": str(broker.address)}.items():
        say(f"  {name:20} {address}")
    journal = Path(journal_dir) / "relay.db"
    relayer = Relayer.open(SimulatorBackend(system.sim), journal, fast_forward=True)
    say(f"  relayer journal: {journal}")
    return Scenario(chains, system, broker, cast, relayer, say, genesis_supply=sum(genesis.values()), base=base)


def stake_on_l1(s: Scenario) -> None:
    """Orchestrators self-bond and register; every delegator bonds all its LPT to its orchestrator."""
    c, l1 = s.cast, s.l1
    bm = l1.bonding_manager
    s.say("== 2. stake on L1")
    next_round(s.chains.l1, l1.rounds, c.governor)
    for o, (cut, share) in zip(c.orchestrators, ORCHESTRATOR_TERMS, strict=True):
        l1.token.approve(bm.address, ORCHESTRATOR_STAKE, sender=o)
        register_orchestrator(bm, o, ORCHESTRATOR_STAKE, reward_cut=cut, fee_share=share)
    for i, d in enumerate(c.delegators):
        amount = l1.token.balanceOf(d.address)
        l1.token.approve(bm.address, amount, sender=d)
        bm.bond(amount, c.orchestrators[i % 3].address, sender=d)
    for i, o in enumerate(c.orchestrators):
        t = bm.getTranscoder(o.address)
        say_terms = f"cut {t.rewardCut / 1e4:.0f}%, fee share {t.feeShare / 1e4:.0f}%"
        s.say(
            f"  O{i + 1} {o.address}: {len(delegators_of(c, i))} delegators, "
            f"delegated {lpt(t.delegatedAmount)} ({say_terms})"
        )
    s.broker.fundDepositAndReserve(20 * ETH, 5 * ETH, value=25 * ETH, sender=c.broadcaster)


def _pay_with_tickets(s: Scenario, orchestrator: Any, round_: int) -> None:
    """The broadcaster sends tickets to ``orchestrator`` until one wins; the orchestrator redeems the winner."""
    domain = BrokerDomain(s.chains.l1.chain_id, str(s.broker.address))
    aux = aux_data(round_, bytes(s.broker.roundBlockHash(round_)))
    ticket, signature, rand = draw_winning_ticket(
        s.cast.broadcaster,
        domain,
        orchestrator.address,
        TICKET_FACE_VALUE,
        win_prob(TICKET_WIN_CHANCE),
        s.tickets_signed + 1,
        aux,
    )
    s.tickets_signed = ticket.sender_nonce
    tx = s.broker.redeemWinningTicket(ticket.as_tuple(), signature, rand, sender=orchestrator)
    (paid,) = _tx_events(s.chains.l1, tx, "WinningTicketRedeemed")
    s.tickets_won += 1
    s.fees_redeemed += paid.fromDeposit + paid.fromReserve


def run_l1_rounds(s: Scenario, rounds: int = 3) -> None:
    """``rounds`` L1 rounds: each orchestrator calls ``reward()`` and redeems a winning ticket."""
    s.say(f"== 3. {rounds} rounds on L1: rewards and winning tickets")
    l1, c = s.l1, s.cast
    for _ in range(rounds):
        round_ = next_round(s.chains.l1, l1.rounds, c.governor)
        s.broker.anchorRound(sender=c.governor)
        minted = 0
        for o in c.orchestrators:
            tx = l1.bonding_manager.reward(sender=o)
            minted += sum(e.amount for e in _tx_events(s.chains.l1, tx, "Reward"))
            _pay_with_tickets(s, o, round_)
        s.say(
            f"  L1 round {round_}: rewards {lpt(minted)}, supply {lpt(l1.token.totalSupply())}, "
            f"tickets signed so far {s.tickets_signed}, won {s.tickets_won}"
        )


def _migrated(s: Scenario, label: str, sent: Any, l1_amount: int) -> None:
    m = sent.migration
    s.l1_amount_before[m.id] = l1_amount
    s.chosen_orchestrator.setdefault(str(m.l2_delegator), str(m.l2_orchestrator))

    def name(address: Any) -> str:
        return _label(s.cast, address)

    s.say(
        f"  #{m.id} {label}: {m.kind.name.lower()} {lpt(m.amount)} of {name(m.l1_delegator)} -> L2 "
        f"{name(m.l2_delegator)} with {name(m.l2_orchestrator)} (L1 gas {sent.receipt.gas_used:,})"
    )


def migrate_to_l2(s: Scenario) -> None:
    """The four kinds of migration, then the relayer delivers them (and the L1 supply report) on L2."""
    c, l1, system = s.cast, s.l1, s.system
    bm = l1.bonding_manager
    o1, o2, o3 = c.orchestrators
    s.say("== 4. migrate to L2")
    initialize_rounds(system, ("l1",))
    next_round(s.chains.l2, system.l2_rounds, c.governor)

    def stake(who: Any) -> int:
        return bm.pendingStake(who.address, l1.rounds.currentRound())

    amount = stake(o1)
    _migrated(s, "orchestrator O1", migrate(system, o1), amount)
    for d in delegators_of(c, 0):
        amount = stake(d)
        _migrated(s, "delegator of O1", migrate(system, d), amount)

    stays = delegators_of(c, 1)[0]  # its orchestrator O2 stays on L1
    amount = stake(stays)
    _migrated(s, "delegator of O2, picks O1", migrate(system, stays, l2_orchestrator=o1.address), amount)

    unbonder = delegators_of(c, 2)[0]
    lock_amount = stake(unbonder) // 2
    tx = bm.unbond(lock_amount, sender=unbonder)
    (lock,) = _tx_events(s.chains.l1, tx, "Unbond")
    _migrated(
        s,
        "unbonding lock of a delegator of O3",
        migrate_unbonding_locks(system, unbonder, [lock.unbondingLockId], o1.address),
        lock.amount,
    )

    signer = delegators_of(c, 1)[1]
    with s.chains.l1:
        from ape import chain

        deadline = chain.blocks.head.timestamp + 3600
    signed = signed_migration_for(system, signer.address, signer.address, o1.address, deadline)
    signature = sign_migration(system, signer, signed)
    amount = stake(signer)
    sent = migrate_with_signature(system, c.relayer, signed, signature)
    _migrated(s, "signed by a delegator of O2, sent by the relayer", sent, amount)

    reporter = system.bridge.l1_supply_reporter
    if reporter is None:
        raise LivepeerError("this story reports the L1 supply to the L2 Minter, which only the L2-minting mode has")
    report_l1_supply(system.bridge, c.operator)
    s.say(f"  L1 circulating supply reported to the L2 Minter: {lpt(reporter.circulatingSupply())}")
    relay(s, "migrations and the supply report")
    s.say(
        f"  on L2: {system.l2_migrator.migrationsFinalized()} migrations finalized, "
        f"{lpt(system.l2_migrator.totalMigrated())} staked; O1 delegated "
        f"{lpt(s.l2_bm.getTranscoder(o1.address).delegatedAmount)}; escrow "
        f"{lpt(l1.token.balanceOf(system.bridge.l1_escrow.address))}"
    )


def switch_inflation_to_l2(s: Scenario, l2_rounds: int = 2) -> None:
    """Governance turns L1 inflation off (L1 ``reward()`` now reverts); O1 calls ``reward()`` on L2."""
    c, l1, system = s.cast, s.l1, s.system
    s.say("== 5. inflation moves to L2")
    next_round(s.chains.l1, l1.rounds, c.governor)
    switch_l1_inflation_off(system, c.governor)
    o2 = c.orchestrators[1].address
    selector = revert_selector(s.chains.l1, o2, l1.bonding_manager, "reward", ())
    s.l1_reward_blocked = selector == function_selector("NotMintingDelegate(address)")
    s.say(
        "  L1 reward() by O2 now reverts: NotMintingDelegate(L1 BondingManager)"
        if s.l1_reward_blocked
        else f"  L1 reward() by O2 does not revert with NotMintingDelegate ({selector!r}): L1 inflation is NOT off"
    )
    o1 = c.orchestrators[0]
    for _ in range(l2_rounds):
        round_ = next_round(s.chains.l2, system.l2_rounds, c.governor)
        tx = s.l2_bm.reward(sender=o1)
        (amount,) = [e.amount for e in _tx_events(s.chains.l2, tx, "Reward")]
        s.l2_reward_gas.append(tx.gas_used)
        s.say(
            f"  L2 round {round_}: O1 reward() minted {lpt(amount)}, gas {tx.gas_used:,}; "
            f"L2 supply {lpt(system.l2_token.totalSupply())}"
        )
    s.stake_check = check_stakes(s)


def withdraw_fees_on_l1(s: Scenario) -> None:
    """Every migrated L1 account with fees withdraws them on L1 (fees never move to L2)."""
    c, l1 = s.cast, s.l1
    bm = l1.bonding_manager
    s.say("== 6. fees withdrawn on L1 after migrating")
    initialize_rounds(s.system, ("l1",))
    round_ = l1.rounds.currentRound()
    migrated = [c.orchestrators[0], *delegators_of(c, 0), delegators_of(c, 1)[0], delegators_of(c, 1)[1]]
    count = 0
    for who in migrated:
        fees = bm.pendingFees(who.address, round_)
        if fees == 0:
            continue
        before = s.chains.l1.provider.get_balance(who.address)
        tx = bm.withdrawFees(who.address, fees, sender=who)
        after = s.chains.l1.provider.get_balance(who.address)
        if after + tx.total_fees_paid != before + fees:
            raise LivepeerError(
                f"{who.address} withdrew {fees} wei of fees but its balance moved by "
                f"{after + tx.total_fees_paid - before}"
            )
        s.fees_withdrawn += fees
        count += 1
    s.say(
        f"  {count} accounts withdrew {s.fees_withdrawn / ETH:.6f} ETH of fees "
        f"(tickets paid {s.fees_redeemed / ETH:.6f} ETH in all)"
    )


def bridge_round_trip(s: Scenario) -> None:
    """The bridger deposits LPT for itself on L2, stakes half with O1 and withdraws a quarter back to L1."""
    c, system = s.cast, s.system
    b, bridger = system.bridge, c.bridger
    s.say("== 7. bridge LPT in and out")
    amount = 2_000 * LPT
    deposit = bridge_in(b, bridger, bridger.address, amount)
    s.say(f"  deposit {lpt(amount)}: retryable #{deposit.sequence_number} (L1 gas {deposit.receipt.gas_used:,})")
    relay(s, "deposit")
    initialize_rounds(system, ("l2",))
    system.l2_token.approve(s.l2_bm.address, amount // 2, sender=bridger)
    s.l2_bm.bond(amount // 2, c.orchestrators[0].address, sender=bridger)
    s.chosen_orchestrator.setdefault(bridger.address, c.orchestrators[0].address)
    out = bridge_out(b, bridger, bridger.address, amount // 4)
    s.say(f"  withdrawal #{out.exit_num} of {lpt(amount // 4)} (L2 gas {out.receipt.gas_used:,})")
    relay(s, "withdrawal")
    s.say(f"  escrow released {lpt(b.l1_gateway.totalReleased())}, minted {lpt(b.l1_gateway.totalMinted())}")


def exit_to_l1(s: Scenario) -> None:
    """Everyone on L2 unbonds (delegators first), waits out the unbonding period, withdraws and bridges home."""
    c, system = s.cast, s.system
    b, token, rounds = system.bridge, system.l2_token, system.l2_rounds
    s.say("== 8. everyone exits to L1 (L2 supply > escrow: mint-on-shortfall)")
    initialize_rounds(system, ("l2",))
    o1 = c.orchestrators[0].address
    stakers = sorted(s.chosen_orchestrator, key=lambda a: a == o1)  # the orchestrator last
    accounts = {a.address: a for a in (*c.orchestrators, *c.delegators, c.bridger)}
    locks = []
    for address in stakers:
        who = accounts[address]
        amount = s.l2_bm.pendingStake(address, rounds.currentRound())
        tx = s.l2_bm.unbond(amount, sender=who)
        (event,) = _tx_events(s.chains.l2, tx, "Unbond")
        locks.append((who, event.unbondingLockId))
    for _ in range(L2_UNBONDING_PERIOD):
        next_round(s.chains.l2, rounds, c.governor)
    escrow = s.l1.token.balanceOf(b.l1_escrow.address)
    outgoing = 0
    for who, lock_id in locks:
        s.l2_bm.withdrawStake(lock_id, sender=who)
    for address in stakers:
        who = accounts[address]
        balance = token.balanceOf(address)
        bridge_out(b, who, address, balance)
        outgoing += balance
    s.say(f"  {len(stakers)} holders withdraw {lpt(outgoing)}; escrow holds {lpt(escrow)}")
    relay(s, "exit")
    s.say(
        f"  L1 gateway: released {lpt(b.l1_gateway.totalReleased())} from escrow, "
        f"minted {lpt(b.l1_gateway.totalMinted())} on L1 for the shortfall"
    )


# ---------------------------------------------------------------------------------------------------- checks


def check_stakes(s: Scenario) -> tuple[bool, str]:
    """Invariant 4 on chain (:func:`~ape_livepeer_migration.testing.invariants.check_stake_invariant`): every
    migrated L2 address holds at least what its migrations moved from L1, and all of them together at most that plus
    the L2 inflation. Around it, the story's own promises: each migration staked exactly the L1 stake it was sent
    for, and every L2 address is still delegated to the orchestrator it asked for first (no one else's migration
    changed it)."""
    system, bm = s.system, s.l2_bm
    migrated: Counter[str] = Counter()
    for e in events(s.chains.l2, system.l2_migrator, "MigrationFinalized", s.base.l2_start):
        if s.l1_amount_before[e.id] != e.amount:
            return False, f"migration #{e.id} staked {e.amount}, its L1 stake was {s.l1_amount_before[e.id]}"
        migrated[str(e.l2Delegator)] += e.amount
    round_ = system.l2_rounds.currentRound()
    holdings = {address: bm.pendingStake(address, round_) for address in migrated}
    l2_inflation = system.l2_minter.totalRewardsMinted() - s.base.l2_rewards_minted
    try:
        rewards = check_stake_invariant(holdings, migrated, Counter(), Counter(), l2_inflation)
    except InvariantViolation as violation:
        return False, str(violation)
    for address in migrated:
        delegate = str(bm.getDelegator(address).delegateAddress)
        if delegate != s.chosen_orchestrator[address]:
            return False, f"{address} delegates to {delegate}, asked for {s.chosen_orchestrator[address]}"
    return True, (
        f"{len(migrated)} L2 delegators = L1 stake migrated + {lpt(rewards)} L2 rewards "
        f"(<= {lpt(l2_inflation)} minted); delegations as chosen"
    )


@dataclass(frozen=True)
class Reconciliation:
    figures: dict[str, int]
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def lines(self) -> list[str]:
        rows = [f"  {name:34} {lpt(value)}" for name, value in self.figures.items()]
        rows += [f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}" for c in self.checks]
        return rows


def reconcile(s: Scenario) -> Reconciliation:
    """Supplies, escrow and inflation per layer, the five invariants of the design and the ETH fee balance, read
    on chain."""
    snapshot, bridge = bridge_checks(s.system, s.base, settled=True)
    figures = {
        "genesis supply (L1)": s.genesis_supply,
        "L1 supply": snapshot.l1_supply,
        "L2 supply": snapshot.l2_supply,
        "escrow": snapshot.escrow_balance,
        "inflation minted on L1": snapshot.l1_inflation,
        "inflation minted on L2": snapshot.l2_inflation,
        "bridged in (deposited on L1)": snapshot.l1_deposited,
        "minted on L2 by the gateway": snapshot.l2_minted,
        "burned on L2 for withdrawals": snapshot.l2_burned,
        "released from escrow": snapshot.l1_released,
        "minted on L1 for shortfalls": snapshot.l1_shortfall_minted,
    }
    passed, detail = s.stake_check if s.stake_check is not None else (False, "never checked (no L2 rewards step)")
    held = s.chains.l1.provider.get_balance(str(s.l1.minter.address))
    checks = [
        *bridge[:3],
        Check(STAKE_BOUNDED, passed, detail),
        *bridge[3:],
        Check(
            "fees: ETH paid by winning tickets = withdrawn on L1 + still held by the L1 Minter",
            s.fees_redeemed == s.fees_withdrawn + held,
            f"{s.fees_redeemed / ETH:.6f} ETH paid = {s.fees_withdrawn / ETH:.6f} withdrawn + {held / ETH:.6f} held",
        ),
    ]
    return Reconciliation(figures, checks)


def verdict(reconciliation: Reconciliation, say: Say = print) -> int:
    """Print the verdict line; the process exit status for it (1 when any invariant FAILs)."""
    failed = [c.name for c in reconciliation.checks if not c.passed]
    if failed:
        say(f"RECONCILIATION FAILED: {'; '.join(failed)}")
        return 1
    say("RECONCILIATION PASSED")
    return 0


def run(chains: Any, journal_dir: str | Path | None = None, say: Say = print) -> tuple[Scenario, Reconciliation]:
    """Every step, in order; returns the scenario and its final reconciliation."""
    if journal_dir is None:
        journal_dir = tempfile.mkdtemp(prefix="livepeer-demo-")
    s = setup(chains, journal_dir, say)
    stake_on_l1(s)
    run_l1_rounds(s)
    migrate_to_l2(s)
    switch_inflation_to_l2(s)
    withdraw_fees_on_l1(s)
    bridge_round_trip(s)
    exit_to_l1(s)
    say("== 9. reconciliation")
    reconciliation = reconcile(s)
    for line in reconciliation.lines():
        say(line)
    return s, reconciliation
