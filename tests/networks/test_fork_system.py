"""A deployed system on the mainnet-fork pair: the forks carry the upstreams' deployment, and every user path runs
on them while the upstreams stay as they were.

The upstreams (conftest.py) are local anvils with chain ids 1 and 42161 holding the whole system, simulator
included, with orchestrators, delegators and rounds of L1 rewards. A fork pair finds that deployment through the
upstream's address book (``Livepeer.adopt`` / ``ape livepeer deploy --from-upstream BOOK``).
"""

import json

import pytest
from click.testing import CliRunner

from ape_livepeer_migration._cli import cli
from ape_livepeer_migration.chains.networks import ARBITRUM_ONE_CHAIN_ID, MAINNET_CHAIN_ID
from ape_livepeer_migration.exceptions import LivepeerError, NotDeployedError
from ape_livepeer_migration.session.addressbook import AddressBook
from ape_livepeer_migration.session.livepeer import Livepeer
from ape_livepeer_migration.testing.rounds import next_round

from .conftest import LPT, UPSTREAM_REWARD_ROUNDS


@pytest.fixture
def fresh(forks, tmp_path):
    """A session over the forks with an empty address book of the fork pair."""
    return Livepeer.open(forks, tmp_path / "mainnet-fork.json")


@pytest.fixture
def lp(forks, upstreams, fresh):
    """The fork pair's session carrying the upstream deployment; whatever the test does on the forks is undone."""
    with forks.isolated():
        fresh.adopt(upstreams.book_path)
        yield fresh


def run(chains, book, *args):
    """``ape livepeer ARGS`` on ``chains`` (connected) with the address book ``book``."""
    obj = {"chains": chains, "address_book": str(book)}
    return CliRunner().invoke(cli, [str(a) for a in args], obj=obj)


def test_the_forks_hold_the_upstream_deployment_and_its_history(lp, upstreams):
    cast, upstream = upstreams.cast, upstreams.livepeer
    assert lp.book.path.name == "mainnet-fork.json" and lp.is_deployed
    assert (lp.book.l1_chain_id, lp.book.l2_chain_id) == (MAINNET_CHAIN_ID, ARBITRUM_ONE_CHAIN_ID)
    assert lp.system.addresses == upstream.system.addresses
    for account in cast.people:
        on_fork, on_upstream = lp.status(account.address).as_json(), upstream.status(account.address).as_json()
        # anvil funds its dev accounts (Ape's test accounts) with 10,000 ETH on a fork, whatever the upstream says
        assert on_fork.pop("eth_wei") == {"l1": str(10_000 * 10**18), "l2": str(10_000 * 10**18)}
        on_upstream.pop("eth_wei")
        assert on_fork == on_upstream
    assert int(upstream.status(cast.o1.address).eth["l1"]) < 10_000 * 10**18  # o1 paid L1 gas upstream
    o1 = lp.status(cast.o1.address).l1
    assert o1.orchestrator and o1.active and o1.pending_rewards > 0  # the upstreams' L1 reward rounds
    assert lp.system.l1.bonding_manager.getTranscoder(cast.o1.address).delegatedAmount > 3_000 * LPT
    assert lp.system.l1.rounds.currentRound() >= UPSTREAM_REWARD_ROUNDS + 1
    o2 = lp.status(cast.o2.address)
    assert o2.l2.orchestrator and o2.l1.stake == 0  # migrated on the upstreams


