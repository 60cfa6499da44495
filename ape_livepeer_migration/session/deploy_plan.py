"""What ``deploy`` would send (``deploy --dry-run``), found by rehearsing the deployment on two scratch chains.

A deployment's later transactions name the contracts its earlier ones create, and its wiring calls need those
contracts to exist: no node can estimate them before the first ones are mined. So the plan runs the same deployment
(:meth:`~ape_livepeer_migration.session.deployment.Deployment.deploy`, with the same genesis, parameters and
inflation mode) on two empty anvils of its own, with a scratch address book and a test account, and counts what each
step sent on each layer: transactions, the gas they used, the contracts they created. Nothing reaches the pair's
chains or its address book. The figures are those of the same contracts and calls on an empty chain; a real
Arbitrum L2 charges its transactions more gas than anvil, for the L1 data it posts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration._eth import rpc_int
from ape_livepeer_migration.session.deployment import ARBITRUM, DELIVERY, SIMULATOR, SYSTEM, Deployment
from ape_livepeer_migration.session.results import DeployPlan, LayerDeployPlan

if TYPE_CHECKING:
    from ape_livepeer_migration.chains.pair import Chain
    from ape_livepeer_migration.session.preflight import Preflight

#: How a plan's figures are found, as the plan says it.
ESTIMATE = (
    "rehearsed on two empty local anvils (the same contracts and calls, sent by a test account): gas as anvil "
    "counts it, which a real Arbitrum L2 raises for the L1 data of each transaction; costs at the pair's fees now"
)


@dataclass(frozen=True)
class Rehearsed:
    """What one deploy step sent on one layer in the rehearsal."""

    contracts: tuple[str, ...]
    gas_used: tuple[int, ...]  # of each transaction, in order


def plan(
    deployment: Deployment,
    preflight: Preflight,
    deployer: str,
    *,
    operator: bool = False,
    genesis: Mapping[str, int] | None = None,
    params: Mapping[str, int] | None = None,
    inflation: str = "l2",
    rounds_per_l1_round: int | None = None,
    redo_interrupted: bool = False,
    fresh: bool = False,
) -> DeployPlan:
    """What :meth:`Deployment.deploy` with these options would send from ``deployer`` (``fresh``: after
    :meth:`Deployment.forget_deployment`), refused as it would be (:meth:`Deployment.check_options`). The steps
    already recorded are left out; the simulator and system steps are rehearsed (:func:`rehearse`); a real
    Arbitrum's contracts are checked on the pair's chains (sending nothing); the fork's ticket delivery is listed as
    not rehearsed. Sends nothing and writes nothing."""
    deployment.check_options(
        operator=operator,
        params=params,
        inflation=inflation,
        rounds_per_l1_round=rounds_per_l1_round,
        redo_interrupted=redo_interrupted or fresh,  # a fresh deployment forgets the unfinished steps first
    )
    recorded = deployment.recorded_steps(fresh)
    steps: dict[str, str] = {}
    for step in deployment.deploy_steps:
        if step in recorded:
            steps[step] = "recorded"
        elif step == ARBITRUM:
            deployment.checked_arbitrum()
            steps[step] = "checks only"
        elif step == DELIVERY:
            steps[step] = "not rehearsed"
        else:
            steps[step] = "rehearsed"
    sent: dict[str, dict[str, Rehearsed]] = {}
    if "rehearsed" in steps.values():
        rehearsal = rehearse(genesis, params, inflation, rounds_per_l1_round)
        sent = {step: rehearsal[step] for step, state in steps.items() if state == "rehearsed"}
    layers = []
    for chain in deployment.chains.layers:
        mine = [sent[step][chain.layer] for step in sent]
        gas_used = [gas for each in mine for gas in each.gas_used]
        layers.append(
            LayerDeployPlan(
                layer=chain.layer,
                contracts=tuple(name for each in mine for name in each.contracts),
                transactions=len(gas_used),
                gas=sum(gas_used),
                largest=max(gas_used, default=0),
                fee_per_gas=preflight.fee_per_gas(chain.layer),
                balance=int(chain.provider.get_balance(deployer)),
            )
        )
    return DeployPlan(deployment.chains.pair.name, deployer, steps, tuple(layers), ESTIMATE)


def rehearse(
    genesis: Mapping[str, int] | None = None,
    params: Mapping[str, int] | None = None,
    inflation: str = "l2",
    rounds_per_l1_round: int | None = None,
) -> dict[str, dict[str, Rehearsed]]:
    """Deploy the system with these options on two new local anvils (a simulator, then the system) and return what
    each step sent on each layer (``{step: {"l1": ..., "l2": ...}}``). The anvils, their address book and Ape's
    transaction log lines are gone afterwards; the provider that was active is active again."""
    import tempfile

    from ape import accounts, networks
    from ape.logging import LogLevel, logger

    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.session.addressbook import AddressBook

    active = networks.active_provider
    heads: dict[str, dict[str, int]] = {}
    gas_used: dict[str, dict[str, tuple[int, ...]]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder, logger.at_level(LogLevel.WARNING), TwoChains.local() as scratch:
            book = AddressBook.open(Path(folder) / "rehearsal.json", "local", scratch.l1.chain_id, scratch.l2.chain_id)
            rehearsal = Deployment(scratch, book, Path(folder) / "rehearsal.relay.db")

            def measure(step: str, state: str) -> None:
                if state == "started":
                    heads[step] = {chain.layer: chain.block_number for chain in scratch.layers}
                elif state == "done":
                    since = heads[step]
                    gas_used[step] = {c.layer: _gas_used_since(c, since[c.layer]) for c in scratch.layers}

            system = rehearsal.deploy(
                accounts.test_accounts[0],
                genesis=genesis,
                params=params,
                inflation=inflation,
                rounds_per_l1_round=rounds_per_l1_round,
                on_step=measure,
            )
            created = {SIMULATOR: _layers_of_simulator(system.sim), SYSTEM: _layers_of_system(book.get(SYSTEM))}
    finally:
        networks.active_provider = active
    return {
        step: {layer: Rehearsed(tuple(created[step][layer]), used) for layer, used in by_layer.items()}
        for step, by_layer in gas_used.items()
    }


def _gas_used_since(chain: Chain, block: int) -> tuple[int, ...]:
    """The gas each transaction mined on ``chain`` after ``block`` used, in order."""
    blocks = chain.batch([("eth_getBlockReceipts", [hex(n)]) for n in range(block + 1, chain.block_number + 1)])
    return tuple(rpc_int(receipt["gasUsed"]) for receipts in blocks for receipt in receipts)


def _layers_of_simulator(sim: Any) -> dict[str, list[str]]:
    """The simulator's contracts (by their name in its book entry) on each layer."""
    from ape_livepeer_migration.chains.pair import OnChain

    layers: dict[str, list[str]] = {"l1": [], "l2": []}
    for name in sim.addresses:
        if isinstance(bound := getattr(sim, name, None), OnChain):
            layers[bound.chain.layer].append(name)
    return layers


def _layers_of_system(entry: Mapping[str, str]) -> dict[str, list[str]]:
    """The system's contracts (by role) on each layer."""
    from ape_livepeer_migration.bridge.system import recorded_contracts

    layers: dict[str, list[str]] = {"l1": [], "l2": []}
    for role, (layer, _) in recorded_contracts(entry).items():
        layers[layer].append(role)
    return layers
