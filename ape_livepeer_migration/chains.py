"""Two chains in one process: an L1 and an L2, each behind its own Ape provider.

Ape has one *active* provider per process; contract calls, ``chain`` and the
accounts all go through it. :class:`TwoChains` owns one provider per layer and
switches the active one for the duration of a ``with`` block::

    with TwoChains.local() as chains:
        with chains.l1:
            token = project.LivepeerToken.deploy(sender=owner)
        with chains.l2:
            chains.l2.provider.mine(5)
        l1_token = chains.l1.bind(token)  # usable from anywhere: switches to L1 per call

Two traps of running two chains through ape-foundry are handled here:

* every anvil is chain id 31337 and a second network on the same host silently
  reuses the first anvil: each local layer gets its own port and chain id
  (:class:`LocalAnvilProvider` adds ``--chain-id``);
* Ape caches the chain id by *network name*, so ``ethereum:local`` and
  ``arbitrum:local`` share one entry: the entry is dropped on every switch.
  Snapshots are per provider; :meth:`TwoChains.snapshot` takes one on each.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ape import networks
from ape.api.networks import ProviderContextManager
from ape.managers.chain import ChainManager
from ape_foundry import FoundryProvider

from ape_livepeer_migration.config import LOCAL_L1_CHAIN_ID, LOCAL_L2_CHAIN_ID
from ape_livepeer_migration.toolchain import prepend_tools_to_path

if TYPE_CHECKING:
    from ape.api import ProviderAPI

L1 = "l1"
L2 = "l2"



@dataclass(frozen=True)
class NetworkPair:
    """An L1 and an L2 network, each an Ape ``ecosystem:network:provider`` choice."""

    name: str
    l1: str
    l2: str


LOCAL_PAIR = NetworkPair("local", "ethereum:local:foundry", "arbitrum:local:foundry")


class LocalAnvilProvider(FoundryProvider):
    """ape-foundry's provider, plus a chain id of our choosing (``chain_id`` setting)."""

    def build_command(self) -> list[str]:
        command = super().build_command()
        chain_id = (self.settings.model_extra or {}).get("chain_id")
        if chain_id is not None:
            command.extend(("--chain-id", str(chain_id)))
        return command


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Chain:
    """One layer of a :class:`TwoChains` session.

    ``with chain:`` makes it Ape's active provider and restores the previous one
    afterwards (re-entrant, so an L2 block may be nested in an L1 block).
    """

    def __init__(self, layer: str, provider: ProviderAPI):
        self.layer = layer
        self.provider = provider
        self._context: ProviderContextManager | None = None
        self._previous: list[ProviderAPI | None] = []

    def __repr__(self) -> str:
        return f"<Chain {self.layer} {self.choice}>"

    @property
    def choice(self) -> str:
        network = self.provider.network
        return f"{network.ecosystem.name}:{network.name}:{self.provider.name}"

    @property
    def is_connected(self) -> bool:
        return self._context is not None

    def connect(self) -> None:
        if self._context is None:
            self._context = ProviderContextManager(provider=self.provider, disconnect_after=True)
            self._context.push_provider()
            # push_provider made us active; callers activate explicitly.
            _forget_cached_chain_id(self.provider)

    def disconnect(self) -> None:
        if self._context is not None:
            with self:
                self._context.pop_provider()
            self._context = None

    def __enter__(self) -> Chain:
        if self._context is None:
            raise RuntimeError(f"{self.layer} is not connected")
        self._previous.append(networks.active_provider)
        self._activate(self.provider)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        previous = self._previous.pop()
        if previous is not None:
            self._activate(previous)
        else:
            networks.active_provider = None

    @staticmethod
    def _activate(provider: ProviderAPI) -> None:
        if networks.active_provider is not provider:
            networks.active_provider = provider
            _forget_cached_chain_id(provider)

    @property
    def chain_id(self) -> int:
        return self.provider.chain_id

    @property
    def block_number(self) -> int:
        return int(self.provider.make_request("eth_blockNumber", []), 16)

    def mine(self, blocks: int = 1) -> None:
        self.provider.mine(blocks)

    def snapshot(self) -> str:
        return self.provider.snapshot()

    def restore(self, snapshot_id: str) -> None:
        if not self.provider.restore(snapshot_id):
            raise RuntimeError(f"{self.layer}: snapshot {snapshot_id} could not be restored")

    def get_code(self, address: str) -> bytes:
        return bytes(self.provider.get_code(address))

    def bind(self, contract: Any) -> OnChain:
        """Wrap a contract instance so that every use of it runs on this chain."""
        return OnChain(self, contract)


