"""Minter: inflation policy, minting delegates, reward minting and the treasury functions."""

from __future__ import annotations

import ape
import pytest
from shared import LPT

from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import next_round

ZERO = "0x0000000000000000000000000000000000000000"
PERC = 10**9


def test_inflation_rises_below_target_bonding_rate(chains, protocol):
    with chains.l1:
        m = protocol.minter
        # Nothing was bonded when the fixture initialized its round: inflation moved up once from 218500.
        assert m.inflation() == 218_500 + 500
        supply = protocol.token.totalSupply()
        assert m.currentMintableTokens() == supply * 219_000 // PERC
        next_round(chains.l1, protocol.rounds)
        assert m.inflation() == 219_500


def test_inflation_falls_above_target_and_stops_at_zero(chains, protocol, roles):
    with chains.l1:
        m = protocol.minter
        bm = protocol.bonding_manager
        o = roles.orchestrators[0]
        # 8M LPT exist; bond 5M (62.5%) through one orchestrator.
        for holder in (*roles.orchestrators, *roles.delegators[:2]):
            bm.bond(1_000_000 * LPT, o, sender=holder)
        next_round(chains.l1, protocol.rounds)  # the bonded stake becomes active this round ...
        assert bm.getTotalBonded() == 5_000_000 * LPT
        before = m.inflation()
        next_round(chains.l1, protocol.rounds)  # ... and counts for the next adjustment
        assert m.inflation() == before - 500
        m.setInflationChange(PERC, sender=roles.governor)
        next_round(chains.l1, protocol.rounds)
        assert m.inflation() == 0
        assert m.currentMintableTokens() == 0


def test_inflation_is_capped_at_100_percent(chains, protocol, roles):
    with chains.l1:
        m = protocol.minter
        m.setInflationChange(PERC, sender=roles.governor)
        next_round(chains.l1, protocol.rounds)
        assert m.inflation() == PERC


def test_inflation_unchanged_at_target(chains, protocol, roles):
    with chains.l1:
        m = protocol.minter
        m.setTargetBondingRate(0, sender=roles.governor)  # bonding rate 0 == target 0
        before = m.inflation()
        next_round(chains.l1, protocol.rounds)
        assert m.inflation() == before


def test_minting_delegates(chains, protocol, roles):
    gov, gateway = roles.governor, roles.outsider
    with chains.l1:
        m = protocol.minter
        assert m.isMintingDelegate(protocol.bonding_manager)
        with reverts(m.ZeroAddress):
            m.addMintingDelegate(ZERO, sender=gov)
        tx = m.addMintingDelegate(gateway, sender=gov)
        assert tx.events.filter(m.MintingDelegateAdded)[0].delegate == gateway.address
        with reverts(m.AlreadyMintingDelegate, delegate=gateway.address):
            m.addMintingDelegate(gateway, sender=gov)
        tx = m.mint(roles.delegators[0], 42, sender=gateway)
        ev = tx.events.filter(m.DelegateMinted)[0]
        assert (ev.delegate, ev.to, ev.amount) == (gateway.address, roles.delegators[0].address, 42)
        tx = m.removeMintingDelegate(gateway, sender=gov)
        assert tx.events.filter(m.MintingDelegateRemoved)[0].delegate == gateway.address
        with reverts(m.NotMintingDelegate, account=gateway.address):
            m.mint(roles.delegators[0], 1, sender=gateway)
        with reverts(m.NotMintingDelegate, account=gateway.address):
            m.removeMintingDelegate(gateway, sender=gov)


@pytest.fixture
def fake_bm(chains, protocol, roles):
    """The governor points the Minter at an EOA playing the BondingManager (a minting delegate)."""
    with chains.l1:
        protocol.minter.setBondingManager(roles.outsider, sender=roles.governor)
        protocol.minter.addMintingDelegate(roles.outsider, sender=roles.governor)
    return roles.outsider


