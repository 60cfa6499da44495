"""``ape livepeer profitability``, ``call-reward`` and ``withdraw-fees``: an orchestrator's earnings."""

from contextlib import contextmanager

import click

from ape_livepeer_migration._cli.context import Refusals, Session, account_address, signer
from ape_livepeer_migration._cli.options import (
    Address,
    Amount,
    Percent,
    account_option,
    confirm,
    dry_run_option,
    echo_json,
    echo_preview,
    echo_table,
    gas_options,
    interval_option,
    json_option,
    layer_option,
    price_option,
    yes_option,
)

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


@click.command(short_help="Does calling reward() pay, on L1 and on L2?")
@click.option(
    "--from-chain",
    is_flag=True,
    help="Read the inputs from the connected deployment for --account; estimate its reward() gas there.",
)
@click.option(
    "--account",
    "account",
    envvar="APE_LIVEPEER_ACCOUNT",
    show_envvar=True,
    metavar="ADDRESS|ALIAS|test:N",
    help="Orchestrator whose position --from-chain reads (no key needed for an address).",
)
@click.option("--stake", type=Amount(), help="Orchestrator's pool stake (self + delegated), LPT. [default: 50000]")
@click.option(
    "--self-stake", type=Amount(allow_zero=True), help="Orchestrator's own stake, part of --stake, LPT. [default: 0]"
)
@click.option("--reward-cut", type=Percent(10**6), help="Reward cut (commission), percent. [default: 25]")
@click.option("--gas-used", type=click.IntRange(min=1), help="Gas used by reward() on the chosen --layer.")
@click.option("--gas-price-gwei", type=Amount(decimals=9), help="Gas price on the chosen --layer, gwei.")
@price_option("lpt", ". [default: 30]")
@price_option("eth", ". [default: 3500]")
@click.option("--total-supply", type=Amount(), help="LPT total supply, LPT. [default: 25000000]")
@click.option(
    "--inflation", type=Percent(10**9, allow_zero=False), help="Inflation per round, percent. [default: 0.02185]"
)
@click.option("--total-active-stake", type=Amount(), help="Total active stake, LPT. [default: 13000000]")
@click.option(
    "--layer",
    type=click.Choice(["l1", "l2", "both"]),
    default="both",
    show_default=True,
    help="Which chain's reward() to cost.",
)
@click.option(
    "--minting",
    type=click.Choice(["l2", "l1", "both"]),
    help="Compare where inflation is minted: each mode's L2 reward() and keeper cost per L1 round.",
)
@click.option(
    "--rounds-per-l1-round",
    type=click.IntRange(min=1),
    help="L2 rounds per L1 round, with --minting. [default: 7]",
)
@json_option
@click.pass_context
def profitability(ctx, from_chain, account, layer, minting, rounds_per_l1_round, as_json, **inputs):
    """Does calling reward() pay for the orchestrator, on L1 and on L2?

    Estimates one reward() call: the LPT it mints for the pool, what the
    orchestrator earns from it (its cut, plus its self-stake's share of the
    rest), the transaction fee, the profit, and the pool stake at which the call
    breaks even.  Unset inputs default to seed-era reference values (late 2021:
    L1 300,000 gas at 150 gwei, L2 120,000 gas at 0.1 gwei; see
    ape_livepeer_migration.protocol.economics), under which a 25 %-cut orchestrator
    needs ~50,000 LPT of stake on L1, as Livepeer reported at the time.

    With --from-chain the supply, inflation, total active stake and the
    account's pool stake, self-stake and reward cut are read where it is an
    active orchestrator (L2, else L1); each layer's gas is its own reward()
    estimated on that chain (the reference gas where it cannot call reward()
    now) at the fee per gas a transaction pays there now. Prices stay options; any option
    given overrides what is read.

    --minting compares the two places inflation can be minted (L2 at each
    reward(), or L1 once per L1 round and sent to L2): per mode, the
    orchestrator's L2 reward() at the gas measured by the bench (with
    --from-chain, the deployment's own mode estimated on L2) and the keeper
    work per L1 round, at the reference gas prices of both layers (with
    --from-chain, the chains').
    """
    from ape_livepeer_migration.bridge.system import DEFAULT_ROUNDS_PER_L1_ROUND
    from ape_livepeer_migration.protocol.economics import LAYERS, MINTING_MODES
    from ape_livepeer_migration.session.rewards import minting as compare
    from ape_livepeer_migration.session.rewards import profitability as evaluate

    if minting is not None and any(_given(ctx, name) for name in ("layer", "gas_used", "gas_price_gwei")):
        raise click.UsageError(
            "--minting costs the L2 reward() of each mode: --layer and the gas options do not apply."
        )
    if layer == "both" and (inputs["gas_used"] is not None or inputs["gas_price_gwei"] is not None):
        raise click.UsageError("--gas-used and --gas-price-gwei set one layer's call: add --layer l1 or --layer l2.")
    if not from_chain and _given(ctx, "account"):
        raise click.UsageError("--account is read with --from-chain only.")
    if minting is None and rounds_per_l1_round is not None:
        raise click.UsageError("--rounds-per-l1-round applies with --minting.")
    layers = LAYERS if layer == "both" or minting is not None else (layer,)
    inputs["gas_price"] = inputs.pop("gas_price_gwei")
    modes = None if minting is None else MINTING_MODES if minting == "both" else (minting,)
    if not from_chain:
        with _named_option():
            estimate = evaluate(layers, **inputs)
            if modes is not None:
                estimate = compare(estimate, modes, rounds_per_l1_round or DEFAULT_ROUNDS_PER_L1_ROUND)
    elif account is None:
        raise click.UsageError("--from-chain reads the position of an orchestrator: add --account.")
    else:
        address = account_address(account)
        with Session(ctx, as_json) as lp, Refusals(), _named_option():
            estimate = lp.profitability(address, layers, **inputs)
            if modes is not None:
                estimate = lp.compare_minting(estimate, modes, rounds_per_l1_round)
    if as_json:
        echo_json(estimate.as_json())
    elif modes is None:
        _profitability_table(estimate)
    else:
        _minting_table(estimate)


