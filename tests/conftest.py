"""Shared fixtures: one local L1 + L2 pair per test process, isolated per test.

``two_chains`` is defined here, so its "package" is the whole of tests/: a
worker (``--dist loadfile``) runs every file it gets, of any area, on one pair.
The Arbitrum simulator lives at fixed L2 addresses (ArbSys 0x64,
ArbRetryableTx 0x6E) whose storage outlives a new deployment, and
``deploy_simulator`` refuses an L2 that already holds one: an area fixture that
deploys a simulator (or a system with one) does so inside
``two_chains.isolated()``, so that the pair is clean again for the next area.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ape_livepeer_migration.chains import TwoChains, free_port, port_is_listening


@pytest.fixture(scope="session")
def two_chains():
    """The local L1 and L2 anvils of this test process (free ports), shared by every test area it runs.

    An area that deploys something the next area must not find (the simulator's precompiles at fixed L2
    addresses) deploys it inside ``two_chains.isolated()`` in its package fixture, so that it is gone afterwards.
    """
    with TwoChains.local() as pair:
        yield pair


@pytest.fixture
def chains(two_chains):
    """The two chains, with everything a test does on either of them undone afterwards.

    Package fixtures that deploy come before this one (they do by scope), so
    their state is in the snapshot.
    """
    with two_chains.isolated():
        yield two_chains


@pytest.fixture(scope="session")
def accounts():
    from ape import accounts as ape_accounts

    return ape_accounts.test_accounts


@pytest.fixture(scope="module")
def running_pair():
    """`ape livepeer chains` in its own process, on free ports; yields (l1_port, l2_port)."""
    root = Path(__file__).resolve().parents[1]
    ports = free_port(), free_port()
    ape = Path(sys.executable).with_name("ape")
    command = [str(ape), "livepeer", "chains", "--l1-port", str(ports[0]), "--l2-port", str(ports[1])]
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not all(map(port_is_listening, ports)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`ape livepeer chains` did not come up:\n{process.stdout.read()}")
            time.sleep(0.2)
        yield ports
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does: the command stops both anvils
        process.wait(timeout=30)
