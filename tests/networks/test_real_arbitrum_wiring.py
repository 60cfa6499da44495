"""``deploy_system(..., arbitrum=...)``: the system wired to a real Arbitrum's contracts instead of the simulator.

Offline, the forks of the stand-in upstreams get code at Arbitrum One's real addresses (``plant_arbitrum_one``,
undone after each test). That checks the preflight and the exact constructor wiring; no message is sent here
(tests/networks/test_fork_deploy.py sends some through the planted Inbox).
"""

import pytest

from ape_livepeer_migration.arbitrum.simulator import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS
from ape_livepeer_migration.bridge.system import deploy_system
from ape_livepeer_migration.chains.networks import ARBITRUM_ONE
from ape_livepeer_migration.exceptions import ArbitrumNotFoundError

from .conftest import nonces, plant_arbitrum_one, real_forks, set_code

OTHER_BRIDGE = "0x" + "ab" * 20


@pytest.fixture
def forked(forks):
    with forks.isolated():
        yield forks


def test_every_contract_is_wired_to_the_real_inbox_and_no_simulator_is_deployed(forked, upstreams, accounts):
    deployer = accounts[0]
    plant_arbitrum_one(forked, upstreams, deployer)
    precompiles = {address: forked.l2.get_code(address) for address in (ARB_SYS_ADDRESS, ARB_RETRYABLE_TX_ADDRESS)}
    s = deploy_system(forked, deployer, arbitrum=ARBITRUM_ONE, genesis={accounts[1].address: 10**21})
    assert s.sim is None
    assert s.bridge.inbox == ARBITRUM_ONE.inbox
    assert s.bridge.l1_gateway.inbox() == ARBITRUM_ONE.inbox
    assert s.bridge.l1_supply_reporter.inbox() == ARBITRUM_ONE.inbox
    assert s.l1_migrator.gateway() == s.bridge.l1_gateway.address
    assert s.l1_migrator.l2Migrator() == s.l2_migrator.address
    assert s.bridge.l1_gateway.counterpartGateway() == s.bridge.l2_gateway.address
    assert s.bridge.l2_gateway.counterpartGateway() == s.bridge.l1_gateway.address
    assert s.l1.token.balanceOf(accounts[1].address) == 10**21
    # nothing planted over the L2's precompile addresses
    assert {address: forked.l2.get_code(address) for address in precompiles} == precompiles


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("inbox", f"the L1 \\(chain 1\\) has no contract at Arbitrum's Inbox {ARBITRUM_ONE.inbox}"),
        ("bridge", f"has no contract at Arbitrum's Bridge {ARBITRUM_ONE.bridge}"),
        ("outbox", f"has no contract at Arbitrum's Outbox {ARBITRUM_ONE.outbox}"),
        ("arb_sys", f"the L2 \\(chain 42161\\) has no contract at Arbitrum's ArbSys {ARB_SYS_ADDRESS}"),
    ],
)
def test_chains_without_the_real_contracts_are_refused_before_anything_is_sent(
    forked, upstreams, accounts, missing, message
):
    deployer = accounts[0]
    plant_arbitrum_one(forked, upstreams, deployer)
    where = {"inbox": ARBITRUM_ONE.inbox, "bridge": ARBITRUM_ONE.bridge, "outbox": ARBITRUM_ONE.outbox}
    if missing == "arb_sys":
        set_code(forked.l2, ARB_SYS_ADDRESS, b"")
    else:
        set_code(forked.l1, where[missing], b"")
    before = nonces(forked, deployer)
    with pytest.raises(ArbitrumNotFoundError, match=message):
        deploy_system(forked, deployer, arbitrum=ARBITRUM_ONE)
    assert nonces(forked, deployer) == before


def test_an_inbox_of_another_bridge_is_refused(forked, upstreams, accounts):
    deployer = accounts[0]
    plant_arbitrum_one(forked, upstreams, deployer, bridge_of_inbox=OTHER_BRIDGE)
    before = nonces(forked, deployer)
    with pytest.raises(
        ArbitrumNotFoundError, match=f"reports the bridge {OTHER_BRIDGE}, expected {ARBITRUM_ONE.bridge}"
    ):
        deploy_system(forked, deployer, arbitrum=ARBITRUM_ONE)
    assert nonces(forked, deployer) == before


def test_the_forks_as_they_are_hold_no_arbitrum_one(forks, accounts):
    """The stand-in upstreams carry Arbitrum One's chain ids but none of its contracts."""
    with pytest.raises(ArbitrumNotFoundError, match="has no contract at Arbitrum's Inbox"):
        deploy_system(forks, accounts[0], arbitrum=ARBITRUM_ONE)


def test_a_simulator_and_a_real_arbitrum_do_not_mix(forks, accounts):
    with pytest.raises(TypeError, match="has no simulator"):
        deploy_system(forks, accounts[0], arbitrum=ARBITRUM_ONE, operator=accounts[9])


def test_on_real_forks_the_system_is_wired_to_arbitrum_one(accounts):
    """Runs only with both REAL_UPSTREAMS set (see ``real_forks``).

    On real forks the Inbox, Bridge and Outbox are Arbitrum One's own, storage included, so the preflight checks
    the real ``Inbox.bridge()``. Deploying sends only to the forks.
    """
    with real_forks() as real:
        s = deploy_system(real, accounts[0], arbitrum=ARBITRUM_ONE)
        assert s.bridge.l1_gateway.inbox() == ARBITRUM_ONE.inbox
        assert s.bridge.l1_supply_reporter.inbox() == ARBITRUM_ONE.inbox
