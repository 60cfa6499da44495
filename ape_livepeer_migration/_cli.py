"""``ape livepeer``: the command line.

Ape imports this module for every ``ape`` command (to list plugin commands),
so it imports only click at module level (and ``_cli_utils``, which itself
imports only click); each command imports what it needs in its body.
"""

import click

from ape_livepeer_migration._cli_utils import Amount, Percent, Price, echo_json, echo_table, json_option


@click.group(name="livepeer")
def cli():
    """Livepeer on L1 and Arbitrum: migrate stake, bridge LPT, call reward on L2.

    Commands drive two chains at once: an L1 (Ethereum) and an L2 (Arbitrum).
    Locally these are two anvil nodes that `ape livepeer chains` starts.
    """


@cli.command()
@click.option("--l1-port", type=int, default=None, help="Port of the L1 anvil [config: livepeer_migration.local.l1_port].")
@click.option("--l2-port", type=int, default=None, help="Port of the L2 anvil [config: livepeer_migration.local.l2_port].")
def chains(l1_port, l2_port):
    """Run the local L1 and L2 anvils until interrupted (Ctrl-C).

    Other commands connect to them at the configured ports. Each node has its own
    chain id (L1 31337, L2 412346 by default) so the two can never be mixed up.
    """
    import time

    from ape import config

    from ape_livepeer_migration.chains import TwoChains

    settings = config.get_config("livepeer_migration").local
    pair = TwoChains.local(
        l1_port=l1_port or settings.l1_port,
        l2_port=l2_port or settings.l2_port,
        l1_chain_id=settings.l1_chain_id,
        l2_chain_id=settings.l2_chain_id,
    )
    try:
        pair.connect()
    except RuntimeError as err:
        raise click.ClickException(str(err)) from err
    try:
        for chain in pair.layers:
            click.echo(f"{chain.layer.upper()}  {chain.choice:24} chain id {chain.chain_id:<8} {chain.provider.uri}")
        click.echo("Running; press Ctrl-C to stop both nodes.")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        pair.disconnect()


#: Where ``InputError.field`` names an input, the option that sets it.
_PROFITABILITY_OPTIONS = {
    "stake": "--stake",
    "self_stake": "--self-stake",
    "reward_cut": "--reward-cut",
    "total_supply": "--total-supply",
    "inflation": "--inflation",
    "total_active_stake": "--total-active-stake",
    "gas_used": "--gas-used",
    "gas_price": "--gas-price-gwei",
    "lpt_usd": "--lpt-usd",
    "eth_usd": "--eth-usd",
}


@cli.command()
@click.option("--stake", type=Amount(), help="Orchestrator's pool stake (self + delegated), LPT. [default: 50000]")
@click.option("--self-stake", type=Amount(allow_zero=True), help="Orchestrator's own stake, part of --stake, LPT. [default: 0]")
@click.option("--reward-cut", type=Percent(10**6), help="Reward cut (commission), percent. [default: 25]")
@click.option("--gas-used", type=click.IntRange(min=1), help="Gas used by reward() on the chosen --layer.")
@click.option("--gas-price-gwei", type=Amount(decimals=9), help="Gas price on the chosen --layer, gwei.")
@click.option("--lpt-usd", type=Price(), envvar="APE_LIVEPEER_LPT_USD", show_envvar=True, help="LPT price, USD. [default: 30]")
@click.option("--eth-usd", type=Price(), envvar="APE_LIVEPEER_ETH_USD", show_envvar=True, help="ETH price, USD. [default: 3500]")
@click.option("--total-supply", type=Amount(), help="LPT total supply, LPT. [default: 25000000]")
@click.option("--inflation", type=Percent(10**9, allow_zero=False), help="Inflation per round, percent. [default: 0.02185]")
@click.option("--total-active-stake", type=Amount(), help="Total active stake, LPT. [default: 13000000]")
@click.option("--layer", type=click.Choice(["l1", "l2", "both"]), default="both", show_default=True, help="Which chain's reward() to cost.")
@json_option
def profitability(
    stake,
    self_stake,
    reward_cut,
    gas_used,
    gas_price_gwei,
    lpt_usd,
    eth_usd,
    total_supply,
    inflation,
    total_active_stake,
    layer,
    as_json,
):
    """Does calling reward() pay for the orchestrator, on L1 and on L2?

    Estimates one reward() call: the LPT it mints for the pool, what the
    orchestrator earns from it (its cut, plus its self-stake's share of the
    rest), the transaction fee, the profit, and the pool stake at which the call
    breaks even.  Unset inputs default to seed-era reference values (late 2021:
    L1 300,000 gas at 150 gwei, L2 120,000 gas at 0.1 gwei; see
    ape_livepeer_migration.economics), under which a 25 %-cut orchestrator
    needs ~50,000 LPT of stake on L1, as Livepeer reported at the time.
    """
    from ape_livepeer_migration import economics as econ

    if layer == "both" and (gas_used is not None or gas_price_gwei is not None):
        raise click.UsageError("--gas-used and --gas-price-gwei set one layer's call: add --layer l1 or --layer l2.")

    reference = econ.seed_era_inputs(econ.LAYERS if layer == "both" else (layer,))
    try:
        inputs = econ.ProfitabilityInputs(
            network=_override(
                reference.network, total_supply=total_supply, inflation=inflation, total_active_stake=total_active_stake
            ),
            orchestrator=_override(reference.orchestrator, stake=stake, self_stake=self_stake, reward_cut=reward_cut),
            prices=_override(reference.prices, lpt_usd=lpt_usd, eth_usd=eth_usd),
            calls=tuple(_override(call, gas_used=gas_used, gas_price=gas_price_gwei) for call in reference.calls),
        )
    except econ.InputError as err:
        raise click.BadParameter(err.message, param_hint=f"'{_PROFITABILITY_OPTIONS.get(err.field, err.field)}'") from err

    results = econ.evaluate(inputs)
    if as_json:
        echo_json(_profitability_json(inputs, results))
    else:
        _profitability_table(inputs, results)


