"""The nodes a pair runs for the other commands and sessions to attach to (``ape livepeer chains``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ape_livepeer_migration.exceptions import ConfigError

if TYPE_CHECKING:
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.config import PairSettings


def start_nodes(
    pair_name: str | None = None, l1_port: int | None = None, l2_port: int | None = None
) -> tuple[TwoChains, PairSettings]:
    """Start and connect the anvils of ``pair_name`` (default: the configured pair) at the given ports (default: the
    configured ones), and return them with the pair's settings.

    The nodes are there to be attached to, so they run where attaching looks for them: a fork pair needs its
    ports configured (:meth:`TwoChains.for_pair` with ``start=False`` looks nowhere else), and a live pair runs no
    node at all; both are refused with :class:`ConfigError`.
    """
    from ape_livepeer_migration.chains.networks import PairKind
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.config import plugin_config, resolve_pair

    settings = plugin_config()
    resolved = resolve_pair(settings, pair_name)
    kind, name = resolved.pair.kind, resolved.pair.name
    section = name.replace("-", "_")
    if kind is PairKind.LIVE:
        raise ConfigError(f"the {name} pair runs no local node: its commands reach the configured RPC nodes")
    ports = (l1_port or resolved.l1.port, l2_port or resolved.l2.port)
    if kind is PairKind.FORK and None in ports:
        raise ConfigError(
            f"the {name} pair's fork anvils need ports the other commands know: set livepeer_migration.{section}."
            "l1_port and l2_port (or --l1-port / --l2-port with the same values in the environment variables "
            f"APE_LIVEPEER_{section.upper()}_L1_PORT / _L2_PORT)"
        )
    if kind is PairKind.LOCAL:
        pair = TwoChains.local(*ports, l1_chain_id=resolved.l1.chain_id, l2_chain_id=resolved.l2.chain_id)
    else:
        fixed = getattr(settings, section).model_copy(update={"l1_port": ports[0], "l2_port": ports[1]})
        pair = TwoChains.for_pair(name, config=settings.model_copy(update={section: fixed}))
    pair.connect()
    return pair, resolved
