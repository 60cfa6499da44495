"""Fixtures of the migration tests."""

from __future__ import annotations

import pytest
from ape import project

from protocol.helpers import LPT, MAX_UINT, ROUND_LENGTH

ZERO = "0x" + "00" * 20


class L2:
    def __init__(self, token, rounds, minter, bm):
        self.token, self.rounds, self.minter, self.bonding_manager = token, rounds, minter, bm


def l2_next_round(chains, p, initialize=True):
    with chains.l2:
        start, length = p.rounds.currentRoundStartBlock(), p.rounds.roundLength()
        blocks = start + length - chains.l2.block_number - 1
        if blocks > 0:
            chains.l2.mine(blocks)
        if initialize:
            p.rounds.initializeRound(sender=p.token.owner())


@pytest.fixture(scope="session")
def l2(two_chains, accounts):
    """Unit-test L2 staking: the protocol's own token, rounds and Minter on the L2 chain around an
    L2BondingManager (its migration rules do not depend on the L2 token or Minter flavour; the full system
    tests use those). accounts[1] is the L2 migrator (funded, approving); accounts[2] an L2-native orchestrator with its own terms."""
    gov, migrator, native = accounts[0], accounts[1], accounts[2]
    with two_chains.l2:
        token = project.LivepeerToken.deploy(gov, sender=gov)
        rounds = project.RoundsManager.deploy(gov, ROUND_LENGTH, 100_000, sender=gov)
        minter = project.Minter.deploy(gov, token, rounds, 218_500, 500, 500_000_000, sender=gov)
        bm = project.L2BondingManager.deploy(gov, token, minter, rounds, 7, 100, sender=gov)
        token.setMinter(gov, sender=gov)
        token.mint(migrator, 100_000 * LPT, sender=gov)
        token.mint(native, 10_000 * LPT, sender=gov)
        token.setMinter(minter, sender=gov)
        minter.setBondingManager(bm, sender=gov)
        minter.addMintingDelegate(bm, sender=gov)
        rounds.setBondingManager(bm, sender=gov)
        rounds.setMinter(minter, sender=gov)
        bm.setL2Migrator(migrator, sender=gov)
        token.approve(bm, MAX_UINT, sender=migrator)
        token.approve(bm, MAX_UINT, sender=native)
        p = L2(token, rounds, minter, bm)
        l2_next_round(two_chains, p)
        bm.bond(1_000 * LPT, native, sender=native)
        bm.transcoder(200_000, 300_000, sender=native)
    return p


