"""The recorded system bound on the chains: which roles a deployment has, and whether the chains hold them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.chains.pair import TwoChains

#: Contract type of each role in :attr:`System.addresses`, and its layer.
CONTRACTS: dict[str, tuple[str, str]] = {
    "l1_token": ("l1", "LivepeerToken"),
    "l1_rounds": ("l1", "RoundsManager"),
    "l1_minter": ("l1", "Minter"),
    "l1_bonding_manager": ("l1", "BondingManager"),
    "l1_escrow": ("l1", "L1Escrow"),
    "l1_gateway": ("l1", "L1LPTGateway"),
    "l1_supply_reporter": ("l1", "L1SupplyReporter"),
    "l1_migrator": ("l1", "L1Migrator"),
    "l2_token": ("l2", "L2LivepeerToken"),
    "l2_rounds": ("l2", "RoundsManager"),
    "l2_minter": ("l2", "L2Minter"),
    "l2_gateway": ("l2", "L2LPTGateway"),
    "l2_bonding_manager": ("l2", "L2BondingManager"),
    "l2_migrator": ("l2", "L2Migrator"),
}


def missing_contract(chains: TwoChains, carrier: Mapping[str, Any], addresses: Mapping[str, str]) -> str | None:
    """``"<name> at <address>, but the <layer> (chain <id>) has no contract there"`` for the first recorded
    contract the chains lack (the simulator's or real Arbitrum's Inbox, Bridge and Outbox, then the system),
    ``None`` when every one has code."""
    recorded = [
        (carrier, {"inbox": "l1", "bridge": "l1", "outbox": "l1"}),
        (addresses, {name: layer for name, (layer, _) in CONTRACTS.items()}),
    ]
    for entry, layers in recorded:
        for name, layer in layers.items():
            chain = getattr(chains, layer)
            if not chain.get_code(entry[name]):
                where = f"the {layer.upper()} (chain {chain.chain_id})"
                return f"{name} at {entry[name]}, but {where} has no contract there"
    return None


def bind_system(chains: TwoChains, carrier: Mapping[str, Any], addresses: Mapping[str, str], sim: Any) -> System:
    """The system whose contracts ``addresses`` records (by role), bound on ``chains``, its messages carried by the
    Inbox of ``carrier`` (the simulator's or a real Arbitrum's) and relayed by ``sim`` (``None``: by Arbitrum)."""
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.bridge.transfers import Bridge
    from ape_livepeer_migration.contracts import contract
    from ape_livepeer_migration.protocol.deploy import L1Protocol

    bound = {}
    for name, (layer, contract_name) in CONTRACTS.items():
        chain = getattr(chains, layer)
        with chain:
            bound[name] = chain.bind(contract(contract_name).at(addresses[name]))
    l1_protocol = L1Protocol(bound["l1_token"], bound["l1_rounds"], bound["l1_minter"], bound["l1_bonding_manager"])
    bridge_roles = ("l1_escrow", "l1_gateway", "l1_supply_reporter", "l2_token", "l2_rounds", "l2_minter", "l2_gateway")
    bridge = Bridge(
        chains=chains,
        l1_protocol=l1_protocol,
        inbox=carrier["inbox"],
        **{name: bound[name] for name in bridge_roles},
    )
    return System(
        chains=chains,
        sim=sim,
        l1=l1_protocol,
        bridge=bridge,
        l2_bonding_manager=bound["l2_bonding_manager"],
        l1_migrator=bound["l1_migrator"],
        l2_migrator=bound["l2_migrator"],
    )
