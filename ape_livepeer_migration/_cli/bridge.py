"""``ape livepeer bridge-in``, ``bridge-out`` and ``finalize``: LPT across the bridge, and paying out withdrawals."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, signer
from ape_livepeer_migration._cli.options import (
    Address,
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


def _bridge_command(direction: str):
    layer_from, layer_to = ("L1", "L2") if direction == "in" else ("L2", "L1")

    @account_option
    @click.argument("amount", type=Amount())
    @click.option("--to", type=Address(), help=f"Recipient on {layer_to} [default: the account].")
    @dry_run_option
    @yes_option
    @json_option
    @gas_options
    @click.pass_context
    def command(ctx, account, amount, to, dry_run, yes, as_json):
        from ape_livepeer_migration._eth import token_text

        sender = signer(account)
        with Session(ctx, as_json) as lp, Refusals():
            operation = lp.bridge_in if direction == "in" else lp.bridge_out
            # the checks run before the question: a refused bridge asks nothing
            preview = lp.check_bridge(direction, sender.address, amount, to)
            if dry_run:
                echo_preview(preview, as_json)
                return
            confirm(f"Bridge {token_text(amount)} LPT from {layer_from} to {to or sender.address} on {layer_to}?", yes)
            sent = operation(sender, amount, to)
            then = lp.next_step(direction)
        if as_json:
            echo_json(sent.as_json())
        else:
            click.echo(f"Sent {token_text(amount)} LPT in {sent.tx_hash} ({sent.gas_used:,} {layer_from} gas); {then}.")

    command.__doc__ = (
        f"Move AMOUNT LPT from {layer_from} to {layer_to}.\n\n"
        + (
            "Escrows the LPT on L1 and sends one retryable ticket (its L2 fees paid in ETH\n"
            "with the L1 transaction) that mints it on L2. "
            if direction == "in"
            else "Burns the LPT on L2 and sends one L2-to-L1 message that releases it from the\nL1 escrow. "
        )
        + "The gateway's allowance is approved first when short."
    )
    return command


bridge_in = click.command(name="bridge-in")(_bridge_command("in"))
bridge_out = click.command(name="bridge-out")(_bridge_command("out"))


@click.command(short_help="Pay out matured LPT withdrawals on L1.")
@account_option
@dry_run_option
@yes_option
@json_option
@gas_options
@click.pass_context
def finalize(ctx, account, dry_run, yes, as_json):
    """Pay out on L1 the account's LPT withdrawals whose challenge period is over.

    A withdrawal (`bridge-out`) becomes executable in the L1 Outbox once a send
    root covering it is confirmed. This executes every such withdrawal from or
    to the account, paid by the account; the LPT goes to the recipient. Locally
    `ape livepeer relay` asserts the roots (and, by default, finalizes too).
    """
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    with Session(ctx, as_json) as lp, Refusals():
        preview = lp.check_finalize(sender.address)
        if dry_run:
            echo_preview(preview, as_json)
            return
        count, total = len(preview.calls), preview.details["amount_wei"]
        confirm(f"Finalize {count} withdrawal(s) of {token_text(total)} LPT in total on L1?", yes)
        done = lp.finalize(sender)
    if as_json:
        echo_json([finalized.as_json() for finalized in done])
    else:
        for w, tx in done:
            click.echo(f"Withdrawal #{w.position}: {token_text(w.amount)} LPT paid out to {w.to} on L1 in {tx}.")
