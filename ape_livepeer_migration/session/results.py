"""What the session's operations return, each with its JSON view (``as_json``).

The JSON views are the ones ``ape livepeer ... --json`` prints: the CLI renders them and decides nothing about
their shape. Every LPT and ETH amount (and fee per gas) is an integer string of base units (wei) under a key ending
in ``_wei``, exact; rounds, ids and gas are numbers; percentages are exact decimal text under ``*_percent``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ape_livepeer_migration._eth import amount_text, token_text

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.migration import MigrationSent
    from ape_livepeer_migration.protocol.deploy import Inflation
    from ape_livepeer_migration.protocol.economics import CallEconomics, MintingEconomics, ProfitabilityInputs
    from ape_livepeer_migration.session.preflight import Call


def wei_strings(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` with the amounts (keys ending in ``_wei``) as integer strings, the rest as they are."""
    return {key: (str(value) if key.endswith("_wei") else value) for key, value in details.items()}


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
    terms: Orchestrator | None = None  # an orchestrator's terms, total delegated stake and reward() call this round

    def as_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "round_initialized": self.round_initialized,
            "delegate": self.delegate,
            "stake_wei": str(self.stake),
            "bonded_wei": str(self.bonded),
            "pending_rewards_wei": str(self.pending_rewards),
            "pending_fees_wei": str(self.pending_fees),
            "orchestrator": self.orchestrator,
            "active": self.active,
            "unbonding_locks": [
                {"id": lock["id"], "amount_wei": str(lock["amount"]), "withdraw_round": lock["withdraw_round"]}
                for lock in self.unbonding_locks
            ],
            "terms": None if self.terms is None else self.terms.as_json(),
        }


@dataclass(frozen=True)
class PendingMessage:
    direction: str
    id: int
    status: str
    source_block: int


@dataclass(frozen=True)
class CrossChainMessage:
    """A cross-chain message carrying LPT, read from the chains, and where it stands (see
    :mod:`~ape_livepeer_migration.session.messages` for the states)."""

    direction: str  # l1-to-l2 | l2-to-l1
    kind: str  # migration | deposit (L1 -> L2); withdrawal | migration-refund (L2 -> L1)
    id: int  # L1 -> L2: the Inbox's message number (the ticket's request); L2 -> L1: the Outbox position
    amount: int  # LPT wei
    sender: str  # the L1 delegator of a migration
    recipient: str  # the L2 delegator of a migration
    tx_hash: str  # the transaction that sent it
    block: int  # its block
    state: str
    ticket: str | None = None  # L1 -> L2: the ticket's id on L2 (once known)
    until: int | None = None  # redeemable: the ticket's expiry (unix time); challenge-period: the L1 block it ends

    def as_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "kind": self.kind,
            "id": self.id,
            "amount_wei": str(self.amount),
            "sender": self.sender,
            "recipient": self.recipient,
            "tx_hash": self.tx_hash,
            "block": self.block,
            "state": self.state,
            "ticket": self.ticket,
            "until": self.until,
        }


@dataclass(frozen=True)
class AccountStatus:
    account: str
    l1: LayerStake
    l2: LayerStake
    lpt: dict[str, int]  # balance per layer
    eth: dict[str, int]  # balance per layer
    messages: list[CrossChainMessage] = field(default_factory=list)  # in flight, read from the chains

    def as_json(self) -> dict[str, Any]:
        """JSON-friendly: amounts as integer strings of wei, exact; rounds and ids as numbers."""
        return {
            "account": self.account,
            "l1": self.l1.as_json(),
            "l2": self.l2.as_json(),
            "lpt_wei": {name: str(value) for name, value in self.lpt.items()},
            "eth_wei": {name: str(value) for name, value in self.eth.items()},
            "messages": [message.as_json() for message in self.messages],
        }


@dataclass(frozen=True)
class LayerOverview:
    """One layer's round, supply, monetary policy and active set."""

    round: int
    round_initialized: bool
    round_locked: bool
    supply: int  # LPT wei on this layer
    inflation_supply: int  # the supply inflation applies to (on L2: the L2 supply at the last report + L1's)
    inflation: int  # per round, parts per billion
    mintable: int  # reward LPT wei of the round (fixed when the round is initialized)
    minted: int  # of it, minted by reward() calls so far
    active_set_size: int
    active_set_limit: int  # numActiveTranscoders
    total_active_stake: int  # of the round

    def as_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "round_initialized": self.round_initialized,
            "round_locked": self.round_locked,
            "supply_wei": str(self.supply),
            "inflation_supply_wei": str(self.inflation_supply),
            "inflation_percent_per_round": amount_text(self.inflation, 7),
            "mintable_wei": str(self.mintable),
            "minted_wei": str(self.minted),
            "active_set_size": self.active_set_size,
            "active_set_limit": self.active_set_limit,
            "total_active_stake_wei": str(self.total_active_stake),
        }