def _override(value, **changes):
    """``value`` with the given fields replaced, skipping those left unset (None)."""
    from dataclasses import replace

    return replace(value, **{name: new for name, new in changes.items() if new is not None})


def _profitability_json(inputs, results) -> dict:
    """JSON view: chain values as exact decimal strings, USD values as numbers."""
    from ape_livepeer_migration import economics as econ

    def lpt(amount):
        return econ.to_decimal_string(amount, 18)

    return {
        "inputs": {
            "stake_lpt": lpt(inputs.orchestrator.stake),
            "self_stake_lpt": lpt(inputs.orchestrator.self_stake),
            "reward_cut_percent": econ.to_decimal_string(inputs.orchestrator.reward_cut, 4),
            "total_supply_lpt": lpt(inputs.network.total_supply),
            "inflation_percent_per_round": econ.to_decimal_string(inputs.network.inflation, 7),
            "total_active_stake_lpt": lpt(inputs.network.total_active_stake),
            "lpt_usd": float(inputs.prices.lpt_usd),
            "eth_usd": float(inputs.prices.eth_usd),
        },
        "layers": {
            result.layer: {
                "gas_used": result.gas_used,
                "gas_price_gwei": econ.to_decimal_string(result.gas_price, 9),
                "cost_eth": econ.to_decimal_string(result.cost_wei, 18),
                "cost_lpt": lpt(result.cost_lpt),
                "cost_usd": float(result.cost_usd),
                "mintable_lpt": lpt(result.mintable),
                "reward_lpt": lpt(result.reward),
                "orchestrator_earnings_lpt": lpt(result.orchestrator_earnings),
                "orchestrator_earnings_usd": float(result.lpt_to_usd(result.orchestrator_earnings)),
                "delegator_earnings_lpt": lpt(result.delegator_earnings),
                "profit_lpt": lpt(result.profit_lpt),
                "profit_usd": float(result.profit_usd),
                "profitable": result.profitable,
                "break_even_stake_lpt": None if result.break_even_stake is None else lpt(result.break_even_stake),
            }
            for result in results
        },
    }


def _profitability_table(inputs, results) -> None:
    """Table view: one column per layer."""
    from ape_livepeer_migration import economics as econ

    def lpt(amount, places=4):
        return f"{amount / econ.LPT_UNIT:,.{places}f}"

    def usd(value):
        return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"

    def break_even(result):
        if result.break_even_stake is None:
            return "unreachable"
        return lpt(result.break_even_stake, 0 if result.break_even_stake >= 1000 * econ.LPT_UNIT else 2)

    rows = [
        ("Reward minted by the call (LPT)", lambda r: lpt(r.reward)),
        ("  orchestrator earns (LPT)", lambda r: lpt(r.orchestrator_earnings)),
        ("  orchestrator earns (USD)", lambda r: usd(float(r.lpt_to_usd(r.orchestrator_earnings)))),
        ("Gas used", lambda r: f"{r.gas_used:,}"),
        ("Gas price (gwei)", lambda r: econ.to_decimal_string(r.gas_price, 9)),
        ("Call cost (ETH)", lambda r: econ.to_decimal_string(r.cost_wei, 18)),
        ("Call cost (USD)", lambda r: usd(float(r.cost_usd))),
        ("Call cost (LPT)", lambda r: lpt(r.cost_lpt)),
        ("Profit per call (LPT)", lambda r: lpt(r.profit_lpt)),
        ("Profit per call (USD)", lambda r: usd(float(r.profit_usd))),
        ("Profitable", lambda r: "yes" if r.profitable else "no"),
        ("Break-even pool stake (LPT)", break_even),
    ]
    orchestrator, network, prices = inputs.orchestrator, inputs.network, inputs.prices
    caption = (
        f"reward() profitability: pool {lpt(orchestrator.stake, 2)} LPT, self-stake {lpt(orchestrator.self_stake, 2)} LPT, "
        f"cut {econ.to_decimal_string(orchestrator.reward_cut, 4)} %\n"
        f"supply {lpt(network.total_supply, 0)} LPT, inflation {econ.to_decimal_string(network.inflation, 7)} %/round, "
        f"mintable {lpt(network.mintable, 2)} LPT, active stake {lpt(network.total_active_stake, 0)} LPT; "
        f"LPT {usd(float(prices.lpt_usd))}, ETH {usd(float(prices.eth_usd))}"
    )
    echo_table(
        [""] + [result.layer.upper() for result in results],
        [[label] + [cell(result) for result in results] for label, cell in rows],
        caption=caption,
    )
