"""``ape livepeer status`` and ``migrate``: an account's stake on both layers, and moving it from L1 to L2."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, account_address, signer
from ape_livepeer_migration._cli.options import (
    Address,
    LockIds,
    account_option,
    confirm,
    dry_run_option,
    echo_json,
    echo_table,
    gas_options,
    json_option,
    yes_option,
)


@click.command(short_help="The system on both layers, or an account's staking there.")
@click.argument("address", type=Address(), required=False)
@account_option
@json_option
@click.pass_context
def status(ctx, address, account, as_json):
    """The system on both layers, or the staking of ADDRESS (or --account).

    Without an account: each layer's round and lock state, LPT supply,
    inflation, reward LPT mintable and minted this round, active set and total
    active stake; the LPT the L1 escrow holds; the age of the L1 supply report
    L2 inflation uses; and every cross-chain message in flight.

    With one: each layer's round, delegate, stake, pending rewards and fees,
    unbonding locks, an orchestrator's terms and total delegated stake, the LPT
    and ETH balances, and the account's cross-chain messages in flight
    (migrations and deposits with their L2 tickets, withdrawals with their
    Outbox state), read from the chains: any machine with the address book
    sees them, whoever relays.

    A system that mints its rewards on L1 (deploy --inflation l1) adds, in
    both views, the age of the L2 stake report on L1 and what the current L2
    round hands out.
    """
    if address is None and account is not None:
        address = account_address(account)
    with Session(ctx, as_json) as lp, Refusals():
        st = lp.status(address) if address is not None else lp.system_status()
        minting = lp.minting()
    if as_json:
        echo_json({**st.as_json(), "minting": minting.as_json()})
        return
    if address is None:
        _system_table(st)
    else:
        _account_table(st)
    if minting.inflation.mode == "l1":
        click.echo(_l1_minting_line(minting))


def _account_table(st) -> None:
    from ape_livepeer_migration._eth import token_text

    rows = []
    for label, cell in (
        ("Round", lambda x: f"{x.round}{'' if x.round_initialized else ' (not initialized)'}"),
        ("Delegate", lambda x: x.delegate or "-"),
        ("Orchestrator", lambda x: ("active" if x.active else "registered") if x.orchestrator else "no"),
        ("  cut / fee share (%)", lambda x: _terms(x.terms)),
        ("  delegated (LPT)", lambda x: "-" if x.terms is None else token_text(x.terms.stake)),
        ("  reward() called", lambda x: "-" if x.terms is None else ("yes" if x.terms.reward_called else "no")),
        ("Stake (LPT)", lambda x: token_text(x.stake)),
        ("  pending rewards (LPT)", lambda x: token_text(x.pending_rewards)),
        ("Pending fees (ETH)", lambda x: token_text(x.pending_fees)),
        (
            "Unbonding locks",
            lambda x: (
                ", ".join(
                    f"#{lock['id']}: {token_text(lock['amount'])} LPT from round {lock['withdraw_round']}"
                    for lock in x.unbonding_locks
                )
                or "-"
            ),
        ),
    ):
        rows.append([label, cell(st.l1), cell(st.l2)])
    rows.append(["LPT balance", token_text(st.lpt["l1"]), token_text(st.lpt["l2"])])
    rows.append(["ETH balance", token_text(st.eth["l1"]), token_text(st.eth["l2"])])
    echo_table(["", "L1", "L2"], rows, caption=f"Account {st.account}")
    _messages_table(st.messages)


def _terms(terms) -> str:
    from ape_livepeer_migration._eth import amount_text

    if terms is None:
        return "-"
    return f"{amount_text(terms.reward_cut, 4)} / {amount_text(terms.fee_share, 4)}"


def _system_table(st) -> None:
    from ape_livepeer_migration._eth import amount_text, token_text

    def mintable(x) -> str:
        if not x.round_initialized:
            return "- (round not initialized)"
        return f"{token_text(x.mintable)} ({token_text(x.minted)} minted)"

    def round_state(x) -> str:
        return f"{x.round}{'' if x.round_initialized else ' (not initialized)'}{' (locked)' if x.round_locked else ''}"

    rows = []
    for label, cell in (
        ("Round", round_state),
        ("LPT supply", lambda x: token_text(x.supply)),
        ("Inflation per round (%)", lambda x: amount_text(x.inflation, 7)),
        ("  of a supply of (LPT)", lambda x: token_text(x.inflation_supply)),
        ("Reward LPT this round", mintable),
        ("Active set", lambda x: f"{x.active_set_size} of {x.active_set_limit}"),
        ("Total active stake (LPT)", lambda x: token_text(x.total_active_stake)),
    ):
        rows.append([label, cell(st.l1), cell(st.l2)])
    rows.append(["L1 escrow (LPT)", token_text(st.escrow), "-"])
    if st.report_age is None:
        report = "none yet"
    else:
        report = f"{token_text(st.l1_circulating_supply)} LPT, {st.report_age:,} s old (max {st.max_report_age:,} s)"
    rows.append(["L1 supply report", "-", report])
    echo_table(["", "L1", "L2"], rows, caption="Livepeer on both layers")
    _messages_table(st.messages)


def _messages_table(messages) -> None:
    """One line per message: a table would cut the ids a user copies (a ticket to redeem, a transaction)."""
    from ape_livepeer_migration._eth import token_text

    if not messages:
        click.echo("No cross-chain messages in flight.")
        return
    meaning = {
        "pending": "no ticket on L2 yet; ",
        "redeemable": "its auto-redeem failed, anyone may redeem it; ",
        "no-root": "no send root covers it yet; ",
        "executable": "`finalize` pays it out; ",
    }
    click.echo("Cross-chain messages in flight:")
    for m in messages:
        if m.direction == "l1-to-l2":
            where = f"L1 message #{m.id}" + ("" if m.ticket is None else f", ticket {m.ticket}")
            until = "" if m.until is None else f" until {m.until} (unix time)"
        else:
            where = f"Outbox position {m.id}"
            until = "" if m.until is None else f" until L1 block {m.until}"
        click.echo(
            f"  {m.direction} {m.kind} of {token_text(m.amount)} LPT, {m.sender} -> {m.recipient}: "
            f"{m.state}{until} ({meaning.get(m.state, '')}{where}; sent in {m.tx_hash})"
        )


def _l1_minting_line(minting) -> str:
    """The L1-minting mode in one line: the stake oracle's last report, what this L2 round hands out and the L1
    Minter's gas budget (with what one round mint's retryable costs from it)."""
    from ape_livepeer_migration._eth import token_text

    if minting.report_age is None:
        report = "no L2 stake reported to L1 yet"
    else:
        state = "fresh" if minting.report_fresh else "stale"
        report = f"L2 stake report {minting.report_age:,} s old ({state}, at most {minting.max_report_age:,} s)"
    waits = f"; L1 round {minting.l1_round}'s mint waits: {minting.l1_mint_waits}" if minting.l1_mint_waits else ""
    return (
        f"Rewards minted on L1 ({minting.inflation.rounds_per_l1_round} L2 rounds per L1 round): {report}; "
        f"{token_text(minting.available)} LPT available in L2 round {minting.l2_round}, "
        f"{token_text(minting.undistributed)} LPT undistributed; gas budget {token_text(minting.gas_budget)} ETH "
        f"({token_text(minting.round_mint_cost)} ETH a round mint){waits}."
    )


@click.command()
@account_option
@click.option(
    "--to-orchestrator",
    type=Address(),
    help="L2 orchestrator to stake with [default: the L1 orchestrator, if it migrated].",
)
@click.option(
    "--locks", "lock_ids", type=LockIds(), help="Migrate these unbonding locks (e.g. 0,2) instead of the bonded stake."
)
@dry_run_option
@yes_option
@json_option
@gas_options
@click.pass_context
def migrate(ctx, account, to_orchestrator, lock_ids, dry_run, yes, as_json):
    """Move the account's L1 stake to L2 in one L1 transaction.

    The stake (with its pending rewards and fees) leaves the L1 BondingManager,
    and one retryable ticket mints the same LPT on L2 and stakes it with the
    chosen orchestrator. An L1 orchestrator migrates itself with its terms.
    By default a delegator follows its L1 orchestrator if that one is
    registered on L2; otherwise --to-orchestrator is needed (asked for unless
    --yes). The L2 side is delivered by the relayer (`ape livepeer relay`).
    """
    from ape_livepeer_migration._eth import token_text

    sender = signer(account)
    lock_ids = lock_ids or ()
    with Session(ctx, as_json) as lp, Refusals():
        lp.check_migratable(sender.address, lock_ids)  # nothing to migrate comes before where it would go
        if lp.migration_orchestrator(sender.address, to_orchestrator, lock_ids) is None:
            if yes or dry_run:
                raise click.ClickException(
                    f"{sender.address}'s L1 orchestrator is not registered on L2: choose one with --to-orchestrator"
                )
            to_orchestrator = click.prompt("L2 orchestrator to stake with", type=Address())
        plan = lp.plan_migration(sender.address, to_orchestrator, lock_ids)
        if as_json and dry_run:
            echo_json(plan.as_json())
            return
        if not as_json:
            _plan_table(plan)
        if dry_run:
            click.echo("Dry run: nothing sent.")
            return
        confirm(f"Send the migration of {token_text(plan.amount)} LPT?", yes)
        plan, sent = lp.migrate(sender, to_orchestrator, lock_ids)
        then = lp.next_step("in")
    if as_json:
        echo_json(plan.as_json(sent))
    else:
        click.echo(
            f"Migration #{sent.migration.id} sent in {sent.receipt.txn_hash} ({sent.receipt.gas_used:,} L1 gas); "
            f"{then}."
        )


def _plan_table(plan) -> None:
    from ape_livepeer_migration._eth import amount_text, token_text

    rows = [
        ["Kind", plan.kind],
        ["Amount (LPT)", token_text(plan.amount)],
        ["L2 delegator", plan.l2_delegator],
        ["L2 orchestrator", plan.l2_orchestrator],
        ["L1 gas (estimate)", f"{plan.l1_gas:,}"],
        ["L1 cost (ETH)", token_text(plan.l1_cost)],
        ["L2 gas limit", f"{plan.l2_gas_limit:,}"],
        ["L2 max cost, sent with the L1 tx (ETH)", token_text(plan.retryable_value)],
        ["Total at most (ETH)", token_text(plan.total_eth)],
    ]
    if plan.lock_ids:
        rows.insert(2, ["Unbonding locks", ", ".join(map(str, plan.lock_ids))])
    if plan.terms is not None:  # an orchestrator registers on L2 with its L1 terms
        reward_cut, fee_share = plan.terms
        rows[4:4] = [["Reward cut (%)", amount_text(reward_cut, 4)], ["Fee share (%)", amount_text(fee_share, 4)]]
    echo_table(["Migration", ""], rows, caption=f"Migration of {plan.account}")