@contextmanager
def _named_option():
    """An input no real network could have (``InputError``) as a bad value of the option that sets it."""
    from ape_livepeer_migration.exceptions import InputError

    try:
        yield
    except InputError as err:
        raise click.BadParameter(
            err.message, param_hint=f"'{_PROFITABILITY_OPTIONS.get(err.field, err.field)}'"
        ) from err


def _given(ctx: click.Context, name: str) -> bool:
    """Whether the option of parameter ``name`` is on the command line (not from the environment or a default)."""
    return ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE


def _lpt(amount: int, places: int = 4) -> str:
    from ape_livepeer_migration._eth import amount_text

    return amount_text(amount, places=places, grouped=True)


def _usd(value) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _break_even(stake: int | None) -> str:
    """A break-even pool stake, or why there is none; whole LPT from 1,000 LPT on."""
    from ape_livepeer_migration._eth import UNIT

    if stake is None:
        return "unreachable"
    return _lpt(stake, 0 if stake >= 1000 * UNIT else 2)


def _read_on(chain) -> str:
    """The caption line of an estimate read from a chain ('' for reference inputs)."""
    return "" if chain is None else f"\nread on {chain.layer.upper()} in round {chain.round} for {chain.account}"


def _profitability_table(estimate) -> None:
    """Table view: one column per layer."""
    from ape_livepeer_migration._eth import GWEI_DECIMALS, amount_text

    lpt, usd = _lpt, _usd
    rows = [
        ("Reward minted by the call (LPT)", lambda r: lpt(r.reward)),
        ("  orchestrator earns (LPT)", lambda r: lpt(r.orchestrator_earnings)),
        ("  orchestrator earns (USD)", lambda r: usd(float(r.lpt_to_usd(r.orchestrator_earnings)))),
        ("Gas used", lambda r: f"{r.gas_used:,} ({estimate.gas_sources[r.layer]})"),
        ("Gas price (gwei)", lambda r: amount_text(r.gas_price, GWEI_DECIMALS)),
        ("Call cost (ETH)", lambda r: amount_text(r.cost_wei)),
        ("Call cost (USD)", lambda r: usd(float(r.cost_usd))),
        ("Call cost (LPT)", lambda r: lpt(r.cost_lpt)),
        ("Profit per call (LPT)", lambda r: lpt(r.profit_lpt)),
        ("Profit per call (USD)", lambda r: usd(float(r.profit_usd))),
        ("Profitable", lambda r: "yes" if r.profitable else "no"),
        ("Break-even pool stake (LPT)", lambda r: _break_even(r.break_even_stake)),
    ]
    orchestrator, network, prices = estimate.inputs.orchestrator, estimate.inputs.network, estimate.inputs.prices
    caption = (
        f"reward() profitability: pool {lpt(orchestrator.stake, 2)} LPT, "
        f"self-stake {lpt(orchestrator.self_stake, 2)} LPT, "
        f"cut {amount_text(orchestrator.reward_cut, 4)} %\n"
        f"supply {lpt(network.total_supply, 0)} LPT, inflation {amount_text(network.inflation, 7)} %/round, "
        f"mintable {lpt(network.mintable, 2)} LPT, active stake {lpt(network.total_active_stake, 0)} LPT; "
        f"LPT {usd(float(prices.lpt_usd))}, ETH {usd(float(prices.eth_usd))}"
    ) + _read_on(estimate.chain)
    echo_table(
        [""] + [result.layer.upper() for result in estimate.results],
        [[label] + [cell(result) for result in estimate.results] for label, cell in rows],
        caption=caption,
    )


