"""L2BondingManager.stakeFor / migrateTranscoder, called by a governor-appointed L2 migrator account."""

from __future__ import annotations

from ape import project
from shared import LPT, MAX_UINT

from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import mine_to_next_round, next_round

from .conftest import check_set_migrator_is_governed

L2BM = project.L2BondingManager


def test_set_migrator_is_governed(chains, l2, accounts):
    with chains.l2:
        check_set_migrator_is_governed(l2.bonding_manager, L2BM, accounts)


def test_stake_for_by_anyone_else_reverts(chains, l2, accounts):
    """Nobody but the L2 migrator can stake on someone's behalf (or change their delegate that way)."""
    bm = l2.bonding_manager
    attacker, victim, native = accounts[9], accounts[5], accounts[2]
    with chains.l2:
        l2.token.approve(bm, MAX_UINT, sender=native)
        for caller in (attacker, native, accounts[0]):
            with reverts(L2BM.NotMigrator, account=caller.address):
                bm.stakeFor(victim, caller, 1, sender=caller)
            with reverts(L2BM.NotMigrator, account=caller.address):
                bm.migrateTranscoder(victim, 1, 0, 0, sender=caller)


def test_stake_for_a_new_delegator_bonds_to_the_requested_orchestrator(chains, l2, accounts):
    """The credit takes no LPT: the Migrator pays the Minter itself in the same transaction (the L2Migrator mints
    there right after the credit)."""
    bm, token = l2.bonding_manager, l2.token
    migrator, native, d = accounts[1], accounts[2], accounts[5]
    with chains.l2:
        minter_before, migrator_before = token.balanceOf(l2.minter), token.balanceOf(migrator)
        delegated = bm.getTranscoder(native).delegatedAmount
        tx = bm.stakeFor(d, native, 40 * LPT, sender=migrator)
        assert (token.balanceOf(l2.minter), token.balanceOf(migrator)) == (minter_before, migrator_before)
        dd = bm.getDelegator(d)
        assert (dd.delegateAddress, dd.bondedAmount) == (native.address, 40 * LPT)
        assert bm.getTranscoder(native).delegatedAmount == delegated + 40 * LPT
        (event,) = [e for e in tx.events if e.event_name == "StakedFor"]
        assert (event.delegator, event.delegate, event.amount) == (d.address, native.address, 40 * LPT)
        assert not [e for e in tx.events if e.event_name == "MigratedStakeAddedToExistingDelegate"]


def test_existing_delegation_is_kept_and_only_grows(chains, l2, accounts):
    """A migration for an L2 address that already delegates elsewhere adds its amount there and changes nothing
    else: not the delegate, not anybody else's stake."""
    bm = l2.bonding_manager
    migrator, native, other_orch, victim, bystander = accounts[1], accounts[2], accounts[3], accounts[5], accounts[6]
    with chains.l2:
        bm.stakeFor(victim, native, 100 * LPT, sender=migrator)
        bm.stakeFor(bystander, native, 10 * LPT, sender=migrator)
        bystander_before = bm.getDelegator(bystander)
        native_delegated = bm.getTranscoder(native).delegatedAmount
        tx = bm.stakeFor(victim, other_orch, 7 * LPT, sender=migrator)
        v = bm.getDelegator(victim)
        assert (v.delegateAddress, v.bondedAmount) == (native.address, 107 * LPT)
        assert bm.getTranscoder(native).delegatedAmount == native_delegated + 7 * LPT
        assert bm.getTranscoder(other_orch).delegatedAmount == 0
        assert bm.getDelegator(bystander) == bystander_before
        (event,) = [e for e in tx.events if e.event_name == "MigratedStakeAddedToExistingDelegate"]
        assert (event.delegator, event.delegate, event.requestedOrchestrator, event.amount) == (
            victim.address,
            native.address,
            other_orch.address,
            7 * LPT,
        )


