"""What the gas bench scripts share: a transaction's gas read from its receipt, and their figures printed as a
table and written as JSON."""

from __future__ import annotations

import json
from pathlib import Path


def gas_of(chain, tx_hash) -> int:
    """``gasUsed`` of transaction ``tx_hash`` on ``chain``, from its raw receipt."""
    return int(chain.provider.make_request("eth_getTransactionReceipt", [str(tx_hash)])["gasUsed"], 16)


def report(results: dict[str, int | float], out: Path) -> None:
    """Print ``results`` as a table sorted by name and write them to ``out`` as JSON."""
    width = max(len(name) for name in results)
    print(f"{'figure':<{width}}  {'value':>12}")
    for name in sorted(results):
        print(f"{name:<{width}}  {results[name]:>12,}")
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out}")
