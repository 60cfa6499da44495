"""A project's test against the other monetary design: the plugin's fixtures with ``livepeer_inflation`` "l1"
(rewards minted on L1, handed out on L2), chosen for this module alone."""

import pytest

LPT = 10**18
pytestmark = pytest.mark.parametrize("livepeer_inflation", ["l1"], indirect=True)


def test_rewards_minted_on_l1_are_handed_out_on_l2(livepeer, livepeer_accounts, livepeer_relayer):
    orchestrator = livepeer_accounts[0]
    s = livepeer.system
    assert livepeer.minting().inflation.mode == "l1"
    bm, rounds = s.l1.bonding_manager, s.l1.rounds
    s.l1.token.approve(bm.address, 1_000 * LPT, sender=orchestrator)
    livepeer.chains.l1.mine(rounds.roundLength())
    rounds.initializeRound(sender=orchestrator)  # no stake report yet: the round's mint waits (and lapses)
    bm.bond(1_000 * LPT, orchestrator.address, sender=orchestrator)
    bm.transcoder(100_000, 500_000, sender=orchestrator)
    livepeer.migrate(orchestrator)
    relayed = livepeer_relayer()
    assert relayed.delivered == [0] and relayed.stake_reported == 0  # the oracle had no report: the relayer sent one

    s.l1.minter.fundGasBudget(value=10**18, sender=orchestrator)  # a keeper pays the rounds' retryables
    livepeer.chains.l1.mine(rounds.roundLength())
    rounds.initializeRound(sender=orchestrator)  # mints the L1 round's rewards and sends them to L2
    assert livepeer_relayer().delivered == [1]
    livepeer.chains.l2.mine(s.l2_rounds.roundLength())
    supply = s.l2_token.totalSupply()
    called = livepeer.call_reward(orchestrator)
    handed_out = called.reward
    assert handed_out > 0 and called.minted == 0 and s.l2_token.totalSupply() == supply  # handed out, not minted
    assert livepeer.status(orchestrator.address).l2.stake == 1_000 * LPT + handed_out
