"""A deploy step is marked "started" only once something may have been sent: a step that fails before its account
sent anything leaves no mark, so the next run simply runs it (it used to block every re-run as interrupted)."""

from __future__ import annotations

import json

from ape_livepeer_migration import contracts
from ape_livepeer_migration.bridge import system
from ape_livepeer_migration.session.addressbook import AddressBook


def reopened(book, chains):
    return AddressBook.open(book, "local", chains.l1.chain_id, chains.l2.chain_id)


def test_a_step_failing_before_sending_anything_leaves_no_mark(run, lp, book, chains, world, nonces, monkeypatch):
    lp.book.forget("system")
    before = nonces(world.governor, world.operator)

    shipped = contracts.contract

    def not_shipped(name):  # the failure users saw: the contract types were looked up in their own project
        if name == "LivepeerToken":  # the system step's first deployment
            raise AttributeError(f"'LocalProject' object has no attribute '{name}'")
        return shipped(name)

    with monkeypatch.context() as patch:
        patch.setattr(contracts, "contract", not_shipped)
        failed = run("deploy", "--account", "test:0", "--yes")
    assert isinstance(failed.exception, AttributeError) and "LivepeerToken" in str(failed.exception)
    assert nonces(world.governor, world.operator) == before
    assert reopened(book, chains).interrupted("system") is None
    again = run("deploy", "--account", "test:0", "--yes", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["steps"] == {"simulator": "skipped", "system": "done"}


def test_a_step_failing_after_sending_stays_started(run, lp, book, chains, world, nonces, monkeypatch):
    lp.book.forget("system")
    before = nonces(world.governor)

    def connection_lost(*args, **kwargs):
        raise ConnectionError("the L2 node went away")

    with monkeypatch.context() as patch:
        patch.setattr(system, "deploy_bridge", connection_lost)  # after the L1 protocol was deployed
        failed = run("deploy", "--account", "test:0", "--yes")
    assert isinstance(failed.exception, ConnectionError)
    assert nonces(world.governor) != before
    note = reopened(book, chains).interrupted("system")
    assert note == {"account": world.governor.address, **{layer: nonce for nonce, layer in before}}
    again = run("deploy", "--account", "test:0", "--yes")
    assert again.exit_code == 1 and "deploy step 'system' started earlier" in again.output
