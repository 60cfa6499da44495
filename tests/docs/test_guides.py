"""The role guides' snippets run as written (the README's session has its own test, tests/readme).

The guides tell one story: docs/guide-orchestrator.md deploys the system on a local pair and migrates an
orchestrator, docs/guide-delegator.md continues with its delegators, then docs/migration.md lists the migration
API and docs/guide-protocol-engineer.md shows test fixtures and configuration. :func:`test_the_guides_run_as_written`
runs every fenced block of the four, in that order, in one Python namespace, on this test process's pair (inside
an isolation): ``TwoChains.local()``, which the orchestrator guide starts with, gives that pair instead of two new
anvils, so the story costs one deployment.

What a guide leaves to the reader (``alice and bob bonded to orchestrator on L1``) is done by :data:`GIVEN` before
the block that needs it, and every block is either run or named in :data:`NOT_RUN` with the reason, so a new
snippet cannot go unchecked. Shell lines run in a shell in a new Ape project and must exit 0.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs"
BIN = Path(sys.executable).parent
GUIDES = ("guide-orchestrator.md", "guide-delegator.md", "migration.md", "guide-protocol-engineer.md")
_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Snippet:
    guide: str
    line: int  # of the opening fence
    language: str
    code: str

    def is_named(self, key: tuple[str, str]) -> bool:
        """Whether ``key`` (``(guide, start of the first line)``, as :data:`GIVEN` and :data:`NOT_RUN` name blocks)
        names this block."""
        return key[0] == self.guide and self.code.startswith(key[1])

    def entry(self, table):
        """The entry of ``table`` that names this block, else ``None``."""
        return next((value for key, value in table.items() if self.is_named(key)), None)

    @property
    def where(self) -> str:
        return f"docs/{self.guide}:{self.line}"


def snippets(guide: str) -> list[Snippet]:
    """The fenced blocks of ``docs/<guide>``, in order."""
    lines = (DOCS / guide).read_text().split("\n")
    found, i = [], 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        close = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        found.append(Snippet(guide, i + 1, opening.group(1), "\n".join(lines[i + 1 : close]) + "\n"))
        i = close + 1
    return found


#: What the guides take as done before a block (named by the block's guide and the start of its first line).
GIVEN = {
    ("guide-delegator.md", "from ape_livepeer_migration.bridge.migration import migrate\n"): """
# alice and bob hold LPT from the orchestrator and delegate to it on L1; bob also has unbonding lock 0
alice, bob, carol, relayer_account, anyone = t[4], t[5], t[6], t[7], t[8]
bm = s.l1.bonding_manager
for holder in (alice, bob, carol):
    s.l1.token.transfer(holder.address, 1_000 * LPT, sender=orchestrator)
    s.l1.token.approve(bm.address, 1_000 * LPT, sender=holder)
    bm.bond(1_000 * LPT, orchestrator.address, sender=holder)
bm.unbond(200 * LPT, sender=bob)
""",
    ("guide-delegator.md", "from ape_livepeer_migration.bridge.migration import expire_migration"): """
# carol's migration was sent with too little L2 gas: its ticket failed, and its deadline has passed
from ape_livepeer_migration.bridge.gas import RetryableGasParams
from ape_livepeer_migration.bridge.migration import migration_gas_params, planned_migration

estimate = migration_gas_params(s, planned_migration(s, carol.address, carol.address, orchestrator.address))
sent = migrate(s, carol, gas=RetryableGasParams(estimate.max_submission_cost, 20_000, estimate.gas_price_bid))
assert relayer.relay_once().failed
chains.l2.provider.make_request("evm_increaseTime", [8 * 24 * 3600])
chains.l2.mine(1)
""",
    ("guide-protocol-engineer.md", '@pytest.fixture(scope="module")'): """
import pytest
from ape_livepeer_migration.bridge.system import deploy_system
""",
}

#: Blocks that are not run, and why.
NOT_RUN = {
    ("migration.md", "L1: user ── L1Migrator.migrate"): "a call diagram",
    ("migration.md", "L2 (after deadline, id never finalized)"): "a call diagram",
    ("guide-protocol-engineer.md", "export APE_LIVEPEER_L1_RPC="): "needs mainnet and Arbitrum One nodes",
    ("guide-protocol-engineer.md", "from ape_livepeer_migration.chains.pair import TwoChains"): "needs them too",
    (
        "guide-protocol-engineer.md",
        "lp = Livepeer.open(chains)  # chains: the connected mainnet-fork",
    ): "needs them too",
}

#: Blocks checked without running them whole: an API listing whose imports must resolve and whose calls must name
#: what it imports (``migration.md``), a configuration checked against the plugin's settings, long-running
#: processes whose options are checked against their ``--help``.
LISTING = ("migration.md", "from ape_livepeer_migration.bridge.system import deploy_system, switch_l1")
CONFIGURATION = ("guide-protocol-engineer.md", "# ape-config.yaml")
PROCESSES = ("guide-protocol-engineer.md", "ape livepeer chains &")


@pytest.fixture
def shared_pair(two_chains, monkeypatch):
    """``TwoChains.local()`` gives this process's pair (left running), inside an isolation."""
    from ape_livepeer_migration.chains.pair import TwoChains

    with two_chains.isolated():
        given = staticmethod(lambda *args, **kwargs: contextlib.nullcontext(two_chains))
        monkeypatch.setattr(TwoChains, "local", given)
        yield two_chains


