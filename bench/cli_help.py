"""What does the plugin cost every `ape` user?  Median wall time of `ape --help` with and without it.

Ape imports every installed plugin's CLI module to list its commands, so a
plugin with heavy module-level imports slows down each `ape` invocation.

"Without" must really be without, so the bench builds two site-packages
directories of symlinks to the virtualenv's own packages: one with everything,
one missing exactly this plugin's distribution (its ``.dist-info`` and its
editable-install hook).  Both are run the same way, ``python -S`` (no site
processing) with that directory and, for the plugin, this checkout on
``PYTHONPATH``, calling Ape's ``cli`` as its console script does.  Ape finds
plugins only through installed distributions, so in the second the plugin is
not installed, not listed and not imported; the bench checks all three (the
output's "Plugin Commands" and the process's own report of ``sys.modules``).

Cases, run as separate processes, interleaved, after one discarded warm-up round:

* ``ape_help_s``: ``ape --help``, plugin installed;
* ``ape_help_without_plugin_s``: ``ape --help``, plugin not installed;
* ``ape_help_console_script_s``: the venv's real ``ape --help`` (control: the
  symlinked site-packages should not change the figure);
* ``livepeer_help_s``: the venv's real ``ape livepeer --help``;
* ``plugin_cli_import_s``: in a fresh process that has already imported Ape's
  CLI, the time to import ``ape_livepeer_migration._cli`` (what the plugin adds
  to ``ape --help``, without the process start-up noise of the cases above).

Run from the repository root::

    PYTHONPATH=$PWD .venv/bin/python bench/cli_help.py [--runs 7]

Prints a table and writes ``bench/results-cli.json``.
"""

import os
import site
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from figures import timed, timing_main

REPO = Path(__file__).resolve().parents[1]
APE = Path(sys.executable).with_name("ape")
RESULTS = REPO / "bench" / "results-cli.json"
PLUGIN_PACKAGE = "ape_livepeer_migration"

# What the `ape` console script does, plus a report of whether the plugin got imported.
APE_MAIN = (
    "import atexit, sys\n"
    f"atexit.register(lambda: print('plugin imported:', {PLUGIN_PACKAGE!r} in sys.modules, file=sys.stderr))\n"
    "sys.argv[0] = 'ape'\n"
    "from ape._cli import cli\n"
    "sys.exit(cli())\n"
)

# Times only the import of the plugin's CLI module, after Ape's own CLI is loaded.
IMPORT_TIMER = (
    "import time\n"
    "import ape._cli, ape.plugins\n"
    "start = time.perf_counter()\n"
    f"import {PLUGIN_PACKAGE}._cli\n"
    "print(time.perf_counter() - start)\n"
)


def is_plugin_entry(name: str) -> bool:
    """Whether a site-packages entry belongs to this plugin's installation."""
    return name.startswith(f"{PLUGIN_PACKAGE}-") or (name.startswith("__editable__") and PLUGIN_PACKAGE in name)


def symlink_site(target: Path, with_plugin: bool) -> Path:
    """A directory of symlinks to the venv's site-packages entries, optionally minus the plugin's."""
    (source,) = (Path(path) for path in site.getsitepackages() if Path(path).name == "site-packages")
    target.mkdir()
    for entry in source.iterdir():
        if entry.suffix == ".pth" or (is_plugin_entry(entry.name) and not with_plugin):
            continue  # -S skips .pth files anyway; the plugin itself comes from PYTHONPATH
        (target / entry.name).symlink_to(entry)
    return target


def cases(workdir: Path) -> dict[str, tuple[list[str], dict[str, str], str]]:
    base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with_site = symlink_site(workdir / "with", with_plugin=True)
    without_site = symlink_site(workdir / "without", with_plugin=False)
    python_ape = [sys.executable, "-S", "-c", APE_MAIN, "--help"]
    return {
        "ape_help_s": (python_ape, {**base, "PYTHONPATH": f"{REPO}{os.pathsep}{with_site}"}, "`ape --help`"),
        "ape_help_without_plugin_s": (
            python_ape,
            {**base, "PYTHONPATH": str(without_site)},
            "`ape --help`, plugin not installed",
        ),
        "ape_help_console_script_s": (
            [str(APE), "--help"],
            {**base, "PYTHONPATH": str(REPO)},
            "`ape --help`, venv console script",
        ),
        "livepeer_help_s": (
            [str(APE), "livepeer", "--help"],
            {**base, "PYTHONPATH": str(REPO)},
            "`ape livepeer --help`",
        ),
        "plugin_cli_import_s": (
            [sys.executable, "-c", IMPORT_TIMER],
            {**base, "PYTHONPATH": str(REPO)},
            "import of the plugin's CLI module (in-process)",
        ),
    }


def plugin_commands(output: str) -> list[str]:
    """Command names listed under Ape's "Plugin Commands:" heading."""
    if "Plugin Commands:" not in output:
        return []
    section = output.split("Plugin Commands:", 1)[1]
    return [line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.split()]


def check(name: str, result: subprocess.CompletedProcess) -> None:
    """Fail the bench if a case did not measure what it claims to."""
    listed = "livepeer" in plugin_commands(result.stdout)
    if name in ("ape_help_s", "ape_help_console_script_s") and not listed:
        raise SystemExit(f"{name}: `livepeer` missing from the plugin commands")
    if name == "ape_help_without_plugin_s":
        if listed:
            raise SystemExit(f"{name}: the plugin is still listed")
        if "plugin imported: False" not in result.stderr:
            raise SystemExit(f"{name}: the plugin package was imported:\n{result.stderr}")
    if name == "ape_help_s" and "plugin imported: True" not in result.stderr:
        raise SystemExit(f"{name}: the plugin package was not imported:\n{result.stderr}")
    if name == "livepeer_help_s" and "profitability" not in result.stdout:
        raise SystemExit(f"{name}: `profitability` missing from `ape livepeer --help`")


def measure(runs: int = 9) -> dict:
    """Time every case ``runs`` times (after one warm-up round) and print the table.

    Returns ``{"cli": {<case>_s: median, "plugin_overhead_s", "runs", "samples_s"}}``.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="cli-help-bench-") as workdir:
        commands = cases(Path(workdir))
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for round_number in range(runs + 1):
            for name, (command, env, _) in commands.items():
                elapsed, result = timed(command, REPO, env)
                check(name, result)
                if name == "plugin_cli_import_s":
                    elapsed = float(result.stdout)
                if round_number > 0:
                    samples[name].append(elapsed)

    medians = {name: statistics.median(values) for name, values in samples.items()}
    overhead = medians["ape_help_s"] - medians["ape_help_without_plugin_s"]

    print(f"{'case':48} {'median s':>9} {'min s':>7} {'max s':>7}   ({runs} runs, 1 warm-up)")
    for name, (_, _, label) in commands.items():
        values = samples[name]
        print(f"{label:48} {medians[name]:9.3f} {min(values):7.3f} {max(values):7.3f}")
    print(f"{'plugin overhead on `ape --help` (difference)':48} {overhead:9.3f}")

    return {
        "cli": {
            **{name: round(value, 4) for name, value in medians.items()},
            "plugin_overhead_s": round(overhead, 4),
            "runs": runs,
            "samples_s": {name: [round(value, 4) for value in values] for name, values in samples.items()},
        }
    }


if __name__ == "__main__":
    timing_main(__doc__, measure, RESULTS, runs=9)
