"""The whole system on both chains: its deployment, and every contract by role.

::

    system = deploy_system(chains, governor, genesis={alice.address: 10**21})

:func:`deploy_system` deploys the Arbitrum simulator (unless one is given, or the system is wired to a real
Arbitrum's contracts instead: ``arbitrum=``), the L1 protocol, the LPT bridge with the L2 token economy
(:func:`ape_livepeer_migration.bridge.transfers.deploy_bridge`), the L2BondingManager and both Migrators, and wires
every role. L1 inflation stays on until governance calls :func:`switch_l1_inflation_off` (the L1 Minter's delegates
are then only the L1 gateway). Migrating stake is :mod:`ape_livepeer_migration.bridge.migration`.

``deploy_system(..., inflation="l1")`` deploys the L1-minting mode instead: the L1InflationMinter mints each L1 round's
rewards and sends them to the L2DistributingMinter, which hands them out over the L1 round's K L2 rounds; an
L2StakeOracle on L1 caches the L2 staked supply (:mod:`ape_livepeer_migration.bridge.oracle` reports it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration._eth import function_selector, hex_bytes, hex_text
from ape_livepeer_migration.arbitrum import simulator as sim_api
from ape_livepeer_migration.arbitrum.messages import ARB_SYS_ADDRESS
from ape_livepeer_migration.bridge.transfers import Bridge, deploy_bridge
from ape_livepeer_migration.exceptions import ArbitrumNotFoundError, InputError, LivepeerError
from ape_livepeer_migration.protocol.deploy import (
    DEFAULT_ROUNDS_PER_L1_ROUND,
    INFLATION_MODES,
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

#: Every contract of the system by role, in either inflation mode: its layer and contract type (the L2-minting
#: mode's; :func:`mode_contracts` gives one mode's roles and types). A role is the name of the field that holds the
#: contract (in :class:`System`, its :class:`~ape_livepeer_migration.bridge.transfers.Bridge`, or, ``l1_`` + field,
#: its :class:`~ape_livepeer_migration.protocol.deploy.L1Protocol`) and the key of :attr:`System.addresses`.
CONTRACTS: dict[str, tuple[str, str]] = {
    "l1_token": ("l1", "LivepeerToken"),
    "l1_rounds": ("l1", "RoundsManager"),
    "l1_minter": ("l1", "Minter"),
    "l1_bonding_manager": ("l1", "BondingManager"),
    "l1_stake_oracle": ("l1", "L2StakeOracle"),
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

#: The roles only one inflation mode has, by role.
_MODE_OF_ROLE = {"l1_stake_oracle": "l1", "l1_supply_reporter": "l2"}
#: The contract types of the L1-minting mode where they differ from :data:`CONTRACTS`.
_L1_MINTING_TYPES = {"l1_minter": ("l1", "L1InflationMinter"), "l2_minter": ("l2", "L2DistributingMinter")}
#: The key of the inflation mode in the address book's system entry (next to the addresses by role).
INFLATION_KEY = "inflation"


def mode_contracts(inflation: str) -> dict[str, tuple[str, str]]:
    """The roles of a system in inflation mode ``inflation`` (``"l2"`` or ``"l1"``), with their layer and contract
    type, in the order of :data:`CONTRACTS`."""
    if inflation not in INFLATION_MODES:
        raise InputError(f"unknown inflation mode {inflation!r}: one of {', '.join(INFLATION_MODES)}")
    types = _L1_MINTING_TYPES if inflation == "l1" else {}
    return {
        role: types.get(role, spec)
        for role, spec in CONTRACTS.items()
        if _MODE_OF_ROLE.get(role, inflation) == inflation
    }


def recorded_contracts(entry: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The roles of the system that ``entry`` (an address book's system entry, :attr:`System.book_entry`) records:
    those of its recorded mode, the L2-minting mode's when it records none."""
    return mode_contracts(entry.get(INFLATION_KEY, "l2"))


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
    def inflation(self) -> str:
        """The inflation mode: ``"l1"`` when the system has a stake oracle (L1 minting), else ``"l2"``."""
        return "l2" if self.l1.stake_oracle is None else "l1"

    @property
    def addresses(self) -> dict[str, str]:
        """Every contract address by role (JSON-friendly), in the order of :func:`mode_contracts`."""
        named = {
            **{f"l1_{field.name}": getattr(self.l1, field.name) for field in fields(L1Protocol)},
            **{field.name: getattr(self.bridge, field.name) for field in fields(Bridge)},
            **{field.name: getattr(self, field.name) for field in fields(self)},
        }
        return {role: str(named[role].address) for role in mode_contracts(self.inflation)}

    @property
    def book_entry(self) -> dict[str, str]:
        """What the address book records of the system: :attr:`addresses`, and the inflation mode unless it is the
        default L2-minting mode (an entry without the mode, such as every one written before the L1-minting mode
        existed, records the L2-minting mode)."""
        if self.inflation == "l2":
            return self.addresses
        return {**self.addresses, INFLATION_KEY: self.inflation}

    @classmethod
    def at(cls, chains: TwoChains, sim: ArbitrumSimulator | None, inbox: str, addresses: Mapping[str, str]) -> System:
        """The system whose contracts are at ``addresses`` (by role and with the mode, as :attr:`book_entry` gives
        them), bound to ``chains``; ``inbox`` is the Arbitrum Inbox its bridge sends through, ``sim`` the simulator
        carrying its messages (``None``: a real Arbitrum's). Reads nothing from the chains."""
        from ape_livepeer_migration.contracts import contract_at

        bound = {}
        for role, (layer, contract_name) in recorded_contracts(addresses).items():
            chain: Chain = getattr(chains, layer)
            with chain:
                bound[role] = chain.bind(contract_at(contract_name, addresses[role]))
        l1 = L1Protocol(**{field.name: bound.get(f"l1_{field.name}") for field in fields(L1Protocol)})
        bridge = Bridge(chains=chains, l1_protocol=l1, inbox=inbox, **_roles_of(Bridge, bound))
        return cls(chains=chains, sim=sim, l1=l1, bridge=bridge, **_roles_of(cls, bound))