def test_stake_for_a_registered_orchestrator_adds_to_its_own_stake(chains, l2, accounts):
    """Even a request to delegate an orchestrator elsewhere cannot move it (bond would revert: it does not)."""
    bm = l2.bonding_manager
    migrator, native, other = accounts[1], accounts[2], accounts[3]
    with chains.l2:
        own = bm.getDelegator(native).bondedAmount
        bm.stakeFor(native, other, 5 * LPT, sender=migrator)
        d = bm.getDelegator(native)
        assert (d.delegateAddress, d.bondedAmount) == (native.address, own + 5 * LPT)
        assert bm.isRegisteredTranscoder(native)


def test_migrated_orchestrator_is_registered_with_its_terms(chains, l2, accounts):
    bm = l2.bonding_manager
    migrator, orch, early = accounts[1], accounts[3], accounts[6]
    with chains.l2:
        # one of its delegators migrated first and already points at it
        bm.stakeFor(early, orch, 30 * LPT, sender=migrator)
        assert not bm.isRegisteredTranscoder(orch)
        tx = bm.migrateTranscoder(orch, 2_000 * LPT, 150_000, 400_000, sender=migrator)
        assert bm.isRegisteredTranscoder(orch)
        t = bm.getTranscoder(orch)
        assert (t.rewardCut, t.feeShare) == (150_000, 400_000)
        assert t.delegatedAmount == 2_030 * LPT
        assert bm.getFirstTranscoderInPool() == orch.address  # joined the set, largest stake
        (event,) = [e for e in tx.events if e.event_name == "TranscoderMigrated"]
        assert (event.transcoder, event.amount, event.rewardCut, event.feeShare) == (
            orch.address,
            2_000 * LPT,
            150_000,
            400_000,
        )
        next_round(chains.l2, l2.rounds)
        assert bm.isActiveTranscoder(orch)
        tx = bm.reward(sender=orch)
        assert [e.event_name for e in tx.events if e.event_name == "Reward"] == ["Reward"]


def test_migrated_orchestrator_replaces_the_terms_it_set_on_l2(chains, l2, accounts):
    """An orchestrator already registered on L2 (by its own action) that migrates keeps all its stake, adds the
    migrated stake and runs with its L1 terms from now on; the event says which terms were replaced."""
    bm = l2.bonding_manager
    migrator, native = accounts[1], accounts[2]
    with chains.l2:
        own = bm.getDelegator(native).bondedAmount
        tx = bm.migrateTranscoder(native, 9 * LPT, 1_000_000, 0, sender=migrator)
        t = bm.getTranscoder(native)
        assert (t.rewardCut, t.feeShare) == (1_000_000, 0)
        assert bm.isRegisteredTranscoder(native)
        assert bm.getDelegator(native).bondedAmount == own + 9 * LPT
        (event,) = [e for e in tx.events if e.event_name == "MigratedTranscoderTermsReplaced"]
        assert (event.transcoder, event.previousRewardCut, event.previousFeeShare, event.rewardCut, event.feeShare) == (
            native.address,
            200_000,
            300_000,
            1_000_000,
            0,
        )
        assert not [e for e in tx.events if e.event_name == "MigratedTranscoderStakeMovedToItself"]
        # same terms again: nothing replaced
        tx = bm.migrateTranscoder(native, LPT, 1_000_000, 0, sender=migrator)
        assert not [e for e in tx.events if e.event_name == "MigratedTranscoderTermsReplaced"]


def test_migrated_orchestrator_that_delegated_on_l2_ends_self_delegated(chains, l2, accounts):
    """An orchestrator's L2 address that had delegated to someone else (by its own action) ends registered and
    self-delegated with its L1 terms and all of its stake; its previous delegate loses that stake."""
    bm = l2.bonding_manager
    migrator, native, orch = accounts[1], accounts[2], accounts[5]
    with chains.l2:
        bm.stakeFor(orch, native, 3 * LPT, sender=migrator)  # delegated to native
        native_before = bm.getTranscoder(native).delegatedAmount
        tx = bm.migrateTranscoder(orch, 2 * LPT, 150_000, 400_000, sender=migrator)
        d = bm.getDelegator(orch)
        assert (d.delegateAddress, d.bondedAmount) == (orch.address, 5 * LPT)
        assert bm.isRegisteredTranscoder(orch)
        t = bm.getTranscoder(orch)
        assert (t.rewardCut, t.feeShare, t.delegatedAmount) == (150_000, 400_000, 5 * LPT)
        assert bm.getTranscoder(native).delegatedAmount == native_before - 3 * LPT
        (event,) = [e for e in tx.events if e.event_name == "MigratedTranscoderStakeMovedToItself"]
        assert (event.transcoder, event.previousDelegate, event.amount) == (orch.address, native.address, 3 * LPT)


