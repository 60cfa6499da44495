"""How a command reaches the library: the session of the chosen pair, the signing account, and refusals as
one-line errors.

Ape imports the CLI for every ``ape`` invocation, so this module imports only click (and the interpreter's own
``gc`` and ``atexit``) at module level.
"""

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

import click


class Commands(click.Group):
    """The ``ape livepeer`` group: with ``--json`` among a command's arguments, its errors (bad input, refusals)
    print as ``{"error": "..."}`` on stdout, with the same non-zero exit code, and it asks nothing
    (:func:`~ape_livepeer_migration._cli.options.confirm`). Every command runs :func:`collecting_after_start`."""

    def invoke(self, ctx: click.Context):
        from ape_livepeer_migration._cli.options import JSON_OUTPUT, echo_json

        with collecting_after_start():
            if "--json" not in (*ctx.protected_args, *ctx.args):
                return super().invoke(ctx)
            ctx.meta[JSON_OUTPUT] = True
            try:
                return super().invoke(ctx)
            except click.ClickException as err:
                echo_json({"error": err.format_message()})
                raise click.exceptions.Exit(err.exit_code) from err


class _Collection:
    """What :func:`collecting_after_start` changed in Python's garbage collector."""

    paused = False
    frozen = False
    freeze_at_exit = False


@contextmanager
def collecting_after_start() -> Iterator[None]:
    """Run a command with Python's cyclic garbage collector paused until the command has started
    (:func:`started`: its session is open), and the objects alive then left out of the collections that follow.

    Starting a command builds a heap that lives as long as the process: the modules of Ape, web3 and the plugins,
    pydantic's schemas, Ape's config, the providers. The collector walked all of it again and again while it grew,
    and once more when the process exits: a quarter of the CPU time of ``status`` (docs/benchmarks.md). The
    objects are only left out while the command runs (a process that runs several commands, a test, collects them
    afterwards as before), and at exit, where the operating system takes the whole heap back anyway. A process
    that froze objects itself (``gc.freeze``) or turned the collector off is left as it is."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    if not _Collection.freeze_at_exit:
        atexit.register(gc.freeze)
        _Collection.freeze_at_exit = True
    gc.disable()
    _Collection.paused, _Collection.frozen = True, False
    try:
        yield
    finally:
        if _Collection.frozen:
            gc.unfreeze()
        _Collection.paused = _Collection.frozen = False
        gc.enable()


def started() -> None:
    """The command has started (its session is open, its nodes run): the garbage collector runs again, over the
    objects made from now on (see :func:`collecting_after_start`)."""
    if _Collection.paused and not _Collection.frozen:
        gc.freeze()
        _Collection.frozen = True
        gc.enable()


class Session:
    """``with Session(ctx) as lp:``: the Livepeer session of the chosen pair, sending with the command's gas
    controls (:func:`~ape_livepeer_migration._cli.options.gas_options`); every refusal becomes a one-line error with
    exit code 1. ``quiet`` (``--json``) keeps Ape's transaction log lines off stdout."""

    def __init__(self, ctx: click.Context, quiet: bool = False):
        from ape_livepeer_migration._cli.options import TX_OPTIONS

        self.obj = ctx.obj
        self.tx_options = ctx.meta.get(TX_OPTIONS, {})
        self.quiet = quiet
        self.livepeer = None
        self._log_level = None

    def __enter__(self):
        from ape.logging import LogLevel, logger

        from ape_livepeer_migration.config import plugin_config
        from ape_livepeer_migration.session.livepeer import Livepeer, TxOptions

        if self.quiet:
            self._log_level = logger.at_level(LogLevel.ERROR)
            self._log_level.__enter__()
        chains = self.obj.get("chains")
        try:
            with Refusals():
                # a mistake in the configuration is reported first, whichever setting the command reads
                plugin_config()
                tx_options = TxOptions(**self.tx_options)  # refused before any node is attached to
                if chains is not None:
                    livepeer = Livepeer.open(chains, self.obj.get("address_book"))
                else:
                    livepeer = Livepeer.connect(self.obj.get("pair"), self.obj.get("address_book"))
                livepeer.tx_options = tx_options
                self.livepeer = livepeer
            started()
        except BaseException:
            if self._log_level is not None:
                self._log_level.__exit__(None, None, None)
            raise
        return self.livepeer

    def __exit__(self, *exc_info):
        try:
            if self.obj.get("chains") is None and self.livepeer is not None:
                self.livepeer.close()
        finally:
            if self._log_level is not None:
                self._log_level.__exit__(*exc_info)


class Refusals:
    """Turn the library's refusals (every one a ``LivepeerError``) into ``click.ClickException``."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            return False
        from ape_livepeer_migration.exceptions import LivepeerError

        if issubclass(exc_type, LivepeerError):
            raise click.ClickException(str(exc)) from exc
        from ape.exceptions import ContractLogicError

        if issubclass(exc_type, ContractLogicError):
            # the chain changed between the checks and the transaction
            raise click.ClickException(f"the transaction reverted: {exc}") from exc
        return False


def signer(spec: str | None, option: str = "--account", *, required: bool = True):
    """The Ape account ``spec`` names (:func:`~ape_livepeer_migration.accounts.resolve_account`), given
    with ``option``; ``None`` when absent and not required. A missing or unknown account is a usage error."""
    if spec is None:
        if required:
            raise click.UsageError("choose the account that signs with --account (or APE_LIVEPEER_ACCOUNT)")
        return None
    from ape_livepeer_migration.accounts import resolve_account
    from ape_livepeer_migration.exceptions import LivepeerError

    try:
        return resolve_account(spec)
    except LivepeerError as err:
        raise click.BadParameter(str(err), param_hint=f"'{option}'") from err


def account_address(spec: str | None) -> str:
    """The address ``--account`` names for a command that only reads: an address as given (no key needed), else
    the address of the account :func:`signer` resolves."""
    from ape_livepeer_migration._cli.options import Address

    if spec is not None and spec.startswith("0x"):
        try:
            return Address().convert(spec, None, None)
        except click.BadParameter as err:
            err.param_hint = "'--account'"
            raise
    return signer(spec).address
