"""``ape livepeer orchestrators``, ``bond``, ``unbond``, ``rebond``, ``withdraw-stake``, ``claim-earnings`` and
``transcoder``: choosing an orchestrator and staking with it on either layer."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, signer
from ape_livepeer_migration._cli.options import (
    Address,
    Amount,
    Percent,
    account_option,
    confirm,
    dry_run_option,
    echo_json,
    echo_table,
    gas_options,
    json_option,
    layer_option,
    yes_option,
)


def sending(command):
    """The options every staking command that sends takes: --account, --layer, --dry-run, --yes, --json and the gas
    controls."""
    for option in (
        gas_options,
        json_option,
        yes_option,
        dry_run_option,
        layer_option("Layer to stake on."),
        account_option,
    ):
        command = option(command)
    return click.pass_context(command)


@click.command(short_help="Orchestrators on a layer: stake, terms, reward().")
@layer_option("Layer whose orchestrators to list.")
@json_option
@click.pass_context
def orchestrators(ctx, layer, as_json):
    """The registered orchestrators on the layer, by decreasing stake: the
    active set and the candidates outside it, with each one's total delegated
    stake, reward cut, fee share, and whether it called reward() this round."""
    from ape_livepeer_migration._eth import amount_text, token_text

    with Session(ctx, as_json) as lp, Refusals():
        found = lp.orchestrators(layer)
    if as_json:
        echo_json(found.as_json())
        return
    echo_table(
        ["Orchestrator", "Stake (LPT)", "Cut %", "Fee share %", "Active", "Reward called"],
        [
            [
                o.address,
                token_text(o.stake),
                amount_text(o.reward_cut, 4),
                amount_text(o.fee_share, 4),
                "yes" if o.active else "no",
                "yes" if o.reward_called else "no",
            ]
            for o in found.orchestrators
        ],
        caption=f"Orchestrators on {layer.upper()}, round {found.round}",
    )


def _stake(ctx, account, layer, dry_run, yes, as_json, operation, **inputs) -> None:
    """Plan ``operation``, show the plan, ask, send it, and show what was sent."""
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        plan = lp.plan_staking(layer, sender.address, operation, **inputs)
        if not as_json:
            rows = [_detail_row(key, value) for key, value in plan.details.items()]
            rows += [
                ["transactions", ", ".join(call.name for call in plan.calls)],
                ["gas (estimate)", f"{plan.gas:,}"],
                ["cost at most (ETH)", token_text(plan.cost)],
            ]
            echo_table([operation, ""], rows, caption=f"{operation} by {plan.account} on {layer.upper()}")
        if dry_run:
            if as_json:
                echo_json(plan.as_json())
            else:
                click.echo("Dry run: nothing sent.")
            return
        confirm(f"Send {operation} on {layer.upper()}?", yes)
        sent = lp.send_staking(sender, plan)
    if as_json:
        echo_json(plan.as_json(sent))
    else:
        hashes = ", ".join(tx_hash for tx_hash, _ in sent.transactions)
        click.echo(f"{operation} sent on {layer.upper()} ({sent.gas_used:,} gas): {hashes}")


def _detail_row(key: str, value) -> list[str]:
    """A plan's input as a table row: amounts in wei as LPT (fees as ETH)."""
    from ape_livepeer_migration._eth import token_text

    if key.endswith("_wei"):
        unit = "ETH" if key.startswith("fees") else "LPT"
        return [f"{key.removesuffix('_wei')} ({unit})", token_text(value)]
    return [key.replace("_", " "), str(value)]


@click.command(short_help="Bond LPT to an orchestrator (or to yourself, to register).")
@click.argument("amount", type=Amount(allow_zero=True))
@click.option("--to", "to", type=Address(), required=True, help="Orchestrator to delegate to (the account: register).")
@sending
def bond(ctx, amount, to, account, layer, dry_run, yes, as_json):
    """Bond AMOUNT LPT of the account to orchestrator --to.

    Approves the BondingManager first when needed. AMOUNT 0 moves the
    account's existing stake to --to; --to the account itself registers it as
    an orchestrator (then set its terms with `transcoder`).
    """
    _stake(ctx, account, layer, dry_run, yes, as_json, "bond", amount=amount, to=to)


@click.command(short_help="Move bonded LPT into an unbonding lock.")
@click.argument("amount", type=Amount())
@sending
def unbond(ctx, amount, account, layer, dry_run, yes, as_json):
    """Unbond AMOUNT LPT of the account's stake into a new unbonding lock,
    withdrawable (`withdraw-stake`) after the unbonding period."""
    _stake(ctx, account, layer, dry_run, yes, as_json, "unbond", amount=amount)


@click.command(short_help="Return an unbonding lock to the stake.")
@click.argument("lock", type=click.IntRange(min=0), required=False)
@click.option("--to", "to", type=Address(), help="Orchestrator to rebond to when the account has no bonded stake.")
@sending
def rebond(ctx, lock, to, account, layer, dry_run, yes, as_json):
    """Return unbonding lock LOCK (default: the account's only one) to the
    account's stake, with its current orchestrator (or --to when it has none)."""
    _stake(ctx, account, layer, dry_run, yes, as_json, "rebond", lock=lock, to=to)


@click.command(name="withdraw-stake", short_help="Withdraw the LPT of a due unbonding lock.")
@click.argument("lock", type=click.IntRange(min=0), required=False)
@sending
def withdraw_stake(ctx, lock, account, layer, dry_run, yes, as_json):
    """Withdraw the LPT of unbonding lock LOCK (default: the account's only
    one) once its unbonding period is over."""
    _stake(ctx, account, layer, dry_run, yes, as_json, "withdraw-stake", lock=lock)


@click.command(name="claim-earnings", short_help="Add pending rewards and fees to the stake.")
@sending
def claim_earnings(ctx, account, layer, dry_run, yes, as_json):
    """Claim the account's pending rewards (added to its stake) and fees
    (withdrawable with `withdraw-fees`)."""
    _stake(ctx, account, layer, dry_run, yes, as_json, "claim-earnings")


@click.command(short_help="Set an orchestrator's reward cut and fee share.")
@click.option("--reward-cut", type=Percent(10**6), required=True, help="Share of rewards the orchestrator keeps, %.")
@click.option("--fee-share", type=Percent(10**6), required=True, help="Share of fees passed to delegators, %.")
@sending
def transcoder(ctx, reward_cut, fee_share, account, layer, dry_run, yes, as_json):
    """Set the terms of the account, an orchestrator self-bonded on the layer
    (`bond AMOUNT --to ACCOUNT`); it joins the active set when its stake earns a
    place. Not possible in a round's lock period."""
    _stake(ctx, account, layer, dry_run, yes, as_json, "transcoder", reward_cut=reward_cut, fee_share=fee_share)
