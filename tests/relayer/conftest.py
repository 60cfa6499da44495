"""Fixtures of the relayer tests: a simulator and a pair of test endpoints per test process
(deployed before the per-test snapshot of both chains) and senders of messages both ways."""

import json

import pytest

from ape_livepeer_migration.arbitrum.simulator import simulator_deployment
from shared_fixtures import endpoints, relayer, simulator_fixture  # noqa: F401 (endpoints, relayer: fixtures)

GAS_LIMIT = 300_000
MAX_FEE_PER_GAS = 10**10  # 10 gwei: above the local L2's base fee, so tickets auto-redeem
MAX_SUBMISSION_COST = 10**15


sim = simulator_fixture(confirm_period_blocks=20)


@pytest.fixture
def deployment_file(sim, tmp_path):
    path = tmp_path / "deployment.json"
    path.write_text(json.dumps(simulator_deployment(sim)))
    return path


@pytest.fixture
def send_to_l2(chains, endpoints, accounts):
    """Send ``payload`` L1 -> L2; ``fails=True`` pays no gas, so the ticket is not auto-redeemed."""
    l1_endpoint, _ = endpoints
    user = accounts[1]

    def send(payload: bytes, fails: bool = False):
        gas_limit, fee = (0, 0) if fails else (GAS_LIMIT, MAX_FEE_PER_GAS)
        return l1_endpoint.sendToL2(
            payload, 0, (MAX_SUBMISSION_COST, gas_limit, fee), user.address, user.address,
            value=MAX_SUBMISSION_COST + gas_limit * fee, sender=user,
        )

    return send


@pytest.fixture
def send_to_l1(chains, endpoints, accounts):
    """Send ``payload`` L2 -> L1 through ArbSys."""
    _, l2_endpoint = endpoints
    return lambda payload: l2_endpoint.sendToL1(payload, sender=accounts[3])


@pytest.fixture(scope="package")
def event_payloads():
    """``(chain, address, signature) ->`` the trailing ``bytes`` argument of every such event."""
    return _event_payloads


def _event_payloads(chain, address, signature):
    from eth_abi import decode
    from eth_utils import keccak

    logs = chain.provider.make_request(
        "eth_getLogs",
        [{"address": str(address), "topics": ["0x" + keccak(text=signature).hex()],
          "fromBlock": "0x0", "toBlock": "latest"}],
    )
    types = signature[signature.index("(") + 1 : -1].split(",")
    return [decode(types, bytes.fromhex(log["data"][2:]))[-1] for log in logs]
