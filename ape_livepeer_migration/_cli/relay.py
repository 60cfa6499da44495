"""``ape livepeer relay``: the local relayer, one pass or watching."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, signer
from ape_livepeer_migration._cli.options import (
    confirm,
    dry_run_option,
    echo_json,
    gas_options,
    interval_option,
    json_option,
    operator_option,
    yes_option,
)


@click.command(short_help="Deliver cross-chain messages (local and fork pairs).")
@operator_option("The simulator's (or fork delivery's) operator [default: the recorded one].")
@click.option("--watch", is_flag=True, help="Keep relaying until interrupted (Ctrl-C).")
@interval_option(1.0, "Seconds between idle passes with --watch.")
@click.option("--no-fast-forward", is_flag=True, help="Wait for the L1 challenge period instead of mining through it.")
@dry_run_option
@gas_options
@yes_option
@json_option
@click.pass_context
def relay(ctx, operator_spec, watch, interval, no_fast_forward, dry_run, yes, as_json):
    """Deliver cross-chain messages on the local pair (the Arbitrum simulator).

    On mainnet-fork, where the system is wired to Arbitrum One's real
    contracts, relay delivers the tickets that the real Inbox records on the L1
    fork, through the ticket delivery that deploy puts on the L2 fork (anvil
    cannot run ArbOS); nothing goes from that L2 fork to L1. On sepolia
    Arbitrum delivers its messages itself, and relay says so.

    One pass: every L1 retryable (deposits, migrations) is delivered on L2;
    L2-to-L1 messages (withdrawals) get a send root on L1 and are executed
    through the Outbox once confirmed (the local L1 is mined through the
    challenge period unless --no-fast-forward). Exactly once, journaled next to
    the address book. Asks first unless --yes (--watch asks once); when idle,
    --watch says what it waits for. --dry-run lists the messages a pass would
    move on and sends nothing. A system that mints on L1 (deploy --inflation
    l1) also gets the L2 staked supply reported to L1 whenever the figure there
    is half its maximum age old, as the operator.

    --max-fee, --priority-fee and --gas-limit apply to each transaction the
    operator sends; --nonce is refused (a pass sends on both layers).
    """
    import threading

    if dry_run and watch:
        raise click.UsageError("--dry-run shows one pass: leave out --watch")
    operator = signer(operator_spec, "--operator", required=False)
    with Session(ctx, as_json) as lp, Refusals():
        if dry_run:
            _show_preview(lp.relay_preview(operator), as_json)
            return
        relayer = lp.relayer(operator, fast_forward=not no_fast_forward)
        try:
            how = "until interrupted" if watch else "now"
            confirm(f"Relay the cross-chain messages of the {lp.chains.pair.name} pair {how}?", yes)
            if watch:
                stop = threading.Event()
                said = None  # what the last idle pass said it waits for: said once, again after a change

                def show(report) -> None:
                    nonlocal said
                    if not report.idle:
                        said = None
                        _show_pass(report, as_json)
                    elif not as_json and said != (text := _waiting_for(relayer)):
                        said = text
                        click.echo(text)

                try:
                    relayer.watch(interval, stop, show)
                except KeyboardInterrupt:
                    stop.set()
            else:
                _show_pass(relayer.relay_once(), as_json)
        finally:
            relayer.journal.close()


def _show_preview(preview, as_json: bool) -> None:
    if as_json:
        echo_json(preview.as_json())
        return
    for label, ids in (("L1->L2 to deliver", preview.l1_to_l2), ("L2->L1 to move on", preview.l2_to_l1)):
        click.echo(f"{label} {len(ids)}" + (f" ({', '.join(f'#{i}' for i in ids)})" if ids else ""))
    click.echo("Dry run: nothing sent.")


def _waiting_for(relayer) -> str:
    """What an idle watch waits for: new messages, and the confirmation of the L2->L1 ones journaled as waiting."""
    from ape_livepeer_migration.relayer.journal import Direction, Status

    pending = [f"#{m.id}" for m in relayer.status(Direction.L2_TO_L1, (Status.WAITING,))]
    confirmations = f", and for the confirmation of L2->L1 {', '.join(pending)}" if pending else ""
    return f"Waiting for new cross-chain messages{confirmations}."


def _show_pass(report, as_json: bool) -> None:
    from ape_livepeer_migration._eth import token_text

    if as_json:
        echo_json(report.__dict__)
        return
    if report.idle and not report.execution_errors:
        click.echo("Nothing to relay.")
        return
    for label, ids in (
        ("L1->L2 delivered", report.delivered),
        ("L1->L2 failed (redeemable)", report.failed),
        ("L1->L2 rejected", report.rejected),
        ("L2->L1 executed", report.executed),
        ("L2->L1 waiting for confirmation", [i for i in report.seen_l2 if i not in report.executed]),
    ):
        if ids:
            # a count, then the messages' ids as status shows them (#N), so that an id never reads as a count
            click.echo(f"{label} {len(ids)} ({', '.join(f'#{i}' for i in ids)})")
    if report.stake_reported is not None:
        click.echo(f"L2 staked supply reported to L1: {token_text(report.stake_reported)} LPT")
    for message_id, error in report.undelivered.items():
        click.echo(f"L1->L2 #{message_id} not delivered (skipped until retried): {error}")
    for message_id, error in report.execution_errors.items():
        click.echo(f"L2->L1 #{message_id} not executed: {error}")
