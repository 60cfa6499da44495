"""Gas of retryable tickets: their parameters from today's chains with margins, and the bound on what others can add
to a staking call before its ticket runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ape_livepeer_migration._eth import hex_text, pending_base_fee, rpc_int
from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
from ape_livepeer_migration.exceptions import L2CallRevertsError

if TYPE_CHECKING:
    from ape_livepeer_migration.bridge.system import System
    from ape_livepeer_migration.chains.pair import TwoChains

#: Arbitrum One's minimum L2 base fee (0.01 gwei): the floor of the gas price bid.
MIN_L2_GAS_PRICE = 10_000_000
#: Default margins: the L1 base fee may rise before the deposit is mined, and gas estimates are not exact.
SUBMISSION_FEE_MARGIN = 2.0
L2_GAS_MARGIN = 1.3
L2_GAS_PRICE_MARGIN = 2.0


@dataclass(frozen=True)
class RetryableGasParams:
    """L2 gas parameters of one retryable ticket and the exact ``msg.value`` they need."""

    max_submission_cost: int
    gas_limit: int
    gas_price_bid: int

    @property
    def value(self) -> int:
        return self.max_submission_cost + self.gas_limit * self.gas_price_bid


def retryable_gas_params(
    chains: TwoChains,
    inbox: str,
    l1_sender: str,
    l2_target: str,
    calldata: bytes,
    *,
    submission_margin: float = SUBMISSION_FEE_MARGIN,
    gas_margin: float = L2_GAS_MARGIN,
    gas_price_margin: float = L2_GAS_PRICE_MARGIN,
    min_gas_price: int = MIN_L2_GAS_PRICE,
    extra_gas: int = 0,
) -> RetryableGasParams:
    """Gas parameters for a retryable that ``l1_sender`` (a contract on L1) sends to ``l2_target`` with ``calldata``.

    The submission fee comes from ``Inbox.calculateRetryableSubmissionFee`` at the next L1 block's base fee; the gas
    limit from ``eth_estimateGas`` of the L2 call sent by ``l1_sender``'s alias; the gas price bid from the next L2
    block's base fee (at least ``min_gas_price``). Each is multiplied by its margin. ``extra_gas`` is added to the
    gas limit after its margin: what the call may cost beyond today's estimate once others change the L2 state it
    reads (:func:`active_set_gas_bound` for a call that stakes). An L2 call that reverts
    raises :class:`L2CallRevertsError`: such a ticket would not auto-redeem (pass explicit gas parameters to
    send it anyway, e.g. to redeem it once the L2 side is ready).
    """
    from ape.exceptions import ApeException

    from ape_livepeer_migration.contracts import contract_at

    l1, l2 = chains.l1, chains.l2
    with l1:
        inbox_contract = l1.bind(contract_at("IInbox", str(inbox)))
    (fee,) = l1.call_batch([(inbox_contract, "calculateRetryableSubmissionFee", (len(calldata), pending_base_fee(l1)))])
    call = {"from": apply_l1_to_l2_alias(l1_sender), "to": str(l2_target), "data": hex_text(calldata)}
    try:
        estimate = l2.provider.make_request("eth_estimateGas", [call])
    except ApeException as exc:
        raise L2CallRevertsError(f"the L2 call to {l2_target} reverts: {exc}") from exc
    estimate = rpc_int(estimate)
    return RetryableGasParams(
        max_submission_cost=int(fee * submission_margin),
        gas_limit=int(estimate * gas_margin) + extra_gas,
        gas_price_bid=max(int(pending_base_fee(l2) * gas_price_margin), min_gas_price),
    )


#: L2 gas per member of the active set that staking may walk past. The set is a list sorted by stake: an orchestrator
#: joining it is linked in from the tail and walks up, and one whose stake grows walks up from its old place, one
#: member per step, each step reading the member's stake and link (two cold storage reads, 4,200 gas, plus the loop).
#: Measured at 4,640 L2 gas per member of the migration's L2 transaction (gateway, Migrator and BondingManager calls,
#: ``tests/migration/test_active_set_gas.py``); 5,500 keeps about 18 % in hand.
ACTIVE_SET_STEP_GAS = 5_500
#: L2 gas of what others' changes to the set may add to staking besides the walk: relinking an orchestrator that the
#: estimate found in place (about 93,000, several link slots written from zero), or evicting the tail of a now full
#: set (about 27,000) and linking the orchestrator in afresh (a new node: 44,200); and initializing the round, when a
#: new one started before the ticket runs (about 45,000: ``L2BondingManager`` does it first). The worst of these
#: measured together is about 140,000 (``tests/migration/test_active_set_gas.py``); 250,000 keeps a wide margin.
ACTIVE_SET_ENTRY_GAS = 250_000


def active_set_gas_bound(system: System) -> int:
    """The most L2 gas that others can add to a staking call by changing the L2 active set before it runs.

    Every walk of the set is bounded by its size, which the L2 BondingManager caps at ``numActiveTranscoders``
    (read from the chain): a full set of that many members, each walked past, plus the set changes of
    :data:`ACTIVE_SET_ENTRY_GAS`. Unused gas is refunded on L2, so covering the worst case costs the user only the
    ETH it locks until the ticket is redeemed. It assumes the governor does not raise ``numActiveTranscoders`` while
    the ticket is pending."""
    (members,) = system.chains.l2.call_batch([(system.l2_bonding_manager, "numActiveTranscoders", ())])
    return members * ACTIVE_SET_STEP_GAS + ACTIVE_SET_ENTRY_GAS
