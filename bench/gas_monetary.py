"""The two monetary designs side by side: the same scenario on a system that mints on L2 and on one that mints on L1.

Usage (from the project root, after ``ape compile``)::

    python bench/gas_monetary.py

Prints one line per figure and writes ``bench/results-monetary.json``. Each mode is deployed on its own fresh local
pair with the same round lengths (an L1 round of ``L1_ROUND_LENGTH`` blocks spans ``K`` L2 rounds), the same
accounts and the same steps: an orchestrator and a delegator registered on L1, both migrated, a report of the
other layer's supply (L2 minting: ``L1SupplyReporter.reportSupply`` to L2; L1 minting: ``L2StakeOracle.report`` on
L1), an L1 round started (L1 minting: the mint of the whole L1 round and its deposit to the L2 minter, in the same
transaction), L2 rounds with the orchestrator's ``reward()``, and a holder's deposit withdrawn back to L1. Every
figure is a transaction's ``gasUsed``, except L2 calls made by a retryable (``*.finalize_migrate``,
``*.rewards_deposit``, ``*.report`` on L2), which are the gas of the call the ticket makes, read from a call trace
(as ``bench/gas_migration.py`` reads them). Keys: ``<mode>.<layer>.<what>``, mode ``l2`` or ``l1``.
"""

from __future__ import annotations

import json
import re
import statistics
from fractions import Fraction
from pathlib import Path

from figures import gas_of, report
from gas_migration import _call_gas

RESULTS = Path(__file__).with_name("results-monetary.json")
DOC = Path(__file__).resolve().parents[1] / "docs" / "monetary-designs.md"
LPT = 10**18
K = 7
L2_ROUND_LENGTH = 20
L1_ROUND_LENGTH = K * L2_ROUND_LENGTH
STEADY_ROUNDS = 3
MODES = ("l2", "l1")


