"""tickets.py agrees with the contract: ticket hash, signatures, win decision."""

import secrets
from fractions import Fraction

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ape_livepeer_migration.protocol.tickets import (
    UINT256_MAX,
    BrokerDomain,
    Ticket,
    aux_data,
    draw_winning_ticket,
    is_winning,
    new_recipient_rand,
    new_ticket,
    recipient_rand_hash,
    sign_ticket,
    ticket_hash,
    win_prob,
)

ADDRESS = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
UINT = st.integers(min_value=0, max_value=UINT256_MAX)

tickets = st.builds(
    Ticket,
    recipient=ADDRESS,
    sender=ADDRESS,
    face_value=UINT,
    win_prob=UINT,
    sender_nonce=UINT,
    recipient_rand_hash=st.binary(min_size=32, max_size=32),
    aux_data=st.one_of(st.binary(max_size=100), st.builds(aux_data, UINT, st.binary(min_size=32, max_size=32))),
)


def sample_ticket(**overrides):
    fields = {
        "recipient": "0x" + "11" * 20,
        "sender": "0x" + "44" * 20,
        "face_value": 10**15,
        "win_prob": win_prob(Fraction(1, 2)),
        "sender_nonce": 7,
        "recipient_rand_hash": recipient_rand_hash(12345),
        "aux_data": aux_data(3, b"\xab" * 32),
    }
    fields.update(overrides)
    return Ticket(**fields)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ticket=tickets)
def test_ticket_hash_matches_the_contract(codec_broker, codec_domain, ticket):
    assert bytes(codec_broker.getTicketHash(ticket.as_tuple())) == ticket_hash(ticket, codec_domain)


@pytest.mark.parametrize(
    "field, value",
    [
        ("recipient", "0x" + "22" * 20),
        ("sender", "0x" + "33" * 20),
        ("face_value", 10**15 + 1),
        ("win_prob", 1),
        ("sender_nonce", 8),
        ("recipient_rand_hash", b"\x01" * 32),
        ("aux_data", aux_data(4, b"\xab" * 32)),
    ],
)
def test_every_field_changes_the_hash(codec_domain, field, value):
    base = sample_ticket()
    changed = sample_ticket(**{field: value})
    assert ticket_hash(base, codec_domain) != ticket_hash(changed, codec_domain)


def test_hash_is_bound_to_broker_and_chain(codec_domain):
    ticket = sample_ticket()
    other_broker = BrokerDomain(codec_domain.chain_id, "0x" + "55" * 20)
    other_chain = BrokerDomain(codec_domain.chain_id + 1, codec_domain.address)
    hashes = {ticket_hash(ticket, d) for d in (codec_domain, other_broker, other_chain)}
    assert len(hashes) == 3


def test_ape_account_eth_account_and_raw_key_sign_alike(accounts, codec_domain):
    sender = accounts[1]
    ticket = sample_ticket(sender=sender.address)
    local = Account.from_key(sender.private_key)
    by_ape = sign_ticket(ticket, sender, codec_domain)
    by_local = sign_ticket(ticket, local, codec_domain)
    by_key = sign_ticket(ticket, sender.private_key, codec_domain)
    assert by_ape == by_local == by_key
    assert len(by_ape) == 65 and by_ape[64] in (27, 28)
    message = encode_defunct(primitive=ticket_hash(ticket, codec_domain))
    assert Account.recover_message(message, signature=by_ape) == sender.address


def test_signing_refused_by_the_account_is_an_error(codec_domain):
    class Declines:
        def sign_message(self, message):
            return None

    with pytest.raises(ValueError, match="declined"):
        sign_ticket(sample_ticket(), Declines(), codec_domain)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sig=st.binary(max_size=70), rand=UINT, prob=UINT)
def test_win_decision_matches_the_contract(codec_broker, sig, rand, prob):
    assert codec_broker.isWinningTicket(sig, rand, prob) == is_winning(sig, rand, prob)


def test_win_threshold_is_strict(codec_broker):
    sig, rand = secrets.token_bytes(65), new_recipient_rand()
    draw = int.from_bytes(keccak(sig + rand.to_bytes(32, "big")), "big")
    assert not is_winning(sig, rand, draw)
    assert is_winning(sig, rand, draw + 1)
    assert codec_broker.isWinningTicket(sig, rand, draw) is False
    assert codec_broker.isWinningTicket(sig, rand, draw + 1) is True
    assert not is_winning(sig, rand, 0)


def test_win_prob_from_probability():
    assert win_prob(0) == 0
    assert win_prob(1) == UINT256_MAX
    assert win_prob(Fraction(1, 2)) == 2**255
    assert win_prob("1/4") == 2**254
    for bad in (-1, Fraction(3, 2)):
        with pytest.raises(ValueError, match="within"):
            win_prob(bad)


def test_ticket_rejects_out_of_range_fields():
    with pytest.raises(ValueError, match="face_value"):
        sample_ticket(face_value=2**256)
    with pytest.raises(ValueError, match="sender_nonce"):
        sample_ticket(sender_nonce=-1)
    with pytest.raises(ValueError, match="32 bytes"):
        sample_ticket(recipient_rand_hash=b"\x00" * 31)


def test_aux_data_layout():
    data = aux_data(5, b"\xcd" * 32)
    assert data == (5).to_bytes(32, "big") + b"\xcd" * 32


def test_recipient_rand_hash_is_keccak_of_uint256():
    assert recipient_rand_hash(1) == keccak((1).to_bytes(32, "big"))
    assert new_recipient_rand() != new_recipient_rand()


def test_new_ticket_commits_to_its_secret_and_is_signed_by_its_sender(accounts, codec_domain):
    signer, recipient = accounts[1], "0x" + "22" * 20
    aux = aux_data(3, b"\xab" * 32)
    ticket, signature, rand = new_ticket(signer, codec_domain, recipient, 10**15, 2**255, 9, aux)
    assert ticket == Ticket(recipient, signer.address, 10**15, 2**255, 9, recipient_rand_hash(rand), aux)
    assert signature == sign_ticket(ticket, signer, codec_domain)
    on_behalf, _, other_rand = new_ticket(
        signer, codec_domain, recipient, 1, 1, 1, aux, sender_address="0x" + "44" * 20
    )
    assert on_behalf.sender == "0x" + "44" * 20 and other_rand != rand


def test_draw_winning_ticket_signs_consecutive_nonces_until_one_wins(accounts, codec_broker, codec_domain):
    signer, recipient, aux = accounts[1], "0x" + "22" * 20, aux_data(3, b"\xab" * 32)
    certain, _, _ = draw_winning_ticket(signer, codec_domain, recipient, 1, UINT256_MAX, 5, aux)
    assert certain.sender_nonce == 5  # a sure win takes one ticket
    nonces = set()
    for _ in range(20):
        ticket, signature, rand = draw_winning_ticket(signer, codec_domain, recipient, 1, 2**254, 5, aux)
        assert ticket.sender_nonce >= 5 and ticket.win_prob == 2**254
        assert signature == sign_ticket(ticket, signer, codec_domain)
        assert codec_broker.isWinningTicket(signature, rand, ticket.win_prob) is True
        nonces.add(ticket.sender_nonce)
    assert len(nonces) > 1  # 20 draws at 1 in 4 all stopping at the same nonce: probability below 1e-11
