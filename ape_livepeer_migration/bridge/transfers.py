"""The LPT bridge between L1 and Arbitrum and L2 minting: deployment, wiring and the user-facing helpers.

::

    bridge = deploy_bridge(chains, l1_protocol, sim, deployer)   # sim: ArbitrumSimulator or an Inbox address
    deposit = bridge_in(bridge, alice, alice.address, 10**18)          # L1: escrow + one retryable
    withdrawal = bridge_out(bridge, alice, alice.address, 10**18)      # L2: burn + one L2 -> L1 message

``bridge_in`` chooses the retryable's gas parameters itself (see :func:`deposit_gas_params`): the submission
fee is queried from the Inbox, the L2 gas limit estimated by running the L2 call from the L1 gateway's alias,
both with margins; whatever is not used is refunded on L2. Delivery (a relayer, or the simulator's primitives
in tests) is not done here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_abi import encode as abi_encode

from ape_livepeer_migration._eth import function_selector
from ape_livepeer_migration.bridge.gas import RetryableGasParams, retryable_gas_params
from ape_livepeer_migration.exceptions import InputError, LivepeerError
from ape_livepeer_migration.protocol.deploy import L2_ECONOMY_PARAMS, L1Protocol, protocol_params

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI

    from ape_livepeer_migration.chains.pair import OnChain, TwoChains

_FINALIZE_SIGNATURE = "finalizeInboundTransfer(address,address,address,uint256,bytes)"


@dataclass(frozen=True)
class Bridge:
    """The deployed bridge (contract instances bound to their chains)."""

    chains: TwoChains
    l1_protocol: L1Protocol
    inbox: str
    l1_escrow: OnChain
    l1_gateway: OnChain
    l1_supply_reporter: OnChain | None  # None in the L1-minting mode: the L2 minter has no policy to report to
    l2_token: OnChain
    l2_rounds: OnChain
    l2_minter: OnChain
    l2_gateway: OnChain

    @property
    def l1_token(self) -> OnChain:
        """L1 LPT, bound to the L1."""
        return self.chains.l1.bind(self.l1_protocol.token)


@dataclass(frozen=True)
class Deposit:
    receipt: ReceiptAPI
    sequence_number: int  # the retryable's delayed-message number
    gas: RetryableGasParams


@dataclass(frozen=True)
class Withdrawal:
    receipt: ReceiptAPI
    exit_num: int
    l2_to_l1_id: int


def deploy_bridge(
    chains: TwoChains,
    l1_protocol: L1Protocol,
    arbitrum: Any,
    deployer: AccountAPI,
    rounds_per_l1_round: int | None = None,
    **l2_params: int,
) -> Bridge:
    """Deploy and wire the bridge and the L2 token economy.

    ``arbitrum`` is the local :class:`~ape_livepeer_migration.arbitrum.simulator.ArbitrumSimulator` or the address of a
    real Arbitrum delayed Inbox.

    L2: L2LivepeerToken, a RoundsManager, the L2Minter (the token's only minter) and the L2LPTGateway (the
    Minter's minting delegate and the token's burning gateway). L1: the L1Escrow, the L1LPTGateway (the escrow's
    gateway and a minting delegate of the L1 Minter, for withdrawal shortfalls) and the L1SupplyReporter (the
    L2Minter's reporter). ``deployer`` must own the L1 protocol and owns everything deployed here.

    In the L1-minting mode (``l1_protocol`` has a stake oracle) the L2 minter is an L2DistributingMinter pacing
    the L1 Minter's deposits over ``rounds_per_l1_round`` L2 rounds (required then), the L1 gateway is no minting
    delegate, there is no supply reporter, and the L1 Minter sends its rounds through the L1 gateway to the L2
    minter (unused retryable fees refunded on L2 to ``deployer``).

    ``l2_params`` override the L2 round length, round lock amount and monetary policy (names as in
    :data:`ape_livepeer_migration.protocol.deploy.DEFAULT_PARAMS`). Not done here: adding the L2 BondingManager as the
    L2Minter's delegate and the RoundsManager's BondingManager, and revoking the L1 BondingManager's delegation
    (which switches L1 inflation off): they belong to the full-system deployment.
    """
    from ape_livepeer_migration.contracts import contract

    p = protocol_params(l2_params, L2_ECONOMY_PARAMS)
    tx = {"sender": deployer}
    l1, l2 = chains.l1, chains.l2
    inbox = getattr(arbitrum, "inbox", arbitrum)
    inbox = str(getattr(inbox, "address", inbox))
    l1_token = str(l1_protocol.token.address)

    with l1:
        # first: the L2 gateway refuses withdrawals to it, so it needs the address
        escrow = contract("L1Escrow").deploy(deployer, l1_token, **tx)

    l1_minting = l1_protocol.stake_oracle is not None
    if l1_minting and rounds_per_l1_round is None:
        raise InputError("the L1-minting mode needs rounds_per_l1_round (L2 rounds per L1 round)")

    with l2:
        l2_token = contract("L2LivepeerToken").deploy(deployer, **tx)
        l2_rounds = contract("RoundsManager").deploy(deployer, p["round_length"], p["round_lock_amount"], **tx)
        if l1_minting:
            l2_minter = contract("L2DistributingMinter").deploy(
                deployer, l2_token, l2_rounds, rounds_per_l1_round, **tx
            )
        else:
            l2_minter = contract("L2Minter").deploy(
                deployer, l2_token, l2_rounds, p["inflation"], p["inflation_change"], p["target_bonding_rate"], **tx
            )
        l2_gateway = contract("L2LPTGateway").deploy(deployer, l1_token, l2_token, l2_minter, escrow.address, **tx)
        l2_token.setMinter(l2_minter, **tx)
        l2_token.setGateway(l2_gateway, **tx)
        l2_rounds.setMinter(l2_minter, **tx)
        l2_minter.addMintingDelegate(l2_gateway, **tx)

    with l1:
        l1_gateway = contract("L1LPTGateway").deploy(
            deployer, inbox, l1_token, l2_token.address, escrow, l1_protocol.minter.address, **tx
        )
        reporter = None
        if not l1_minting:
            reporter = contract("L1SupplyReporter").deploy(deployer, inbox, l1_token, escrow, l2_minter.address, **tx)
        escrow.setGateway(l1_gateway, **tx)
        l1_gateway.setCounterpartGateway(l2_gateway.address, **tx)
        if l1_minting:
            l1_protocol.minter.setL2Route(l1_gateway, l2_minter.address, deployer, **tx)
        else:
            l1_protocol.minter.addMintingDelegate(l1_gateway, **tx)

    with l2:
        l2_gateway.setCounterpartGateway(l1_gateway.address, **tx)
        if reporter is None:
            l2_minter.setRewardSource(l2_gateway, str(l1_protocol.minter.address), **tx)
        else:
            l2_minter.setL1SupplyReporter(reporter.address, **tx)

    return Bridge(
        chains=chains,
        l1_protocol=l1_protocol,
        inbox=inbox,
        l1_escrow=l1.bind(escrow),
        l1_gateway=l1.bind(l1_gateway),
        l1_supply_reporter=None if reporter is None else l1.bind(reporter),
        l2_token=l2.bind(l2_token),
        l2_rounds=l2.bind(l2_rounds),
        l2_minter=l2.bind(l2_minter),
        l2_gateway=l2.bind(l2_gateway),
    )


def finalize_deposit_calldata(bridge: Bridge, l1_from: str, to: str, amount: int, call_hook_data: bytes = b"") -> bytes:
    """The L2 call a deposit's retryable makes: ``L2LPTGateway.finalizeInboundTransfer``."""
    gateway_data = abi_encode(["bytes", "bytes"], [b"", bytes(call_hook_data)])
    return function_selector(_FINALIZE_SIGNATURE) + abi_encode(
        ["address", "address", "address", "uint256", "bytes"],
        [str(bridge.l1_token.address), str(l1_from), str(to), amount, gateway_data],
    )


def deposit_gas_params(
    bridge: Bridge, l1_from: str, to: str, amount: int, call_hook_data: bytes = b"", **margins: Any
) -> RetryableGasParams:
    """Gas parameters of the retryable of a deposit by ``l1_from`` (see :func:`retryable_gas_params`).

    A deposit whose ``call_hook_data`` makes its receiver stake (or touch the L2 active set in any other way) must pass
    ``extra_gas=active_set_gas_bound(system)``: the estimate only covers the set as it is today."""
    calldata = finalize_deposit_calldata(bridge, l1_from, to, amount, call_hook_data)
    return retryable_gas_params(
        bridge.chains, bridge.inbox, str(bridge.l1_gateway.address), str(bridge.l2_gateway.address), calldata, **margins
    )


def deposit_data(max_submission_cost: int, call_hook_data: bytes = b"") -> bytes:
    """The ``_data`` of ``L1LPTGateway.outboundTransfer``: ``abi.encode(maxSubmissionCost, callHookData)``."""
    return abi_encode(["uint256", "bytes"], [max_submission_cost, bytes(call_hook_data)])


# ---------------------------------------------------------------------------- user actions


def _ensure_allowance(token: Any, owner: AccountAPI, spender: Any, amount: int) -> None:
    if token.allowance(owner.address, spender.address) < amount:
        token.approve(spender.address, amount, sender=owner)


def bridge_in(
    bridge: Bridge,
    sender: AccountAPI,
    to: str,
    amount: int,
    *,
    refund_to: str | None = None,
    call_hook_data: bytes = b"",
    gas: RetryableGasParams | None = None,
    approve: bool = True,
    **margins: Any,
) -> Deposit:
    """Deposit ``amount`` L1 LPT of ``sender`` for ``to`` on L2 (one L1 transaction, one retryable).

    Approves the L1 gateway first when ``approve`` and the allowance is short. Excess L2 fees go to ``refund_to``
    (default ``to``). ``gas`` overrides the estimated parameters (:func:`deposit_gas_params`, tuned by ``margins``).
    """
    l1_token = bridge.l1_token
    if gas is None:
        gas = deposit_gas_params(bridge, sender.address, to, amount, call_hook_data, **margins)
    if approve:
        _ensure_allowance(l1_token, sender, bridge.l1_gateway, amount)
    data = deposit_data(gas.max_submission_cost, call_hook_data)
    common = (to, amount, gas.gas_limit, gas.gas_price_bid, data)
    if refund_to is None:
        receipt = bridge.l1_gateway.outboundTransfer(l1_token.address, *common, value=gas.value, sender=sender)
    else:
        receipt = bridge.l1_gateway.outboundTransferCustomRefund(
            l1_token.address, refund_to, *common, value=gas.value, sender=sender
        )
    with bridge.chains.l1:
        (event,) = receipt.decode_logs(bridge.l1_gateway.unwrapped.DepositInitiated)
    return Deposit(receipt=receipt, sequence_number=event._sequenceNumber, gas=gas)


def bridge_out(bridge: Bridge, sender: AccountAPI, to: str, amount: int, *, approve: bool = True) -> Withdrawal:
    """Withdraw ``amount`` L2 LPT of ``sender`` to ``to`` on L1 (one L2 transaction, one L2 -> L1 message).

    The gateway burns with ``sender``'s allowance: approved first when ``approve`` and the allowance is short.
    L2 -> L1 messages carry no fee; the L1 side runs when the message is executed in the Outbox after the
    challenge period.
    """
    if approve:
        _ensure_allowance(bridge.l2_token, sender, bridge.l2_gateway, amount)
    receipt = bridge.l2_gateway.outboundTransfer(str(bridge.l1_token.address), to, amount, b"", sender=sender)
    with bridge.chains.l2:
        (event,) = receipt.decode_logs(bridge.l2_gateway.unwrapped.WithdrawalInitiated)
    return Withdrawal(receipt=receipt, exit_num=event._exitNum, l2_to_l1_id=event._l2ToL1Id)


def report_l1_supply(bridge: Bridge, sender: AccountAPI, *, gas: RetryableGasParams | None = None, **margins: Any):
    """Send the L1 circulating supply to the L2 Minter (one retryable, paid by ``sender``); returns the receipt.

    The estimated gas parameters are raised to the reporter's floors (``MIN_L2_GAS``, ``minGasPriceBid``); unused
    L2 gas is refunded on L2 to ``sender``."""
    reporter = bridge.l1_supply_reporter
    if reporter is None:
        raise LivepeerError("the L1-minting mode has no L1 supply reporter: the L2 stake oracle reports to L1 instead")
    if gas is None:
        next_sequence = reporter.reportCount() + 1
        with bridge.chains.l1:
            from ape import chain

            head = chain.blocks.head
        calldata = function_selector("receiveL1Supply(uint256,uint256,uint256,uint256)") + abi_encode(
            ["uint256"] * 4, [next_sequence, reporter.circulatingSupply(), head.number + 1, head.timestamp]
        )
        gas = retryable_gas_params(
            bridge.chains, bridge.inbox, str(reporter.address), str(bridge.l2_minter.address), calldata, **margins
        )
        # the reporter refuses reports below its floors (so that no report's ticket is made to fail on purpose)
        min_gas, min_bid = bridge.chains.l1.call_batch([(reporter, "MIN_L2_GAS", ()), (reporter, "minGasPriceBid", ())])
        gas = RetryableGasParams(gas.max_submission_cost, max(gas.gas_limit, min_gas), max(gas.gas_price_bid, min_bid))
    return reporter.reportSupply(
        gas.max_submission_cost, gas.gas_limit, gas.gas_price_bid, value=gas.value, sender=sender
    )
