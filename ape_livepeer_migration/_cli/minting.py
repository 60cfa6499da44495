"""``ape livepeer report-stake``: the L2 staked supply reported to L1, which L1 minting reads."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, signer
from ape_livepeer_migration._cli.options import account_option, confirm, echo_json, json_option, yes_option


@click.command(name="report-stake", short_help="Report the L2 staked supply to L1 (L1 minting).")
@account_option
@yes_option
@json_option
@click.pass_context
def report_stake(ctx, account, yes, as_json):
    """Report the L2 staked supply to the L1 stake oracle, once.

    A system deployed with --inflation l1 mints each L1 round's rewards on L1
    at a rate that counts the stake on both layers; the L2 part is the figure
    its oracle last received. The account must be one of the oracle's
    reporters (set by governance; deploy makes the simulator's operator, or
    the deployer where there is no simulator, the reporter, and on the local
    and fork pairs `relay` reports as the operator whenever the figure is half
    its maximum age old). Asks first unless --yes.
    """
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        reading = lp.check_stake_report(sender.address)
        confirm(
            f"Report the L2 staked supply ({token_text(reading.staked_supply)} LPT at L2 block {reading.l2_block}) to "
            f"L1 as {sender.address}?",
            yes,
        )
        sent = lp.report_stake(sender)
    if as_json:
        echo_json(sent.as_json())
    else:
        click.echo(
            f"Reported {token_text(sent.details['staked_supply_wei'])} LPT staked on L2 (L2 block "
            f"{sent.details['l2_block']}) in {sent.tx_hash} ({sent.gas_used:,} L1 gas)."
        )
