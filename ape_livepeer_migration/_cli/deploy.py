"""``ape livepeer deploy``: the system on the pair, recorded in its address book."""

import click

from ape_livepeer_migration._cli.context import Refusals, Session, account_address, signer
from ape_livepeer_migration._cli.options import (
    Assignment,
    account_option,
    confirm,
    dry_run_option,
    echo_json,
    echo_table,
    gas_options,
    json_option,
    operator_option,
    yes_option,
)


@click.command(short_help="Deploy the system and record it in the address book.")
@account_option
@operator_option(
    "Local and fork pairs: account that runs the Arbitrum simulator (the fork's ticket delivery) and relays "
    "[default: --account].",
)
@click.option(
    "--genesis",
    type=Assignment(),
    multiple=True,
    help="ADDRESS=AMOUNT: L1 LPT minted to ADDRESS at deployment (repeatable).",
)
@click.option("--round-length", type=click.IntRange(min=1), help="Round length in blocks, both layers [default: 5760].")
@click.option(
    "--unbonding-period", type=click.IntRange(min=1), help="Unbonding period in rounds, both layers [default: 7]."
)
@click.option(
    "--inflation",
    type=click.Choice(["l2", "l1"]),
    help="Where rewards are minted: l2 (the L2 Minter, each L2 round) or l1 (the L1 Minter mints each L1 round's "
    "rewards and sends them to L2, handed out over its L2 rounds) [default: l2].",
)
@click.option(
    "--rounds-per-l1-round",
    type=click.IntRange(min=1),
    help="With --inflation l1: L2 rounds per L1 round (an L1 round is K times --round-length), each handing out "
    "1/K of the L1 round's rewards [default: 7].",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Deploy a new system; the address book as it was is kept in <book>.replaced-<unix time>.",
)
@click.option("--redo-interrupted", is_flag=True, help="Run again a step an earlier deploy started and never finished.")
@click.option(
    "--from-upstream",
    "upstream_book",
    type=click.Path(dir_okay=False, exists=True),
    help="Fork pairs: record the deployment of this address book (written on the forked chains); sends nothing.",
)
@dry_run_option
@gas_options
@yes_option
@json_option
@click.pass_context
def deploy(
    ctx,
    account,
    operator_spec,
    genesis,
    round_length,
    unbonding_period,
    inflation,
    rounds_per_l1_round,
    fresh,
    redo_interrupted,
    upstream_book,
    dry_run,
    yes,
    as_json,
):
    """Deploy the whole system on the pair and record it in its address book.

    On the local pair the first step deploys the Arbitrum simulator. On
    mainnet-fork and sepolia it checks that the chains hold Arbitrum's real
    Inbox, Bridge and Outbox (and ArbSys on L2) and records them; the system is
    wired to them, with no simulator (chains without them are refused, nothing
    sent). On mainnet-fork a "delivery" step then deploys, on the L2 fork, what
    turns the real Inbox's tickets into L2 calls for `relay`. Then the system
    (L1 protocol, bridge, L2 staking, Migrators).

    Each step is recorded in the address book as soon as it finishes. A re-run
    continues after the last finished step and sends nothing when all are done
    (the options of a new deployment are then not applied, and it says so).
    A step that started and never finished is not run again unless
    --redo-interrupted says so: its contracts may already exist. --fresh first
    copies the address book to <book>.replaced-<unix time>, so the record of
    the old deployment survives an interrupted new one.

    A fork pair finds the system its upstream chains hold with --from-upstream:
    the upstream's address book is checked (chain ids, code on the forks) and
    its entries recorded in the fork pair's book.

    --dry-run lists, per layer, the contracts the steps still to run would
    create, their transactions, gas and cost at the pair's fees now, and sends
    and records nothing. Those figures come from a rehearsal of the same
    deployment on two empty anvils of its own (a deployment's later
    transactions need its earlier ones mined: no node can estimate them
    before): gas as anvil counts it, which a real Arbitrum L2 raises for each
    transaction's L1 data. A fork's ticket delivery is not rehearsed.

    --max-fee, --priority-fee and --gas-limit apply to every transaction of
    the deployment (the deployer's and the operator's); with --gas-limit the
    deployment is rehearsed first and a limit below its largest transaction
    is refused before anything is sent. --nonce is refused: the deployment
    sends on both layers, each transaction numbered from the account's next
    nonce on its layer.
    """
    from ape_livepeer_migration.chains.networks import PairKind
    from ape_livepeer_migration.session.results import Deployed

    params = {
        name: value
        for name, value in (("round_length", round_length), ("unbonding_period", unbonding_period))
        if value is not None
    }
    monetary = {
        name: value
        for name, value in (("inflation", inflation), ("rounds_per_l1_round", rounds_per_l1_round))
        if value is not None
    }
    if rounds_per_l1_round is not None and inflation != "l1":
        raise click.UsageError("--rounds-per-l1-round applies to --inflation l1 only")
    if upstream_book is not None and (genesis or params or monetary or operator_spec or redo_interrupted):
        raise click.UsageError(
            "--from-upstream records an existing deployment: --genesis, --operator, --round-length, "
            "--unbonding-period, --inflation, --rounds-per-l1-round and --redo-interrupted do not apply"
        )
    if upstream_book is not None and dry_run:
        raise click.UsageError("--from-upstream sends nothing: leave out --dry-run")
    with Session(ctx, as_json) as lp, Refusals():
        if upstream_book is not None and lp.chains.pair.kind is not PairKind.FORK:
            raise click.ClickException(f"--from-upstream is for fork pairs; {lp.chains.pair.name} is not one")
        lp.tx_options.without_nonce("deploy")
        if dry_run:
            plan = lp.plan_deploy(
                account_address(account),
                operator=operator_spec is not None,
                genesis=dict(genesis),
                params=params,
                **monetary,
                redo_interrupted=redo_interrupted,
                fresh=fresh,
            )
            _show_plan(plan, as_json)
            return
        if fresh:
            if lp.is_deployed:
                confirm(f"Forget the deployment recorded in {lp.book.path} and deploy a new one?", yes)
            kept = lp.forget_deployment()
            if kept is not None and not as_json:
                click.echo(f"The address book as it was is kept in {kept}.")
        if upstream_book is not None:
            system = lp.adopt(upstream_book)
            states = dict.fromkeys(lp.deploy_steps, "recorded from upstream")
        else:
            system, states = _deploy_steps(
                lp, account, operator_spec, genesis, params, monetary, redo_interrupted, yes, as_json
            )
        deployed = Deployed(str(lp.book.path), states, system.addresses, lp.inflation)
    if as_json:
        echo_json(deployed.as_json())
    else:
        minting = deployed.inflation
        echo_table(
            ["Contract", "Address"],
            [[name, address] for name, address in deployed.addresses.items()],
            caption=f"Address book: {deployed.address_book}"
            + (
                f"; rewards minted on L1, {minting.rounds_per_l1_round} L2 rounds per L1 round"
                if minting.mode == "l1"
                else ""
            ),
        )


