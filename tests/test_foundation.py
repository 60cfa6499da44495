"""The plugin loads, the npm toolchain compiles OpenZeppelin, and L1 / L2 are two chains."""

import subprocess
import sys
from pathlib import Path

import pytest
from ape import project

from ape_livepeer_migration.config import LOCAL_L1_CHAIN_ID, LOCAL_L2_CHAIN_ID
from ape_livepeer_migration.exceptions import ChainError

APE = Path(sys.executable).with_name("ape")


def test_ape_livepeer_help_through_the_real_entry_point():
    result = subprocess.run([str(APE), "livepeer", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Livepeer on L1 and Arbitrum" in result.stdout
    assert "chains" in result.stdout


def test_ape_lists_livepeer_among_plugin_commands():
    result = subprocess.run([str(APE), "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "livepeer" in result.stdout.split("Plugin Commands:")[1]


def test_livepeer_config_section_is_registered():
    from ape import config

    from ape_livepeer_migration.config import LivepeerConfig

    section = config.get_config("livepeer_migration")
    assert isinstance(section, LivepeerConfig)
    assert section.local.l2_chain_id == LOCAL_L2_CHAIN_ID


def test_contract_importing_openzeppelin_compiles():
    contract_type = project.LivepeerToken.contract_type
    abi_names = {item.name for item in contract_type.abi if hasattr(item, "name")}
    assert {"transfer", "approve", "totalSupply"} <= abi_names
    assert len(contract_type.deployment_bytecode.bytecode) > 1000


def test_layers_have_their_own_chain_ids(chains):
    assert chains.l1.chain_id == LOCAL_L1_CHAIN_ID
    assert chains.l2.chain_id == LOCAL_L2_CHAIN_ID
    with chains.l1:
        from ape import chain

        assert chain.chain_id == LOCAL_L1_CHAIN_ID
        with chains.l2:
            assert chain.chain_id == LOCAL_L2_CHAIN_ID
        assert chain.chain_id == LOCAL_L1_CHAIN_ID


def test_contract_on_l1_has_no_code_on_l2(chains, accounts):
    with chains.l1:
        token = project.LivepeerToken.deploy(accounts[0], sender=accounts[0])
    assert len(chains.l1.get_code(token.address)) > 0
    assert len(chains.l2.get_code(token.address)) == 0


def test_transaction_on_one_layer_does_not_move_the_other(chains, accounts):
    before = chains.l1.block_number, chains.l2.block_number
    with chains.l2:
        accounts[0].transfer(accounts[1], 1)
    assert chains.l2.block_number == before[1] + 1
    assert chains.l1.block_number == before[0]


def test_bound_contract_runs_on_its_own_chain_whatever_is_active(chains, accounts):
    with chains.l2:
        token = chains.l2.bind(project.LivepeerToken.deploy(accounts[0], sender=accounts[0]))
    with chains.l1:
        assert token.totalSupply() == 0  # an L1 call here would fail: no code on L1
        assert token.symbol() == "LPT"


def test_isolation_restores_both_layers(two_chains, accounts):
    before = two_chains.l1.block_number, two_chains.l2.block_number
    with two_chains.isolated():
        two_chains.l1.mine(3)
        two_chains.l2.mine(5)
    assert (two_chains.l1.block_number, two_chains.l2.block_number) == before


#: Init code that stores ``blockhash(block.number - 1)`` in slot 0 of the contract it creates (which has no code).
_STORE_PREVIOUS_BLOCK_HASH = "0x600143034060005500"


def test_a_round_of_blocks_moves_the_head_at_once_and_mines_the_last(chains, accounts):
    """5,760 blocks (a default round): the head is that many blocks ahead, the blocks before the last are skipped
    (anvil mines one), the last is a real block (its parent is the block before it; a contract reads its hash as
    ``blockhash(block.number - 1)`` in the next block) and no account changed."""
    l1 = chains.l1
    start, balance = l1.block_number, l1.request("eth_getBalance", [accounts[1].address, "latest"])
    l1.mine(5760)
    assert l1.block_number == start + 5760
    last, below = (l1.request("eth_getBlockByNumber", [hex(start + n), False]) for n in (5760, 5759))
    assert last["parentHash"] == below["hash"]
    assert l1.request("eth_getBlockByNumber", [hex(start + 1), False]) is None
    assert l1.request("eth_getBalance", [accounts[1].address, "latest"]) == balance
    with l1:
        sent = l1.request("eth_sendTransaction", [{"from": accounts[0].address, "data": _STORE_PREVIOUS_BLOCK_HASH}])
        created = l1.provider.get_receipt(sent).contract_address
    assert l1.request("eth_getStorageAt", [created, "0x0", "latest"]) == last["hash"]


def test_busy_port_is_refused_instead_of_silently_shared(two_chains):
    from urllib.parse import urlparse

    from ape_livepeer_migration.chains.pair import TwoChains

    busy = urlparse(two_chains.l1.provider.uri).port
    with pytest.raises(ChainError, match="already in use"):
        TwoChains.local(l1_port=busy)


def test_revert_is_decoded_and_not_printed(chains, accounts, capsys):
    import ape

    with chains.l1:
        token = project.LivepeerToken.deploy(accounts[0], sender=accounts[0])
        capsys.readouterr()
        with ape.reverts(token.NotMinter):
            token.mint(accounts[1], 1, sender=accounts[2])
    printed = capsys.readouterr()
    assert "Call trace" not in printed.out + printed.err


def test_a_reverted_transactions_trace_is_asked_without_memory(chains, accounts):
    """Ape walks that trace to find the contract that decodes the revert data; with every step's memory in it, a
    revert with 128 KiB of data takes minutes."""
    from ape.exceptions import ContractLogicError

    with chains.l1:
        token = project.LivepeerToken.deploy(accounts[0], sender=accounts[0])
        with pytest.raises(ContractLogicError) as caught:
            token.mint(accounts[1], 1, sender=accounts[2])
    assert caught.value.trace.debug_trace_transaction_parameters == {"enableMemory": False}


@pytest.fixture
def manual_l1(chains):
    """The L1 with automine off (Ape then sends without waiting for a receipt); back on afterwards."""
    provider = chains.l1.provider
    provider.auto_mine = False
    try:
        yield chains.l1
    finally:
        provider.auto_mine = True


def test_receipt_is_polled_at_short_growing_intervals(manual_l1, accounts, monkeypatch):
    """A receipt that is not there yet is asked for again after 2, 4, 8 ... ms, not after web3's 100 ms."""
    from ape_livepeer_migration.chains import provider as provider_module

    with manual_l1:
        sent = accounts[0].transfer(accounts[1], 1)
    pauses = []

    def pause(seconds):  # the node mines the block during the third pause
        pauses.append(seconds)
        if len(pauses) == 3:
            manual_l1.mine()

    monkeypatch.setattr(provider_module.time, "sleep", pause)
    with manual_l1:
        receipt = manual_l1.provider.get_receipt(sent.txn_hash, timeout=30)
    assert pauses == list(provider_module.RECEIPT_POLL_DELAYS[:3])
    assert receipt.txn_hash == sent.txn_hash and receipt.block_number == manual_l1.block_number
    assert receipt.status == 1 and receipt.receiver == accounts[1].address


def test_receipt_never_mined_is_not_found_after_the_timeout(manual_l1, accounts):
    from ape.exceptions import TransactionNotFoundError

    with manual_l1:
        sent = accounts[0].transfer(accounts[1], 1)
        with pytest.raises(TransactionNotFoundError):
            manual_l1.provider.get_receipt(sent.txn_hash, timeout=0.05)


@pytest.fixture
def l1_token(chains, accounts):
    """An L1 LPT with 5 LPT minted to accounts[1], bound to the L1."""
    with chains.l1:
        token = project.LivepeerToken.deploy(accounts[0], sender=accounts[0])
        token.setMinter(accounts[0], sender=accounts[0])
        token.mint(accounts[1], 5 * 10**18, sender=accounts[0])
    return chains.l1.bind(token)


def test_call_batch_returns_what_apes_calls_return(chains, accounts, l1_token):
    calls = [
        (l1_token, "balanceOf", (accounts[1].address,)),
        (l1_token, "totalSupply", ()),
        (l1_token, "minter", ()),
        (l1_token, "balanceOf", (accounts[2].address,)),
    ]
    assert chains.l1.call_batch(calls) == [getattr(l1_token, method)(*args) for _, method, args in calls]
    assert chains.l1.call_batch(calls)[:3] == [5 * 10**18, 5 * 10**18, accounts[0].address]


def test_call_batch_refuses_a_contract_without_code(chains, accounts, l1_token):
    from ape.exceptions import ContractNotFoundError

    on_l2 = chains.l2.bind(l1_token.unwrapped)  # the L2 has no code at the L1 token's address
    with pytest.raises(ContractNotFoundError, match=str(l1_token.address)):
        chains.l2.call_batch([(on_l2, "totalSupply", ())])


def test_call_batch_refuses_a_method_the_contract_lacks_as_ape_does(chains, l1_token):
    from ape.exceptions import ApeAttributeError

    with pytest.raises(ApeAttributeError, match="LivepeerToken' has no method 'noSuchMethod'"):
        chains.l1.call_batch([(l1_token, "noSuchMethod", ())])


def test_call_batch_raises_a_revert(chains, accounts, l1_token):
    from ape.exceptions import ContractLogicError

    with pytest.raises(ContractLogicError):  # only the minter mints: as a call from no one, it reverts
        chains.l1.call_batch([(l1_token, "totalSupply", ()), (l1_token, "mint", (accounts[2].address, 1))])
