"""What several test areas share, each written once here: constants, fixtures and the helpers that go with them.

An area's conftest imports the fixtures it uses; a package-scoped fixture then belongs to that area (pytest registers
it where it is found), so each area deploys its own simulator inside ``two_chains.isolated()`` and undoes it at its
end (the root conftest fails a test that runs with a simulator left outside any isolation).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from ape import project

from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.relayer.core import Relayer
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend

LPT = 10**18
MAX_UINT = 2**256 - 1
#: Short rounds keep the tests fast: 40 blocks, the last 4 (10%) locked.
ROUND_LENGTH = 40
#: L1 LPT each holder gets at deployment in the areas that deploy the protocol.
GENESIS_BALANCE = 1_000_000 * LPT


def account_fixture(index: int):
    """A package fixture giving the session's test account ``index`` (``governor = account_fixture(0)``)."""

    @pytest.fixture(scope="package")
    def account(accounts):
        return accounts[index]

    return account


def simulator_fixture(**options):
    """A package fixture ``sim``: an Arbitrum simulator operated by ``operator`` (``options`` go to
    :func:`~ape_livepeer_migration.arbitrum.simulator.deploy_simulator`), undone at the end of the package: its L2
    precompiles are per chain, and the pair may serve other areas' files next (--dist loadfile)."""

    @pytest.fixture(scope="package")
    def sim(two_chains, operator):
        with two_chains.isolated():
            yield sim_api.deploy_simulator(two_chains, operator, **options)

    return sim


@pytest.fixture(scope="package")
def endpoints(two_chains, sim, accounts):
    """(L1 endpoint, L2 endpoint) of the simulator's messaging, each the other's counterpart; different addresses."""
    with two_chains.l1:
        l1 = two_chains.l1.bind(project.TestL1Endpoint.deploy(sim.inbox.address, sender=accounts[0]))
    with two_chains.l2:
        l2 = two_chains.l2.bind(project.TestL2Endpoint.deploy(sender=accounts[2]))
    assert l1.address != l2.address
    l1.setCounterpart(l2.address, sender=accounts[0])
    l2.setCounterpart(l1.address, sender=accounts[2])
    return l1, l2


@pytest.fixture
def relayer(chains, sim, tmp_path):
    """A relayer over ``sim`` (fast-forwarding the challenge period) journaled in the test's own directory."""
    relayer = Relayer.open(SimulatorBackend(sim), tmp_path / "relay.db", fast_forward=True)
    yield relayer
    relayer.journal.close()


#: The project's root: the working directory of the processes the tests start.
ROOT = Path(__file__).resolve().parents[1]
#: The environment of those processes: the package imported from this checkout.
PROCESS_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def relayer_argv(chains, deployment_file: Path, journal: Path, *options: str) -> list[str]:
    """The arguments of ``python -m ape_livepeer_migration.relayer`` on the test's chains, as test:9 (the
    simulator's operator), polling every 50 ms, then ``options``."""
    return [
        "--l1-rpc",
        chains.l1.provider.uri,
        "--l2-rpc",
        chains.l2.provider.uri,
        "--deployment",
        str(deployment_file),
        "--journal",
        str(journal),
        "--operator",
        "test:9",
        "--poll-interval",
        "0.05",
        *options,
    ]


def read_until(process: subprocess.Popen, prefix: str, timeout: float = 60.0) -> tuple[str, list[str]]:
    """Lines of ``process`` up to the first starting with ``prefix``: (that line, the ones before)."""
    before = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([process.stdout], [], [], left)[0]:
            break
        line = process.stdout.readline()
        if line == "":
            raise RuntimeError(f"process exited with {process.wait()} before {prefix!r}")
        if line.startswith(prefix):
            return line.strip(), before
        before.append(line)
    raise TimeoutError(f"no {prefix!r} within {timeout} s")


@contextmanager
def relayer_process(chains, sim, tmp_path: Path, *options: str) -> Iterator[subprocess.Popen]:
    """``python -m ape_livepeer_migration.relayer`` watching ``sim``'s messages on the test's chains (journaled in
    ``tmp_path``, with ``options``), once it said ``ready``; ended (SIGTERM) after the ``with`` block."""
    from ape_livepeer_migration.arbitrum.simulator.deploy import simulator_deployment

    deployment_file = tmp_path / "deployment.json"
    deployment_file.write_text(json.dumps(simulator_deployment(sim)))
    argv = relayer_argv(chains, deployment_file, tmp_path / "relay.db", *options)
    process = subprocess.Popen(
        [sys.executable, "-m", "ape_livepeer_migration.relayer", *argv],
        cwd=ROOT,
        env=PROCESS_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        read_until(process, "ready")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()


def next_pass(process: subprocess.Popen, timeout: float = 60.0) -> dict:
    """The report of the relayer process's next pass that did something (its next JSON line)."""
    return json.loads(read_until(process, "{", timeout)[0])


def run_until_idle(relayer) -> list:
    """Relayer passes until one finds nothing to do; returns the reports of the passes that did something."""
    reports = []
    while not (report := relayer.relay_once()).idle:
        reports.append(report)
    return reports


@pytest.fixture
def deliver(chains, sim):
    """``deliver(receipt)``: deliver on L2 the one retryable an L1 receipt created; returns its DeliveryResult."""

    def run(receipt):
        (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
        return sim_api.deliver_retryable(sim, message)

    return run


def send_to_l2_fixture(max_submission_cost: int = 0, gas_limit: int = 200_000, max_fee_per_gas: int = 0):
    """A fixture ``send_to_l2``: send a payload from the L1 test endpoint (by test account 1 unless told otherwise)
    and return the RetryableMessage the Inbox recorded. The arguments are the area's default gas terms; a call may
    override each, and ``fails=True`` pays for no L2 execution (gas limit and fee 0), so that the ticket is not
    redeemed on delivery."""

    @pytest.fixture
    def send_to_l2(chains, sim, endpoints, accounts):
        l1_endpoint, _ = endpoints
        area_terms = {
            "max_submission_cost": max_submission_cost,
            "gas_limit": gas_limit,
            "max_fee_per_gas": max_fee_per_gas,
        }

        def send(
            payload=b"payload",
            l2_call_value=0,
            *,
            fails=False,
            value=None,
            refund=None,
            beneficiary=None,
            sender=None,
            **overrides,
        ):
            terms = {**area_terms, **{k: overrides.pop(k) for k in area_terms if k in overrides}}
            if fails:
                terms.update(gas_limit=0, max_fee_per_gas=0)
            if value is None:
                value = terms["max_submission_cost"] + l2_call_value + terms["gas_limit"] * terms["max_fee_per_gas"]
            sender = sender or accounts[1]
            receipt = l1_endpoint.sendToL2(
                payload,
                l2_call_value,
                (terms["max_submission_cost"], terms["gas_limit"], terms["max_fee_per_gas"]),
                refund or sender.address,
                beneficiary or sender.address,
                value=value,
                sender=sender,
                **overrides,
            )
            (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
            return message

        return send

    return send_to_l2
