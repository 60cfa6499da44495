"""``ape livepeer``: the command line.

Ape imports this package for every ``ape`` command (to list plugin commands), so it and the command modules import
only click at module level; each command imports the library in its body. A command parses its options, calls the
library (:class:`~ape_livepeer_migration.session.livepeer.Livepeer`) and renders what comes back.
"""

import click

from ape_livepeer_migration._cli.bonding import (
    bond,
    claim_earnings,
    orchestrators,
    rebond,
    transcoder,
    unbond,
    withdraw_stake,
)
from ape_livepeer_migration._cli.bridge import bridge_in, bridge_out, finalize
from ape_livepeer_migration._cli.chains import chains
from ape_livepeer_migration._cli.context import Commands
from ape_livepeer_migration._cli.deploy import deploy
from ape_livepeer_migration._cli.minting import fund_minting_gas, report_stake
from ape_livepeer_migration._cli.relay import relay
from ape_livepeer_migration._cli.rewards import call_reward, profitability, withdraw_fees
from ape_livepeer_migration._cli.staking import migrate, status


@click.group(name="livepeer", cls=Commands)
@click.option(
    "--pair", envvar="APE_LIVEPEER_PAIR", show_envvar=True, help="Network pair [config: livepeer_migration.pair]."
)
@click.option(
    "--address-book",
    type=click.Path(dir_okay=False),
    envvar="APE_LIVEPEER_ADDRESS_BOOK",
    show_envvar=True,
    help="Address book file [default: <address_book_dir>/<pair>.json].",
)
@click.pass_context
def cli(ctx, pair, address_book):
    """Livepeer on L1 and Arbitrum: migrate stake, bridge LPT, call reward on L2.

    Commands drive two chains at once: an L1 (Ethereum) and an L2 (Arbitrum).
    Locally these are two anvil nodes that `ape livepeer chains` starts;
    `ape livepeer deploy` puts the system on them and records the addresses in
    the pair's address book, which every other command reads.

    Commands that send check their inputs first, including that the account's
    ETH covers the estimated gas (times livepeer_migration.gas_margin), and
    refuse in one line without sending; they ask before sending unless --yes.
    """
    # A caller may hand in connected chains (ctx.obj["chains"]), e.g. a test's own pair.
    ctx.ensure_object(dict)
    ctx.obj.setdefault("pair", pair)
    ctx.obj.setdefault("address_book", address_book)


for command in (
    chains,
    profitability,
    deploy,
    status,
    migrate,
    orchestrators,
    bond,
    unbond,
    rebond,
    withdraw_stake,
    claim_earnings,
    transcoder,
    bridge_in,
    bridge_out,
    relay,
    finalize,
    call_reward,
    withdraw_fees,
    report_stake,
    fund_minting_gas,
):
    cli.add_command(command)
