"""L1 supply reports to the L2 Minter: inflation over the global supply as of the last accepted report; stale,
replayed and late reports ignored; reports too cheap to auto-redeem refused on L1."""

from __future__ import annotations

import pytest
from ape import project
from shared import LPT

from ape_livepeer_migration._eth import pending_base_fee, rpc_int
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, report_l1_supply
from ape_livepeer_migration.protocol.deploy import DEFAULT_PARAMS
from ape_livepeer_migration.testing.reverts import reverts


def _block(chain, number):
    with chain:
        from ape import chain as ape_chain

        return ape_chain.blocks[number]


def _l2_time(chains) -> int:
    """The timestamp of the L2's latest block."""
    block = chains.l2.provider.make_request("eth_getBlockByNumber", ["latest", False])
    return rpc_int(block["timestamp"])


def _deliver_stalled(chains, sim, receipt):
    """Deliver the report's ticket while the L2 base fee is above its bid: created, not auto-redeemed."""
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    before = pending_base_fee(chains.l2)
    chains.l2.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(message.max_fee_per_gas + 1)])
    result = sim_api.deliver_retryable(sim, message)
    chains.l2.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(before)])
    return result


def _advance_time(chains, seconds):
    """Move both layers' clocks on by ``seconds`` (Arbitrum's L2 time follows L1 time)."""
    for chain in (chains.l1, chains.l2):
        chain.provider.make_request("evm_increaseTime", [seconds])
        chain.mine(1)


def _global_supply(bridge) -> int:
    """LPT in existence on both layers: L1 supply minus the escrow (its LPT exists on L2) plus the L2 supply."""
    l1_token = bridge.l1_token
    return l1_token.totalSupply() - l1_token.balanceOf(bridge.l1_escrow.address) + bridge.l2_token.totalSupply()


def test_report_sets_the_l1_circulating_supply(chains, sim, bridge, l1_token, alice, bob, deliver):
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    circulating = l1_token.totalSupply() - 10 * LPT
    assert bridge.l1_supply_reporter.circulatingSupply() == circulating

    receipt = report_l1_supply(bridge, bob)
    (event,) = receipt.decode_logs(bridge.l1_supply_reporter.unwrapped.SupplyReported)
    assert (event.sequence, event.circulatingSupply) == (1, circulating)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert (message.l1_sender, message.to, message.excess_fee_refund_address) == (
        bridge.l1_supply_reporter.address,
        bridge.l2_minter.address,
        bob.address,
    )
    assert message.call_value_refund_address == apply_l1_to_l2_alias(bridge.l1_supply_reporter.address)
    assert event.seqNum == message.message_num
    result = deliver(receipt)
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
    late = deliver(first)
    assert late.status is sim_api.DeliveryStatus.REDEEMED
    # the L2 base fee rises above the second report's bid: its ticket waits, and is redeemed after the third
    waiting = _deliver_stalled(chains, sim, report_l1_supply(bridge, bob))
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


def test_a_report_redeemed_after_its_max_age_is_ignored(chains, sim, bridge, alice, bob, mallory, deliver):
    """The attack: a report's ticket fails to auto-redeem; LPT moves from L1 to L2; days later the report (whose L1
    figure still holds that LPT) is redeemed. Accepting it would count the moved LPT twice."""
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    deliver(report_l1_supply(bridge, bob))
    minter = bridge.l2_minter
    figure, supply = minter.l1CirculatingSupply(), minter.inflationSupply()
    assert supply == _global_supply(bridge)

    waiting = _deliver_stalled(chains, sim, report_l1_supply(bridge, mallory))
    assert waiting.status is sim_api.DeliveryStatus.FAILED
    deliver(bridge_in(bridge, alice, alice.address, 63_680 * LPT).receipt)  # moves to L2 after the report was taken
    _advance_time(chains, 2 * 86_400)

    redeemed = sim.arb_retryable_tx.redeem(waiting.ticket_id, sender=mallory)
    assert minter.inflationSupply() == supply <= _global_supply(bridge)  # nothing counted twice
    assert (minter.lastReportSequence(), minter.l1CirculatingSupply()) == (1, figure)
    assert not sim_api.ticket_is_live(sim, waiting.ticket_id)  # ignored, not reverted: the ticket is done
    (ignored,) = redeemed.decode_logs(minter.unwrapped.LateL1SupplyReportIgnored)
    assert ignored.sequence == 2 and ignored.age > ignored.maxAge == minter.maxReportAge()
    assert not redeemed.decode_logs(minter.unwrapped.L1SupplyReported)

    # a fresh report after the move counts it once
    deliver(report_l1_supply(bridge, bob))
    assert minter.lastReportSequence() == 3
    assert minter.inflationSupply() == _global_supply(bridge)


def _receive_at(chains, minter, alias, timestamp, *args):
    """``receiveL1Supply(*args)`` from the reporter's alias in an L2 block with timestamp ``timestamp``."""
    chains.l2.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    with chains.l2:
        return minter.unwrapped.receiveL1Supply(*args, sender=alias)


