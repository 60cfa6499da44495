"""``ape livepeer deploy`` as a user runs it, a process on running chains: its progress in a terminal and in a pipe,
the README's command run twice, and Ctrl-C (a real SIGINT) in the middle of ``deploy --fresh``."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

APE = Path(sys.executable).with_name("ape")
ORCHESTRATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # test:1
#: The README's deploy command.
README_DEPLOY = (
    f"livepeer deploy --account test:0 --operator test:9 --round-length 50 --genesis {ORCHESTRATOR}=10000 --yes"
).split()


@pytest.fixture
def project(two_chains, tmp_path):
    """``(env, folder)``: an Ape project whose local pair is this test process's pair (inside an isolation, so the
    simulator deployed here is gone afterwards)."""
    (tmp_path / "ape-config.yaml").write_text("name: deploy-process\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("APE_LIVEPEER_")}
    env["APE_LIVEPEER_LOCAL_L1_PORT"] = str(urlparse(two_chains.l1.provider.uri).port)
    env["APE_LIVEPEER_LOCAL_L2_PORT"] = str(urlparse(two_chains.l2.provider.uri).port)
    env["COLUMNS"] = "120"
    with two_chains.isolated():
        yield env, tmp_path


def ape(project, *args):
    env, folder = project
    return subprocess.run([str(APE), *args], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def in_a_terminal(project, *args) -> str:
    """What ``ape *args`` writes to a terminal (a pseudo-terminal: rich draws its live display there)."""
    env, folder = project
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(APE), *args], cwd=folder, env=env, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, output.decode()
    return output.decode()


def entries(book: Path) -> dict:
    return json.loads(book.read_text())["entries"]


def test_deploy_progress_then_again_then_interrupted_fresh(project, two_chains):
    env, folder = project
    book = folder / ".build" / "livepeer" / "local.json"
    deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # test:0

    # piped: one line per step as it ends, none of Ape's per-transaction log lines
    first = ape(project, *README_DEPLOY)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert re.fullmatch(r"simulator: deployed \d:\d\d:\d\d", lines[0]), first.stdout
    assert re.fullmatch(r"system: deployed \d:\d\d:\d\d", lines[1]) and lines[2] == f"Address book: {book}"
    assert "INFO" not in first.stdout + first.stderr and "SUCCESS" not in first.stdout + first.stderr
    old = entries(book)

    # the README's command again: nothing sent, said so, exit 0
    nonces = [chain.provider.get_nonce(deployer) for chain in two_chains.layers]
    again = ape(project, *README_DEPLOY)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"The system is already deployed ({book} records every step): nothing sent")
    assert "simulator: already recorded\nsystem: already recorded\n" in again.stdout
    assert [chain.provider.get_nonce(deployer) for chain in two_chains.layers] == nonces
    assert entries(book) == old

    # Ctrl-C once the new system's first transactions are out
    fresh = subprocess.Popen(
        [str(APE), "livepeer", "deploy", "--account", "test:0", "--fresh", "--yes"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    sent_before = two_chains.l1.provider.get_nonce(deployer)
    deadline = time.monotonic() + 60
    while two_chains.l1.provider.get_nonce(deployer) == sent_before:
        assert fresh.poll() is None and time.monotonic() < deadline, fresh.communicate()[0]
        time.sleep(0.005)
    fresh.send_signal(signal.SIGINT)
    output, _ = fresh.communicate(timeout=60)
    assert fresh.returncode != 0, output
    (kept,) = book.parent.glob("local.json.replaced-*")
    assert output.splitlines()[0] == f"The address book as it was is kept in {kept}."
    assert output.splitlines()[1] == "simulator: already recorded", output
    assert re.fullmatch(r"system: not finished \d:\d\d:\d\d", output.splitlines()[2]), output
    assert "Traceback" not in output
    assert entries(kept) == old  # the old deployment's record survives
    interrupted = entries(book)
    assert interrupted["simulator"] == old["simulator"] and interrupted["system"]["state"] == "started"

    # a re-run says what happened; --redo-interrupted finishes it (in a terminal: a live display, no log lines)
    blocked = ape(project, "livepeer", "deploy", "--account", "test:0", "--yes")
    assert blocked.returncode == 1 and "the deploy step 'system' started earlier" in blocked.stderr
    assert "--redo-interrupted" in blocked.stderr
    shown = in_a_terminal(project, "livepeer", "deploy", "--account", "test:0", "--redo-interrupted", "--yes")
    assert "deploying system" in shown and "system: deployed" in shown
    assert "INFO" not in shown and "Confirmed" not in shown
    redone = entries(book)["system"]
    assert redone["state"] == "done" and redone["value"]["l1_migrator"] != old["system"]["value"]["l1_migrator"]
