"""``ape livepeer status`` and ``migrate``: an account's stake on both layers, and moving it from L1 to L2."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, account_address, signer
from ape_livepeer_migration._cli.options import (
    Address,
    LockIds,
    account_option,
    confirm,
    echo_json,
    echo_table,
    json_option,
    yes_option,
)


@click.command(short_help="An account's staking on both layers.")
@click.argument("address", type=Address(), required=False)
@account_option
@json_option
@click.pass_context
def status(ctx, address, account, as_json):
    """Staking position of ADDRESS (default: --account) on both layers.

    Shows each layer's round, delegate, stake, pending rewards and fees,
    unbonding locks, the LPT and ETH balances, and the cross-chain messages the
    local relayer's journal holds that are not final yet. A system that mints
    its rewards on L1 (deploy --inflation l1) adds the age of the L2 stake
    report on L1 and what the current L2 round hands out.
    """
    from ape_livepeer_migration._eth import amount_text

    if address is None:
        address = account_address(account)
    with Session(ctx, as_json) as lp, Refusals():
        st = lp.status(address)
        minting = lp.minting()
    if as_json:
        echo_json({**st.as_json(), "minting": minting.as_json()})
        return
    rows = []
    for label, cell in (
        ("Round", lambda x: f"{x.round}{'' if x.round_initialized else ' (not initialized)'}"),
        ("Delegate", lambda x: x.delegate or "-"),
        ("Orchestrator", lambda x: ("active" if x.active else "registered") if x.orchestrator else "no"),
        ("Stake (LPT)", lambda x: amount_text(x.stake)),
        ("  pending rewards (LPT)", lambda x: amount_text(x.pending_rewards)),
        ("Pending fees (ETH)", lambda x: amount_text(x.pending_fees)),
        (
            "Unbonding locks",
            lambda x: (
                ", ".join(
                    f"#{lock['id']}: {amount_text(lock['amount'])} LPT from round {lock['withdraw_round']}"
                    for lock in x.unbonding_locks
                )
                or "-"
            ),
        ),
    ):
        rows.append([label, cell(st.l1), cell(st.l2)])
    rows.append(["LPT balance", amount_text(st.lpt["l1"]), amount_text(st.lpt["l2"])])
    rows.append(["ETH balance", amount_text(st.eth["l1"]), amount_text(st.eth["l2"])])
    echo_table(["", "L1", "L2"], rows, caption=f"Account {st.account}")
    if st.messages:
        echo_table(
            ["Message", "Status", "Source block"],
            [[f"{m.direction} #{m.id}", m.status, str(m.source_block)] for m in st.messages],
            caption="Cross-chain messages in flight (relayer journal)",
        )
    else:
        click.echo("No cross-chain messages in flight.")
    if minting.inflation.mode == "l1":
        click.echo(_l1_minting_line(minting))


def _l1_minting_line(minting) -> str:
    """The L1-minting mode in one line: the stake oracle's last report and what this L2 round hands out."""
    from ape_livepeer_migration._eth import amount_text

    if minting.report_age is None:
        report = "no L2 stake reported to L1 yet"
    else:
        state = "fresh" if minting.report_fresh else "stale"
        report = f"L2 stake report {minting.report_age:,} s old ({state}, at most {minting.max_report_age:,} s)"
    waits = f"; L1 round {minting.l1_round}'s mint waits: {minting.l1_mint_waits}" if minting.l1_mint_waits else ""
    return (
        f"Rewards minted on L1 ({minting.inflation.rounds_per_l1_round} L2 rounds per L1 round): {report}; "
        f"{amount_text(minting.available)} LPT available in L2 round {minting.l2_round}, "
        f"{amount_text(minting.undistributed)} LPT undistributed{waits}."
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
@click.option("--dry-run", is_flag=True, help="Show what would be sent and its cost on both layers; send nothing.")
@yes_option
@json_option
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
    from ape_livepeer_migration._eth import amount_text

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
        confirm(f"Send the migration of {amount_text(plan.amount)} LPT?", yes)
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
    from ape_livepeer_migration._eth import amount_text

    rows = [
        ["Kind", plan.kind],
        ["Amount (LPT)", amount_text(plan.amount)],
        ["L2 delegator", plan.l2_delegator],
        ["L2 orchestrator", plan.l2_orchestrator],
        ["L1 gas (estimate)", f"{plan.l1_gas:,}"],
        ["L1 cost (ETH)", amount_text(plan.l1_cost)],
        ["L2 gas limit", f"{plan.l2_gas_limit:,}"],
        ["L2 max cost, sent with the L1 tx (ETH)", amount_text(plan.retryable_value)],
        ["Total at most (ETH)", amount_text(plan.total_eth)],
    ]
    if plan.lock_ids:
        rows.insert(2, ["Unbonding locks", ", ".join(map(str, plan.lock_ids))])
    echo_table(["Migration", ""], rows, caption=f"Migration of {plan.account}")