def _show_plan(plan, as_json: bool) -> None:
    from ape_livepeer_migration._eth import token_text

    if as_json:
        echo_json(plan.as_json())
        return
    steps = ", ".join(f"{step} {state}" for step, state in plan.steps.items())
    if any(layer.transactions for layer in plan.layers):
        rows = [
            ("Transactions", lambda layer: str(layer.transactions)),
            ("Gas (rehearsed)", lambda layer: f"{layer.gas:,}"),
            ("Largest transaction (gas)", lambda layer: f"{layer.largest:,}"),
            ("Cost at most (ETH)", lambda layer: token_text(layer.cost)),
            ("Balance (ETH)", lambda layer: token_text(layer.balance)),
        ]
        echo_table(
            ["", *(layer.layer.upper() for layer in plan.layers)],
            [[label, *(shown(layer) for layer in plan.layers)] for label, shown in rows],
            caption=f"Deploy on {plan.pair} as {plan.account}: {steps}",
        )
        for layer in plan.layers:
            click.echo(f"{layer.layer.upper()} contracts: {', '.join(layer.contracts) or 'none'}")
        click.echo(f"Figures {plan.estimate}.")
    else:
        click.echo(f"Nothing to deploy on {plan.pair} ({steps}).")
    click.echo("Dry run: nothing sent.")


