"""TicketBroker against the real L1 protocol: funding, redemption, reserve, unlock, every revert."""

import pytest

from ape_livepeer_migration.protocol.tickets import is_winning, sign_ticket
from ape_livepeer_migration.testing.reverts import reverts
from tickets.broker_helpers import TICKET_VALIDITY_PERIOD, UNLOCK_PERIOD

ETH = 10**18
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def balance(chain, address):
    return chain.provider.get_balance(str(address))


# --- funding ---------------------------------------------------------------------------------


def test_fund_deposit(chains, l1p, broadcaster):
    receipt = l1p.broker.fundDeposit(sender=broadcaster, value=3 * ETH)
    assert l1p.broker.senders(broadcaster).deposit == 3 * ETH
    assert [(e.sender, e.amount) for e in receipt.events] == [(broadcaster.address, 3 * ETH)]
    assert balance(chains.l1, l1p.broker.address) == 3 * ETH


def test_fund_reserve(chains, l1p, broadcaster):
    receipt = l1p.broker.fundReserve(sender=broadcaster, value=2 * ETH)
    assert l1p.broker.reserveOf(broadcaster) == 2 * ETH
    assert receipt.events[0].event_name == "ReserveFunded"
    assert receipt.events[0].amount == 2 * ETH


def test_fund_deposit_and_reserve_splits_value(l1p, broadcaster):
    receipt = l1p.broker.fundDepositAndReserve(ETH, 2 * ETH, sender=broadcaster, value=3 * ETH)
    assert l1p.broker.senders(broadcaster).deposit == ETH
    assert l1p.broker.reserveOf(broadcaster) == 2 * ETH
    assert [e.event_name for e in receipt.events] == ["DepositFunded", "ReserveFunded"]


def test_fund_deposit_and_reserve_with_one_part_zero(l1p, broadcaster):
    receipt = l1p.broker.fundDepositAndReserve(0, ETH, sender=broadcaster, value=ETH)
    assert [e.event_name for e in receipt.events] == ["ReserveFunded"]
    assert l1p.broker.senders(broadcaster).deposit == 0


@pytest.mark.parametrize("method", ["fundDeposit", "fundReserve"])
def test_funding_without_value_reverts(l1p, broadcaster, method):
    with reverts("ZeroValue"):
        getattr(l1p.broker, method)(sender=broadcaster)


def test_fund_deposit_and_reserve_value_checks(l1p, broadcaster):
    with reverts("ZeroValue"):
        l1p.broker.fundDepositAndReserve(0, 0, sender=broadcaster)
    with reverts("ValueMismatch", value=ETH, expected=ETH + 1):
        l1p.broker.fundDepositAndReserve(ETH, 1, sender=broadcaster, value=ETH)


def test_funding_cancels_a_pending_unlock(l1p, broadcaster):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    l1p.broker.unlock(sender=broadcaster)
    receipt = l1p.broker.fundReserve(sender=broadcaster, value=ETH)
    assert [e.event_name for e in receipt.events] == ["ReserveFunded", "UnlockCancelled"]
    assert not l1p.broker.isUnlockInProgress(broadcaster)


# --- constructor ----------------------------------------------------------------------------


def test_constructor_rejects_zero_addresses_and_periods(chains, l1p, accounts):
    from ape import project

    deps = [l1p.bonding_manager.address, l1p.minter.address, l1p.rounds_manager.address]
    with chains.l1:
        for i in range(3):
            args = list(deps)
            args[i] = "0x" + "00" * 20
            with reverts("ZeroAddress"):
                project.TicketBroker.deploy(*args, 1, 1, sender=accounts[0])
        for periods in ((0, 1), (1, 0)):
            with reverts("ZeroPeriod"):
                project.TicketBroker.deploy(*deps, *periods, sender=accounts[0])


# --- round anchors --------------------------------------------------------------------------


