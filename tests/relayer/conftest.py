"""Fixtures of the relayer tests: a simulator and a pair of test endpoints per test process
(deployed before the per-test snapshot of both chains) and senders of messages both ways."""

import json

import pytest
from shared import endpoints, relayer, send_to_l2_fixture, simulator_fixture  # noqa: F401 (endpoints, relayer)

from ape_livepeer_migration.arbitrum.simulator.deploy import simulator_deployment

sim = simulator_fixture(confirm_period_blocks=20)
#: 10 gwei per L2 gas: above the local L2's base fee, so tickets auto-redeem unless sent with ``fails=True``.
send_to_l2 = send_to_l2_fixture(max_submission_cost=10**15, gas_limit=300_000, max_fee_per_gas=10**10)


@pytest.fixture
def deployment_file(sim, tmp_path):
    path = tmp_path / "deployment.json"
    path.write_text(json.dumps(simulator_deployment(sim)))
    return path


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
        [
            {
                "address": str(address),
                "topics": ["0x" + keccak(text=signature).hex()],
                "fromBlock": "0x0",
                "toBlock": "latest",
            }
        ],
    )
    types = signature[signature.index("(") + 1 : -1].split(",")
    return [decode(types, bytes.fromhex(log["data"][2:]))[-1] for log in logs]