def _forget_cached_chain_id(provider: ProviderAPI) -> None:
    """Drop Ape's chain-id cache entry, which is shared by same-named networks."""
    ChainManager._chain_id_cache.pop(ChainManager._chain_id_cache.key_for(provider), None)


class OnChain:
    """Proxy that runs every call, transaction and event query on one chain."""

    def __init__(self, chain: Chain, target: Any):
        object.__setattr__(self, "_chain", chain)
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        with self._chain:
            attr = getattr(self._target, name)
        if callable(attr) or hasattr(attr, "query"):
            return OnChain(self._chain, attr)
        return attr

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._chain:
            return self._target(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._chain.layer}: {self._target!r}>"

    def __eq__(self, other: Any) -> bool:
        return self._target == getattr(other, "_target", other)

    def __hash__(self) -> int:
        return hash(self._target)

    def __str__(self) -> str:
        return str(self._target)

    @property
    def chain(self) -> Chain:
        return self._chain

    @property
    def unwrapped(self) -> Any:
        return self._target


class TwoChains:
    """An L1 and an L2 connected at once; a context manager that shuts both down."""

    def __init__(self, l1: Chain, l2: Chain, pair: NetworkPair):
        self.l1 = l1
        self.l2 = l2
        self.pair = pair

    @classmethod
    def local(
        cls,
        l1_port: int | None = None,
        l2_port: int | None = None,
        l1_chain_id: int = LOCAL_L1_CHAIN_ID,
        l2_chain_id: int = LOCAL_L2_CHAIN_ID,
    ) -> TwoChains:
        """Two fresh anvils started by ape-foundry (free ports when none are given).

        A port that something already listens on is refused: reusing a running
        node by accident is how both layers end up on one chain.
        """
        prepend_tools_to_path()
        layers = []
        for layer, choice, port, chain_id in (
            (L1, LOCAL_PAIR.l1, l1_port, l1_chain_id),
            (L2, LOCAL_PAIR.l2, l2_port, l2_chain_id),
        ):
            port = port or free_port()
            if _port_is_listening(port):
                raise RuntimeError(
                    f"port {port} for the local {layer.upper()} is already in use; "
                    "stop what listens there or choose another port"
                )
            ecosystem, network_name, _ = choice.split(":")
            network = networks.get_ecosystem(ecosystem).get_network(network_name)
            provider = LocalAnvilProvider(
                name="foundry",
                network=network,
                provider_settings={"host": f"http://127.0.0.1:{port}", "chain_id": chain_id},
            )
            layers.append(Chain(layer, provider))
        if l1_chain_id == l2_chain_id:
            raise ValueError("L1 and L2 need different chain ids")
        return cls(layers[0], layers[1], LOCAL_PAIR)

    @property
    def layers(self) -> tuple[Chain, Chain]:
        return self.l1, self.l2

    def connect(self) -> TwoChains:
        previous = networks.active_provider
        try:
            for chain in self.layers:
                chain.connect()
        except BaseException:
            self.disconnect()
            raise
        finally:
            networks.active_provider = previous
        if self.l1.chain_id == self.l2.chain_id:
            self.disconnect()
            raise RuntimeError(
                f"L1 and L2 report the same chain id ({self.l1.chain_id}): "
                "they are probably one node"
            )
        return self

    def disconnect(self) -> None:
        for chain in reversed(self.layers):
            chain.disconnect()

    def __enter__(self) -> TwoChains:
        return self.connect()

    def __exit__(self, *exc_info: Any) -> None:
        self.disconnect()

    def snapshot(self) -> tuple[str, str]:
        return self.l1.snapshot(), self.l2.snapshot()

    def restore(self, snapshot: tuple[str, str]) -> None:
        self.l1.restore(snapshot[0])
        self.l2.restore(snapshot[1])

    @contextmanager
    def isolated(self) -> Iterator[TwoChains]:
        """Undo everything done on either chain inside the block."""
        snapshot = self.snapshot()
        try:
            yield self
        finally:
            self.restore(snapshot)