def _deploy_steps(lp, account, operator_spec, genesis, params, monetary, redo_interrupted, yes, quiet):
    """``lp.deploy`` with the command's options, asking first unless everything is recorded; returns the system
    and each step's last state."""
    from ape_livepeer_migration.session.deployment import ARBITRUM

    deployer = signer(account)
    operator = signer(operator_spec, "--operator", required=False)
    if lp.is_deployed and (genesis or params or monetary or operator_spec) and not quiet:
        # Running the same deploy command again is harmless: it sends nothing and says so.
        click.echo(
            f"The system is already deployed ({lp.book.path} records every step): nothing sent; --genesis, "
            "--operator, --round-length, --unbonding-period, --inflation and --rounds-per-l1-round apply to a new "
            "deployment (--fresh)."
        )
    if not lp.is_deployed:
        arbitrum = lp.chains.pair.arbitrum
        wired = f", wired to Arbitrum's real Inbox {arbitrum.inbox}" if ARBITRUM in lp.deploy_steps else ""
        confirm(f"Deploy the Livepeer system on {lp.chains.pair.name}{wired} as {deployer.address}?", yes)
    steps = _StepProgress(quiet)
    with steps:
        system = lp.deploy(
            deployer,
            operator=operator,
            genesis=dict(genesis),
            params=params,
            **monetary,
            on_step=steps.update,
            redo_interrupted=redo_interrupted,
        )
    return system, steps.states


class _StepProgress:
    """What the deploy steps show (nothing with --json), and each step's last state.

    In a terminal, a live display: a spinner per running step, a line per finished one. Otherwise (output to a file
    or a pipe) one line per step as it ends. Ape logs every transaction and contract creation at INFO, dozens for a
    deployment, which would cut through the display: while the steps run its log shows warnings and errors only.
    """

    #: What a line says of a step that ended: finished, found recorded, or left unfinished by an error or Ctrl-C.
    _ENDED = {"done": "deployed", "skipped": "already recorded", "unfinished": "not finished"}

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.states: dict[str, str] = {}
        self._progress = None
        self._tasks: dict[str, int] = {}
        self._started: dict[str, float] = {}
        self._log_level = None

    def __enter__(self):
        from ape.logging import LogLevel, logger

        self._log_level = logger.at_level(max(logger.level, LogLevel.WARNING.value))
        self._log_level.__enter__()
        if not self.quiet:
            from rich.console import Console

            if Console().is_terminal:
                from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

                self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
                self._progress.start()
        return self

    @staticmethod
    def _text(step: str, state: str) -> str:
        from ape_livepeer_migration.session.deployment import ARBITRUM

        checking = step == ARBITRUM
        if state == "started":
            return "checking Arbitrum's contracts" if checking else f"deploying {step}"
        return f"{step}: {'checked' if checking and state == 'done' else _StepProgress._ENDED[state]}"

    def update(self, step: str, state: str) -> None:
        import time

        self.states[step] = state
        if self.quiet:
            return
        if self._progress is None:
            if state == "started":
                self._started[step] = time.monotonic()
            else:
                self._line(step, state)
            return
        if step not in self._tasks:
            self._tasks[step] = self._progress.add_task(self._text(step, state), total=1)
        self._progress.update(
            self._tasks[step], description=self._text(step, state), completed=0 if state == "started" else 1
        )

    def _line(self, step: str, state: str) -> None:
        import time
        from datetime import timedelta

        if step not in self._started:  # found recorded: nothing ran
            click.echo(self._text(step, state))
            return
        elapsed = timedelta(seconds=int(time.monotonic() - self._started[step]))
        click.echo(f"{self._text(step, state)} {elapsed}")

    def __exit__(self, *exc_info):
        try:
            unfinished = [step for step, state in self.states.items() if state == "started"]
            if self._progress is not None:
                for step in unfinished:
                    self._progress.update(self._tasks[step], description=self._text(step, "unfinished"), completed=1)
                self._progress.stop()
            elif not self.quiet:
                for step in unfinished:
                    self._line(step, "unfinished")
        finally:
            self._log_level.__exit__(None, None, None)  # Ape's level comes back after an error too
