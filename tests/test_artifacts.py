"""The contract types the package ships are exactly what contracts/ compiles to, and the package loads them."""

import json

import pytest
from ape import project

from ape_livepeer_migration import contracts
from ape_livepeer_migration.contracts import BUILD_COMMAND
from ape_livepeer_migration.exceptions import UnknownContractError


@pytest.fixture(scope="module")
def compiled():
    """The checkout's contract types (``make test`` compiles first; compiled here if stale)."""
    return contracts.compiled_contract_types(project)


def test_shipped_contract_types_match_the_sources(compiled):
    problems = contracts.artifact_differences(compiled)
    assert not problems, (
        f"the contract types in ape_livepeer_migration/data/contracts differ from contracts/ ({'; '.join(problems)}): "
        f"run `{BUILD_COMMAND}` and commit the result"
    )


def test_the_comparison_catches_an_edited_a_missing_and_an_extra_type(compiled, tmp_path):
    contracts.write_artifacts(tmp_path, compiled)
    assert contracts.artifact_differences(compiled, tmp_path) == []
    inbox = tmp_path / "SimInbox.json"
    inbox.write_text(inbox.read_text().replace('"0x6080', '"0x6081', 1))
    (tmp_path / "SimOutbox.json").unlink()
    (tmp_path / "Removed.json").write_text("{}")
    assert contracts.artifact_differences(compiled, tmp_path) == [
        "stale: SimInbox.json",
        "not shipped: SimOutbox.json",
        "shipped without a source: Removed.json",
    ]


def test_every_contract_the_package_deploys_ships_and_test_contracts_do_not(compiled):
    shipped = set(contracts.names())
    for name in ("SimBridge", "SimInbox", "L1Migrator", "L2Migrator", "BondingManager", "L2BondingManager", "IInbox"):
        assert name in shipped
    assert not {ct.name for ct in compiled if ct.source_id.startswith("contracts/test/")} & shipped


def test_a_shipped_type_is_the_compiled_one_cut_to_what_ape_needs(compiled):
    fresh = next(ct for ct in compiled if ct.name == "SimBridge")
    loaded = contracts.contract("SimBridge").contract_type
    assert loaded.abi == fresh.abi
    assert loaded.deployment_bytecode == fresh.deployment_bytecode
    assert loaded.runtime_bytecode == fresh.runtime_bytecode
    assert loaded.source_id == fresh.source_id == "contracts/simulator/SimBridge.sol"  # Ape's route to ape-solidity
    text = (contracts.shipped_artifacts())["SimBridge.json"]
    assert sorted(json.loads(text)) == sorted(contracts.FIELDS)
    assert contracts.shipped_form(fresh) == text  # sorted keys, fixed fields: the same sources give the same file


def test_an_unknown_name_is_one_clear_error():
    with pytest.raises(
        UnknownContractError, match="no contract type 'TestLPTRouter' ships with ape-livepeer-migration"
    ):
        contracts.contract("TestLPTRouter")


def test_write_artifacts_drops_types_whose_source_is_gone(compiled, tmp_path):
    (tmp_path / "Removed.json").write_text("{}")
    written = contracts.write_artifacts(tmp_path, compiled)
    assert sorted(p.name for p in tmp_path.iterdir()) == written
    assert contracts.artifact_differences(compiled, tmp_path) == []


def test_a_contract_is_attached_with_the_shipped_type_whatever_ape_cached_for_its_address(chains, accounts):
    """On a mainnet or Arbitrum One fork, Ape keeps the types it saw on disk, per address: an earlier version's ABI
    deployed at the same address must not come back in place of the shipped one (it decoded `getTranscoder` with
    the old struct and failed)."""
    from ape import chain
    from ethpm_types import ContractType

    with chains.l1:
        token = contracts.contract("LivepeerToken").deploy(accounts[0], sender=accounts[0])
        stale = ContractType.model_validate({"contractName": "LivepeerToken", "abi": []})
        chain.contracts.cache_contract_type(token.address, stale)
        attached = contracts.contract_at("LivepeerToken", token.address)
        assert attached.contract_type == contracts.contract("LivepeerToken").contract_type
        assert attached.symbol() == "LPT"
        assert chain.contracts.get(token.address) == attached.contract_type
