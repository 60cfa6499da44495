"""L2Migrator guards, with an account standing in as the L2 gateway (the full flow is in test_system_flows)."""

from __future__ import annotations

import pytest
from ape import project
from ape.exceptions import ContractLogicError

from ape_livepeer_migration.migration_codec import Kind, Migration
from protocol.helpers import LPT, reverts

from .conftest import ZERO

L2M = project.L2Migrator


@pytest.fixture(scope="module")
def deployed(two_chains, l2, accounts):
    """(L2Migrator, gateway account, L1 migrator address)."""
    gateway, l1_migrator = accounts[3], accounts[4].address
    with two_chains.l2:
        m = L2M.deploy(gateway, l1_migrator, l2.bonding_manager, l2.token, sender=accounts[0])
    return m, gateway, l1_migrator


@pytest.fixture
def unit(chains, l2, deployed, accounts):
    """``deployed``, made the bonding manager's L2 migrator for this test only (the snapshot undoes it)."""
    with chains.l2:
        l2.bonding_manager.setMigrator(deployed[0], sender=accounts[0])
    return deployed


def bridged(l2, m, amount, funder):
    """What the gateway does before calling the hook: the LPT arrives at the L2Migrator."""
    l2.token.transfer(m, amount, sender=funder)


def record(mid, delegator, orchestrator, amount, kind=Kind.DELEGATOR, cut=0, share=0):
    return Migration(mid, kind, delegator.address, delegator.address, orchestrator.address, amount, cut, share).encode()


def test_constructor_rejects_zero_addresses(chains, l2, accounts):
    good = [accounts[3].address, accounts[4].address, l2.bonding_manager.address, l2.token.address]
    with chains.l2:
        for i in range(4):
            args = list(good)
            args[i] = ZERO
            with reverts(L2M.ZeroAddress):
                L2M.deploy(*args, sender=accounts[0])


def test_forged_hook_calls_fail(chains, l2, unit, accounts):
    m, gateway, l1_migrator = unit
    d, o = accounts[5], accounts[2]
    data = record(1, d, o, LPT)
    with chains.l2:
        for caller in (accounts[9], d, accounts[0]):
            with reverts(L2M.NotL2Gateway, account=caller.address):
                m.onLPTBridged(l1_migrator, LPT, data, sender=caller)
        # the gateway, but LPT bridged by someone other than the L1Migrator (e.g. a plain deposit to the L2Migrator)
        with reverts(L2M.NotL1Migrator, l1From=accounts[9].address):
            m.onLPTBridged(accounts[9], LPT, data, sender=gateway)
        with reverts(L2M.AmountMismatch, bridged=2 * LPT, recorded=LPT):
            m.onLPTBridged(l1_migrator, 2 * LPT, data, sender=gateway)
        with pytest.raises(ContractLogicError):  # undecodable record: no custom error to expect
            m.onLPTBridged(l1_migrator, LPT, b"\x01\x02", sender=gateway)
        assert m.migrationsFinalized() == 0


def test_each_migration_id_once(chains, l2, unit, accounts):
    m, gateway, l1_migrator = unit
    d, o, funder = accounts[5], accounts[2], accounts[1]
    bm = l2.bonding_manager
    with chains.l2:
        bridged(l2, m, 3 * LPT, funder)
        tx = m.onLPTBridged(l1_migrator, LPT, record(7, d, o, LPT), sender=gateway)
        assert m.isMigrated(7) and m.migrationsFinalized() == 1 and m.totalMigrated() == LPT
        assert bm.getDelegator(d).bondedAmount == LPT
        (event,) = [e for e in tx.events if e.event_name == "MigrationFinalized"]
        assert (event.id, event.l2Delegator, event.amount) == (7, d.address, LPT)
        with reverts(L2M.AlreadyMigrated, id=7):
            m.onLPTBridged(l1_migrator, LPT, record(7, d, o, LPT), sender=gateway)
        # an orchestrator record registers it with its terms
        m.onLPTBridged(l1_migrator, LPT, record(8, accounts[6], accounts[6], LPT, Kind.ORCHESTRATOR, 5, 6), sender=gateway)
        t = bm.getTranscoder(accounts[6])
        assert (t.rewardCut, t.feeShare) == (5, 6) and bm.isRegisteredTranscoder(accounts[6])
        assert l2.token.balanceOf(m) == LPT  # only what the records said was staked
