"""What the commands print: counts and ids that cannot be mistaken for each other."""

from __future__ import annotations

import json

from .conftest import LPT

# ---------------------------------------------------------------------------- relay's counts and ids


def test_relay_prints_a_count_then_the_message_ids(run, lp, world):
    lp.bridge_in(world.d1, LPT)
    lp.bridge_in(world.d1, 2 * LPT)
    result = run("relay")
    assert result.exit_code == 0, result.output
    # o1's migration was message #0; the two deposits are #1 and #2
    assert result.output.splitlines() == ["L1->L2 delivered 2 (#1, #2)"]
    lp.bridge_out(world.d1, LPT)
    relayed = run("relay", "--no-fast-forward").output.splitlines()
    assert [line for line in relayed if not line.startswith("INFO:")] == ["L2->L1 waiting for confirmation 1 (#0)"]


def test_relay_json_lists_the_ids(run, lp, world):
    lp.bridge_in(world.d1, LPT)
    report = json.loads(run("relay", "--json").output)
    assert report["delivered"] == [1] and report["seen_l1"] == [1]
