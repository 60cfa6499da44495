"""The user's gas controls (max fee, priority fee, gas limit, nonce) and the one place they reach the transactions.

Every operation of the session sends through an Ape account (``sender=account``); :meth:`TxOptions.signing` hands
the library an account that sets the controls on each transaction it signs, so no sending function needs to know
about them. ``ape livepeer`` sets them from ``--max-fee``, ``--priority-fee``, ``--gas-limit`` and ``--nonce``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration._eth import GWEI_DECIMALS, amount_text
from ape_livepeer_migration.exceptions import LivepeerError

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI, TransactionAPI


@dataclass(frozen=True)
class TxOptions:
    """Gas controls for the transactions of one operation; ``None`` leaves the field to Ape.

    ``max_fee`` and ``priority_fee`` are wei per gas (an EIP-1559 transaction's ``maxFeePerGas`` and
    ``maxPriorityFeePerGas``; a legacy transaction's gas price is ``max_fee``); ``gas_limit`` applies to each
    transaction; ``nonce`` is the first transaction's, and an operation that sends several numbers the next ones on
    from it.
    """

    max_fee: int | None = None
    priority_fee: int | None = None
    gas_limit: int | None = None
    nonce: int | None = None

    def __post_init__(self) -> None:
        if self.max_fee is not None and self.priority_fee is not None and self.priority_fee > self.max_fee:
            raise LivepeerError(
                f"the priority fee ({gwei_text(self.priority_fee)}) is above the max fee ({gwei_text(self.max_fee)})"
            )

    def __bool__(self) -> bool:
        return any(value is not None for value in (self.max_fee, self.priority_fee, self.gas_limit, self.nonce))

    def without_nonce(self, what: str) -> TxOptions:
        """These controls for ``what``, an operation that sends on both layers, each transaction numbered from the
        account's next nonce on its own layer: one first nonce cannot number them, so a nonce is refused
        (:class:`LivepeerError`)."""
        if self.nonce is not None:
            raise LivepeerError(
                f"{what} sends on both layers, numbering each transaction from the account's next nonce on its layer: "
                "--nonce does not apply (the other gas controls do)"
            )
        return self

    def signing(self, account: AccountAPI) -> AccountAPI:
        """``account`` itself without controls, else an account whose transactions carry them."""
        return _controlled_account_class()(account=account, options=self) if self else account

    def apply(self, txn: TransactionAPI, index: int) -> None:
        """Set the controls on ``txn``, the ``index``-th transaction (from 0) of the operation."""
        from ape_ethereum.transactions import StaticFeeTransaction

        if self.max_fee is not None:
            if isinstance(txn, StaticFeeTransaction):  # a legacy transaction: one gas price
                txn.gas_price = self.max_fee
            else:
                txn.max_fee = self.max_fee
        if self.priority_fee is not None:
            if isinstance(txn, StaticFeeTransaction):
                raise LivepeerError(
                    f"the transactions of chain {txn.chain_id} carry one gas price: set it with --max-fee, not a "
                    "priority fee"
                )
            txn.max_priority_fee = self.priority_fee
        if self.gas_limit is not None:
            txn.gas_limit = self.gas_limit
        if self.nonce is not None:
            txn.nonce = self.nonce + index


def gwei_text(wei: int) -> str:
    """A fee per gas as exact gwei text ("30 gwei", "0.1 gwei")."""
    return f"{amount_text(wei, GWEI_DECIMALS)} gwei"


@cache
def _controlled_account_class() -> type:
    """:class:`ControlledAccount`'s class, made on first use: Ape's account base is imported only when sending."""
    from ape.api import AccountAPI

    class ControlledAccount(AccountAPI):
        """An Ape account whose transactions carry :class:`TxOptions`; it signs with, and is, ``account``."""

        account: AccountAPI
        options: TxOptions
        sent: int = 0  # transactions sent so far: the nonce of the next is ``options.nonce + sent``

        @property
        def address(self) -> Any:
            return self.account.address

        @property
        def alias(self) -> str | None:
            return self.account.alias

        def __repr__(self) -> str:
            return f"<{self.account!r} with {self.options}>"

        def sign_message(self, msg: Any, **signer_options: Any) -> Any:
            return self.account.sign_message(msg, **signer_options)

        def sign_transaction(self, txn: TransactionAPI, **signer_options: Any) -> Any:
            return self.account.sign_transaction(txn, **signer_options)

        def call(self, txn: TransactionAPI, *args: Any, **kwargs: Any) -> ReceiptAPI:
            """Send ``txn`` with the controls; a nonce already used is refused before anything is signed."""
            self.options.apply(txn, self.sent)
            if txn.nonce is not None and txn.nonce < (current := self.account.nonce):
                raise LivepeerError(f"nonce {txn.nonce} of {self.address} is used already (the next is {current})")
            receipt = self.account.call(txn, *args, **kwargs)
            self.sent += 1
            return receipt

    return ControlledAccount
