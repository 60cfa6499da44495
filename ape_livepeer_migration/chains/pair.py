"""Two chains in one process: an L1 and an L2, each behind its own Ape provider.

Ape has one *active* provider per process; contract calls, ``chain`` and the
accounts all go through it. :class:`TwoChains` owns one provider per layer and
switches the active one for the duration of a ``with`` block::

    with TwoChains.local() as chains:
        with chains.l1:
            token = contract("LivepeerToken").deploy(sender=owner)  # ape_livepeer_migration.contracts
        with chains.l2:
            chains.l2.provider.mine(5)
        l1_token = chains.l1.bind(token)  # usable from anywhere: switches to L1 per call

Ways to get a pair (see :mod:`ape_livepeer_migration.chains.networks` for the registry
and :mod:`ape_livepeer_migration.config` for the settings):

* ``TwoChains.local()``: two fresh anvils on free ports (tests);
* ``TwoChains.local(start=False)``: attach to the anvils that
  ``ape livepeer chains`` runs at the configured ports, checking their chain ids;
* ``TwoChains.for_pair(name)``: the configured pair, ``local``, ``mainnet-fork``
  (two ape-foundry fork anvils, each on its own port, each with the chain id of
  the chain it forks) or ``sepolia`` (Ape's ``node`` provider; nothing started);
  ``start=False`` attaches to the local or fork anvils that
  ``ape livepeer --pair <name> chains`` runs at the configured ports.

Traps of running two chains through one Ape process, handled here:

* every anvil is chain id 31337 and a second network on the same host silently
  reuses the first anvil: each local layer gets its own port and chain id
  (:class:`LocalAnvilProvider` adds ``--chain-id``), and every layer's chain id
  is checked on connect;
* Ape caches the chain id by *network name*, so ``ethereum:local`` and
  ``arbitrum:local`` (or the two ``mainnet-fork`` networks) share one entry:
  the entry is dropped on every switch;
* snapshots are per provider: :meth:`TwoChains.snapshot` takes one on each;
* ``APE_FOUNDRY_HOST`` points *every* foundry provider at one node, so it is
  refused for pairs that use foundry.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ape import networks
from ape.api import TestProviderAPI
from ape.api.networks import ProviderContextManager
from ape.exceptions import ContractLogicError
from ape_foundry import FoundryProvider
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from web3 import HTTPProvider, Web3

from ape_livepeer_migration._eth import function_selector, hex_text, rpc_int
from ape_livepeer_migration.chains.networks import LOCAL_PAIR, NetworkPair, PairKind
from ape_livepeer_migration.chains.provider import (
    forget_cached_chain_id,
    fork_provider,
    live_provider,
    local_provider,
    method_handler,
    port_is_listening,
)
from ape_livepeer_migration.config import (
    LivepeerConfig,
    plugin_config,
    resolve_pair,
)
from ape_livepeer_migration.exceptions import (
    ChainError,
    ChainIdMismatchError,
    ConfigError,
    NodeNotRunningError,
    RpcError,
    SnapshotUnsupportedError,
    UpstreamUnavailableError,
)

if TYPE_CHECKING:
    from ape.api import ProviderAPI

L1 = "l1"
L2 = "l2"

__all__ = [
    "LOCAL_PAIR",
    "Chain",
    "ChainIdMismatchError",
    "NetworkPair",
    "NodeNotRunningError",
    "OnChain",
    "SnapshotUnsupportedError",
    "TwoChains",
    "UpstreamUnavailableError",
    "redact_url",
]


class Chain:
    """One layer of a :class:`TwoChains` session.

    ``with chain:`` makes it Ape's active provider and restores the previous one
    afterwards (re-entrant, so an L2 block may be nested in an L1 block).
    """

    def __init__(self, layer: str, provider: ProviderAPI, expected_chain_id: int | None = None, pair: str = "local"):
        self.layer = layer
        self.provider = provider
        #: The pair this layer belongs to (names the command that runs its node, when attaching).
        self.pair = pair
        #: The chain id the node must report; checked by :meth:`TwoChains.connect`.
        self.expected_chain_id = expected_chain_id
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

    @property
    def where(self) -> str:
        """The network choice, plus the URL for local anvils (a remote URL may hold an API key)."""
        if isinstance(self.provider, FoundryProvider):
            return f"{self.choice} at {self.provider.uri}"
        return self.choice

    @property
    def attaches(self) -> bool:
        """``True`` when connecting must find a local anvil already running."""
        return isinstance(self.provider, FoundryProvider) and not self.provider.settings.manage_process

    def connect(self) -> None:
        """Start or reach this layer's node (idempotent); the active provider is left to the caller."""
        if self._context is None:
            where = self.where  # also fixes the provider's host, part of its connection id
            if self.attaches and not port_is_listening(urlparse(self.provider.uri).port):
                command = (
                    "ape livepeer chains" if self.pair == LOCAL_PAIR.name else f"ape livepeer --pair {self.pair} chains"
                )
                raise NodeNotRunningError(
                    f"no node listens for the {self.layer.upper()} ({where}); start the {self.pair} pair with "
                    f"`{command}` (ports: livepeer_migration.{self.pair.replace('-', '_')} in ape-config.yaml)"
                )
            if self.provider.connection_id in ProviderContextManager.connected_providers:
                # Ape would hand us its connected instance and, on our disconnect, drop it
                # from under its owner.
                raise ChainError(
                    f"the {self.layer.upper()} ({where}) is already connected in this process; "
                    "use the pair that holds it"
                )
            context = ProviderContextManager(provider=self.provider, disconnect_after=True)
            try:
                context.push_provider()
            except BaseException:
                # Nothing was pushed; stop whatever the failed connect started (a fork anvil).
                self.provider.disconnect()
                raise
            self._context = context
            # push_provider made us active; callers activate explicitly.
            forget_cached_chain_id(self.provider)

    def disconnect(self) -> None:
        """Let go of the node; stops it only if this process started it."""
        if self._context is not None:
            # Ape pops the top of its process-wide provider stack, but pairs end in any order (a test's module
            # pair may outlive a pair connected after it): bring this layer's entry to the top first, or another
            # holder's provider would be popped and forgotten.
            stack = ProviderContextManager.provider_stack
            connection_id = self.provider.connection_id
            stack.remove(connection_id)
            stack.append(connection_id)
            with self:
                self._context.pop_provider()
            self._context = None

    def __enter__(self) -> Chain:
        if self._context is None:
            raise ChainError(f"{self.layer} is not connected")
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
            forget_cached_chain_id(provider)

    @property
    def chain_id(self) -> int:
        return self.provider.chain_id

    @property
    def block_number(self) -> int:
        return rpc_int(self.request("eth_blockNumber", []))

    def mine(self, blocks: int = 1) -> None:
        self.provider.mine(blocks)

    @property
    def supports_snapshots(self) -> bool:
        """``True`` for anvils (local or fork); a live network cannot revert."""
        return isinstance(self.provider, TestProviderAPI)

    def _require_snapshots(self) -> None:
        if not self.supports_snapshots:
            raise SnapshotUnsupportedError(
                f"{self.layer.upper()} ({self.choice}) is a live network: it has no snapshots; "
                "use the local or mainnet-fork pair"
            )

    def snapshot(self) -> str:
        self._require_snapshots()
        return self.provider.snapshot()

    def restore(self, snapshot_id: str) -> None:
        self._require_snapshots()
        if not self.provider.restore(snapshot_id):
            raise ChainError(f"{self.layer}: snapshot {snapshot_id} could not be restored")

    def request(self, method: str, params: list[Any]) -> Any:
        """One JSON-RPC request to this chain's node: a chain is an :class:`~ape_livepeer_migration._eth.Rpc`."""
        return self.provider.make_request(method, params)

    def get_code(self, address: str) -> bytes:
        return bytes(self.provider.get_code(address))

    def codes(self, addresses: Sequence[str]) -> list[bytes]:
        """The code at each of ``addresses``, asked in one JSON-RPC batch (one round trip, not one each)."""
        return [
            bytes(HexBytes(answer["result"]))
            for answer in self._batch_responses([("eth_getCode", [a, "latest"]) for a in addresses])
        ]

    def _batch_responses(self, requests: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
        """The node's raw answers (``{"result": ...}`` or ``{"error": ...}``) to ``requests``, sent in one batch."""
        if not requests:
            return []
        with self:
            responses = self.provider.web3.provider.make_batch_request(list(requests))
        if not isinstance(responses, list):  # the node refused the batch as a whole
            raise ChainError(f"{self.layer}: a batch of {len(requests)} requests was refused: {responses}")
        return responses

    def batch(self, requests: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """The results of several JSON-RPC requests ``(method, params)`` to this chain's node, sent in one round trip;
        raises :class:`~ape_livepeer_migration.exceptions.RpcError` for the first one answered with an error."""
        results = []
        for (method, _), response in zip(requests, self._batch_responses(requests), strict=True):
            if response.get("error"):
                raise RpcError(f"{self.layer} {method}: {response['error']}")
            results.append(response["result"])
        return results

    def batch_answers(self, requests: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """As :meth:`batch`, with ``None`` for each request answered with an error instead of raising."""
        return [None if response.get("error") else response["result"] for response in self._batch_responses(requests)]

    def call_batch(self, calls: Sequence[tuple[Any, str, Sequence[Any]]]) -> list[Any]:
        """The results of several view calls ``(contract, method name, args)`` on this chain, asked in one JSON-RPC
        batch: one round trip, instead of three requests (code, latest block, call) and Ape's per-call work each.

        Each result is decoded as Ape's call would return it (the value of a single output, else a tuple). As with
        Ape's calls, a contract without code raises :class:`~ape.exceptions.ContractNotFoundError` (the code of each
        contract is asked in the same batch) and a call that reverts raises
        :class:`~ape.exceptions.ContractLogicError`.
        """
        from ape.exceptions import ContractNotFoundError

        with self:
            provider = self.provider
            ecosystem = provider.network.ecosystem
            addresses = list(dict.fromkeys(str(contract.address) for contract, _, _ in calls))
            requests: list[tuple[str, list[Any]]] = [("eth_getCode", [address, "latest"]) for address in addresses]
            abis = []
            for contract, method, args in calls:
                handler = method_handler(getattr(contract, "unwrapped", contract), method)
                encoded = bytes(handler.encode_input(*args))
                # the ABI Ape encoded for: an instance's type may list a method more than once (Ape merges the
                # types it cached for the address)
                abis.append(next(abi for abi in handler.abis if function_selector(abi.selector) == encoded[:4]))
                data = hex_text(encoded)
                requests.append(("eth_call", [{"to": str(contract.address), "data": data}, "latest"]))
            responses = self._batch_responses(requests)
            codes, answers = responses[: len(addresses)], responses[len(addresses) :]
            for address, code in zip(addresses, codes, strict=True):
                if code.get("error") or code["result"] in ("0x", ""):
                    raise ContractNotFoundError(
                        to_checksum_address(address), provider.network.explorer is not None, provider.network_choice
                    )
            results = []
            for (contract, _, _), abi, answer in zip(calls, abis, answers, strict=True):
                if answer.get("error"):
                    message = answer["error"].get("message", "execution reverted")
                    raise ContractLogicError(revert_message=message, contract_address=contract.address)
                values = ecosystem.decode_returndata(abi, HexBytes(answer["result"]))
                results.append(values[0] if len(values) == 1 else tuple(values))
            return results

    def bind(self, contract: Any) -> OnChain:
        """Wrap a contract instance so that every use of it runs on this chain."""
        return OnChain(self, contract)


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

    def calldata(self, method: str, *args: Any) -> bytes:
        """The calldata of ``method(*args)``, encoded on this chain without ``self.method``, whose lookup also asks
        Ape's chain manager for custom errors (:func:`~ape_livepeer_migration.chains.provider.method_handler`)."""
        with self._chain:
            return bytes(method_handler(self._target, method).encode_input(*args))


def redact_url(url: str) -> str:
    """``scheme://host:port`` of a URL: node URLs often carry an API key in the path or query."""
    parts = urlparse(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port}" if parts.port else f"{parts.scheme}://{host}"


def _check_upstream(chain: Chain, timeout: float = 10.0) -> None:
    """Ask a fork's upstream for its chain id before starting the fork anvil.

    An anvil whose upstream does not answer only fails after ape-foundry's
    start-up timeout, with no word about the upstream; a wrong upstream is only
    refused by Ape after the anvil is up. Both are reported here, at once.
    """
    url = chain.provider.fork_url
    where = f"the {chain.layer.upper()} fork's upstream {redact_url(url)}"
    web3 = Web3(HTTPProvider(url, request_kwargs={"timeout": timeout}))
    try:
        chain_id = web3.eth.chain_id
    except Exception as err:  # any transport or RPC failure: the upstream is not usable
        raise UpstreamUnavailableError(f"{where} does not answer ({type(err).__name__})") from err
    if chain.expected_chain_id is not None and chain_id != chain.expected_chain_id:
        network = chain.provider.network.upstream_network
        raise ChainIdMismatchError(
            f"{where} reports chain id {chain_id}, expected {chain.expected_chain_id} "
            f"({network.ecosystem.name}:{network.name})"
        )


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
        l1_chain_id: int | None = None,
        l2_chain_id: int | None = None,
        start: bool = True,
    ) -> TwoChains:
        """The local pair: two anvils run by ape-foundry, each with its own chain id.

        ``start=True`` starts two fresh anvils (free ports when none are given). A
        port that something already listens on is refused: reusing a running node
        by accident is how both layers end up on one chain.

        ``start=False`` attaches to anvils already running (``ape livepeer chains``
        in another terminal), at the configured ports unless given. Nothing is
        started and disconnecting stops nothing; :meth:`connect` raises
        :class:`NodeNotRunningError` when a port is silent and
        :class:`ChainIdMismatchError` when a node has the wrong chain id.

        Chain ids default to the configured ones (31337 and 412346 unless changed).
        """
        attach_ports_missing = not start and (l1_port is None or l2_port is None)
        if attach_ports_missing or l1_chain_id is None or l2_chain_id is None:
            local = plugin_config().local
            if not start:
                l1_port = l1_port or local.l1_port
                l2_port = l2_port or local.l2_port
            l1_chain_id = local.l1_chain_id if l1_chain_id is None else l1_chain_id
            l2_chain_id = local.l2_chain_id if l2_chain_id is None else l2_chain_id
        if l1_chain_id == l2_chain_id:
            raise ConfigError("L1 and L2 need different chain ids")
        return cls(
            Chain(L1, local_provider(L1, LOCAL_PAIR.l1, l1_port, l1_chain_id, start), expected_chain_id=l1_chain_id),
            Chain(L2, local_provider(L2, LOCAL_PAIR.l2, l2_port, l2_chain_id, start), expected_chain_id=l2_chain_id),
            LOCAL_PAIR,
        )

    @classmethod
    def for_pair(
        cls,
        name: str | None = None,
        *,
        start: bool = True,
        config: LivepeerConfig | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> TwoChains:
        """The pair ``name`` (default: ``$APE_LIVEPEER_PAIR``, then the config's ``pair``).

        Builds the providers only; :meth:`connect` (or ``with``) starts or reaches
        the nodes. ``config`` defaults to the project's ``livepeer_migration``
        section and ``environ`` to ``os.environ``.

        * ``local``: the configured ports and chain ids; ``start=False`` attaches
          to running anvils (see :meth:`local`).
        * ``mainnet-fork``: ape-foundry's ``FoundryForkProvider`` on each layer,
          forking the configured upstream URLs; each fork anvil on its own port
          (configured, else free). ``start=False`` attaches to the fork anvils
          that ``ape livepeer --pair mainnet-fork chains`` runs, at the
          configured ports (required then; no upstream URL is needed).
        * ``sepolia``: Ape's ``node`` provider on each layer, at the configured
          URLs; there is no process, so ``start`` does not matter.

        Raises :class:`~ape_livepeer_migration.config.MissingRpcError` when a
        needed URL is not configured, before anything connects.
        """
        if config is None:
            config = plugin_config()
        env = os.environ if environ is None else environ
        settings = resolve_pair(config, name, env, upstreams=start)
        pair = settings.pair
        if pair.kind is not PairKind.LIVE and "APE_FOUNDRY_HOST" in env:
            raise ConfigError(
                "APE_FOUNDRY_HOST is set: ape-foundry would send both layers of the "
                f"{pair.name} pair to that one node; unset it (ports come from livepeer_migration)"
            )
        if pair.kind is PairKind.LOCAL:
            return cls.local(
                settings.l1.port, settings.l2.port, settings.l1.chain_id, settings.l2.chain_id, start=start
            )
        if pair.kind is PairKind.FORK:
            if start:
                return cls(
                    Chain(L1, fork_provider(L1, pair.l1, settings.l1, pair.name), settings.l1.chain_id, pair.name),
                    Chain(L2, fork_provider(L2, pair.l2, settings.l2, pair.name), settings.l2.chain_id, pair.name),
                    pair,
                )
            section = pair.name.replace("-", "_")
            if settings.l1.port is None or settings.l2.port is None:
                raise ConfigError(
                    f"attaching to the {pair.name} pair's fork anvils needs their ports: set "
                    f"livepeer_migration.{section}.l1_port and l2_port (or APE_LIVEPEER_{section.upper()}_L1_PORT / "
                    f"_L2_PORT) to the ports `ape livepeer --pair {pair.name} chains` holds"
                )
            return cls(
                Chain(
                    L1,
                    local_provider(L1, pair.l1, settings.l1.port, settings.l1.chain_id, False),
                    settings.l1.chain_id,
                    pair.name,
                ),
                Chain(
                    L2,
                    local_provider(L2, pair.l2, settings.l2.port, settings.l2.chain_id, False),
                    settings.l2.chain_id,
                    pair.name,
                ),
                pair,
            )
        return cls(
            Chain(L1, live_provider(pair.l1, settings.l1), settings.l1.chain_id),
            Chain(L2, live_provider(pair.l2, settings.l2), settings.l2.chain_id),
            pair,
        )

    @property
    def layers(self) -> tuple[Chain, Chain]:
        return self.l1, self.l2

    def connect(self) -> TwoChains:
        """Start or reach both nodes, then check their chain ids; on any failure neither stays up."""
        if self.pair.kind is PairKind.FORK:
            for chain in self.layers:
                if not chain.attaches:
                    _check_upstream(chain)
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
            raise ChainError(f"L1 and L2 report the same chain id ({self.l1.chain_id}): they are probably one node")
        for chain in self.layers:
            if chain.expected_chain_id is not None and chain.chain_id != chain.expected_chain_id:
                found = chain.chain_id
                self.disconnect()
                raise ChainIdMismatchError(
                    f"the {self.pair.name} pair's {chain.layer.upper()} ({chain.where}) reports chain id "
                    f"{found}, expected {chain.expected_chain_id}"
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
