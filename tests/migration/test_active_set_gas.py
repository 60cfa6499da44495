"""Gas griefing of other people's migrations through the L2 active set, end to end with the relayer.

The active set is a list sorted by stake: an orchestrator joining it walks up from the tail, one whose stake grows walks
up from its old place. Anyone can lengthen those walks after a migration was sent (while the set is not full, bonding 1
wei to yourself joins it), so a gas limit estimated on the set as it was would fail its auto-redeem. The set is capped
at ``numActiveTranscoders`` members, so the library's limit covers a full set walked end to end.

These tests cap the L2 set at 40 members (the default deployment has 100): enough for more members than the 30 and 60
of the griefing seen so far, a real eviction of the tail, and a few seconds of attacker transactions. The bound itself
scales with ``numActiveTranscoders`` as read from the chain.
"""

from __future__ import annotations

import time

import pytest
from shared import LPT, ROUND_LENGTH, relayer, run_until_idle  # noqa: F401 (relayer: a fixture)

from ape_livepeer_migration._eth import rpc_int
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
from ape_livepeer_migration.bridge.migration import migrate
from ape_livepeer_migration.bridge.transfers import bridge_in

SET_SIZE = 40


@pytest.fixture
def sim(system):
    """The system's simulator, which the shared ``relayer`` fixture relays through."""
    return system.sim


def _send(chain, sender: str, to: str, data: bytes) -> None:
    """One L2 transaction from ``sender`` (impersonated, funded), which must succeed."""
    rpc = chain.provider.make_request
    rpc("anvil_impersonateAccount", [sender])
    rpc("anvil_setBalance", [sender, hex(10**18)])
    tx = rpc("eth_sendTransaction", [{"from": sender, "to": to, "data": "0x" + bytes(data).hex(), "gas": hex(500_000)}])
    receipt = None
    for _ in range(200):  # anvil answers the receipt once the block is stored
        if (receipt := rpc("eth_getTransactionReceipt", [tx])) is not None:
            break
        time.sleep(0.01)
    assert receipt is not None, f"attacker transaction {tx} was not mined"
    assert rpc_int(receipt["status"]) == 1, f"attacker transaction from {sender} reverted"


def _join_set(s, funder, stakes: list[int], first: int = 0) -> list[str]:
    """The attacker: for each stake, a fresh L2 address receives it from ``funder`` and bonds it to itself, which
    registers it and links it into the active set (the attacker initializes the L2 rounds its blocks start). Returns
    the addresses (numbered from ``first``)."""
    token, bm = s.l2_token.unwrapped, s.l2_bonding_manager.unwrapped
    l2 = s.chains.l2
    members = []
    for i, stake in enumerate(stakes, start=first):
        member = "0x" + f"{0xA77AC0000 + i:040x}"
        _send(l2, funder.address, str(token.address), token.transfer.encode_input(member, stake))
        _send(l2, member, str(token.address), token.approve.encode_input(str(bm.address), stake))
        if not s.l2_rounds.currentRoundInitialized():
            s.l2_rounds.initializeRound(sender=funder)
        _send(l2, member, str(bm.address), bm.bond.encode_input(stake, member))
        members.append(member)
    return members


def _fund_attacker(s, attacker, amount: int, relayer) -> None:
    bridge_in(s.bridge, attacker, attacker.address, amount)
    run_until_idle(relayer)
    assert s.l2_token.balanceOf(attacker.address) == amount


def _gas_needed_now(s, receipt) -> int:
    """``eth_estimateGas`` of the migration's L2 call on the L2 state as it is now (the state it will run on)."""
    (message,) = sim_api.fetch_retryables(s.sim, receipt.block_number, receipt.block_number)
    call = {"from": apply_l1_to_l2_alias(message.l1_sender), "to": message.to, "data": "0x" + message.data.hex()}
    return rpc_int(s.chains.l2.provider.make_request("eth_estimateGas", [call]))


def _initialized(s, sender) -> None:
    """The current L2 round initialized (so that a gas figure does not include the round's initialization)."""
    if not s.l2_rounds.currentRoundInitialized():
        s.l2_rounds.initializeRound(sender=sender)


def _pool(bm) -> list[str]:
    members, at = [], bm.getFirstTranscoderInPool()
    while int(at, 16):
        members.append(at)
        at = bm.getNextTranscoderInPool(at)
    return members


def _relay_one(relayer) -> None:
    reports = run_until_idle(relayer)
    assert sum(len(r.delivered) for r in reports) == 1
    assert not any(r.failed for r in reports), "the migration's auto-redeem failed"


