"""How a command reaches the library: the session of the chosen pair, the signing account, and refusals as
one-line errors.

Ape imports the CLI for every ``ape`` invocation, so this module imports only click at module level.
"""

import click


class Session:
    """``with Session(ctx) as lp:``: the Livepeer session of the chosen pair; every refusal becomes a one-line
    error with exit code 1. ``quiet`` (``--json``) keeps Ape's transaction log lines off stdout."""

    def __init__(self, ctx: click.Context, quiet: bool = False):
        self.obj = ctx.obj
        self.quiet = quiet
        self.livepeer = None
        self._log_level = None

    def __enter__(self):
        from ape.logging import LogLevel, logger

        from ape_livepeer_migration.session.livepeer import Livepeer

        if self.quiet:
            self._log_level = logger.at_level(LogLevel.ERROR)
            self._log_level.__enter__()
        chains = self.obj.get("chains")
        try:
            with Refusals():
                if chains is not None:
                    self.livepeer = Livepeer.open(chains, self.obj.get("address_book"))
                else:
                    self.livepeer = Livepeer.connect(self.obj.get("pair"), self.obj.get("address_book"))
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
