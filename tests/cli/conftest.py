"""Fixtures of the command tests: one deployed system per module, commands pointed at the test's own chains."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli
from ape_livepeer_migration.session.livepeer import Livepeer
from ape_livepeer_migration.testing.actors import Cast, register_orchestrator
from ape_livepeer_migration.testing.rounds import mine_to_next_round, next_round

LPT = 10**18
ROUND_LENGTH = 20


@pytest.fixture(scope="module")
def module_book(tmp_path_factory):
    """The address book of the module's deployment."""
    return tmp_path_factory.mktemp("book") / "local.json"


@pytest.fixture(scope="module")
def world(two_chains, accounts, module_book) -> Cast:
    """Who is who (:meth:`Cast.of`) in a system deployed once per module and undone after it (the simulator's L2
    precompiles are per chain, so two modules' deployments must not meet on one L2): o1 an orchestrator migrated to
    L2 with d1 delegating to it on L1, o2 an orchestrator left on L1 with d3 delegating to it, the outsider an
    account holding nothing."""
    with two_chains.isolated():
        w = Cast.of(accounts)
        lp = Livepeer.open(two_chains, module_book)
        holders = (w.o1, w.o2, w.d1, w.d3)
        s = lp.deploy(
            w.governor,
            operator=w.operator,
            genesis={a.address: 10_000 * LPT for a in holders},
            params={"round_length": ROUND_LENGTH},
        )
        bm = s.l1.bonding_manager
        for a in holders:
            s.l1.token.approve(bm.address, 10_000 * LPT, sender=a)
        next_round(two_chains.l1, s.l1.rounds, w.governor)
        register_orchestrator(bm, w.o1, 2_000 * LPT, reward_cut=100_000, fee_share=500_000)
        register_orchestrator(bm, w.o2, 1_000 * LPT, reward_cut=50_000, fee_share=250_000)
        bm.bond(600 * LPT, w.o1, sender=w.d1)
        bm.bond(300 * LPT, w.o2, sender=w.d3)
        next_round(two_chains.l1, s.l1.rounds, w.governor)
        lp.migrate(w.o1)
        lp.relay()
        yield w


#: L2 rounds per L1 round in the modules whose system mints on L1 (:func:`l1_minting_world`).
ROUNDS_PER_L1_ROUND = 3


def l1_minting_world():
    """A module fixture ``world`` that replaces the package's: a system that mints its rewards on L1 (an L1 round is
    ``ROUNDS_PER_L1_ROUND`` L2 rounds of ``ROUND_LENGTH`` blocks), deployed once for the module into its address
    book and undone after it; the simulator's operator is the stake oracle's reporter; o1 holds 100,000 L1 LPT."""

    @pytest.fixture(scope="module")
    def world(two_chains, accounts, module_book) -> Cast:
        with two_chains.isolated():
            w = Cast.of(accounts)
            Livepeer.open(two_chains, module_book).deploy(
                w.governor,
                operator=w.operator,
                genesis={w.o1.address: 100_000 * LPT},
                params={"round_length": ROUND_LENGTH},
                inflation="l1",
                rounds_per_l1_round=ROUNDS_PER_L1_ROUND,
            )
            yield w

    return world


@pytest.fixture
def book(chains, world, module_book, tmp_path):
    """A copy of the module's address book and relayer journal, so that a test's relaying is undone with it."""
    copy = tmp_path / "local.json"
    shutil.copy(module_book, copy)
    journal = module_book.with_suffix(".relay.db")
    if journal.exists():
        shutil.copy(journal, copy.with_suffix(".relay.db"))
    return copy


@pytest.fixture
def lp(chains, book):
    """The session the commands see."""
    return Livepeer.open(chains, book)


@pytest.fixture
def run(chains, book):
    """``run(*args, input=None)``: invoke ``ape livepeer`` on the test's chains and address book."""

    def invoke(*args, input=None, book_path=None):
        obj = {"chains": chains, "address_book": str(book_path or book)}
        return CliRunner().invoke(cli, [str(a) for a in args], obj=obj, input=input)

    return invoke


@pytest.fixture
def reward_round(chains, lp):
    """Start a new L2 round without initializing it: o1 (migrated last round) is active in it."""
    mine_to_next_round(chains.l2, lp.system.l2_rounds)
    chains.l2.mine(1)


@pytest.fixture
def fresh_l2_round(chains, lp, world):
    """Start and initialize a new L2 round, so that a test's transactions all land in one initialized round."""
    next_round(chains.l2, lp.system.l2_rounds, world.governor)


@pytest.fixture
def nonces(chains):
    """``nonces(*accounts)``: the accounts' nonces on both chains (a refused command must not move them)."""

    def read(*accounts):
        return [(chain.provider.get_nonce(a.address), chain.layer) for a in accounts for chain in chains.layers]

    return read


@pytest.fixture
def everything_to_send(run, lp, chains, world, fresh_l2_round):
    """A state in which every sending command has something to do: d1 holds L2 LPT and a withdrawal that can be
    finalized on L1, o1 has fees to withdraw, an unbonding lock, and has not called reward() this round."""
    assert run("bridge-in", "3", "--account", "test:4", "--yes").exit_code == 0
    run("relay", "--yes")
    assert run("bridge-out", "1", "--account", "test:4", "--yes").exit_code == 0
    run("relay", "--yes", "--no-fast-forward")
    (withdrawal,) = lp.withdrawals(world.d1.address)
    chains.l1.mine(withdrawal.confirmable_at - chains.l1.block_number)
    s = lp.system
    if not s.l1.rounds.currentRoundInitialized():  # mining through the challenge period may start an L1 round
        s.l1.rounds.initializeRound(sender=world.governor)
    s.l2_bonding_manager.setTicketBroker(world.operator.address, sender=world.governor)
    s.l2_bonding_manager.updateTranscoderWithFees(
        world.o1.address, 10**15, s.l2_rounds.currentRound(), sender=world.operator
    )
    s.l2_minter.depositETH(value=10**15, sender=world.operator)
    assert run("unbond", "1", "--account", "test:2", "--yes").exit_code == 0  # a lock to rebond
