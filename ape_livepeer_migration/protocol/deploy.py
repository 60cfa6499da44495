"""Deployment and wiring of the Livepeer protocol contracts.

Run inside the chain it deploys to (``with chains.l1:`` in tests, or an ``ape`` network context in scripts)::

    protocol = deploy_l1_protocol(deployer, genesis={alice.address: 10**24})
    protocol.bonding_manager.bond(10**21, alice, sender=alice)
    broker = deploy_ticket_broker(protocol, deployer, unlock_period=2, ticket_validity_period=2)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ape_livepeer_migration.exceptions import InputError

#: Protocol parameters of the real Livepeer deployment; precisions in the contracts' NatSpec.
DEFAULT_PARAMS: dict[str, int] = {
    "round_length": 5760,  # blocks
    "round_lock_amount": 100_000,  # last 10% of a round is locked (precision 1e6)
    "unbonding_period": 7,  # rounds
    "num_active_transcoders": 100,
    "inflation": 218_500,  # per round, precision 1e9
    "inflation_change": 500,  # precision 1e9
    "target_bonding_rate": 500_000_000,  # precision 1e9
}


#: The parameters of the L2 round length and monetary policy (the L2 BondingManager takes the other two).
L2_ECONOMY_PARAMS = ("round_length", "round_lock_amount", "inflation", "inflation_change", "target_bonding_rate")


def protocol_params(
    overrides: Mapping[str, int] | None = None, names: Collection[str] = DEFAULT_PARAMS
) -> dict[str, int]:
    """:data:`DEFAULT_PARAMS` with ``overrides`` applied; refuses (:class:`InputError`) a name not in ``names``."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(names)
    if unknown:
        raise InputError(f"unknown protocol parameters: {', '.join(sorted(unknown))}")
    return {**DEFAULT_PARAMS, **overrides}


#: The inflation modes: ``"l2"`` (each layer's Minter mints its rewards; L1 mints withdrawal shortfalls) and ``"l1"``
#: (only the L1 Minter mints, a whole L1 round at a time, and sends it all to the L2 minter, which hands it out over
#: the L2 rounds; an L2StakeOracle reports the L2 staked supply to L1).
INFLATION_MODES = ("l2", "l1")


@dataclass(frozen=True)
class L1Protocol:
    """The deployed L1 protocol contracts (Ape contract instances)."""

    token: Any
    rounds: Any
    minter: Any  # Minter, or L1InflationMinter in the L1-minting mode
    bonding_manager: Any
    stake_oracle: Any = None  # the L2StakeOracle of the L1-minting mode


def deploy_l1_protocol(
    deployer: Any,
    genesis: Mapping[str, int] | None = None,
    ticket_broker: str | None = None,
    inflation: str = "l2",
    **params: int,
) -> L1Protocol:
    """Deploy LPT, RoundsManager, Minter and the L1 BondingManager and wire every permission.

    ``deployer`` becomes the owner (governor) of all four contracts. ``genesis`` maps addresses to LPT minted
    before minting is handed to the Minter. ``ticket_broker``, when given, is allowed to credit fees.
    ``params`` override :data:`DEFAULT_PARAMS`; an unknown name raises :class:`InputError`. ``inflation="l1"``
    (see :data:`INFLATION_MODES`) deploys an L2StakeOracle and the L1InflationMinter instead of the Minter, and the
    BondingManager gets no minting authority (L1 ``reward()`` reverts); the oracle has no reporter yet.
    """
    from ape_livepeer_migration.contracts import contract

    if inflation not in INFLATION_MODES:
        raise InputError(f"unknown inflation mode {inflation!r}: one of {', '.join(INFLATION_MODES)}")
    p = protocol_params(params)
    tx = {"sender": deployer}
    policy = (p["inflation"], p["inflation_change"], p["target_bonding_rate"])

    token = contract("LivepeerToken").deploy(deployer, **tx)
    rounds = contract("RoundsManager").deploy(deployer, p["round_length"], p["round_lock_amount"], **tx)
    oracle = None
    if inflation == "l1":
        oracle = contract("L2StakeOracle").deploy(deployer, token, **tx)
        minter = contract("L1InflationMinter").deploy(deployer, token, rounds, oracle, *policy, **tx)
    else:
        minter = contract("Minter").deploy(deployer, token, rounds, *policy, **tx)
    bonding_manager = contract("BondingManager").deploy(
        deployer, token, minter, rounds, p["unbonding_period"], p["num_active_transcoders"], **tx
    )

    if genesis:
        token.setMinter(deployer, **tx)
        for holder, amount in genesis.items():
            token.mint(holder, amount, **tx)
    token.setMinter(minter, **tx)
    minter.setBondingManager(bonding_manager, **tx)
    if oracle is None:
        minter.addMintingDelegate(bonding_manager, **tx)
    rounds.setBondingManager(bonding_manager, **tx)
    rounds.setMinter(minter, **tx)
    if ticket_broker is not None:
        bonding_manager.setTicketBroker(ticket_broker, **tx)
    return L1Protocol(token=token, rounds=rounds, minter=minter, bonding_manager=bonding_manager, stake_oracle=oracle)


def deploy_ticket_broker(protocol: L1Protocol, deployer: Any, unlock_period: int, ticket_validity_period: int) -> Any:
    """Deploy a TicketBroker on ``protocol`` (periods in rounds) and allow it to credit fees in its BondingManager;
    ``deployer`` must own the BondingManager. Returns the broker."""
    from ape_livepeer_migration.contracts import contract

    broker = contract("TicketBroker").deploy(
        protocol.bonding_manager.address,
        protocol.minter.address,
        protocol.rounds.address,
        unlock_period,
        ticket_validity_period,
        sender=deployer,
    )
    protocol.bonding_manager.setTicketBroker(broker.address, sender=deployer)
    return broker
