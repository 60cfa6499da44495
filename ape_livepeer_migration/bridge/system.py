"""The whole system on both chains: its deployment, and every contract by role.

::

    system = deploy_system(chains, governor, genesis={alice.address: 10**21})

:func:`deploy_system` deploys the Arbitrum simulator (unless one is given, or the system is wired to a real
Arbitrum's contracts instead: ``arbitrum=``), the L1 protocol, the LPT bridge with the L2 token economy
(:func:`ape_livepeer_migration.bridge.transfers.deploy_bridge`), the L2BondingManager and both Migrators, and wires
every role. L1 inflation stays on until governance calls :func:`switch_l1_inflation_off` (the L1 Minter's delegates
are then only the L1 gateway). Migrating stake is :mod:`ape_livepeer_migration.bridge.migration`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from ape_livepeer_migration._eth import function_selector, hex_bytes, hex_text
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import ARB_SYS_ADDRESS
from ape_livepeer_migration.bridge.transfers import Bridge, deploy_bridge
from ape_livepeer_migration.exceptions import ArbitrumNotFoundError
from ape_livepeer_migration.protocol.deploy import (
    L2_ECONOMY_PARAMS,
    L1Protocol,
    deploy_l1_protocol,
    protocol_params,
)

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI

    from ape_livepeer_migration.arbitrum.simulator import ArbitrumSimulator
    from ape_livepeer_migration.chains.networks import ArbitrumContracts
    from ape_livepeer_migration.chains.pair import Chain, OnChain, TwoChains

#: Every contract of the system by role: its layer and contract type. A role is the name of the field that holds the
#: contract (in :class:`System`, its :class:`~ape_livepeer_migration.bridge.transfers.Bridge`, or, ``l1_`` + field,
#: its :class:`~ape_livepeer_migration.protocol.deploy.L1Protocol`) and the key of :attr:`System.addresses`.
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


@dataclass(frozen=True)
class System:
    """Every deployed contract, bound to its chain."""

    chains: TwoChains
    sim: ArbitrumSimulator | None  # None: wired to a real Arbitrum's contracts (deploy_system's ``arbitrum``)
    l1: L1Protocol  # token, rounds, minter, bonding_manager (bound to L1)
    bridge: Bridge
    l2_bonding_manager: OnChain
    l1_migrator: OnChain
    l2_migrator: OnChain

    @property
    def l2_token(self) -> OnChain:
        return self.bridge.l2_token

    @property
    def l2_rounds(self) -> OnChain:
        return self.bridge.l2_rounds

    @property
    def l2_minter(self) -> OnChain:
        return self.bridge.l2_minter

    @property
    def addresses(self) -> dict[str, str]:
        """Every contract address by role (JSON-friendly), in the order of :data:`CONTRACTS`."""
        named = {
            **{f"l1_{field.name}": getattr(self.l1, field.name) for field in fields(L1Protocol)},
            **{field.name: getattr(self.bridge, field.name) for field in fields(Bridge)},
            **{field.name: getattr(self, field.name) for field in fields(self)},
        }
        return {role: str(named[role].address) for role in CONTRACTS}

    @classmethod
    def at(cls, chains: TwoChains, sim: ArbitrumSimulator | None, inbox: str, addresses: Mapping[str, str]) -> System:
        """The system whose contracts are at ``addresses`` (by role, as :attr:`addresses` gives them), bound to
        ``chains``; ``inbox`` is the Arbitrum Inbox its bridge sends through, ``sim`` the simulator carrying its
        messages (``None``: a real Arbitrum's). Reads nothing from the chains."""
        from ape_livepeer_migration.contracts import contract_at

        bound = {}
        for role, (layer, contract_name) in CONTRACTS.items():
            chain: Chain = getattr(chains, layer)
            with chain:
                bound[role] = chain.bind(contract_at(contract_name, addresses[role]))
        l1 = L1Protocol(**{field.name: bound[f"l1_{field.name}"] for field in fields(L1Protocol)})
        bridge = Bridge(chains=chains, l1_protocol=l1, inbox=inbox, **_roles_of(Bridge, bound))
        return cls(chains=chains, sim=sim, l1=l1, bridge=bridge, **_roles_of(cls, bound))


def _roles_of(holder: type, bound: Mapping[str, OnChain]) -> dict[str, OnChain]:
    """The contracts of ``bound`` that are fields of the dataclass ``holder``, by field name."""
    return {field.name: bound[field.name] for field in fields(holder) if field.name in CONTRACTS}


def check_arbitrum(chains: TwoChains, arbitrum: ArbitrumContracts) -> None:
    """Refuse chains that do not hold ``arbitrum``: its Inbox, Bridge and Outbox must have code on the L1, ArbSys
    (0x64) on the L2, and the Inbox's ``bridge()`` must be its Bridge. Reads only."""
    wanted = (
        ("l1", "Inbox", arbitrum.inbox),
        ("l1", "Bridge", arbitrum.bridge),
        ("l1", "Outbox", arbitrum.outbox),
        ("l2", "ArbSys", ARB_SYS_ADDRESS),
    )
    for layer, name, address in wanted:
        chain = getattr(chains, layer)
        if not chain.get_code(address):
            raise ArbitrumNotFoundError(
                f"the {layer.upper()} (chain {chain.chain_id}) has no contract at Arbitrum's {name} {address}: "
                "it is not a chain these Arbitrum addresses belong to"
            )
    call = {"to": arbitrum.inbox, "data": hex_text(function_selector("bridge()"))}
    reported = hex_text(hex_bytes(chains.l1.request("eth_call", [call, "latest"]))[-20:])
    if reported.lower() != arbitrum.bridge.lower():
        raise ArbitrumNotFoundError(
            f"Arbitrum's Inbox {arbitrum.inbox} on the L1 reports the bridge {reported}, expected {arbitrum.bridge}"
        )


def deploy_system(
    chains: TwoChains,
    deployer: AccountAPI,
    *,
    sim: ArbitrumSimulator | None = None,
    arbitrum: ArbitrumContracts | None = None,
    operator: AccountAPI | None = None,
    genesis: Mapping[str, int] | None = None,
    l1_ticket_broker: str | None = None,
    l2_ticket_broker: str | None = None,
    l1_params: Mapping[str, int] | None = None,
    l2_params: Mapping[str, int] | None = None,
) -> System:
    """Deploy and wire everything on both chains; ``deployer`` is the governor of every contract.

    ``sim``: an Arbitrum simulator already deployed on ``chains`` (default: deploy one, with ``operator``, default
    ``deployer``, as its operator). ``arbitrum``: wire the system to these real Arbitrum contracts instead (the L1
    contracts send through its Inbox, the L2 ones through ArbSys at 0x64); no simulator is deployed, the returned
    system's ``sim`` is ``None``, and :func:`check_arbitrum` must pass first (:class:`ArbitrumNotFoundError`,
    nothing sent). ``genesis``: L1 LPT minted before minting is handed to the L1 Minter.
    ``l1_params`` / ``l2_params`` override :data:`ape_livepeer_migration.protocol.deploy.DEFAULT_PARAMS` per layer.

    Wiring: the L2Minter's minting delegates are the L2 gateway and the L2BondingManager; the L2 RoundsManager
    and Minter know the L2BondingManager; the L1 BondingManager's Migrator is the L1Migrator and the
    L2BondingManager's is the L2Migrator; each Migrator knows the other. The L1Migrator is the L1Escrow's second
    releaser and a minting delegate of the L1 Minter (refunds of expired migrations,
    :func:`refund_expired_migration`). The L1 Minter keeps the L1 BondingManager as a delegate (L1 rewards) next to
    the L1 gateway until :func:`switch_l1_inflation_off`.
    """
    from ape_livepeer_migration.contracts import contract

    l1_params = dict(l1_params or {})
    protocol_params(l1_params)
    l2p = protocol_params(l2_params)
    tx = {"sender": deployer}
    l1, l2 = chains.l1, chains.l2

    if arbitrum is not None:
        if sim is not None or operator is not None:
            raise TypeError("a system wired to a real Arbitrum has no simulator: sim and operator do not apply")
        check_arbitrum(chains, arbitrum)
        inbox = arbitrum.inbox
    else:
        if sim is None:
            sim = sim_api.deploy_simulator(chains, operator or deployer)
        inbox = str(sim.inbox.address)
    with l1:
        proto = deploy_l1_protocol(deployer, genesis=genesis, ticket_broker=l1_ticket_broker, **l1_params)
    bridge = deploy_bridge(chains, proto, inbox, deployer, **{k: l2p[k] for k in L2_ECONOMY_PARAMS})
    with l2:
        l2_bm = contract("L2BondingManager").deploy(
            deployer,
            bridge.l2_token.address,
            bridge.l2_minter.address,
            bridge.l2_rounds.address,
            l2p["unbonding_period"],
            l2p["num_active_transcoders"],
            **tx,
        )
        minter = bridge.l2_minter.unwrapped
        minter.setBondingManager(l2_bm, **tx)
        minter.addMintingDelegate(l2_bm, **tx)
        bridge.l2_rounds.unwrapped.setBondingManager(l2_bm, **tx)
        if l2_ticket_broker is not None:
            l2_bm.setTicketBroker(l2_ticket_broker, **tx)
    with l1:
        l1_migrator = contract("L1Migrator").deploy(
            deployer, proto.bonding_manager, proto.token, bridge.l1_gateway.address, **tx
        )
        proto.bonding_manager.setMigrator(l1_migrator, **tx)
        bridge.l1_escrow.unwrapped.setMigrator(l1_migrator, **tx)
        proto.minter.addMintingDelegate(l1_migrator, **tx)
    with l2:
        l2_migrator = contract("L2Migrator").deploy(
            bridge.l2_gateway.address, l1_migrator.address, l2_bm, bridge.l2_token.address, **tx
        )
        l2_bm.setMigrator(l2_migrator, **tx)
        bridge.l2_gateway.unwrapped.setMigrators(l1_migrator.address, l2_migrator, **tx)
    with l1:
        l1_migrator.setL2Migrator(l2_migrator.address, **tx)
        bridge.l1_gateway.unwrapped.setMigrators(l1_migrator, l2_migrator.address, **tx)
        bound = L1Protocol(*(l1.bind(c) for c in (proto.token, proto.rounds, proto.minter, proto.bonding_manager)))
    return System(
        chains=chains,
        sim=sim,
        l1=bound,
        bridge=bridge,
        l2_bonding_manager=l2.bind(l2_bm),
        l1_migrator=l1.bind(l1_migrator),
        l2_migrator=l2.bind(l2_migrator),
    )


def switch_l1_inflation_off(system: System, governor: AccountAPI) -> ReceiptAPI:
    """Governance step: revoke the L1 BondingManager's minting delegation, so the L1 Minter mints only for the L1
    gateway (withdrawal shortfalls) and L1 ``reward()`` reverts. Returns the receipt."""
    return system.l1.minter.removeMintingDelegate(system.l1.bonding_manager.address, sender=governor)