def test_anchor_records_previous_block_hash_once(chains, l1p):
    l1p.next_round(anchor=False)
    round_ = l1p.current_round()
    receipt = l1p.broker.anchorRound(sender=l1p.keeper)
    with chains.l1:
        from ape import chain

        expected = bytes(chain.blocks[receipt.block_number - 1].hash)
    assert [(e.round, bytes(e.blockHash)) for e in receipt.events] == [(round_, expected)]
    assert l1p.round_hash(round_) == expected
    again = l1p.broker.anchorRound(sender=l1p.keeper)
    assert len(again.events) == 0
    assert l1p.round_hash(round_) == expected


def test_anchor_needs_an_initialized_round(l1p):
    l1p.step_into_next_round()
    with reverts("RoundNotInitialized", round=l1p.current_round()):
        l1p.broker.anchorRound(sender=l1p.keeper)


# --- redemption -----------------------------------------------------------------------------


def test_winning_ticket_pays_from_deposit_and_credits_fees(chains, l1p, broadcaster, orchestrator, delegator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH // 4)
    minter_before = balance(chains.l1, l1p.minter.address)
    round_ = l1p.current_round()
    fees_before = l1p.pending_fees(orchestrator), l1p.pending_fees(delegator)

    receipt = l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)

    event = [e for e in receipt.events if e.event_name == "WinningTicketRedeemed"][0]
    assert bytes(event.ticketHash) == l1p.ticket_hash(ticket)
    assert (event.sender, event.recipient, event.round) == (broadcaster.address, orchestrator.address, round_)
    assert (event.fromDeposit, event.fromReserve) == (ETH // 4, 0)
    assert l1p.broker.usedTickets(l1p.ticket_hash(ticket))
    assert l1p.broker.senders(broadcaster).deposit == ETH - ETH // 4
    assert balance(chains.l1, l1p.broker.address) == ETH - ETH // 4
    assert balance(chains.l1, l1p.minter.address) == minter_before + ETH // 4

    orchestrator_gain = l1p.pending_fees(orchestrator) - fees_before[0]
    delegator_gain = l1p.pending_fees(delegator) - fees_before[1]
    assert orchestrator_gain > 0 and delegator_gain > 0
    # fee share goes to the delegators pro rata; rounding may leave a few wei behind
    assert ETH // 4 - 10 <= orchestrator_gain + delegator_gain <= ETH // 4
    expected_delegator = ETH // 4 * l1p.FEE_SHARE // 10**6 * l1p.DELEGATED // (l1p.SELF_STAKE + l1p.DELEGATED)
    assert abs(delegator_gain - expected_delegator) <= 10


def test_redeemed_fees_can_be_withdrawn_from_the_bonding_manager(chains, l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH // 2)
    l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    fees = l1p.pending_fees(orchestrator)
    payee = "0x" + "77" * 20
    l1p.bonding_manager.withdrawFees(payee, fees, sender=orchestrator)
    assert balance(chains.l1, payee) == fees
    assert l1p.pending_fees(orchestrator) == 0


def test_ticket_is_redeemable_once(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH // 10)
    l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    with reverts("TicketAlreadyRedeemed", ticketHash=l1p.ticket_hash(ticket)):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_losing_ticket_reverts(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH, win_prob=0)
    with reverts("NotWinningTicket"):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_off_chain_win_decision_predicts_redemption(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    outcomes = []
    for nonce in range(1, 5):
        ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, win_prob=2**255, nonce=nonce)
        wins = is_winning(sig, rand, ticket.win_prob)
        outcomes.append(wins)
        if wins:
            l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
            assert l1p.broker.usedTickets(l1p.ticket_hash(ticket))
        else:
            with reverts("NotWinningTicket"):
                l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    assert l1p.broker.senders(broadcaster).deposit == ETH - outcomes.count(True) * 10**15


def test_only_the_recipient_redeems(l1p, broadcaster, orchestrator, orchestrator2):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator)
    with reverts("NotTicketRecipient", caller=orchestrator2.address, recipient=orchestrator.address):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator2)


def test_zero_sender_and_zero_face_value_rejected(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, sender_address="0x" + "00" * 20)
    with reverts("ZeroSender"):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=0)
    with reverts("ZeroFaceValue"):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_inactive_recipient_rejected(l1p, broadcaster, accounts):
    outsider = accounts[9]
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, outsider)
    with reverts("RecipientNotActive", recipient=outsider.address):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=outsider)


