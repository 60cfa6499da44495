"""The ``livepeer_migration:`` section of ``ape-config.yaml``.

Ape names a plugin's section after its module without the ``ape_`` prefix.

Every key is optional; the values shown are the defaults::

    livepeer_migration:
      pair: local               # which L1/L2 pair to use: local | mainnet-fork | sepolia
      address_book_dir: null    # where `ape livepeer deploy` records addresses (null: <project>/.build/livepeer)
      gas_margin: 1.3           # ETH checks: estimated gas x fee per gas x this, before anything is sent
      local:                    # two anvils run by `ape livepeer chains`
        l1_port: 8545           # local L1 anvil
        l2_port: 8547           # local L2 anvil (Arbitrum's test node uses 8547 too)
        l1_chain_id: 31337
        l2_chain_id: 412346
      mainnet_fork:             # two anvils forking Ethereum mainnet and Arbitrum One
        l1_upstream: null       # RPC URL of an Ethereum mainnet node (archive node for old blocks)
        l2_upstream: null       # RPC URL of an Arbitrum One node
        l1_port: null           # port of the L1 fork anvil (null: any free port)
        l2_port: null           # port of the L2 fork anvil (null: any free port); set both for
                                #   `ape livepeer --pair mainnet-fork chains` and the commands attaching to it
        l1_block_number: null   # fork at this L1 block (null: latest)
        l2_block_number: null   # fork at this L2 block (null: latest)
      sepolia:                  # the live testnets, through Ape's `node` provider
        l1_rpc: null            # RPC URL of an Ethereum Sepolia node
        l2_rpc: null            # RPC URL of an Arbitrum Sepolia node

Environment variables (they win over the file):

* ``APE_LIVEPEER_PAIR``: the pair to use, instead of ``pair``.
* ``APE_LIVEPEER_L1_RPC`` / ``APE_LIVEPEER_L2_RPC``: the URL of the *selected*
  pair's L1 / L2 node: the upstreams of ``mainnet-fork`` (``l1_upstream``,
  ``l2_upstream``) or the nodes of ``sepolia`` (``l1_rpc``, ``l2_rpc``). The
  ``local`` pair needs no URL and ignores them. Keeping keys out of the file is
  the point: RPC URLs usually embed an API key.

Ape also expands ``$VAR`` / ``${VAR}`` inside ``ape-config.yaml`` itself, so
``l1_rpc: ${MY_SEPOLIA_RPC}`` works as well.

A pair that needs a URL and has none fails before any connection with a
:class:`MissingRpcError` naming the key and the variable to set. Ape's own
fallback for a live network without a URL (a random public RPC) is never used:
it would send requests somewhere nobody chose.

Any key the file does not set can also come from an
``APE_LIVEPEER_<SECTION>_<KEY>`` variable, e.g. ``APE_LIVEPEER_LOCAL_L1_PORT``
or ``APE_LIVEPEER_SEPOLIA_L2_RPC`` (pydantic-settings, Ape's convention for
plugin sections); unlike the three variables above, these yield to the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ape.api import PluginConfig
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ape_livepeer_migration.chains.networks import NetworkPair, PairKind, get_pair
from ape_livepeer_migration.exceptions import ConfigError, MissingRpcError

#: Chain id of the local L1: anvil's own local id.
LOCAL_L1_CHAIN_ID = 31337
#: Chain id of the local L2: the id of Arbitrum's own local test node. Recent
#: anvils replace the ArbSys precompile when the id is an official Arbitrum id
#: (42161, 421614, ...); this one is left alone, so the simulator can live at 0x64.
LOCAL_L2_CHAIN_ID = 412346

#: Environment variable choosing the pair.
PAIR_ENV = "APE_LIVEPEER_PAIR"
#: Environment variables giving the selected pair's L1 / L2 node URL.
L1_RPC_ENV = "APE_LIVEPEER_L1_RPC"
L2_RPC_ENV = "APE_LIVEPEER_L2_RPC"


class LocalPairConfig(PluginConfig):
    """Where the local L1 and L2 anvils listen, and their chain ids."""

    l1_port: int = 8545
    l2_port: int = 8547
    l1_chain_id: int = LOCAL_L1_CHAIN_ID
    l2_chain_id: int = LOCAL_L2_CHAIN_ID

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_LIVEPEER_LOCAL_")


class ForkPairConfig(PluginConfig):
    """The ``mainnet-fork`` pair: upstream nodes, fork ports and fork blocks."""

    l1_upstream: str | None = None
    l2_upstream: str | None = None
    l1_port: int | None = None
    l2_port: int | None = None
    l1_block_number: int | None = None
    l2_block_number: int | None = None

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_LIVEPEER_MAINNET_FORK_")


class LivePairConfig(PluginConfig):
    """The ``sepolia`` pair: the nodes to talk to."""

    l1_rpc: str | None = None
    l2_rpc: str | None = None

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_LIVEPEER_SEPOLIA_")


class LivepeerConfig(PluginConfig):
    """Settings of the ``livepeer`` plugin."""

    pair: str = "local"
    #: Directory of the address books (one JSON per pair) and relayer journals; ``None``: ``.build/livepeer``.
    address_book_dir: str | None = None
    #: Factor on the estimated fee (gas x fee per gas) when a command checks, before sending, that the account holds
    #: the ETH its transactions cost: estimates are not exact and the base fee moves between blocks.
    gas_margin: float = Field(1.3, ge=1.0)
    # Factories, not instances: each load reads the APE_LIVEPEER_<SECTION>_* variables anew.
    local: LocalPairConfig = Field(default_factory=LocalPairConfig)
    mainnet_fork: ForkPairConfig = Field(default_factory=ForkPairConfig)
    sepolia: LivePairConfig = Field(default_factory=LivePairConfig)

    model_config = SettingsConfigDict(extra="forbid", env_prefix="APE_LIVEPEER_")


#: The section each pair's config class is read under (its variables are ``APE_LIVEPEER_<SECTION>_<KEY>``).
_SECTIONS = {
    config.__name__: name
    for name, field in LivepeerConfig.model_fields.items()
    if isinstance(config := field.default_factory, type)
}


def plugin_config() -> LivepeerConfig:
    """The ``livepeer_migration:`` section as configured. A mistake in it (a key that is not a setting, a value of
    the wrong type) raises :class:`ConfigError` naming the key, in one line."""
    from ape import config
    from ape.exceptions import ConfigError as ApeConfigError
    from pydantic import ValidationError

    try:
        return config.get_config("livepeer_migration")
    except (ApeConfigError, ValidationError) as err:
        invalid: BaseException | None = err
        while invalid is not None and not isinstance(invalid, ValidationError):
            invalid = invalid.__cause__ or invalid.__context__
        if invalid is None:
            raise
        raise ConfigError("; ".join(_config_mistake(invalid.title, detail) for detail in invalid.errors())) from err


def _config_mistake(model: str, detail) -> str:
    """One pydantic error of ``model`` (a config class's name), named where the user wrote it: the
    ``APE_LIVEPEER_*`` variable when one is set for that key, else ``ape-config.yaml: livepeer_migration.<key>``.
    A section's variables are read when the section is built on its own, so its errors carry only the key: the
    section comes from the model."""
    section = _SECTIONS.get(model)
    loc = [*([section] if section else []), *map(str, detail["loc"])]
    variable = "APE_LIVEPEER_" + "_".join(loc).upper()
    where = variable if variable in os.environ else "ape-config.yaml: " + ".".join(["livepeer_migration", *loc])
    if detail["type"] == "extra_forbidden":
        return f"{where} is not a setting"
    return f"{where}: {detail['msg'][0].lower()}{detail['msg'][1:]}, got {detail['input']!r}"


@dataclass(frozen=True)
class LayerSettings:
    """What it takes to open one layer of a pair."""

    #: Node URL: the fork's upstream (fork pairs) or the node itself (live pairs).
    url: str | None = None
    #: Local port of the anvil to start or attach to (``None``: any free port).
    port: int | None = None
    #: Chain id the node must report (``None``: not checked here).
    chain_id: int | None = None
    #: Fork from this block (fork pairs only; ``None``: latest).
    block_number: int | None = None


@dataclass(frozen=True)
class PairSettings:
    """A pair from the registry with everything configuration says about its two layers."""

    pair: NetworkPair
    l1: LayerSettings
    l2: LayerSettings


def _node_url(section: PluginConfig, key: str, env_name: str, pair: NetworkPair, environ: Mapping[str, str]) -> str:
    """The environment's URL, else the section's ``key``; a clear error when neither is set."""
    if url := environ.get(env_name) or getattr(section, key):
        return url
    section_name = pair.name.replace("-", "_")
    raise MissingRpcError(
        f"the {pair.name} pair needs the RPC URL of its {key[:2].upper()} node: set {env_name} "
        f"or livepeer_migration.{section_name}.{key} in ape-config.yaml"
    )


def resolve_pair(
    config: LivepeerConfig,
    name: str | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    upstreams: bool = True,
) -> PairSettings:
    """Settings of the pair ``name`` (default: ``$APE_LIVEPEER_PAIR``, then ``pair``).

    ``upstreams=False``: a fork pair's upstream URLs are not needed (attaching to fork anvils that another
    process runs) and are left out. Raises :class:`~ape_livepeer_migration.chains.networks.UnknownPairError` for a name
    not in the registry and :class:`MissingRpcError` when a needed URL is absent.
    Nothing here connects to anything.
    """
    env = os.environ if environ is None else environ
    pair = get_pair(name or env.get(PAIR_ENV) or config.pair)
    if pair.kind is PairKind.LOCAL:
        local = config.local
        return PairSettings(
            pair,
            LayerSettings(port=local.l1_port, chain_id=local.l1_chain_id),
            LayerSettings(port=local.l2_port, chain_id=local.l2_chain_id),
        )
    # The section of a fork or live pair is the pair's name in snake case.
    section = getattr(config, pair.name.replace("-", "_"))
    if pair.kind is PairKind.FORK:
        if not upstreams:
            return PairSettings(
                pair,
                LayerSettings(port=section.l1_port, chain_id=pair.l1_chain_id),
                LayerSettings(port=section.l2_port, chain_id=pair.l2_chain_id),
            )
        return PairSettings(
            pair,
            LayerSettings(
                url=_node_url(section, "l1_upstream", L1_RPC_ENV, pair, env),
                port=section.l1_port,
                chain_id=pair.l1_chain_id,
                block_number=section.l1_block_number,
            ),
            LayerSettings(
                url=_node_url(section, "l2_upstream", L2_RPC_ENV, pair, env),
                port=section.l2_port,
                chain_id=pair.l2_chain_id,
                block_number=section.l2_block_number,
            ),
        )
    return PairSettings(
        pair,
        LayerSettings(url=_node_url(section, "l1_rpc", L1_RPC_ENV, pair, env), chain_id=pair.l1_chain_id),
        LayerSettings(url=_node_url(section, "l2_rpc", L2_RPC_ENV, pair, env), chain_id=pair.l2_chain_id),
    )
