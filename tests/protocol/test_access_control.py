"""Access-control matrix: every restricted state-changing function, called by every role that may not call it,
reverts with the contract's own custom error naming the caller."""

from __future__ import annotations

import pytest
from shared import LPT

from ape_livepeer_migration.testing.reverts import reverts

ROLES = ("governor", "broker", "orchestrator", "delegator", "outsider")

# (contract attribute, function, argument builder, error name, roles allowed to call it)
OWNER = ("OwnableUnauthorizedAccount", {"governor"})
MATRIX = [
    ("token", "setMinter", lambda p, r: (r.outsider,), *OWNER),
    ("token", "transferOwnership", lambda p, r: (r.outsider,), *OWNER),
    ("token", "renounceOwnership", lambda p, r: (), *OWNER),
    ("token", "mint", lambda p, r: (r.outsider, 1), "NotMinter", set()),
    ("rounds", "setBondingManager", lambda p, r: (r.outsider,), *OWNER),
    ("rounds", "setMinter", lambda p, r: (r.outsider,), *OWNER),
    ("rounds", "setRoundLength", lambda p, r: (100,), *OWNER),
    ("rounds", "setRoundLockAmount", lambda p, r: (1,), *OWNER),
    ("rounds", "transferOwnership", lambda p, r: (r.outsider,), *OWNER),
    ("minter", "setBondingManager", lambda p, r: (r.outsider,), *OWNER),
    ("minter", "setInflationChange", lambda p, r: (1,), *OWNER),
    ("minter", "setTargetBondingRate", lambda p, r: (1,), *OWNER),
    ("minter", "addMintingDelegate", lambda p, r: (r.outsider,), *OWNER),
    ("minter", "removeMintingDelegate", lambda p, r: (p.bonding_manager,), *OWNER),
    ("minter", "transferOwnership", lambda p, r: (r.outsider,), *OWNER),
    ("minter", "mint", lambda p, r: (r.outsider, 1), "NotMintingDelegate", set()),
    ("minter", "setCurrentRewardTokens", lambda p, r: (), "NotRoundsManager", set()),
    ("minter", "createReward", lambda p, r: (1, 1), "NotBondingManager", set()),
    ("minter", "trustedTransferTokens", lambda p, r: (r.outsider, 1), "NotBondingManager", set()),
    ("minter", "trustedBurnTokens", lambda p, r: (1,), "NotBondingManager", set()),
    ("minter", "trustedWithdrawETH", lambda p, r: (r.outsider, 1), "NotBondingManager", set()),
    ("minter", "depositETH", lambda p, r: (), "NotBondingManagerOrTicketBroker", {"broker"}),
    ("bonding_manager", "setTicketBroker", lambda p, r: (r.outsider,), *OWNER),
    ("bonding_manager", "setUnbondingPeriod", lambda p, r: (3,), *OWNER),
    ("bonding_manager", "setNumActiveTranscoders", lambda p, r: (50,), *OWNER),
    ("bonding_manager", "transferOwnership", lambda p, r: (r.outsider,), *OWNER),
    ("bonding_manager", "setCurrentRoundTotalActiveStake", lambda p, r: (), "NotRoundsManager", set()),
    ("bonding_manager", "setMigrator", lambda p, r: (r.outsider,), *OWNER),
    ("bonding_manager", "migrateStake", lambda p, r: (r.delegators[0], r.outsider), "NotMigrator", set()),
    ("bonding_manager", "migrateUnbondingLocks", lambda p, r: (r.delegators[0], [0], r.outsider), "NotMigrator", set()),
    ("bonding_manager", "refundMigratedStake", lambda p, r: (r.delegators[0], 1), "NotMigrator", set()),
    (
        "bonding_manager",
        "updateTranscoderWithFees",
        lambda p, r: (r.orchestrators[0], 1, 1),
        "NotTicketBroker",
        {"broker"},
    ),
]


def _account(roles, role):
    return {
        "governor": roles.governor,
        "broker": roles.broker,
        "orchestrator": roles.orchestrators[0],
        "delegator": roles.delegators[0],
        "outsider": roles.outsider,
    }[role]


@pytest.mark.parametrize(
    "contract_name, fn, args, error, allowed", [pytest.param(*row, id=f"{row[0]}.{row[1]}") for row in MATRIX]
)
def test_unauthorised_callers_are_rejected(chains, protocol, roles, contract_name, fn, args, error, allowed):
    # A rejected call changes nothing, so one snapshot serves every role.
    with chains.l1:
        contract = getattr(protocol, contract_name)
        for role in ROLES:
            if role in allowed:
                continue
            caller = _account(roles, role)
            with reverts(getattr(contract, error), account=caller.address):
                getattr(contract, fn)(*args(protocol, roles), sender=caller)


def test_matrix_covers_every_restricted_function_of_the_abis(protocol):
    """A new restricted function must be added to the matrix: list every non-view function that is not open."""
    open_functions = {
        "token": {"approve", "transfer", "transferFrom", "burn", "burnFrom", "permit", "acceptOwnership"},
        "rounds": {"initializeRound", "acceptOwnership", "renounceOwnership"},
        "minter": {"acceptOwnership", "renounceOwnership"},
        "bonding_manager": {
            "bond",
            "unbond",
            "rebond",
            "rebondFromUnbonded",
            "withdrawStake",
            "withdrawFees",
            "claimEarnings",
            "reward",
            "transcoder",
            "acceptOwnership",
            "renounceOwnership",
        },
    }
    in_matrix = {(c, fn) for c, fn, *_ in MATRIX}
    for name, opened in open_functions.items():
        abi = getattr(protocol, name).contract_type.abi
        mutating = {
            item.name for item in abi if item.type == "function" and item.stateMutability in ("nonpayable", "payable")
        }
        assert mutating - opened == {fn for c, fn in in_matrix if c == name}, name


def test_authorised_paths_are_open(chains, protocol, roles):
    """The matrix's allowed roles really can call: the broker deposits ETH and credits fees."""
    orchestrator = roles.orchestrators[0]
    with chains.l1:
        bm = protocol.bonding_manager
        bm.bond(10 * LPT, orchestrator, sender=orchestrator)
        protocol.minter.depositETH(value=1000, sender=roles.broker)
        bm.updateTranscoderWithFees(orchestrator, 1000, protocol.rounds.currentRound(), sender=roles.broker)
        assert bm.pendingFees(orchestrator, protocol.rounds.currentRound()) == 1000
        assert chains.l1.provider.get_balance(protocol.minter.address) == 1000
