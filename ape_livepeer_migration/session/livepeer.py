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

This class is the facade: the work is done in the modules of :mod:`ape_livepeer_migration.session` (deployment,
preflight checks, status reads, migration planning, bridging, withdrawals, rewards), whose results and their JSON
views are in :mod:`~ape_livepeer_migration.session.results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session import bridging, deploy_plan, messages, migration, minting, rewards, staking
from ape_livepeer_migration.session import status as reads  # the module; Livepeer.status is a method
from ape_livepeer_migration.session import withdrawals as outbound  # the module; Livepeer.withdrawals is a method
from ape_livepeer_migration.session.addressbook import AddressBook, default_path
from ape_livepeer_migration.session.deployment import (
    ALL_STEPS,
    ARBITRUM,
    ARBITRUM_STEPS,
    DELIVERY,
    FORK_STEPS,
    SIMULATOR,
    SIMULATOR_STEPS,
    SYSTEM,
    Deployment,
)
from ape_livepeer_migration.session.preflight import Call, Preflight
from ape_livepeer_migration.session.results import (
    AccountStatus,
    CrossChainMessage,
    DeployPlan,
    FeeWithdrawal,
    Finalized,
    LayerStake,
    MigrationPlan,
    MintingComparison,
    MintingStatus,
    Orchestrators,
    PendingMessage,
    Preview,
    Profitability,
    RelayPreview,
    RewardResult,
    RewardSkipped,
    SentTransaction,
    StakingPlan,
    StakingSent,
    SystemStatus,
    WithdrawalState,
)
from ape_livepeer_migration.session.transactions import TxOptions

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.protocol.deploy import Inflation
    from ape_livepeer_migration.protocol.economics import CallEconomics
    from ape_livepeer_migration.relayer.core import PassReport, Relayer

__all__ = [
    "ALL_STEPS",
    "ARBITRUM",
    "ARBITRUM_STEPS",
    "DELIVERY",
    "FORK_STEPS",
    "SIMULATOR",
    "SIMULATOR_STEPS",
    "SYSTEM",
    "AccountStatus",
    "Call",
    "CrossChainMessage",
    "DeployPlan",
    "FeeWithdrawal",
    "Finalized",
    "LayerStake",
    "Livepeer",
    "MigrationPlan",
    "MintingStatus",
    "PendingMessage",
    "Preview",
    "Profitability",
    "RelayPreview",
    "RewardResult",
    "RewardSkipped",
    "SentTransaction",
    "StakingPlan",
    "StakingSent",
    "SystemStatus",
    "TxOptions",
    "WithdrawalState",
]


class Livepeer:
    """Both chains of a pair and the deployment its address book records."""

    def __init__(self, chains: TwoChains, book: AddressBook, journal_path: Path | None = None):
        self.chains = chains
        self.book = book
        self.journal_path = journal_path or book.path.with_suffix(".relay.db")
        self.deployment = Deployment(chains, book, self.journal_path)
        self.preflight = Preflight(chains)

    @property
    def tx_options(self) -> TxOptions:
        """The gas controls (max fee, priority fee, gas limit, nonce) of every transaction an operation of this
        session sends, and of its checks and cost estimates; none by default (Ape chooses)."""
        return self.preflight.tx_options

    @tx_options.setter
    def tx_options(self, options: TxOptions) -> None:
        self.preflight.tx_options = options

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
        """The steps of this book's deployment (see :attr:`Deployment.deploy_steps`)."""
        return self.deployment.deploy_steps

    @property
    def is_deployed(self) -> bool:
        return self.deployment.is_deployed

    @property
    def system(self) -> System:
        """The deployed system (attached from the address book on first use).

        Raises :class:`NotDeployedError` when the book has no deployment or the chains do not hold it.
        """
        return self.deployment.system

    @property
    def inflation(self) -> Inflation:
        """How the recorded system mints its rewards (see :attr:`Deployment.inflation`)."""
        return self.deployment.inflation

    def deploy(self, deployer: AccountAPI, *, operator: AccountAPI | None = None, **options: Any) -> System:
        """Deploy the whole system, recording each step in the address book as it finishes; ``options`` are
        :meth:`Deployment.deploy`'s (``genesis``, ``params``, ``inflation``, ``rounds_per_l1_round``, ``on_step``,
        ``redo_interrupted``).

        Every transaction, the deployer's and the operator's, carries :attr:`tx_options`; a nonce is refused (see
        :meth:`TxOptions.without_nonce`). With a gas limit, the deployment is first rehearsed (:meth:`plan_deploy`)
        and a limit below the gas of its largest transaction on a layer, or above that layer's block gas limit, is
        refused before anything is sent."""
        options_of = self.tx_options.without_nonce("deploy")
        if options_of.gas_limit is not None and not self.is_deployed:
            checked = {key: value for key, value in options.items() if key != "on_step"}
            planned = self.plan_deploy(deployer.address, operator=operator is not None, **checked)
            for layer in planned.layers:
                if layer.transactions:
                    self.preflight.require_gas_limit(layer.layer, layer.largest)
        return self.deployment.deploy(
            options_of.signing(deployer),
            operator=None if operator is None else options_of.signing(operator),
            **options,
        )

    def plan_deploy(self, deployer: str, **options: Any) -> DeployPlan:
        """What :meth:`deploy` would send from ``deployer`` (``deploy --dry-run``): each step's state and, per
        layer, the contracts, transactions, gas and cost of a rehearsal on scratch chains (see
        :func:`~ape_livepeer_migration.session.deploy_plan.plan`, whose ``options`` these are: ``operator`` (one is
        given), ``genesis``, ``params``, ``inflation``, ``rounds_per_l1_round``, ``redo_interrupted``, ``fresh``).
        Refused as :meth:`deploy` would refuse the same options; sends nothing, writes nothing."""
        self.tx_options.without_nonce("deploy")
        return deploy_plan.plan(self.deployment, self.preflight, deployer, **options)

    def adopt(self, upstream_book: str | Path) -> System:
        """Record in this pair's book the deployment that ``upstream_book`` records, and attach to it (see
        :meth:`Deployment.adopt`)."""
        return self.deployment.adopt(upstream_book)

    def forget_deployment(self) -> Path | None:
        """Drop the system from the address book; returns where the book as it was is kept (see
        :meth:`Deployment.forget_deployment`)."""
        return self.deployment.forget_deployment()

    # ------------------------------------------------------------------ reading

    def pending_messages(self) -> list[PendingMessage]:
        """Cross-chain messages the local relayer's journal holds that are not final yet."""
        return reads.pending_messages(self.journal_path)

    def current_round(self, layer: str = "l2") -> int:
        """The current round of ``layer`` ("l1" or "l2")."""
        return reads.current_round(self.system, layer)

    def status(self, address: str) -> AccountStatus:
        """Round, stake, delegate, pending rewards and fees, unbonding locks and orchestrator terms on both layers;
        balances; the account's cross-chain messages in flight (read from the chains)."""
        return reads.account_status(self.deployment, address)

    def system_status(self) -> SystemStatus:
        """Both layers at a glance: rounds, supplies, inflation and reward LPT of the round, the L1 escrow, the active
        sets, the L1 supply report's age on L2, and every cross-chain message in flight."""
        return reads.system_status(self.deployment)

    def messages(self, address: str | None = None, *, final: bool = False) -> list[CrossChainMessage]:
        """The cross-chain messages of ``address`` (``None``: everyone's) in flight, read from the chains; with
        ``final``, also the delivered, executed and expired ones (see :mod:`~ape_livepeer_migration.session.messages`
        for the states)."""
        read = messages.all_messages if final else messages.account_messages
        return read(self.deployment, address)

    def estimate_gas(self, layer: str, address: str, calls: Sequence[Call]) -> int:
        """Gas of sending ``calls`` from ``address`` on ``layer`` (see :meth:`Preflight.estimate_gas`)."""
        return self.preflight.estimate_gas(layer, address, calls)

    def minting(self) -> MintingStatus:
        """Where the system mints its rewards; with L1 minting, the L2 stake report's age and what the current L2
        round hands out (see :func:`~ape_livepeer_migration.session.minting.minting_status`)."""
        return minting.minting_status(self.deployment)

    def check_stake_report(self, address: str) -> Preview:
        """What a report of the L2 staked supply to L1 by ``address`` would send (the reading in its details);
        refuses one that cannot succeed. Sends nothing."""
        return minting.check_stake_report(self.deployment, self.preflight, address)

    def report_stake(self, account: AccountAPI, preview: Preview) -> SentTransaction:
        """Send ``account``'s report of the L2 staked supply to the L1 stake oracle (L1 minting): the reading of
        ``preview``, from :meth:`check_stake_report`."""
        return minting.report_stake(preview, self.tx_options.signing(account))

    def check_gas_funding(self, address: str, amount: int) -> Preview:
        """What adding ``amount`` wei of ``address`` to the L1 Minter's gas budget would send (L1 minting); refuses
        one that cannot succeed. Sends nothing."""
        return minting.check_gas_funding(self.deployment, self.preflight, address, amount)

    def fund_minting_gas(self, account: AccountAPI, amount: int) -> SentTransaction:
        """Add ``amount`` wei of ``account`` to the L1 Minter's gas budget, which pays each L1 round mint's
        retryable (L1 minting)."""
        return minting.fund_minting_gas(self.deployment, self.preflight, self.tx_options.signing(account), amount)

    # ------------------------------------------------------------------ staking on either layer

    def orchestrators(self, layer: str = "l2") -> Orchestrators:
        """The registered orchestrators of ``layer``, active or candidates, by decreasing stake."""
        return staking.orchestrators(self.deployment, layer)

    def plan_staking(self, layer: str, address: str, operation: str, **inputs: Any) -> StakingPlan:
        """What staking ``operation`` ("bond", "unbond", "rebond", "withdraw-stake", "claim-earnings",
        "transcoder") by ``address`` on ``layer`` would send and cost, after checking it can succeed; sends nothing
        (see :func:`~ape_livepeer_migration.session.staking.plan` for the ``inputs``)."""
        return staking.plan(self.deployment, self.preflight, layer, address, operation, **inputs)

    def send_staking(self, account: AccountAPI, plan: StakingPlan) -> StakingSent:
        """Send the transactions of ``account``'s staking ``plan`` (from :meth:`plan_staking`)."""
        return staking.send(plan, self.tx_options.signing(account))

    def bond(self, account: AccountAPI, amount: int, to: str, layer: str = "l2") -> tuple[StakingPlan, StakingSent]:
        """Bond ``amount`` LPT wei of ``account`` to orchestrator ``to`` (itself, to register) on ``layer``,
        approving the BondingManager first if needed; 0 moves the existing stake to ``to``."""
        return self._stake(account, layer, "bond", amount=amount, to=to)

    def unbond(self, account: AccountAPI, amount: int, layer: str = "l2") -> tuple[StakingPlan, StakingSent]:
        """Move ``amount`` LPT wei of ``account``'s stake on ``layer`` into a new unbonding lock."""
        return self._stake(account, layer, "unbond", amount=amount)

    def rebond(
        self, account: AccountAPI, lock: int | None = None, to: str | None = None, layer: str = "l2"
    ) -> tuple[StakingPlan, StakingSent]:
        """Return unbonding lock ``lock`` (default: the only one) to ``account``'s stake on ``layer``; ``to`` is the
        orchestrator when the account has no bonded stake left."""
        return self._stake(account, layer, "rebond", lock=lock, to=to)

    def withdraw_stake(
        self, account: AccountAPI, lock: int | None = None, layer: str = "l2"
    ) -> tuple[StakingPlan, StakingSent]:
        """Withdraw the LPT of ``account``'s unbonding lock ``lock`` (default: the only one) once it is due."""
        return self._stake(account, layer, "withdraw-stake", lock=lock)

    def claim_earnings(self, account: AccountAPI, layer: str = "l2") -> tuple[StakingPlan, StakingSent]:
        """Add ``account``'s pending rewards to its stake and its pending fees to its withdrawable fees."""
        return self._stake(account, layer, "claim-earnings")

    def set_transcoder(
        self, account: AccountAPI, reward_cut: int, fee_share: int, layer: str = "l2"
    ) -> tuple[StakingPlan, StakingSent]:
        """Set the reward cut and fee share (parts per million) of ``account``, a self-bonded orchestrator."""
        return self._stake(account, layer, "transcoder", reward_cut=reward_cut, fee_share=fee_share)

    def _stake(self, account: AccountAPI, layer: str, operation: str, **inputs: Any) -> tuple[StakingPlan, StakingSent]:
        plan = self.plan_staking(layer, account.address, operation, **inputs)
        return plan, self.send_staking(account, plan)

    # ------------------------------------------------------------------ migration

    def l2_orchestrator_for(self, address: str) -> str | None:
        """The L2 orchestrator a migration of ``address`` goes to by default: its L1 delegate when that one is a
        registered orchestrator on L2 (an L1 orchestrator migrates to itself), else ``None``."""
        return migration.l2_orchestrator_for(self.system, address)

    def check_migratable(self, address: str, lock_ids: Sequence[int] = ()) -> None:
        """Refuse a migration of ``address`` that has nothing to migrate (see
        :func:`~ape_livepeer_migration.session.migration.check_migratable`)."""
        migration.check_migratable(self.system, address, lock_ids)

    def migration_orchestrator(
        self, address: str, to_orchestrator: str | None = None, lock_ids: Sequence[int] = ()
    ) -> str | None:
        """The L2 orchestrator a migration stakes with; ``None`` when one must be chosen (see
        :func:`~ape_livepeer_migration.session.migration.migration_orchestrator`)."""
        return migration.migration_orchestrator(self.system, address, to_orchestrator, lock_ids)

    def plan_migration(
        self, address: str, to_orchestrator: str | None = None, lock_ids: Sequence[int] = ()
    ) -> MigrationPlan:
        """What migrating ``address``'s stake (or its unbonding locks ``lock_ids``) would send and cost; sends
        nothing (see :func:`~ape_livepeer_migration.session.migration.plan_migration`)."""
        return migration.plan_migration(self.deployment, self.preflight, address, to_orchestrator, lock_ids)

    def migrate(
        self, account: AccountAPI, to_orchestrator: str | None = None, lock_ids: Sequence[int] = ()
    ) -> tuple[MigrationPlan, Any]:
        """Migrate ``account``'s L1 stake (or its locks ``lock_ids``) in one L1 transaction, after
        :meth:`plan_migration`'s checks. Returns the plan and the
        :class:`~ape_livepeer_migration.bridge.migration.MigrationSent`."""
        return migration.migrate(
            self.deployment, self.preflight, self.tx_options.signing(account), to_orchestrator, lock_ids
        )

    # ------------------------------------------------------------------ bridge and relaying

    def check_bridge(self, direction: str, address: str, amount: int, to: str | None = None) -> Preview:
        """What a bridge ``direction`` ("in" or "out") of ``amount`` would send; refuses one that cannot succeed;
        sends nothing (see
        :func:`~ape_livepeer_migration.session.bridging.check_bridge`)."""
        return bridging.check_bridge(self.deployment, self.preflight, direction, address, amount, to)

    def bridge_in(self, account: AccountAPI, amount: int, to: str | None = None) -> SentTransaction:
        """Deposit ``amount`` L1 LPT of ``account`` for ``to`` (default: itself) on L2; approves the gateway if
        needed."""
        return bridging.bridge_in(self.deployment, self.preflight, self.tx_options.signing(account), amount, to)

    def bridge_out(self, account: AccountAPI, amount: int, to: str | None = None) -> SentTransaction:
        """Withdraw ``amount`` L2 LPT of ``account`` to ``to`` (default: itself) on L1; approves the gateway if needed.

        The L1 side pays out once the message is executed in the Outbox (``relay`` does so locally)."""
        return bridging.bridge_out(self.deployment, self.preflight, self.tx_options.signing(account), amount, to)

    def next_step(self, direction: str) -> str:
        """What moves a message just sent ``"in"`` (L1 -> L2) or ``"out"`` (L2 -> L1) on, in one sentence."""
        return bridging.next_step(self.deployment, direction)

    def relayer(self, operator: AccountAPI | None = None, fast_forward: bool = True) -> Relayer:
        """The local relayer over this deployment, journaled next to the address book.

        ``operator`` must be the simulator's operator (default: the recorded one). Its transactions carry
        :attr:`tx_options`; a nonce is refused (a pass sends on both layers: see :meth:`TxOptions.without_nonce`)."""
        return bridging.relayer(self.deployment, operator, fast_forward, self.tx_options.without_nonce("relay"))

    def relay_preview(self, operator: AccountAPI | None = None) -> RelayPreview:
        """What one relayer pass would move on now (see
        :func:`~ape_livepeer_migration.session.bridging.relay_preview`); sends nothing."""
        relayer = self.relayer(operator)
        try:
            return bridging.relay_preview(relayer)
        finally:
            relayer.journal.close()

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
        return outbound.withdrawals(self.deployment, address)

    def check_finalize(self, address: str) -> Preview:
        """What :meth:`finalize` would send for ``address``; refuses when no withdrawal is executable, saying why.
        Sends nothing."""
        return outbound.check_finalize(self.deployment, self.preflight, address)

    def finalize(self, account: AccountAPI) -> list[Finalized]:
        """Execute on L1 every withdrawal from or to ``account`` whose send root is confirmed; each comes back with
        its L1 transaction (see :func:`~ape_livepeer_migration.session.withdrawals.finalize`)."""
        return outbound.finalize(self.deployment, self.preflight, self.tx_options.signing(account))

    # ------------------------------------------------------------------ orchestrators on L2

    def check_reward(self, address: str) -> Preview:
        """What a ``reward()`` call of ``address`` on L2 would send, in the current L2 round (``details["round"]``);
        refuses one that cannot succeed. Sends nothing."""
        return rewards.check_reward(self.deployment, self.preflight, address)

    def call_reward(self, account: AccountAPI) -> RewardResult:
        """Call ``reward()`` on L2 for ``account`` (an active orchestrator): one transaction, which also initializes
        the round when nobody has; the result reports the round rewarded and whether the call initialized it.

        Refuses an inactive account and a second call in the same round."""
        return rewards.call_reward(self.deployment, self.preflight, self.tx_options.signing(account))

    def call_reward_if_profitable(
        self, account: AccountAPI, gas_used: int | None = None, lpt_usd: Any = None, eth_usd: Any = None
    ) -> RewardResult | RewardSkipped:
        """:meth:`call_reward`, unless the orchestrator's share of what it mints is worth less than its fee: the call's
        gas estimated unless ``gas_used`` is given, the reference prices for those not given."""
        return rewards.call_reward_if_profitable(
            self.deployment, self.preflight, self.tx_options.signing(account), gas_used, lpt_usd, eth_usd
        )

    def reward_called(self, address: str) -> bool:
        """Whether ``address`` called reward() on L2 in the current round."""
        return rewards.reward_called(self.system, address)

    def reward_economics(
        self, address: str, gas_used: int | None = None, lpt_usd: Any = None, eth_usd: Any = None
    ) -> CallEconomics:
        """:class:`~ape_livepeer_migration.protocol.economics.CallEconomics` of ``address``'s next L2 reward() at the
        L2's current state and gas price (see :meth:`call_reward_if_profitable` for the defaults)."""
        return rewards.reward_economics(self.system, self.preflight, address, gas_used, lpt_usd, eth_usd)

    def profitability(self, address: str, layers: Sequence[str] = ("l1", "l2"), **overrides: Any) -> Profitability:
        """Does ``address``'s reward() pay on each of ``layers``? The inputs read from the chains, its gas estimated
        where it can send one (see :func:`~ape_livepeer_migration.session.rewards.profitability_from_chain`);
        ``overrides`` set any input (``lpt_usd``, ``eth_usd``, ``gas_used``, ``stake``, ...)."""
        return rewards.profitability_from_chain(self.system, self.preflight, address, tuple(layers), **overrides)

    def compare_minting(
        self, estimate: Profitability, modes: Sequence[str] = ("l2", "l1"), rounds_per_l1_round: int | None = None
    ) -> MintingComparison:
        """The minting modes compared on :meth:`profitability`'s ``estimate`` (see
        :func:`~ape_livepeer_migration.session.rewards.minting_from_chain`)."""
        return rewards.minting_from_chain(self.system, estimate, tuple(modes), rounds_per_l1_round)

    def check_fee_withdrawal(
        self, address: str, amount: int | None = None, layer: str = "l2", recipient: str | None = None
    ) -> Preview:
        """What a withdrawal of ``amount`` (default: all pending) of fees on ``layer`` would send (the fees it takes:
        ``details["amount_wei"]``); refuses one that cannot succeed. Sends nothing."""
        return rewards.check_fee_withdrawal(self.deployment, self.preflight, address, amount, layer, recipient)

    def withdraw_fees(
        self, account: AccountAPI, amount: int | None = None, recipient: str | None = None, layer: str = "l2"
    ) -> FeeWithdrawal:
        """Withdraw ``amount`` (default: all) of ``account``'s pending ETH fees on ``layer`` to ``recipient``."""
        return rewards.withdraw_fees(
            self.deployment, self.preflight, self.tx_options.signing(account), amount, recipient, layer
        )
