"""docs/monetary-designs.md's measured comparison: written by the bench from the figures it records, and those
figures still what the scenario measures; the profitability model's per-mode gas is the same figures."""

import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import gas_monetary  # noqa: E402
import run  # noqa: E402

from ape_livepeer_migration.protocol import economics as econ  # noqa: E402

#: Gas moves by a few hundred between runs of the same code where a transaction carries a wall-clock deadline or a
#: gas estimate in its calldata (the migration); every other figure is exact.
TOLERANCE = 0.01


def _recorded():
    data, block = gas_monetary.recorded(gas_monetary.DOC.read_text())
    return data["figures"], data, block


def test_the_table_is_made_from_the_recorded_figures_at_the_bench_prices():
    figures, data, block = _recorded()
    assert data["gas_price_wei"] == run.GAS_PRICE_WEI and Fraction(data["eth_usd"]) == run.ETH_USD
    assert block == gas_monetary.doc_block(figures, run.GAS_PRICE_WEI, run.ETH_USD)


def test_the_model_uses_the_recorded_figures():
    figures, _, _ = _recorded()
    for mode in gas_monetary.MODES:
        assert econ.MEASURED_REWARD_GAS[mode] == figures[f"{mode}.l2.reward"]
        keeper = gas_monetary.keeper_gas(figures, mode)
        assert econ.MEASURED_KEEPER[mode] == econ.KeeperWork(mode, keeper["l1"], keeper["l2"])


def test_the_scenario_still_measures_the_recorded_figures():
    figures, _, _ = _recorded()
    measured = gas_monetary.measure()
    assert set(measured) == set(figures)
    off = {
        key: (figures[key], value)
        for key, value in measured.items()
        if abs(value - figures[key]) > TOLERANCE * figures[key]
    }
    assert not off, f"recorded vs measured (run make bench to record them): {off}"


def test_the_docs_reading_of_the_table_holds():
    figures, _, _ = _recorded()
    for what in ("l1.migrate", "l2.finalize_migrate", "l2.bridge_out", "l1.finalize_withdrawal"):
        assert abs(figures[f"l2.{what}"] - figures[f"l1.{what}"]) <= TOLERANCE * figures[f"l2.{what}"], what
    l2_minting, l1_minting = figures["l2.l2.reward"], figures["l1.l2.reward"]
    assert abs(l2_minting - l1_minting) <= l2_minting // 20
    assert gas_monetary.keeper_gas(figures, "l1")["l1"] > gas_monetary.keeper_gas(figures, "l2")["l1"]
