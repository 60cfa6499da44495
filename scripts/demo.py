"""The demo behind `make demo`: a local L1 and L2, side by side.

Starts both anvils (free ports), deploys a contract on each layer and shows
that they are two chains. Run with `ape run demo`.
"""

from ape import accounts, project

from ape_livepeer_migration.chains import TwoChains


def main():
    deployer = accounts.test_accounts[0]
    with TwoChains.local() as chains:
        for chain in chains.layers:
            with chain:
                contract = project.Probe.deploy(sender=deployer)
            print(
                f"{chain.layer.upper()}: {chain.choice:24} chain id {chain.chain_id:<7} "
                f"block {chain.block_number:<3} contract {contract.address}"
            )