@dataclass(frozen=True)
class SystemStatus:
    """Both layers at a glance, the LPT the L1 escrow holds for L2, the L1 supply report L2 inflation uses, and the
    cross-chain messages in flight."""

    l1: LayerOverview
    l2: LayerOverview
    escrow: int  # L1 LPT wei in the L1 escrow
    l1_circulating_supply: int  # as last reported to L2
    report_age: int | None  # seconds since the L1 timestamp of the last accepted report; None: no report yet
    max_report_age: int  # seconds: older reports are ignored
    messages: list[CrossChainMessage] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "l1": {**self.l1.as_json(), "escrow_wei": str(self.escrow)},
            "l2": {
                **self.l2.as_json(),
                "l1_circulating_supply_wei": str(self.l1_circulating_supply),
                "report_age_seconds": self.report_age,
                "max_report_age_seconds": self.max_report_age,
            },
            "messages": [message.as_json() for message in self.messages],
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
    terms: tuple[int, int] | None = None  # an orchestrator's reward cut and fee share (ppm), registered on L2 with it

    @property
    def l1_cost(self) -> int:
        return self.l1_gas * self.l1_gas_price

    @property
    def total_eth(self) -> int:
        return self.l1_cost + self.retryable_value

    def as_json(self, sent: MigrationSent | None = None) -> dict[str, Any]:
        """The plan; with ``sent`` (what :meth:`Livepeer.migrate` returns with it), also its L1 transaction."""
        view: dict[str, Any] = {
            "account": self.account,
            "kind": self.kind,
            "amount_wei": str(self.amount),
            "l2_delegator": self.l2_delegator,
            "l2_orchestrator": self.l2_orchestrator,
            "lock_ids": list(self.lock_ids),
            "l1": {"gas": self.l1_gas, "gas_price_wei": str(self.l1_gas_price), "cost_wei": str(self.l1_cost)},
            "l2": {
                "gas_limit": self.l2_gas_limit,
                "gas_price_bid_wei": str(self.l2_gas_price_bid),
                "max_submission_cost_wei": str(self.max_submission_cost),
                "max_cost_wei": str(self.retryable_value),
            },
            "total_wei": str(self.total_eth),
        }
        if self.terms is not None:
            view.update(
                reward_cut_percent=amount_text(self.terms[0], 4), fee_share_percent=amount_text(self.terms[1], 4)
            )
        if sent is not None:
            view.update(
                tx_hash=sent.receipt.txn_hash, l1_gas_used=sent.receipt.gas_used, migration_id=sent.migration.id
            )
        return view


#: What an L2 ``reward()`` call does with its reward, by inflation mode: mint it (L2 minting) or hand out part of
#: what L1 minted and sent to the L2 Minter (L1 minting).
REWARD_VERB = {"l2": ("minted", "would mint"), "l1": ("handed out", "would hand out")}


@dataclass(frozen=True)
class RewardResult:
    """An L2 ``reward()`` call: ``reward`` is the LPT it credited to the orchestrator's pool, minted by the call with
    L2 minting (``inflation`` ``"l2"``), taken from what L1 minted with L1 minting (``"l1"``: the call mints
    nothing)."""

    round: int
    reward: int
    gas_used: int
    initialized_round: bool
    tx_hash: str
    inflation: str = "l2"

    @property
    def minted(self) -> int:
        """The LPT the call minted: its reward with L2 minting, none with L1 minting."""
        return self.reward if self.inflation == "l2" else 0

    @property
    def text(self) -> str:
        """What the call did with its reward, as ``call-reward`` says it."""
        verb = REWARD_VERB[self.inflation][0]
        return f"reward() {verb} {token_text(self.reward)} LPT" + (" minted on L1" if self.inflation == "l1" else "")

    def as_json(self) -> dict[str, Any]:
        return {
            "called": True,
            "round": self.round,
            "inflation": self.inflation,
            "reward_lpt_wei": str(self.reward),
            "minted_lpt_wei": str(self.minted),
            "gas_used": self.gas_used,
            "initialized_round": self.initialized_round,
            "tx_hash": self.tx_hash,
        }


