"""The whole migration story on a local L1 + L2, as plain functions (used by ``ape run demo`` and the tests).

::

    with TwoChains.local() as chains:
        reconciliation = run(chains, journal_dir)   # every step below, in order
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
9. :func:`reconcile`: supplies, escrow, inflation per layer, and every invariant checked on chain.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.arbitrum.messages import function_selector
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, report_l1_supply
from ape_livepeer_migration.protocol.deploy import deploy_ticket_broker
from ape_livepeer_migration.relayer.core import PassReport, Relayer
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend
from ape_livepeer_migration.bridge.system import (
    System,
    deploy_system,
    migrate,
    migrate_unbonding_locks,
    migrate_with_signature,
    sign_migration,
    signed_migration_for,
    switch_l1_inflation_off,
)
from ape_livepeer_migration.protocol.tickets import BrokerDomain, aux_data, draw_winning_ticket, win_prob

LPT = 10**18
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


@dataclass
class Cast:
    """Who plays which part."""

    governor: Any  # owns every contract
    operator: Any  # the Arbitrum simulator's operator (delivers retryables, asserts send roots)
    relayer: Any  # submits the signed migration and pays for it
    broadcaster: Any  # pays orchestrators with tickets
    bridger: Any  # an L1 holder who bridges LPT in and out
    orchestrators: list[Any]
    delegators: list[Any]  # delegators[i] delegates to orchestrators[i % 3]

    def delegators_of(self, index: int) -> list[Any]:
        return [d for i, d in enumerate(self.delegators) if i % len(self.orchestrators) == index]

    def name(self, address: Any) -> str:
        """A short label for ``address``: O1..O3, D1..D20, or the role."""
        names = {o.address: f"O{i + 1}" for i, o in enumerate(self.orchestrators)}
        names.update({d.address: f"D{i + 1}" for i, d in enumerate(self.delegators)})
        names.update({self.bridger.address: "bridger", self.relayer.address: "relayer"})
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


def lpt(amount: int) -> str:
    """``amount`` wei of LPT, readable."""
    if 0 < amount < LPT // 10_000:
        return f"{amount} wei LPT"
    return f"{amount / LPT:,.4f} LPT" if amount % LPT else f"{amount // LPT:,} LPT"


def _ensure_initialized(rounds: Any, keeper: Any) -> None:
    """Initialize the current round of ``rounds`` unless it is."""
    if not rounds.currentRoundInitialized():
        rounds.initializeRound(sender=keeper)


def mine_to_next_round(chain: Any, rounds: Any) -> None:
    """Mine on ``chain`` so that its next transaction lands in the first block of the next round of ``rounds``."""
    missing = rounds.currentRoundStartBlock() + rounds.roundLength() - chain.block_number - 1
    if missing > 0:
        chain.mine(missing)


def next_round(chain: Any, rounds: Any, keeper: Any) -> int:
    """Mine to the first block of the next round of ``rounds`` (on ``chain``) and initialize it; returns its number."""
    mine_to_next_round(chain, rounds)
    rounds.initializeRound(sender=keeper)
    return rounds.currentRound()


def next_rounds(system: System, layers: tuple[str, ...] = ("l1", "l2")) -> None:
    """Start the next round on each of ``layers`` of ``system``, initialized by the L1 token's owner (the
    governor)."""
    for layer, rounds in (("l1", system.l1.rounds), ("l2", system.l2_rounds)):
        if layer in layers:
            next_round(getattr(system.chains, layer), rounds, system.l1.token.owner())


def register_orchestrator(
    bonding_manager: Any, orchestrator: Any, amount: int, *delegations: tuple[Any, int], reward_cut: int = 0,
    fee_share: int = 0,
) -> None:
    """``orchestrator`` bonds ``amount`` to itself and sets its terms (precision 1e6), which registers it (active from
    the next round); then each ``(delegator, amount)`` of ``delegations`` bonds that amount to it, in order. The
    bonding manager must already be allowed to pull the LPT."""
    bonding_manager.bond(amount, orchestrator, sender=orchestrator)
    bonding_manager.transcoder(reward_cut, fee_share, sender=orchestrator)
    for delegator, delegated in delegations:
        bonding_manager.bond(delegated, orchestrator, sender=delegator)


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
        raise LivepeerError(f"relaying {what}: failed {total.failed}, rejected {total.rejected}, "
                           f"errors {total.execution_errors}")
    s.say(f"  relayer: {len(total.delivered)} L1->L2 delivered, {len(total.executed)} L2->L1 executed "
          f"({what})")
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
        orchestrators=[t[5], t[6], t[7]],
        delegators=[_new_account(chains, accounts) for _ in range(DELEGATOR_COUNT)],
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
    with chains.l1:
        broker = chains.l1.bind(deploy_ticket_broker(system.l1, cast.governor, UNLOCK_PERIOD, TICKET_VALIDITY_PERIOD))
    for name, address in {**system.addresses, "l1_ticket_broker": str(broker.address)}.items():
        say(f"  {name:20} {address}")
    journal = Path(journal_dir) / "relay.db"
    relayer = Relayer.open(SimulatorBackend(system.sim), journal, fast_forward=True)
    say(f"  relayer journal: {journal}")
    return Scenario(chains, system, broker, cast, relayer, say, genesis_supply=sum(genesis.values()))


def stake_on_l1(s: Scenario) -> None:
    """Orchestrators self-bond and register; every delegator bonds all its LPT to its orchestrator."""
    c, l1 = s.cast, s.l1
    bm = l1.bonding_manager
    s.say("== 2. stake on L1")
    next_round(s.chains.l1, l1.rounds, c.governor)
    for o, (cut, share) in zip(c.orchestrators, ORCHESTRATOR_TERMS):
        l1.token.approve(bm.address, ORCHESTRATOR_STAKE, sender=o)
        register_orchestrator(bm, o, ORCHESTRATOR_STAKE, reward_cut=cut, fee_share=share)
    for i, d in enumerate(c.delegators):
        amount = l1.token.balanceOf(d.address)
        l1.token.approve(bm.address, amount, sender=d)
        bm.bond(amount, c.orchestrators[i % 3].address, sender=d)
    for i, o in enumerate(c.orchestrators):
        t = bm.getTranscoder(o.address)
        say_terms = f"cut {t.rewardCut / 1e4:.0f}%, fee share {t.feeShare / 1e4:.0f}%"
        s.say(f"  O{i + 1} {o.address}: {len(c.delegators_of(i))} delegators, "
              f"delegated {lpt(t.delegatedAmount)} ({say_terms})")
    s.broker.fundDepositAndReserve(20 * ETH, 5 * ETH, value=25 * ETH, sender=c.broadcaster)


def _pay_with_tickets(s: Scenario, orchestrator: Any, round_: int) -> None:
    """The broadcaster sends tickets to ``orchestrator`` until one wins; the orchestrator redeems the winner."""
    domain = BrokerDomain(s.chains.l1.chain_id, str(s.broker.address))
    aux = aux_data(round_, bytes(s.broker.roundBlockHash(round_)))
    ticket, signature, rand = draw_winning_ticket(
        s.cast.broadcaster, domain, orchestrator.address, TICKET_FACE_VALUE, win_prob(TICKET_WIN_CHANCE),
        s.tickets_signed + 1, aux,
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
        s.say(f"  L1 round {round_}: rewards {lpt(minted)}, supply {lpt(l1.token.totalSupply())}, "
              f"tickets signed so far {s.tickets_signed}, won {s.tickets_won}")


def _migrated(s: Scenario, label: str, sent: Any, l1_amount: int) -> None:
    m = sent.migration
    s.l1_amount_before[m.id] = l1_amount
    s.chosen_orchestrator.setdefault(str(m.l2_delegator), str(m.l2_orchestrator))
    name = s.cast.name
    s.say(f"  #{m.id} {label}: {m.kind.name.lower()} {lpt(m.amount)} of {name(m.l1_delegator)} -> L2 "
          f"{name(m.l2_delegator)} with {name(m.l2_orchestrator)} (L1 gas {sent.receipt.gas_used:,})")


def migrate_to_l2(s: Scenario) -> None:
    """The four kinds of migration, then the relayer delivers them (and the L1 supply report) on L2."""
    c, l1, system = s.cast, s.l1, s.system
    bm = l1.bonding_manager
    o1, o2, o3 = c.orchestrators
    s.say("== 4. migrate to L2")
    _ensure_initialized(l1.rounds, c.governor)
    next_round(s.chains.l2, system.l2_rounds, c.governor)

    def stake(who: Any) -> int:
        return bm.pendingStake(who.address, l1.rounds.currentRound())

    amount = stake(o1)
    _migrated(s, "orchestrator O1", migrate(system, o1), amount)
    for d in c.delegators_of(0):
        amount = stake(d)
        _migrated(s, "delegator of O1", migrate(system, d), amount)

    stays = c.delegators_of(1)[0]  # its orchestrator O2 stays on L1
    amount = stake(stays)
    _migrated(s, "delegator of O2, picks O1", migrate(system, stays, l2_orchestrator=o1.address), amount)

    unbonder = c.delegators_of(2)[0]
    lock_amount = stake(unbonder) // 2
    tx = bm.unbond(lock_amount, sender=unbonder)
    (lock,) = _tx_events(s.chains.l1, tx, "Unbond")
    _migrated(s, "unbonding lock of a delegator of O3",
              migrate_unbonding_locks(system, unbonder, [lock.unbondingLockId], o1.address), lock.amount)

    signer = c.delegators_of(1)[1]
    with s.chains.l1:
        from ape import chain

        deadline = chain.blocks.head.timestamp + 3600
    signed = signed_migration_for(system, signer.address, signer.address, o1.address, deadline)
    signature = sign_migration(system, signer, signed)
    amount = stake(signer)
    sent = migrate_with_signature(system, c.relayer, signed, signature)
    _migrated(s, "signed by a delegator of O2, sent by the relayer", sent, amount)

    report_l1_supply(system.bridge, c.operator)
    s.say(f"  L1 circulating supply reported to the L2 Minter: "
          f"{lpt(system.bridge.l1_supply_reporter.circulatingSupply())}")
    relay(s, "migrations and the supply report")
    s.say(f"  on L2: {system.l2_migrator.migrationsFinalized()} migrations finalized, "
          f"{lpt(system.l2_migrator.totalMigrated())} staked; O1 delegated "
          f"{lpt(s.l2_bm.getTranscoder(o1.address).delegatedAmount)}; escrow "
          f"{lpt(l1.token.balanceOf(system.bridge.l1_escrow.address))}")


def switch_inflation_to_l2(s: Scenario, l2_rounds: int = 2) -> None:
    """Governance turns L1 inflation off (L1 ``reward()`` now reverts); O1 calls ``reward()`` on L2."""
    c, l1, system = s.cast, s.l1, s.system
    s.say("== 5. inflation moves to L2")
    next_round(s.chains.l1, l1.rounds, c.governor)
    switch_l1_inflation_off(system, c.governor)
    o2 = c.orchestrators[1].address
    selector = _revert_selector(s.chains.l1, o2, l1.bonding_manager, "reward", ())
    s.l1_reward_blocked = selector == function_selector("NotMintingDelegate(address)")
    s.say("  L1 reward() by O2 now reverts: NotMintingDelegate(L1 BondingManager)" if s.l1_reward_blocked
          else f"  L1 reward() by O2 does not revert with NotMintingDelegate ({selector!r}): L1 inflation is NOT off")
    o1 = c.orchestrators[0]
    for _ in range(l2_rounds):
        round_ = next_round(s.chains.l2, system.l2_rounds, c.governor)
        tx = s.l2_bm.reward(sender=o1)
        (amount,) = [e.amount for e in _tx_events(s.chains.l2, tx, "Reward")]
        s.l2_reward_gas.append(tx.gas_used)
        s.say(f"  L2 round {round_}: O1 reward() minted {lpt(amount)}, gas {tx.gas_used:,}; "
              f"L2 supply {lpt(system.l2_token.totalSupply())}")
    s.stake_check = check_stakes(s)


def withdraw_fees_on_l1(s: Scenario) -> None:
    """Every migrated L1 account with fees withdraws them on L1 (fees never move to L2)."""
    c, l1 = s.cast, s.l1
    bm = l1.bonding_manager
    s.say("== 6. fees withdrawn on L1 after migrating")
    _ensure_initialized(l1.rounds, c.governor)
    round_ = l1.rounds.currentRound()
    migrated = [c.orchestrators[0], *c.delegators_of(0), c.delegators_of(1)[0], c.delegators_of(1)[1]]
    count = 0
    for who in migrated:
        fees = bm.pendingFees(who.address, round_)
        if fees == 0:
            continue
        before = s.chains.l1.provider.get_balance(who.address)
        tx = bm.withdrawFees(who.address, fees, sender=who)
        after = s.chains.l1.provider.get_balance(who.address)
        if after + tx.total_fees_paid != before + fees:
            raise LivepeerError(f"{who.address} withdrew {fees} wei of fees but its balance moved by "
                               f"{after + tx.total_fees_paid - before}")
        s.fees_withdrawn += fees
        count += 1
    s.say(f"  {count} accounts withdrew {s.fees_withdrawn / ETH:.6f} ETH of fees "
          f"(tickets paid {s.fees_redeemed / ETH:.6f} ETH in all)")


def bridge_round_trip(s: Scenario) -> None:
    """The bridger deposits LPT for itself on L2, stakes half with O1 and withdraws a quarter back to L1."""
    c, system = s.cast, s.system
    b, bridger = system.bridge, c.bridger
    s.say("== 7. bridge LPT in and out")
    amount = 2_000 * LPT
    deposit = bridge_in(b, bridger, bridger.address, amount)
    s.say(f"  deposit {lpt(amount)}: retryable #{deposit.sequence_number} (L1 gas {deposit.receipt.gas_used:,})")
    relay(s, "deposit")
    _ensure_initialized(system.l2_rounds, c.governor)
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
    _ensure_initialized(rounds, c.governor)
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
    s.say(f"  L1 gateway: released {lpt(b.l1_gateway.totalReleased())} from escrow, "
          f"minted {lpt(b.l1_gateway.totalMinted())} on L1 for the shortfall")


# ---------------------------------------------------------------------------------------------------- checks


def check_stakes(s: Scenario) -> tuple[bool, str]:
    """Invariant 4 on chain: every migrated L2 address holds exactly what its migrations moved from L1 plus its L2
    rewards (claimed and pending), those rewards together are at most the L2 inflation, and every L2 address
    is still delegated to the orchestrator it asked for first (no one else's migration changed it)."""
    system, bm = s.system, s.l2_bm
    start = system.sim.l2_deploy_block
    principal: dict[str, int] = defaultdict(int)
    for e in events(s.chains.l2, system.l2_migrator, "MigrationFinalized", start):
        if s.l1_amount_before[e.id] != e.amount:
            return False, f"migration #{e.id} staked {e.amount}, its L1 stake was {s.l1_amount_before[e.id]}"
        principal[str(e.l2Delegator)] += e.amount
    claimed: dict[str, int] = defaultdict(int)
    for e in events(s.chains.l2, bm, "EarningsClaimed", start):
        claimed[str(e.delegator)] += e.rewards
    round_ = system.l2_rounds.currentRound()
    total_rewards = 0
    for address, amount in principal.items():
        d = bm.getDelegator(address)
        pending = bm.pendingStake(address, round_)
        if d.bondedAmount != amount + claimed[address]:
            return False, f"{address}: bonded {d.bondedAmount} != migrated {amount} + claimed {claimed[address]}"
        if str(d.delegateAddress) != s.chosen_orchestrator[address]:
            return False, f"{address} delegates to {d.delegateAddress}, asked for {s.chosen_orchestrator[address]}"
        total_rewards += claimed[address] + pending - d.bondedAmount
    l2_inflation = sum(e.amount for e in events(s.chains.l2, system.l2_minter, "RewardCreated", start))
    if total_rewards > l2_inflation:
        return False, f"L2 rewards held {total_rewards} > L2 inflation {l2_inflation}"
    return True, (f"{len(principal)} L2 delegators = L1 stake migrated + {lpt(total_rewards)} L2 rewards "
                  f"(<= {lpt(l2_inflation)} minted); delegations as chosen")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


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


def _revert_selector(chain: Any, sender: str, contract: Any, method: str, args: tuple, value: int = 0) -> bytes | None:
    """The 4-byte error selector ``contract.method(*args)`` reverts with as an ``eth_call`` from ``sender`` (None: it
    would succeed). A raw call: Ape would print a call trace for every expected revert."""
    from web3.exceptions import ContractLogicError as Web3LogicError

    with chain:
        data = getattr(contract.unwrapped, method).encode_input(*args)
    call = {"from": sender, "to": str(contract.address), "data": "0x" + bytes(data).hex(), "value": value}
    try:
        chain.provider.web3.eth.call(call)
    except Web3LogicError as error:
        revert = error.data if isinstance(error.data, str) else ""
        return bytes.fromhex(revert[2:10]) if revert.startswith("0x") else b""
    return None


def _replays_refused(s: Scenario) -> tuple[int, int, list[str]]:
    """Try every finalized cross-chain message again against the chain (as calls) and expect the simulator to
    refuse it as already done: ``AlreadySubmitted`` for a retryable, ``AlreadySpent`` for an L2 -> L1 message.
    Returns (retryables tried, L2 -> L1 messages tried, descriptions of any replay not refused that way)."""
    sim, l1, l2 = s.system.sim, s.chains.l1, s.chains.l2
    operator = str(sim.operator.address)
    already_submitted = function_selector("AlreadySubmitted(bytes32)")
    already_spent = function_selector("AlreadySpent(uint256)")
    accepted: list[str] = []
    retryables = sim_api.fetch_retryables(sim, sim.l1_deploy_block, l1.block_number)
    for message in retryables:
        request = (
            message.request_id, message.base_fee_l1, message.deposit, message.l2_call_value,
            message.max_fee_per_gas, message.gas_limit, message.max_submission_cost,
            message.excess_fee_refund_address, message.call_value_refund_address, message.to, message.data,
            message.l1_sender,
        )
        selector = _revert_selector(l2, operator, sim.arb_retryable_tx, "submitRetryable", (request,), message.deposit)
        if selector != already_submitted:
            accepted.append(f"retryable {bytes(message.request_id).hex()} ({selector!r})")
    outbound = sim_api.fetch_l2_to_l1(sim, sim.l2_deploy_block, l2.block_number)
    for message in outbound:
        args = tuple(message.execute_args(sim_api.proof_for(outbound, message.index)))
        selector = _revert_selector(l1, operator, sim.outbox, "executeTransaction", args)
        if selector != already_spent:
            accepted.append(f"L2->L1 #{message.index} ({selector!r})")
    return len(retryables), len(outbound), accepted


def reconcile(s: Scenario) -> Reconciliation:
    """Supplies, escrow and inflation per layer, the five invariants of the design and the ETH fee balance, read
    on chain."""
    system, l1, l2 = s.system, s.chains.l1, s.chains.l2
    b = system.bridge
    l1_start, l2_start = system.sim.l1_deploy_block, system.sim.l2_deploy_block

    def total(chain: Any, contract: Any, event: str, attr: str, where: Callable[[Any], bool] = lambda e: True) -> int:
        return sum(getattr(e, attr) for e in events(chain, contract, event, l1_start if chain is l1 else l2_start)
                   if where(e))

    l1_supply, l2_supply = s.l1.token.totalSupply(), system.l2_token.totalSupply()
    escrow = s.l1.token.balanceOf(b.l1_escrow.address)
    l1_inflation = total(l1, s.l1.minter, "RewardCreated", "amount")
    l2_inflation = total(l2, system.l2_minter, "RewardCreated", "amount")
    burned = total(l1, s.l1.minter, "TokensBurned", "amount") + total(l2, system.l2_minter, "TokensBurned", "amount")
    deposited, minted_l2 = b.l1_gateway.totalDeposited(), b.l2_gateway.totalMinted()
    released, minted_l1 = b.l1_gateway.totalReleased(), b.l1_gateway.totalMinted()
    burned_l2 = b.l2_gateway.totalBurned()
    gateway = str(b.l1_gateway.address)
    l1_delegate_minted = total(l1, s.l1.minter, "DelegateMinted", "amount", lambda e: str(e.delegate) == gateway)
    l2_gateway_minted = total(
        l2, system.l2_minter, "DelegateMinted", "amount", lambda e: str(e.delegate) == str(b.l2_gateway.address)
    )
    deposits_sent = total(l1, b.l1_gateway, "DepositInitiated", "_amount")
    withdrawals_burned = total(l2, b.l2_gateway, "WithdrawalInitiated", "_amount")
    finalized = events(l1, b.l1_gateway, "WithdrawalFinalized", l1_start)
    exits = [e._exitNum for e in finalized]
    figures = {
        "genesis supply (L1)": s.genesis_supply,
        "L1 supply": l1_supply,
        "L2 supply": l2_supply,
        "escrow": escrow,
        "inflation minted on L1": l1_inflation,
        "inflation minted on L2": l2_inflation,
        "bridged in (deposited on L1)": deposited,
        "minted on L2 by the gateway": minted_l2,
        "burned on L2 for withdrawals": burned_l2,
        "released from escrow": released,
        "minted on L1 for shortfalls": minted_l1,
    }
    checks = []
    checks.append(Check(
        "1 L2 gateway mints are backed by L1 deposits",
        minted_l2 == l2_gateway_minted == deposited == deposits_sent and escrow + released == deposited,
        f"L2 minted {lpt(minted_l2)} (Minter events {lpt(l2_gateway_minted)}) = deposited {lpt(deposited)} "
        f"(events {lpt(deposits_sent)}); escrow {lpt(escrow)} + released {lpt(released)}",
    ))
    checks.append(Check(
        "2 L1 released + minted = L2 burned for finalized withdrawals",
        released + minted_l1 == burned_l2 == withdrawals_burned == sum(e._amount for e in finalized)
        and minted_l1 == l1_delegate_minted,
        f"{lpt(released)} + {lpt(minted_l1)} = {lpt(released + minted_l1)}; burned {lpt(burned_l2)}; "
        f"L1 Minter minted {lpt(l1_delegate_minted)} for the gateway",
    ))
    lhs = l1_supply + l2_supply - escrow
    rhs = s.genesis_supply + l1_inflation + l2_inflation - burned
    checks.append(Check(
        "3 L1 supply + L2 supply - escrow = genesis + inflation",
        lhs == rhs,
        f"{lpt(lhs)} vs {lpt(rhs)}",
    ))
    passed, detail = s.stake_check if s.stake_check is not None else (False, "never checked (no L2 rewards step)")
    checks.append(Check("4 no one gains L2 stake beyond L1 stake + L2 rewards", passed, detail))
    retryables, outbound, accepted = _replays_refused(s)
    migrations = [e.id for e in events(l2, system.l2_migrator, "MigrationFinalized", l2_start)]
    once = (
        len(set(exits)) == len(exits) == b.l2_gateway.exitNum()
        and len(set(migrations)) == len(migrations) == system.l1_migrator.migrationCount()
        and not accepted
    )
    checks.append(Check(
        "5 every cross-chain message finalizes at most once",
        once,
        f"{len(migrations)} migrations, {len(exits)} withdrawals finalized once each; replaying "
        f"{retryables} retryables and {outbound} L2->L1 messages on chain: "
        + ("all refused as already done" if not accepted else f"NOT REFUSED {', '.join(accepted)}"),
    ))
    held = l1.provider.get_balance(str(s.l1.minter.address))
    checks.append(Check(
        "fees: ETH paid by winning tickets = withdrawn on L1 + still held by the L1 Minter",
        s.fees_redeemed == s.fees_withdrawn + held,
        f"{s.fees_redeemed / ETH:.6f} ETH paid = {s.fees_withdrawn / ETH:.6f} withdrawn + {held / ETH:.6f} held",
    ))
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
