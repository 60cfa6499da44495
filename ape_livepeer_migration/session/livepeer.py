"""``Livepeer``: both chains, the deployment from the address book, and every user operation as a Python call.

The same object serves the ``ape livepeer`` commands, ``ape console`` (as ``livepeer``, see
:mod:`ape_livepeer_migration.console`) and tests::

    lp = Livepeer.open(chains)                        # chains: a connected TwoChains
    lp.deploy(deployer, genesis={alice.address: 10**21}, params={"round_length": 50})
    # or, on a fork pair whose upstream chains hold a deployment: lp.adopt(upstream_book_path)
    lp.status(alice.address)                          # AccountStatus
    plan = lp.plan_migration(alice.address)           # what migrate would send, and its cost on both layers
    lp.migrate(alice)                                 # one L1 transaction
    lp.relay()                                        # the local relayer: one pass
    lp.call_reward(orchestrator)                      # on L2

Every operation checks its inputs against the chains first and raises :class:`LivepeerError` (one line, nothing
sent) when they are wrong: malformed or zero amounts, amounts above the balance, an unknown orchestrator, a
system missing from the chosen chains, too little ETH for the fees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.session.addressbook import AddressBook, default_path
from ape_livepeer_migration.exceptions import AddressBookError, ArbitrumNotFoundError, InterruptedDeployError, LivepeerError, NoSimulatorError, NotDeployedError

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.chains.networks import ArbitrumContracts
    from ape_livepeer_migration.relayer.core import PassReport, Relayer
    from ape_livepeer_migration.bridge.system import System

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

SIMULATOR = "simulator"
#: The book entry of the real Arbitrum contracts a system is wired to (recorded after ``check_arbitrum``; sends nothing).
ARBITRUM = "arbitrum"
SYSTEM = "system"
#: The book entry of the L1 -> L2 ticket delivery deployed on a fork pair's L2 (the fork cannot run ArbOS; see
#: :func:`~ape_livepeer_migration.arbitrum.simulator.deploy_fork_delivery`).
DELIVERY = "delivery"
#: The deploy steps of a deployment: what carries its messages first (the simulator it deploys, or a real
#: Arbitrum's contracts, with the delivery of their tickets on a fork), then the system.
SIMULATOR_STEPS = (SIMULATOR, SYSTEM)
ARBITRUM_STEPS = (ARBITRUM, SYSTEM)
FORK_STEPS = (ARBITRUM, DELIVERY, SYSTEM)
ALL_STEPS = (SIMULATOR, ARBITRUM, DELIVERY, SYSTEM)


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LayerStake:
    """An account's staking position on one layer."""

    round: int
    round_initialized: bool
    delegate: str | None
    stake: int  # bonded stake including pending rewards
    bonded: int  # stake as of the last claim
    pending_rewards: int
    pending_fees: int  # wei
    orchestrator: bool
    active: bool
    unbonding_locks: list[dict[str, int]]


@dataclass(frozen=True)
class PendingMessage:
    direction: str
    id: int
    status: str
    source_block: int


@dataclass(frozen=True)
class AccountStatus:
    account: str
    l1: LayerStake
    l2: LayerStake
    lpt: dict[str, int]  # balance per layer
    eth: dict[str, int]  # balance per layer
    messages: list[PendingMessage] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """JSON-friendly: amounts (LPT and wei) as decimal strings of base units, exact; rounds and ids as numbers."""

        def layer(x: LayerStake) -> dict[str, Any]:
            return {
                "round": x.round,
                "round_initialized": x.round_initialized,
                "delegate": x.delegate,
                "stake": str(x.stake),
                "bonded": str(x.bonded),
                "pending_rewards": str(x.pending_rewards),
                "pending_fees": str(x.pending_fees),
                "orchestrator": x.orchestrator,
                "active": x.active,
                "unbonding_locks": [
                    {"id": lock["id"], "amount": str(lock["amount"]), "withdraw_round": lock["withdraw_round"]}
                    for lock in x.unbonding_locks
                ],
            }

        return {
            "account": self.account,
            "l1": layer(self.l1),
            "l2": layer(self.l2),
            "lpt": {name: str(value) for name, value in self.lpt.items()},
            "eth": {name: str(value) for name, value in self.eth.items()},
            "messages": [asdict(message) for message in self.messages],
        }


@dataclass(frozen=True)
class MigrationPlan:
    """What :meth:`Livepeer.migrate` will send, and what it costs on both layers."""

    account: str
    kind: str  # delegator | orchestrator | unbonding-locks
    amount: int
    l2_delegator: str
    l2_orchestrator: str
    lock_ids: tuple[int, ...]
    l1_gas: int  # estimated gas of the L1 transaction
    l1_gas_price: int
    l2_gas_limit: int
    l2_gas_price_bid: int
    max_submission_cost: int
    retryable_value: int  # ETH sent with the L1 transaction: pays the L2 side at most this

    @property
    def l1_cost(self) -> int:
        return self.l1_gas * self.l1_gas_price

    @property
    def total_eth(self) -> int:
        return self.l1_cost + self.retryable_value


@dataclass(frozen=True)
class RewardResult:
    round: int
    minted: int
    gas_used: int
    initialized_round: bool
    tx_hash: str


@dataclass(frozen=True)
class WithdrawalState:
    """An LPT withdrawal (L2 -> L1) and how far it is: ``executed``, ``executable`` (its send root is confirmed),
    ``challenge-period`` (asserted, confirmable at L1 block ``confirmable_at``) or ``no-root`` (the relayer has not
    asserted a send root covering it yet)."""

    position: int
    sender: str
    to: str
    amount: int
    l2_tx_hash: str
    state: str
    confirmable_at: int | None


@dataclass(frozen=True)
class SentTransaction:
    """A user transaction that was sent (bridge, fees)."""

    layer: str
    tx_hash: str
    gas_used: int
    details: dict[str, Any]


@dataclass(frozen=True)
class Call:
    """A transaction to estimate before sending it: ``method`` of a chain-bound contract with ``args`` and ``value``."""

    contract: Any
    method: str
    args: tuple[Any, ...] = ()
    value: int = 0

    @property
    def name(self) -> str:
        return f"{self.method}()"

    def request(self, sender: str) -> dict[str, str]:
        """The JSON-RPC call object of this transaction sent by ``sender``."""
        data = getattr(self.contract, self.method).encode_input(*self.args)
        return {"from": str(sender), "to": str(self.contract.address), "data": "0x" + bytes(data).hex(),
                "value": hex(self.value)}


