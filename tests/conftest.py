"""Shared fixtures: one local L1 + L2 pair per test process, isolated per test."""

import pytest

from ape_livepeer_migration.chains import TwoChains


@pytest.fixture(scope="session")
def two_chains():
    """The local L1 and L2 anvils of this test process (session-wide; free ports)."""
    with TwoChains.local() as pair:
        yield pair


@pytest.fixture
def chains(two_chains):
    """The two chains, with everything a test does on either of them undone afterwards.

    Session fixtures that deploy must come before this one in a test's arguments'
    dependency graph (they do by scope), so their state is in the snapshot.
    """
    with two_chains.isolated():
        yield two_chains


@pytest.fixture(scope="session")
def accounts():
    from ape import accounts as ape_accounts

    return ape_accounts.test_accounts
