"""Shared fixtures: one local L1 + L2 pair per test process, isolated per test.

``two_chains`` is defined here, so its "package" is the whole of tests/: a
worker (``--dist loadfile``) runs every file it gets, of any area, on one pair.
The Arbitrum simulator lives at fixed L2 addresses (ArbSys 0x64,
ArbRetryableTx 0x6E) whose storage outlives a new deployment, and
``deploy_simulator`` refuses an L2 that already holds one: an area fixture that
deploys a simulator (or a system with one) does so inside
``two_chains.isolated()``, so that the pair is clean again for the next area.
:func:`_no_simulator_outside_isolation` holds every test to that: a test that
starts or ends with a simulator on the shared L2 and no isolation open fails.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from ape_livepeer_migration.arbitrum.simulator import ARB_SYS_ADDRESS
from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.chains.provider import free_ports, port_is_listening

# A downstream Ape project of its own: tests/test_installable.py runs its tests with the plugin installed from a wheel.
collect_ignore = ["outside_project"]


class _CountedIsolation(TwoChains):
    """A pair that knows how many ``isolated()`` blocks are open on it."""

    open_isolations = 0

    @contextmanager
    def isolated(self):
        self.open_isolations += 1
        try:
            with super().isolated():
                yield self
        finally:
            self.open_isolations -= 1


#: The pair of ``two_chains`` once a test asked for it (the isolation check reads it and never starts one).
_shared_pair: list[_CountedIsolation] = []


@pytest.fixture(scope="session")
def two_chains():
    """The local L1 and L2 anvils of this test process (free ports), shared by every test area it runs.

    An area that deploys something the next area must not find (the simulator's precompiles at fixed L2
    addresses) deploys it inside ``two_chains.isolated()`` in its package fixture, so that it is gone afterwards.
    """
    with _CountedIsolation.local() as pair:
        _shared_pair.append(pair)
        yield pair
        _shared_pair.clear()


def _require_no_simulator_outside_isolation(when: str) -> None:
    if not _shared_pair or _shared_pair[0].open_isolations:
        return
    if _shared_pair[0].l2.get_code(ARB_SYS_ADDRESS):
        pytest.fail(
            f"an Arbitrum simulator is on the shared L2 {when} this test with no two_chains.isolated() open: the "
            "fixture or test that deployed it must do so inside two_chains.isolated(), or the next area to deploy "
            "one on this pair finds its precompiles taken",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _no_simulator_outside_isolation():
    """Fail a test that starts (after its package and module fixtures) or ends with a simulator left on the shared
    L2 outside any ``two_chains.isolated()`` block."""
    _require_no_simulator_outside_isolation("before")
    yield
    _require_no_simulator_outside_isolation("after")


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


#: The test account that operates the Arbitrum simulator in every area that deploys one.
OPERATOR_INDEX = 9


@pytest.fixture(scope="session")
def operator(accounts):
    """The Arbitrum simulator's operator (delivers retryables, asserts send roots)."""
    return accounts[OPERATOR_INDEX]


@pytest.fixture
def set_base_fee(chains):
    """``set_base_fee(chain, wei)``: give the next block of a layer a base fee (the local anvils run at base fee 0).

    anvil keeps its base fee outside the state that snapshots restore: both layers are put back to base fee 0
    after the test.
    """

    def set_fee(chain, wei):
        chain.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(wei)])

    yield set_fee
    for chain in chains.layers:
        set_fee(chain, 0)


@contextmanager
def _chains_process(args, ports, env=None):
    """`ape livepeer ARGS` (a `chains` command) in its own process until its nodes listen on ``ports``; stopped
    with SIGINT (what Ctrl-C does: the command stops both anvils) when the block ends. ``env`` adds variables."""
    root = Path(__file__).resolve().parents[1]
    ape = Path(sys.executable).with_name("ape")
    command = [str(ape), "livepeer", *map(str, args)]
    full_env = {**os.environ, "PYTHONPATH": str(root), **(env or {})}
    process = subprocess.Popen(
        command, cwd=root, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not all(map(port_is_listening, ports)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`{' '.join(command[1:])}` did not come up:\n{process.stdout.read()}")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def chains_process():
    """``with chains_process(args, ports, env):``: `ape livepeer ARGS` holding nodes on ``ports`` in its own process
    (see :func:`_chains_process`)."""
    return _chains_process


@pytest.fixture(scope="module")
def running_pair():
    """`ape livepeer chains` in its own process, on free ports; yields (l1_port, l2_port)."""
    ports = free_ports(2)
    with _chains_process(["chains", "--l1-port", ports[0], "--l2-port", ports[1]], ports):
        yield ports