def test_uninitialized_round_rejected(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator)
    l1p.step_into_next_round()
    with reverts("RoundNotInitialized", round=l1p.current_round()):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


@pytest.mark.parametrize("length", [0, 63, 65])
def test_malformed_aux_data_rejected(l1p, broadcaster, orchestrator, length):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, aux=b"\x01" * length)
    with reverts("InvalidAuxDataLength", length=length):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_ticket_from_a_future_round_rejected(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    now = l1p.current_round()
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, creation_round=now + 1, block_hash=b"\x07" * 32)
    with reverts("CreationRoundInFuture", creationRound=now + 1, currentRound=now):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_ticket_expires_after_validity_period(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    created = l1p.current_round()
    last_ok, sig_ok, rand_ok = l1p.winning_ticket(broadcaster, orchestrator, nonce=1)
    expired, sig_x, rand_x = l1p.winning_ticket(broadcaster, orchestrator, nonce=2)
    for _ in range(TICKET_VALIDITY_PERIOD - 1):
        l1p.next_round()
    l1p.broker.redeemWinningTicket(last_ok.as_tuple(), sig_ok, rand_ok, sender=orchestrator)
    l1p.next_round()
    with reverts("TicketExpired", creationRound=created, currentRound=created + TICKET_VALIDITY_PERIOD):
        l1p.broker.redeemWinningTicket(expired.as_tuple(), sig_x, rand_x, sender=orchestrator)


def test_wrong_round_block_hash_rejected(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    bad = b"\x5a" * 32
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, block_hash=bad)
    with reverts("CreationRoundBlockHashMismatch", creationRound=l1p.current_round(), ticketBlockHash=bad):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_zero_hash_of_an_unanchored_round_is_not_accepted(l1p, broadcaster, orchestrator):
    """A round nobody anchored has no hash; a zero hash in the ticket must not match that."""
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    l1p.next_round(anchor=False)
    skipped = l1p.current_round()
    l1p.next_round()
    assert l1p.round_hash(skipped) == bytes(32)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, creation_round=skipped, block_hash=bytes(32))
    with reverts("CreationRoundBlockHashMismatch", creationRound=skipped):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)


def test_recipient_rand_must_open_the_commitment(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator)
    with reverts("RecipientRandMismatch"):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand + 1, sender=orchestrator)


# --- signatures -----------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 64, 66])
def test_signature_of_wrong_length_rejected(l1p, broadcaster, orchestrator, length):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator)
    bad = (sig + b"\x00")[:length]
    with reverts("ECDSAInvalidSignatureLength", length=length):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), bad, rand, sender=orchestrator)


def test_signature_of_another_account_rejected(l1p, broadcaster, orchestrator, accounts):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    forger = accounts[9]
    ticket, _, rand = l1p.winning_ticket(broadcaster, orchestrator)
    forged = sign_ticket(ticket, forger, l1p.domain)
    with reverts("SignerMismatch", signer=forger.address, sender=broadcaster.address):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), forged, rand, sender=orchestrator)


def test_malleable_high_s_signature_rejected(l1p, broadcaster, orchestrator):
    """(r, n - s, v ^ 1) recovers the same signer; accepting it would mint a second ticket id."""
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator)
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    high_s = SECP256K1_N - s
    twin = r + high_s.to_bytes(32, "big") + bytes([55 - v])
    with reverts("ECDSAInvalidSignatureS", s=high_s.to_bytes(32, "big")):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), twin, rand, sender=orchestrator)


