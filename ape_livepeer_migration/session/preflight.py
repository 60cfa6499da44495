"""The checks every sending operation runs before it sends: amounts, ETH balances, estimated gas.

Each raises :class:`~ape_livepeer_migration.exceptions.LivepeerError` (one line, nothing sent) when the transaction
could not succeed or the account could not pay for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration._eth import GWEI_DECIMALS, amount_text, hex_text, pending_base_fee, rpc_int, token_text
from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.transactions import TxOptions, gwei_text

if TYPE_CHECKING:
    from ape_livepeer_migration.chains.pair import TwoChains


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
        data = self.contract.calldata(self.method, *self.args)
        return {
            "from": str(sender),
            "to": str(self.contract.address),
            "data": hex_text(data),
            "value": hex(self.value),
        }


def exactly(has: int, needs: int) -> str:
    """The exact comparison behind a refusal whose amounts show rounded: ``(has < needs wei)``."""
    return f"({has} < {needs} wei)"


def require_amount(amount: int, available: int, what: str, owner: str) -> None:
    """Refuse an ``amount`` that is not a positive int or exceeds what ``owner`` has of ``what``."""
    if not isinstance(amount, int) or amount <= 0:
        raise LivepeerError(f"the amount must be greater than 0, got {amount}")
    if amount > available:
        raise LivepeerError(
            f"{owner} has {token_text(available)} {what}, less than {token_text(amount)} {exactly(available, amount)}"
        )


class Preflight:
    """The balance and gas checks on both chains of a pair, for transactions sent with ``tx_options`` (the user's
    max fee replaces the quoted prices; the gas limit, each transaction's estimate)."""

    def __init__(self, chains: TwoChains, tx_options: TxOptions | None = None):
        self.chains = chains
        self.tx_options = tx_options or TxOptions()

    def require_eth(self, layer: str, address: str, needed: int, what: str) -> None:
        """Refuse when ``address`` has less than ``needed`` wei on ``layer``."""
        balance = int(getattr(self.chains, layer).provider.get_balance(address))
        if balance < needed:
            raise LivepeerError(
                f"{address} has {token_text(balance)} ETH on {layer.upper()}, {what} needs about "
                f"{token_text(needed)} ETH {exactly(balance, needed)}"
            )

    def require_gas(
        self, layer: str, address: str, what: str, calls: Sequence[Call], fee_per_gas: int | None = None
    ) -> int:
        """Refuse unless ``address`` holds on ``layer`` what sending ``calls`` (in order) costs: their estimated gas
        (:meth:`estimate_gas`) times the fee per gas of the transactions (default: :meth:`fee_per_gas`) times the
        configured ``gas_margin``, plus the ETH they send. Returns the estimated gas; sends nothing."""
        from ape_livepeer_migration.config import plugin_config

        margin = plugin_config().gas_margin
        price = self.fee_per_gas(layer) if fee_per_gas is None or self.tx_options.max_fee is not None else fee_per_gas
        gas = reserved = self.estimate_gas(layer, address, calls)
        if (limit := self.tx_options.gas_limit) is not None:
            self.require_gas_limit(layer, gas, len(calls))
            reserved = limit * len(calls)  # what the node reserves for the transactions
        needed = math.ceil(reserved * price * Decimal(str(margin))) + sum(call.value for call in calls)
        self.require_eth(
            layer,
            address,
            needed,
            f"{what} ({reserved:,} gas at {amount_text(price, GWEI_DECIMALS)} gwei, x{margin:g})",
        )
        return gas

    def require_gas_limit(self, layer: str, gas: int, transactions: int = 1) -> None:
        """Refuse a gas limit (of each of ``transactions``) above the block gas limit of ``layer`` or whose sum is below
        the ``gas`` they are estimated to use together: a transaction that runs out of gas fails and still pays."""
        limit = self.tx_options.gas_limit
        if limit is None:
            return
        chain = getattr(self.chains, layer)
        with chain:
            block_limit = int(chain.provider.max_gas)
        if limit > block_limit:
            raise LivepeerError(
                f"the gas limit {limit:,} is above the {layer.upper()} block gas limit, {block_limit:,}"
            )
        if limit * transactions < gas:
            raise LivepeerError(
                f"the gas limit {limit:,} is below the {gas:,} gas estimated on {layer.upper()}"
                + (f" for {transactions} transactions" if transactions > 1 else "")
            )

    def estimate_gas(self, layer: str, address: str, calls: Sequence[Call]) -> int:
        """Gas of sending ``calls`` from ``address`` on ``layer``, one transaction each, in order: ``eth_estimateGas``
        of a single call; for a sequence (whose later calls may need the earlier ones' effects, e.g. an approval or
        a round initialization) the gas each uses in one ``eth_simulateV1`` block. A call that reverts raises
        :class:`LivepeerError`."""
        from ape.exceptions import ContractLogicError, ProviderError

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
        return sum(self.gas_used_each(layer, address, calls))

    def gas_used_each(self, layer: str, address: str, calls: Sequence[Call]) -> list[int]:
        """The gas each of ``calls`` uses when ``address`` sends them on ``layer`` in order, in one ``eth_simulateV1``
        block (a later call sees the earlier ones' effects). A call that reverts raises :class:`LivepeerError`."""
        provider = getattr(self.chains, layer).provider
        requests = [call.request(address) for call in calls]
        (block,) = provider.make_request(
            "eth_simulateV1", [{"blockStateCalls": [{"calls": requests}], "validation": False}, "latest"]
        )
        used = []
        for call, result in zip(calls, block["calls"], strict=True):
            if rpc_int(result["status"]) != 1:
                error = result.get("error") or {}
                raise LivepeerError(f"{call.name} would revert on {layer.upper()}: {error.get('message', 'no reason')}")
            used.append(rpc_int(result["gasUsed"]))
        return used

    def fee_per_gas(self, layer: str) -> int:
        """The most a transaction Ape sends on ``layer`` pays per gas: the max fee of an EIP-1559 transaction (the next
        block's base fee times the network's ``base_fee_multiplier``, plus the priority fee), else the gas price; the
        user's max fee when given."""
        from ape_ethereum.transactions import StaticFeeTransaction

        if self.tx_options.max_fee is not None:
            return self._max_fee(layer)
        chain = getattr(self.chains, layer)
        with chain:
            provider = chain.provider
            if isinstance(provider.network.ecosystem.create_transaction(), StaticFeeTransaction):
                return int(provider.gas_price)
            priority_fee = (
                provider.priority_fee if self.tx_options.priority_fee is None else self.tx_options.priority_fee
            )
            return int(pending_base_fee(chain) * provider.network.base_fee_multiplier + priority_fee)

    def paid_per_gas(self, layer: str) -> int:
        """What a transaction Ape sends on ``layer`` now pays per gas: the next block's base fee plus the priority
        fee (EIP-1559; :meth:`fee_per_gas` is the most it may pay), else the gas price; with the user's gas controls,
        their priority fee, capped by their max fee (on a chain of legacy transactions, the max fee is the price)."""
        from ape_ethereum.transactions import StaticFeeTransaction

        chain = getattr(self.chains, layer)
        with chain:
            provider = chain.provider
            if isinstance(provider.network.ecosystem.create_transaction(), StaticFeeTransaction):
                return self._max_fee(layer) if self.tx_options.max_fee is not None else int(provider.gas_price)
            options = self.tx_options
            paid = pending_base_fee(chain) + int(
                provider.priority_fee if options.priority_fee is None else options.priority_fee
            )
            return paid if options.max_fee is None else min(paid, self._max_fee(layer))

    def gas_price(self, layer: str) -> int:
        """The gas price the node of ``layer`` quotes, or the user's max fee."""
        if self.tx_options.max_fee is not None:
            return self._max_fee(layer)
        chain = getattr(self.chains, layer)
        with chain:
            return int(chain.provider.gas_price)

    def _max_fee(self, layer: str) -> int:
        """The user's max fee, refused when below the base fee of ``layer``'s next block (the node would refuse
        the transaction)."""
        max_fee = self.tx_options.max_fee
        assert max_fee is not None
        base_fee = pending_base_fee(getattr(self.chains, layer))
        if max_fee < base_fee:
            raise LivepeerError(
                f"the max fee {gwei_text(max_fee)} is below the base fee of {layer.upper()}'s next block, "
                f"{gwei_text(base_fee)}"
            )
        return max_fee