def _minting_table(comparison) -> None:
    """Table view of --minting: one column per mode."""
    from ape_livepeer_migration._eth import amount_text

    lpt, usd = _lpt, _usd

    def keeper_usd(result):
        return usd(float(result.call.prices.eth_usd * result.keeper_cost_wei / 10**18))

    rows = [
        ("L2 reward() gas", lambda r: f"{r.call.gas_used:,} ({comparison.gas_sources[r.mode]})"),
        ("  call cost (USD)", lambda r: usd(float(r.call.cost_usd))),
        ("  orchestrator earns (LPT)", lambda r: lpt(r.call.orchestrator_earnings)),
        ("  profit per call (USD)", lambda r: usd(float(r.call.profit_usd))),
        ("  break-even pool stake (LPT)", lambda r: _break_even(r.call.break_even_stake)),
        ("Keeper gas per L1 round, L1", lambda r: f"{r.keeper.l1_gas:,}"),
        ("Keeper gas per L1 round, L2", lambda r: f"{r.keeper.l2_gas:,}"),
        ("Keeper cost per L1 round (ETH)", lambda r: amount_text(r.keeper_cost_wei, places=6)),
        ("Keeper cost per L1 round (USD)", keeper_usd),
        ("  share of the L1 round's issuance", lambda r: f"{float(100 * r.keeper_share):.4f} %"),
    ]
    inputs = comparison.estimate.inputs
    prices = ", ".join(f"{c.layer.upper()} {amount_text(c.gas_price, 9)} gwei" for c in inputs.calls)
    caption = (
        f"Minting on L2 or on L1: pool {lpt(inputs.orchestrator.stake, 2)} LPT, "
        f"an L1 round = {comparison.results[0].rounds_per_l1_round} L2 rounds, "
        f"issuing {lpt(comparison.results[0].minted_per_l1_round, 2)} LPT; gas at {prices}"
    )
    caption += _read_on(comparison.estimate.chain)
    names = {"l2": "L2 minting", "l1": "L1 minting"}
    echo_table(
        [""] + [names[result.mode] for result in comparison.results],
        [[label] + [cell(result) for result in comparison.results] for label, cell in rows],
        caption=caption,
    )


