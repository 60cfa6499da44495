"""CLI conventions: parameter types, --json / table output, --yes confirmation."""

import gc
import json
import subprocess
import sys
from fractions import Fraction

import click
import pytest
from click.testing import CliRunner

from ape_livepeer_migration._cli.context import Commands, started
from ape_livepeer_migration._cli.options import (
    Address,
    Amount,
    Percent,
    Price,
    confirm,
    echo_json,
    echo_table,
    json_option,
    yes_option,
)

LOWER = "0x52908400098527886e0f7030069857d2e4169ee7"
CHECKSUMMED = "0x52908400098527886E0F7030069857D2E4169EE7"


@pytest.mark.parametrize(
    "kind,text,expected",
    [
        (Amount(), "1.5", 15 * 10**17),
        (Amount(), "50_000", 50_000 * 10**18),
        (Amount(), " 2 ", 2 * 10**18),
        (Amount(), "0.000000000000000001", 1),
        (Amount(), "1.100000000000000000000", 11 * 10**17),  # trailing zeros are not precision
        (Amount(decimals=9), "0.1", 10**8),
        (Amount(allow_zero=True), "0", 0),
        (Amount(), 7, 7),
        (Amount(allow_zero=True), 0, 0),
        (Percent(10**6), 250_000, 250_000),
        (Price(), Fraction(1, 3), Fraction(1, 3)),
        (Percent(10**6), "25", 250_000),
        (Percent(10**6), "0", 0),
        (Percent(10**6), "100", 10**6),
        (Percent(10**6), "12.3456", 123_456),
        (Percent(10**9), "0.02185", 218_500),
        (Price(), "28.45", Fraction(2845, 100)),
        (Price(), "3500", Fraction(3500)),
        (Address(), LOWER, CHECKSUMMED),
        (Address(), LOWER.upper().replace("0X", "0x"), CHECKSUMMED),
        (Address(), CHECKSUMMED, CHECKSUMMED),
        (Address(allow_zero=True), "0x" + "0" * 40, "0x" + "0" * 40),
    ],
)
def test_types_convert(kind, text, expected):
    assert kind.convert(text, None, None) == expected


@pytest.mark.parametrize(
    "kind,text,message",
    [
        (Amount(), "abc", "'abc' is not a decimal number"),
        (Amount(), "1e3", "is not a decimal number"),
        (Amount(), "1,000", "is not a decimal number"),
        (Amount(), "", "is not a decimal number"),
        (Amount(), "1.", "is not a decimal number"),
        (Amount(), "-5", "must not be negative, got -5"),
        (Amount(), "0", "must be greater than 0"),
        (Amount(), "0.000", "must be greater than 0"),
        (Amount(), "1.0000000000000000001", "more than 18 decimal places"),
        (Amount(decimals=9), "0.0000000001", "more than 9 decimal places"),
        (Percent(10**6), "100.0001", "between 0 and 100 %"),
        (Percent(10**6), "-1", "must not be negative"),
        (Percent(10**6), "12.34567", "more than 4 decimal places"),
        (Percent(10**9, allow_zero=False), "0", "must be greater than 0"),
        (Price(), "0", "must be greater than 0"),
        (Price(), "-3", "must not be negative"),
        (Price(), "$30", "is not a decimal number"),
        (Amount(), -1, "must not be negative, got -1 base units"),
        (Amount(), 0, "must be greater than 0"),
        (Percent(10**6), 10**6 + 1, "between 0 and 100 %, got 1000001 parts per 1000000"),
        (Price(), Fraction(0), "must be greater than 0"),
        (Address(), LOWER[:-1], "is not an address"),
        (Address(), LOWER[2:] + "00", "is not an address"),
        (Address(), LOWER[:-1] + "g", "is not an address"),
        (Address(), CHECKSUMMED[:-1] + "e", "invalid EIP-55 checksum (expected"),
        (Address(), "0x" + "0" * 40, "zero address is not allowed"),
    ],
)
def test_types_reject_bad_input_with_a_clear_message(kind, text, message):
    with pytest.raises(click.BadParameter) as info:
        kind.convert(text, None, None)
    assert message in info.value.message
    assert "\n" not in info.value.message


