"""L1 supply reports to the L2 Minter: inflation over the global supply, stale and replayed reports ignored."""

from __future__ import annotations

import pytest
from ape import project

from ape_livepeer_migration import simulator as sim_api
from ape_livepeer_migration.arbitrum import apply_l1_to_l2_alias
from ape_livepeer_migration.bridge import RetryableGasParams, bridge_in, report_l1_supply
from ape_livepeer_migration.deploy import DEFAULT_PARAMS
from protocol.helpers import reverts

from .conftest import LPT


def _block(chain, number):
    with chain:
        from ape import chain as ape_chain

        return ape_chain.blocks[number]


def test_report_sets_the_l1_circulating_supply(chains, sim, bridge, l1_token, alice, bob, deliver):
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    circulating = l1_token.totalSupply() - 10 * LPT
    assert bridge.l1_supply_reporter.circulatingSupply() == circulating

    receipt = report_l1_supply(bridge, bob)
    (event,) = receipt.decode_logs(bridge.l1_supply_reporter.unwrapped.SupplyReported)
    assert (event.sequence, event.circulatingSupply) == (1, circulating)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert (message.l1_sender, message.to, message.excess_fee_refund_address) == (
        bridge.l1_supply_reporter.address, bridge.l2_minter.address, bob.address
    )
    assert message.call_value_refund_address == apply_l1_to_l2_alias(bridge.l1_supply_reporter.address)
    assert event.seqNum == message.message_num
    (result,) = deliver(receipt)
    assert result.status is sim_api.DeliveryStatus.REDEEMED

    minter = bridge.l2_minter
    assert minter.l1CirculatingSupply() == circulating
    assert minter.lastReportSequence() == 1
    assert minter.lastReportL1Block() == receipt.block_number
    assert minter.lastReportL1Timestamp() == _block(chains.l1, receipt.block_number).timestamp
    # L2 supply (10) + L1 circulating supply = the whole L1 supply: nothing counted twice
    assert minter.inflationSupply() == l1_token.totalSupply()


def test_a_late_report_does_not_overwrite_a_newer_one(chains, sim, bridge, l1_token, alice, bob, deliver):
    first = report_l1_supply(bridge, bob)
    (late,) = deliver(first)
    assert late.status is sim_api.DeliveryStatus.REDEEMED
    # the second report's gas limit is below the auto-redeem minimum: it waits, and lands after the third
    stalled = report_l1_supply(bridge, bob, gas=RetryableGasParams(0, 20_000, 0))
    (waiting,) = deliver(stalled)
    assert waiting.status is sim_api.DeliveryStatus.FAILED
    deliver(bridge_in(bridge, alice, alice.address, 4 * LPT).receipt)
    third = report_l1_supply(bridge, bob)
    deliver(third)
    assert bridge.l2_minter.lastReportSequence() == 3
    newest = bridge.l2_minter.l1CirculatingSupply()
    assert newest == l1_token.totalSupply() - 4 * LPT

    redeemed = sim.arb_retryable_tx.redeem(waiting.ticket_id, sender=alice)
    (ignored,) = redeemed.decode_logs(bridge.l2_minter.unwrapped.StaleL1SupplyReportIgnored)
    assert (ignored.sequence, ignored.lastSequence) == (2, 3)
    assert not redeemed.decode_logs(bridge.l2_minter.unwrapped.L1SupplyReported)
    assert bridge.l2_minter.l1CirculatingSupply() == newest
    assert bridge.l2_minter.lastReportSequence() == 3
    assert bridge.l2_minter.lastReportL1Block() == third.block_number
    assert not sim_api.ticket_is_live(sim, waiting.ticket_id)  # ignored, not reverted: the ticket is done


def test_a_replayed_sequence_number_is_ignored(chains, bridge, impersonate):
    alias = impersonate(chains.l2, apply_l1_to_l2_alias(bridge.l1_supply_reporter.address))
    minter = bridge.l2_minter.unwrapped
    with chains.l2:
        minter.receiveL1Supply(5, 1_000, 10, 20, sender=alias)
        replay = minter.receiveL1Supply(5, 9_999, 11, 21, sender=alias)
    (ignored,) = replay.decode_logs(minter.StaleL1SupplyReportIgnored)
    assert (ignored.sequence, ignored.lastSequence) == (5, 5)
    assert (bridge.l2_minter.l1CirculatingSupply(), bridge.l2_minter.lastReportL1Block()) == (1_000, 10)


def test_reports_only_from_the_reporter(chains, sim, bridge, mallory, governor, impersonate):
    with reverts(project.L2Minter.NotFromL1Counterpart, sender=mallory.address):
        bridge.l2_minter.receiveL1Supply(1, 1, 1, 1, sender=mallory)
    unaliased = impersonate(chains.l2, bridge.l1_supply_reporter.address)
    with chains.l2, reverts(project.L2Minter.NotFromL1Counterpart, sender=bridge.l1_supply_reporter.address):
        bridge.l2_minter.unwrapped.receiveL1Supply(1, 1, 1, 1, sender=unaliased)
    with reverts(project.L2Minter.OwnableUnauthorizedAccount, account=mallory.address):
        bridge.l2_minter.setL1SupplyReporter(mallory.address, sender=mallory)
    with reverts(project.L2Minter.ZeroAddress):
        bridge.l2_minter.setL1SupplyReporter("0x" + "00" * 20, sender=governor)
    assert bridge.l2_minter.lastReportSequence() == 0


