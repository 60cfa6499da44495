"""Commands refuse, before sending anything, an account whose ETH does not cover the estimated cost of their
transactions (estimated gas x fee per gas x ``gas_margin``), saying what it has and what it needs in one line.

The local anvils run at a zero gas price; each test gives the layer a price so that the estimate is not zero, and
leaves the account a balance that is not zero either: an "any ETH at all" check would let it through.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from .conftest import LPT
from .test_operations import _one_line_error

NEEDS = re.compile(
    r"has [\d.,]+ ETH on (?P<layer>L[12]), (?P<what>.+) \((?P<gas>[\d,]+) gas at (?P<gwei>[\d.]+) gwei, "
    r"x(?P<margin>[\d.]+)\) needs about [\d.,]+ ETH \((?P<has>\d+) < (?P<needs>\d+) wei\)"
)
GWEI = 10**9
LITTLE = 10**9  # wei left to the account: some ETH, far less than any transaction at these prices


def _refused_for_eth(result, layer: str, what: str) -> int:
    """The command refused for ETH on ``layer`` with a consistent estimate; returns the estimated gas."""
    _one_line_error(result, 1, "needs about")
    found = NEEDS.search(" ".join(result.output.split()))
    assert found, result.output
    assert (found["layer"], found["what"], found["has"]) == (layer, what, str(LITTLE))
    gas = int(found["gas"].replace(",", ""))
    needs = int(found["needs"])
    assert needs == (gas * Decimal(found["gwei"]) * GWEI * Decimal(found["margin"])).to_integral_value("ROUND_CEILING")
    assert Decimal(found["margin"]) == Decimal("1.3")  # config.py's default gas_margin
    return gas


@pytest.fixture
def l2_gas_price(chains, monkeypatch):
    """Ape bids 10 gwei on the L2 (the provider's gas price setting), the fee per gas of an L2 transaction."""
    monkeypatch.setitem(chains.l2.provider.provider_settings, "gas_price", 10 * GWEI)
    return monkeypatch


@pytest.fixture
def l1_base_fee(chains):
    """The next L1 block's base fee at 1 gwei, back to 0 afterwards (a snapshot does not restore it)."""
    chains.l1.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(GWEI)])
    yield
    chains.l1.provider.make_request("anvil_setNextBlockBaseFeePerGas", ["0x0"])


def _bridged_in(run, world, amount="3"):
    assert run("bridge-in", amount, "--account", "test:4", "--yes").exit_code == 0
    assert run("relay", "--yes").exit_code == 0


def test_bridge_out_needs_the_estimated_l2_gas(run, world, chains, nonces, l2_gas_price):
    _bridged_in(run, world)
    chains.l2.provider.set_balance(world.d1.address, LITTLE)
    before = nonces(world.d1)
    # the gateway's allowance is short: the estimate covers approve() and then outboundTransfer()
    gas = _refused_for_eth(run("bridge-out", "1", "--account", "test:4", "--yes"), "L2", "the withdrawal")
    assert nonces(world.d1) == before
    l2_gas_price.undo()
    chains.l2.provider.set_balance(world.d1.address, 10**18)
    sent = run("bridge-out", "1", "--account", "test:4", "--yes", "--json")
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.output)["gas_used"] < gas  # outboundTransfer() alone, after its approve()


@pytest.mark.parametrize("initialized", [False, True], ids=["round-not-initialized", "round-initialized"])
def test_call_reward_estimates_what_it_will_send(
    run, lp, world, chains, reward_round, nonces, l2_gas_price, initialized
):
    """call-reward needs the gas of its one reward() call, which in a round nobody initialized yet covers the
    round's initialization too."""
    if initialized:
        lp.system.l2_rounds.initializeRound(sender=world.governor)
    chains.l2.provider.set_balance(world.o1.address, LITTLE)
    before = nonces(world.o1)
    gas = _refused_for_eth(run("call-reward", "--yes", "--account", "test:2"), "L2", "reward()")
    assert nonces(world.o1) == before
    l2_gas_price.undo()
    chains.l2.provider.set_balance(world.o1.address, 10**18)
    called = run("call-reward", "--yes", "--account", "test:2", "--json")
    assert called.exit_code == 0, called.output
    data = json.loads(called.output)
    assert data["initialized_round"] is not initialized
    assert data["round"] == lp.current_round("l2")  # from the NewRound event, else from the receipt's block
    assert data["gas_used"] <= gas <= data["gas_used"] * 1.5  # eth_estimateGas of the very call


def test_withdraw_fees_needs_the_estimated_gas(run, lp, world, chains, nonces, l2_gas_price, fresh_l2_round):
    s, broker = lp.system, world.operator
    s.l2_bonding_manager.setTicketBroker(broker.address, sender=world.governor)
    s.l2_bonding_manager.updateTranscoderWithFees(world.o1.address, 10**15, s.l2_rounds.currentRound(), sender=broker)
    s.l2_minter.depositETH(value=10**15, sender=broker)
    chains.l2.provider.set_balance(world.o1.address, LITTLE)
    before = nonces(world.o1)
    gas = _refused_for_eth(run("withdraw-fees", "--account", "test:2", "--yes"), "L2", "the withdrawal")
    assert nonces(world.o1) == before
    l2_gas_price.undo()
    chains.l2.provider.set_balance(world.o1.address, 10**18)
    sent = run("withdraw-fees", "--account", "test:2", "--yes", "--json")
    assert sent.exit_code == 0, sent.output
    used = json.loads(sent.output)["gas_used"]
    assert used <= gas <= used * 1.5


def test_finalize_needs_the_estimated_l1_gas(run, lp, world, chains, nonces, l1_base_fee):
    _bridged_in(run, world)
    assert run("bridge-out", "1", "--account", "test:4", "--yes").exit_code == 0
    assert run("bridge-out", "1", "--account", "test:4", "--yes").exit_code == 0
    run("relay", "--yes", "--no-fast-forward")
    (first, second) = lp.withdrawals(world.d1.address)
    chains.l1.mine(max(first.confirmable_at, second.confirmable_at) - chains.l1.block_number)
    assert {w.state for w in lp.withdrawals(world.d1.address)} == {"executable"}
    chains.l1.provider.set_balance(world.d1.address, LITTLE)
    before = nonces(world.d1)
    gas = _refused_for_eth(run("finalize", "--account", "test:4", "--yes"), "L1", "finalizing 2 withdrawal(s)")
    assert nonces(world.d1) == before
    assert lp.system.l1.token.balanceOf(world.d1.address) == 10_000 * LPT - 600 * LPT - 3 * LPT
    chains.l1.provider.set_balance(world.d1.address, 10**18)
    done = run("finalize", "--account", "test:4", "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert len(json.loads(done.output)) == 2 and gas > 0


def test_an_estimate_that_reverts_is_refused_in_one_line(lp, world, chains):
    from ape_livepeer_migration.exceptions import LivepeerError
    from ape_livepeer_migration.session.preflight import Call

    s = lp.system
    with pytest.raises(LivepeerError, match=r"^reward\(\) would revert on L2: "):
        lp.estimate_gas("l2", world.d1.address, [Call(s.l2_bonding_manager, "reward")])
    sequence = [Call(s.l2_rounds, "currentRound"), Call(s.l2_bonding_manager, "reward")]
    with pytest.raises(LivepeerError, match=r"^reward\(\) would revert on L2: "):
        lp.estimate_gas("l2", world.d1.address, sequence)
