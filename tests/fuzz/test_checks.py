"""The invariant checks themselves: they pass on the deployed system and fail on each kind of violation."""

from __future__ import annotations

from collections import Counter

import pytest
from shared import LPT

from ape_livepeer_migration.testing.invariants import InvariantViolation, check_bridge_invariants, check_stake_invariant


def test_checks_pass_after_the_set_up(chains, world):
    s = check_bridge_invariants(world.system, world.base)
    assert s.l1_inflation == 0 and s.l2_inflation == 0  # the set-up's rewards are in the baseline
    assert s.deposits_initiated == Counter() and s.withdrawals_finalized == []


def test_unbacked_l2_mint_is_caught(chains, world):
    """LPT minted on L2 by anyone but the gateway (a delegate governance added) breaks invariant 1."""
    s, gov = world.system, world.cast.governor
    s.l2_minter.addMintingDelegate(gov.address, sender=gov)
    s.l2_minter.mint(gov.address, LPT, sender=gov)
    with pytest.raises(InvariantViolation, match="inv1: L2 Minter delegate mints"):
        check_bridge_invariants(s, world.base)


def test_unaccounted_l1_mint_is_caught(chains, world):
    """LPT minted on L1 outside rewards and withdrawal shortfalls breaks invariant 2 (and 3)."""
    s, gov = world.system, world.cast.governor
    s.l1.minter.addMintingDelegate(gov.address, sender=gov)
    s.l1.minter.mint(gov.address, LPT, sender=gov)
    with pytest.raises(InvariantViolation, match="inv2: L1 Minter delegate mints"):
        check_bridge_invariants(s, world.base)


def test_lpt_sent_to_the_escrow_outside_the_gateway_is_caught(chains, world):
    """The escrow must hold exactly deposits minus releases: a plain transfer into it is flagged."""
    s, holder = world.system, world.cast.delegators[0]
    s.l1.token.transfer(s.bridge.l1_escrow.address, 1, sender=holder)
    with pytest.raises(InvariantViolation, match="inv1: escrow holds"):
        check_bridge_invariants(s, world.base)


A, B = "0x" + "aa" * 20, "0x" + "bb" * 20


@pytest.mark.parametrize(
    ("holdings", "migrated", "bonded", "withdrawn", "inflation", "error"),
    [
        ({A: 10}, {A: 10}, {}, {}, 0, None),
        ({A: 12, B: 5}, {A: 10}, {B: 5}, {}, 2, None),
        ({A: 7}, {A: 10}, {}, {A: 3}, 0, None),
        ({A: 9}, {A: 10}, {}, {}, 5, "less than"),
        ({A: 11}, {A: 10}, {}, {}, 0, "with no L2 inflation"),
        ({A: 12, B: 6}, {A: 10}, {B: 5}, {}, 2, "exceeds"),
    ],
)
def test_stake_check(holdings, migrated, bonded, withdrawn, inflation, error):
    args = (holdings, Counter(migrated), Counter(bonded), Counter(withdrawn), inflation)
    if error is None:
        check_stake_invariant(*args)
    else:
        with pytest.raises(InvariantViolation, match=error):
            check_stake_invariant(*args)
