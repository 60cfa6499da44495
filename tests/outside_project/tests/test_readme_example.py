"""The fixtures example of the README's "Use it in your own Ape project", verbatim."""

LPT = 10**18


def test_stake_moves_to_l2(livepeer, livepeer_accounts, livepeer_relayer):
    orchestrator = livepeer_accounts[0]  # 10,000 L1 LPT, ETH on both layers
    s = livepeer.system  # the whole system, deployed once per session
    bm = s.l1.bonding_manager
    s.l1.token.approve(bm.address, 1_000 * LPT, sender=orchestrator)
    livepeer.chains.l1.mine(s.l1.rounds.roundLength())
    s.l1.rounds.initializeRound(sender=orchestrator)
    bm.bond(1_000 * LPT, orchestrator.address, sender=orchestrator)
    bm.transcoder(100_000, 500_000, sender=orchestrator)
    livepeer.migrate(orchestrator)
    assert livepeer_relayer().delivered == [0]  # relays every pending message, undone after the test
    assert livepeer.status(orchestrator.address).l2.stake == 1_000 * LPT
