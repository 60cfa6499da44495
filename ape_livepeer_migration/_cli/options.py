"""Conventions shared by the ``ape livepeer`` commands.

* ``--json``: every command that reports something can print it as JSON
  (:data:`json_option`, :func:`echo_json`) instead of a table (:func:`echo_table`).
* Amounts are typed as decimals in whole tokens and converted to exact base
  units (:class:`Amount`); percentages to exact parts-per (:class:`Percent`);
  prices to exact fractions (:class:`Price`); addresses are checked
  (:class:`Address`).  Bad input fails with a one-line message naming the
  option and a non-zero exit code (click's usage errors exit with 2).
* ``--yes`` skips the confirmation that commands sending transactions ask for
  (:data:`yes_option`, :func:`confirm`); ``--dry-run`` shows what they would
  send and its cost, and sends nothing (:data:`dry_run_option`).
* ``--max-fee``, ``--priority-fee``, ``--gas-limit``, ``--nonce``: the gas
  controls of the transactions a command sends (:func:`gas_options`, fees typed
  as :class:`FeePerGas`), handed to the session by
  :class:`~ape_livepeer_migration._cli.context.Session`.

Ape imports the CLI for every ``ape`` invocation, so this module imports only
click and the standard library's ``re`` at module level.
"""

import re

import click

_DECIMAL = re.compile(r"(?P<whole>\d+)(?:\.(?P<fraction>\d+))?")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def _decimal_digits(text: str) -> tuple[int, str]:
    """Split a non-negative decimal string into (whole part, fraction digits), or raise ValueError.

    Underscores may group digits ("50_000"); signs, exponents and commas are refused.
    """
    match = _DECIMAL.fullmatch(text.strip().replace("_", ""))
    if match is None:
        raise ValueError(text)
    return int(match["whole"]), (match["fraction"] or "").rstrip("0")


class _Decimal(click.ParamType):
    """Base of the decimal types: parse exactly, then check the sign, zero and an upper bound.

    Values are handled scaled to ``10**decimals`` (an ``int``); subclasses turn
    that into their result.  Click may pass an already converted value back in
    (a default, a prompt); it is checked the same way, not parsed again.
    """

    #: How many decimal places the base unit allows.
    decimals: int = 18
    #: Whether zero is accepted.
    allow_zero: bool = False
    #: The largest accepted scaled value, if any, and how to say so.
    upper: int | None = None
    upper_message: str = ""

    def _check(self, scaled: int, shown: str, param, ctx) -> int:
        if scaled < 0:
            self.fail(f"must not be negative, got {shown}", param, ctx)
        if scaled == 0 and not self.allow_zero:
            self.fail("must be greater than 0", param, ctx)
        if self.upper is not None and scaled > self.upper:
            self.fail(f"{self.upper_message}, got {shown}", param, ctx)
        return scaled

    def _parse(self, value: object, param, ctx) -> int:
        """``value`` scaled to ``10**decimals``, or fail with a one-line message."""
        text = str(value).strip()
        if text.startswith("-"):
            self.fail(f"must not be negative, got {text}", param, ctx)
        try:
            whole, fraction = _decimal_digits(text)
        except ValueError:
            self.fail(f"{text!r} is not a decimal number", param, ctx)
        if len(fraction) > self.decimals:
            self.fail(f"{text} has more than {self.decimals} decimal places", param, ctx)
        scaled = whole * 10**self.decimals + int(fraction.ljust(self.decimals, "0") or "0")
        return self._check(scaled, text, param, ctx)


class Amount(_Decimal):
    """A token amount in whole tokens ("1.5"), converted to base units (an ``int``)."""

    name = "amount"

    def __init__(self, decimals: int = 18, *, allow_zero: bool = False):
        self.decimals = decimals
        self.allow_zero = allow_zero

    def convert(self, value, param, ctx) -> int:
        """Base units of ``value``; fails on malformed input, negatives, zero (unless allowed), excess decimals."""
        if isinstance(value, int) and not isinstance(value, bool):
            return self._check(value, f"{value} base units", param, ctx)
        return self._parse(value, param, ctx)