def test_migrations_reward_and_bridging_on_the_forks_leave_the_upstreams_alone(lp, forks, upstreams):
    cast = upstreams.cast
    before = upstreams.fingerprint()
    s = lp.system
    o2_on_l2 = lp.status(cast.o2.address).l2.stake

    # An orchestrator migration through the command line, relayed on the forks.
    o1_stake = lp.status(cast.o1.address).l1.stake
    migrated = run(forks, lp.book.path, "migrate", "--account", "test:2", "--yes")
    assert migrated.exit_code == 0, migrated.output
    operator_nonce = forks.l2.provider.get_nonce(cast.operator.address)
    relayed = json.loads(run(forks, lp.book.path, "relay", "--yes", "--json").output)
    # The fork's fresh journal learns from the chain that o2's migration (0) was delivered upstream; only o1's (1)
    # is submitted: one L2 transaction of the operator.
    assert relayed["delivered"] == [0, 1]
    assert forks.l2.provider.get_nonce(cast.operator.address) == operator_nonce + 1
    o1 = lp.status(cast.o1.address)
    assert o1.l2.orchestrator and o1.l2.stake == o1_stake and o1.l1.stake == 0
    assert lp.status(cast.o2.address).l2.stake == o2_on_l2

    # A delegator migration through the Python API: it follows its orchestrator to L2 by default.
    d1_stake = lp.status(cast.d1.address).l1.stake
    plan, sent = lp.migrate(cast.d1)
    assert (plan.kind, plan.l2_orchestrator, plan.amount) == ("delegator", cast.o1.address, d1_stake)
    assert sent.migration.amount == d1_stake
    assert lp.relay().delivered
    d1 = lp.status(cast.d1.address)
    assert (d1.l2.delegate, d1.l2.stake, d1.l1.stake) == (cast.o1.address, d1_stake, 0)
    assert s.l2_bonding_manager.getTranscoder(cast.o1.address).delegatedAmount == o1_stake + d1_stake

    # reward() on L2 in the next round, with o1 active there.
    next_round(forks.l2, s.l2_rounds, cast.governor)
    reward = lp.call_reward(cast.o1)
    assert reward.minted > 0 and not reward.initialized_round
    assert lp.status(cast.o1.address).l2.stake > o1_stake  # o1's share of the reward, pending
    with pytest.raises(LivepeerError, match="already called reward"):
        lp.call_reward(cast.o1)

    # Bridge in, bridge out, and finalize after the challenge period.
    holder = cast.outsider
    l1_before = s.l1.token.balanceOf(holder.address)
    lp.bridge_in(holder, 100 * LPT)
    assert lp.relay().delivered
    assert s.l2_token.balanceOf(holder.address) == 100 * LPT
    lp.bridge_out(holder, 40 * LPT)
    lp.relay(fast_forward=False)  # asserts the send root; the challenge period runs on the L1 fork
    (waiting,) = lp.withdrawals(holder.address)
    assert (waiting.state, waiting.amount) == ("challenge-period", 40 * LPT)
    forks.l1.mine(waiting.confirmable_at - forks.l1.block_number)
    ((done, l1_tx),) = lp.finalize(holder)
    assert done.position == waiting.position and l1_tx
    assert s.l1.token.balanceOf(holder.address) == l1_before - 60 * LPT
    assert s.l2_token.balanceOf(holder.address) == 60 * LPT

    assert upstreams.fingerprint() == before


def test_deploy_from_upstream_on_the_command_line(forks, upstreams, tmp_path):
    book = tmp_path / "mainnet-fork.json"
    recorded = run(forks, book, "deploy", "--from-upstream", upstreams.book_path, "--json")
    assert recorded.exit_code == 0, recorded.output
    data = json.loads(recorded.output)
    assert data["steps"] == {"simulator": "recorded from upstream", "system": "recorded from upstream"}
    assert data["addresses"] == upstreams.livepeer.system.addresses and data["address_book"] == str(book)
    upstream_book = json.loads(upstreams.book_path.read_text())
    assert json.loads(book.read_text())["entries"] == upstream_book["entries"]

    again = run(forks, book, "deploy", "--from-upstream", upstreams.book_path)
    assert again.exit_code == 1 and "already records the deploy step system" in again.output
    fresh = run(forks, book, "deploy", "--from-upstream", upstreams.book_path, "--fresh", "--yes")
    assert fresh.exit_code == 0, fresh.output
    assert run(forks, book, "status", upstreams.cast.d1.address).exit_code == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--account", "test:0"),
            1,
            "cannot deploy on the mainnet-fork pair: the L1 (chain 1) has no contract at Arbitrum's Inbox",
        ),
        (("--from-upstream", "{book}", "--round-length", "5"), 2, "--from-upstream records an existing deployment"),
        (("--from-upstream", "{book}", "--redo-interrupted"), 2, "--from-upstream records an existing deployment"),
        (("--from-upstream", "{missing}"), 2, "does not exist"),
    ],
)
def test_deploy_refusals_on_the_fork_pair(forks, upstreams, tmp_path, args, code, message):
    book = tmp_path / "mainnet-fork.json"
    blocks = forks.l1.block_number, forks.l2.block_number
    paths = {"book": upstreams.book_path, "missing": tmp_path / "missing.json"}
    result = run(forks, book, "deploy", *(arg.format(**paths) for arg in args), "--yes")
    assert result.exit_code == code and message in result.output
    assert not book.exists()
    assert (forks.l1.block_number, forks.l2.block_number) == blocks


