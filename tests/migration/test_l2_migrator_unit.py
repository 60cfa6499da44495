"""L2Migrator guards, with an account standing in as the L1Migrator's L2 alias (the full flow is in
test_system_flows)."""

from __future__ import annotations

import pytest
from ape import project
from ape.exceptions import ContractLogicError
from eth_utils import keccak
from shared import LPT

from ape_livepeer_migration._eth import rpc_int
from ape_livepeer_migration.arbitrum.messages import undo_l1_to_l2_alias
from ape_livepeer_migration.bridge.codec import Kind, Migration
from ape_livepeer_migration.testing.reverts import reverts

from .conftest import ZERO

L2BM_ERRORS = {"InvalidRewardCut": keccak(text="InvalidRewardCut(uint256)")[:4]}

L2M = project.L2Migrator


@pytest.fixture(scope="module")
def deployed(two_chains, l2, accounts):
    """(L2Migrator, the account at the L1Migrator's alias, the L1Migrator's address): the L1Migrator is the L1
    address whose L2 alias is accounts[3], so that account's calls are the L1Migrator's retryables."""
    alias = accounts[3]
    l1_migrator = undo_l1_to_l2_alias(alias.address)
    with two_chains.l2:
        m = L2M.deploy(l2.minter, l1_migrator, l2.bonding_manager, l2.token, sender=accounts[0])
    return m, alias, l1_migrator


@pytest.fixture
def unit(chains, l2, deployed, accounts):
    """``deployed``, made the bonding manager's L2 migrator and a minting delegate of the L2 Minter for this test only
    (the snapshot undoes both)."""
    with chains.l2:
        l2.bonding_manager.setMigrator(deployed[0], sender=accounts[0])
        l2.minter.addMintingDelegate(deployed[0], sender=accounts[0])
    return deployed


FAR = 2**40  # a deadline far in the future


def record(mid, delegator, orchestrator, amount, kind=Kind.DELEGATOR, cut=0, share=0, l2_delegator=None, deadline=FAR):
    """An encoded record from ``delegator``'s L1 account to its own L2 address (or ``l2_delegator``)."""
    l2_address = (l2_delegator or delegator).address
    return Migration(
        mid, kind, delegator.address, l2_address, orchestrator.address, amount, cut, share, deadline
    ).encode()


def test_constructor_rejects_zero_addresses(chains, l2, accounts):
    good = [l2.minter.address, accounts[4].address, l2.bonding_manager.address, l2.token.address]
    with chains.l2:
        for i in range(4):
            args = list(good)
            args[i] = ZERO
            with reverts(L2M.ZeroAddress):
                L2M.deploy(*args, sender=accounts[0])


def test_only_the_l1_migrators_alias_finalizes(chains, l2, unit, accounts):
    """A plain L2 account (the governor, the record's own delegator, a stranger) and the L1Migrator's own address
    (not aliased: no retryable arrives from it) are refused; nothing is minted."""
    from ape import accounts as ape_accounts

    m, alias, l1_migrator = unit
    d, o = accounts[5], accounts[2]
    data = record(1, d, o, LPT)
    with chains.l2:
        supply = l2.token.totalSupply()
        unaliased = ape_accounts[l1_migrator]
        chains.l2.provider.set_balance(unaliased.address, 10**18)
        for caller in (accounts[9], d, accounts[0], unaliased):
            with reverts(L2M.NotFromL1Counterpart, sender=caller.address):
                m.finalizeMigration(data, sender=caller)
        with pytest.raises(ContractLogicError):  # undecodable record: no custom error to expect
            m.finalizeMigration(b"\x01\x02", sender=alias)
        assert m.migrationsFinalized() == 0 and l2.token.totalSupply() == supply