@dataclass(frozen=True)
class RewardSkipped:
    """A reward() call not sent because the orchestrator's share of what it mints (L2 minting) or hands out (L1
    minting, ``inflation`` ``"l1"``) is worth less than its fee."""

    economics: CallEconomics
    inflation: str = "l2"

    @property
    def reason(self) -> str:
        return (
            f"reward() {REWARD_VERB[self.inflation][1]} {token_text(self.economics.reward)} LPT, the orchestrator's "
            f"share is worth less than the fee of {token_text(self.economics.cost_wei)} ETH"
        )

    def as_json(self) -> dict[str, Any]:
        return {"called": False, "reason": f"Skipped: {self.reason}.", "economics": call_economics_json(self.economics)}


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

    @property
    def executable(self) -> bool:
        """Whether :meth:`Livepeer.finalize` pays it out now."""
        return self.state == "executable"


class Finalized(NamedTuple):
    """A withdrawal paid out on L1 by :meth:`Livepeer.finalize`, and the L1 transaction that did it."""

    withdrawal: WithdrawalState
    l1_tx_hash: str

    def as_json(self) -> dict[str, Any]:
        w = self.withdrawal
        return {"position": w.position, "to": w.to, "amount_wei": str(w.amount), "l1_tx_hash": self.l1_tx_hash}


@dataclass(frozen=True)
class SentTransaction:
    """A user transaction that was sent (bridge, fees)."""

    layer: str
    tx_hash: str
    gas_used: int
    details: dict[str, Any]

    def transaction_json(self) -> dict[str, Any]:
        """Where and how the transaction went: its layer, hash and gas."""
        return {"layer": self.layer, "tx_hash": self.tx_hash, "gas_used": self.gas_used}

    def as_json(self) -> dict[str, Any]:
        """The transaction, with its details; amounts (``*_wei``) as integer strings."""
        return {**self.transaction_json(), **wei_strings(self.details)}


@dataclass(frozen=True)
class FeeWithdrawal(SentTransaction):
    """A withdrawal of earned ETH fees; ``details``: ``recipient`` and ``amount_wei``."""


@dataclass(frozen=True)
class MintingStatus:
    """Where the system mints its rewards; in the ``"l1"`` mode, the stake oracle's last report (``None`` before
    the first) and what the L2 Minter hands out (the other fields stay ``None`` in the ``"l2"`` mode)."""

    inflation: Inflation
    reported_stake: int | None = None  # the L2 staked supply the oracle holds on L1
    report_age: int | None = None  # seconds since the L2 time it was read at
    max_report_age: int | None = None  # seconds: older, an L1 round initialization does not use it
    report_fresh: bool | None = None
    l2_round: int | None = None
    available: int | None = None  # what the L2 Minter hands out in the current L2 round
    undistributed: int | None = None  # received from L1 and not yet made available
    l1_round: int | None = None
    l1_mint_waits: str | None = None  # why the current L1 round's mint waits (None: it does not)
    gas_budget: int | None = None  # wei the L1 Minter holds to pay L1 round mints' retryables
    round_mint_cost: int | None = None  # wei one L1 round mint's retryable costs at the current L1 base fee

    def as_json(self) -> dict[str, Any]:
        view: dict[str, Any] = self.inflation.as_json()
        if self.inflation.mode != "l1":
            return view
        return {
            **view,
            "oracle": {
                "staked_supply_wei": None if self.reported_stake is None else str(self.reported_stake),
                "report_age_seconds": self.report_age,
                "max_report_age_seconds": self.max_report_age,
                "fresh": self.report_fresh,
            },
            "l2_round": self.l2_round,
            "available_this_round_wei": str(self.available or 0),
            "undistributed_wei": str(self.undistributed or 0),
            "l1_round": self.l1_round,
            "l1_mint_waits": self.l1_mint_waits,
            "gas_budget_wei": str(self.gas_budget or 0),
            "round_mint_cost_wei": str(self.round_mint_cost or 0),
        }


@dataclass(frozen=True)
class Deployed:
    """A deployment as recorded in the address book: the last state of each deploy step and the system's
    contracts."""

    address_book: str
    steps: dict[str, str]
    addresses: dict[str, str]
    inflation: Inflation

    def as_json(self) -> dict[str, Any]:
        return {
            "address_book": self.address_book,
            "steps": self.steps,
            "addresses": self.addresses,
            "inflation": self.inflation.as_json(),
        }


