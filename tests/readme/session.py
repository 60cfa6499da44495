"""The README's local session as a program: run its commands verbatim, compare their output with the README's.

The section "A local session, every command with its output" is a sequence of fenced blocks: a shell block holds
``$ command`` lines, each followed by the output the README shows for it, and a ``python`` block is code a user runs
between two commands. :func:`run_session` runs them all, in order, in a new Ape project on fresh local chains, the
way a reader does: ``ape livepeer chains`` in the background, every other command in a shell whose ``PATH`` is the
project venv's ``bin`` (where ``make setup`` puts ``ape``, ``anvil`` and ``cast``).

What may differ between two runs, and so is compared loosely (:func:`normalized`):

* transaction hashes: the README cuts them to their first 10 characters (``0xc0688a7f…``);
* elapsed times (``0:00:03``);
* the project's directory, which the README writes ``<project>``;
* Ape's own ``INFO:``/``SUCCESS:`` log lines, which the README leaves out.

The session's nodes listen on free ports rather than the default 8545/8547 (a developer's own nodes may hold those);
the commands' ``127.0.0.1:8545``/``:8547`` are pointed at them and the output is mapped back. Everything else (gas,
balances, addresses, rounds, every error line) must match exactly. When the product's output changes on purpose,
``python tests/readme/session.py --write`` runs the session and writes its output into the README.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ape_livepeer_migration.chains.provider import free_ports

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SECTION_START = "### A local session, every command with its output"
SECTION_END = "## Use it in your own Ape project"
DEFAULT_PORTS = (8545, 8547)
#: Where the README points a second address book; the session uses a folder of its own instead.
SCRATCH = "/tmp/readme-cap"
COLUMNS = 110
_APE_LOG = re.compile(r"^(INFO|SUCCESS)\b")
_FULL_HASH = re.compile(r"0x[0-9a-fA-F]{64}\b")
_CUT_HASH = re.compile(r"0x[0-9a-fA-F]{8}…")
_ELAPSED = re.compile(r"\b\d+:\d\d:\d\d\b")
_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Step:
    """One ``$ command`` and the output lines the README shows for it."""

    command: str
    expected: list[str] = field(default_factory=list)
    actual: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A fenced block of the section: ``shell`` (steps) or ``python`` (code); ``lines`` index the README's lines
    between the fences."""

    kind: str
    lines: slice
    steps: list[Step] = field(default_factory=list)
    code: str = ""


def parse(text: str) -> list[Block]:
    """The shell and python blocks of the README's local session, in order."""
    lines = text.split("\n")
    start = lines.index(SECTION_START)
    end = lines.index(SECTION_END, start)
    blocks: list[Block] = []
    i = start
    while i < end:
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        close = next(j for j in range(i + 1, end) if lines[j].startswith("```"))
        body = lines[i + 1 : close]
        if opening.group(1) == "python":
            blocks.append(Block("python", slice(i + 1, close), code="\n".join(body) + "\n"))
        elif body and body[0].startswith("$ "):
            block = Block("shell", slice(i + 1, close))
            for line in body:
                if line.startswith("$ "):
                    block.steps.append(Step(line[2:]))
                else:
                    block.steps[-1].expected.append(line)
            blocks.append(block)
        i = close + 1
    return blocks


@dataclass
class Session:
    """Where the session runs: a new project folder, the nodes' ports, the shell's environment."""

    project: Path
    scratch: Path
    ports: tuple[int, int]
    env: dict[str, str]

    def command(self, text: str) -> str:
        """``text`` pointed at this session's ports and scratch folder."""
        for default, port in zip(DEFAULT_PORTS, self.ports, strict=True):
            text = text.replace(f"127.0.0.1:{default}", f"127.0.0.1:{port}")
        return text.replace(SCRATCH, str(self.scratch))

    def output(self, raw: str) -> list[str]:
        """``raw`` as the README writes it: Ape's log lines dropped, hashes cut, ports and folders as the README's."""
        lines = []
        for line in raw.replace("\r\n", "\n").split("\n"):
            if _APE_LOG.match(line):
                continue
            for default, port in zip(DEFAULT_PORTS, self.ports, strict=True):
                line = line.replace(f"127.0.0.1:{port}", f"127.0.0.1:{default}")
            line = line.replace(str(self.project), "<project>").replace(str(self.scratch), SCRATCH)
            lines.append(_FULL_HASH.sub(lambda match: match.group(0)[:10] + "…", line.rstrip()))
        while lines and not lines[-1]:
            lines.pop()
        return lines