def test_each_migration_id_once(chains, l2, unit, accounts):
    m, alias, _ = unit
    d, o = accounts[5], accounts[2]
    bm = l2.bonding_manager
    with chains.l2:
        supply = l2.token.totalSupply()
        tx = m.finalizeMigration(record(7, d, o, LPT), sender=alias)
        assert m.isMigrated(7) and m.migrationsFinalized() == 1 and m.totalMigrated() == LPT
        assert bm.getDelegator(d).bondedAmount == LPT
        (event,) = [e for e in tx.events if e.event_name == "MigrationFinalized"]
        assert (event.id, event.l2Delegator, event.amount) == (7, d.address, LPT)
        # credited first, then minted straight into the Minter, which holds all bonded LPT
        (minted,) = [e for e in tx.events if e.event_name == "DelegateMinted"]
        assert (minted.delegate, minted.to, minted.amount) == (m.address, l2.minter.address, LPT)
        assert not [e for e in tx.events if e.event_name == "Transfer" and e["from"] == m.address]
        with reverts(L2M.AlreadyMigrated, id=7):
            m.finalizeMigration(record(7, d, o, LPT), sender=alias)
        # an orchestrator record registers it with its terms
        m.finalizeMigration(record(8, accounts[6], accounts[6], LPT, Kind.ORCHESTRATOR, 5, 6), sender=alias)
        t = bm.getTranscoder(accounts[6])
        assert (t.rewardCut, t.feeShare) == (5, 6) and bm.isRegisteredTranscoder(accounts[6])
        # exactly what the records said was minted, and all of it staked
        assert l2.token.totalSupply() == supply + 2 * LPT and l2.token.balanceOf(m) == 0


def test_a_record_past_its_deadline_is_refused(chains, l2, unit, accounts):
    m, alias, _ = unit
    d, o = accounts[5], accounts[2]
    with chains.l2:
        from ape import chain

        now = chain.pending_timestamp
        supply = l2.token.totalSupply()
        with reverts(L2M.MigrationDeadlinePassed, id=3, deadline=now - 1):
            m.finalizeMigration(record(3, d, o, LPT, deadline=now - 1), sender=alias)
        assert not m.isMigrated(3) and l2.token.totalSupply() == supply


def test_without_minting_authority_nothing_finalizes(chains, l2, unit, accounts):
    """The L2Migrator mints through the L2 Minter as a minting delegate: revoked, a migration reverts whole (its
    ticket stays redeemable), whether its stake would be credited (the mint follows the credit, which reverts with
    it: no stake stands without its LPT) or parked; nothing is marked finalized."""
    m, alias, _ = unit
    d, o, other = accounts[5], accounts[2], accounts[6]
    bm = l2.bonding_manager
    with chains.l2:
        l2.minter.removeMintingDelegate(m, sender=accounts[0])
        for data in (record(4, d, o, LPT), record(4, d, o, LPT, l2_delegator=other)):
            with reverts(project.Minter.NotMintingDelegate, account=m.address):
                m.finalizeMigration(data, sender=alias)
        assert not m.isMigrated(4) and m.migrationsFinalized() == 0
        assert bm.getDelegator(d).bondedAmount == 0 and m.parked(4).amount == 0


def test_stake_for_another_l2_address_waits_for_its_claim(chains, l2, unit, accounts):
    """Nothing changes at the named L2 address until it claims; only it can claim, once, with the delegate it
    chooses (the record's orchestrator is only a suggestion)."""
    m, alias, _ = unit
    d, o, victim, other = accounts[5], accounts[2], accounts[6], accounts[7]
    bm = l2.bonding_manager
    with chains.l2:
        tx = m.finalizeMigration(record(9, d, o, 2 * LPT, l2_delegator=victim), sender=alias)
        assert m.isMigrated(9)
        assert bm.getDelegator(victim).bondedAmount == 0 and bm.getDelegator(d).bondedAmount == 0
        p = m.parked(9)
        assert (p.l2Delegator, p.suggestedOrchestrator, p.amount) == (victim.address, o.address, 2 * LPT)
        assert m.totalParked() == 2 * LPT and l2.token.balanceOf(m) == 2 * LPT
        (event,) = [e for e in tx.events if e.event_name == "StakeAwaitingClaim"]
        assert (event.id, event.l2Delegator, event.suggestedOrchestrator, event.amount) == (
            9,
            victim.address,
            o.address,
            2 * LPT,
        )
        for caller in (d, other, o, accounts[0]):
            with reverts(L2M.NotClaimable, id=9, account=caller.address):
                m.claimStake(9, o, sender=caller)
        with reverts(L2M.ZeroAddress):
            m.claimStake(9, ZERO, sender=victim)
        tx = m.claimStake(9, accounts[8], sender=victim)  # its own choice, not the suggestion
        dd = bm.getDelegator(victim)
        assert (dd.delegateAddress, dd.bondedAmount) == (accounts[8].address, 2 * LPT)
        assert m.totalParked() == 0 and l2.token.balanceOf(m) == 0
        (event,) = [e for e in tx.events if e.event_name == "StakeClaimed"]
        assert (event.id, event.l2Delegator, event.orchestrator, event.amount) == (
            9,
            victim.address,
            accounts[8].address,
            2 * LPT,
        )
        with reverts(L2M.NotClaimable, id=9, account=victim.address):
            m.claimStake(9, o, sender=victim)
        with reverts(L2M.NotClaimable, id=10, account=victim.address):
            m.claimStake(10, o, sender=victim)


