"""How long does a user wait for a local chain to move through a real-length round?

The contracts count rounds in blocks (``RoundsManager``, default round length 5,760 blocks). anvil 1.7.1 has no
RPC that sets the block number (its ``anvil_*``/``evm_*`` methods are listed from the binary by ``--methods``), and
``anvil_mine`` mines blocks one by one, 3 to 6 ms each. The product moves the head instead by loading a state that
holds one block numbered where the head must go (``LocalAnvilProvider.mine``: ``anvil_loadState``, then one block
mined with ``anvil_mine``).

Each sample is a fresh node with no timestamp interval (block timestamps follow the wall clock, so the L2 clock
does not run ahead of the L1's). Cases run interleaved; the 1-minute load average is recorded next to every
sample (the machine is shared).

* ``product``: a local pair as the product starts it (``TwoChains.local()``), its L1 moved by ``Chain.mine`` of
  ``--blocks`` blocks: what a user of the local pair waits for;
* ``ape_foundry``: a bare anvil (no Ape, one JSON-RPC call over HTTP) with the flags ape-foundry's provider starts
  anvils with (``--steps-tracing``, a ``--cache-path`` of its own), ``anvil_mine`` of ``--blocks`` blocks;
* ``every_block``: the same with the product's flags (plus ``--prune-history 256``: the last 256 blocks' states
  kept in memory, older ones dropped rather than written to disk), every block mined;
* ``prune_all``: plus ``--prune-history`` (no past block's state kept at all; a read pinned to the block just
  mined fails with ``BlockOutOfRangeError``, so the product does not use it).

Run from the repository root::

    .venv/bin/python bench/local_round.py [--runs 3] [--blocks 5760]

Prints a table and writes ``bench/results-local-round.json``.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ANVIL = REPO / "node_modules" / ".bin" / "anvil"
RESULTS = REPO / "bench" / "results-local-round.json"
ROUND_LENGTH = 5760

#: The bare-anvil cases: their flags (``product`` goes through the product's provider instead).
FLAGS = {
    "ape_foundry": ["--steps-tracing"],
    "every_block": ["--steps-tracing", "--prune-history", "256"],
    "prune_all": ["--steps-tracing", "--prune-history"],
}
CASES = ("product", *FLAGS)


def _rpc(port: int, method: str, params: list) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    answer = json.loads(urllib.request.urlopen(request, timeout=600).read())
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def _latest(port: int) -> tuple[int, int]:
    block = _rpc(port, "eth_getBlockByNumber", ["latest", False])
    return int(block["number"], 16), int(block["timestamp"], 16)


def mine_once(flags: list[str], blocks: int) -> dict:
    """Start a fresh anvil with ``flags``, mine ``blocks`` blocks in one ``anvil_mine``, stop it."""
    from ape_livepeer_migration.chains.provider import free_port

    port, cache = free_port(), tempfile.mkdtemp(prefix="local-round-bench-")
    node = subprocess.Popen(
        [str(ANVIL), "--port", str(port), "--silent", "--cache-path", cache, *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(400):
            try:
                _rpc(port, "eth_blockNumber", [])
                break
            except OSError:
                time.sleep(0.025)
        number0, time0 = _latest(port)
        load = os.getloadavg()[0]
        start = time.perf_counter()
        _rpc(port, "anvil_mine", [hex(blocks)])
        elapsed = time.perf_counter() - start
        number1, time1 = _latest(port)
        if number1 - number0 != blocks:
            raise SystemExit(f"mined {number1 - number0} blocks, not {blocks}")
        return {"s": round(elapsed, 3), "load_1m": round(load, 2), "timestamp_advance_s": time1 - time0}
    finally:
        node.terminate()
        node.wait()
        shutil.rmtree(cache, ignore_errors=True)


def move_product_once(blocks: int) -> dict:
    """Start a local pair as the product does, move its L1 ``blocks`` blocks ahead with ``Chain.mine``, stop it."""
    from ape_livepeer_migration.chains.pair import TwoChains

    with TwoChains.local() as pair:
        number0 = pair.l1.block_number
        load = os.getloadavg()[0]
        start = time.perf_counter()
        pair.l1.mine(blocks)
        elapsed = time.perf_counter() - start
        if pair.l1.block_number - number0 != blocks:
            raise SystemExit(f"moved {pair.l1.block_number - number0} blocks, not {blocks}")
    return {"s": round(elapsed, 4), "load_1m": round(load, 2)}


def rpc_methods() -> list[str]:
    """The ``anvil_*``/``evm_*`` method names present in the anvil binary (strings of 8+ letters)."""
    text = ANVIL.resolve().read_bytes().decode("latin-1")
    names = set(re.findall(r"(?:anvil|evm)_[a-z][A-Za-z]{3,}", text))
    return sorted(names)


def measure(runs: int = 3, blocks: int = ROUND_LENGTH) -> dict:
    samples: dict[str, list[dict]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name in CASES:
            samples[name].append(move_product_once(blocks) if name == "product" else mine_once(FLAGS[name], blocks))
    medians = {name: statistics.median(s["s"] for s in values) for name, values in samples.items()}
    print(f"{'case':22} {'median s':>9} {'ms/block':>9}  samples (s @ load)   ({runs} runs, {blocks} blocks)")
    for name, values in samples.items():
        shown = ", ".join(f"{s['s']:.3f}@{s['load_1m']:.1f}" for s in values)
        print(f"{name:22} {medians[name]:9.3f} {1000 * medians[name] / blocks:9.4f}  {shown}")
    best = min(medians, key=medians.get)
    return {
        "local_round": {
            "blocks": blocks,
            "runs": runs,
            "median_s": {name: round(value, 3) for name, value in medians.items()},
            "best_case": best,
            "round_move_s": round(medians["product"], 4),
            "round_move_every_block_s": round(medians["every_block"], 3),
            "round_move_ape_foundry_flags_s": round(medians["ape_foundry"], 3),
            "round_move_best_s": round(medians[best], 3),
            "samples": samples,
            "block_number_setters": [m for m in rpc_methods() if re.search(r"setBlock(Number|Height)|jump", m)],
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=ROUND_LENGTH)
    parser.add_argument("--methods", action="store_true", help="list anvil's anvil_*/evm_* methods and exit")
    args = parser.parse_args()
    if args.methods:
        print("\n".join(rpc_methods()))
        return
    if args.runs < 1 or args.blocks < 1:
        parser.error("--runs and --blocks must be at least 1")
    RESULTS.write_text(json.dumps(measure(args.runs, args.blocks), indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