def normalized(lines: list[str]) -> list[str]:
    """``lines`` with what legitimately differs between runs (hashes, elapsed times) masked."""
    return [_ELAPSED.sub("<time>", _CUT_HASH.sub("<tx>", line)) for line in lines]


def _wait_for(process: subprocess.Popen, marker: str, timeout: float = 60.0) -> str:
    """Read ``process``'s output until a line contains ``marker``; returns what was read."""
    import queue
    import threading

    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    seen = ""
    while marker not in seen:
        try:
            seen += lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"`ape livepeer chains` did not report {marker!r}; its output:\n{seen}") from None
    return seen


def run_session(blocks: list[Block], workdir: Path) -> None:
    """Run every block in order, filling each step's ``actual`` output."""
    bin_dir = Path(sys.executable).parent
    project = workdir / "project"
    scratch = workdir / "scratch"
    project.mkdir()
    scratch.mkdir()
    ports = free_ports(2)
    (project / "ape-config.yaml").write_text(
        f"name: readme-session\nlivepeer_migration:\n  local:\n    l1_port: {ports[0]}\n    l2_port: {ports[1]}\n"
    )
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        "COLUMNS": str(COLUMNS),
        "PYTHONUNBUFFERED": "1",
    }
    for variable in [name for name in env if name.startswith("APE_LIVEPEER_")]:
        del env[variable]
    session = Session(project, scratch, ports, env)
    nodes = None
    try:
        for block in blocks:
            if block.kind == "python":
                subprocess.run(
                    [str(bin_dir / "python"), "-c", block.code],
                    cwd=project,
                    env=env,
                    check=True,
                    timeout=300,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                continue
            for step in block.steps:
                if step.command.startswith("ape livepeer chains"):
                    nodes = subprocess.Popen(
                        ["bash", "-c", "exec " + session.command(step.command)],
                        cwd=project,
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        text=True,
                        start_new_session=True,
                    )
                    step.actual = session.output(_wait_for(nodes, "press Ctrl-C"))
                    continue
                done = subprocess.run(
                    ["bash", "-c", session.command(step.command)],
                    cwd=project,
                    env=env,
                    timeout=300,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                step.actual = session.output(done.stdout)
    finally:
        if nodes is not None:
            os.killpg(nodes.pid, signal.SIGINT)
            try:
                nodes.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(nodes.pid, signal.SIGKILL)


def differences(blocks: list[Block]) -> list[str]:
    """One entry per step whose output differs from the README's, with both."""
    found = []
    for block in blocks:
        for step in block.steps:
            if normalized(step.expected) != normalized(step.actual):
                found.append(
                    f"$ {step.command}\n--- README\n"
                    + "\n".join(step.expected)
                    + "\n--- actual\n"
                    + "\n".join(step.actual)
                )
    return found


def write(text: str, blocks: list[Block]) -> str:
    """``text`` with every shell block's outputs replaced by the session's."""
    lines = text.split("\n")
    for block in reversed(blocks):
        if block.kind == "shell":
            body = []
            for step in block.steps:
                body += [f"$ {step.command}", *step.actual]
            lines[block.lines] = body
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = README.read_text()
    blocks = parse(text)
    with tempfile.TemporaryDirectory(prefix="readme-session-") as workdir:
        run_session(blocks, Path(workdir))
    if "--write" in argv:
        README.write_text(write(text, blocks))
        print(f"README.md: {sum(len(b.steps) for b in blocks)} commands' output written")
        return 0
    found = differences(blocks)
    print("\n\n".join(found) if found else "README session: every output matches")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
