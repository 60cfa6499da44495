"""The npm solc wrapper as py-solc-x drives it: version and standard-json with imports."""

import json
import subprocess

import pytest

from ape_livepeer_migration.toolchain import install_solc_shim, solc_version


@pytest.fixture(scope="module")
def solc(tmp_path_factory):
    return install_solc_shim(folder=tmp_path_factory.mktemp("solcx"))


def compile_json(solc, base_path, sources):
    request = {"language": "Solidity", "sources": sources, "settings": {"outputSelection": {"*": {"*": ["abi"]}}}}
    result = subprocess.run(
        [str(solc), "--standard-json", "--base-path", str(base_path)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def errors(output):
    return [e["message"] for e in output.get("errors", []) if e["severity"] == "error"]


def test_version_is_the_pinned_one_in_the_form_py_solc_x_parses(solc):
    from solcx.wrapper import get_solc_version

    assert str(get_solc_version(solc)) == solc_version()


def test_a_shim_whose_checkout_is_gone_says_so(solc, tmp_path):
    """Every checkout's `make setup` rewrites the one shared shim: one left pointing at a removed checkout explains."""
    from ape_livepeer_migration.toolchain import WRAPPER

    stale = tmp_path / solc.name
    stale.write_text(solc.read_text().replace(str(WRAPPER), str(tmp_path / "gone" / "solc.js")))
    stale.chmod(0o755)
    result = subprocess.run([str(stale), "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 127
    assert (
        f"{tmp_path / 'gone' / 'solc.js'} is gone (the checkout that wrote this shim moved or was removed)"
        in result.stderr
    )


def test_node_modules_import_resolves_from_a_folder_without_node_modules(solc, tmp_path):
    source = (
        'pragma solidity ^0.8.24; import {IERC20} from "node_modules/@openzeppelin/contracts/token/ERC20/IERC20.sol"; '
        "contract A {}"
    )
    output = compile_json(solc, tmp_path, {"A.sol": {"content": source}})
    assert errors(output) == []
    assert "A" in output["contracts"]["A.sol"]


def test_imports_escaping_the_allowed_folders_are_refused(solc, tmp_path):
    secret = tmp_path / "outside.sol"  # exactly where both escaping paths point
    secret.write_text("pragma solidity ^0.8.24; contract Outside {}")
    base = tmp_path / "base"
    base.mkdir()
    for path in ("../outside.sol", "node_modules/../../outside.sol"):
        output = compile_json(solc, base, {"A.sol": {"content": f'import "{path}"; contract A {{}}'}})
        assert any("not found" in message for message in errors(output)), path


def _no_checkout(start=None):
    from ape_livepeer_migration.exceptions import ToolchainError

    raise ToolchainError("node_modules with the Solidity toolchain not found")


def test_without_anvil_anywhere_the_error_is_one_line_saying_how_to_get_it(tmp_path, monkeypatch):
    """A user's project: no checkout's node_modules, none in the project, nothing on PATH."""
    from ape_livepeer_migration import toolchain

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(toolchain, "find_node_modules", _no_checkout)
    with pytest.raises(toolchain.ToolchainError) as raised:
        toolchain.tool_path("anvil")
    message = str(raised.value)
    assert "\n" not in message and "foundryup" in message
    assert "npm install @foundry-rs/anvil-linux-amd64@1.7.1" in message


def test_anvil_from_the_projects_npm_install_then_from_path(tmp_path, monkeypatch):
    from ape_livepeer_migration import toolchain

    monkeypatch.setattr(toolchain, "find_node_modules", _no_checkout)
    monkeypatch.setattr(toolchain, "_npm_platform", lambda: "linux-amd64")
    project, elsewhere = tmp_path / "project", tmp_path / "bin"
    npm_build = project / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
    for binary in (npm_build, elsewhere / "anvil"):
        binary.parent.mkdir(parents=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    monkeypatch.setenv("PATH", str(elsewhere))
    monkeypatch.chdir(project)
    assert toolchain.tool_path("anvil") == npm_build
    monkeypatch.chdir(tmp_path)
    assert toolchain.tool_path("anvil") == elsewhere / "anvil"


def test_the_version_named_in_the_error_is_the_one_package_json_pins():
    from pathlib import Path

    from ape_livepeer_migration.toolchain import FOUNDRY_NPM_VERSION

    package = json.loads((Path(__file__).resolve().parents[1] / "package.json").read_text())
    assert package["optionalDependencies"]["@foundry-rs/anvil-linux-amd64"] == FOUNDRY_NPM_VERSION
