"""The Solidity toolchain, from npm only: anvil, cast and the solc compiler.

Nothing here downloads anything. ``npm ci`` (run by ``make setup``) puts the
pinned packages of ``package.json`` in ``node_modules``; this module finds them
and makes them usable by Ape:

* ``anvil`` / ``cast``: the real binaries inside ``@foundry-rs/<tool>-<platform>``.
  :func:`prepend_tools_to_path` puts their folder first on ``PATH`` so that
  ape-foundry (which looks ``anvil`` up on ``PATH``) starts the pinned one.
  Where there is no such ``node_modules`` (the plugin installed in a user's own
  project) the ones on ``PATH`` serve, as for every ape-foundry user; missing,
  they are refused with a one-line error saying how to get them.
* ``solc``: the npm package is the official compiler built to WebAssembly.
  :func:`install_solc_shim` writes ``solc-v<version>`` into py-solc-x's folder
  (``$SOLCX_BINARY_PATH`` or ``~/.solcx``), a two-line script running
  ``solc.js`` (beside this file) with node. A native compiler of the same
  version already there is left alone.

Run ``python -m ape_livepeer_migration.toolchain`` to set up and print what was found.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import stat
import sys
from pathlib import Path

from ape_livepeer_migration.exceptions import ToolchainError

SHIM_MARKER = "# written by ape-livepeer-migration"
#: The Foundry release ``package.json`` pins (npm serves it for Linux x64 only); named in the missing-tool error.
FOUNDRY_NPM_VERSION = "1.7.1"
WRAPPER = Path(__file__).with_name("solc.js")


def _npm_platform() -> str:
    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}.get(platform.system())
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "arm64": "arm64", "aarch64": "arm64"}.get(machine)
    if system is None or arch is None:
        raise ToolchainError(f"no Foundry npm build for {platform.system()} {platform.machine()}")
    return f"{system}-{arch}"


def find_node_modules(start: Path | None = None) -> Path:
    """The ``node_modules`` holding the pinned toolchain.

    Looked up from ``start`` (default: the working directory) towards the root,
    then beside this package's source tree (an editable install of this repo).
    """
    candidates: list[Path] = []
    here = (start or Path.cwd()).resolve()
    candidates.extend(p / "node_modules" for p in (here, *here.parents))
    candidates.append(Path(__file__).resolve().parents[2] / "node_modules")
    for candidate in candidates:
        if (candidate / "solc" / "package.json").is_file():
            return candidate
    raise ToolchainError(
        "node_modules with the Solidity toolchain not found; run `make setup` "
        "(or `npm ci`) in the ape-livepeer-migration checkout"
    )


def tool_path(tool: str, node_modules: Path | None = None) -> Path:
    """Path of the native ``anvil`` or ``cast`` binary.

    The npm build for this platform when a ``node_modules`` holds it (``package.json`` pins the Linux x64 one:
    the only Foundry build the npm registry serves): ``node_modules`` if given, else the toolchain's
    (:func:`find_node_modules`) or any from the working directory up (a project that ran the ``npm install`` of
    :func:`missing_tool_message`). Otherwise the one on ``PATH`` (``foundryup``): an installed plugin has no
    checkout to look in.
    """
    if node_modules is not None:
        candidates = [node_modules]
    else:
        try:
            candidates = [find_node_modules()]
        except ToolchainError:
            candidates = []
        here = Path.cwd().resolve()
        candidates.extend(p / "node_modules" for p in (here, *here.parents))
    try:
        build = Path("@foundry-rs") / f"{tool}-{_npm_platform()}" / "bin"
    except ToolchainError:
        build, candidates = Path(), []  # no npm build for this platform: PATH only
    exe = f"{tool}.exe" if platform.system() == "Windows" else tool
    for modules in candidates:
        if (binary := modules / build / exe).is_file():
            return binary
    if found := shutil.which(tool):
        return Path(found)
    raise ToolchainError(missing_tool_message(tool))


def missing_tool_message(tool: str) -> str:
    """One line: ``tool`` is not on ``PATH``, and how to get it."""
    package = f"@foundry-rs/{tool}-linux-amd64"
    return (
        f"{tool} (Foundry) not found on PATH: install Foundry with foundryup (https://getfoundry.sh), or on Linux x64 "
        f"`npm install {package}@{FOUNDRY_NPM_VERSION}` in the project (or put its node_modules/{package}/bin on PATH)"
    )


def prepend_tools_to_path(node_modules: Path | None = None) -> Path:
    """Put the pinned anvil/cast first on this process's ``PATH``; returns their folder."""
    folder = tool_path("anvil", node_modules).parent
    entries = os.environ.get("PATH", "").split(os.pathsep)
    if str(folder) not in entries:
        os.environ["PATH"] = os.pathsep.join([str(folder), *entries])
    return folder


def solc_version(node_modules: Path | None = None) -> str:
    """The compiler version pinned in ``package.json`` (as installed)."""
    modules = node_modules or find_node_modules()
    return json.loads((modules / "solc" / "package.json").read_text())["version"]


def solcx_folder() -> Path:
    """py-solc-x's binary folder, exactly as py-solc-x computes it."""
    from solcx.install import get_solcx_install_folder

    return get_solcx_install_folder()


def install_solc_shim(node_modules: Path | None = None, folder: Path | None = None) -> Path:
    """Make ``solc-v<version>`` available to py-solc-x; returns its path.

    Rewrites a shim written by this project (the checkout may have moved) but
    never replaces a native compiler the user installed.
    """
    modules = node_modules or find_node_modules()
    version = solc_version(modules)
    target_dir = folder or solcx_folder()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"solc-v{version}"
    if target.exists() and SHIM_MARKER not in target.read_text(errors="replace")[:400]:
        return target  # a native solc of the pinned version: use it.
    node = shutil.which("node")
    if node is None:
        raise ToolchainError("node is not on PATH; install Node.js (>= 18) to compile with npm's solc")
    target.write_text(
        "#!/bin/sh\n"
        f"{SHIM_MARKER}: the solc {version} WebAssembly build from npm\n"
        f'if [ ! -f "{WRAPPER}" ]; then\n'
        f'  echo "{target}: {WRAPPER} is gone (the checkout that wrote this shim moved or was removed);'
        ' run make setup (or python -m ape_livepeer_migration.toolchain) in yours" >&2\n'
        "  exit 127\n"
        "fi\n"
        f'NODE_PATH="{modules}" exec "{node}" "{WRAPPER}" "$@"\n'
    )
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return target


def main() -> int:
    try:
        modules = find_node_modules()
        shim = install_solc_shim(modules)
        print(f"solc   {solc_version(modules)} -> {shim}")
        for tool in ("anvil", "cast"):
            print(f"{tool:6} {tool_path(tool, modules)}")
    except ToolchainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0