def run_python(snippet: Snippet, namespace: dict) -> None:
    given = snippet.entry(GIVEN)
    if given is not None:
        exec(compile(given, f"given before {snippet.where}", "exec"), namespace)
    exec(compile(snippet.code, snippet.where, "exec"), namespace)


def run_shell(snippet: Snippet, project: Path) -> None:
    """Each command line of the block (``\\`` continues a line; ``#`` starts a comment) in a shell, exit 0."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("APE_LIVEPEER_")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    for command in snippet.code.replace("\\\n", " ").splitlines():
        if not command.strip() or command.lstrip().startswith("#"):
            continue
        done = subprocess.run(
            ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (
            f"{snippet.where}: `{command}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )


def check_listing(snippet: Snippet, namespace: dict) -> None:
    """Run the listing's imports; every function it calls must be one of them."""
    tree = ast.parse(snippet.code)
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    exec(compile(ast.Module(body=imports, type_ignores=[]), snippet.where, "exec"), namespace)
    imported = {alias.asname or alias.name for node in imports for alias in node.names}
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert called <= imported, f"{snippet.where}: calls {sorted(called - imported)} that it does not import"
    assert imported <= called, f"{snippet.where}: imports {sorted(imported - called)} that it does not show"


def check_configuration(snippet: Snippet) -> None:
    from ape_livepeer_migration.config import LivepeerConfig

    settings = yaml.safe_load(snippet.code)["livepeer_migration"]
    LivepeerConfig.model_validate(settings)  # a key that is not a setting, or a wrong type, raises


def check_processes(snippet: Snippet) -> None:
    """Each command's options appear in its ``--help``."""
    for command in snippet.code.replace("\\\n", " ").splitlines():
        words = shlex.split(command.split("#")[0].replace("&", " "))
        if not words:
            continue
        program = [str(BIN / words[0]), *words[1:3]] if words[0] == "ape" else [sys.executable, *words[1:3]]
        shown = subprocess.run([*program, "--help"], capture_output=True, text=True, timeout=120)
        assert shown.returncode == 0, f"{snippet.where}: {' '.join(program)} --help: {shown.stderr}"
        for option in (word for word in words if word.startswith("--")):
            assert option in shown.stdout, f"{snippet.where}: {' '.join(words[:3])} has no option {option}"


def test_the_guides_run_as_written(shared_pair, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "ape-config.yaml").write_text("name: guides\n")
    namespace: dict = {"__name__": "guides"}
    ran = []
    for guide in GUIDES:
        for snippet in snippets(guide):
            if snippet.entry(NOT_RUN) is not None:
                continue
            if snippet.is_named(LISTING):
                check_listing(snippet, {})
            elif snippet.is_named(CONFIGURATION):
                check_configuration(snippet)
            elif snippet.is_named(PROCESSES):
                check_processes(snippet)
            elif snippet.language == "python":
                run_python(snippet, namespace)
            elif snippet.language in ("", "bash"):
                run_shell(snippet, project)
            else:
                pytest.fail(f"{snippet.where}: a {snippet.language!r} block that is neither run nor in NOT_RUN")
            ran.append(snippet.where)
    every = [snippet for guide in GUIDES for snippet in snippets(guide)]
    names = [*GIVEN, *NOT_RUN, LISTING, CONFIGURATION, PROCESSES]
    unused = [key for key in names if sum(snippet.is_named(key) for snippet in every) != 1]
    assert not unused, f"these names match no block of the guides, or several: {unused}"
    assert len(ran) >= 14

    # what the story did, read back from the chains
    s, alice, bob, orchestrator = (namespace[name] for name in ("s", "alice", "bob", "orchestrator"))
    l2_bm = s.l2_bonding_manager
    assert l2_bm.getDelegator(alice.address).delegateAddress == orchestrator.address
    assert l2_bm.getDelegator(bob.address).bondedAmount == 1_000 * namespace["LPT"]  # the lock and the signed rest
    assert s.l1.bonding_manager.getDelegator(namespace["carol"].address).bondedAmount == 0