def test_migrate_transcoder_refuses_terms_above_100_percent(chains, l2, accounts):
    bm = l2.bonding_manager
    migrator, orch = accounts[1], accounts[5]
    with chains.l2:
        with reverts(L2BM.InvalidRewardCut, rewardCut=1_000_001):
            bm.migrateTranscoder(orch, LPT, 1_000_001, 0, sender=migrator)
        with reverts(L2BM.InvalidFeeShare, feeShare=1_000_001):
            bm.migrateTranscoder(orch, LPT, 0, 1_000_001, sender=migrator)


def test_bond_for_is_the_delegators_own_bond(chains, l2, accounts):
    """``bondFor`` (a claim) moves all of the delegator's stake to the delegate it chose, like its own ``bond``."""
    bm = l2.bonding_manager
    migrator, native, d, o = accounts[1], accounts[2], accounts[5], accounts[6]
    with chains.l2:
        bm.stakeFor(o, o, 10 * LPT, sender=migrator)  # another orchestrator
        bm.stakeFor(d, native, 3 * LPT, sender=migrator)
        bm.bondFor(d, o, 2 * LPT, sender=migrator)
        dd = bm.getDelegator(d)
        assert (dd.delegateAddress, dd.bondedAmount) == (o.address, 5 * LPT)
        with reverts(L2BM.NotMigrator, account=d.address):
            bm.bondFor(d, o, LPT, sender=d)
        # a registered orchestrator cannot move its own stake away, by claim or by bond
        with reverts(L2BM.TranscoderCannotRedelegate, transcoder=o.address):
            bm.bondFor(o, native, LPT, sender=migrator)


def test_stake_for_initializes_the_round_instead_of_failing(chains, l2, accounts):
    bm = l2.bonding_manager
    migrator, native, d = accounts[1], accounts[2], accounts[5]
    with chains.l2:
        mine_to_next_round(chains.l2, l2.rounds)
        chains.l2.mine(1)  # views answer for the latest block: step into the new round
        assert not l2.rounds.currentRoundInitialized()
        bm.stakeFor(d, native, 3 * LPT, sender=migrator)
        assert l2.rounds.currentRoundInitialized()
        assert bm.getDelegator(d).bondedAmount == 3 * LPT


def test_reward_initializes_the_round_it_mints_for(chains, l2, accounts):
    """On L2, reward() in a round nobody initialized starts the round in the same transaction, late in the round
    too, then mints on that round's total active stake and mintable tokens; the round cannot start twice."""
    bm, rounds, minter, native = l2.bonding_manager, l2.rounds, l2.minter, accounts[2]
    with chains.l2:
        mine_to_next_round(chains.l2, rounds)
        chains.l2.mine(rounds.roundLength() - 2)  # the reward lands in the round's last block but one
        current = rounds.currentRound()
        assert not rounds.currentRoundInitialized()
        tx = bm.reward(sender=native)
        assert [e.round for e in tx.decode_logs(rounds.NewRound)] == [current]
        assert rounds.lastInitializedRound() == current == bm.getTranscoder(native).lastRewardRound
        assert bm.currentRoundTotalActiveStake() == 1_000 * LPT
        (reward,) = tx.decode_logs(bm.Reward)
        assert reward.amount == minter.currentMintableTokens() == minter.currentMintedTokens() > 0
        with reverts(rounds.RoundAlreadyInitialized, round=current):  # in the round's last block
            rounds.initializeRound(sender=accounts[0])