class Percent(_Decimal):
    """A percentage ("25", "0.02185"), converted to parts per ``precision`` (an ``int``).

    ``precision`` is the protocol's denominator: 1e6 for a reward cut (so "25"
    becomes 250000 and at most 4 decimals are meaningful), 1e9 for inflation.
    """

    name = "percent"
    upper_message = "must be between 0 and 100 %"

    def __init__(self, precision: int, *, allow_zero: bool = True):
        digits = len(str(precision)) - 1
        if precision != 10**digits or digits < 2:
            raise ValueError(f"precision must be a power of ten of at least 100, got {precision}")
        self.precision = self.upper = precision
        self.decimals = digits - 2
        self.allow_zero = allow_zero

    def convert(self, value, param, ctx) -> int:
        """Parts per ``precision`` of ``value`` percent; fails outside 0-100 % or past the precision."""
        if isinstance(value, int) and not isinstance(value, bool):
            return self._check(value, f"{value} parts per {self.precision}", param, ctx)
        return self._parse(value, param, ctx)


class Price(_Decimal):
    """A positive price ("3500", "28.45"), converted to an exact :class:`fractions.Fraction`."""

    name = "price"

    def convert(self, value, param, ctx):
        """The exact value of ``value``; fails on malformed input, zero, negatives, more than 18 decimals."""
        from fractions import Fraction

        if isinstance(value, Fraction):
            if value <= 0:
                self.fail(f"must be greater than 0, got {value}", param, ctx)
            return value
        return Fraction(self._parse(value, param, ctx), 10**self.decimals)


class Address(click.ParamType):
    """An account address: ``0x`` and 40 hex digits, EIP-55 checked when mixed-case.

    Returns the checksummed form.  The zero address is refused unless
    ``allow_zero`` (it is never a real account, and protocols that mistake it
    for one lose funds).
    """

    name = "address"

    def __init__(self, *, allow_zero: bool = False):
        self.allow_zero = allow_zero

    def convert(self, value, param, ctx) -> str:
        """The checksummed address; fails on a malformed address, a bad checksum, or the zero address."""
        text = str(value).strip()
        if not _ADDRESS.fullmatch(text):
            self.fail(f"{text!r} is not an address (0x followed by 40 hex digits)", param, ctx)
        from eth_utils import to_checksum_address

        checksummed = to_checksum_address(text)
        digits = text[2:]
        if digits != digits.lower() and digits != digits.upper() and text != checksummed:
            self.fail(f"{text} has an invalid EIP-55 checksum (expected {checksummed})", param, ctx)
        if int(digits, 16) == 0 and not self.allow_zero:
            self.fail("the zero address is not allowed", param, ctx)
        return checksummed


class FeePerGas(click.ParamType):
    """A fee per gas: wei as an integer ("30000000000") or gwei with its unit ("30gwei", "0.1 gwei"), converted to
    wei (an ``int``)."""

    name = "wei|Ngwei"

    def convert(self, value, param, ctx) -> int:
        """Wei of ``value``; fails on anything but a non-negative integer of wei or a decimal of gwei."""
        if isinstance(value, int) and not isinstance(value, bool):
            return Amount(0, allow_zero=True).convert(value, param, ctx)
        text = str(value).strip().lower()
        number, gwei = (text[:-4].strip(), True) if text.endswith("gwei") else (text, False)
        try:
            whole, fraction = _decimal_digits(number)
        except ValueError:
            self.fail(f"{value!r} is not a fee per gas: wei (an integer) or gwei ('30gwei')", param, ctx)
        if fraction and not gwei:
            self.fail(f"{value!r} is not a whole number of wei (for gwei add the unit: '{text}gwei')", param, ctx)
        if len(fraction) > 9:
            self.fail(f"{value!r} has more than 9 decimal places of gwei", param, ctx)
        return whole * 10**9 + int(fraction.ljust(9, "0")) if gwei else whole


