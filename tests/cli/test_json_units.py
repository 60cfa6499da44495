"""One unit convention in every command's ``--json``: LPT and ETH amounts (and fees per gas) are integer strings of
wei under keys ending in ``_wei``; no key names a whole-token unit (``*_lpt``, ``*_eth``, ``*_gwei``) and no value
is decimal text of an amount."""

from __future__ import annotations

import json
import re

from .conftest import LPT

O1, O2, D1, D3 = "test:2", "test:3", "test:4", "test:6"
_DECIMAL_TEXT = re.compile(r"-?\d[\d,]*\.\d+")
_WHOLE_TOKEN_KEY = re.compile(r".*_(lpt|eth|gwei)$")
#: Keys whose values are not LPT or ETH amounts: exact percentages (text) and USD prices and values (numbers).
_NOT_AMOUNTS = re.compile(r".*(_percent|_percent_per_round|_usd)$")


def unit_mistakes(data, path: str = "") -> list[str]:
    """Where ``data`` (parsed JSON) breaks the convention, as ``path: why``."""
    mistakes = []
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}"
            if _WHOLE_TOKEN_KEY.fullmatch(key):
                mistakes.append(f"{where}: the key names a whole-token unit")
            if key.endswith("_wei"):  # an amount, or amounts per layer ({"l1": ..., "l2": ...})
                for amount in value.values() if isinstance(value, dict) else [value]:
                    if amount is not None and not _is_wei(amount):
                        mistakes.append(f"{where}: {amount!r} is not an integer string of wei")
            elif not _NOT_AMOUNTS.fullmatch(key):
                mistakes += unit_mistakes(value, where)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            mistakes += unit_mistakes(item, f"{path}[{index}]")
    elif isinstance(data, float):
        mistakes.append(f"{path}: {data!r} is a float")
    elif isinstance(data, str) and _DECIMAL_TEXT.fullmatch(data):
        mistakes.append(f"{path}: {data!r} is decimal text")
    return mistakes


def _is_wei(value) -> bool:
    return isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None


def test_the_walk_finds_each_kind_of_mistake():
    assert unit_mistakes({"amount_lpt": "1"}) == [".amount_lpt: the key names a whole-token unit"]
    assert unit_mistakes({"cost_wei": "0.5"}) == [".cost_wei: '0.5' is not an integer string of wei"]
    assert unit_mistakes({"cost_wei": 5}) == [".cost_wei: 5 is not an integer string of wei"]
    assert unit_mistakes({"l1": [{"x": "1.25"}]}) == [".l1[0].x: '1.25' is decimal text"]
    assert unit_mistakes({"x": 0.5}) == [".x: 0.5 is a float"]
    assert unit_mistakes({"lpt_wei": {"l1": "1.5", "l2": "2"}}) == [".lpt_wei: '1.5' is not an integer string of wei"]
    good = {
        "amount_wei": "1000",
        "eth_wei": {"l1": "1", "l2": "0"},
        "profit_lpt_wei": "-3",
        "reward_cut_percent": "2.5",
        "eth_usd": 3500.0,
        "gas": 9,
    }
    assert unit_mistakes(good) == []


def test_every_command_json_carries_integer_wei_under_wei_keys(run, world, everything_to_send):
    o2, d1, o1 = world.o2.address, world.d1.address, world.o1.address
    commands = [
        ("status", d1),
        ("status", o1),
        ("orchestrators",),
        ("orchestrators", "--layer", "l1"),
        ("profitability",),
        ("deploy", "--account", "test:0", "--yes"),  # the recorded deployment: sends nothing
        ("relay", "--dry-run"),
        ("migrate", "--account", O2, "--dry-run"),
        ("bridge-in", "1", "--account", D1, "--dry-run"),
        ("bridge-out", "1", "--account", D1, "--dry-run"),
        ("finalize", "--account", D1, "--dry-run"),
        ("call-reward", "--account", O1, "--dry-run"),
        ("withdraw-fees", "--account", O1, "--dry-run"),
        ("bond", "1", "--to", o2, "--account", D3, "--layer", "l1", "--dry-run"),
        ("claim-earnings", "--account", O1, "--dry-run"),
        # then what they send
        ("migrate", "--account", D1, "--yes"),
        ("bridge-in", "1", "--account", D3, "--yes"),
        ("bridge-out", "1", "--account", D1, "--yes"),
        ("finalize", "--account", D1, "--yes"),
        ("call-reward", "--account", O1, "--yes"),
        ("withdraw-fees", "--account", O1, "--yes"),
        ("relay", "--yes"),
        ("bond", "1", "--to", o2, "--account", D3, "--layer", "l1", "--yes"),
        ("unbond", "1", "--account", D3, "--layer", "l1", "--yes"),
        ("rebond", "--account", O1, "--yes"),
        ("claim-earnings", "--account", O1, "--yes"),
        ("transcoder", "--reward-cut", "5", "--fee-share", "50", "--account", O1, "--yes"),
        ("status", d1),
    ]
    refusals = [  # JSON too
        ("unbond", "100000", "--account", D3, "--layer", "l1", "--yes"),
        ("withdraw-fees", "--account", D1, "--yes"),
        ("bridge-in", "1", "--account", D1, "--max-fee", "lots", "--yes"),
    ]
    seen_wei = 0
    for args in commands + refusals:
        result = run(*args, "--json")
        data = json.loads(result.output)
        assert (result.exit_code != 0) == (args in refusals) == ("error" in data), (args, result.output)
        assert unit_mistakes(data) == [], (args, data)
        seen_wei += json.dumps(data).count('_wei"')
    assert seen_wei > 50


def test_errors_compare_exact_amounts(run, world):
    result = run("unbond", "100000", "--account", D3, "--layer", "l1", "--yes", "--json")
    message = json.loads(result.output)["error"]
    assert f"({300 * LPT} < {100_000 * LPT} wei)" in message
