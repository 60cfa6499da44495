"""Kill the relayer process (SIGKILL) at random moments, over and over, and check on both
chains that every message was delivered exactly once.

The test process owns the two anvils and the simulator; the relayer runs in
other processes attached to the anvils' RPC URLs (ape-foundry connects to a
running anvil instead of starting one), so it talks to the chains exactly as a
deployed relayer would. The killed runs are forked by relayer_forkserver.py
(imports paid once; each child runs the same ``main(argv)`` as
``python -m ape_livepeer_migration.relayer``); the last run is that command. Between runs the test sends
more messages both ways; each run is killed a random time after it reported
"ready", which lands inside scans, deliveries, root assertions, fast-forwards
and Outbox executions alike. A last run is left to finish. Then: each L2 call
happened once per sent payload, each L1 call once per L2 send, every failed
ticket is still redeemable, the Outbox spent every position, and the journal
holds exactly one final state per message.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from shared import PROCESS_ENV, ROOT, read_until, relayer_argv

from ape_livepeer_migration._eth import event_topic, hex_text
from ape_livepeer_migration.relayer.journal import Direction, Journal, Status
from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend

SEED = 20261121
KILLS = 55
MESSAGES_PER_DIRECTION = 48
FAIL_EVERY = 6  # every 6th L1 -> L2 message pays no gas: its ticket must stay redeemable
KILL_WINDOW = (0.0, 0.9)  # seconds after "ready"


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    chains, sim, endpoints, deployment_file, tmp_path, send_to_l2, send_to_l1, event_payloads
):
    rng = random.Random(SEED)
    journal_path = tmp_path / "relay.db"
    to_l2: list[bytes] = []
    to_l1: list[bytes] = []

    def send_some():
        for _ in range(rng.randint(0, 3)):
            if len(to_l2) < MESSAGES_PER_DIRECTION:
                payload = f"l1->l2 #{len(to_l2)}".encode()
                send_to_l2(payload, fails=len(to_l2) % FAIL_EVERY == FAIL_EVERY - 1)
                to_l2.append(payload)
        for _ in range(rng.randint(0, 3)):
            if len(to_l1) < MESSAGES_PER_DIRECTION:
                payload = f"l2->l1 #{len(to_l1)}".encode()
                send_to_l1(payload)
                to_l1.append(payload)

    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("relayer_forkserver.py"))],
        cwd=ROOT,
        env=PROCESS_ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    kills = 0
    argv = json.dumps(relayer_argv(chains, deployment_file, journal_path, "--fast-forward"))
    try:
        while kills < KILLS:
            send_some()
            server.stdin.write(argv + "\n")
            server.stdin.flush()
            pid = int(read_until(server, "forked ")[0].split()[1])
            read_until(server, "ready")
            time.sleep(rng.uniform(*KILL_WINDOW))
            os.kill(pid, signal.SIGKILL)  # a relayer that had exited would make read_until fail
            status, _ = read_until(server, f"exited {pid} ")
            assert os.WIFSIGNALED(int(status.split()[2])), "the relayer ended by itself"
            kills += 1
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        server.stdout.close()
    while len(to_l2) < MESSAGES_PER_DIRECTION or len(to_l1) < MESSAGES_PER_DIRECTION:
        send_some()

    journal = Journal(journal_path, SimulatorBackend(sim).deployment())
    handled_by_killed_runs = sum(
        r.status is not Status.READY and r.status is not Status.WAITING for r in journal.messages()
    )

    # The last run, the real command, is left alone until everything is final.
    final = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ape_livepeer_migration.relayer",
            *relayer_argv(chains, deployment_file, journal_path, "--fast-forward"),
        ],
        cwd=ROOT,
        env=PROCESS_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    read_until(final, "ready")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        records = journal.messages()
        if len(records) == 2 * MESSAGES_PER_DIRECTION and all(
            r.status.is_final or r.status is Status.FAILED for r in records
        ):
            break
        time.sleep(0.2)
    final.send_signal(signal.SIGTERM)
    final.wait(timeout=30)
    final.stdout.close()

    l1_endpoint, l2_endpoint = endpoints
    expected_on_l2 = [p for i, p in enumerate(to_l2) if i % FAIL_EVERY != FAIL_EVERY - 1]
    received_on_l2 = event_payloads(chains.l2, l2_endpoint.address, "ReceivedFromL1(uint256,uint256,bytes)")
    assert Counter(received_on_l2) == Counter(expected_on_l2)
    assert received_on_l2 == expected_on_l2  # and in message order
    received_on_l1 = event_payloads(chains.l1, l1_endpoint.address, "ReceivedFromL2(uint256,bytes)")
    assert Counter(received_on_l1) == Counter(to_l1)
    assert int(l2_endpoint.receivedCount()) == len(expected_on_l2)
    assert int(l1_endpoint.receivedCount()) == len(to_l1)

    # One submission per request on L2, every position spent on L1.
    submitted = chains.l2.provider.make_request(
        "eth_getLogs",
        [
            {
                "address": str(sim.arb_retryable_tx.address),
                "fromBlock": "0x0",
                "toBlock": "latest",
                "topics": [hex_text(event_topic("RetryableSubmitted(bytes32,bytes32,bool)"))],
            }
        ],
    )
    assert sorted(int(log["topics"][1], 16) for log in submitted) == list(range(MESSAGES_PER_DIRECTION))
    assert all(sim.outbox.isSpent(position) for position in range(MESSAGES_PER_DIRECTION))

    assert kills == KILLS
    assert handled_by_killed_runs > MESSAGES_PER_DIRECTION  # the killed runs relayed, not only started
    by_status = Counter((r.direction, r.status) for r in journal.messages())
    failing = MESSAGES_PER_DIRECTION // FAIL_EVERY
    assert by_status == {
        (Direction.L1_TO_L2, Status.DELIVERED): MESSAGES_PER_DIRECTION - failing,
        (Direction.L1_TO_L2, Status.FAILED): failing,
        (Direction.L2_TO_L1, Status.DONE): MESSAGES_PER_DIRECTION,
    }
    for record in journal.messages(Direction.L1_TO_L2, (Status.FAILED,)):
        assert sim.arb_retryable_tx.isLive(bytes.fromhex(record.ticket_id[2:]))
    for record in journal.messages():
        history = journal.transitions(record.direction, record.id)
        assert sum(status.is_final or status is Status.FAILED for status in history) == 1, history
    journal.close()
