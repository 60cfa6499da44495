"""The ``livepeer_migration:`` section of ``ape-config.yaml``.

Ape names a plugin's section after its module without the ``ape_`` prefix.

Example (every key optional; these are the defaults)::

    livepeer_migration:
      local:
        l1_port: 8545          # local L1 anvil
        l2_port: 8547          # local L2 anvil (Arbitrum's test node uses 8547 too)
        l1_chain_id: 31337
        l2_chain_id: 412346
"""

from ape.api import PluginConfig
from pydantic_settings import SettingsConfigDict

#: Chain id of the local L1: anvil's own local id.
LOCAL_L1_CHAIN_ID = 31337
#: Chain id of the local L2: the id of Arbitrum's own local test node. Recent
#: anvils replace the ArbSys precompile when the id is an official Arbitrum id
#: (42161, 421614, ...); this one is left alone, so the simulator can live at 0x64.
LOCAL_L2_CHAIN_ID = 412346


class LocalPairConfig(PluginConfig):
    """Where the local L1 and L2 anvils listen, and their chain ids."""

    l1_port: int = 8545
    l2_port: int = 8547
    l1_chain_id: int = LOCAL_L1_CHAIN_ID
    l2_chain_id: int = LOCAL_L2_CHAIN_ID

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_LIVEPEER_LOCAL_")


class LivepeerConfig(PluginConfig):
    """Settings of the ``livepeer`` plugin."""

    local: LocalPairConfig = LocalPairConfig()

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_LIVEPEER_")
