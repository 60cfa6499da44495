"""Gas of the Arbitrum messaging paths, measured on the local simulator.

Usage (from the project root, after ``ape compile``)::

    python bench/gas_arbitrum.py

Prints one line per measurement and writes ``bench/results-arbitrum.json``. The L1 figures
(Inbox, messenger, Outbox) are those of the simulator's contracts, which follow Nitro's checks
and events but not its storage layout: they bound what the project's own contracts add, not
what the real Inbox or Outbox costs. Outbox executions are measured with proofs of growing
length, since that is what a larger send tree costs; both include the receiving test
endpoint's own storage writes (about 110k gas for a first 100-byte payload).
"""

from __future__ import annotations

import time
from pathlib import Path

from figures import gas_of, report

RESULTS = Path(__file__).with_name("results-arbitrum.json")
PAYLOAD = b"\x42" * 100


def _gas(receipt) -> int:
    return int(receipt.gas_used)


def measure() -> dict:
    from ape import accounts, project

    from ape_livepeer_migration.arbitrum import simulator as sim_api
    from ape_livepeer_migration.chains.pair import TwoChains

    results: dict[str, int | float] = {}
    test_accounts = accounts.test_accounts
    operator, deployer, user = test_accounts[9], test_accounts[0], test_accounts[1]
    with TwoChains.local() as chains:
        sim = sim_api.deploy_simulator(chains, operator)
        with chains.l1:
            l1 = chains.l1.bind(project.TestL1Endpoint.deploy(sim.inbox.address, sender=deployer))
        with chains.l2:
            l2 = chains.l2.bind(project.TestL2Endpoint.deploy(sender=deployer))
        l1.setCounterpart(l2.address, sender=deployer)
        l2.setCounterpart(l1.address, sender=deployer)

        # warm the bridge's storage (first message writes fresh slots)
        sim.inbox.createRetryableTicket(user, 0, 0, user, user, 0, 0, b"", sender=user)
        receipt = sim.inbox.createRetryableTicket(user, 0, 0, user, user, 100_000, 0, b"", sender=user)
        results["l1.createRetryableTicket.eoa.empty_data"] = _gas(receipt)
        receipt = sim.inbox.createRetryableTicket(user, 0, 0, user, user, 100_000, 0, PAYLOAD, sender=user)
        results["l1.createRetryableTicket.eoa.100_bytes"] = _gas(receipt)
        receipt = l1.sendToL2(PAYLOAD, 0, (0, 200_000, 0), user.address, user.address, sender=user)
        results["l1.messenger.sendToL2.100_bytes"] = _gas(receipt)

        (message,) = sim_api.fetch_retryables(sim, receipt.block_number, receipt.block_number)
        started = time.perf_counter()
        delivery = sim_api.deliver_retryable(sim, message)
        results["sim.deliver_retryable.seconds"] = round(time.perf_counter() - started, 3)
        results["l2.sim.submitRetryable.auto_redeem"] = gas_of(chains.l2, delivery.l2_tx_hash)

        receipt = l2.sendToL1(PAYLOAD, sender=user)
        results["l2.messenger.sendToL1.100_bytes"] = _gas(receipt)
        for _ in range(15):
            l2.sendToL1(PAYLOAD, sender=user)
        messages = sim_api.fetch_l2_to_l1(sim, 0, chains.l2.block_number)
        started = time.perf_counter()
        assertion = sim_api.assert_send_root(sim, messages)
        sim_api.mine_l1_until(sim, assertion.confirmable_at_block)
        results["sim.assert_and_confirm.seconds"] = round(time.perf_counter() - started, 3)
        results["sim.confirm_period_blocks"] = sim.confirm_period_blocks

        # a lone message (empty proof), then message 5 of 16 (proof of 4), from the same state
        with chains.isolated():
            single = [messages[0]]
            lone = sim_api.assert_send_root(sim, single)
            sim_api.mine_l1_until(sim, lone.confirmable_at_block)
            execution = sim_api.execute_l2_to_l1(sim, single[0], [], sender=user)
            results["l1.outbox.executeTransaction.proof_0"] = gas_of(chains.l1, execution.l1_tx_hash)
        proof = sim_api.proof_for(messages, 5)
        execution = sim_api.execute_l2_to_l1(sim, messages[5], proof, sender=user)
        results[f"l1.outbox.executeTransaction.proof_{len(proof)}"] = gas_of(chains.l1, execution.l1_tx_hash)
    return results


def main() -> None:
    report(measure(), RESULTS)


if __name__ == "__main__":
    main()
