"""Deploying the simulator, finding a running one again, and the operator's transaction fees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_utils import keccak, to_checksum_address

from ape_livepeer_migration._eth import hex_bytes, hex_text, pending_base_fee
from ape_livepeer_migration.arbitrum.messages import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS
from ape_livepeer_migration.exceptions import ArbitrumError, ChainIdMismatchError, SimulatorPresentError

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.chains.networks import ArbitrumContracts
    from ape_livepeer_migration.chains.pair import Chain, OnChain, TwoChains

#: Local default challenge period, in L1 blocks (Arbitrum Sepolia's).
DEFAULT_CONFIRM_PERIOD_BLOCKS = 20


@dataclass(frozen=True)
class ArbitrumSimulator:
    """Addresses and bound instances of one deployed simulator.

    For a fork delivery (:func:`deploy_fork_delivery`) ``bridge``, ``inbox`` and ``outbox`` are the real Arbitrum's,
    ``arb_retryable_tx`` is at an ordinary address, and nothing runs at ``arb_sys``: only the L1 -> L2 functions apply.
    """

    chains: TwoChains
    operator: AccountAPI
    bridge: OnChain
    inbox: OnChain
    outbox: OnChain
    arb_sys: OnChain
    arb_retryable_tx: OnChain
    forwarder_code: bytes
    confirm_period_blocks: int
    l1_deploy_block: int
    l2_deploy_block: int
    #: L2 contract holding the code planted at L1 senders' aliases (for :func:`attach_simulator`)
    forwarder_template: str | None = None

    @property
    def addresses(self) -> dict[str, str | int]:
        """What :func:`attach_simulator` needs to find this deployment again (JSON-friendly)."""
        return {
            "bridge": str(self.bridge.address),
            "inbox": str(self.inbox.address),
            "outbox": str(self.outbox.address),
            "arb_sys": ARB_SYS_ADDRESS,
            "arb_retryable_tx": str(self.arb_retryable_tx.address),
            "forwarder_template": self.forwarder_template or "",
            "l1_deploy_block": self.l1_deploy_block,
            "l2_deploy_block": self.l2_deploy_block,
        }


def fee_kwargs(chain: Chain) -> dict[str, int]:
    """Transaction fee arguments that cover the base fee of ``chain``'s next block.

    Ape prices from the latest block; after ``anvil_setNextBlockBaseFeePerGas`` (or a rising
    base fee) that is too low, and the node refuses the transaction.
    """
    return {"max_fee": 2 * pending_base_fee(chain), "max_priority_fee": 0}


def get_logs(chain: Chain, address: str, topics: list, from_block: int, to_block: int) -> list[dict]:
    """The raw logs of ``address`` matching ``topics`` in blocks [from, to] of ``chain``."""
    return chain.request(
        "eth_getLogs",
        [{"address": str(address), "topics": topics, "fromBlock": hex(from_block), "toBlock": hex(to_block)}],
    )


def set_code(chain: Chain, address: str, code: bytes) -> None:
    chain.request("anvil_setCode", [address, hex_text(code)])


def _deployed(chain: Chain, container: Any, *args: Any, sender: AccountAPI) -> Any:
    with chain:
        return chain.bind(container.deploy(*args, sender=sender))


def _plant(chain: Chain, container: Any, address: str, *args: Any, sender: AccountAPI) -> tuple[Any, bytes]:
    """Deploy a template (so its constructor fills the immutables), copy its code to ``address``."""
    template = _deployed(chain, container, *args, sender=sender)
    code = chain.get_code(template.address)
    set_code(chain, address, code)
    with chain:
        return chain.bind(container.at(address)), code


def deploy_simulator(
    chains: TwoChains,
    operator: AccountAPI,
    confirm_period_blocks: int = DEFAULT_CONFIRM_PERIOD_BLOCKS,
    network_fee_account: str | None = None,
) -> ArbitrumSimulator:
    """Deploy the L1 bridge contracts and plant the L2 precompiles.

    ``operator`` asserts send roots and submits retryables; L2 fees go to
    ``network_fee_account`` (default: the operator).

    Raises :class:`SimulatorPresentError`, sending nothing, when 0x64 or 0x6E already hold code (an earlier
    simulator): new code there would run on the earlier one's storage (request ids, L2-to-L1 positions, tickets),
    and that storage cannot be cleared (its mappings have no list of keys). Use :func:`attach_simulator` for the
    earlier one, or fresh chains.
    """
    from ape_livepeer_migration.contracts import contract

    l1, l2 = chains.l1, chains.l2
    taken = [address for address in (ARB_SYS_ADDRESS, ARB_RETRYABLE_TX_ADDRESS) if l2.get_code(address)]
    if taken:
        raise SimulatorPresentError(
            f"the L2 (chain {l2.chain_id}) already holds an Arbitrum simulator (code at {', '.join(taken)}): a second "
            "one would share its storage and its request ids would collide"
        )
    bridge = _deployed(l1, contract("SimBridge"), sender=operator)
    inbox = _deployed(l1, contract("SimInbox"), bridge.address, sender=operator)
    outbox = _deployed(l1, contract("SimOutbox"), bridge.address, operator, confirm_period_blocks, sender=operator)
    bridge.wire(inbox.address, outbox.address, sender=operator)

    arb_sys, _ = _plant(l2, contract("SimArbSys"), ARB_SYS_ADDRESS, sender=operator)
    forwarder, forwarder_code, retryable_tx = _retryable_tx(l2, operator, network_fee_account, ARB_RETRYABLE_TX_ADDRESS)
    return ArbitrumSimulator(
        chains=chains,
        operator=operator,
        bridge=bridge,
        inbox=inbox,
        outbox=outbox,
        arb_sys=arb_sys,
        arb_retryable_tx=retryable_tx,
        forwarder_template=str(forwarder.address),
        forwarder_code=forwarder_code,
        confirm_period_blocks=confirm_period_blocks,
        l1_deploy_block=l1.block_number,
        l2_deploy_block=l2.block_number,
    )


def _retryable_tx(
    l2: Chain, operator: AccountAPI, network_fee_account: str | None, address: str | None
) -> tuple[Any, bytes, Any]:
    """The forwarder template and a ``SimArbRetryableTx`` (run by ``operator``) that plants its code at aliases.

    The ``SimArbRetryableTx`` is planted at ``address``, or, when ``address`` is ``None``, deployed as an ordinary
    contract (by ``operator``'s nonce after the template's, the address the template is built for).
    """
    from ape_livepeer_migration.contracts import contract

    target = address or create_address(operator.address, l2.provider.get_nonce(operator.address) + 1)
    forwarder = _deployed(l2, contract("SimAliasForwarder"), target, sender=operator)
    forwarder_code = l2.get_code(forwarder.address)
    args = (operator, network_fee_account or operator.address, keccak(forwarder_code))
    if address is not None:
        retryable_tx, _ = _plant(l2, contract("SimArbRetryableTx"), address, *args, sender=operator)
    else:
        retryable_tx = _deployed(l2, contract("SimArbRetryableTx"), *args, sender=operator)
        if retryable_tx.address != target:
            raise ArbitrumError(
                f"ArbRetryableTx deployed at {retryable_tx.address}, its forwarder expects {target}: "
                f"{operator.address} sent another L2 transaction in between"
            )
    return forwarder, forwarder_code, retryable_tx


def create_address(sender: str, nonce: int) -> str:
    """The address of the contract that ``sender``'s transaction with ``nonce`` creates (CREATE)."""
    encoded_nonce = b"\x80" if nonce == 0 else _rlp_string(nonce.to_bytes((nonce.bit_length() + 7) // 8, "big"))
    body = _rlp_string(hex_bytes(sender)) + encoded_nonce
    return to_checksum_address(keccak(bytes([0xC0 + len(body)]) + body)[12:])


def _rlp_string(data: bytes) -> bytes:
    """RLP of a byte string shorter than 56 bytes."""
    return data if len(data) == 1 and data[0] < 0x80 else bytes([0x80 + len(data)]) + data


def deploy_fork_delivery(chains: TwoChains, operator: AccountAPI, arbitrum: ArbitrumContracts) -> ArbitrumSimulator:
    """Delivery of L1 -> L2 retryables on a fork pair wired to a real Arbitrum (``arbitrum``: its contracts).

    An anvil fork of an Arbitrum chain cannot run ArbOS's precompiles (their addresses hold only the one-byte
    marker ArbOS gives them), so nothing would turn the tickets of the real Inbox on the L1 fork into L2 calls.
    This deploys the simulator's L2 half on the L2 fork, at ordinary addresses: a ``SimArbRetryableTx`` run by
    ``operator`` and the template of the forwarder it plants at L1 senders' aliases. :func:`fetch_retryables` reads
    the tickets from the real Inbox's and Bridge's events (the simulator's have the same shape) and
    :func:`deliver_retryable` / :func:`submit_retryables` deliver them, from the sender's alias, as on the local pair.
    Nothing is planted at 0x64 or 0x6E; no L2 -> L1 message can be sent from the fork (ArbSys does not run there).
    """
    forwarder, forwarder_code, retryable_tx = _retryable_tx(chains.l2, operator, None, None)
    # tickets sent on the L1 fork before this deployment are delivered too: the L1 scan starts at the fork
    return _fork_delivery(
        chains,
        operator,
        arbitrum,
        retryable_tx,
        str(forwarder.address),
        forwarder_code,
        _fork_block(chains.l1) + 1,
        chains.l2.block_number,
    )


def _fork_block(chain: Chain) -> int:
    """The upstream block an anvil fork started from."""
    fork = chain.provider.make_request("anvil_nodeInfo", []).get("forkConfig") or {}
    if fork.get("forkBlockNumber") is None:
        raise ArbitrumError(f"the {chain.layer.upper()} (chain {chain.chain_id}) is not an anvil fork")
    return int(fork["forkBlockNumber"])


def attach_fork_delivery(
    chains: TwoChains, operator: AccountAPI, arbitrum: ArbitrumContracts, addresses: dict
) -> ArbitrumSimulator:
    """The fork delivery deployed earlier at ``addresses`` (its :attr:`ArbitrumSimulator.addresses`).

    Raises :class:`ArbitrumError` when the L2 does not hold it or ``operator`` does not run it.
    """
    from ape_livepeer_migration.contracts import contract

    with chains.l2:
        retryable_tx = chains.l2.bind(contract("SimArbRetryableTx").at(addresses["arb_retryable_tx"]))
    template = addresses["forwarder_template"]
    forwarder_code, l2_operator = _checked_forwarder(chains.l2, retryable_tx, template)
    if l2_operator != operator.address:
        raise ArbitrumError(f"{operator.address} is not the operator of this fork delivery")
    return _fork_delivery(
        chains,
        operator,
        arbitrum,
        retryable_tx,
        template,
        forwarder_code,
        addresses["l1_deploy_block"],
        addresses["l2_deploy_block"],
    )


def _checked_forwarder(l2: Chain, retryable_tx: Any, template: str) -> tuple[bytes, str]:
    """The code of the forwarder ``template`` and the operator of ``retryable_tx`` (both of its reads in one JSON-RPC
    batch); :class:`ArbitrumError` unless the template is the forwarder ``retryable_tx`` plants."""
    code = l2.get_code(template)
    operator, code_hash = l2.call_batch([(retryable_tx, "operator", ()), (retryable_tx, "forwarderCodeHash", ())])
    if keccak(code) != bytes(code_hash):
        raise ArbitrumError("the forwarder template does not match the ArbRetryableTx on L2")
    return code, operator


def _fork_delivery(
    chains: TwoChains,
    operator: AccountAPI,
    arbitrum: ArbitrumContracts,
    retryable_tx: Any,
    template: str,
    forwarder_code: bytes,
    l1_deploy_block: int,
    l2_deploy_block: int,
) -> ArbitrumSimulator:
    """An :class:`ArbitrumSimulator` over ``arbitrum``'s L1 contracts and the fork delivery's L2 ones; the scans
    start at ``l1_deploy_block`` and ``l2_deploy_block``."""
    from ape_livepeer_migration.contracts import contract

    with chains.l1:
        bridge, inbox, outbox = (
            chains.l1.bind(container.at(address))
            for container, address in (
                (contract("IBridge"), arbitrum.bridge),
                (contract("IInbox"), arbitrum.inbox),
                (contract("IOutbox"), arbitrum.outbox),
            )
        )
    with chains.l2:
        arb_sys = chains.l2.bind(contract("IArbSys").at(ARB_SYS_ADDRESS))
    return ArbitrumSimulator(
        chains=chains,
        operator=operator,
        bridge=bridge,
        inbox=inbox,
        outbox=outbox,
        arb_sys=arb_sys,
        arb_retryable_tx=retryable_tx,
        forwarder_template=template,
        forwarder_code=forwarder_code,
        confirm_period_blocks=0,  # no send roots: nothing is sent from the L2 fork
        l1_deploy_block=l1_deploy_block,
        l2_deploy_block=l2_deploy_block,
    )


def attach_simulator(chains: TwoChains, operator: AccountAPI, addresses: dict) -> ArbitrumSimulator:
    """The simulator deployed earlier at ``addresses`` (from :attr:`ArbitrumSimulator.addresses`),
    e.g. for a relayer that restarts while the chains keep running.

    Raises :class:`ArbitrumError` when the chains do not hold that deployment.
    """
    from ape_livepeer_migration.contracts import contract_at

    l1, l2 = chains.l1, chains.l2
    with l1:
        bridge, inbox, outbox = (
            l1.bind(contract_at(name, addresses[key]))
            for name, key in (("SimBridge", "bridge"), ("SimInbox", "inbox"), ("SimOutbox", "outbox"))
        )
    with l2:
        arb_sys = l2.bind(contract_at("SimArbSys", ARB_SYS_ADDRESS))
        retryable_tx = l2.bind(contract_at("SimArbRetryableTx", ARB_RETRYABLE_TX_ADDRESS))
    forwarder_code, l2_operator = _checked_forwarder(l2, retryable_tx, addresses["forwarder_template"])
    # the reads in JSON-RPC batches, not one Ape call (three requests) each: attaching is part of every command's
    # wait; the outbox is read once the bridge names it (another contract there may not answer its reads)
    if l1.call_batch([(bridge, "inbox", ()), (bridge, "outbox", ())]) != [inbox.address, outbox.address]:
        raise ArbitrumError("the bridge is not wired to this inbox and outbox")
    l1_operator, confirm_period_blocks = l1.call_batch([(outbox, "operator", ()), (outbox, "confirmPeriodBlocks", ())])
    if l2_operator != operator.address or l1_operator != operator.address:
        raise ArbitrumError(f"{operator.address} is not the operator of this simulator")
    return ArbitrumSimulator(
        chains=chains,
        operator=operator,
        bridge=bridge,
        inbox=inbox,
        outbox=outbox,
        arb_sys=arb_sys,
        arb_retryable_tx=retryable_tx,
        forwarder_template=addresses["forwarder_template"],
        forwarder_code=forwarder_code,
        confirm_period_blocks=confirm_period_blocks,
        l1_deploy_block=addresses["l1_deploy_block"],
        l2_deploy_block=addresses["l2_deploy_block"],
    )


def simulator_deployment(sim: ArbitrumSimulator) -> dict[str, Any]:
    """A simulator deployment as JSON-able data: its chains, operator and addresses.

    The address book records it, it is the relayer journal's fingerprint, and another process loads it with
    :func:`load_simulator`.
    """
    return {
        "l1_chain_id": sim.chains.l1.chain_id,
        "l2_chain_id": sim.chains.l2.chain_id,
        "operator": str(sim.operator.address),
        **sim.addresses,
    }


def load_simulator(chains: TwoChains, operator: AccountAPI, deployment: dict[str, Any]) -> ArbitrumSimulator:
    """The simulator a :func:`simulator_deployment` describes, on ``chains`` (whose ids must match)."""
    for layer, chain in (("l1", chains.l1), ("l2", chains.l2)):
        expected = deployment[f"{layer}_chain_id"]
        if chain.chain_id != expected:
            raise ChainIdMismatchError(f"{layer} is chain {chain.chain_id}, the deployment is on {expected}")
    return attach_simulator(chains, operator, deployment)