@pytest.mark.parametrize("mangle", ["zero_r", "bad_v"])
def test_signature_recovering_to_zero_address_rejected(l1p, broadcaster, orchestrator, mangle):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator)
    bad = bytes(32) + sig[32:] if mangle == "zero_r" else sig[:64] + bytes([29])
    with reverts("ECDSAInvalidSignature"):
        l1p.broker.redeemWinningTicket(ticket.as_tuple(), bad, rand, sender=orchestrator)


# --- reserve --------------------------------------------------------------------------------


def test_shortfall_comes_from_reserve_capped_per_recipient_per_round(l1p, broadcaster, orchestrator, orchestrator2):
    reserve = 4 * ETH
    l1p.broker.fundDepositAndReserve(ETH // 2, reserve, sender=broadcaster, value=ETH // 2 + reserve)
    pool = l1p.bonding_manager.getTranscoderPoolSize()
    assert pool == 2
    allocation = reserve // pool
    assert l1p.broker.claimableReserve(broadcaster, orchestrator) == allocation

    big, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=5 * ETH, nonce=1)
    receipt = l1p.broker.redeemWinningTicket(big.as_tuple(), sig, rand, sender=orchestrator)
    event = [e for e in receipt.events if e.event_name == "WinningTicketRedeemed"][0]
    assert (event.fromDeposit, event.fromReserve) == (ETH // 2, allocation)
    round_ = l1p.current_round()
    assert l1p.broker.claimedReserve(broadcaster, orchestrator, round_) == allocation
    assert l1p.broker.claimableReserve(broadcaster, orchestrator) == 0
    assert l1p.broker.reserveOf(broadcaster) == reserve - allocation

    # nothing left for this recipient this round: deposit empty, allocation used
    again, sig2, rand2 = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH, nonce=2)
    with reverts("NoFundsAvailable", sender=broadcaster.address, recipient=orchestrator.address):
        l1p.broker.redeemWinningTicket(again.as_tuple(), sig2, rand2, sender=orchestrator)

    # the other orchestrator still has its own share of the round's reserve
    assert l1p.broker.claimableReserve(broadcaster, orchestrator2) == allocation
    other, sig3, rand3 = l1p.winning_ticket(broadcaster, orchestrator2, face_value=ETH, nonce=3)
    l1p.broker.redeemWinningTicket(other.as_tuple(), sig3, rand3, sender=orchestrator2)
    assert l1p.broker.claimableReserve(broadcaster, orchestrator2) == allocation - ETH

    # next round: allocations are computed afresh from what is left
    l1p.next_round()
    left = reserve - allocation - ETH
    assert l1p.broker.claimableReserve(broadcaster, orchestrator) == left // pool
    # the unredeemed ticket from last round is still valid and now pays from the new allocation
    receipt = l1p.broker.redeemWinningTicket(again.as_tuple(), sig2, rand2, sender=orchestrator)
    event = [e for e in receipt.events if e.event_name == "WinningTicketRedeemed"][0]
    assert (event.fromDeposit, event.fromReserve) == (0, left // pool)


def test_face_value_above_deposit_without_reserve_pays_what_is_there(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH // 2)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH)
    receipt = l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    event = [e for e in receipt.events if e.event_name == "WinningTicketRedeemed"][0]
    assert (event.fromDeposit, event.fromReserve) == (ETH // 2, 0)
    assert l1p.broker.senders(broadcaster).deposit == 0
    assert l1p.broker.usedTickets(l1p.ticket_hash(ticket))


def test_claimable_reserve_is_zero_for_inactive_claimant(l1p, broadcaster, accounts):
    l1p.broker.fundReserve(sender=broadcaster, value=ETH)
    assert l1p.broker.claimableReserve(broadcaster, accounts[9]) == 0


def test_reserve_claims_are_capped_by_what_is_left(l1p, broadcaster, orchestrator, orchestrator2):
    """A withdrawal mid-round leaves that round's claims on the books; the funds left still cap claims."""
    l1p.broker.fundReserve(sender=broadcaster, value=2 * ETH)
    l1p.broker.unlock(sender=broadcaster)
    for _ in range(UNLOCK_PERIOD):
        l1p.next_round()
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH)
    l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    receipt = l1p.broker.withdraw(sender=broadcaster)
    assert receipt.events[0].reserve == ETH
    assert l1p.broker.claimableReserve(broadcaster, orchestrator2) == 0
    l1p.broker.fundReserve(sender=broadcaster, value=10)
    # (10 + ETH claimed this round) / 2 would be far more than the 10 wei that are there
    assert l1p.broker.claimableReserve(broadcaster, orchestrator2) == 10


# --- unlock / withdraw ----------------------------------------------------------------------


def test_unlock_wait_withdraw(chains, l1p, broadcaster):
    l1p.broker.fundDepositAndReserve(ETH, 2 * ETH, sender=broadcaster, value=3 * ETH)
    start = l1p.current_round()
    receipt = l1p.broker.unlock(sender=broadcaster)
    assert (receipt.events[0].startRound, receipt.events[0].withdrawRound) == (start, start + UNLOCK_PERIOD)
    assert l1p.broker.isUnlockInProgress(broadcaster)
    assert l1p.broker.senders(broadcaster).withdrawRound == start + UNLOCK_PERIOD

    for _ in range(UNLOCK_PERIOD - 1):
        l1p.next_round()
        with reverts("UnlockPeriodNotOver", currentRound=l1p.current_round(), withdrawRound=start + UNLOCK_PERIOD):
            l1p.broker.withdraw(sender=broadcaster)
    l1p.next_round()
    before = balance(chains.l1, broadcaster.address)
    receipt = l1p.broker.withdraw(sender=broadcaster)
    fee = receipt.total_fees_paid
    assert balance(chains.l1, broadcaster.address) == before + 3 * ETH - fee
    assert (receipt.events[0].deposit, receipt.events[0].reserve) == (ETH, 2 * ETH)
    assert l1p.broker.senders(broadcaster).deposit == 0
    assert l1p.broker.reserveOf(broadcaster) == 0
    assert not l1p.broker.isUnlockInProgress(broadcaster)
    assert balance(chains.l1, l1p.broker.address) == 0
    with reverts("NoFunds", sender=broadcaster.address):
        l1p.broker.withdraw(sender=broadcaster)


def test_unlock_reverts(l1p, broadcaster):
    with reverts("NoFunds", sender=broadcaster.address):
        l1p.broker.unlock(sender=broadcaster)
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    receipt = l1p.broker.unlock(sender=broadcaster)
    with reverts("UnlockInProgress", withdrawRound=receipt.events[0].withdrawRound):
        l1p.broker.unlock(sender=broadcaster)


def test_withdraw_requires_an_unlock(l1p, broadcaster):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    with reverts("NotUnlocking", sender=broadcaster.address):
        l1p.broker.withdraw(sender=broadcaster)


def test_cancel_unlock(l1p, broadcaster):
    with reverts("NotUnlocking", sender=broadcaster.address):
        l1p.broker.cancelUnlock(sender=broadcaster)
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    l1p.broker.unlock(sender=broadcaster)
    receipt = l1p.broker.cancelUnlock(sender=broadcaster)
    assert receipt.events[0].event_name == "UnlockCancelled"
    assert not l1p.broker.isUnlockInProgress(broadcaster)
    for _ in range(UNLOCK_PERIOD):
        l1p.next_round()
    with reverts("NotUnlocking", sender=broadcaster.address):
        l1p.broker.withdraw(sender=broadcaster)


def test_tickets_stay_redeemable_while_unlocking(l1p, broadcaster, orchestrator):
    l1p.broker.fundDeposit(sender=broadcaster, value=ETH)
    l1p.broker.unlock(sender=broadcaster)
    ticket, sig, rand = l1p.winning_ticket(broadcaster, orchestrator, face_value=ETH // 2)
    l1p.broker.redeemWinningTicket(ticket.as_tuple(), sig, rand, sender=orchestrator)
    assert l1p.broker.senders(broadcaster).deposit == ETH // 2
