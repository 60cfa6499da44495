"""The deployment of a pair: its deploy-step state machine over the address book, and the system attached from it.

A deployment is made in steps (:data:`SIMULATOR_STEPS`, :data:`ARBITRUM_STEPS`, :data:`FORK_STEPS`), each recorded
in the address book as it finishes, so that a re-run continues where an earlier one stopped and a step that started
and never finished is not run twice by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.accounts import resolve_account
from ape_livepeer_migration.exceptions import (
    AddressBookError,
    ArbitrumNotFoundError,
    InterruptedDeployError,
    LivepeerError,
    NoSimulatorError,
    NotDeployedError,
    SimulatorPresentError,
)
from ape_livepeer_migration.session.addressbook import AddressBook

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.chains.networks import ArbitrumContracts
    from ape_livepeer_migration.chains.pair import Chain, TwoChains
    from ape_livepeer_migration.protocol.deploy import Inflation


SIMULATOR = "simulator"
#: The book entry of the real Arbitrum contracts a system is wired to (recorded after ``check_arbitrum``; sends
#: nothing).
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
#: The book entry of the first block of each layer that holds a contract of the system (``{"l1": n, "l2": m}``):
#: where scans of the system's logs start. Written with the system, or found on the chains the first time a scan needs
#: it (:meth:`Deployment.start_blocks`).
SYSTEM_BLOCKS = "system_blocks"


def missing_contract(chains: TwoChains, carrier: Mapping[str, Any], addresses: Mapping[str, str]) -> str | None:
    """``"<name> at <address>, but the <layer> (chain <id>) has no contract there"`` for the first recorded
    contract the chains lack (the simulator's or real Arbitrum's Inbox, Bridge and Outbox, then the system),
    ``None`` when every one has code."""
    from ape_livepeer_migration.bridge.system import recorded_contracts

    recorded = [
        (carrier, {"inbox": "l1", "bridge": "l1", "outbox": "l1"}),
        (addresses, {name: layer for name, (layer, _) in recorded_contracts(addresses).items()}),
    ]
    wanted = [(name, layer, entry[name]) for entry, layers in recorded for name, layer in layers.items()]
    codes = {
        layer: iter(getattr(chains, layer).codes([address for _, on, address in wanted if on == layer]))
        for layer in ("l1", "l2")
    }
    for name, layer, address in wanted:  # all asked at once (one request a layer), reported in order
        if not next(codes[layer]):
            chain = getattr(chains, layer)
            return f"{name} at {address}, but the {layer.upper()} (chain {chain.chain_id}) has no contract there"
    return None


def first_block_with_code(chain: Chain, addresses: list[str]) -> int | None:
    """The first block of ``chain`` in which one of ``addresses`` holds code, found by bisection over the blocks up to
    the head (code stays once deployed): one JSON-RPC batch per step, about 25 steps on a mainnet-sized chain.

    A probe can land on a block whose state the node does not keep: one of a local anvil's skipped blocks
    (:meth:`~ape_livepeer_migration.chains.provider.LocalAnvilProvider.mine` moves its head over them: they have no
    block, and the block mined just before them can lose its state too), which the search steps over
    (:func:`_over_skipped`), or a block older than a pruned node keeps. ``None`` when a probe lands on such an old
    block (the node keeps no state that old: no archive, or anvil's pruned history)."""
    low, high = 0, chain.block_number  # the deployment block is in [low, high]
    while low < high:
        middle = (low + high) // 2
        (held,) = _code_held(chain, addresses, [middle])
        if held is None:
            bounds = _over_skipped(chain, addresses, middle, high)
            if bounds is None:
                return None
            low, high = max(low, bounds[0]), min(high, bounds[1])
        elif held:
            high = middle
        else:
            low = middle + 1
    return low


def _over_skipped(chain: Chain, addresses: list[str], middle: int, high: int) -> tuple[int, int] | None:
    """Where the deployment block is (``(low, high)``, both included) when the node keeps no state for block
    ``middle``; ``None`` when the node cannot tell (``middle`` is a block of its own, older than the node keeps).

    A skipped block has no block. The search moves up to the first block that answers after it (``end``): the
    blocks 1, 2, 4, ... above ``middle`` in one batch, then a bisection between the last that does not answer and
    the first that does. A skip changes no state, so the blocks from the one mined just before it (``start``, the
    block after ``end``'s parent) up to ``end`` hold ``end``'s code, and the block before ``start`` tells whether
    the code came in ``start``."""
    from ape_livepeer_migration._eth import rpc_int

    if chain.request("eth_getBlockByNumber", [hex(middle), False]) is not None:
        return None
    probes = [middle + (1 << exponent) for exponent in range((high - middle).bit_length())]
    probes = [probe for probe in probes if probe < high] + [high]
    answers = _code_held(chain, addresses[:1], probes)  # whether the node answers: one address is enough
    answered = next((i for i, code in enumerate(answers) if code is not None), None)
    if answered is None:
        return None
    unanswered, end = [middle, *probes][answered], probes[answered]
    while end - unanswered > 1:  # the first block that answers after one that does not
        probe = (unanswered + end) // 2
        if _code_held(chain, addresses[:1], [probe]) == [None]:
            unanswered = probe
        else:
            end = probe
    (code_at_end,) = _code_held(chain, addresses, [end])
    if not code_at_end:
        return None if code_at_end is None else (end + 1, high)
    parent_hash = chain.request("eth_getBlockByNumber", [hex(end), False])["parentHash"]
    parent = chain.request("eth_getBlockByHash", [parent_hash, False])
    start = 0 if parent is None else rpc_int(parent["number"]) + 1
    (before,) = _code_held(chain, addresses, [start - 1]) if start > 0 else (False,)
    if before is None:
        return None
    return (start, start) if not before else (0, start - 1)


def _code_held(chain: Chain, addresses: list[str], blocks: list[int]) -> list[bool | None]:
    """For each of ``blocks``, whether one of ``addresses`` holds code there; ``None`` where the node keeps no state
    for that block (all asked in one batch)."""
    answers = iter(chain.batch_answers([("eth_getCode", [a, hex(block)]) for block in blocks for a in addresses]))
    held: list[bool | None] = []
    for _ in blocks:
        codes = [next(answers) for _ in addresses]
        held.append(None if None in codes else any(code not in ("0x", "") for code in codes))
    return held


class Deployment:
    """The deployment an address book records on a pair's chains: made, taken over from upstream, or forgotten."""

    def __init__(self, chains: TwoChains, book: AddressBook, journal_path: Path):
        self.chains = chains
        self.book = book
        self.journal_path = journal_path
        self._system: System | None = None

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
    def inflation(self) -> Inflation:
        """How the recorded system mints its rewards: its mode and, with L1 minting, the L2 rounds per L1 round (read
        from the L2 Minter). Raises :class:`NotDeployedError` as :attr:`system` does."""
        from ape_livepeer_migration.protocol.deploy import Inflation

        system = self.system
        if system.inflation == "l2":
            return Inflation()
        return Inflation("l1", system.l2_minter.roundsPerL1Round())

    @property
    def system(self) -> System:
        """The deployed system (attached from the address book on first use).

        Raises :class:`NotDeployedError` when the book has no deployment or the chains do not hold it.
        """
        if self._system is None:
            self._system = self._attach()
        return self._system

    def start_blocks(self) -> dict[str, int]:
        """The first block of each layer (``"l1"``, ``"l2"``) that holds a contract of the system, where scans of its
        logs start: as the address book records it, else found on the chains and recorded (a book written before it
        recorded them, or taken over from one that did not); 0 where a node keeps no state that old to find it."""
        recorded = self.book.get(SYSTEM_BLOCKS)
        if recorded is not None:
            return recorded
        addresses = self.system.addresses
        found = {
            chain.layer: first_block_with_code(chain, [a for role, a in addresses.items() if role[:2] == chain.layer])
            for chain in self.chains.layers
        }
        blocks = {layer: block or 0 for layer, block in found.items()}
        if None not in found.values():  # a node without the old state: scans start at the genesis, nothing recorded
            self.book.record(SYSTEM_BLOCKS, blocks)
        return blocks

    @staticmethod
    def _signer(address: str, role: str = "the simulator's operator") -> AccountAPI:
        """The account a deployment records as ``role``, which must be one Ape can sign with."""
        try:
            return resolve_account(address)
        except LivepeerError as err:
            raise LivepeerError(f"{role} {address} is not an account Ape can sign with") from err

    def _attach(self) -> System:
        from ape_livepeer_migration.arbitrum.simulator import attach_simulator
        from ape_livepeer_migration.bridge.system import System
        from ape_livepeer_migration.chains.networks import ArbitrumContracts

        carrier_step = self.deploy_steps[0]
        carrier, addresses = self.book.get(carrier_step), self.book.get(SYSTEM)
        if carrier is None or addresses is None:
            raise NotDeployedError(
                f"no Livepeer system is deployed on the {self.chains.pair.name} pair "
                f"(L1 {self.chains.l1.chain_id} / L2 {self.chains.l2.chain_id}) according to {self.book.path}; "
                "run `ape livepeer deploy`"
            )
        delivery = self.book.get(DELIVERY)
        missing = missing_contract(self.chains, carrier, addresses)
        if not missing and delivery is not None and not self.chains.l2.get_code(delivery["arb_retryable_tx"]):
            missing = f"the fork's ticket delivery at {delivery['arb_retryable_tx']}, but the L2 has no contract there"
        if missing:
            raise NotDeployedError(
                f"the address book {self.book.path} records {missing}: the chains were reset; "
                "deploy again with `ape livepeer deploy --fresh`"
            )
        sim = None
        if carrier_step == SIMULATOR:
            sim = attach_simulator(self.chains, self._signer(carrier["operator"]), carrier)
        elif delivery is not None:
            sim = self._recorded_delivery(ArbitrumContracts(**carrier))
        return System.at(self.chains, sim, carrier["inbox"], addresses)

    def _simulator_on_chain(self) -> bool:
        """Whether the simulator the book records is on the chains (its L1 contracts and L2 precompiles)."""
        from ape_livepeer_migration.arbitrum.messages import ARB_RETRYABLE_TX_ADDRESS, ARB_SYS_ADDRESS

        entry = self.book.get(SIMULATOR)
        if entry is None:
            return False
        l1 = all(self.chains.l1.get_code(entry[name]) for name in ("bridge", "inbox", "outbox"))
        return l1 and all(self.chains.l2.get_code(address) for address in (ARB_SYS_ADDRESS, ARB_RETRYABLE_TX_ADDRESS))

    def simulator(self, what: str, instead: str) -> Any:
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

    def check_options(
        self,
        *,
        operator: bool = False,
        params: Mapping[str, int] | None = None,
        inflation: str = "l2",
        rounds_per_l1_round: int | None = None,
        redo_interrupted: bool = False,
    ) -> tuple[dict[str, int], Inflation]:
        """The protocol parameters and the inflation mode of a deployment with these options (see :meth:`deploy`),
        checked as :meth:`deploy` checks them before it sends anything: unknown parameters, an operator (``operator``:
        one is given) for a system with no simulator, and a step an earlier run left unfinished (unless
        ``redo_interrupted``) are refused with a :class:`LivepeerError`."""
        from ape_livepeer_migration.protocol.deploy import DEFAULT_PARAMS, inflation_mode

        params = dict(params or {})
        unknown = set(params) - set(DEFAULT_PARAMS)
        if unknown:
            raise LivepeerError(f"unknown protocol parameters: {', '.join(sorted(unknown))}")
        monetary = inflation_mode(inflation, rounds_per_l1_round)
        if self.deploy_steps == ARBITRUM_STEPS and operator:
            raise LivepeerError(
                f"the {self.chains.pair.name} pair's system is wired to Arbitrum's real contracts, which deliver its "
                "messages: it has no simulator, so no operator"
            )
        for step in self.deploy_steps:
            note = self.book.interrupted(step)
            if note is not None and not redo_interrupted:
                raise InterruptedDeployError(
                    f"the deploy step '{step}' started earlier (nonces {note}) and never finished; its contracts may "
                    "exist without being recorded: check, then re-run with --redo-interrupted (or deploy --fresh)"
                )
        return params, monetary

    def recorded_steps(self, fresh: bool = False) -> set[str]:
        """The deploy steps the book records as finished (a deployment skips them); with ``fresh``, those it would
        still record after :meth:`forget_deployment` (the simulator while the chains hold it)."""
        if fresh:
            return {SIMULATOR} if SIMULATOR in self.deploy_steps and self._simulator_on_chain() else set()
        return {step for step in self.deploy_steps if step in self.book}

    def checked_arbitrum(self) -> ArbitrumContracts:
        """The real Arbitrum contracts to wire the system to (the recorded ones, else the pair's), checked on the
        chains now. Sends and records nothing; refuses chains that do not hold them."""
        from ape_livepeer_migration.bridge.system import check_arbitrum
        from ape_livepeer_migration.chains.networks import ArbitrumContracts

        recorded = self.book.get(ARBITRUM)
        arbitrum = ArbitrumContracts(**recorded) if recorded is not None else self.chains.pair.arbitrum
        if arbitrum is None:
            raise LivepeerError(f"the {self.chains.pair.name} pair names no Arbitrum contracts to wire the system to")
        try:
            check_arbitrum(self.chains, arbitrum)
        except ArbitrumNotFoundError as err:
            raise LivepeerError(f"cannot deploy on the {self.chains.pair.name} pair: {err}") from err
        return arbitrum

    def deploy(
        self,
        deployer: AccountAPI,
        *,
        operator: AccountAPI | None = None,
        genesis: Mapping[str, int] | None = None,
        params: Mapping[str, int] | None = None,
        inflation: str = "l2",
        rounds_per_l1_round: int | None = None,
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
        ``redo_interrupted``. ``params`` override the protocol parameters on both layers. ``inflation`` (``"l2"`` or
        ``"l1"``) and ``rounds_per_l1_round`` choose where rewards are minted (checked first by
        :func:`~ape_livepeer_migration.protocol.deploy.inflation_mode`; see
        :func:`~ape_livepeer_migration.bridge.system.deploy_system`); the book records the mode with the addresses.
        With L1 minting, ``operator`` (default ``deployer``) is the L2 stake oracle's reporter: on the local and fork
        pairs the relayer reports as it. ``on_step(step, state)`` is called with state ``"skipped"``, ``"started"``
        or ``"done"``.
        """
        from ape_livepeer_migration.bridge.system import deploy_system

        report = on_step or (lambda step, state: None)
        params, monetary = self.check_options(
            operator=operator is not None,
            params=params,
            inflation=inflation,
            rounds_per_l1_round=rounds_per_l1_round,
            redo_interrupted=redo_interrupted,
        )
        steps = self.deploy_steps
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
        # the system's contracts are in the blocks mined from here on
        blocks = {chain.layer: chain.block_number + 1 for chain in self.chains.layers}
        with self._step(SYSTEM, deployer):
            mode: dict[str, Any] = {"inflation": monetary.mode}
            if monetary.mode == "l1":
                mode.update(
                    rounds_per_l1_round=monetary.rounds_per_l1_round, stake_reporter=(operator or deployer).address
                )
            system = deploy_system(
                self.chains, deployer, genesis=genesis, l1_params=params, l2_params=params, **mode, **carrier
            )
        self.book.record(SYSTEM, system.book_entry)
        self.book.record(SYSTEM_BLOCKS, blocks)
        report(SYSTEM, "done")
        self._system = system if delivery is None else replace(system, sim=delivery)
        return self._system

    def _simulator_step(self, operator: AccountAPI, report: Callable[[str, str], None]) -> Any:
        """The simulator the book records, else a new one deployed by ``operator`` (journaled)."""
        from ape_livepeer_migration.arbitrum import simulator as sim_api

        recorded = self.book.get(SIMULATOR)
        if recorded is not None:
            report(SIMULATOR, "skipped")
            return sim_api.attach_simulator(self.chains, self._signer(recorded["operator"]), recorded)
        report(SIMULATOR, "started")
        try:
            with self._step(SIMULATOR, operator):
                sim = sim_api.deploy_simulator(self.chains, operator)
        except SimulatorPresentError as err:  # refused before sending anything: nothing is marked
            raise LivepeerError(
                f"{err}; {self.book.path} does not record it: deploy with the address book that does "
                "(--address-book), or restart `ape livepeer chains` for empty chains"
            ) from err
        self.book.record(SIMULATOR, sim_api.simulator_deployment(sim))
        report(SIMULATOR, "done")
        return sim

    def _delivery_step(
        self, operator: AccountAPI, arbitrum: ArbitrumContracts, report: Callable[[str, str], None]
    ) -> Any:
        """The fork's ticket delivery the book records, else a new one run by ``operator`` (journaled)."""
        from ape_livepeer_migration.arbitrum import simulator as sim_api

        if DELIVERY in self.book:
            report(DELIVERY, "skipped")
            return self._recorded_delivery(arbitrum)
        report(DELIVERY, "started")
        with self._step(DELIVERY, operator):
            delivery = sim_api.deploy_fork_delivery(self.chains, operator, arbitrum)
        self.book.record(DELIVERY, sim_api.simulator_deployment(delivery))
        report(DELIVERY, "done")
        return delivery

    def _recorded_delivery(self, arbitrum: ArbitrumContracts) -> Any:
        """The fork delivery the book records, attached with its recorded operator."""
        from ape_livepeer_migration.arbitrum.simulator import attach_fork_delivery

        recorded = self.book.get(DELIVERY)
        operator = self._signer(recorded["operator"], "the fork delivery's operator")
        return attach_fork_delivery(self.chains, operator, arbitrum, recorded)

    def _arbitrum_step(self, report: Callable[[str, str], None]) -> ArbitrumContracts:
        """The real Arbitrum contracts to wire the system to (the recorded ones, else the pair's), checked on the
        chains now; recorded when new. Sends nothing; refuses chains that do not hold them."""
        from ape_livepeer_migration.chains.networks import contract_addresses

        arbitrum = self.checked_arbitrum()
        if ARBITRUM in self.book:
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
            raise NotDeployedError(
                f"the address book {path} does not record the deploy step {', '.join(unfinished)} as finished"
            )
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
        missing = missing_contract(self.chains, source.get(upstream_steps[0]), source.get(SYSTEM))
        if missing:
            raise NotDeployedError(
                f"these chains do not hold the deployment that {path} records (forked before it was deployed, or "
                f"from other nodes): it records {missing}"
            )
        for step in upstream_steps:
            self.book.record(step, source.get(step))
        if SYSTEM_BLOCKS in source:
            self.book.record(SYSTEM_BLOCKS, source.get(SYSTEM_BLOCKS))
        self._system = None
        return self.system

    def forget_deployment(self) -> Path | None:
        """Drop the system from the address book (its contracts stay on chain), so that :meth:`deploy` makes a new
        one; returns where the book as it was is kept (``None``: it recorded nothing).

        Before anything is dropped, the whole book is copied to ``<book>.replaced-<unix time>``: the record of the
        old deployment survives whatever happens to the new one (Ctrl-C in the middle included), and copying it back
        returns to the old system. The simulator is kept while the chains still hold it: a second one cannot be
        planted on the same L2 (see :func:`~ape_livepeer_migration.arbitrum.simulator.deploy_simulator`), and the
        relayer's journal, which follows the simulator's messages, stays too. When the chains no longer hold it
        (they were restarted), the simulator is dropped as well and the journal moved aside
        (``<journal>.replaced-<unix time>``)."""
        import time

        journal = [self.journal_path, *(Path(f"{self.journal_path}{end}") for end in ("-wal", "-shm"))]
        stamp = int(time.time())
        while any(Path(f"{path}.replaced-{stamp}").exists() for path in (self.book.path, *journal)):
            stamp += 1  # an earlier replacement in the same second keeps its copy
        suffix = f".replaced-{stamp}"
        recorded = any(step in self.book or self.book.interrupted(step) is not None for step in ALL_STEPS)
        kept = self.book.copy_to(Path(f"{self.book.path}{suffix}")) if recorded else None
        for step in (ARBITRUM, DELIVERY, SYSTEM, SYSTEM_BLOCKS):
            self.book.forget(step)
        self._system = None
        if self._simulator_on_chain():
            return kept
        self.book.forget(SIMULATOR)
        for path in journal:
            if path.exists():
                path.rename(f"{path}{suffix}")
        return kept
