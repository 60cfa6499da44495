"""LPT across the bridge (deposits L1 -> L2, withdrawals L2 -> L1) and the local relayer that carries messages."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ape_livepeer_migration.exceptions import LivepeerError
from ape_livepeer_migration.session.preflight import Call, require_amount
from ape_livepeer_migration.session.results import Preview, RelayPreview, SentTransaction
from ape_livepeer_migration.session.withdrawals import require_withdrawal_path

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from ape_livepeer_migration.relayer.core import Relayer
    from ape_livepeer_migration.session.deployment import Deployment
    from ape_livepeer_migration.session.preflight import Preflight
    from ape_livepeer_migration.session.transactions import TxOptions


def check_bridge(
    deployment: Deployment, preflight: Preflight, direction: str, address: str, amount: int, to: str | None = None
) -> Preview:
    """Refuse a bridge ``direction`` ("in": L1 -> L2, "out": L2 -> L1) of ``amount`` that cannot succeed (amount
    not above 0 or above the balance, too little ETH for the deposit's L2 fees and L1 gas or for the withdrawal's
    estimated L2 gas). Returns what it would send (a deposit's
    :class:`~ape_livepeer_migration.bridge.gas.RetryableGasParams` as ``prepared``); sends nothing."""
    from ape_livepeer_migration.bridge.transfers import deposit_data, deposit_gas_params

    s = deployment.system
    b = s.bridge
    to = str(to or address)
    details = {"to": to, "amount_wei": amount}
    if direction == "in":
        require_amount(amount, s.l1.token.balanceOf(address), "L1 LPT", address)
        gas = deposit_gas_params(b, address, to, amount)
        preflight.require_eth("l1", address, gas.value, "the deposit's L2 fees")
        args = (
            str(b.l1_token.address),
            to,
            amount,
            gas.gas_limit,
            gas.gas_price_bid,
            deposit_data(gas.max_submission_cost),
        )
        calls = [Call(b.l1_gateway, "outboundTransfer", args, gas.value)]
        layer, token, gateway, what = "l1", b.l1_token, b.l1_gateway, "the deposit"
    elif direction == "out":
        require_amount(amount, b.l2_token.balanceOf(address), "L2 LPT", address)
        require_withdrawal_path(deployment)
        gas = None
        calls = [Call(b.l2_gateway, "outboundTransfer", (str(b.l1_token.address), to, amount, b""))]
        layer, token, gateway, what = "l2", b.l2_token, b.l2_gateway, "the withdrawal"
    else:
        raise LivepeerError(f"unknown bridge direction {direction!r} (in or out)")
    if token.allowance(address, gateway.address) < amount:
        calls.insert(0, Call(token, "approve", (str(gateway.address), amount)))
    estimated = preflight.require_gas(layer, address, what, calls)
    operation = f"bridge-{direction}"
    return Preview(layer, address, operation, tuple(calls), estimated, preflight.fee_per_gas(layer), details, gas)


def bridge_in(
    deployment: Deployment, preflight: Preflight, account: AccountAPI, amount: int, to: str | None = None
) -> SentTransaction:
    """Deposit ``amount`` L1 LPT of ``account`` for ``to`` (default: itself) on L2; approves the gateway if needed."""
    from ape_livepeer_migration.bridge.transfers import bridge_in as send_deposit

    to = str(to or account.address)
    gas = check_bridge(deployment, preflight, "in", account.address, amount, to).prepared
    deposit = send_deposit(deployment.system.bridge, account, to, amount, gas=gas)
    return SentTransaction(
        "l1",
        deposit.receipt.txn_hash,
        deposit.receipt.gas_used,
        {
            "to": to,
            "amount_wei": amount,
            "sequence_number": deposit.sequence_number,
            "retryable_value_wei": gas.value,
        },
    )


def bridge_out(
    deployment: Deployment, preflight: Preflight, account: AccountAPI, amount: int, to: str | None = None
) -> SentTransaction:
    """Withdraw ``amount`` L2 LPT of ``account`` to ``to`` (default: itself) on L1; approves the gateway if needed.

    The L1 side pays out once the message is executed in the Outbox (``relay`` does so locally)."""
    from ape_livepeer_migration.bridge.transfers import bridge_out as send_withdrawal

    to = str(to or account.address)
    check_bridge(deployment, preflight, "out", account.address, amount, to)
    withdrawal = send_withdrawal(deployment.system.bridge, account, to, amount)
    return SentTransaction(
        "l2",
        withdrawal.receipt.txn_hash,
        withdrawal.receipt.gas_used,
        {"to": to, "amount_wei": amount, "exit_num": withdrawal.exit_num, "l2_to_l1_id": withdrawal.l2_to_l1_id},
    )


def next_step(deployment: Deployment, direction: str) -> str:
    """What happens to a message just sent in ``direction`` ("in": an L1 -> L2 ticket, "out": an L2 -> L1
    withdrawal) and who moves it on: the local relayer where the system has a simulator (or a fork's ticket
    delivery), else the real Arbitrum."""
    relayed = deployment.system.sim is not None
    if direction == "in" and relayed:
        return "run `ape livepeer relay` to deliver it on L2"
    if direction == "in":
        return (
            f"on {deployment.chains.pair.name} Arbitrum delivers the ticket on L2 itself (redeemed when its gas "
            "suffices); check it with `ape livepeer status`"
        )
    if relayed:
        return "it pays out on L1 once the relayer executes it after the challenge period"
    return (
        "it becomes executable in Arbitrum's Outbox after the challenge period "
        "(arbitrum_live.outbox_execution; `finalize` works with the local simulator only)"
    )


def relayer(
    deployment: Deployment,
    operator: AccountAPI | None = None,
    fast_forward: bool = True,
    tx_options: TxOptions | None = None,
) -> Relayer:
    """The local relayer over this deployment, journaled next to the address book.

    ``operator`` must be the simulator's operator (default: the recorded one); its transactions (L2 deliveries, L1
    roots and executions) carry ``tx_options``. With L1 minting each pass also reports the L2 staked supply to L1
    when the figure there is old, as the operator (see
    :meth:`~ape_livepeer_migration.relayer.stake_reports.OracleReports.of`)."""
    from ape_livepeer_migration.relayer.core import Relayer
    from ape_livepeer_migration.relayer.simulator_backend import SimulatorBackend
    from ape_livepeer_migration.relayer.stake_reports import OracleReports

    sim = deployment.simulator(
        "relaying",
        "there is nothing to relay: Arbitrum itself delivers each L1->L2 ticket (redeemed on L2 when its gas "
        "suffices) and makes L2->L1 messages executable after the challenge period; check an account with "
        "`ape livepeer status` (a ticket: arbitrum_live.retryable_status)",
    )
    if operator is not None and operator.address != sim.operator.address:
        raise LivepeerError(f"{operator.address} is not the simulator's operator ({sim.operator.address})")
    if operator is not None:
        sim = replace(sim, operator=operator)
    if tx_options:
        sim = replace(sim, operator=tx_options.signing(sim.operator))
    deployment.journal_path.parent.mkdir(parents=True, exist_ok=True)
    return Relayer.open(
        SimulatorBackend(sim),
        deployment.journal_path,
        fast_forward=fast_forward,
        stake_reports=OracleReports.of(deployment.system, sim.operator),
    )


def relay_preview(relayer: Relayer) -> RelayPreview:
    """What one pass of ``relayer`` would move on now, read from its journal and the chains without writing to
    either: the L1 -> L2 messages it would deliver and the L2 -> L1 ones it would assert a root for or execute
    (journaled and not final, and those sent since its last scan). Sends nothing."""
    from ape_livepeer_migration.relayer.core import L1, L2
    from ape_livepeer_migration.relayer.journal import Direction, Status

    backend, journal = relayer.backend, relayer.journal
    moving = {}
    for chain, direction, statuses, fetch in (
        (L1, Direction.L1_TO_L2, (Status.READY,), backend.inbound),
        (L2, Direction.L2_TO_L1, (Status.WAITING, Status.READY), backend.outbound),
    ):
        ids = [record.id for record in journal.messages(direction, statuses)]
        start, head = journal.cursor(chain), backend.head(chain)
        start = backend.start_block(chain) if start is None else start
        for first in range(start, head + 1, relayer.blocks_per_scan):
            ids += [seen.id for seen in fetch(first, min(head, first + relayer.blocks_per_scan - 1))]
        moving[direction] = tuple(ids)
    return RelayPreview(moving[Direction.L1_TO_L2], moving[Direction.L2_TO_L1])