def test_a_report_exactly_max_age_old_is_accepted_one_second_older_ignored(chains, bridge, impersonate):
    alias = impersonate(chains.l2, apply_l1_to_l2_alias(bridge.l1_supply_reporter.address))
    minter = bridge.l2_minter
    max_age = minter.maxReportAge()
    assert max_age == 6 * 3600

    t = _l2_time(chains) + 100
    too_old = _receive_at(chains, minter, alias, t, 1, 1_000, 7, t - max_age - 1)
    (ignored,) = too_old.decode_logs(minter.unwrapped.LateL1SupplyReportIgnored)
    assert (ignored.sequence, ignored.l1Timestamp) == (1, t - max_age - 1)
    assert (ignored.age, ignored.maxAge) == (max_age + 1, max_age)
    assert (minter.lastReportSequence(), minter.lastReportL1Timestamp()) == (0, 0)
    assert minter.reportAge() == 2**256 - 1  # none yet

    t += 100
    at_limit = _receive_at(chains, minter, alias, t, 1, 1_000, 7, t - max_age)
    (event,) = at_limit.decode_logs(minter.unwrapped.L1SupplyReported)
    assert (event.sequence, event.circulatingSupply, event.l1Timestamp) == (1, 1_000, t - max_age)
    assert (minter.lastReportSequence(), minter.l1CirculatingSupply()) == (1, 1_000)
    assert minter.reportAge() == max_age

    # an L1 timestamp ahead of L2 time (the two clocks drift apart a little on Arbitrum) counts as age 0
    t += 100
    _receive_at(chains, minter, alias, t, 2, 2_000, 8, t + 60)
    assert (minter.lastReportSequence(), minter.l1CirculatingSupply(), minter.reportAge()) == (2, 2_000, 0)


def test_without_a_fresh_report_inflation_keeps_the_last_global_figure(chains, sim, bridge, alice, bob, deliver):
    """No report ever: the L2 supply alone. After a report: its L1 figure plus the L2 supply of its acceptance,
    which deposits, withdrawals and the report growing old do not move."""
    minter = bridge.l2_minter
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    assert minter.inflationSupply() == bridge.l2_token.totalSupply() == 10 * LPT

    deliver(report_l1_supply(bridge, bob))
    snapshot = minter.inflationSupply()
    assert snapshot == _global_supply(bridge) == minter.l2SupplyAtLastReport() + minter.l1CirculatingSupply()

    deliver(bridge_in(bridge, alice, alice.address, 500 * LPT).receipt)  # L1 -> L2 after the report
    bridge_out(bridge, alice, alice.address, 3 * LPT)  # L2 -> L1 (burned on L2)
    _advance_time(chains, minter.maxReportAge() * 3)  # the keeper stopped
    assert minter.reportAge() > minter.maxReportAge()
    assert minter.inflationSupply() == snapshot
    assert bridge.l2_token.totalSupply() + minter.l1CirculatingSupply() == snapshot + 497 * LPT  # the double count

    deliver(report_l1_supply(bridge, bob))  # anyone can refresh it
    # the 3 LPT withdrawn are not released on L1 yet: L1 still escrows them, so nobody holds them for now
    assert minter.inflationSupply() == _global_supply(bridge) == snapshot - 3 * LPT


def test_a_replayed_sequence_number_is_ignored(chains, bridge, impersonate):
    alias = impersonate(chains.l2, apply_l1_to_l2_alias(bridge.l1_supply_reporter.address))
    minter = bridge.l2_minter.unwrapped
    now = _l2_time(chains)
    with chains.l2:
        minter.receiveL1Supply(5, 1_000, 10, now, sender=alias)
        replay = minter.receiveL1Supply(5, 9_999, 11, now + 1, sender=alias)
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
        bridge.l2_minter.unwrapped.receiveL1Supply(1, 42, 1, _l2_time(chains), sender=alias)
    assert (bridge.l2_minter.lastReportSequence(), bridge.l2_minter.l1CirculatingSupply()) == (1, 42)


@pytest.mark.parametrize("delta", [-1, 1])
def test_report_value_must_match_the_fees_exactly(bridge, bob, delta):
    gas, bid = 250_000, 10**8
    with reverts(project.L1SupplyReporter.WrongValue, expected=1_000 + gas * bid, actual=1_000 + gas * bid + delta):
        bridge.l1_supply_reporter.reportSupply(1_000, gas, bid, value=1_000 + gas * bid + delta, sender=bob)
    assert bridge.l1_supply_reporter.reportCount() == 0


