"""Ape providers for the layers of a pair: the only module that reaches into Ape's and ape-foundry's internals.

A local layer is ape-foundry's provider with a chain id of its own (:class:`LocalAnvilProvider`), a fork layer
ape-foundry's fork provider pointed at a configured upstream, a live layer Ape's ``node`` provider at a configured
URL. :mod:`ape_livepeer_migration.chains.pair` wraps each in a :class:`~ape_livepeer_migration.chains.pair.Chain`.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import tempfile
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ape import networks
from ape.exceptions import ApeAttributeError, ContractLogicError, SignatureError, TransactionError
from ape_foundry import FoundryProvider
from eth_utils import to_hex
from hexbytes import HexBytes

from ape_livepeer_migration._eth import hex_text, rpc_int
from ape_livepeer_migration.chains.networks import split_choice
from ape_livepeer_migration.exceptions import ChainError
from ape_livepeer_migration.toolchain import prepend_tools_to_path

if TYPE_CHECKING:
    from ape.api import ProviderAPI, ReceiptAPI

    from ape_livepeer_migration.config import LayerSettings


#: Fields of a block as anvil answers ``eth_getBlockByNumber`` that are not part of the header it serializes.
_NOT_HEADER = ("hash", "size", "totalDifficulty", "uncles", "transactions", "withdrawals")

#: Pauses between receipt polls of :meth:`LocalAnvilProvider.get_receipt` (seconds); the last one repeats.
RECEIPT_POLL_DELAYS = (0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.1)


class LocalAnvilProvider(FoundryProvider):
    """ape-foundry's provider, plus a chain id of our choosing (``chain_id`` setting), a state directory of the
    node's own that goes when we let go of it, reverts reported without printing their call trace, and receipts
    polled without a needless 100 ms pause."""

    _state_dir: str | None = None
    _settings_cache: tuple[Any, str, Any] | None = None
    _start_deadline: float | None = None
    _forks: bool | None = None

    @property
    def settings(self) -> Any:
        """Ape's settings of the provider (the project's config merged with ``provider_settings``), validated once
        for each config and ``provider_settings``: Ape validates them anew on every access, and every request reads
        them several times (the node's URI), a third of a read command's time on the local pair."""
        config, given = self.config, repr(self.provider_settings)
        cached = self._settings_cache
        if cached is None or cached[0] is not config or cached[1] != given:
            cached = self._settings_cache = (config, given, super().settings)
        return cached[2]

    def get_receipt(
        self, txn_hash: str, required_confirmations: int = 0, timeout: int | None = None, **kwargs: Any
    ) -> ReceiptAPI:
        """Ape's receipt, polled first at short, growing intervals (:data:`RECEIPT_POLL_DELAYS`).

        anvil answers ``eth_sendRawTransaction`` before its automine has mined the block, so Ape's receipt wait
        (web3's, which sleeps 100 ms between polls) nearly always found nothing at its first poll and slept: about
        half the time of a user's transaction. Here the receipt is polled after 2, 4, 8, ... ms (at most every
        100 ms, as before) until it is there or ``timeout`` (default: the network's acceptance timeout) has passed;
        Ape then builds the receipt as usual, with what is left of the timeout.
        """
        if timeout is None:
            timeout = self.network.transaction_acceptance_timeout
        deadline = time.monotonic() + timeout
        request = [to_hex(HexBytes(txn_hash))]
        delays = iter(RECEIPT_POLL_DELAYS)
        while self.make_request("eth_getTransactionReceipt", request) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(next(delays, RECEIPT_POLL_DELAYS[-1]), left))
        left = max(deadline - time.monotonic(), 0.0)
        return super().get_receipt(txn_hash, required_confirmations=required_confirmations, timeout=left, **kwargs)

    def mine(self, num_blocks: int = 1) -> None:
        """Move the chain ``num_blocks`` blocks ahead: the last of them is mined (with any transactions waiting in
        the pool), the ones before it are skipped (no block, no state: ``eth_getBlockByNumber`` answers ``null``
        for them and log queries pass over them).

        The contracts count rounds in blocks, and anvil mines a block in 3 to 6 ms (more as the chain grows), so
        mining a 5,760-block round block by block costs 17 to 35 s. anvil has no method that sets the block number,
        but loading a state (``anvil_loadState``) whose only content is one block, a copy of the head's header
        numbered ``num_blocks - 1`` ahead, with the block environment and best block number to match, moves the
        head there without touching an account; the one block then mined on top of it is a real one, so the
        ``blockhash(block.number - 1)`` a contract reads in the next block (the TicketBroker's round anchor) is
        the hash the node reports for that block. A forked node mines every block (its head is tied to the
        upstream's).
        """
        if num_blocks > 1 and not self._is_fork:
            self._skip_blocks(num_blocks - 1)
            num_blocks = 1
        super().mine(num_blocks)

    @property
    def _is_fork(self) -> bool:
        if self._forks is None:
            self._forks = self.make_request("anvil_nodeInfo", [])["forkConfig"]["forkUrl"] is not None
        return self._forks

    def _skip_blocks(self, count: int) -> None:
        """Move the head ``count`` blocks ahead without mining (see :meth:`mine`)."""
        head = self.make_request("eth_getBlockByNumber", ["latest", False])
        target = rpc_int(head["number"]) + count
        number = hex(target)
        header = {key: value for key, value in head.items() if key not in _NOT_HEADER} | {"number": number}
        environment = {  # anvil's serialized block environment: the head's, at the new number
            "number": number,
            "beneficiary": head["miner"],
            "timestamp": head["timestamp"],
            "gas_limit": rpc_int(head["gasLimit"]),
            "basefee": rpc_int(head["baseFeePerGas"]),
            "difficulty": head["difficulty"],
            "prevrandao": head["mixHash"],
            "blob_excess_gas_and_price": None,  # anvil's fee manager sets it for the next block
            "slot_num": 0,
        }
        state = {
            "block": environment,
            "accounts": {},
            "best_block_number": number,
            "blocks": [{"header": header, "transactions": [], "ommers": []}],
            "transactions": [],
        }
        self.make_request("anvil_loadState", [hex_text(json.dumps(state).encode())])
        if rpc_int(self.make_request("eth_blockNumber", [])) != target:
            raise ChainError(f"anvil did not move its head to block {target} on loading a state")

    def start(self, timeout: int = 20) -> None:
        """Ape's start of the node, which checks whether the new node answers, then sleeps 100 ms, until it does;
        anvil answers a few ms after it listens, so those pauses made up a third of starting a local pair. Here
        the checks first wait for the node's port, polled every 2 ms (:attr:`is_connected`)."""
        self._start_deadline = time.monotonic() + timeout
        try:
            super().start(timeout)
        finally:
            self._start_deadline = None

    @property
    def is_connected(self) -> bool:
        deadline, process = self._start_deadline, self.process
        if deadline is not None and process is not None:  # starting the node
            port = urlparse(self.uri).port or 0
            while process.poll() is None and time.monotonic() < deadline and not port_is_listening(port):
                time.sleep(0.002)
        return super().is_connected

    def build_command(self) -> list[str]:
        command = super().build_command()
        chain_id = (self.settings.model_extra or {}).get("chain_id")
        if chain_id is not None:
            command.extend(("--chain-id", str(chain_id)))
        # anvil writes the states it evicts from memory under --cache-path (by default ~/.foundry/anvil/tmp) and
        # deletes them only when it exits cleanly, which a stopped node often does not, so they pile up across runs.
        # Each node started here gets a directory of its own, removed in disconnect().
        if self._state_dir is None:
            self._state_dir = tempfile.mkdtemp(prefix="ape-livepeer-anvil-")
        command.extend(("--cache-path", self._state_dir))
        # anvil keeps the state of recent blocks in memory and writes older ones to disk, one write per mined
        # block, where mining spends most of its time. With --prune-history 256 the last 256 blocks' states stay in
        # memory and older ones are dropped, not written (5,760 blocks mined one by one: 35.0 -> 26.8 s at load
        # 4.2, bench/local_round.py). Nothing here reads state more than a few blocks back; without the 256, no
        # past state at all is kept and a read pinned to the block just mined fails (BlockOutOfRangeError).
        command.extend(("--prune-history", "256"))
        return command

    def disconnect(self) -> None:
        try:
            super().disconnect()
        finally:
            if self._state_dir is not None:
                shutil.rmtree(self._state_dir, ignore_errors=True)
                self._state_dir = None

    def _handle_execution_reverted(
        self, exception: Exception, revert_message: str | None = None, **kwargs: Any
    ) -> ContractLogicError:
        """The revert as Ape's enriched error (custom errors decoded), without printing it.

        ape-foundry prints the whole call trace of every revert to stdout: noise
        where an error must be one line (the CLI), and about 0.3 s per revert in
        tests. The trace stays reachable from the error's transaction.

        A reverted transaction's trace is asked without memory: when the revert data is not a custom error of the
        called contract, Ape looks for the last contract the trace names (from the stack) to decode it with, and
        with every step's memory in the trace that takes minutes for a call that reverts with large data (128 KiB:
        about 9 minutes at load 10, validating each step's copy of the memory).
        """
        if not revert_message or revert_message == "0x":
            revert_message = TransactionError.DEFAULT_MESSAGE
        txn = kwargs.get("txn")
        if txn is not None and kwargs.get("trace") is None:
            try:
                txn_hash = txn.txn_hash
            except SignatureError:  # not signed: Ape has no trace to look at either
                pass
            else:
                kwargs["trace"] = self.get_transaction_trace(
                    to_hex(txn_hash), debug_trace_transaction_parameters={"enableMemory": False}
                )
        error = ContractLogicError(base_err=exception, revert_message=revert_message.removeprefix("revert: "), **kwargs)
        return self.compiler_manager.enrich_error(error)


def free_ports(count: int) -> tuple[int, ...]:
    """``count`` different TCP ports on 127.0.0.1 that nothing listens on right now. The sockets stay bound until
    all are chosen: ports asked for one at a time can come back equal once the first socket is closed."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    (port,) = free_ports(1)
    return port


def port_is_listening(port: int) -> bool:
    """``True`` when something accepts TCP connections on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def forget_cached_chain_id(provider: ProviderAPI) -> None:
    """Drop Ape's chain-id cache entry, which is shared by same-named networks. The cache is a class attribute of
    Ape's ``ChainManager``: before a command imports its module, which a read does not need (it imports ``pandas``,
    a sixth of a read command's time), there is no entry to drop."""
    chain_module = sys.modules.get("ape.managers.chain")
    if chain_module is None:
        return
    ChainManager = chain_module.ChainManager
    ChainManager._chain_id_cache.pop(ChainManager._chain_id_cache.key_for(provider), None)


def method_handler(instance: Any, name: str) -> Any:
    """Ape's handler of the method ``name`` of the contract ``instance`` (what ``instance.name`` is), from the
    instance's own tables of view and mutable methods: ``instance.name`` also looks the name up among the custom
    errors Ape's chain manager caches for the address, and importing that module costs a read a sixth of its time."""
    handler = instance._view_methods_.get(name) or instance._mutable_methods_.get(name)
    if handler is None:  # as Ape refuses ``instance.name``
        raise ApeAttributeError(f"'{instance.contract_type.name or 'the contract'}' has no method '{name}'.")
    return handler


def ape_network(choice: str):
    """Ape's network object of the choice ``ecosystem:network:provider``."""
    ecosystem, network_name, _ = split_choice(choice)
    return networks.get_ecosystem(ecosystem).get_network(network_name)


def port_for_new_node(layer: str, port: int | None, what: str) -> int:
    """A port for an anvil this process starts: the pinned anvil goes first on PATH."""
    prepend_tools_to_path()
    port = port or free_port()
    if port_is_listening(port):
        raise ChainError(
            f"port {port} for the {what} {layer.upper()} is already in use; "
            "stop what listens there or choose another port"
        )
    return port


def local_provider(layer: str, choice: str, port: int | None, chain_id: int | None, start: bool) -> ProviderAPI:
    """A local anvil (this process starts it, or attaches to it when not ``start``); fork pairs attach to their
    fork anvils this way too: the anvil already forks, so the attaching provider needs no upstream."""
    if start:
        port = port_for_new_node(layer, port, "local")
    settings: dict[str, Any] = {"host": f"http://127.0.0.1:{port}", "chain_id": chain_id}
    if not start:
        settings["manage_process"] = False
    return LocalAnvilProvider(name="foundry", network=ape_network(choice), provider_settings=settings)


def attached_provider(choice: str, url: str) -> ProviderAPI:
    """An anvil already listening at ``url``: ape-foundry connects to it instead of starting one, and leaves it
    running on disconnect."""
    return LocalAnvilProvider(name="foundry", network=ape_network(choice), provider_settings={"host": url})


def fork_provider(layer: str, choice: str, settings: LayerSettings, pair_name: str) -> ProviderAPI:
    """ape-foundry's own fork provider of one layer, pointed at the configured upstream.

    The upstream goes in as ape-foundry's ``fork.<ecosystem>.<network>.upstream_provider``
    setting with a URL as the value: Ape then reaches it through its ``node``
    provider at exactly that URL (never a public RPC of its choosing), and the
    anvil gets ``--fork-url`` with it. Note that ape-foundry records the
    upstream on the ecosystem's network config, which is process-wide: the last
    fork pair built decides the upstream of any later, unconfigured fork provider.

    The upstream must be the forked network: :meth:`TwoChains.connect` asks it
    for its chain id first (1 for Ethereum mainnet, 42161 for Arbitrum One), and
    Ape's ``node`` provider, which ape-foundry uses to reach it, refuses any
    other chain id as well.
    """
    network = ape_network(choice)
    fork: dict[str, Any] = {"upstream_provider": settings.url}
    if settings.block_number is not None:
        fork["block_number"] = settings.block_number
    port = port_for_new_node(layer, settings.port, pair_name)
    provider_settings = {
        "host": f"http://127.0.0.1:{port}",
        "fork": {network.ecosystem.name: {network.upstream_network.name: fork}},
    }
    return network.get_provider("foundry", provider_settings=provider_settings)


def live_provider(choice: str, settings: LayerSettings) -> ProviderAPI:
    """Ape's ``node`` provider at the configured URL; connecting starts nothing."""
    _, _, provider_name = split_choice(choice)
    return ape_network(choice).get_provider(provider_name, provider_settings={"uri": settings.url})