#: ``ctx.meta`` key of the gas controls a command was given (:func:`gas_options`): option name -> value.
TX_OPTIONS = "ape_livepeer_migration.tx_options"


def _remember_tx_option(ctx: click.Context, param: click.Parameter, value):
    if value is not None:
        ctx.meta.setdefault(TX_OPTIONS, {})[param.name] = value
    return value


def gas_options(command):
    """``--max-fee``, ``--priority-fee``, ``--gas-limit``, ``--nonce``: Ape's transaction fields for every
    transaction the command sends (the nonce is the first's; later ones follow it). They are not parameters of the
    command: they go to ``ctx.meta`` (:data:`TX_OPTIONS`), from where the session takes them."""
    for name, kind, help in reversed(
        (
            ("--max-fee", FeePerGas(), "Max fee per gas (EIP-1559 maxFeePerGas; a legacy gas price): wei or Ngwei."),
            ("--priority-fee", FeePerGas(), "Max priority fee per gas (the tip): wei or Ngwei."),
            ("--gas-limit", click.IntRange(min=21_000), "Gas limit of each transaction [default: estimated]."),
            ("--nonce", click.IntRange(min=0), "Nonce of the first transaction [default: the account's next]."),
        )
    ):
        command = click.option(name, type=kind, expose_value=False, callback=_remember_tx_option, help=help)(command)
    return command


#: ``--dry-run``: show what would be sent and its cost, send nothing (parameter ``dry_run``).
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Show what would be sent and its estimated cost; send nothing."
)

#: ``--json``: print machine-readable JSON instead of a table (parameter ``as_json``).
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of text.")

#: ``--yes`` / ``-y``: do not ask before sending transactions (parameter ``yes``).
yes_option = click.option("--yes", "-y", "yes", is_flag=True, help="Do not ask for confirmation.")


#: ``ctx.meta`` key set while a command prints JSON (:class:`~ape_livepeer_migration._cli.context.Commands`).
JSON_OUTPUT = "ape_livepeer_migration.json"


def confirm(message: str, yes: bool) -> None:
    """Ask ``message`` unless ``yes``; abort (exit 1, "Aborted!") on anything but yes.

    Without a terminal (and without ``--yes``) there is no answer, which aborts too. With ``--json`` nothing is
    asked (a question would break the JSON on stdout): without ``--yes`` the command stops there, with a usage error.
    """
    if yes:
        return
    if click.get_current_context().meta.get(JSON_OUTPUT):
        raise click.UsageError(f"{message} With --json nothing is asked: add --yes to send.")
    click.confirm(message, abort=True)


def echo_json(data) -> None:
    """Print ``data`` as indented JSON on stdout."""
    import json

    click.echo(json.dumps(data, indent=2))