@dataclass(frozen=True)
class LayerDeployPlan:
    """What a deployment would send on one layer (``deploy --dry-run``): the contracts it would create (by role),
    its transactions and the gas they used in the rehearsal (``largest``: the most one of them used), the most they
    pay per gas now, and the deployer's balance there."""

    layer: str
    contracts: tuple[str, ...]
    transactions: int
    gas: int
    largest: int
    fee_per_gas: int
    balance: int

    @property
    def cost(self) -> int:
        """The most the transactions pay for their gas (wei)."""
        return self.gas * self.fee_per_gas

    def as_json(self) -> dict[str, Any]:
        return {
            "contracts": list(self.contracts),
            "transactions": self.transactions,
            "gas": self.gas,
            "largest_transaction_gas": self.largest,
            "fee_per_gas_wei": str(self.fee_per_gas),
            "cost_wei": str(self.cost),
            "balance_wei": str(self.balance),
        }


@dataclass(frozen=True)
class DeployPlan:
    """What ``deploy`` would do on a pair (``--dry-run``): each step's state (``"recorded"``, ``"rehearsed"``: its
    figures are in ``layers``, ``"checks only"``: it sends nothing, ``"not rehearsed"``: it sends transactions that
    the figures leave out), and per layer what the rehearsed steps send. ``estimate`` says how the figures were
    found."""

    pair: str
    account: str
    steps: dict[str, str]
    layers: tuple[LayerDeployPlan, ...]
    estimate: str

    def as_json(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "account": self.account,
            "steps": self.steps,
            **{plan.layer: plan.as_json() for plan in self.layers},
            "estimate": self.estimate,
        }


@dataclass(frozen=True)
class ChainSource:
    """Where a profitability estimate read its inputs: ``account``'s position on ``layer`` in ``round``."""

    account: str
    layer: str
    round: int


@dataclass(frozen=True)
class Profitability:
    """The economics of one reward() call per layer, for the inputs they derive from; ``gas_sources`` says per layer
    whether the call's gas is ``estimated`` on the chain, an ``option`` or the ``reference`` figure; ``chain`` where
    the inputs were read (``None``: the reference inputs)."""

    inputs: ProfitabilityInputs
    results: tuple[CallEconomics, ...]
    gas_sources: dict[str, str]
    chain: ChainSource | None = None

    def as_json(self) -> dict[str, Any]:
        """Chain values as integer strings (``*_wei``: base units of the token the key names), the reward cut and the
        inflation as the protocol stores them, USD values as numbers."""
        orchestrator, network, prices = self.inputs.orchestrator, self.inputs.network, self.inputs.prices
        chain = self.chain
        return {
            "source": None if chain is None else {"account": chain.account, "layer": chain.layer, "round": chain.round},
            "inputs": {
                "stake_lpt_wei": str(orchestrator.stake),
                "self_stake_lpt_wei": str(orchestrator.self_stake),
                "reward_cut_ppm": orchestrator.reward_cut,
                "total_supply_lpt_wei": str(network.total_supply),
                "inflation_per_round_ppb": network.inflation,
                "total_active_stake_lpt_wei": str(network.total_active_stake),
                "lpt_usd": float(prices.lpt_usd),
                "eth_usd": float(prices.eth_usd),
            },
            "layers": {
                result.layer: {**call_economics_json(result), "gas_source": self.gas_sources[result.layer]}
                for result in self.results
            },
        }


@dataclass(frozen=True)
class MintingComparison:
    """The minting modes side by side for one orchestrator: each mode's L2 reward() call and keeper cost per L1
    round, on the inputs of ``estimate``; ``gas_sources`` says per mode whether its reward() gas is ``estimated``
    on the connected chain or the bench's ``measured`` figure."""

    estimate: Profitability
    results: tuple[MintingEconomics, ...]
    gas_sources: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        """:meth:`Profitability.as_json`'s ``source`` and ``inputs``, and per mode its call and its keeper cost."""
        base = self.estimate.as_json()
        return {
            "source": base["source"],
            "inputs": {
                **base["inputs"],
                "gas_price_wei": {call.layer: str(call.gas_price) for call in self.estimate.inputs.calls},
            },
            "modes": {
                result.mode: {
                    "reward": {**call_economics_json(result.call), "gas_source": self.gas_sources[result.mode]},
                    "rounds_per_l1_round": result.rounds_per_l1_round,
                    "keeper_l1_gas_per_l1_round": result.keeper.l1_gas,
                    "keeper_l2_gas_per_l1_round": result.keeper.l2_gas,
                    "keeper_cost_eth_wei": str(result.keeper_cost_wei),
                    "keeper_cost_lpt_wei": str(result.keeper_cost_lpt),
                    "keeper_cost_usd": float(result.call.prices.eth_usd * result.keeper_cost_wei / 10**18),
                    "minted_per_l1_round_lpt_wei": str(result.minted_per_l1_round),
                    "keeper_share_of_minted": float(result.keeper_share),
                }
                for result in self.results
            },
        }


