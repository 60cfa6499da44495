"""pytest fixtures for projects that build on the Livepeer L1/L2 system (``pytest11`` entry point ``ape_livepeer``).

Fixtures (all prefixed ``livepeer_`` so they never shadow a project's own):

* ``livepeer_chains`` (session): two fresh local anvils, an L1 and an L2;
* ``livepeer`` (session): a :class:`~ape_livepeer_migration.session.livepeer.Livepeer` session with the whole system
  deployed on them (address book in a temporary directory; round length ``livepeer_round_length`` blocks; rewards
  minted as ``livepeer_inflation`` says);
* ``livepeer_accounts`` (session): funded test accounts: each holds ``livepeer_genesis_lpt`` L1 LPT and anvil's ETH
  on both layers (Ape's test accounts 1-8; 0 is the governor and 9 the simulator's operator);
* ``livepeer_relayer`` (function): a function that relays every pending cross-chain message once and returns the
  pass report (it mines the local L1 through challenge periods);
* ``livepeer_isolation`` (function): undoes everything a test did on both chains (and in the relayer's journal).

Override ``livepeer_round_length`` / ``livepeer_genesis_lpt`` / ``livepeer_inflation`` (session fixtures) in a conftest
to change them. ``livepeer_inflation`` is ``"l2"`` (the L2 Minter mints each L2 round's rewards) or ``"l1"`` (the L1
Minter mints each L1 round's, handed out on L2 over ``livepeer_rounds_per_l1_round`` L2 rounds; the simulator's
operator, test account 9, is the L2 stake oracle's reporter and ``livepeer_relayer`` reports as it). A module or
test runs against an L1-minting system with::

    pytestmark = pytest.mark.parametrize("livepeer_inflation", ["l1"], indirect=True)

and ``["l2", "l1"]`` runs it in both modes. Each mode gets its own pair of chains (``livepeer_chains`` depends on
``livepeer_inflation``; a pair holds one simulator, so one deployment).
"""

from __future__ import annotations

import shutil

import pytest

#: The accounts ``livepeer_accounts`` funds (Ape test account indexes).
FUNDED = range(1, 9)
GOVERNOR, OPERATOR = 0, 9


@pytest.fixture(scope="session")
def livepeer_round_length() -> int:
    """Round length, in blocks, on both layers."""
    return 20


@pytest.fixture(scope="session")
def livepeer_genesis_lpt() -> int:
    """L1 LPT (base units) minted to each funded account at deployment."""
    return 10_000 * 10**18


@pytest.fixture(scope="session")
def livepeer_inflation(request) -> str:
    """Where the deployed system mints its rewards: ``"l2"`` or ``"l1"`` (``"l2"`` unless a test parametrizes it
    indirectly, or a conftest overrides it)."""
    return getattr(request, "param", "l2")


@pytest.fixture(scope="session")
def livepeer_rounds_per_l1_round() -> int:
    """With ``livepeer_inflation`` ``"l1"``: L2 rounds per L1 round."""
    return 4


@pytest.fixture(scope="session")
def livepeer_chains(livepeer_inflation):
    """A local L1 and L2 (fresh anvils on free ports), for the whole session; one pair per ``livepeer_inflation``
    mode that tests ask for (a pair holds one simulator, so one deployment)."""
    from ape_livepeer_migration.chains.pair import TwoChains

    with TwoChains.local() as chains:
        yield chains


@pytest.fixture(scope="session")
def livepeer(
    livepeer_chains,
    livepeer_round_length,
    livepeer_genesis_lpt,
    livepeer_inflation,
    livepeer_rounds_per_l1_round,
    tmp_path_factory,
):
    """The whole system deployed on ``livepeer_chains``; governor: test account 0, operator: test account 9."""
    from ape import accounts

    from ape_livepeer_migration.session.livepeer import Livepeer

    test_accounts = accounts.test_accounts
    session = Livepeer.open(livepeer_chains, tmp_path_factory.mktemp("livepeer") / "local.json")
    session.deploy(
        test_accounts[GOVERNOR],
        operator=test_accounts[OPERATOR],
        genesis={test_accounts[i].address: livepeer_genesis_lpt for i in FUNDED},
        params={"round_length": livepeer_round_length},
        inflation=livepeer_inflation,
        rounds_per_l1_round=livepeer_rounds_per_l1_round if livepeer_inflation == "l1" else None,
    )
    return session


@pytest.fixture(scope="session")
def livepeer_accounts(livepeer):
    """The funded test accounts (L1 LPT from genesis, ETH on both layers)."""
    from ape import accounts

    return [accounts.test_accounts[i] for i in FUNDED]


@pytest.fixture
def livepeer_isolation(livepeer, tmp_path):
    """Everything done on either chain during the test is undone afterwards; so is the relayer's journal."""
    journal = livepeer.journal_path
    saved = tmp_path / "journal.db"
    if journal.exists():
        shutil.copy(journal, saved)
    with livepeer.chains.isolated():
        yield livepeer
    journal.unlink(missing_ok=True)
    if saved.exists():
        shutil.copy(saved, journal)


@pytest.fixture
def livepeer_relayer(livepeer_isolation):
    """``relay()``: deliver every pending cross-chain message once (fast-forwarding the L1's challenge period)."""
    return livepeer_isolation.relay