def test_a_report_too_cheap_to_auto_redeem_is_refused_on_l1(chains, sim, bridge, bob):
    reporter = bridge.l1_supply_reporter
    min_gas, min_bid = reporter.MIN_L2_GAS(), reporter.minGasPriceBid()
    assert (min_gas, min_bid) == (250_000, 10**8)
    start = chains.l1.block_number
    with reverts(project.L1SupplyReporter.GasLimitTooLow, maxGas=min_gas - 1, minimum=min_gas):
        reporter.reportSupply(1_000, min_gas - 1, min_bid, value=1_000 + (min_gas - 1) * min_bid, sender=bob)
    with reverts(project.L1SupplyReporter.GasLimitTooLow, maxGas=20_000, minimum=min_gas):
        reporter.reportSupply(0, 20_000, 0, value=0, sender=bob)
    with reverts(project.L1SupplyReporter.GasPriceBidTooLow, gasPriceBid=min_bid - 1, minimum=min_bid):
        reporter.reportSupply(1_000, min_gas, min_bid - 1, value=1_000 + min_gas * (min_bid - 1), sender=bob)
    assert reporter.reportCount() == 0
    assert sim_api.fetch_retryables(sim, start, chains.l1.block_number) == []  # nothing sent
    # exactly at both floors: sent
    fee = 10**15
    receipt = reporter.reportSupply(fee, min_gas, min_bid, value=fee + min_gas * min_bid, sender=bob)
    (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
    assert (message.gas_limit, message.max_fee_per_gas, reporter.reportCount()) == (min_gas, min_bid, 1)


def test_the_report_gas_floor_covers_the_l2_call(chains, sim, bridge, alice, bob, deliver):
    """``MIN_L2_GAS`` against the measured gas of ``receiveL1Supply``: the first report (every slot written from
    zero) and a later one."""
    reporter, minter = bridge.l1_supply_reporter, bridge.l2_minter
    deliver(bridge_in(bridge, alice, alice.address, 10 * LPT).receipt)
    alias = apply_l1_to_l2_alias(reporter.address)

    def estimate(sequence):
        data = minter.unwrapped.receiveL1Supply.encode_input(sequence, 10**24, 10**8, _l2_time(chains))
        return rpc_int(
            chains.l2.provider.make_request(
                "eth_estimateGas", [{"from": alias, "to": minter.address, "data": "0x" + bytes(data).hex()}]
            )
        )

    first = estimate(1)
    deliver(report_l1_supply(bridge, bob))
    later = estimate(2)
    print(f"receiveL1Supply gas: first report {first:,}, later {later:,}; MIN_L2_GAS {reporter.MIN_L2_GAS():,}")
    assert later < first <= reporter.MIN_L2_GAS() // 1.5


def test_report_gas_floors_are_governed_within_bounds(chains, bridge, governor, mallory):
    reporter = bridge.l1_supply_reporter
    floor, ceiling = reporter.MIN_GAS_PRICE_BID_FLOOR(), reporter.MIN_GAS_PRICE_BID_CEILING()
    assert (floor, ceiling) == (10**7, 100 * 10**9)
    with reverts(project.L1SupplyReporter.OwnableUnauthorizedAccount, account=mallory.address):
        reporter.setMinGasPriceBid(floor, sender=mallory)
    for bad in (0, floor - 1, ceiling + 1, 2**256 - 1):
        with reverts(project.L1SupplyReporter.InvalidMinGasPriceBid, minGasPriceBid=bad):
            reporter.setMinGasPriceBid(bad, sender=governor)
    for good in (floor, ceiling):
        receipt = reporter.setMinGasPriceBid(good, sender=governor)
        (event,) = receipt.decode_logs(reporter.unwrapped.MinGasPriceBidSet)
        assert event.minGasPriceBid == reporter.minGasPriceBid() == good

    minter = bridge.l2_minter
    low, high = minter.MIN_MAX_REPORT_AGE(), minter.MAX_MAX_REPORT_AGE()
    assert (low, high, minter.DEFAULT_MAX_REPORT_AGE()) == (2 * 3600, 7 * 86_400, 6 * 3600)
    with reverts(project.L2Minter.OwnableUnauthorizedAccount, account=mallory.address):
        minter.setMaxReportAge(low, sender=mallory)
    for bad in (0, low - 1, high + 1, 2**256 - 1):
        with reverts(project.L2Minter.InvalidMaxReportAge, maxReportAge=bad):
            minter.setMaxReportAge(bad, sender=governor)
    for good in (low, high):
        receipt = minter.setMaxReportAge(good, sender=governor)
        (event,) = receipt.decode_logs(minter.unwrapped.MaxReportAgeSet)
        assert event.maxReportAge == minter.maxReportAge() == good


def test_inflation_applies_to_the_global_supply(chains, bridge, l1_token, alice, bob, governor, deliver):
    """An L1 BondingManager contract stands in for the L2 BondingManager (its total bonded is what counts)."""
    with chains.l2:
        stand_in = project.BondingManager.deploy(
            governor,
            bridge.l2_token.address,
            bridge.l2_minter.address,
            bridge.l2_rounds.address,
            7,
            100,
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
        ("L1SupplyReporter", lambda b, z: (b.governor, b.inbox, z, b.escrow, b.minter)),
        ("L1SupplyReporter", lambda b, z: (b.governor, b.inbox, b.token, z, b.minter)),
        ("L1SupplyReporter", lambda b, z: (b.governor, b.inbox, b.token, b.escrow, z)),
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
