"""Gas of the LPT bridge paths, measured on the local simulator.

Usage (from the project root, after ``ape compile``)::

    python bench/gas_bridge.py

Prints one line per measurement and writes ``bench/results-bridge.json``. Every figure is a
transaction's ``gasUsed`` (intrinsic gas included) in a steady state: the escrow, the receiver's balance
and the gateway counters already hold non-zero values, as they do on a live bridge.

* ``l1.bridge_in.*``: ``L1LPTGateway.outboundTransfer``/``outboundTransferCustomRefund`` (escrow
  transfer + the simulator's Inbox, whose cost is close to but not exactly Nitro's);
* ``l2.finalize_deposit.*``: ``L2LPTGateway.finalizeInboundTransfer`` sent by the L1 gateway's alias,
  i.e. what the retryable's redeem executes (mint through the L2 Minter; with a recording hook);
* ``l2.bridge_out``: ``L2LPTGateway.outboundTransfer`` (burn with allowance + ArbSys);
* ``l1.finalize_withdrawal.*``: ``Outbox.executeTransaction`` of one withdrawal (1-leaf proof
  after a second message), paid out of the escrow, partly minted, or wholly minted.
"""

from __future__ import annotations

from pathlib import Path

from eth_abi import encode as abi_encode
from figures import gas_of, report

RESULTS = Path(__file__).with_name("results-bridge.json")
LPT = 10**18


def measure() -> dict:
    from ape import accounts, project

    from ape_livepeer_migration.arbitrum import simulator as sim_api
    from ape_livepeer_migration.arbitrum.messages import apply_l1_to_l2_alias
    from ape_livepeer_migration.bridge.transfers import bridge_in, bridge_out, deploy_bridge, deposit_gas_params
    from ape_livepeer_migration.chains.pair import TwoChains
    from ape_livepeer_migration.protocol.deploy import deploy_l1_protocol

    results: dict[str, int] = {}
    test = accounts.test_accounts
    governor, alice, bob, operator = test[0], test[1], test[2], test[9]
    with TwoChains.local() as chains:
        sim = sim_api.deploy_simulator(chains, operator)
        with chains.l1:
            protocol = deploy_l1_protocol(governor, genesis={alice.address: 10**6 * LPT, bob.address: 10**6 * LPT})
        with chains.l2:
            governor.transfer(governor, 0)
        bridge = deploy_bridge(chains, protocol, sim.inbox.address, governor)
        with chains.l2:
            receiver = chains.l2.bind(project.TestLPTReceiver.deploy(bridge.l2_token.address, sender=governor))
        l1_token = chains.l1.bind(protocol.token)
        l1_token.approve(bridge.l1_gateway.address, 2**255, sender=alice)
        bridge.l2_token.approve(bridge.l2_gateway.address, 2**255, sender=alice)

        def deliver(receipt):
            (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
            return sim_api.deliver_retryable(sim, message)

        deliver(bridge_in(bridge, bob, bob.address, LPT, approve=True).receipt)  # warm escrow and counters
        deposit = bridge_in(bridge, alice, alice.address, 20 * LPT)
        results["l1.bridge_in.outboundTransfer"] = int(deposit.receipt.gas_used)
        results["l1.bridge_in.estimated_l2_gas_limit"] = deposit.gas.gas_limit
        deliver(deposit.receipt)
        custom = bridge_in(bridge, alice, alice.address, LPT, refund_to=bob.address)
        results["l1.bridge_in.outboundTransferCustomRefund"] = int(custom.receipt.gas_used)
        delivered = deliver(custom.receipt)
        results["l2.sim.submitRetryable_with_finalize_deposit"] = gas_of(chains.l2, delivered.l2_tx_hash)

        alias_address = apply_l1_to_l2_alias(bridge.l1_gateway.address)
        with chains.l2:
            alias = accounts[alias_address]
            chains.l2.provider.set_balance(alias_address, 10**20)
            gateway = bridge.l2_gateway.unwrapped
            empty = abi_encode(["bytes", "bytes"], [b"", b""])
            receipt = gateway.finalizeInboundTransfer(l1_token.address, alice, alice, LPT, empty, sender=alias)
            results["l2.finalize_deposit.plain"] = int(receipt.gas_used)
            hook = abi_encode(["bytes", "bytes"], [b"", b"\x01" * 160])
            gateway.finalizeInboundTransfer(l1_token.address, alice, receiver.address, LPT, hook, sender=alias)
            receipt = gateway.finalizeInboundTransfer(
                l1_token.address, alice, receiver.address, LPT, hook, sender=alias
            )
            results["l2.finalize_deposit.with_recording_hook_160_bytes"] = int(receipt.gas_used)
        results["l1.bridge_in.estimated_l2_gas_limit_with_hook"] = deposit_gas_params(
            bridge, alice.address, receiver.address, LPT, b"\x01" * 160
        ).gas_limit

        # L2 inflation stand-in, so that withdrawals can exceed the escrow
        bridge.l2_minter.addMintingDelegate(governor.address, sender=governor)
        bridge.l2_minter.mint(alice.address, 40 * LPT, sender=governor)
        bridge.l2_minter.removeMintingDelegate(governor.address, sender=governor)

        bridge_out(bridge, alice, alice.address, LPT)  # warm the exit counter
        withdrawals = [bridge_out(bridge, alice, alice.address, amount) for amount in (5 * LPT, 30 * LPT, 10 * LPT)]
        results["l2.bridge_out.outboundTransfer"] = int(withdrawals[0].receipt.gas_used)

        messages = sim_api.fetch_l2_to_l1(sim, 0, chains.l2.block_number)
        assertion = sim_api.assert_send_root(sim, messages)
        sim_api.mine_l1_until(sim, assertion.confirmable_at_block)

        def execute(index):
            result = sim_api.execute_l2_to_l1(sim, messages[index], sim_api.proof_for(messages, index), sender=bob)
            return gas_of(chains.l1, result.l1_tx_hash)

        execute(0)
        # the escrow now holds 21 LPT: deposits of 1 + 20 + 1, less the first withdrawal of 1
        results["l1.finalize_withdrawal.from_escrow"] = execute(1)  # 5 of 21 escrowed
        results["l1.finalize_withdrawal.partly_minted"] = execute(2)  # 30: 16 released, 14 minted
        results["l1.finalize_withdrawal.wholly_minted"] = execute(3)  # 10: escrow empty
    return results


def main() -> None:
    report(measure(), RESULTS)


if __name__ == "__main__":
    main()
