"""``ape livepeer chains``: the pair's two anvils, in the foreground."""

import click

from ape_livepeer_migration._cli.context import Refusals, started


@click.command(short_help="Run the pair's L1 and L2 anvils until Ctrl-C.")
@click.option(
    "--pair", "pair_name", help="local or mainnet-fork [default: the group's --pair, $APE_LIVEPEER_PAIR, the config]."
)
@click.option(
    "--l1-port", type=int, default=None, help="Port of the L1 anvil [config: livepeer_migration.<pair>.l1_port]."
)
@click.option(
    "--l2-port", type=int, default=None, help="Port of the L2 anvil [config: livepeer_migration.<pair>.l2_port]."
)
@click.pass_context
def chains(ctx, pair_name, l1_port, l2_port):
    """Run the pair's L1 and L2 anvils until interrupted (Ctrl-C).

    Other commands of the pair attach to them at the configured ports. The
    local pair's nodes have chain ids of their own (L1 31337, L2 412346 by
    default) so the two can never be mixed up. mainnet-fork's anvils fork the
    configured upstreams (chain ids 1 and 42161) and need configured ports
    (livepeer_migration.mainnet_fork.l1_port / l2_port), where the other
    commands find them.
    """
    import time

    from ape_livepeer_migration.chains.pair import redact_url
    from ape_livepeer_migration.exceptions import ConfigError
    from ape_livepeer_migration.session.nodes import start_nodes

    with Refusals():
        try:
            pair, resolved = start_nodes(pair_name or ctx.obj.get("pair"), l1_port, l2_port)
        except ConfigError as err:  # the pair cannot run nodes as asked: the command line or config is wrong
            raise click.UsageError(str(err)) from err
    started()
    try:
        for chain, layer in zip(pair.layers, (resolved.l1, resolved.l2), strict=True):
            forking = f"  forking {redact_url(layer.url)}" if layer.url else ""
            click.echo(
                f"{chain.layer.upper()}  {chain.choice:30} chain id {chain.chain_id:<8} {chain.provider.uri}{forking}"
            )
        click.echo("Running; press Ctrl-C to stop both nodes.")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        pair.disconnect()
