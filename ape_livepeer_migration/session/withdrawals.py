"""LPT withdrawals (L2 -> L1) read from the chains: how far each is, and paying out the matured ones on L1."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.preflight import Call
from ape_livepeer_migration.session.results import Finalized, Preview, WithdrawalState

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight


def require_withdrawal_path(deployment: Deployment) -> None:
    """Refuse a withdrawal on a fork pair wired to a real Arbitrum: it could never be paid out on L1."""
    from ape_livepeer_migration.arbitrum.messages import ARB_SYS_ADDRESS
    from ape_livepeer_migration.session.deployment import DELIVERY

    if DELIVERY in deployment.deploy_steps:
        raise LivepeerError(
            f"a withdrawal from the {deployment.chains.pair.name} pair's L2 fork could never be paid out on L1: the "
            f"fork cannot run ArbSys ({ARB_SYS_ADDRESS}, an ArbOS precompile) and nothing confirms its messages in "
            "Arbitrum's real Outbox; withdraw on the real Arbitrum"
        )


def _simulator(deployment: Deployment) -> Any:
    """The simulator whose Outbox pays withdrawals out (refused on a real Arbitrum, saying what to do there)."""
    return deployment.simulator(
        "finding and finalizing withdrawals",
        "once a withdrawal's send root is confirmed (after the challenge period), execute it in Arbitrum's "
        "Outbox with ape_livepeer_migration.arbitrum.live.outbox_execution (not a command)",
    )


def _withdrawal_states(deployment: Deployment, address: str) -> list[tuple[WithdrawalState, Any]]:
    """Each withdrawal from or to ``address`` with its state, and the message and proof that would execute it."""
    from eth_abi import decode as abi_decode
    from eth_utils import to_checksum_address

    from ape_livepeer_migration._eth import function_selector
    from ape_livepeer_migration.arbitrum import simulator as sim_api

    sim = _simulator(deployment)
    messages = sim_api.fetch_l2_to_l1(sim, sim.l2_deploy_block, deployment.chains.l2.block_number)
    roots = sim_api.asserted_roots(sim)
    s = deployment.system
    selector = function_selector("finalizeInboundTransfer(address,address,address,uint256,bytes)")
    gateways = (str(s.bridge.l2_gateway.address).lower(), str(s.bridge.l1_gateway.address).lower())
    found = []
    for message in messages:
        if (message.caller.lower(), message.destination.lower()) != gateways or message.data[:4] != selector:
            continue
        _, sender, to, amount, _ = abi_decode(["address", "address", "address", "uint256", "bytes"], message.data[4:])
        if address.lower() not in (sender.lower(), to.lower()):
            continue
        state, confirmable, proof = "no-root", None, None
        root = sim_api.covering_root(roots, message.position)
        if sim_api.is_executed(sim, message.index):
            state = "executed"
        elif root is not None:
            confirmable = root.confirmable_at_block
            if confirmable <= deployment.chains.l1.block_number:
                state, proof = "executable", sim_api.proof_for(messages[: root.size], message.index)
            else:
                state = "challenge-period"
        withdrawal = WithdrawalState(
            message.position,
            to_checksum_address(sender),
            to_checksum_address(to),
            amount,
            message.l2_tx_hash,
            state,
            confirmable,
        )
        found.append((withdrawal, (message, proof)))
    return found


def withdrawals(deployment: Deployment, address: str) -> list[WithdrawalState]:
    """LPT withdrawals sent from or to ``address``, with their state (read from the chains)."""
    return [state for state, _ in _withdrawal_states(deployment, address)]


def check_finalize(deployment: Deployment, preflight: Preflight, address: str) -> Preview:
    """What finalizing the withdrawals from or to ``address`` whose send root is confirmed would send on L1, paid by
    ``address`` (``prepared``: each withdrawal with the message and proof that execute it). Refuses when none is
    executable, saying why. Sends nothing."""
    from ape_livepeer_migration.arbitrum import simulator as sim_api

    pending = [(w, found) for w, found in _withdrawal_states(deployment, address) if w.state != "executed"]
    executable = [(w, found) for w, found in pending if w.executable]
    if not executable:
        if not pending:
            raise LivepeerError(f"{address} has no withdrawal waiting to be finalized")
        reasons = {
            "challenge-period": lambda w: f"in its challenge period until L1 block {w.confirmable_at}",
            "no-root": lambda w: "not covered by a send root yet (the relayer asserts one: `ape livepeer relay`)",
        }
        raise LivepeerError(
            "nothing to finalize: "
            + "; ".join(f"withdrawal #{w.position} is {reasons[w.state](w)}" for w, _ in pending)
        )
    sim = _simulator(deployment)
    calls = tuple(
        Call(sim.outbox, "executeTransaction", message.execute_args(proof)) for _, (message, proof) in executable
    )
    fee_per_gas = sim_api.fee_kwargs(deployment.chains.l1)["max_fee"]
    gas = preflight.require_gas(
        "l1", address, f"finalizing {len(executable)} withdrawal(s)", calls, fee_per_gas=fee_per_gas
    )
    details = {
        "withdrawals": [w.position for w, _ in executable],
        "amount_wei": sum(w.amount for w, _ in executable),
    }
    fee_per_gas = preflight.tx_options.max_fee or fee_per_gas
    return Preview("l1", address, "finalize", calls, gas, fee_per_gas, details, (sim, executable))


def finalize(deployment: Deployment, preflight: Preflight, account: AccountAPI) -> list[Finalized]:
    """Execute on L1, through the Outbox, every withdrawal from or to ``account`` whose send root is confirmed
    (``account`` pays the L1 gas; the LPT goes to the withdrawal's recipient), after :func:`check_finalize`'s
    checks. Returns each with its L1 transaction."""
    from ape_livepeer_migration.arbitrum import simulator as sim_api

    sim, executable = check_finalize(deployment, preflight, account.address).prepared
    done = []
    for withdrawal, (message, proof) in executable:
        result = sim_api.execute_l2_to_l1(sim, message, proof, sender=account)
        assert result.l1_tx_hash is not None  # sent by this call
        done.append(Finalized(withdrawal, result.l1_tx_hash))
    return done
