"""The contract types this plugin deploys and talks to, shipped inside the package.

Every module of the package gets its contracts from :func:`contract` (``contract("SimBridge").deploy(...)``,
``contract_at("IInbox", address)``), never from ``ape.project``: the plugin runs in its users' Ape projects, which
hold none of these sources, and nothing is compiled on a user's machine (no solc needed).

The types live under ``data/contracts/<Name>.json``, one Ape ``ContractType`` each, cut down to what deploying,
calling and decoding errors need (:data:`FIELDS`). They are generated from this repository's ``contracts/`` (the
test-only contracts under ``contracts/test/`` excluded) by ``make artifacts``; ``tests/test_artifacts.py`` fails when
they differ from what the sources compile to.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape_livepeer_migration.exceptions import UnknownContractError

if TYPE_CHECKING:
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

#: The folder of the shipped types, inside the package.
DATA = ("data", "contracts")

#: What a shipped type keeps: the ABI (calls, events, custom errors), both bytecodes (deploying, code checks), the
#: name, and the source id, whose ``.sol`` extension lets Ape hand reverts to ape-solidity (Solidity panics).
FIELDS = ("abi", "contractName", "deploymentBytecode", "runtimeBytecode", "sourceId")

#: Sources compiled for tests only: not shipped.
TEST_SOURCES = "contracts/test/"

#: The one command that regenerates the shipped types from ``contracts/``.
BUILD_COMMAND = "make artifacts"


def _folder():
    folder = resources.files(__package__)
    for part in DATA:
        folder = folder / part
    return folder


def names() -> list[str]:
    """The names of the shipped contract types, sorted."""
    return sorted(entry.name[: -len(".json")] for entry in _folder().iterdir() if entry.name.endswith(".json"))


@cache
def contract_type(name: str) -> ContractType:
    """The shipped ``ContractType`` ``name`` (read once per process)."""
    from ethpm_types import ContractType

    entry = _folder() / f"{name}.json"
    if not entry.is_file():
        raise UnknownContractError(f"no contract type {name!r} ships with ape-livepeer-migration")
    return ContractType.model_validate_json(entry.read_text(encoding="utf-8"))


def contract(name: str) -> ContractContainer:
    """An Ape ``ContractContainer`` for the shipped type ``name``: ``.deploy(...)``, ``.at(address)``."""
    from ape.contracts import ContractContainer

    return ContractContainer(contract_type(name))


def contract_at(name: str, address: str) -> Any:
    """The shipped type ``name`` at ``address``.

    Not ``contract(name).at(address)``: Ape prefers a type it has cached for the address over the one given, and on
    a fork of mainnet or Arbitrum One its cache is on disk (``~/.ape/<ecosystem>/mainnet/contract_types``), where a
    deployment of an earlier version of this package at the same address (a fork's deployer starts from the same
    nonce) left its own ABI. So the cache is neither read nor kept: the shipped type replaces it. Without Ape's
    proxy detection, which asks the node for the code and several storage slots of every contract attached (none of
    these is a proxy) and made up a third of the time of attaching to a deployment.

    Ape's contract cache is asked directly rather than as ``chain.contracts``: its state is shared by the class, so it
    is the same cache, and a read command that attaches a deployment need not import Ape's chain manager (and
    ``pandas`` with it, a sixth of the command's time)."""
    from ape.managers._contractscache import ContractCache

    return ContractCache().instance_at(
        address,
        contract_type=contract(name).contract_type,
        fetch_from_explorer=False,
        fetch_from_disk=False,
        detect_proxy=False,
        replace=True,
    )


# ------------------------------------------------------------------ building (in this repository's checkout)


def shipped_form(compiled: ContractType) -> str:
    """The text shipped for a compiled type: :data:`FIELDS` only, sorted keys, so equal sources give equal files."""
    data = compiled.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps({key: data[key] for key in FIELDS if key in data}, indent=1, sort_keys=True) + "\n"


def expected_artifacts(compiled: Iterable[ContractType]) -> dict[str, str]:
    """``{file name: text}`` the package must ship for these compiled types (test-only sources left out)."""
    return {
        f"{ct.name}.json": shipped_form(ct)
        for ct in compiled
        if ct.name and not (ct.source_id or "").startswith(TEST_SOURCES)
    }


def shipped_artifacts(folder: Any = None) -> dict[str, str]:
    """``{file name: text}`` of the types this package ships (or ``folder`` holds)."""
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in (folder or _folder()).iterdir()
        if entry.name.endswith(".json")
    }


def artifact_differences(compiled: Iterable[ContractType], folder: Any = None) -> list[str]:
    """How the shipped types (or ``folder``'s) differ from ``compiled``'s, e.g. ``["stale: L2Minter.json"]``;
    empty when they match."""
    expected, shipped = expected_artifacts(compiled), shipped_artifacts(folder)
    groups = (
        ("stale", [name for name in expected.keys() & shipped.keys() if expected[name] != shipped[name]]),
        ("not shipped", list(expected.keys() - shipped.keys())),
        ("shipped without a source", list(shipped.keys() - expected.keys())),
    )
    return [f"{label}: {', '.join(sorted(names))}" for label, names in groups if names]


def compiled_contract_types(project: Any = None, *, from_scratch: bool = False) -> list[ContractType]:
    """The contract types of the checkout's Ape project (``ape.project`` by default), compiled first if stale.

    ``from_scratch`` recompiles every source: Ape's incremental compile recompiles the edited files but not the
    contracts importing them, whose metadata hash (so bytecode) changes as well.
    """
    if project is None:
        from ape import project as ape_project

        project = ape_project
    return [container.contract_type for container in project.load_contracts(use_cache=not from_scratch).values()]


def write_artifacts(folder: Path, compiled: Iterable[ContractType]) -> list[str]:
    """Replace the shipped types in ``folder`` by ``compiled``'s; returns the file names written."""
    expected = expected_artifacts(compiled)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for file_name, text in expected.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    return sorted(expected)


def main() -> int:
    """``make artifacts``: compile the checkout's ``contracts/`` from scratch and write the shipped types beside this
    module (Ape's ``.build`` is rewritten too, so the tests then run the same bytecode)."""
    package = Path(__file__).resolve().parent
    if not (package.parent / "contracts").is_dir() or not (package.parent / "setup.py").is_file():
        print(
            f"error: {package} is not in an ape-livepeer-migration checkout; run `{BUILD_COMMAND}` in one",
            file=sys.stderr,
        )
        return 1
    written = write_artifacts(package.joinpath(*DATA), compiled_contract_types(from_scratch=True))
    print(f"{len(written)} contract types written to {package.joinpath(*DATA)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
