"""Which Ape account signs: the one home of turning a name (``test:N``, an address, an alias) into an account.

The CLI's ``--account`` and ``--operator``, the operators a deployment records and the relayer's command line all
resolve their accounts here.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from ape_livepeer_migration.exceptions import LivepeerError

if TYPE_CHECKING:
    from ape.api import AccountAPI


def resolve_account(spec: str) -> AccountAPI:
    """The Ape account ``spec`` names: ``test:N`` (Ape's N-th test account), an address Ape holds a key for (a test
    account's or an imported one's), or an account alias. Raises :class:`LivepeerError` when Ape has no such
    account."""
    from ape import accounts

    test_accounts = accounts.test_accounts
    if spec.startswith("test:"):
        index = spec[5:]
        if not index.isdigit() or int(index) >= len(test_accounts):
            raise LivepeerError(f"{spec!r}: there are test:0 to test:{len(test_accounts) - 1}")
        return test_accounts[int(index)]
    if re.fullmatch("0x[0-9a-fA-F]{40}", spec):
        # Looked up among the accounts Ape holds keys for: ``accounts[address]`` would fall back to impersonating
        # the address on a node that allows it, a signer without a key.
        for account in itertools.chain(test_accounts, accounts):  # lazily: each test account costs a key derivation
            if account.address.lower() == spec.lower():
                return account
        raise LivepeerError(f"Ape holds no key for {spec}: import it with `ape accounts import` or use test:N")
    if spec not in accounts.aliases:
        raise LivepeerError(f"no Ape account is called {spec!r}")
    return accounts.load(spec)
