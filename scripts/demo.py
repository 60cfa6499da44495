"""The demo behind `make demo`: the whole L1 -> Arbitrum migration on a local L1 + L2.

Starts two anvils, deploys the system, stakes and earns on L1 (rewards, winning tickets), migrates stake four
ways, relays every message with the journaled relayer, moves inflation to L2, bridges LPT both ways (one
withdrawal needs mint-on-shortfall on L1) and prints the reconciliation: each invariant PASS or FAIL. Exits
non-zero on a FAIL. Run with `ape run demo`; with LIVEPEER_DEMO_INFLATION=l1 (`make demo INFLATION=l1`) the system
mints its rewards on L1 instead, and the story and its reconciliation follow that design.
"""

import os
import sys
import tempfile
import time

from ape.logging import LogLevel, logger

from ape_livepeer_migration.chains.pair import TwoChains
from ape_livepeer_migration.demo import run, verdict
from ape_livepeer_migration.exceptions import InputError
from ape_livepeer_migration.protocol.deploy import inflation_mode


def _say(line: str) -> None:
    print(line, flush=True)


def main():
    try:
        inflation = inflation_mode(os.environ.get("LIVEPEER_DEMO_INFLATION") or "l2")
    except InputError as err:
        sys.exit(f"LIVEPEER_DEMO_INFLATION: {err}")
    logger.set_level(LogLevel.WARNING)  # one line per step instead of one per transaction
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="livepeer-demo-") as journal_dir, TwoChains.local() as chains:
        for chain in chains.layers:
            _say(f"{chain.layer.upper()}: {chain.choice} (chain id {chain.chain_id})")
        scenario, reconciliation = run(chains, journal_dir, say=_say, inflation=inflation.mode)
    gas = ", ".join(f"{g:,}" for g in scenario.l2_reward_gas)
    _say(
        f"L2 reward() gas: {gas}; relayer passes: {scenario.relay_passes}; wall time {time.monotonic() - started:.1f} s"
    )
    status = verdict(reconciliation, say=_say)
    if status:
        sys.exit(status)