@click.command(name="call-reward")
@account_option
@click.option("--watch", is_flag=True, help="Call once per round, until interrupted (Ctrl-C).")
@interval_option(5.0, "Seconds between checks with --watch.")
@click.option(
    "--if-profitable",
    is_flag=True,
    help="Call only when the orchestrator's share of the call's reward pays for the gas.",
)
@price_option("lpt", " (--if-profitable). [default: 30]")
@price_option("eth", " (--if-profitable). [default: 3500]")
@click.option(
    "--gas-used",
    type=click.IntRange(min=1),
    help="Gas reward() is assumed to use (--if-profitable). [default: estimated on L2]",
)
@dry_run_option
@yes_option
@json_option
@gas_options
@click.pass_context
def call_reward(ctx, account, watch, interval, if_profitable, lpt_usd, eth_usd, gas_used, dry_run, yes, as_json):
    """Call reward() on L2 for an active orchestrator.

    One transaction, which also initializes the round when nobody has;
    refuses a second call in the same round, and reports the round rewarded,
    the call's reward and the gas used: the LPT it
    minted, or with L1 minting (deploy --inflation l1) the LPT it handed out
    of what L1 minted (it mints nothing). --watch calls once per round (asking
    once, at the start) and says which round it waits for; --if-profitable
    skips rounds in which the orchestrator's share of the call's reward is
    worth less than the transaction fee: the reward() gas
    estimated on L2 at the L2 gas price, the prices as `profitability`
    defaults them (see ape_livepeer_migration.protocol.economics).
    """
    import time

    from ape_livepeer_migration.session.results import RewardSkipped

    if not if_profitable and any(_given(ctx, name) for name in ("lpt_usd", "eth_usd", "gas_used")):
        raise click.UsageError("--lpt-usd, --eth-usd and --gas-used judge a call: add --if-profitable.")
    if dry_run and watch:
        raise click.UsageError("--dry-run shows one call: leave out --watch")
    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        if watch:
            confirm(f"Call reward() on L2 as {sender.address} once per round, until interrupted?", yes)
        else:
            preview = lp.check_reward(sender.address)
            if dry_run:
                echo_preview(preview, as_json)
                return
            confirm(f"Call reward() on L2 as {sender.address} in round {preview.details['round']}?", yes)
        skipped_round = None  # with --watch, a round judged unprofitable is not judged again
        waiting = None  # with --watch, what the last idle check said it waits for
        while True:
            current = lp.current_round("l2")
            if watch and (skipped_round == current or lp.reward_called(sender.address)):
                why = "it does not pay" if skipped_round == current else "reward() is called"
                if not as_json and waiting != current:
                    click.echo(f"Waiting for L2 round {current + 1} (round {current}: {why}).")
                waiting = current
            else:
                if if_profitable:
                    result = lp.call_reward_if_profitable(sender, gas_used, lpt_usd, eth_usd)
                else:
                    result = lp.call_reward(sender)
                if isinstance(result, RewardSkipped):
                    skipped_round = current
                _show_reward(result, as_json)
            if not watch:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return


def _show_reward(result, as_json: bool) -> None:
    """A reward() call's result, or why it was skipped."""
    from ape_livepeer_migration.session.results import RewardSkipped

    if as_json:
        echo_json(result.as_json())
    elif isinstance(result, RewardSkipped):
        click.echo(f"Skipped: {result.reason}.")
    else:
        initialized = " (it initialized the round)" if result.initialized_round else ""
        click.echo(f"Round {result.round}: {result.text}, {result.gas_used:,} L2 gas{initialized}; {result.tx_hash}")


@click.command(name="withdraw-fees", short_help="Withdraw earned ETH fees (L2 or L1).")
@account_option
@click.option("--amount", type=Amount(), help="ETH to withdraw [default: all pending fees].")
@click.option("--to", type=Address(), help="Recipient [default: the account].")
@layer_option("Layer whose fees to withdraw.")
@dry_run_option
@yes_option
@json_option
@gas_options
@click.pass_context
def withdraw_fees(ctx, account, amount, to, layer, dry_run, yes, as_json):
    """Withdraw the account's earned ETH fees from a BondingManager.

    Fees accrue where the orchestrator's winning tickets are redeemed; fees
    earned on L1 stay withdrawable there after migrating (--layer l1).
    """
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        preview = lp.check_fee_withdrawal(sender.address, amount, layer, to)
        if dry_run:
            echo_preview(preview, as_json, unit="ETH")
            return
        amount = preview.details["amount_wei"]
        confirm(f"Withdraw {token_text(amount)} ETH of fees on {layer.upper()} to {to or sender.address}?", yes)
        sent = lp.withdraw_fees(sender, amount, to, layer)
    if as_json:
        echo_json(sent.as_json())
    else:
        click.echo(
            f"Withdrew {token_text(sent.details['amount_wei'])} ETH to {sent.details['recipient']} in {sent.tx_hash}."
        )