def test_create_reward_mints_fraction_of_mintable(chains, protocol, fake_bm):
    with chains.l1:
        m = protocol.minter
        mintable = m.currentMintableTokens()
        tx = m.createReward(1, 4, sender=fake_bm)
        assert tx.events.filter(m.RewardCreated)[0].amount == mintable // 4
        assert protocol.token.balanceOf(m) == mintable // 4
        assert m.currentMintedTokens() == mintable // 4
        with reverts(m.InvalidFraction, fracNum=1, fracDenom=0):
            m.createReward(1, 0, sender=fake_bm)
        with reverts(m.InvalidFraction, fracNum=2, fracDenom=1):
            m.createReward(2, 1, sender=fake_bm)
        with reverts(m.MintableExceeded, amount=mintable, remaining=mintable - mintable // 4):
            m.createReward(1, 1, sender=fake_bm)


def test_create_reward_needs_delegate_status(chains, protocol, roles, fake_bm):
    with chains.l1:
        m = protocol.minter
        m.removeMintingDelegate(fake_bm, sender=roles.governor)
        with reverts(m.NotMintingDelegate, account=fake_bm.address):
            m.createReward(1, 1, sender=fake_bm)


def test_treasury_moves_tokens_and_eth(chains, protocol, roles, fake_bm):
    with chains.l1:
        m = protocol.minter
        m.createReward(1, 1, sender=fake_bm)
        held = protocol.token.balanceOf(m)
        tx = m.trustedTransferTokens(roles.delegators[0], 10, sender=fake_bm)
        assert tx.events.filter(m.TokensTransferred)[0].amount == 10
        supply = protocol.token.totalSupply()
        tx = m.trustedBurnTokens(5, sender=fake_bm)
        assert tx.events.filter(m.TokensBurned)[0].amount == 5
        assert protocol.token.balanceOf(m) == held - 15
        assert protocol.token.totalSupply() == supply - 5
        tx = m.depositETH(value=1000, sender=fake_bm)
        assert tx.events.filter(m.ETHDeposited)[0].amount == 1000
        before = chains.l1.provider.get_balance(roles.broker.address)
        tx = m.trustedWithdrawETH(roles.broker, 400, sender=fake_bm)
        assert tx.events.filter(m.ETHWithdrawn)[0].amount == 400
        assert chains.l1.provider.get_balance(roles.broker.address) == before + 400
        # LivepeerToken has no receive(): the transfer fails and nothing moves.
        with reverts(m.ETHTransferFailed, to=protocol.token.address, amount=1):
            m.trustedWithdrawETH(protocol.token, 1, sender=fake_bm)
        assert chains.l1.provider.get_balance(m.address) == 600


def test_parameter_validation(chains, protocol, roles):
    gov = roles.governor
    with chains.l1:
        m = protocol.minter
        with reverts(m.InvalidRate, rate=PERC + 1):
            m.setInflationChange(PERC + 1, sender=gov)
        with reverts(m.InvalidRate, rate=PERC + 1):
            m.setTargetBondingRate(PERC + 1, sender=gov)
        tx = m.setTargetBondingRate(PERC, sender=gov)
        assert tx.events.filter(m.TargetBondingRateSet)[0].targetBondingRate == PERC
        tx = m.setInflationChange(7, sender=gov)
        assert tx.events.filter(m.InflationChangeSet)[0].inflationChange == 7
        with reverts(m.ZeroAddress):
            m.setBondingManager(ZERO, sender=gov)
        minter_type = ape.project.Minter
        t, r = protocol.token, protocol.rounds
        for args in ((ZERO, r, 0, 0, 0), (t, ZERO, 0, 0, 0)):
            with reverts(m.ZeroAddress):
                minter_type.deploy(gov, *args, sender=gov)
        for rates in ((PERC + 1, 0, 0), (0, PERC + 1, 0), (0, 0, PERC + 1)):
            with reverts(m.InvalidRate, rate=PERC + 1):
                minter_type.deploy(gov, t, r, *rates, sender=gov)


def test_unwired_minter_cannot_start_a_round(chains, protocol, roles):
    gov, clock = roles.governor, roles.outsider
    with chains.l1:
        m = ape.project.Minter.deploy(gov, protocol.token, clock, 0, 0, 0, sender=gov)
        with reverts(m.NotWired):
            m.setCurrentRewardTokens(sender=clock)
