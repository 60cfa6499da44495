"""LivepeerToken and RoundsManager."""

from __future__ import annotations

import ape
from eth_account import Account
from eth_account.messages import encode_typed_data
from shared import GENESIS_BALANCE, LPT, ROUND_LENGTH

from ape_livepeer_migration.bridge.migration import eip712_typed_data
from ape_livepeer_migration.testing.reverts import reverts
from ape_livepeer_migration.testing.rounds import mine_to_next_round

ZERO = "0x0000000000000000000000000000000000000000"


# ---------------------------------------------------------------- LivepeerToken


def test_token_metadata_and_minter(chains, protocol):
    with chains.l1:
        t = protocol.token
        assert (t.name(), t.symbol(), t.decimals()) == ("Livepeer Token", "LPT", 18)
        assert t.minter() == protocol.minter.address


def test_set_minter_emits_and_rejects_zero(chains, protocol, roles):
    with chains.l1:
        t = protocol.token
        with reverts(t.ZeroMinter):
            t.setMinter(ZERO, sender=roles.governor)
        tx = t.setMinter(roles.outsider, sender=roles.governor)
        ev = tx.events.filter(t.MinterSet)[0]
        assert (ev.previousMinter, ev.newMinter) == (protocol.minter.address, roles.outsider.address)
        t.mint(roles.delegators[0], 5, sender=roles.outsider)
        assert t.balanceOf(roles.delegators[0]) == GENESIS_BALANCE + 5
        # The Minter lost the right, so its delegates can no longer mint either.
        protocol.minter.addMintingDelegate(roles.broker, sender=roles.governor)
        with reverts(t.NotMinter, account=protocol.minter.address):
            protocol.minter.mint(roles.broker, 1, sender=roles.broker)


def test_holders_burn_own_tokens_and_burn_from_needs_allowance(chains, protocol, roles):
    a, b = roles.delegators[:2]
    with chains.l1:
        t = protocol.token
        supply = t.totalSupply()
        t.burn(3 * LPT, sender=a)
        assert t.totalSupply() == supply - 3 * LPT
        with reverts(t.ERC20InsufficientAllowance, spender=b.address):
            t.burnFrom(a, 1, sender=b)
        t.approve(b, 1, sender=a)
        t.burnFrom(a, 1, sender=b)
        assert t.totalSupply() == supply - 3 * LPT - 1


def test_permit_sets_allowance_from_a_signature(chains, protocol, roles):
    owner, spender = roles.delegators[0], roles.outsider
    with chains.l1:
        t = protocol.token
        deadline = 2**64
        message = eip712_typed_data(
            "Livepeer Token",
            chains.l1.chain_id,
            t.address,
            "Permit",
            [
                ("owner", "address"),
                ("spender", "address"),
                ("value", "uint256"),
                ("nonce", "uint256"),
                ("deadline", "uint256"),
            ],
            {
                "owner": owner.address,
                "spender": spender.address,
                "value": 7,
                "nonce": t.nonces(owner),
                "deadline": deadline,
            },
        )
        sig = Account.sign_message(encode_typed_data(full_message=message), owner.private_key)
        r, s = sig.r.to_bytes(32, "big"), sig.s.to_bytes(32, "big")
        t.permit(owner, spender, 7, deadline, sig.v, r, s, sender=spender)
        assert t.allowance(owner, spender) == 7


# ---------------------------------------------------------------- RoundsManager


def test_rounds_advance_every_round_length_blocks(chains, protocol, roles):
    with chains.l1:
        rm = protocol.rounds
        r = rm.currentRound()
        start = rm.currentRoundStartBlock()
        assert rm.currentRoundInitialized()
        chains.l1.mine(start + ROUND_LENGTH - chains.l1.block_number - 1)
        assert rm.currentRound() == r  # last block of round r
        chains.l1.mine(1)
        assert rm.currentRound() == r + 1
        assert rm.currentRoundStartBlock() == start + ROUND_LENGTH
        assert not rm.currentRoundInitialized()
        tx = rm.initializeRound(sender=roles.outsider)
        assert tx.events.filter(rm.NewRound)[0].round == r + 1
        assert rm.lastInitializedRound() == r + 1
        assert rm.currentRoundInitialized()
        with reverts(rm.RoundAlreadyInitialized, round=r + 1):
            rm.initializeRound(sender=roles.outsider)


