"""Shared fixtures: one local L1 + L2 pair per test area (a folder of tests/), isolated per test.

Each area gets its own pair because the Arbitrum simulator lives at fixed L2
addresses (ArbSys 0x64, ArbRetryableTx 0x6E) whose storage outlives a new
deployment: two areas deploying simulators on one L2 would see each other's
request ids. Every area folder is a package, so ``scope="package"`` gives it
its own pair; area fixtures that deploy use that scope too.
"""

import pytest

from ape_livepeer_migration.chains import TwoChains


@pytest.fixture(scope="package")
def two_chains():
    """The local L1 and L2 anvils of this test area (free ports)."""
    with TwoChains.local() as pair:
        yield pair


@pytest.fixture
def chains(two_chains):
    """The two chains, with everything a test does on either of them undone afterwards.

    Package fixtures that deploy come before this one (they do by scope), so
    their state is in the snapshot.
    """
    with two_chains.isolated():
        yield two_chains


@pytest.fixture(scope="session")
def accounts():
    from ape import accounts as ape_accounts

    return ape_accounts.test_accounts
