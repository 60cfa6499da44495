"""``ape livepeer``: the command line.

Ape imports this module for every ``ape`` command (to list plugin commands),
so it imports only click at module level; each command imports what it needs.
"""

import click


@click.group(name="livepeer")
def cli():
    """Livepeer on L1 and Arbitrum: migrate stake, bridge LPT, call reward on L2.

    Commands drive two chains at once: an L1 (Ethereum) and an L2 (Arbitrum).
    Locally these are two anvil nodes that `ape livepeer chains` starts.
    """


@cli.command()
@click.option("--l1-port", type=int, default=None, help="Port of the L1 anvil [config: livepeer_migration.local.l1_port].")
@click.option("--l2-port", type=int, default=None, help="Port of the L2 anvil [config: livepeer_migration.local.l2_port].")
def chains(l1_port, l2_port):
    """Run the local L1 and L2 anvils until interrupted (Ctrl-C).

    Other commands connect to them at the configured ports. Each node has its own
    chain id (L1 31337, L2 412346 by default) so the two can never be mixed up.
    """
    import time

    from ape import config

    from ape_livepeer_migration.chains import TwoChains

    settings = config.get_config("livepeer_migration").local
    pair = TwoChains.local(
        l1_port=l1_port or settings.l1_port,
        l2_port=l2_port or settings.l2_port,
        l1_chain_id=settings.l1_chain_id,
        l2_chain_id=settings.l2_chain_id,
    )
    try:
        pair.connect()
    except RuntimeError as err:
        raise click.ClickException(str(err)) from err
    try:
        for chain in pair.layers:
            click.echo(f"{chain.layer.upper()}  {chain.choice:24} chain id {chain.chain_id:<8} {chain.provider.uri}")
        click.echo("Running; press Ctrl-C to stop both nodes.")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        pair.disconnect()