# ---------------------------------------------------------------------------- the session


def _eth_text(wei: int, decimals: int = 18) -> str:
    """Exact decimal text of ``wei`` in ETH (``decimals=9``: in gwei)."""
    from ape_livepeer_migration.protocol.economics import to_decimal_string

    return to_decimal_string(wei, decimals)


def _is_address(value: str) -> bool:
    from eth_utils import is_address

    return is_address(value)


class Livepeer:
    """Both chains of a pair and the deployment its address book records."""

    def __init__(self, chains: TwoChains, book: AddressBook, journal_path: Path | None = None):
        self.chains = chains
        self.book = book
        self.journal_path = journal_path or book.path.with_suffix(".relay.db")
        self._system: System | None = None

    def __repr__(self) -> str:
        deployed = "deployed" if self.is_deployed else "not deployed"
        return f"<Livepeer {self.chains.pair.name}: {deployed}, book {self.book.path}>"

    @classmethod
    def open(cls, chains: TwoChains, book_path: str | Path | None = None) -> Livepeer:
        """The session over connected ``chains`` with the pair's address book (default location unless given)."""
        pair = chains.pair.name
        path = Path(book_path) if book_path else default_path(pair)
        return cls(chains, AddressBook.open(path, pair, chains.l1.chain_id, chains.l2.chain_id))

    @classmethod
    def connect(cls, pair: str | None = None, book_path: str | Path | None = None) -> Livepeer:
        """Attach to the running nodes of ``pair`` (default: the configured one) and open its book.

        Call :meth:`close` (or use ``with``) to let go of the nodes.
        """
        from ape_livepeer_migration.chains.pair import TwoChains

        try:
            chains = TwoChains.for_pair(pair, start=False)
        except ValueError as err:  # a pair that cannot be attached to as configured
            raise LivepeerError(str(err)) from err
        chains.connect()
        try:
            return cls.open(chains, book_path)
        except BaseException:
            chains.disconnect()
            raise

    def close(self) -> None:
        self.chains.disconnect()

    def __enter__(self) -> Livepeer:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ deployment

    @property
    def deploy_steps(self) -> tuple[str, ...]:
        """The steps of this book's deployment: :data:`SIMULATOR_STEPS` on the local pair (and for a deployment
        taken over from upstream chains that run the simulator); where the system is wired to the pair's real
        Arbitrum, :data:`FORK_STEPS` on a fork pair and :data:`ARBITRUM_STEPS` on a live one."""
        from ape_livepeer_migration.chains.networks import PairKind

        if SIMULATOR in self.book or self.book.interrupted(SIMULATOR) is not None:
            return SIMULATOR_STEPS
        if ARBITRUM in self.book or self.chains.pair.arbitrum is not None:
            return FORK_STEPS if self.chains.pair.kind is PairKind.FORK else ARBITRUM_STEPS
        return SIMULATOR_STEPS

    @property
    def is_deployed(self) -> bool:
        return all(step in self.book for step in self.deploy_steps)

    @property
    def system(self) -> System:
        """The deployed system (attached from the address book on first use).

        Raises :class:`NotDeployedError` when the book has no deployment or the chains do not hold it.
        """
        if self._system is None:
            self._system = self._attach()
        return self._system

    @staticmethod
    def _resolve_account(address: str, role: str = "the simulator's operator") -> AccountAPI:
        from ape import accounts

        for account in accounts.test_accounts:
            if account.address == address:
                return account
        try:
            return accounts[address]
        except (KeyError, IndexError) as err:
            raise LivepeerError(f"{role} {address} is not an account Ape can sign with") from err

    def _missing_contract(self, carrier: Mapping[str, Any], addresses: Mapping[str, str]) -> str | None:
        """``"<name> at <address>, but the <layer> (chain <id>) has no contract there"`` for the first recorded
        contract the chains lack (the simulator's or real Arbitrum's Inbox, Bridge and Outbox, then the system),
        ``None`` when every one has code."""
        recorded = [
            (carrier, {"inbox": "l1", "bridge": "l1", "outbox": "l1"}),
            (addresses, {name: layer for name, (layer, _) in CONTRACTS.items()}),
        ]
        for entry, layers in recorded:
            for name, layer in layers.items():
                chain = getattr(self.chains, layer)
                if not chain.get_code(entry[name]):
                    return f"{name} at {entry[name]}, but the {layer.upper()} (chain {chain.chain_id}) has no contract there"
        return None

    def _attach(self) -> System:
        from ape_livepeer_migration.bridge.transfers import Bridge
        from ape_livepeer_migration.contracts import contract
        from ape_livepeer_migration.protocol.deploy import L1Protocol
        from ape_livepeer_migration.chains.networks import ArbitrumContracts
        from ape_livepeer_migration.arbitrum.simulator import attach_simulator
        from ape_livepeer_migration.bridge.system import System

        carrier_step = self.deploy_steps[0]
        carrier, addresses = self.book.get(carrier_step), self.book.get(SYSTEM)
        if carrier is None or addresses is None:
            raise NotDeployedError(
                f"no Livepeer system is deployed on the {self.chains.pair.name} pair "
                f"(L1 {self.chains.l1.chain_id} / L2 {self.chains.l2.chain_id}) according to {self.book.path}; "
                "run `ape livepeer deploy`"
            )
        delivery = self.book.get(DELIVERY)
        missing = self._missing_contract(carrier, addresses)
        if not missing and delivery is not None and not self.chains.l2.get_code(delivery["arb_retryable_tx"]):
            missing = f"the fork's ticket delivery at {delivery['arb_retryable_tx']}, but the L2 has no contract there"
        if missing:
            raise NotDeployedError(
                f"the address book {self.book.path} records {missing}: the chains were reset; "
                "deploy again with `ape livepeer deploy --fresh`"
            )
        sim = None
        if carrier_step == SIMULATOR:
            sim = attach_simulator(self.chains, self._resolve_account(carrier["operator"]), carrier)
        elif delivery is not None:
            sim = self._recorded_delivery(ArbitrumContracts(**carrier))
        bound = {}
        for name, (layer, contract_name) in CONTRACTS.items():
            chain = getattr(self.chains, layer)
            with chain:
                bound[name] = chain.bind(contract(contract_name).at(addresses[name]))
        l1_protocol = L1Protocol(bound["l1_token"], bound["l1_rounds"], bound["l1_minter"], bound["l1_bonding_manager"])
        bridge = Bridge(
            chains=self.chains,
            l1_protocol=l1_protocol,
            inbox=carrier["inbox"],
            **{name: bound[name] for name in (
                "l1_escrow", "l1_gateway", "l1_supply_reporter", "l2_token", "l2_rounds", "l2_minter", "l2_gateway"
            )},
        )
        return System(
            chains=self.chains,
            sim=sim,
            l1=l1_protocol,
            bridge=bridge,
            l2_bonding_manager=bound["l2_bonding_manager"],
            l1_migrator=bound["l1_migrator"],
            l2_migrator=bound["l2_migrator"],
        )

    def _simulator_on_chain(self) -> bool:
        """Whether the simulator the book records is on the chains (its L1 contracts and L2 precompiles)."""
        from ape_livepeer_migration.arbitrum.simulator import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS

        entry = self.book.get(SIMULATOR)
        if entry is None:
            return False
        l1 = all(self.chains.l1.get_code(entry[name]) for name in ("bridge", "inbox", "outbox"))
        return l1 and all(self.chains.l2.get_code(address) for address in (ARB_SYS_ADDRESS, ARB_RETRYABLE_TX_ADDRESS))

    def _simulator(self, what: str, instead: str) -> Any:
        """The system's simulator (or a fork's ticket delivery); :class:`NoSimulatorError` (``what`` needs the local
        simulator; ``instead``: what happens on a real Arbitrum) when the system is wired to a real Arbitrum's
        contracts with neither."""
        sim = self.system.sim
        if sim is None and DELIVERY in self.deploy_steps:
            raise NoSimulatorError(
                f"{what} needs the ticket delivery on the {self.chains.pair.name} pair's L2 fork, and {self.book.path} "
                "records none (the system was taken over from upstream): deploy it with `ape livepeer deploy`"
            )
        if sim is None:
            raise NoSimulatorError(
                f"{what} goes through the local Arbitrum simulator, and the {self.chains.pair.name} pair's system is "
                f"wired to Arbitrum's real contracts (Inbox {self.system.bridge.inbox}): {instead}"
            )
        return sim

    def _nonces(self, address: str) -> dict[str, int]:
        """``address``'s next nonce on each layer, counting transactions sent and not yet mined."""
        return {layer.layer: int(layer.provider.get_nonce(address, block_id="pending")) for layer in self.chains.layers}

    @contextmanager
    def _step(self, step: str, account: AccountAPI) -> Iterator[None]:
        """Mark deploy ``step`` as started (with ``account``'s nonces) for the ``with`` block; a block that fails
        before ``account`` sent anything on either layer leaves no mark (a re-run then simply runs it), one that
        fails after leaves it started (its contracts may exist: see :class:`InterruptedDeployError`)."""
        before = self._nonces(account.address)
        self.book.begin(step, {"account": str(account.address), **before})
        try:
            yield
        except BaseException:
            try:
                sent_nothing = self._nonces(account.address) == before
            except Exception:  # the chains are gone: whether something was sent is unknown
                sent_nothing = False
            if sent_nothing:
                self.book.forget(step)
            raise

    def deploy(
        self,
        deployer: AccountAPI,
        *,
        operator: AccountAPI | None = None,
        genesis: Mapping[str, int] | None = None,
        params: Mapping[str, int] | None = None,
        on_step: Callable[[str, str], None] | None = None,
        redo_interrupted: bool = False,
    ) -> System:
        """Deploy the whole system, recording each step in the address book as it finishes.

        On the local pair the first step deploys the Arbitrum simulator (run by ``operator``, default
        ``deployer``). On a pair with a real Arbitrum (``mainnet-fork``, ``sepolia``) it checks that the chains
        hold that Arbitrum's contracts (:func:`~ape_livepeer_migration.bridge.system.check_arbitrum`) and records them;
        the system is then wired to them, with no simulator: chains without them are refused with a
        :class:`LivepeerError` before anything is sent, and ``operator`` does not apply.

        A step already recorded is skipped, so a re-run after a failure continues where it stopped; a run
        finding everything recorded sends nothing. A step that started and never finished raises
        :class:`InterruptedDeployError` (it may have deployed contracts that the book does not know) unless
        ``redo_interrupted``. ``params`` override the protocol parameters on both layers. ``on_step(step,
        state)`` is called with state ``"skipped"``, ``"started"`` or ``"done"``.
        """
        from ape_livepeer_migration.protocol.deploy import DEFAULT_PARAMS
        from ape_livepeer_migration.bridge.system import deploy_system

        report = on_step or (lambda step, state: None)
        params = dict(params or {})
        unknown = set(params) - set(DEFAULT_PARAMS)
        if unknown:
            raise LivepeerError(f"unknown protocol parameters: {', '.join(sorted(unknown))}")
        steps = self.deploy_steps
        if steps == ARBITRUM_STEPS and operator is not None:
            raise LivepeerError(
                f"the {self.chains.pair.name} pair's system is wired to Arbitrum's real contracts, which deliver its "
                "messages: it has no simulator, so no operator"
            )
        for step in steps:
            note = self.book.interrupted(step)
            if note is not None and not redo_interrupted:
                raise InterruptedDeployError(
                    f"the deploy step '{step}' started earlier (nonces {note}) and never finished; its contracts may "
                    "exist without being recorded: check, then re-run with --redo-interrupted (or deploy --fresh)"
                )
        if self.is_deployed:
            for step in steps:
                report(step, "skipped")
            return self.system

        if SIMULATOR in steps:
            carrier = {"sim": self._simulator_step(operator or deployer, report)}
        else:
            carrier = {"arbitrum": self._arbitrum_step(report)}
        delivery = self._delivery_step(operator or deployer, carrier["arbitrum"], report) if DELIVERY in steps else None
        if SYSTEM in self.book:  # taken over from upstream (`adopt`): only the delivery was missing
            report(SYSTEM, "skipped")
            self._system = None
            return self.system
        report(SYSTEM, "started")
        with self._step(SYSTEM, deployer):
            system = deploy_system(self.chains, deployer, genesis=genesis, l1_params=params, l2_params=params, **carrier)
        self.book.record(SYSTEM, system.addresses)
        report(SYSTEM, "done")
        self._system = system if delivery is None else replace(system, sim=delivery)
        return self._system

    def _simulator_step(self, operator: AccountAPI, report: Callable[[str, str], None]) -> Any:
        """The simulator the book records, else a new one deployed by ``operator`` (journaled)."""
        from ape_livepeer_migration.arbitrum import simulator as sim_api
        from ape_livepeer_migration.arbitrum.simulator import simulator_deployment

        recorded = self.book.get(SIMULATOR)
        if recorded is not None:
            report(SIMULATOR, "skipped")
            return sim_api.attach_simulator(self.chains, self._resolve_account(recorded["operator"]), recorded)
        report(SIMULATOR, "started")
        try:
            with self._step(SIMULATOR, operator):
                sim = sim_api.deploy_simulator(self.chains, operator)
        except sim_api.SimulatorPresentError as err:  # refused before sending anything: nothing is marked
            raise LivepeerError(
                f"{err}; {self.book.path} does not record it: deploy with the address book that does "
                "(--address-book), or restart `ape livepeer chains` for empty chains"
            ) from err
        self.book.record(SIMULATOR, simulator_deployment(sim))
        report(SIMULATOR, "done")
        return sim

    def _delivery_step(
        self, operator: AccountAPI, arbitrum: ArbitrumContracts, report: Callable[[str, str], None]
    ) -> Any:
        """The fork's ticket delivery the book records, else a new one run by ``operator`` (journaled)."""
        from ape_livepeer_migration.arbitrum import simulator as sim_api
        from ape_livepeer_migration.arbitrum.simulator import simulator_deployment

        if DELIVERY in self.book:
            report(DELIVERY, "skipped")
            return self._recorded_delivery(arbitrum)
        report(DELIVERY, "started")
        with self._step(DELIVERY, operator):
            delivery = sim_api.deploy_fork_delivery(self.chains, operator, arbitrum)
        self.book.record(DELIVERY, simulator_deployment(delivery))
        report(DELIVERY, "done")
        return delivery

    def _recorded_delivery(self, arbitrum: ArbitrumContracts) -> Any:
        """The fork delivery the book records, attached with its recorded operator."""
        from ape_livepeer_migration.arbitrum.simulator import attach_fork_delivery

        recorded = self.book.get(DELIVERY)
        operator = self._resolve_account(recorded["operator"], "the fork delivery's operator")
        return attach_fork_delivery(self.chains, operator, arbitrum, recorded)

    def _arbitrum_step(self, report: Callable[[str, str], None]) -> ArbitrumContracts:
        """The real Arbitrum contracts to wire the system to (the recorded ones, else the pair's), checked on the
        chains now; recorded when new. Sends nothing; refuses chains that do not hold them."""
        from ape_livepeer_migration.chains.networks import ArbitrumContracts, contract_addresses
        from ape_livepeer_migration.bridge.system import check_arbitrum

        recorded = self.book.get(ARBITRUM)
        arbitrum = ArbitrumContracts(**recorded) if recorded is not None else self.chains.pair.arbitrum
        try:
            check_arbitrum(self.chains, arbitrum)
        except ArbitrumNotFoundError as err:
            raise LivepeerError(f"cannot deploy on the {self.chains.pair.name} pair: {err}") from err
        if recorded is not None:
            report(ARBITRUM, "skipped")
        else:
            report(ARBITRUM, "started")
            self.book.record(ARBITRUM, contract_addresses(arbitrum))
            report(ARBITRUM, "done")
        return arbitrum

    def adopt(self, upstream_book: str | Path) -> System:
        """Record in this pair's book the deployment that ``upstream_book`` records, and attach to it.

        For a fork pair: the chains it forks hold a deployment (made there and recorded in ``upstream_book``), so
        the forks hold it too, at the same addresses. The upstream book must be written for the chain ids of these
        chains and record every deploy step finished; the recorded contracts must have code on these chains (a fork
        taken before the deployment has none). Nothing is sent and the upstream book is only read. Raises
        :class:`LivepeerError` when this book already records a deployment or a step in progress,
        :class:`NotDeployedError` when the upstream book or the chains lack the deployment.
        """

        path = Path(upstream_book)
        if path.resolve() == self.book.path.resolve():
            raise LivepeerError(f"{path} is this pair's own address book")
        if not path.is_file():
            raise NotDeployedError(f"no address book at {path}")
        try:
            source = AddressBook.open(path, self.book.pair, self.book.l1_chain_id, self.book.l2_chain_id)
        except AddressBookError as err:
            raise LivepeerError(str(err)) from err
        upstream_steps = SIMULATOR_STEPS if SIMULATOR in source else ARBITRUM_STEPS
        unfinished = [step for step in upstream_steps if step not in source]
        if unfinished:
            raise NotDeployedError(f"the address book {path} does not record the deploy step {', '.join(unfinished)} "
                                   "as finished")
        # A simulator entry that `forget_deployment` kept (still on the chains) may stay if it is the upstream's.
        held = [
            step
            for step in ALL_STEPS
            if (step in self.book and (step != SIMULATOR or self.book.get(step) != source.get(step)))
            or self.book.interrupted(step) is not None
        ]
        if held:
            raise LivepeerError(
                f"the address book {self.book.path} already records the deploy step {', '.join(held)}: "
                "forget it first (deploy --fresh)"
            )
        missing = self._missing_contract(source.get(upstream_steps[0]), source.get(SYSTEM))
        if missing:
            raise NotDeployedError(
                f"these chains do not hold the deployment that {path} records (forked before it was deployed, or "
                f"from other nodes): it records {missing}"
            )
        for step in upstream_steps:
            self.book.record(step, source.get(step))
        self._system = None
        return self.system

    def forget_deployment(self) -> None:
        """Drop the system from the address book (its contracts stay on chain), so that :meth:`deploy` makes a new one.

        The simulator is kept while the chains still hold it: a second one cannot be planted on the same L2 (see
        :func:`~ape_livepeer_migration.arbitrum.simulator.deploy_simulator`), and the relayer's journal, which follows the
        simulator's messages, stays too. When the chains no longer hold it (they were restarted), the simulator is
        dropped as well and the journal moved aside (``<journal>.replaced-<unix time>``)."""
        import time

        for step in (ARBITRUM, DELIVERY, SYSTEM):
            self.book.forget(step)
        self._system = None
        if self._simulator_on_chain():
            return
        self.book.forget(SIMULATOR)
        suffix = f".replaced-{int(time.time())}"
        for path in (self.journal_path, *(Path(f"{self.journal_path}{end}") for end in ("-wal", "-shm"))):
            if path.exists():
                path.rename(f"{path}{suffix}")

    # ------------------------------------------------------------------ reading

    def _layer_stake(self, layer: str, address: str) -> LayerStake:
        s = self.system
        bm, rounds = (s.l1.bonding_manager, s.l1.rounds) if layer == "l1" else (s.l2_bonding_manager, s.l2_rounds)
        current = rounds.currentRound()
        d = bm.getDelegator(address)
        stake = bm.pendingStake(address, current)
        locks = []
        for lock_id in range(d.nextUnbondingLockId):
            amount, withdraw_round = bm.getDelegatorUnbondingLock(address, lock_id)
            if amount:
                locks.append({"id": lock_id, "amount": amount, "withdraw_round": withdraw_round})
        delegate = str(d.delegateAddress)
        return LayerStake(
            round=current,
            round_initialized=bool(rounds.currentRoundInitialized()),
            delegate=None if int(delegate, 16) == 0 else delegate,
            stake=stake,
            bonded=d.bondedAmount,
            pending_rewards=max(stake - d.bondedAmount, 0),
            pending_fees=bm.pendingFees(address, current),
            orchestrator=bool(bm.isRegisteredTranscoder(address)),
            active=bool(bm.isActiveTranscoder(address)),
            unbonding_locks=locks,
        )

    def pending_messages(self) -> list[PendingMessage]:
        """Cross-chain messages the local relayer's journal holds that are not final yet."""
        from ape_livepeer_migration.relayer.journal import Journal

        if not self.journal_path.is_file():
            return []
        journal = Journal.existing(self.journal_path)
        try:
            return [
                PendingMessage(r.direction.value, r.id, r.status.value, r.source_block)
                for r in journal.messages()
                if not r.status.is_final
            ]
        finally:
            journal.close()

    def status(self, address: str) -> AccountStatus:
        """Round, stake, delegate, pending rewards and fees, unbonding locks on both layers; balances; messages."""
        if not _is_address(str(address)):
            raise LivepeerError(f"{address!r} is not an address")
        s = self.system
        return AccountStatus(
            account=str(address),
            l1=self._layer_stake("l1", address),
            l2=self._layer_stake("l2", address),
            lpt={"l1": s.l1.token.balanceOf(address), "l2": s.l2_token.balanceOf(address)},
            eth={layer.layer: int(layer.provider.get_balance(address)) for layer in self.chains.layers},
            messages=self.pending_messages(),
        )

    # ------------------------------------------------------------------ checks shared by the operations

    def _require_eth(self, layer: str, address: str, needed: int, what: str) -> None:
        """Refuse when ``address`` has less than ``needed`` wei on ``layer``."""
        balance = int(getattr(self.chains, layer).provider.get_balance(address))
        if balance < needed:
            raise LivepeerError(
                f"{address} has {_eth_text(balance)} ETH on {layer.upper()}, {what} needs about {_eth_text(needed)} ETH"
            )

    def _require_gas(
        self, layer: str, address: str, what: str, calls: Sequence[Call], fee_per_gas: int | None = None
    ) -> None:
        """Refuse unless ``address`` holds on ``layer`` what sending ``calls`` (in order) costs: their estimated gas
        (:meth:`estimate_gas`) times the fee per gas of the transactions (default: :meth:`_fee_per_gas`) times the
        configured ``gas_margin``, plus the ETH they send. Sends nothing."""
        from ape import config

        margin = config.get_config("livepeer_migration").gas_margin
        price = self._fee_per_gas(layer) if fee_per_gas is None else fee_per_gas
        gas = self.estimate_gas(layer, address, calls)
        needed = math.ceil(gas * price * Decimal(str(margin))) + sum(call.value for call in calls)
        self._require_eth(layer, address, needed, f"{what} ({gas:,} gas at {_eth_text(price, 9)} gwei, x{margin:g})")

    def estimate_gas(self, layer: str, address: str, calls: Sequence[Call]) -> int:
        """Gas of sending ``calls`` from ``address`` on ``layer``, one transaction each, in order: ``eth_estimateGas``
        of a single call; for a sequence (whose later calls may need the earlier ones' effects, e.g. an approval or
        a round initialization) the gas each uses in one ``eth_simulateV1`` block. A call that reverts raises
        :class:`LivepeerError`."""
        from ape.exceptions import ContractLogicError, ProviderError

        from ape_livepeer_migration._eth import rpc_int

        provider = getattr(self.chains, layer).provider
        requests = [call.request(address) for call in calls]
        if len(calls) == 1:
            # no gas price in the request: the node estimates without capping the gas at what the balance pays for
            try:
                return rpc_int(provider.make_request("eth_estimateGas", requests))
            except (ContractLogicError, ProviderError) as err:
                if "revert" not in str(err):
                    raise
                raise LivepeerError(f"{calls[0].name} would revert on {layer.upper()}: {err}") from err
        (block,) = provider.make_request(
            "eth_simulateV1", [{"blockStateCalls": [{"calls": requests}], "validation": False}, "latest"]
        )
        total = 0
        for call, result in zip(calls, block["calls"]):
            if rpc_int(result["status"]) != 1:
                error = result.get("error") or {}
                raise LivepeerError(f"{call.name} would revert on {layer.upper()}: {error.get('message', 'no reason')}")
            total += rpc_int(result["gasUsed"])
        return total

    def _fee_per_gas(self, layer: str) -> int:
        """The most a transaction Ape sends on ``layer`` pays per gas: the max fee of an EIP-1559 transaction (the next
        block's base fee times the network's ``base_fee_multiplier``, plus the priority fee), else the gas price."""
        from ape_ethereum.transactions import StaticFeeTransaction

        from ape_livepeer_migration.bridge.transfers import pending_base_fee

        chain = getattr(self.chains, layer)
        with chain:
            provider = chain.provider
            if isinstance(provider.network.ecosystem.create_transaction(), StaticFeeTransaction):
                return int(provider.gas_price)
            return int(pending_base_fee(chain) * provider.network.base_fee_multiplier + provider.priority_fee)

    def _gas_price(self, layer: str) -> int:
        chain = getattr(self.chains, layer)
        with chain:
            return int(chain.provider.gas_price)

    def l2_orchestrator_for(self, address: str) -> str | None:
        """The L2 orchestrator a migration of ``address`` goes to by default: its L1 delegate when that one is a
        registered orchestrator on L2 (an L1 orchestrator migrates to itself), else ``None``."""
        s = self.system
        if s.l1.bonding_manager.isRegisteredTranscoder(address):
            return str(address)
        delegate = str(s.l1.bonding_manager.getDelegator(address).delegateAddress)
        if int(delegate, 16) and s.l2_bonding_manager.isRegisteredTranscoder(delegate):
            return delegate
        return None

    # ------------------------------------------------------------------ migration

    def plan_migration(
        self,
        address: str,
        to_orchestrator: str | None = None,
        lock_ids: Sequence[int] = (),
    ) -> MigrationPlan:
        """What migrating ``address``'s stake (or its unbonding locks ``lock_ids``) to the same address on L2 would
        send and cost; sends nothing. Only ``address`` itself can send it, so it needs no key here.

        Raises :class:`LivepeerError` when there is nothing to migrate, the orchestrator is unknown on L2, a lock
        does not exist, or the account lacks the ETH for both layers' fees.
        """
        from ape_livepeer_migration.bridge.system import migration_gas_params, planned_migration

        s = self.system
        address = l2_delegator = str(address)
        bm = s.l1.bonding_manager
        is_orchestrator = bool(bm.isRegisteredTranscoder(address))
        if lock_ids:
            if to_orchestrator is None:
                raise LivepeerError("migrating unbonding locks needs the L2 orchestrator to stake them with")
            for lock_id in lock_ids:
                if not bm.getDelegatorUnbondingLock(address, lock_id)[0]:
                    raise LivepeerError(f"{address} has no unbonding lock {lock_id} on L1")
        elif not bm.pendingStake(address, s.l1.rounds.currentRound()):
            raise LivepeerError(f"{address} has no stake to migrate on L1")
        if is_orchestrator and not lock_ids:
            orchestrator = address
        else:
            orchestrator = to_orchestrator or self.l2_orchestrator_for(address)
            if orchestrator is None:
                raise LivepeerError(
                    f"{address}'s L1 orchestrator has not migrated to L2: choose a registered L2 orchestrator"
                )
            if not s.l2_bonding_manager.isRegisteredTranscoder(orchestrator):
                raise LivepeerError(f"{orchestrator} is not a registered orchestrator on L2")
        record = planned_migration(s, address, l2_delegator, orchestrator, list(lock_ids))
        gas = migration_gas_params(s, record)
        migrator = s.l1_migrator
        args = (gas.gas_limit, gas.gas_price_bid, gas.max_submission_cost)
        self._require_eth("l1", address, gas.value, "the migration's L2 fees")
        sender = address  # an estimate needs the sender's address only
        with self.chains.l1:
            if lock_ids:
                l1_gas = migrator.unwrapped.migrateUnbondingLocks.estimate_gas_cost(
                    list(lock_ids), l2_delegator, orchestrator, *args, value=gas.value, sender=sender
                )
            else:
                l1_gas = migrator.unwrapped.migrate.estimate_gas_cost(
                    l2_delegator, orchestrator, *args, value=gas.value, sender=sender
                )
        plan = MigrationPlan(
            account=address,
            kind=record.kind.name.lower().replace("_", "-"),
            amount=record.amount,
            l2_delegator=l2_delegator,
            l2_orchestrator=orchestrator,
            lock_ids=tuple(lock_ids),
            l1_gas=int(l1_gas),
            l1_gas_price=self._gas_price("l1"),
            l2_gas_limit=gas.gas_limit,
            l2_gas_price_bid=gas.gas_price_bid,
            max_submission_cost=gas.max_submission_cost,
            retryable_value=gas.value,
        )
        self._require_eth("l1", address, plan.total_eth, "the migration (L1 gas and L2 fees)")
        return plan

    def migrate(
        self, account: AccountAPI, to_orchestrator: str | None = None, lock_ids: Sequence[int] = ()
    ) -> tuple[MigrationPlan, Any]:
        """Migrate ``account``'s L1 stake (or its locks ``lock_ids``) in one L1 transaction, after
        :meth:`plan_migration`'s checks. Returns the plan and the :class:`~ape_livepeer_migration.bridge.system.MigrationSent`.
        """
        from ape_livepeer_migration.bridge.transfers import RetryableGasParams
        from ape_livepeer_migration.bridge.system import migrate, migrate_unbonding_locks

        plan = self.plan_migration(account.address, to_orchestrator, lock_ids)
        gas = RetryableGasParams(plan.max_submission_cost, plan.l2_gas_limit, plan.l2_gas_price_bid)
        if lock_ids:
            sent = migrate_unbonding_locks(self.system, account, list(lock_ids), plan.l2_orchestrator, gas=gas)
        else:
            sent = migrate(self.system, account, l2_orchestrator=plan.l2_orchestrator, gas=gas)
        return plan, sent

    # ------------------------------------------------------------------ bridge

    def check_bridge(self, direction: str, address: str, amount: int, to: str | None = None) -> Any:
        """Refuse a bridge ``direction`` ("in": L1 -> L2, "out": L2 -> L1) of ``amount`` that cannot succeed (amount
        not above 0 or above the balance, too little ETH for the deposit's L2 fees or for the withdrawal's estimated L2
        gas). Returns a deposit's :class:`~ape_livepeer_migration.bridge.transfers.RetryableGasParams` (``None`` for a
        withdrawal); sends nothing."""
        from ape_livepeer_migration.bridge.transfers import deposit_gas_params

        s = self.system
        if direction == "in":
            self._require_amount(amount, s.l1.token.balanceOf(address), "L1 LPT", address)
            gas = deposit_gas_params(s.bridge, address, str(to or address), amount)
            self._require_eth("l1", address, gas.value, "the deposit's L2 fees")
            return gas
        if direction == "out":
            b = s.bridge
            self._require_amount(amount, b.l2_token.balanceOf(address), "L2 LPT", address)
            self._require_withdrawal_path()
            calls = [Call(b.l2_gateway, "outboundTransfer", (str(b.l1_token.address), str(to or address), amount, b""))]
            if b.l2_token.allowance(address, b.l2_gateway.address) < amount:
                calls.insert(0, Call(b.l2_token, "approve", (str(b.l2_gateway.address), amount)))
            self._require_gas("l2", address, "the withdrawal", calls)
            return None
        raise LivepeerError(f"unknown bridge direction {direction!r} (in or out)")

    def _require_withdrawal_path(self) -> None:
        """Refuse a withdrawal on a fork pair wired to a real Arbitrum: it could never be paid out on L1."""
        from ape_livepeer_migration.arbitrum.simulator import ARB_SYS_ADDRESS

        if DELIVERY in self.deploy_steps:
            raise LivepeerError(
                f"a withdrawal from the {self.chains.pair.name} pair's L2 fork could never be paid out on L1: the fork "
                f"cannot run ArbSys ({ARB_SYS_ADDRESS}, an ArbOS precompile) and nothing confirms its messages in "
                "Arbitrum's real Outbox; withdraw on the real Arbitrum"
            )

    def bridge_in(self, account: AccountAPI, amount: int, to: str | None = None) -> SentTransaction:
        """Deposit ``amount`` L1 LPT of ``account`` for ``to`` (default: itself) on L2; approves the gateway if needed."""
        from ape_livepeer_migration.bridge.transfers import bridge_in

        to = str(to or account.address)
        gas = self.check_bridge("in", account.address, amount, to)
        deposit = bridge_in(self.system.bridge, account, to, amount, gas=gas)
        return SentTransaction(
            "l1", deposit.receipt.txn_hash, deposit.receipt.gas_used,
            {"to": to, "amount": amount, "sequence_number": deposit.sequence_number, "retryable_value": gas.value},
        )

    def bridge_out(self, account: AccountAPI, amount: int, to: str | None = None) -> SentTransaction:
        """Withdraw ``amount`` L2 LPT of ``account`` to ``to`` (default: itself) on L1; approves the gateway if needed.

        The L1 side pays out once the message is executed in the Outbox (``relay`` does so locally)."""
        from ape_livepeer_migration.bridge.transfers import bridge_out

        to = str(to or account.address)
        self.check_bridge("out", account.address, amount, to)
        withdrawal = bridge_out(self.system.bridge, account, to, amount)
        return SentTransaction(
            "l2", withdrawal.receipt.txn_hash, withdrawal.receipt.gas_used,
            {"to": to, "amount": amount, "exit_num": withdrawal.exit_num, "l2_to_l1_id": withdrawal.l2_to_l1_id},
        )

    @staticmethod
    def _require_amount(amount: int, available: int, what: str, owner: str) -> None:
        if not isinstance(amount, int) or amount <= 0:
            raise LivepeerError(f"the amount must be greater than 0, got {amount}")
        if amount > available:
            raise LivepeerError(f"{owner} has {available / 1e18:,.6f} {what}, less than {amount / 1e18:,.6f}")

    # ------------------------------------------------------------------ relaying

    def relayer(self, operator: AccountAPI | None = None, fast_forward: bool = True) -> Relayer:
        """The local relayer over this deployment, journaled next to the address book.

        ``operator`` must be the simulator's operator (default: the recorded one)."""
        from ape_livepeer_migration.relayer.core import Relayer
        from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend

        sim = self._simulator(
            "relaying",
            "there is nothing to relay: Arbitrum itself delivers each L1->L2 ticket (redeemed on L2 when its gas "
            "suffices) and makes L2->L1 messages executable after the challenge period; check an account with "
            "`ape livepeer status` (a ticket: arbitrum_live.retryable_status)",
        )
        if operator is not None and operator.address != sim.operator.address:
            raise LivepeerError(f"{operator.address} is not the simulator's operator ({sim.operator.address})")
        if operator is not None:
            sim = replace(sim, operator=operator)
        self.journal_path.parent.mkdir(parents=True, exist_ok=True)
        return Relayer.open(SimulatorBackend(sim), self.journal_path, fast_forward=fast_forward)

    def relay(self, operator: AccountAPI | None = None, fast_forward: bool = True) -> PassReport:
        """One relayer pass: deliver retryables, assert roots, execute confirmed L2 -> L1 messages."""
        relayer = self.relayer(operator, fast_forward)
        try:
            return relayer.relay_once()
        finally:
            relayer.journal.close()

    # ------------------------------------------------------------------ withdrawals

    def withdrawals(self, address: str) -> list[WithdrawalState]:
        """LPT withdrawals sent from or to ``address``, with their state (read from the chains)."""
        from ape_livepeer_migration.arbitrum import simulator as sim_api

        messages = self._l2_to_l1_messages()
        return [state for state, _ in self._withdrawal_states(messages, address, sim_api)]

    def _l2_to_l1_messages(self) -> list[Any]:
        from ape_livepeer_migration.arbitrum.simulator import fetch_l2_to_l1

        sim = self._simulator(
            "finding and finalizing withdrawals",
            "once a withdrawal's send root is confirmed (after the challenge period), execute it in Arbitrum's "
            "Outbox with ape_livepeer_migration.arbitrum.live.outbox_execution (not a command)",
        )
        return fetch_l2_to_l1(sim, sim.l2_deploy_block, self.chains.l2.block_number)

    def _withdrawal_states(self, messages: list[Any], address: str, sim_api: Any) -> list[tuple[WithdrawalState, Any]]:
        from eth_abi import decode as abi_decode
        from eth_utils import to_checksum_address

        from ape_livepeer_migration.arbitrum.messages import SendMerkleTree, function_selector

        s = self.system
        selector = function_selector("finalizeInboundTransfer(address,address,address,uint256,bytes)")
        gateways = (str(s.bridge.l2_gateway.address).lower(), str(s.bridge.l1_gateway.address).lower())
        found = []
        for message in messages:
            if (message.caller.lower(), message.destination.lower()) != gateways or message.data[:4] != selector:
                continue
            _, sender, to, amount, _ = abi_decode(["address", "address", "address", "uint256", "bytes"], message.data[4:])
            if address.lower() not in (sender.lower(), to.lower()):
                continue
            state, confirmable, proof = "no-root", None, None
            if sim_api.is_executed(s.sim, message.index):
                state = "executed"
            else:
                # the latest asserted root that covers the message (roots cover the first n messages)
                for count in range(len(messages), message.position, -1):
                    covered = messages[:count]
                    at = sim_api.confirmable_at(s.sim, SendMerkleTree.of_messages(covered).root)
                    if at:
                        confirmable = at
                        if at <= self.chains.l1.block_number:
                            state, proof = "executable", sim_api.proof_for(covered, message.index)
                        else:
                            state = "challenge-period"
                        break
            withdrawal = WithdrawalState(
                message.position, to_checksum_address(sender), to_checksum_address(to), amount, message.l2_tx_hash,
                state, confirmable,
            )
            found.append((withdrawal, (message, proof)))
        return found

    def finalize(self, account: AccountAPI) -> list[tuple[WithdrawalState, str]]:
        """Execute on L1, through the Outbox, every withdrawal from or to ``account`` whose send root is confirmed
        (``account`` pays the L1 gas; the LPT goes to the withdrawal's recipient). Returns each with its L1
        transaction. Refuses when none is executable, saying why."""
        from ape_livepeer_migration.arbitrum import simulator as sim_api

        pending = [
            (w, found) for w, found in self._withdrawal_states(self._l2_to_l1_messages(), account.address, sim_api)
            if w.state != "executed"
        ]
        executable = [(w, found) for w, found in pending if w.state == "executable"]
        if not executable:
            if not pending:
                raise LivepeerError(f"{account.address} has no withdrawal waiting to be finalized")
            reasons = {
                "challenge-period": lambda w: f"in its challenge period until L1 block {w.confirmable_at}",
                "no-root": lambda w: "not covered by a send root yet (the relayer asserts one: `ape livepeer relay`)",
            }
            raise LivepeerError(
                "nothing to finalize: " + "; ".join(f"withdrawal #{w.position} is {reasons[w.state](w)}" for w, _ in pending)
            )
        outbox = self.system.sim.outbox
        self._require_gas(
            "l1", account.address, f"finalizing {len(executable)} withdrawal(s)",
            [Call(outbox, "executeTransaction", message.execute_args(proof)) for _, (message, proof) in executable],
            fee_per_gas=sim_api.fee_kwargs(self.chains.l1)["max_fee"],
        )
        done = []
        for withdrawal, (message, proof) in executable:
            result = sim_api.execute_l2_to_l1(self.system.sim, message, proof, sender=account)
            done.append((withdrawal, result.l1_tx_hash))
        return done

    # ------------------------------------------------------------------ orchestrators on L2

    def call_reward(self, account: AccountAPI) -> RewardResult:
        """Call ``reward()`` on L2 for ``account`` (an active orchestrator), initializing the round first if needed.

        Refuses an inactive account and a second call in the same round."""
        s = self.system
        bm, rounds = s.l2_bonding_manager, s.l2_rounds
        address = account.address
        current = rounds.currentRound()
        if not bm.isActiveTranscoder(address):
            raise LivepeerError(f"{address} is not an active orchestrator on L2 in round {current}")
        if bm.getTranscoder(address).lastRewardRound == current:
            raise LivepeerError(f"{address} already called reward() in round {current}")
        calls = [Call(bm, "reward")]
        if not rounds.currentRoundInitialized():
            calls.insert(0, Call(rounds, "initializeRound"))
        self._require_gas("l2", address, " + ".join(call.name for call in calls), calls)
        initialized = False
        if not rounds.currentRoundInitialized():
            rounds.initializeRound(sender=account)
            initialized = True
        receipt = bm.reward(sender=account)
        with self.chains.l2:
            (event,) = receipt.decode_logs(bm.unwrapped.Reward)
        return RewardResult(current, event.amount, receipt.gas_used, initialized, receipt.txn_hash)

    def reward_called(self, address: str) -> bool:
        """Whether ``address`` called reward() on L2 in the current round."""
        s = self.system
        return s.l2_bonding_manager.getTranscoder(address).lastRewardRound == s.l2_rounds.currentRound()

    def reward_economics(self, address: str, gas_used: int, lpt_usd: Any, eth_usd: Any) -> Any:
        """:class:`~ape_livepeer_migration.protocol.economics.CallEconomics` of ``address``'s next L2 reward() at the
        L2's current state and gas price, for the given prices."""
        from ape_livepeer_migration.protocol import economics as econ

        s = self.system
        bm, minter = s.l2_bonding_manager, s.l2_minter
        t = bm.getTranscoder(address)
        stake = t.delegatedAmount
        network = econ.NetworkState(
            total_supply=minter.inflationSupply(),
            inflation=max(minter.inflation(), 1),
            total_active_stake=max(bm.currentRoundTotalActiveStake(), stake),
        )
        orchestrator = econ.OrchestratorPosition(
            stake=stake, self_stake=min(bm.getDelegator(address).bondedAmount, stake), reward_cut=t.rewardCut
        )
        call = econ.RewardCallCost("l2", gas_used, max(self._gas_price("l2"), 1))
        return econ.evaluate_call(network, orchestrator, econ.Prices(lpt_usd, eth_usd), call)

    def check_fee_withdrawal(
        self, address: str, amount: int | None = None, layer: str = "l2", recipient: str | None = None
    ) -> int:
        """The fees (wei) a withdrawal of ``amount`` (default: all pending) on ``layer`` to ``recipient`` (default:
        ``address``) takes; refuses none pending, an amount not above 0 or above the pending fees, too little ETH for
        the gas. Sends nothing."""
        s = self.system
        if layer not in ("l1", "l2"):
            raise LivepeerError(f"unknown layer {layer!r} (l1 or l2)")
        bm, rounds = (s.l2_bonding_manager, s.l2_rounds) if layer == "l2" else (s.l1.bonding_manager, s.l1.rounds)
        pending = bm.pendingFees(address, rounds.currentRound())
        if pending == 0:
            raise LivepeerError(f"{address} has no fees to withdraw on {layer.upper()}")
        amount = pending if amount is None else amount
        self._require_amount(amount, pending, f"ETH of pending fees on {layer.upper()}", address)
        withdrawal = Call(bm, "withdrawFees", (str(recipient or address), amount))
        self._require_gas(layer, address, "the withdrawal", [withdrawal])
        return amount

    def withdraw_fees(
        self, account: AccountAPI, amount: int | None = None, recipient: str | None = None, layer: str = "l2"
    ) -> SentTransaction:
        """Withdraw ``amount`` (default: all) of ``account``'s pending ETH fees on ``layer`` to ``recipient``."""
        amount = self.check_fee_withdrawal(account.address, amount, layer, recipient)
        s = self.system
        bm = s.l2_bonding_manager if layer == "l2" else s.l1.bonding_manager
        recipient = str(recipient or account.address)
        receipt = bm.withdrawFees(recipient, amount, sender=account)
        return SentTransaction(layer, receipt.txn_hash, receipt.gas_used, {"recipient": recipient, "amount": amount})