def test_initialize_round_tells_bonding_manager_and_minter(chains, protocol, roles):
    o = roles.orchestrators[0]
    with chains.l1:
        bm = protocol.bonding_manager
        bm.bond(10 * LPT, o, sender=o)
        mine_to_next_round(chains.l1, protocol.rounds)
        tx = protocol.rounds.initializeRound(sender=roles.outsider)
        assert tx.events.filter(bm.CurrentRoundTotalActiveStakeSet)[0].stake == 10 * LPT
        assert tx.events.filter(protocol.minter.SetCurrentRewardTokens)[0].mintable > 0
        assert bm.currentRoundTotalActiveStake() == 10 * LPT


def test_lock_period_is_the_last_tenth_of_a_round(chains, protocol):
    with chains.l1:
        rm = protocol.rounds
        start = rm.currentRoundStartBlock()
        locked_from = start + ROUND_LENGTH - ROUND_LENGTH // 10
        chains.l1.mine(locked_from - chains.l1.block_number - 1)
        assert not rm.currentRoundLocked()
        chains.l1.mine(1)
        assert rm.currentRoundLocked()


def test_set_round_length_applies_from_current_round_start(chains, protocol, roles):
    with chains.l1:
        rm = protocol.rounds
        r = rm.currentRound()
        start = rm.currentRoundStartBlock()
        tx = rm.setRoundLength(100, sender=roles.governor)
        ev = tx.events.filter(rm.RoundLengthSet)[0]
        assert (ev.roundLength, ev.fromRound) == (100, r)
        assert (rm.currentRound(), rm.currentRoundStartBlock()) == (r, start)
        assert rm.currentRoundInitialized()
        chains.l1.mine(start + 100 - chains.l1.block_number)
        assert rm.currentRound() == r + 1
        assert rm.currentRoundStartBlock() == start + 100


def test_rounds_parameter_validation(chains, protocol, roles):
    gov = roles.governor
    with chains.l1:
        rm = protocol.rounds
        with reverts(rm.InvalidRoundLength):
            rm.setRoundLength(0, sender=gov)
        with reverts(rm.InvalidRoundLockAmount, roundLockAmount=1_000_001):
            rm.setRoundLockAmount(1_000_001, sender=gov)
        tx = rm.setRoundLockAmount(1_000_000, sender=gov)
        assert tx.events.filter(rm.RoundLockAmountSet)[0].roundLockAmount == 1_000_000
        assert rm.currentRoundLocked()  # the whole round is locked
        for setter in (rm.setBondingManager, rm.setMinter):
            with reverts(rm.ZeroAddress):
                setter(ZERO, sender=gov)
        with reverts(rm.InvalidRoundLength):
            ape.project.RoundsManager.deploy(gov, 0, 0, sender=gov)
        with reverts(rm.InvalidRoundLockAmount):
            ape.project.RoundsManager.deploy(gov, 10, 1_000_001, sender=gov)


def test_unwired_rounds_manager_cannot_initialize(chains, protocol, roles):
    gov = roles.governor
    with chains.l1:
        rm = ape.project.RoundsManager.deploy(gov, 10, 0, sender=gov)
        assert rm.currentRound() == 1
        with reverts(rm.NotWired):
            rm.initializeRound(sender=gov)
        rm.setBondingManager(protocol.bonding_manager, sender=gov)
        with reverts(rm.NotWired):
            rm.initializeRound(sender=gov)