def test_a_staking_revert_parks_the_stake_instead_of_failing(chains, l2, unit, accounts):
    """Defence in depth: when the L2BondingManager reverts (here: terms above 100%), the migration still finalizes
    and the LPT waits for its own L2 address to claim it."""
    m, alias, _ = unit
    orch, native = accounts[6], accounts[2]
    bm = l2.bonding_manager
    with chains.l2:
        bad = record(11, orch, orch, LPT, Kind.ORCHESTRATOR, 2_000_000, 0)
        tx = m.finalizeMigration(bad, sender=alias)
        assert m.isMigrated(11) and bm.getDelegator(orch).bondedAmount == 0
        (failed,) = [e for e in tx.events if e.event_name == "StakingFailed"]
        assert failed.id == 11 and bytes(failed.reason)[:4] == bytes(L2BM_ERRORS["InvalidRewardCut"])
        # nothing was credited, so the LPT is minted here, for the claim
        assert m.parked(11).amount == LPT and l2.token.balanceOf(m) == LPT
        (minted,) = [e for e in tx.events if e.event_name == "DelegateMinted"]
        assert (minted.to, minted.amount) == (m.address, LPT)
        with reverts(project.L2BondingManager.InvalidRewardCut, rewardCut=2_000_000):
            m.claimStake(11, orch, sender=orch)  # as its own orchestrator: its (bad) terms apply again
        m.claimStake(11, native, sender=orch)
        d = bm.getDelegator(orch)
        assert (d.delegateAddress, d.bondedAmount) == (native.address, LPT)


def test_a_redeem_that_starves_staking_reverts_instead_of_parking(chains, l2, unit, accounts):
    """Whoever redeems the ticket picks its gas: with too little for the L2BondingManager's call, the migration
    reverts (`StakingOutOfGas`, the ticket stays redeemable) instead of parking the stake. Every gas limit from a
    third of the estimate up either stakes or reverts; none parks."""
    m, alias, _ = unit
    orch = accounts[6]
    rpc = chains.l2.provider.make_request
    with chains.l2:
        data = m.finalizeMigration.encode_input(record(12, orch, orch, LPT, Kind.ORCHESTRATOR, 0, 0))
        call = {"from": alias.address, "to": str(m.address), "data": "0x" + bytes(data).hex()}
        needed = rpc_int(rpc("eth_estimateGas", [call]))
        parked_topic = keccak(text="StakeAwaitingClaim(uint256,address,address,uint256)")
        outcomes = []
        for gas in range(needed // 3, needed + needed // 10, needed // 40):
            snapshot = rpc("evm_snapshot", [])
            tx = rpc("eth_sendTransaction", [{**call, "gas": hex(gas)}])
            # anvil answers the receipt once the block is stored: wait for it
            receipt = chains.l2.provider.web3.eth.wait_for_transaction_receipt(tx, timeout=60, poll_latency=0.01)
            assert all(bytes(log["topics"][0]) != parked_topic for log in receipt["logs"]), f"parked with gas {gas}"
            if receipt["status"] == 1:
                assert l2.bonding_manager.getDelegator(orch).bondedAmount == LPT
                outcomes.append("staked")
            else:
                # The revert data: a custom error's selector, none when the outer call itself ran out of gas.
                outcomes.append(rpc("debug_traceTransaction", [tx, {"tracer": "callTracer"}]).get("output", "0x")[:10])
            rpc("evm_revert", [snapshot])
        assert "staked" in outcomes
        assert "0x" + keccak(text="StakingOutOfGas(uint256)")[:4].hex() in outcomes, outcomes
