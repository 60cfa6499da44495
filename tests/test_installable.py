"""The plugin as a user gets it: built as a wheel, installed (not editable) into a fresh venv, used from a project of
its own (tests/outside_project: its own ape-config.yaml and ports, no contracts, no node_modules, no solc).

How the fresh venv gets eth-ape & co. without downloading them again: a venv cannot be created with
``--system-site-packages`` pointing at another venv, and installing the pinned dependencies from PyPI takes minutes.
So the new venv's site-packages gets a symbolic link to every entry of this checkout's venv site-packages except the
editable install of this package (its ``__editable__`` finder and ``.pth``, and its ``.dist-info``); the wheel is
then installed with ``pip --no-deps``. Links in site-packages itself (rather than a ``.pth`` line naming the other
site-packages) keep the dependencies' own ``.pth`` files working and leave exactly one ``ape-livepeer-migration``
distribution for Ape's plugin discovery and pytest's ``pytest11`` entry points: the wheel's. Each process asserts
that the package it imports is the wheel's copy, inside the new venv.

``anvil`` comes from ``PATH`` (the npm build's folder is put there, as a user would after ``npm install``), and the
project's ``ape test`` runs at the same time as the CLI session, on anvils of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

from ape_livepeer_migration.testing.project import (
    BECOME_ORCHESTRATOR,
    ORCHESTRATOR,
    README_DEPLOY,
    copy_project,
    running_pair,
)
from ape_livepeer_migration.toolchain import tool_path

ROOT = Path(__file__).resolve().parents[1]
DOWNSTREAM = ROOT / "tests" / "outside_project"

#: What the README's "Use it in your own Ape project" has a user type in ``ape console`` (the extras line gives
#: ``livepeer``), with which copy of the package it runs and whether test:1 became an active orchestrator.
CONSOLE_SESSION = (
    'import ape_livepeer_migration; print("PACKAGE", ape_livepeer_migration.__file__)\n'
    + BECOME_ORCHESTRATOR
    + 'print("ACTIVE", bm.isActiveTranscoder(o.address))\nexit\n'
)


def _build_wheel(dist: Path, scratch: Path) -> Path:
    """The wheel of this checkout, built from a copy of what setup.py packages (the checkout stays untouched)."""
    source = scratch / "source"
    source.mkdir()
    for name in ("setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "ape_livepeer_migration",
        source / "ape_livepeer_migration",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            "--wheel-dir",
            str(dist),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (wheel,) = dist.glob("ape_livepeer_migration-*.whl")
    return wheel


def _fresh_venv(venv: Path, wheel: Path) -> Path:
    """A new venv holding this venv's dependencies (linked) and the wheel (installed); returns its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        name = entry.name
        if name.startswith(("__editable__", "ape_livepeer_migration")) or name == "__pycache__":
            continue
        (site / name).symlink_to(entry)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # eth-ape's console script, as pip writes it for a full install
    (script,) = [
        ep for ep in metadata.distribution("eth-ape").entry_points if ep.group == "console_scripts" and ep.name == "ape"
    ]
    module, function = script.value.split(":")
    ape = venv / "bin" / "ape"
    ape.write_text(f"#!{python}\nimport sys\nfrom {module} import {function}\nsys.exit({function}())\n")
    ape.chmod(0o755)
    return venv / "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(environment, project, its ports, venv)``: the wheel installed in a fresh venv whose ``bin`` and anvil's
    folder only are on ``PATH`` before the system's, and a copy of the downstream project with free ports of its
    own."""
    scratch = tmp_path_factory.mktemp("installable")
    wheel = _build_wheel(scratch / "dist", scratch)
    bin_folder = _fresh_venv(scratch / "venv", wheel)
    ours = str(Path(sys.executable).parent)
    system_path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != ours]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "APE_LIVEPEER", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PATH"] = os.pathsep.join([str(bin_folder), str(tool_path("anvil").parent), *system_path])
    env["COLUMNS"] = "200"
    project = scratch / "project"
    ports = copy_project(DOWNSTREAM, project)
    return env, project, ports, bin_folder.parent


#: Runs the ``ape`` command's arguments ``{args}`` as the ``ape`` command does, then says whether it imported Ape's
#: chain manager.
READ_IMPORTS = """
import sys
from ape._cli import cli
try:
    cli({args!r})
except SystemExit:
    pass
print("chain manager imported:", "ape.managers.chain" in sys.modules)
"""


def chain_manager_imported(env, project, *args) -> bool:
    """Whether ``ape ARGS`` imports Ape's chain manager (and pandas, which it imports: a sixth of a read's time)."""
    script = READ_IMPORTS.format(args=list(args))
    result = subprocess.run(["python", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    last = result.stdout.splitlines()[-1] if result.stdout else ""
    assert last.startswith("chain manager imported: "), result.stdout + result.stderr
    return last.endswith("True")


def ape(env, project, *args, input=None, timeout=120):
    result = subprocess.run(
        ["ape", *args], cwd=project, env=env, input=input, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"`ape {' '.join(args)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def test_the_wheel_works_in_a_project_of_its_own(installed):
    env, project, ports, venv = installed
    imported = subprocess.run(
        ["python", "-c", "import ape_livepeer_migration as p; print(p.__file__)"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(imported).is_relative_to(venv), imported  # the wheel's copy, not this checkout's
    assert "contracts" not in os.listdir(project) and not (project / "node_modules").exists()

    # the downstream test file, on anvils of its own, while the CLI session runs
    tests = subprocess.Popen(
        ["ape", "test", "tests", "-p", "no:cacheprovider", "-q"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "migrate" in ape(env, project, "livepeer", "--help")
        with running_pair(project, ports, env):
            deployed = ape(env, project, *README_DEPLOY)
            assert f"{project}/.build/livepeer/local.json" in deployed
            console = ape(env, project, "console", input=CONSOLE_SESSION)
            assert f"PACKAGE {venv}" in console and "ACTIVE True" in console, console
            # reads leave Ape's chain manager unimported
            assert not chain_manager_imported(env, project, "livepeer", "migrate", "--account", "test:1", "--dry-run")
            migrated = ape(env, project, "livepeer", "migrate", "--account", "test:1", "--yes")
            assert "Migration #1 sent" in migrated, migrated
            assert "delivered" in ape(env, project, "livepeer", "relay", "--yes")
            status = json.loads(ape(env, project, "livepeer", "status", "--account", "test:1", "--json"))
            assert status["l2"]["delegate"] == ORCHESTRATOR and int(status["l2"]["stake_wei"]) == 5_000 * 10**18
            assert status["l1"]["stake_wei"] == "0" and status["messages"] == []
            assert not chain_manager_imported(env, project, "livepeer", "status", "--account", "test:1")
        output, _ = tests.communicate(timeout=240)
        assert tests.returncode == 0 and "4 passed" in output, output  # test_l1_minting.py among them
    finally:
        if tests.poll() is None:
            tests.kill()
            tests.wait()