def test_a_new_reporter_restarts_the_sequence(chains, bridge, governor, bob, deliver, impersonate):
    deliver(report_l1_supply(bridge, bob))
    supply = bridge.l2_minter.l1CirculatingSupply()
    replacement = governor.address  # any L1 address: its alias is the only accepted sender from now on
    receipt = bridge.l2_minter.setL1SupplyReporter(replacement, sender=governor)
    (event,) = receipt.decode_logs(bridge.l2_minter.unwrapped.L1SupplyReporterSet)
    assert event.reporter == replacement
    assert (bridge.l2_minter.lastReportSequence(), bridge.l2_minter.l1CirculatingSupply()) == (0, supply)
    alias = impersonate(chains.l2, apply_l1_to_l2_alias(replacement))
    with chains.l2:
        bridge.l2_minter.unwrapped.receiveL1Supply(1, 42, 1, 1, sender=alias)
    assert (bridge.l2_minter.lastReportSequence(), bridge.l2_minter.l1CirculatingSupply()) == (1, 42)


@pytest.mark.parametrize("delta", [-1, 1])
def test_report_value_must_match_the_fees_exactly(bridge, bob, delta):
    with reverts(project.L1SupplyReporter.WrongValue, expected=1_000 + 50_000 * 3, actual=1_000 + 50_000 * 3 + delta):
        bridge.l1_supply_reporter.reportSupply(1_000, 50_000, 3, value=1_000 + 50_000 * 3 + delta, sender=bob)
    assert bridge.l1_supply_reporter.reportCount() == 0


def test_inflation_applies_to_the_global_supply(chains, bridge, l1_token, alice, bob, governor, deliver):
    """An L1 BondingManager contract stands in for the L2 BondingManager (its total bonded is what counts)."""
    with chains.l2:
        stand_in = project.BondingManager.deploy(
            governor, bridge.l2_token.address, bridge.l2_minter.address, bridge.l2_rounds.address, 7, 100,
            sender=governor,
        )
    bridge.l2_minter.setBondingManager(stand_in.address, sender=governor)
    bridge.l2_rounds.setBondingManager(stand_in.address, sender=governor)
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    deliver(report_l1_supply(bridge, bob))
    global_supply = bridge.l2_token.totalSupply() + bridge.l2_minter.l1CirculatingSupply()
    assert global_supply == l1_token.totalSupply()

    chains.l2.mine(40)  # next L2 round
    receipt = bridge.l2_rounds.initializeRound(sender=bob)
    rate = DEFAULT_PARAMS["inflation"] + DEFAULT_PARAMS["inflation_change"]  # nothing bonded: inflation rises
    (event,) = receipt.decode_logs(bridge.l2_minter.unwrapped.SetCurrentRewardTokens)
    assert (event.mintable, event.inflation) == (global_supply * rate // 10**9, rate)
    assert bridge.l2_minter.currentMintableTokens() == global_supply * rate // 10**9


@pytest.mark.parametrize(
    "name, args",
    [
        ("L1Escrow", lambda b, z: (b.governor, z)),
        ("L1SupplyReporter", lambda b, z: (b.inbox, z, b.escrow, b.minter)),
        ("L1SupplyReporter", lambda b, z: (b.inbox, b.token, z, b.minter)),
        ("L1SupplyReporter", lambda b, z: (b.inbox, b.token, b.escrow, z)),
        ("L1LPTGateway", lambda b, z: (b.governor, b.inbox, z, b.token, b.escrow, b.minter)),
        ("L1LPTGateway", lambda b, z: (b.governor, b.inbox, b.token, z, b.escrow, b.minter)),
        ("L1LPTGateway", lambda b, z: (b.governor, b.inbox, b.token, b.token, z, b.minter)),
        ("L1LPTGateway", lambda b, z: (b.governor, b.inbox, b.token, b.token, b.escrow, z)),
        ("L2LPTGateway", lambda b, z: (b.governor, b.token, b.token, z, b.escrow)),
        ("L2LPTGateway", lambda b, z: (b.governor, b.token, b.token, b.minter, z)),
    ],
)
def test_constructors_reject_zero_addresses(chains, bridge, l1_token, governor, name, args):
    class Addresses:
        pass

    b = Addresses()
    b.governor, b.inbox, b.token = governor.address, bridge.inbox, l1_token.address
    b.escrow, b.minter = bridge.l1_escrow.address, bridge.l1_protocol.minter.address
    container = getattr(project, name)
    with chains.l1, reverts(container.ZeroAddress):
        container.deploy(*args(b, "0x" + "00" * 20), sender=governor)
