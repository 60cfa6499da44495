"""Fixtures of the migration tests."""

from __future__ import annotations

import pytest
from ape import project
from shared import LPT, MAX_UINT, ROUND_LENGTH, deliver  # noqa: F401 (deliver)

from ape_livepeer_migration.testing.actors import Cast, register_orchestrator
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import next_round, next_rounds

ZERO = "0x" + "00" * 20


class L2:
    def __init__(self, token, rounds, minter, bm):
        self.token, self.rounds, self.minter, self.bonding_manager = token, rounds, minter, bm


def check_set_migrator_is_governed(bm, contract_type, accounts):
    """On the active chain: only the owner (accounts[0]) sets ``bm``'s migrator, never to the zero address, and
    setting it emits ``MigratorSet`` (``contract_type``: the container whose errors ``bm`` raises)."""
    with reverts(contract_type.OwnableUnauthorizedAccount, account=accounts[9].address):
        bm.setMigrator(accounts[9], sender=accounts[9])
    with reverts(contract_type.ZeroAddress):
        bm.setMigrator(ZERO, sender=accounts[0])
    tx = bm.setMigrator(accounts[7], sender=accounts[0])
    assert bm.migrator() == accounts[7].address
    assert [e.migrator for e in tx.events if e.event_name == "MigratorSet"] == [accounts[7].address]


@pytest.fixture(scope="package")
def l2(two_chains, accounts):
    """Unit-test L2 staking: the L2 token, the protocol's own rounds and Minter on the L2 chain around an
    L2BondingManager (its migration rules do not depend on the Minter flavour; the full system tests use the L2 one).
    accounts[1] is the L2 migrator (its credits take no LPT: the L2Migrator pays the Minter itself; funded for the
    tests that pay it); accounts[2] an L2-native orchestrator with its own terms."""
    gov, migrator, native = accounts[0], accounts[1], accounts[2]
    with two_chains.l2:
        token = project.L2LivepeerToken.deploy(gov, sender=gov)
        rounds = project.RoundsManager.deploy(gov, ROUND_LENGTH, 100_000, sender=gov)
        minter = project.Minter.deploy(gov, token, rounds, 218_500, 500, 500_000_000, sender=gov)
        bm = project.L2BondingManager.deploy(gov, token, minter, rounds, 7, 100, sender=gov)
        token.setMinter(gov, sender=gov)
        token.mint(migrator, 100_000 * LPT, sender=gov)
        token.mint(native, 10_000 * LPT, sender=gov)
        token.setMinter(minter, sender=gov)
        minter.setBondingManager(bm, sender=gov)
        minter.addMintingDelegate(bm, sender=gov)
        rounds.setBondingManager(bm, sender=gov)
        rounds.setMinter(minter, sender=gov)
        bm.setMigrator(migrator, sender=gov)
        token.approve(bm, MAX_UINT, sender=native)
        p = L2(token, rounds, minter, bm)
        next_round(two_chains.l2, p.rounds)
        register_orchestrator(bm, native, 1_000 * LPT, reward_cut=200_000, fee_share=300_000)
    return p


# ---------------------------------------------------------------------------- full system


@pytest.fixture(scope="package")
def people(accounts) -> Cast:
    """Who is who in the full-system tests (:meth:`Cast.of`): d1 and d2 delegate to o1, d3 and the outsider (an
    attacker) to o2; the broker account holds the L1 TicketBroker's role (credits fees)."""
    return Cast.of(accounts)


@pytest.fixture(scope="package")
def system(two_chains, people):
    """The system of :func:`_deploy_system`, undone at the end of the package: the simulator's L2 precompiles are
    per chain, and the pair may serve other areas' files next (--dist loadfile)."""
    with two_chains.isolated():
        yield _deploy_system(two_chains, people)


def _deploy_system(two_chains, people):
    """Everything deployed and wired; on L1 o1 (10% cut, 50% fee share) and o2 (5%, 25%) are active, d1 and d2
    delegate to o1, d3 to o2, and o1 has called reward once; both chains' rounds are initialized."""
    from ape_livepeer_migration.bridge.system import deploy_system

    p = people
    holders = p.people
    s = deploy_system(
        two_chains,
        p.governor,
        operator=p.operator,
        genesis={a.address: 100_000 * LPT for a in holders},
        l1_ticket_broker=p.broker.address,
        l1_params={"round_length": ROUND_LENGTH},
        l2_params={"round_length": ROUND_LENGTH},
    )
    bm = s.l1.bonding_manager
    for a in holders:
        s.l1.token.approve(bm.address, MAX_UINT, sender=a)
    next_rounds(s)
    register_orchestrator(bm, p.o1, 2_000 * LPT, reward_cut=100_000, fee_share=500_000)
    register_orchestrator(bm, p.o2, 1_000 * LPT, reward_cut=50_000, fee_share=250_000)
    bm.bond(600 * LPT, p.o1, sender=p.d1)
    bm.bond(400 * LPT, p.o1, sender=p.d2)
    bm.bond(300 * LPT, p.o2, sender=p.d3)
    bm.bond(50 * LPT, p.o2, sender=p.outsider)
    next_rounds(s)
    bm.reward(sender=p.o1)
    return s


@pytest.fixture(scope="package")
def sim(system):
    """The system's Arbitrum simulator (what the shared ``deliver`` delivers with)."""
    return system.sim


@pytest.fixture(autouse=True)
def _fresh_rounds(request):
    """Full-system tests start at the first block of a new, initialized round on both layers: other test modules
    of the same process move the session's chains on (their session fixtures are not undone)."""
    if "system" not in request.fixturenames:
        return
    request.getfixturevalue("chains")  # the per-test snapshot comes first: the new rounds are undone after the test
    next_rounds(request.getfixturevalue("system"))
