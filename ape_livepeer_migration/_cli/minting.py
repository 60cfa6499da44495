"""``ape livepeer report-stake`` and ``fund-minting-gas``: what L1 minting needs, the L2 staked supply reported to L1
and ETH for the retryables of its round mints."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, signer
from ape_livepeer_migration._cli.options import (
    Amount,
    account_option,
    confirm,
    dry_run_option,
    echo_json,
    echo_preview,
    gas_options,
    json_option,
    yes_option,
)


@click.command(name="report-stake", short_help="Report the L2 staked supply to L1 (L1 minting).")
@account_option
@dry_run_option
@yes_option
@json_option
@gas_options
@click.pass_context
def report_stake(ctx, account, dry_run, yes, as_json):
    """Report the L2 staked supply to the L1 stake oracle, once.

    A system deployed with --inflation l1 mints each L1 round's rewards on L1
    at a rate that counts the stake on both layers; the L2 part is the figure
    its oracle last received. The account must be one of the oracle's
    reporters (set by governance; deploy makes the simulator's operator, or
    the deployer where there is no simulator, the reporter, and on the local
    and fork pairs `relay` reports as the operator whenever the figure is half
    its maximum age old). Asks first unless --yes, and sends the reading it
    showed; the oracle refuses it (nothing changes) if a report of a later L2
    block arrived meanwhile. --dry-run shows the reading and the report's L1
    gas and cost, and sends nothing.
    """
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        preview = lp.check_stake_report(sender.address)
        if dry_run:
            echo_preview(preview, as_json)
            return
        reading = preview.details
        confirm(
            f"Report the L2 staked supply ({token_text(reading['staked_supply_wei'])} LPT at L2 block "
            f"{reading['l2_block']}) to L1 as {sender.address}?",
            yes,
        )
        sent = lp.report_stake(sender, preview)
    if as_json:
        echo_json(sent.as_json())
    else:
        click.echo(
            f"Reported {token_text(sent.details['staked_supply_wei'])} LPT staked on L2 (L2 block "
            f"{sent.details['l2_block']}) in {sent.tx_hash} ({sent.gas_used:,} L1 gas)."
        )


@click.command(name="fund-minting-gas", short_help="Add ETH to the L1 Minter's gas budget (L1 minting).")
@account_option
@click.argument("amount", type=Amount())
@dry_run_option
@yes_option
@json_option
@gas_options
@click.pass_context
def fund_minting_gas(ctx, account, amount, dry_run, yes, as_json):
    """Add AMOUNT ETH (e.g. 0.5) of the account to the L1 Minter's gas budget.

    A system deployed with --inflation l1 sends each L1 round's rewards to L2
    in a retryable paid from this budget; while it holds less than one
    retryable costs, a round's mint waits (status says so). Anyone may fund
    it; only governance withdraws from it. Asks first unless --yes.
    """
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        preview = lp.check_gas_funding(sender.address, amount)
        if dry_run:
            echo_preview(preview, as_json, unit="ETH", value_label="sent to the gas budget")
            return
        budget = preview.details["gas_budget_wei"]
        confirm(
            f"Add {token_text(amount)} ETH to the L1 Minter's gas budget ({token_text(budget)} ETH now) from "
            f"{sender.address}?",
            yes,
        )
        sent = lp.fund_minting_gas(sender, amount)
    if as_json:
        echo_json(sent.as_json())
    else:
        click.echo(
            f"Added {token_text(amount)} ETH to the L1 Minter's gas budget, now "
            f"{token_text(sent.details['gas_budget_wei'])} ETH, in {sent.tx_hash} ({sent.gas_used:,} L1 gas)."
        )