def _roles_of(holder: type, bound: Mapping[str, OnChain]) -> dict[str, Any]:
    """The contracts of ``bound`` that are fields of the dataclass ``holder``, by field name (``None`` for a role
    the system's mode lacks, a field typed optional)."""
    return {field.name: bound.get(field.name) for field in fields(holder) if field.name in CONTRACTS}


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
    inflation: str = "l2",
    rounds_per_l1_round: int = DEFAULT_ROUNDS_PER_L1_ROUND,
    stake_reporter: str | None = None,
) -> System:
    """Deploy and wire everything on both chains; ``deployer`` is the governor of every contract.

    ``sim``: an Arbitrum simulator already deployed on ``chains`` (default: deploy one, with ``operator``, default
    ``deployer``, as its operator). ``arbitrum``: wire the system to these real Arbitrum contracts instead (the L1
    contracts send through its Inbox, the L2 ones through ArbSys at 0x64); no simulator is deployed, the returned
    system's ``sim`` is ``None``, and :func:`check_arbitrum` must pass first (:class:`ArbitrumNotFoundError`,
    nothing sent). ``genesis``: L1 LPT minted before minting is handed to the L1 Minter.
    ``l1_params`` / ``l2_params`` override :data:`ape_livepeer_migration.protocol.deploy.DEFAULT_PARAMS` per layer.

    Wiring: the L2Minter's minting delegates are the L2 gateway, the L2Migrator (the L1Migrator's retryables carry
    migrated stake to it directly, the LPT escrowed on L1) and the L2BondingManager; the L2 RoundsManager
    and Minter know the L2BondingManager; the L1 BondingManager's Migrator is the L1Migrator and the
    L2BondingManager's is the L2Migrator; each Migrator knows the other. The L1Migrator is the L1Escrow's second
    releaser and a minting delegate of the L1 Minter (refunds of expired migrations,
    :func:`refund_expired_migration`). The L1 Minter keeps the L1 BondingManager as a delegate (L1 rewards) next to
    the L1 gateway until :func:`switch_l1_inflation_off`.

    ``inflation="l1"``: the L1-minting mode (see the module notes). Its L1 round is ``rounds_per_l1_round`` L2 rounds
    (the L2 round length is ``round_length``; an L1 ``round_length`` other than the L2 one is refused), nothing but
    the L1InflationMinter mints L1 LPT (the gateway, the L1Migrator and the L1 BondingManager have no minting
    authority) and nothing but the L2 gateway and the L2Migrator mint L2 LPT (against LPT escrowed on L1).
    ``stake_reporter`` (default ``deployer``) is the stake oracle's reporter. The L1 Minter's gas budget starts
    empty: keepers fund it (``fundGasBudget``).
    """
    from ape_livepeer_migration.contracts import contract

    mode_contracts(inflation)
    l1_params = dict(l1_params or {})
    protocol_params(l1_params)
    l2p = protocol_params(l2_params)
    l1_minting = inflation == "l1"
    if l1_minting:
        if l1_params.get("round_length", l2p["round_length"]) != l2p["round_length"]:
            raise InputError(
                "in the L1-minting mode an L1 round is rounds_per_l1_round L2 rounds: set round_length for L2 only"
            )
        l1_params["round_length"] = rounds_per_l1_round * l2p["round_length"]
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
        proto = deploy_l1_protocol(
            deployer, genesis=genesis, ticket_broker=l1_ticket_broker, inflation=inflation, **l1_params
        )
        if l1_minting:
            proto.stake_oracle.addReporter(stake_reporter or deployer.address, **tx)
    bridge = deploy_bridge(
        chains,
        proto,
        inbox,
        deployer,
        rounds_per_l1_round=rounds_per_l1_round if l1_minting else None,
        **{k: l2p[k] for k in L2_ECONOMY_PARAMS},
    )
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
        if not l1_minting:
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
        if not l1_minting:  # refunds' shortfall mints: the escrow always covers them when L2 does not mint
            proto.minter.addMintingDelegate(l1_migrator, **tx)
    with l2:
        l2_migrator = contract("L2Migrator").deploy(
            bridge.l2_minter.address, l1_migrator.address, l2_bm, bridge.l2_token.address, **tx
        )
        l2_bm.setMigrator(l2_migrator, **tx)
        minter.addMintingDelegate(l2_migrator, **tx)
        bridge.l2_gateway.unwrapped.setMigrators(l1_migrator.address, l2_migrator, **tx)
    with l1:
        l1_migrator.setL2Migrator(l2_migrator.address, **tx)
        bridge.l1_gateway.unwrapped.setMigrators(l1_migrator, l2_migrator.address, **tx)
        bound = L1Protocol(
            token=l1.bind(proto.token),
            rounds=l1.bind(proto.rounds),
            minter=l1.bind(proto.minter),
            bonding_manager=l1.bind(proto.bonding_manager),
            stake_oracle=None if proto.stake_oracle is None else l1.bind(proto.stake_oracle),
        )
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
    gateway (withdrawal shortfalls) and L1 ``reward()`` reverts. Returns the receipt. The L1-minting mode has no
    such step (its L1 ``reward()`` always reverts): :class:`LivepeerError`."""
    if system.inflation == "l1":
        raise LivepeerError("in the L1-minting mode L1 reward() never mints: there is no L1 inflation to switch off")
    return system.l1.minter.removeMintingDelegate(system.l1.bonding_manager.address, sender=governor)
