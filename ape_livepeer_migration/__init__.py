"""ape-livepeer-migration: Livepeer's L1 -> L2 stake migration as an Ape plugin.

This module is imported by Ape at start-up (for the hooks below), so it stays
tiny: the config class is imported only when Ape asks for it.
"""

from ape import plugins


@plugins.register(plugins.Config)
def config_class():
    from ape_livepeer_migration.config import LivepeerConfig

    return LivepeerConfig
