"""An Ape project of its own on a local pair, driven from outside as a user drives it: ``ape livepeer chains``
running in the background, every other command run in the project's folder.

What a user does there first, after the README: deploy (:data:`README_DEPLOY`), then make ``test:1`` an active L1
orchestrator in ``ape console`` (:data:`BECOME_ORCHESTRATOR`). The wheel's test (tests/test_installable.py) and the
bench of where a user waits (bench/user_wait.py) both start from there.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from ape_livepeer_migration.chains.provider import free_ports, port_is_listening
from ape_livepeer_migration.exceptions import NodeNotRunningError

#: Ape's test account 1, the orchestrator of the README's walk-through.
ORCHESTRATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

#: The README's deploy command (after ``ape``): 10,000 LPT for test:1, 50-block rounds on both layers.
README_DEPLOY = (
    *("livepeer", "deploy", "--account", "test:0", "--operator", "test:9", "--round-length", "50"),
    *("--genesis", f"{ORCHESTRATOR}=10000", "--yes"),
)

#: ``ape console`` input in a project whose console extras give ``livepeer`` (the README's extras line): test:1
#: bonds 5,000 LPT to itself on L1 and becomes an active orchestrator from the next round on.
BECOME_ORCHESTRATOR = """
from ape_livepeer_migration.testing.rounds import next_round
o = accounts.test_accounts[1]
s, l1 = livepeer.system, livepeer.chains.l1
bm = s.l1.bonding_manager
next_round(l1, s.l1.rounds, o)
s.l1.token.approve(bm.address, 5_000 * 10**18, sender=o)
bm.bond(5_000 * 10**18, o.address, sender=o)
bm.transcoder(100_000, 500_000, sender=o)
next_round(l1, s.l1.rounds, o)
"""


def copy_project(source: Path, target: Path) -> tuple[int, int]:
    """Copy the Ape project at ``source`` to ``target`` (without caches and build output) and give its local pair
    two free ports in its ``ape-config.yaml``, so that it never meets another pair on this machine; returns
    ``(l1_port, l2_port)``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".build", ".pytest_cache"))
    config_file = target / "ape-config.yaml"
    config = yaml.safe_load(config_file.read_text()) if config_file.exists() else {}
    l1_port, l2_port = free_ports(2)
    config.setdefault("livepeer_migration", {})["local"] = {"l1_port": l1_port, "l2_port": l2_port}
    config_file.write_text(yaml.safe_dump(config))
    return l1_port, l2_port


@contextmanager
def running_pair(
    project: Path, ports: Sequence[int], env: Mapping[str, str], ape: str = "ape", timeout: float = 60
) -> Iterator[subprocess.Popen]:
    """``ape livepeer chains`` running in ``project`` (``ape``: the command, found on ``env``'s ``PATH`` unless a
    path) until the ``with`` block ends, then stopped with Ctrl-C (SIGINT) as a user stops it; yields the process
    once both ``ports`` take connections."""
    chains = subprocess.Popen(
        [ape, "livepeer", "chains"],
        cwd=project,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not all(map(port_is_listening, ports)):
            if chains.poll() is not None or time.monotonic() > deadline:
                chains.kill()
                raise NodeNotRunningError(f"`ape livepeer chains` did not start the pair:\n{chains.communicate()[0]}")
            time.sleep(0.05)
        yield chains
    finally:
        if chains.poll() is None:
            os.killpg(chains.pid, signal.SIGINT)
            try:
                chains.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(chains.pid, signal.SIGKILL)
                chains.wait()