def test_from_upstream_is_refused_on_the_local_pair(two_chains, upstreams, tmp_path):
    result = run(two_chains, tmp_path / "local.json", "deploy", "--from-upstream", upstreams.book_path)
    assert result.exit_code == 1 and "--from-upstream is for fork pairs; local is not one" in result.output


def _book_like_upstream(upstreams, path, chain_ids=(MAINNET_CHAIN_ID, ARBITRUM_ONE_CHAIN_ID), **changes):
    """A copy of the upstream book at ``path`` (for other chain ids if given), with entries replaced or dropped."""
    book = AddressBook.open(path, "local", *chain_ids)
    for step in ("simulator", "system"):
        entry = changes.get(step, upstreams.livepeer.book.get(step))
        if entry is not None:
            book.record(step, entry)
    return path


def test_adopt_refuses_what_is_not_this_deployment(fresh, upstreams, tmp_path):
    system = upstreams.livepeer.book.get("system")
    cases = [
        (
            _book_like_upstream(upstreams, tmp_path / "other.json", (31337, 412346)),
            LivepeerError,
            "is for chain ids L1 31337 / L2 412346, but the connected chains are L1 1 / L2 42161",
        ),
        (
            _book_like_upstream(upstreams, tmp_path / "half.json", system=None),
            NotDeployedError,
            "does not record the deploy step system as finished",
        ),
        (
            _book_like_upstream(upstreams, tmp_path / "moved.json", system={**system, "l2_migrator": "0x" + "12" * 20}),
            NotDeployedError,
            "do not hold the deployment that .* records l2_migrator at 0x1212",
        ),
        (tmp_path / "nothing.json", NotDeployedError, "no address book at"),
        (fresh.book.path, LivepeerError, "is this pair's own address book"),
    ]
    for path, error, message in cases:
        with pytest.raises(error, match=message):
            fresh.adopt(path)
        assert not fresh.is_deployed and not fresh.book.path.exists()


def test_adopt_refuses_a_book_holding_a_deployment_or_an_interrupted_step(fresh, upstreams):
    fresh.book.begin("simulator", {"account": upstreams.cast.operator.address})
    with pytest.raises(LivepeerError, match="already records the deploy step simulator: forget it first"):
        fresh.adopt(upstreams.book_path)
    fresh.book.forget("simulator")
    fresh.adopt(upstreams.book_path)
    with pytest.raises(LivepeerError, match="already records the deploy step system"):
        fresh.adopt(upstreams.book_path)
    # What `deploy --fresh` leaves (the simulator, still on the chains) may stay, but only if it is the upstream's.
    fresh.book.forget("system")
    fresh.adopt(upstreams.book_path)
    fresh.book.forget("system")
    fresh.book.record("simulator", {**fresh.book.get("simulator"), "inbox": upstreams.cast.operator.address})
    with pytest.raises(LivepeerError, match="already records the deploy step simulator: forget it first"):
        fresh.adopt(upstreams.book_path)