@pytest.mark.parametrize("precision", [10, 1000 + 1, 0])
def test_percent_needs_a_power_of_ten_precision(precision):
    with pytest.raises(ValueError, match="power of ten"):
        Percent(precision)


@click.command()
@click.option("--amount", type=Amount(), required=True)
@json_option
def report(amount, as_json):
    if as_json:
        echo_json({"amount": str(amount)})
    else:
        echo_table(["what", "value"], [["amount", f"{amount:,}"]], caption="the caption")


@click.command()
@yes_option
def act(yes):
    confirm("Send it?", yes)
    click.echo("sent")


def test_json_option_switches_output_to_json():
    result = CliRunner().invoke(report, ["--amount", "1.5", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"amount": str(15 * 10**17)}


def test_table_output_has_caption_labels_and_values():
    result = CliRunner().invoke(report, ["--amount", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "the caption"
    row = next(line for line in lines if "amount" in line)
    assert "2,000,000,000,000,000,000" in row


def test_bad_amount_is_a_one_line_usage_error():
    result = CliRunner().invoke(report, ["--amount", "-1"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: Invalid value for '--amount': must not be negative, got -1"


@pytest.mark.parametrize(
    "args,stdin,exit_code,sent",
    [
        (["--yes"], None, 0, True),
        (["-y"], None, 0, True),
        ([], "y\n", 0, True),
        ([], "n\n", 1, False),
        ([], "", 1, False),  # no terminal, no answer: abort
    ],
)
def test_confirmation(args, stdin, exit_code, sent):
    result = CliRunner().invoke(act, args, input=stdin)
    assert result.exit_code == exit_code
    assert ("sent" in result.output.splitlines()) == sent
    if not sent:
        assert "Aborted!" in result.output


def test_cli_modules_import_nothing_heavy():
    # `ape --help` imports the plugin's CLI: it must not pull in the model, rich or the chain code.
    code = (
        "import sys; import ape_livepeer_migration._cli; "
        "heavy = ('ape_livepeer_migration.protocol.economics', 'ape_livepeer_migration.chains.pair', 'eth_utils'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def _collector_around_start(fails: bool = False) -> tuple[int, list[tuple[bool, bool]]]:
    """Run a command of a ``Commands`` group that starts (:func:`started`), then fails when ``fails``; its exit code
    and whether the collector ran and objects were frozen, before and after the start."""
    seen = []

    @click.group(cls=Commands)
    def group():
        pass

    @group.command()
    def command():
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        started()
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        if fails:
            raise click.ClickException("refused")

    return CliRunner().invoke(group, ["command"]).exit_code, seen


@pytest.mark.parametrize("fails", [False, True])
def test_a_command_collects_garbage_only_once_started_and_leaves_the_collector_as_it_was(fails):
    # paused while starting; then running again, over what the start left out
    assert _collector_around_start(fails) == (1 if fails else 0, [(False, False), (True, True)])
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_process_without_the_collector_keeps_it_off():
    gc.disable()
    try:
        assert _collector_around_start() == (0, [(False, False), (False, False)])
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--rounds-per-l1-round", "3"], "Error: --rounds-per-l1-round applies to --inflation l1 only"),
        (
            ["--inflation", "l2", "--rounds-per-l1-round", "3"],
            "Error: --rounds-per-l1-round applies to --inflation l1 only",
        ),
        (["--inflation", "l3"], "Error: Invalid value for '--inflation': 'l3' is not one of 'l2', 'l1'."),
        (
            ["--inflation", "l1", "--rounds-per-l1-round", "0"],
            "Error: Invalid value for '--rounds-per-l1-round': 0 is not in the range x>=1.",
        ),
    ],
)
def test_deploy_refuses_a_wrong_inflation_mode_in_one_line_before_connecting(args, message):
    from ape_livepeer_migration._cli import cli

    result = CliRunner().invoke(cli, ["deploy", "--account", "test:0", *args], obj={"pair": "no-such-pair"})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message