def measure_mode(mode: str) -> dict[str, int]:
    """The scenario on a fresh pair whose system mints in ``mode``; its figures, keyed ``<layer>.<what>``."""
    from ape import accounts

    from ape_livepeer_migration.arbitrum import simulator as sim_api
    from ape_livepeer_migration.bridge.migration import migrate
    from ape_livepeer_migration.bridge.oracle import report_l2_stake
    from ape_livepeer_migration.bridge.system import deploy_system
    from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, report_l1_supply
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.testing.actors import register_orchestrator
    from ape_livepeer_migration.testing.rounds import an_hour_passes, mine_to_next_round, next_round

    t = accounts.test_accounts
    gov, keeper, o1, d1, holder, reporter, operator = t[0], t[1], t[2], t[4], t[5], t[7], t[9]
    # the same rounds in both modes: L1 minting derives its L1 round from the L2 one and K
    if mode == "l2":
        mode_options = {"l1_params": {"round_length": L1_ROUND_LENGTH}}
    else:
        mode_options = {"inflation": "l1", "rounds_per_l1_round": K, "stake_reporter": reporter.address}
    results: dict[str, int] = {}
    with TwoChains.local() as chains:
        s = deploy_system(
            chains,
            gov,
            operator=operator,
            genesis={a.address: 100_000 * LPT for a in (o1, d1, holder)},
            l2_params={"round_length": L2_ROUND_LENGTH},
            **mode_options,
        )
        sim, bm = s.sim, s.l1.bonding_manager

        def deliver(receipt):
            (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
            delivery = sim_api.deliver_retryable(sim, message)
            assert delivery.status == sim_api.DeliveryStatus.REDEEMED, delivery
            return delivery

        if mode == "l1":
            s.l1.minter.fundGasBudget(value=10**18, sender=keeper)
        for a in (o1, d1):
            s.l1.token.approve(bm.address, 2**256 - 1, sender=a)
        next_round(chains.l1, s.l1.rounds, gov)
        next_round(chains.l2, s.l2_rounds, gov)
        register_orchestrator(bm, o1, 5_000 * LPT, reward_cut=100_000, fee_share=500_000)
        bm.bond(1_000 * LPT, o1, sender=d1)
        next_round(chains.l1, s.l1.rounds, gov)
        deliver(migrate(s, o1).receipt)
        sent = migrate(s, d1)
        results["l1.migrate"] = int(sent.receipt.gas_used)
        l2_gateway = s.bridge.l2_gateway.address
        results["l2.finalize_migrate"] = _call_gas(chains, deliver(sent.receipt).l2_tx_hash, s.l2_migrator.address)
        next_round(chains.l2, s.l2_rounds, gov)  # the migrated stake is active from here on

        # twice, the second measured (the first writes storage every later one only updates): the report the mode
        # needs, then the start of an L1 round (anyone starts it; a keeper here)
        for _ in range(2):
            an_hour_passes(chains)  # reports hours apart, as keepers send them: each one with new figures
            if mode == "l2":
                receipt = report_l1_supply(s.bridge, keeper)
                results["l1.report"] = int(receipt.gas_used)
                results["l2.report"] = _call_gas(chains, deliver(receipt).l2_tx_hash, s.l2_minter.address)
            else:
                results["l1.report"] = int(report_l2_stake(s, reporter).gas_used)
            mine_to_next_round(chains.l1, s.l1.rounds)
            receipt = s.l1.rounds.initializeRound(sender=keeper)
            results["l1.initialize_round"] = int(receipt.gas_used)
            if mode == "l1":
                results["l2.rewards_deposit"] = _call_gas(chains, deliver(receipt).l2_tx_hash, l2_gateway)

        l2_bm = s.l2_bonding_manager
        next_round(chains.l2, s.l2_rounds, gov)
        l2_bm.reward(sender=o1)  # the orchestrator's first call on L2
        steady = []
        for _ in range(STEADY_ROUNDS):
            next_round(chains.l2, s.l2_rounds, gov)
            pool = l2_bm.getTranscoder(o1).delegatedAmount
            receipt = l2_bm.reward(sender=o1)
            assert l2_bm.getTranscoder(o1).delegatedAmount > pool, "reward() paid nothing: not a steady-state call"
            steady.append(int(receipt.gas_used))
        results["l2.reward"] = int(statistics.mean(steady))

        # a withdrawal: a holder's deposit goes back to L1, paid out of the escrow in both modes
        deliver(bridge_in(s.bridge, holder, holder.address, 20 * LPT, approve=True).receipt)
        bridge_out(s.bridge, holder, holder.address, LPT)  # warms the exit counter
        withdrawal = bridge_out(s.bridge, holder, holder.address, 10 * LPT)
        results["l2.bridge_out"] = int(withdrawal.receipt.gas_used)
        messages = sim_api.fetch_l2_to_l1(sim, 0, chains.l2.block_number)
        assertion = sim_api.assert_send_root(sim, messages)
        sim_api.mine_l1_until(sim, assertion.confirmable_at_block)
        for index in range(len(messages)):
            executed = sim_api.execute_l2_to_l1(sim, messages[index], sim_api.proof_for(messages, index), sender=keeper)
        results["l1.finalize_withdrawal"] = gas_of(chains.l1, executed.l1_tx_hash)
    return results


#: The comparison's rows: (what, layer, figure, who pays it).
ROWS = (
    (
        "L1 round start (L1 minting: with the mint and deposit of the round's rewards)",
        "l1",
        "initialize_round",
        "whoever starts the L1 round (anyone: a keeper)",
    ),
    ("its rewards deposit's L2 call", "l2", "rewards_deposit", "the L1 Minter's gas budget, which keepers fund"),
    (
        "supply report on L1 (L2 minting: the L1 supply to L2; L1 minting: the L2 stake to the oracle)",
        "l1",
        "report",
        "L2 minting: anyone; L1 minting: a governance-appointed reporter",
    ),
    ("the report's L2 call", "l2", "report", "the reporter, with the ticket"),
    ("reward() on L2, later rounds (mean)", "l2", "reward", "the orchestrator"),
    ("migration of a delegator: L1 transaction", "l1", "migrate", "the delegator"),
    ("its L2 call", "l2", "finalize_migrate", "the delegator, with the ticket"),
    ("withdrawal: L2 transaction", "l2", "bridge_out", "the holder"),
    ("its execution on L1", "l1", "finalize_withdrawal", "anyone (the holder)"),
)

#: The keeper work each mode needs per L1 round besides the orchestrators' calls: figures per layer.
KEEPER = {
    "l2": {"l1": ("report",), "l2": ("report",)},
    "l1": {"l1": ("initialize_round", "report"), "l2": ("rewards_deposit",)},
}

BEGIN, END = "<!-- bench:monetary -->", "<!-- /bench:monetary -->"


def keeper_gas(figures: dict[str, int], mode: str) -> dict[str, int]:
    """Gas per L1 round of ``mode``'s keeper work (:data:`KEEPER`), per layer, from :func:`measure`'s figures."""
    return {layer: sum(figures[f"{mode}.{layer}.{what}"] for what in names) for layer, names in KEEPER[mode].items()}


def table(figures: dict[str, int], gas_price_wei: dict[str, int], eth_usd: Fraction) -> str:
    """The comparison as a Markdown table: gas per mode, its cost at the reference prices, who pays."""
    from ape_livepeer_migration._eth import amount_text

    def usd(layer: str, gas: int) -> str:
        return f"${float(Fraction(gas * gas_price_wei[layer], 10**18) * eth_usd):,.2f}"

    def cell(layer: str, key: str) -> str:
        return f"{figures[key]:,} ({usd(layer, figures[key])})" if key in figures else "-"

    lines = [
        "| | layer | L2 minting: gas (USD) | L1 minting: gas (USD) | who pays |",
        "| --- | --- | --- | --- | --- |",
    ]
    for what, layer, name, payer in ROWS:
        cells = " | ".join(cell(layer, f"{mode}.{layer}.{name}") for mode in MODES)
        lines.append(f"| {what} | {layer.upper()} | {cells} | {payer} |")
    keeper = []
    for mode in MODES:
        gas = keeper_gas(figures, mode)
        total = sum(Fraction(used * gas_price_wei[layer], 10**18) for layer, used in gas.items()) * eth_usd
        keeper.append(f"L1 {gas['l1']:,} + L2 {gas['l2']:,} (${float(total):,.2f})")
    lines.append(f"| **keeper work per L1 round** | both | {' | '.join(keeper)} | see the rows above |")
    prices = ", ".join(f"{layer.upper()} {amount_text(price, 9)} gwei" for layer, price in gas_price_wei.items())
    lines.append("")
    lines.append(
        f"Costs at {prices}, ETH ${eth_usd}; an L1 round spans {K} L2 rounds in this scenario.\n"
        "Retryable submission fees (ETH, a few hundred bytes of calldata each) are not included."
    )
    return "\n".join(lines)


def doc_block(figures: dict[str, int], gas_price_wei: dict[str, int], eth_usd: Fraction) -> str:
    """What the bench writes between the markers of ``docs/monetary-designs.md``: the figures it measured (as a
    comment, for the test that checks them) and the table made from them."""
    data = json.dumps({"figures": figures, "gas_price_wei": gas_price_wei, "eth_usd": str(eth_usd)})
    return f"{BEGIN}\n<!-- {data} -->\n{table(figures, gas_price_wei, eth_usd)}\n{END}"


def recorded(text: str) -> tuple[dict, str]:
    """The figures and prices recorded in the document ``text`` and the block as it stands there."""
    match = re.search(re.escape(BEGIN) + r"\n<!-- (\{.*?\}) -->\n.*?" + re.escape(END), text, re.S)
    if match is None:
        raise LookupError(f"no measured block in {DOC}: run make bench")
    return json.loads(match.group(1)), match.group(0)


def write_doc(figures: dict[str, int], gas_price_wei: dict[str, int], eth_usd: Fraction) -> None:
    """Replace the measured block of ``docs/monetary-designs.md`` with one made from ``figures``."""
    text = DOC.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:start] + doc_block(figures, gas_price_wei, eth_usd) + text[end:])


def measure() -> dict[str, int]:
    """Both modes' figures, keyed ``<mode>.<layer>.<what>``."""
    return {f"{mode}.{key}": value for mode in MODES for key, value in measure_mode(mode).items()}


def main() -> None:
    report(measure(), RESULTS)


if __name__ == "__main__":
    main()
