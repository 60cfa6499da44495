"""``ape livepeer relay``: the local relayer, one pass or watching."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, signer
from ape_livepeer_migration._cli.options import echo_json, interval_option, json_option, operator_option


@click.command(short_help="Deliver cross-chain messages (local and fork pairs).")
@operator_option("The simulator's (or fork delivery's) operator [default: the recorded one].")
@click.option("--watch", is_flag=True, help="Keep relaying until interrupted (Ctrl-C).")
@interval_option(1.0, "Seconds between idle passes with --watch.")
@click.option("--no-fast-forward", is_flag=True, help="Wait for the L1 challenge period instead of mining through it.")
@json_option
@click.pass_context
def relay(ctx, operator_spec, watch, interval, no_fast_forward, as_json):
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
    the address book.
    """
    import threading

    operator = signer(operator_spec, "--operator", required=False)
    with Session(ctx, as_json) as lp, Refusals():
        relayer = lp.relayer(operator, fast_forward=not no_fast_forward)
        try:
            if watch:
                stop = threading.Event()
                try:
                    relayer.watch(interval, stop, lambda r: None if r.idle else _show_pass(r, as_json))
                except KeyboardInterrupt:
                    stop.set()
            else:
                _show_pass(relayer.relay_once(), as_json)
        finally:
            relayer.journal.close()


def _show_pass(report, as_json: bool) -> None:
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
    for message_id, error in report.undelivered.items():
        click.echo(f"L1->L2 #{message_id} not delivered (skipped until retried): {error}")
    for message_id, error in report.execution_errors.items():
        click.echo(f"L2->L1 #{message_id} not executed: {error}")