def test_orchestrator_migration_survives_a_set_filled_with_one_wei_members(chains, system, people, relayer):
    s, p = system, people
    bm2 = s.l2_bonding_manager
    bm2.setNumActiveTranscoders(SET_SIZE, sender=p.governor)
    _fund_attacker(s, p.outsider, 1_000 * LPT, relayer)
    assert bm2.getTranscoderPoolSize() == 0

    sent = migrate(s, p.o1)  # estimated on an empty set
    _initialized(s, p.outsider)
    empty = _gas_needed_now(s, sent.receipt)
    half = SET_SIZE // 2
    members = _join_set(s, p.outsider, [1] * half)
    _initialized(s, p.outsider)
    walk_half = _gas_needed_now(s, sent.receipt)  # joins at the tail, walks up past `half` members
    members += _join_set(s, p.outsider, [1] * (SET_SIZE - 1 - half), first=half)
    _initialized(s, p.outsider)
    walk = _gas_needed_now(s, sent.receipt)
    members += _join_set(s, p.outsider, [1], first=SET_SIZE - 1)
    assert bm2.getTranscoderPoolSize() == SET_SIZE  # full: o1 evicts the tail, then walks up past all the others
    _initialized(s, p.outsider)
    full = _gas_needed_now(s, sent.receipt)
    chains.l2.mine(ROUND_LENGTH)  # and a new L2 round starts: the migration initializes it
    assert not s.l2_rounds.currentRoundInitialized()
    needed = _gas_needed_now(s, sent.receipt)
    step = (walk - walk_half) / (SET_SIZE - 1 - half)
    print(
        f"\norchestrator migration, L2 gas: empty set {empty:,}; per member walked {step:,.0f}; eviction of the "
        f"tail {full - walk:,}; round initialization {needed - full:,}; worst case {needed:,} "
        f"({needed - empty:,} over the estimate); limit sent {sent.gas.gas_limit:,}"
    )

    _relay_one(relayer)
    pool = _pool(bm2)
    assert pool[0] == p.o1.address and len(pool) == SET_SIZE
    assert members[-1] not in pool  # the tail was evicted
    assert bm2.getDelegator(p.o1.address).bondedAmount == sent.migration.amount
    assert needed <= sent.gas.gas_limit
    _check_constants(step, growth=needed - empty)


def test_delegator_migration_survives_bonds_between_its_orchestrators_old_and_new_place(
    chains, system, people, relayer
):
    s, p = system, people
    bm2 = s.l2_bonding_manager
    bm2.setNumActiveTranscoders(SET_SIZE, sender=p.governor)
    _fund_attacker(s, p.outsider, 95_000 * LPT, relayer)
    migrate(s, p.o1)
    _relay_one(relayer)
    before = bm2.getTranscoder(p.o1.address).delegatedAmount
    assert _pool(bm2) == [p.o1.address]

    sent = migrate(s, p.d1)  # estimated with o1 alone in the set
    _initialized(s, p.outsider)
    alone = _gas_needed_now(s, sent.receipt)
    # every other place of the set, strictly between o1's stake and its stake after d1's migration
    stakes = [before + i for i in range(1, SET_SIZE)]
    assert stakes[-1] < before + sent.migration.amount
    half = SET_SIZE // 2
    _join_set(s, p.outsider, stakes[:half])
    _initialized(s, p.outsider)
    walk_half = _gas_needed_now(s, sent.receipt)
    _join_set(s, p.outsider, stakes[half:], first=half)
    assert _pool(bm2)[-1] == p.o1.address and bm2.getTranscoderPoolSize() == SET_SIZE
    _initialized(s, p.outsider)
    walk = _gas_needed_now(s, sent.receipt)
    chains.l2.mine(ROUND_LENGTH)
    assert not s.l2_rounds.currentRoundInitialized()
    needed = _gas_needed_now(s, sent.receipt)
    step = (walk - walk_half) / (SET_SIZE - 1 - half)
    print(
        f"\ndelegator migration, L2 gas: o1 alone {alone:,}; per member walked {step:,.0f}; round initialization "
        f"{needed - walk:,}; worst case {needed:,} ({needed - alone:,} over the estimate); limit sent "
        f"{sent.gas.gas_limit:,}"
    )

    _relay_one(relayer)
    assert _pool(bm2)[0] == p.o1.address  # walked up past all of them
    assert bm2.getTranscoder(p.o1.address).delegatedAmount == before + sent.migration.amount
    assert needed <= sent.gas.gas_limit
    # o1 could also have been evicted in between, so that d1's stake links it in afresh (a new node)
    _check_constants(step, growth=needed - alone + _NEW_NODE_GAS)


#: A node linked into the list where the estimate moved one (the orchestrator was evicted in between): its two slots
#: written from zero (22,100 each).
_NEW_NODE_GAS = 2 * 22_100


def _check_constants(step: float, growth: int) -> None:
    """The library's documented costs cover what was measured: the per-member cost, and the whole growth of the L2
    call over its estimate within the bound before any margin (imported here: the bound is new with them)."""
    from ape_livepeer_migration.bridge.gas import ACTIVE_SET_ENTRY_GAS, ACTIVE_SET_STEP_GAS

    assert step <= ACTIVE_SET_STEP_GAS
    assert growth <= SET_SIZE * ACTIVE_SET_STEP_GAS + ACTIVE_SET_ENTRY_GAS