def call_economics_json(result: CallEconomics) -> dict[str, Any]:
    """One reward() call's economics: integer strings under ``*_wei`` keys, USD values as numbers."""
    return {
        "gas_used": result.gas_used,
        "gas_price_wei": str(result.gas_price),
        "cost_eth_wei": str(result.cost_wei),
        "cost_lpt_wei": str(result.cost_lpt),
        "cost_usd": float(result.cost_usd),
        "mintable_lpt_wei": str(result.mintable),
        "reward_lpt_wei": str(result.reward),
        "orchestrator_earnings_lpt_wei": str(result.orchestrator_earnings),
        "orchestrator_earnings_usd": float(result.lpt_to_usd(result.orchestrator_earnings)),
        "delegator_earnings_lpt_wei": str(result.delegator_earnings),
        "profit_lpt_wei": str(result.profit_lpt),
        "profit_usd": float(result.profit_usd),
        "profitable": result.profitable,
        "break_even_stake_lpt_wei": None if result.break_even_stake is None else str(result.break_even_stake),
    }


@dataclass(frozen=True)
class Orchestrator:
    """A registered orchestrator on one layer: its total delegated stake, its terms (parts per million) and whether
    it is active and called reward() in the current round."""

    address: str
    stake: int
    reward_cut: int
    fee_share: int
    active: bool
    reward_called: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "stake_wei": str(self.stake),
            "reward_cut_percent": amount_text(self.reward_cut, 4),
            "fee_share_percent": amount_text(self.fee_share, 4),
            "active": self.active,
            "reward_called": self.reward_called,
        }


@dataclass(frozen=True)
class Orchestrators:
    """The registered orchestrators of a layer in its current round, by decreasing stake."""

    layer: str
    round: int
    orchestrators: tuple[Orchestrator, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "round": self.round,
            "orchestrators": [orchestrator.as_json() for orchestrator in self.orchestrators],
        }


@dataclass(frozen=True)
class Preview:
    """What an operation would send on ``layer`` (``--dry-run``), after its checks: its transactions in order, their
    estimated gas and the most they pay at ``fee_per_gas``, the ETH they carry (a deposit's L2 fees, paid on L2 at
    most this), and the operation's inputs (``details``, amounts under ``*_wei`` keys). ``prepared`` is what sending
    reuses from the checks (a deposit's gas parameters, the withdrawals to execute); it is not shown."""

    layer: str
    account: str
    operation: str
    calls: tuple[Call, ...]
    gas: int
    fee_per_gas: int
    details: dict[str, Any] = field(default_factory=dict)
    prepared: Any = None

    @property
    def cost(self) -> int:
        """The most the transactions pay for their gas (wei)."""
        return self.gas * self.fee_per_gas

    @property
    def value(self) -> int:
        """The ETH the transactions send (wei)."""
        return sum(call.value for call in self.calls)

    def as_json(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "account": self.account,
            "operation": self.operation,
            **wei_strings(self.details),
            "transactions": [call.name for call in self.calls],
            "gas": self.gas,
            "fee_per_gas_wei": str(self.fee_per_gas),
            "cost_wei": str(self.cost),
            "value_wei": str(self.value),
        }


@dataclass(frozen=True)
class StakingPlan(Preview):
    """The :class:`Preview` of a staking operation (bond, unbond, rebond, withdraw-stake, claim-earnings,
    transcoder) on one layer; ``details`` are the operation's inputs (amounts in wei)."""

    def as_json(self, sent: StakingSent | None = None) -> dict[str, Any]:
        """The preview; with ``sent``, also the transactions that carried it."""
        view = super().as_json()
        if sent is not None:
            view["sent"] = [{"tx_hash": tx_hash, "gas_used": gas} for tx_hash, gas in sent.transactions]
        return view


@dataclass(frozen=True)
class RelayPreview:
    """What a relayer pass would move on (``relay --dry-run``): the ids of the L1 -> L2 messages it would deliver and
    of the L2 -> L1 ones it would assert a send root for or execute once confirmed."""

    l1_to_l2: tuple[int, ...]
    l2_to_l1: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        return {"l1_to_l2": list(self.l1_to_l2), "l2_to_l1": list(self.l2_to_l1)}


@dataclass(frozen=True)
class StakingSent:
    """The transactions a staking plan sent: ``(hash, gas used)`` each, in order."""

    transactions: tuple[tuple[str, int], ...]

    @property
    def gas_used(self) -> int:
        return sum(gas for _, gas in self.transactions)
