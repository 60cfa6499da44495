"""What the session's operations return, each with its JSON view (``as_json``).

The JSON views are the ones ``ape livepeer ... --json`` prints: the CLI renders them and decides nothing about
their shape. LPT and ETH amounts named ``*_lpt`` / ``*_eth`` are exact decimal text of whole tokens; other
amounts are decimal strings of base units; rounds, ids and gas are numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ape_livepeer_migration._eth import amount_text

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.migration import MigrationSent
    from ape_livepeer_migration.protocol.economics import CallEconomics, MintingEconomics, ProfitabilityInputs
    from ape_livepeer_migration.session.preflight import Call


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

    def as_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "round_initialized": self.round_initialized,
            "delegate": self.delegate,
            "stake": str(self.stake),
            "bonded": str(self.bonded),
            "pending_rewards": str(self.pending_rewards),
            "pending_fees": str(self.pending_fees),
            "orchestrator": self.orchestrator,
            "active": self.active,
            "unbonding_locks": [
                {"id": lock["id"], "amount": str(lock["amount"]), "withdraw_round": lock["withdraw_round"]}
                for lock in self.unbonding_locks
            ],
        }


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
        return {
            "account": self.account,
            "l1": self.l1.as_json(),
            "l2": self.l2.as_json(),
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

    def as_json(self, sent: MigrationSent | None = None) -> dict[str, Any]:
        """The plan; with ``sent`` (what :meth:`Livepeer.migrate` returns with it), also its L1 transaction."""
        view: dict[str, Any] = {
            "account": self.account,
            "kind": self.kind,
            "amount_lpt": amount_text(self.amount),
            "l2_delegator": self.l2_delegator,
            "l2_orchestrator": self.l2_orchestrator,
            "lock_ids": list(self.lock_ids),
            "l1": {"gas": self.l1_gas, "gas_price_wei": self.l1_gas_price, "cost_eth": amount_text(self.l1_cost)},
            "l2": {
                "gas_limit": self.l2_gas_limit,
                "gas_price_bid_wei": self.l2_gas_price_bid,
                "max_submission_cost_wei": self.max_submission_cost,
                "max_cost_eth": amount_text(self.retryable_value),
            },
            "total_eth": amount_text(self.total_eth),
        }
        if sent is not None:
            view.update(
                tx_hash=sent.receipt.txn_hash, l1_gas_used=sent.receipt.gas_used, migration_id=sent.migration.id
            )
        return view


@dataclass(frozen=True)
class RewardResult:
    round: int
    minted: int
    gas_used: int
    initialized_round: bool
    tx_hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "called": True,
            "round": self.round,
            "minted_lpt_wei": str(self.minted),
            "gas_used": self.gas_used,
            "initialized_round": self.initialized_round,
            "tx_hash": self.tx_hash,
        }


@dataclass(frozen=True)
class RewardSkipped:
    """A reward() call not sent because the orchestrator's share of what it mints is worth less than its fee."""

    economics: CallEconomics

    @property
    def reason(self) -> str:
        return (
            f"reward() would mint {amount_text(self.economics.reward)} LPT, the orchestrator's share is worth "
            f"less than the fee of {amount_text(self.economics.cost_wei)} ETH"
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
        return {"position": w.position, "to": w.to, "amount_lpt": amount_text(w.amount), "l1_tx_hash": self.l1_tx_hash}


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
        """The transaction, with its integer details (amounts in base units) as decimal strings."""
        return {
            **self.transaction_json(),
            **{k: (str(v) if isinstance(v, int) else v) for k, v in self.details.items()},
        }


@dataclass(frozen=True)
class FeeWithdrawal(SentTransaction):
    """A withdrawal of earned ETH fees; ``details``: ``recipient`` and ``amount`` (wei)."""

    def as_json(self) -> dict[str, Any]:
        return {
            **self.transaction_json(),
            "recipient": self.details["recipient"],
            "amount_eth": amount_text(self.details["amount"]),
        }


@dataclass(frozen=True)
class Deployed:
    """A deployment as recorded in the address book: the last state of each deploy step and the system's
    contracts."""

    address_book: str
    steps: dict[str, str]
    addresses: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {"address_book": self.address_book, "steps": self.steps, "addresses": self.addresses}


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
class StakingPlan:
    """What a staking operation (bond, unbond, rebond, withdraw-stake, claim-earnings, transcoder) sends on one
    layer, in order, and its estimated gas and cost; ``details`` are the operation's inputs (amounts in wei)."""

    layer: str
    account: str
    operation: str
    calls: tuple[Call, ...]
    gas: int
    fee_per_gas: int
    details: dict[str, Any]

    @property
    def cost(self) -> int:
        """The most the transactions pay at the estimated gas (wei)."""
        return self.gas * self.fee_per_gas

    def as_json(self, sent: StakingSent | None = None) -> dict[str, Any]:
        """The plan, amounts (``*_wei``) as decimal strings; with ``sent``, also the transactions that carried it."""
        view: dict[str, Any] = {
            "layer": self.layer,
            "account": self.account,
            "operation": self.operation,
            **{key: (str(value) if key.endswith("_wei") else value) for key, value in self.details.items()},
            "transactions": [call.name for call in self.calls],
            "gas": self.gas,
            "fee_per_gas_wei": str(self.fee_per_gas),
            "cost_wei": str(self.cost),
        }
        if sent is not None:
            view["sent"] = [{"tx_hash": tx_hash, "gas_used": gas} for tx_hash, gas in sent.transactions]
        return view


@dataclass(frozen=True)
class StakingSent:
    """The transactions a staking plan sent: ``(hash, gas used)`` each, in order."""

    transactions: tuple[tuple[str, int], ...]

    @property
    def gas_used(self) -> int:
        return sum(gas for _, gas in self.transactions)
