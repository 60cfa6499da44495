"""A test written the way a project building on the system would: only the fixtures the installed plugin provides
(its pytest11 entry point); no conftest, no import of them."""

LPT = 10**18


def test_stake_moves_to_l2_and_earns_rewards(livepeer, livepeer_accounts, livepeer_relayer):
    orchestrator, delegator = livepeer_accounts[0], livepeer_accounts[1]
    s = livepeer.system
    bm, rounds = s.l1.bonding_manager, s.l1.rounds
    for account, amount in ((orchestrator, 1_000 * LPT), (delegator, 400 * LPT)):
        s.l1.token.approve(bm.address, amount, sender=account)
    livepeer.chains.l1.mine(rounds.roundLength())
    rounds.initializeRound(sender=orchestrator)
    bm.bond(1_000 * LPT, orchestrator.address, sender=orchestrator)
    bm.transcoder(100_000, 500_000, sender=orchestrator)
    bm.bond(400 * LPT, orchestrator.address, sender=delegator)

    livepeer.migrate(orchestrator)
    assert livepeer_relayer().delivered == [0]
    livepeer.migrate(delegator)  # follows its orchestrator, now registered on L2
    assert livepeer_relayer().delivered == [1]

    l2 = livepeer.status(delegator.address).l2
    assert (l2.delegate, l2.stake) == (orchestrator.address, 400 * LPT)
    livepeer.chains.l2.mine(s.l2_rounds.roundLength())
    minted = livepeer.call_reward(orchestrator).minted
    assert minted > 0
    assert livepeer.status(delegator.address).l2.stake > 400 * LPT


def test_each_test_starts_from_the_deployment(livepeer, livepeer_accounts, livepeer_isolation):
    for account in livepeer_accounts:
        status = livepeer.status(account.address)
        assert status.lpt == {"l1": 10_000 * LPT, "l2": 0}
        assert status.l2.stake == 0 and status.messages == []