def echo_table(columns: list[str], rows: list[list[str]], *, caption: str | None = None) -> None:
    """Print a table: the first column left-aligned (labels), the others right-aligned (values).

    ``caption`` (e.g. the inputs the figures derive from) is printed as plain
    lines above the table, unwrapped by the table's width.
    """
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if caption:
        console.print(caption, highlight=False, soft_wrap=True)
    table = Table()
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=index > 0)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def echo_preview(preview, as_json: bool, unit: str = "LPT", value_label: str = "L2 max cost, sent with it") -> None:
    """Show what a ``--dry-run`` would send (a :class:`~ape_livepeer_migration.session.results.Preview`, its amounts
    in ``unit``, the ETH its transactions carry as ``value_label``), then that nothing was sent."""
    from ape_livepeer_migration._eth import token_text

    if as_json:
        echo_json(preview.as_json())
        return
    rows = [
        [f"{key.removesuffix('_wei')} ({unit})", token_text(value)]
        if key.endswith("_wei")
        else [key.replace("_", " "), ", ".join(map(str, value)) if isinstance(value, list) else str(value)]
        for key, value in preview.details.items()
    ]
    where = preview.layer.upper()
    rows += [
        ["transactions", ", ".join(call.name for call in preview.calls)],
        [f"{where} gas (estimate)", f"{preview.gas:,}"],
        [f"{where} cost at most (ETH)", token_text(preview.cost)],
    ]
    if preview.value:  # e.g. a deposit's L2 fees, paid with the L1 transaction
        rows += [
            [f"{value_label} (ETH)", token_text(preview.value)],
            ["Total at most (ETH)", token_text(preview.cost + preview.value)],
        ]
    echo_table([preview.operation, ""], rows, caption=f"{preview.operation} by {preview.account} on {where}")
    click.echo("Dry run: nothing sent.")


#: ``--account``: the Ape account that signs (parameter ``account``): ``test:N`` (Ape's N-th test account),
#: an address Ape holds a key for, or an account alias. Resolved by :func:`~ape_livepeer_migration._cli.context.signer`.
account_option = click.option(
    "--account",
    "account",
    envvar="APE_LIVEPEER_ACCOUNT",
    show_envvar=True,
    metavar="ALIAS|ADDRESS|test:N",
    help="Account that signs: an Ape account alias, its address, or test:N (Ape's N-th test account).",
)


def layer_option(help: str):
    """``--layer``: ``l1`` or ``l2`` (parameter ``layer``), L2 by default: where the stake is once migrated."""
    return click.option("--layer", type=click.Choice(["l1", "l2"]), default="l2", show_default=True, help=help)


def operator_option(help: str):
    """``--operator``: the account that runs the Arbitrum simulator (parameter ``operator_spec``, named like
    ``--account``)."""
    return click.option("--operator", "operator_spec", metavar="ALIAS|ADDRESS|test:N", help=help)


def interval_option(default: float, help: str):
    """``--interval``: seconds between the checks of a ``--watch`` loop (parameter ``interval``)."""
    return click.option("--interval", type=click.FloatRange(min=0.1), default=default, show_default=True, help=help)


def price_option(token: str, help_tail: str):
    """``--<token>-usd``: the token's price in USD (:class:`Price`), also from ``$APE_LIVEPEER_<TOKEN>_USD``."""
    return click.option(
        f"--{token}-usd",
        type=Price(),
        envvar=f"APE_LIVEPEER_{token.upper()}_USD",
        show_envvar=True,
        help=f"{token.upper()} price, USD{help_tail}",
    )


class Assignment(click.ParamType):
    """``ADDRESS=AMOUNT`` (whole tokens), converted to ``(checksummed address, base units)``."""

    name = "address=amount"

    def convert(self, value, param, ctx):
        """The pair; fails on a missing ``=``, a bad address or a bad amount."""
        if isinstance(value, tuple):
            return value
        address, sep, amount = str(value).partition("=")
        if not sep:
            self.fail(f"{value!r} is not ADDRESS=AMOUNT", param, ctx)
        return Address().convert(address, param, ctx), Amount().convert(amount, param, ctx)


class LockIds(click.ParamType):
    """A comma-separated list of unbonding lock ids ("0,2"), converted to a tuple of distinct ints."""

    name = "ids"

    def convert(self, value, param, ctx) -> tuple[int, ...]:
        """The ids, in order; fails on anything but distinct non-negative integers."""
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",")]
        if not all(part.isdigit() for part in parts):
            self.fail(f"{value!r} is not a comma-separated list of lock ids", param, ctx)
        ids = tuple(int(part) for part in parts)
        if len(set(ids)) != len(ids):
            self.fail(f"{value!r} names a lock twice", param, ctx)
        return ids
