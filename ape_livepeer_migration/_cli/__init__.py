"""``ape livepeer``: the command line.

Ape imports this module for every ``ape`` command (to list plugin commands),
so it imports only click at module level (and ``_cli_utils``, which itself
imports only click); each command imports what it needs in its body.
"""

import click

from ape_livepeer_migration._cli.options import (
    Address,
    Amount,
    Assignment,
    LockIds,
    Percent,
    Price,
    account_option,
    confirm,
    echo_json,
    echo_table,
    json_option,
    resolve_account,
    yes_option,
)


@click.group(name="livepeer")
@click.option("--pair", envvar="APE_LIVEPEER_PAIR", show_envvar=True, help="Network pair [config: livepeer_migration.pair].")
@click.option(
    "--address-book",
    type=click.Path(dir_okay=False),
    envvar="APE_LIVEPEER_ADDRESS_BOOK",
    show_envvar=True,
    help="Address book file [default: <address_book_dir>/<pair>.json].",
)
@click.pass_context
def cli(ctx, pair, address_book):
    """Livepeer on L1 and Arbitrum: migrate stake, bridge LPT, call reward on L2.

    Commands drive two chains at once: an L1 (Ethereum) and an L2 (Arbitrum).
    Locally these are two anvil nodes that `ape livepeer chains` starts;
    `ape livepeer deploy` puts the system on them and records the addresses in
    the pair's address book, which every other command reads.

    Commands that send check their inputs first, including that the account's
    ETH covers the estimated gas (times livepeer_migration.gas_margin), and
    refuse in one line without sending; they ask before sending unless --yes.
    """
    # A caller may hand in connected chains (ctx.obj["chains"]), e.g. a test's own pair.
    ctx.ensure_object(dict)
    ctx.obj.setdefault("pair", pair)
    ctx.obj.setdefault("address_book", address_book)


@cli.command()
@click.option("--pair", "pair_name", help="local or mainnet-fork [default: the group's --pair, $APE_LIVEPEER_PAIR, the config].")
@click.option("--l1-port", type=int, default=None, help="Port of the L1 anvil [config: livepeer_migration.<pair>.l1_port].")
@click.option("--l2-port", type=int, default=None, help="Port of the L2 anvil [config: livepeer_migration.<pair>.l2_port].")
@click.pass_context
def chains(ctx, pair_name, l1_port, l2_port):
    """Run the pair's L1 and L2 anvils until interrupted (Ctrl-C).

    Other commands of the pair attach to them at the configured ports. The
    local pair's nodes have chain ids of their own (L1 31337, L2 412346 by
    default) so the two can never be mixed up. mainnet-fork's anvils fork the
    configured upstreams (chain ids 1 and 42161) and need configured ports
    (livepeer_migration.mainnet_fork.l1_port / l2_port), where the other
    commands find them.
    """
    import time

    from ape import config

    from ape_livepeer_migration.chains.pair import TwoChains, redact_url
    from ape_livepeer_migration.config import resolve_pair
    from ape_livepeer_migration.chains.networks import PairKind
    from ape_livepeer_migration.exceptions import LivepeerError

    settings = config.get_config("livepeer_migration")
    with _Refusals():
        resolved = resolve_pair(settings, pair_name or ctx.obj.get("pair"))
    kind, name = resolved.pair.kind, resolved.pair.name
    section = name.replace("-", "_")
    if kind is PairKind.LIVE:
        raise click.UsageError(f"the {name} pair runs no local node: its commands reach the configured RPC nodes")
    ports = (l1_port or resolved.l1.port, l2_port or resolved.l2.port)
    if kind is PairKind.FORK and None in ports:
        raise click.UsageError(
            f"the {name} pair's fork anvils need ports the other commands know: set livepeer_migration.{section}."
            "l1_port and l2_port (or --l1-port / --l2-port with the same values in the environment variables "
            f"APE_LIVEPEER_{section.upper()}_L1_PORT / _L2_PORT)"
        )
    try:
        if kind is PairKind.LOCAL:
            pair = TwoChains.local(*ports, l1_chain_id=resolved.l1.chain_id, l2_chain_id=resolved.l2.chain_id)
        else:
            fixed = getattr(settings, section).model_copy(update={"l1_port": ports[0], "l2_port": ports[1]})
            pair = TwoChains.for_pair(name, config=settings.model_copy(update={section: fixed}))
        pair.connect()
    except LivepeerError as err:
        # a port in use, APE_FOUNDRY_HOST set, an upstream that does not answer or has the wrong chain id
        raise click.ClickException(str(err)) from err
    try:
        for chain, layer in zip(pair.layers, (resolved.l1, resolved.l2)):
            forking = f"  forking {redact_url(layer.url)}" if layer.url else ""
            click.echo(f"{chain.layer.upper()}  {chain.choice:30} chain id {chain.chain_id:<8} {chain.provider.uri}{forking}")
        click.echo("Running; press Ctrl-C to stop both nodes.")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        pair.disconnect()


#: Where ``InputError.field`` names an input, the option that sets it.
_PROFITABILITY_OPTIONS = {
    "stake": "--stake",
    "self_stake": "--self-stake",
    "reward_cut": "--reward-cut",
    "total_supply": "--total-supply",
    "inflation": "--inflation",
    "total_active_stake": "--total-active-stake",
    "gas_used": "--gas-used",
    "gas_price": "--gas-price-gwei",
    "lpt_usd": "--lpt-usd",
    "eth_usd": "--eth-usd",
}


@cli.command(short_help="Does calling reward() pay, on L1 and on L2?")
@click.option("--stake", type=Amount(), help="Orchestrator's pool stake (self + delegated), LPT. [default: 50000]")
@click.option("--self-stake", type=Amount(allow_zero=True), help="Orchestrator's own stake, part of --stake, LPT. [default: 0]")
@click.option("--reward-cut", type=Percent(10**6), help="Reward cut (commission), percent. [default: 25]")
@click.option("--gas-used", type=click.IntRange(min=1), help="Gas used by reward() on the chosen --layer.")
@click.option("--gas-price-gwei", type=Amount(decimals=9), help="Gas price on the chosen --layer, gwei.")
@click.option("--lpt-usd", type=Price(), envvar="APE_LIVEPEER_LPT_USD", show_envvar=True, help="LPT price, USD. [default: 30]")
@click.option("--eth-usd", type=Price(), envvar="APE_LIVEPEER_ETH_USD", show_envvar=True, help="ETH price, USD. [default: 3500]")
@click.option("--total-supply", type=Amount(), help="LPT total supply, LPT. [default: 25000000]")
@click.option("--inflation", type=Percent(10**9, allow_zero=False), help="Inflation per round, percent. [default: 0.02185]")
@click.option("--total-active-stake", type=Amount(), help="Total active stake, LPT. [default: 13000000]")
@click.option("--layer", type=click.Choice(["l1", "l2", "both"]), default="both", show_default=True, help="Which chain's reward() to cost.")
@json_option
def profitability(
    stake,
    self_stake,
    reward_cut,
    gas_used,
    gas_price_gwei,
    lpt_usd,
    eth_usd,
    total_supply,
    inflation,
    total_active_stake,
    layer,
    as_json,
):
    """Does calling reward() pay for the orchestrator, on L1 and on L2?

    Estimates one reward() call: the LPT it mints for the pool, what the
    orchestrator earns from it (its cut, plus its self-stake's share of the
    rest), the transaction fee, the profit, and the pool stake at which the call
    breaks even.  Unset inputs default to seed-era reference values (late 2021:
    L1 300,000 gas at 150 gwei, L2 120,000 gas at 0.1 gwei; see
    ape_livepeer_migration.protocol.economics), under which a 25 %-cut orchestrator
    needs ~50,000 LPT of stake on L1, as Livepeer reported at the time.
    """
    from ape_livepeer_migration.exceptions import InputError
    from ape_livepeer_migration.protocol import economics as econ

    if layer == "both" and (gas_used is not None or gas_price_gwei is not None):
        raise click.UsageError("--gas-used and --gas-price-gwei set one layer's call: add --layer l1 or --layer l2.")

    reference = econ.seed_era_inputs(econ.LAYERS if layer == "both" else (layer,))
    try:
        inputs = econ.ProfitabilityInputs(
            network=_override(
                reference.network, total_supply=total_supply, inflation=inflation, total_active_stake=total_active_stake
            ),
            orchestrator=_override(reference.orchestrator, stake=stake, self_stake=self_stake, reward_cut=reward_cut),
            prices=_override(reference.prices, lpt_usd=lpt_usd, eth_usd=eth_usd),
            calls=tuple(_override(call, gas_used=gas_used, gas_price=gas_price_gwei) for call in reference.calls),
        )
    except InputError as err:
        raise click.BadParameter(err.message, param_hint=f"'{_PROFITABILITY_OPTIONS.get(err.field, err.field)}'") from err

    results = econ.evaluate(inputs)
    if as_json:
        echo_json(_profitability_json(inputs, results))
    else:
        _profitability_table(inputs, results)


def _override(value, **changes):
    """``value`` with the given fields replaced, skipping those left unset (None)."""
    from dataclasses import replace

    return replace(value, **{name: new for name, new in changes.items() if new is not None})


def _profitability_json(inputs, results) -> dict:
    """JSON view: chain values as exact decimal strings, USD values as numbers."""
    from ape_livepeer_migration.protocol import economics as econ

    def lpt(amount):
        return econ.to_decimal_string(amount, 18)

    return {
        "inputs": {
            "stake_lpt": lpt(inputs.orchestrator.stake),
            "self_stake_lpt": lpt(inputs.orchestrator.self_stake),
            "reward_cut_percent": econ.to_decimal_string(inputs.orchestrator.reward_cut, 4),
            "total_supply_lpt": lpt(inputs.network.total_supply),
            "inflation_percent_per_round": econ.to_decimal_string(inputs.network.inflation, 7),
            "total_active_stake_lpt": lpt(inputs.network.total_active_stake),
            "lpt_usd": float(inputs.prices.lpt_usd),
            "eth_usd": float(inputs.prices.eth_usd),
        },
        "layers": {
            result.layer: {
                "gas_used": result.gas_used,
                "gas_price_gwei": econ.to_decimal_string(result.gas_price, 9),
                "cost_eth": econ.to_decimal_string(result.cost_wei, 18),
                "cost_lpt": lpt(result.cost_lpt),
                "cost_usd": float(result.cost_usd),
                "mintable_lpt": lpt(result.mintable),
                "reward_lpt": lpt(result.reward),
                "orchestrator_earnings_lpt": lpt(result.orchestrator_earnings),
                "orchestrator_earnings_usd": float(result.lpt_to_usd(result.orchestrator_earnings)),
                "delegator_earnings_lpt": lpt(result.delegator_earnings),
                "profit_lpt": lpt(result.profit_lpt),
                "profit_usd": float(result.profit_usd),
                "profitable": result.profitable,
                "break_even_stake_lpt": None if result.break_even_stake is None else lpt(result.break_even_stake),
            }
            for result in results
        },
    }


def _profitability_table(inputs, results) -> None:
    """Table view: one column per layer."""
    from ape_livepeer_migration.protocol import economics as econ

    def lpt(amount, places=4):
        return f"{amount / econ.LPT_UNIT:,.{places}f}"

    def usd(value):
        return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"

    def break_even(result):
        if result.break_even_stake is None:
            return "unreachable"
        return lpt(result.break_even_stake, 0 if result.break_even_stake >= 1000 * econ.LPT_UNIT else 2)

    rows = [
        ("Reward minted by the call (LPT)", lambda r: lpt(r.reward)),
        ("  orchestrator earns (LPT)", lambda r: lpt(r.orchestrator_earnings)),
        ("  orchestrator earns (USD)", lambda r: usd(float(r.lpt_to_usd(r.orchestrator_earnings)))),
        ("Gas used", lambda r: f"{r.gas_used:,}"),
        ("Gas price (gwei)", lambda r: econ.to_decimal_string(r.gas_price, 9)),
        ("Call cost (ETH)", lambda r: econ.to_decimal_string(r.cost_wei, 18)),
        ("Call cost (USD)", lambda r: usd(float(r.cost_usd))),
        ("Call cost (LPT)", lambda r: lpt(r.cost_lpt)),
        ("Profit per call (LPT)", lambda r: lpt(r.profit_lpt)),
        ("Profit per call (USD)", lambda r: usd(float(r.profit_usd))),
        ("Profitable", lambda r: "yes" if r.profitable else "no"),
        ("Break-even pool stake (LPT)", break_even),
    ]
    orchestrator, network, prices = inputs.orchestrator, inputs.network, inputs.prices
    caption = (
        f"reward() profitability: pool {lpt(orchestrator.stake, 2)} LPT, self-stake {lpt(orchestrator.self_stake, 2)} LPT, "
        f"cut {econ.to_decimal_string(orchestrator.reward_cut, 4)} %\n"
        f"supply {lpt(network.total_supply, 0)} LPT, inflation {econ.to_decimal_string(network.inflation, 7)} %/round, "
        f"mintable {lpt(network.mintable, 2)} LPT, active stake {lpt(network.total_active_stake, 0)} LPT; "
        f"LPT {usd(float(prices.lpt_usd))}, ETH {usd(float(prices.eth_usd))}"
    )
    echo_table(
        [""] + [result.layer.upper() for result in results],
        [[label] + [cell(result) for result in results] for label, cell in rows],
        caption=caption,
    )


# ---------------------------------------------------------------------------- the system's commands


class _Session:
    """``with _Session(ctx) as lp:``: the Livepeer session of the chosen pair; every refusal becomes a one-line
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
            with _Refusals():
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


class _Refusals:
    """Turn the library's refusals (and a failed connection) into ``click.ClickException``."""

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


def _lpt(amount: int) -> str:
    """Base units of an 18-decimal amount (LPT or ETH) as an exact decimal string."""
    from ape_livepeer_migration.protocol.economics import to_decimal_string

    return to_decimal_string(amount, 18)


#: ETH has LPT's 18 decimals.
_eth = _lpt


@cli.command(short_help="Deploy the system and record it in the address book.")
@account_option
@click.option("--operator", "operator_spec", metavar="ALIAS|ADDRESS|test:N", help="Local and fork pairs: account that runs the Arbitrum simulator (the fork's ticket delivery) and relays [default: --account].")
@click.option("--genesis", type=Assignment(), multiple=True, help="ADDRESS=AMOUNT: L1 LPT minted to ADDRESS at deployment (repeatable).")
@click.option("--round-length", type=click.IntRange(min=1), help="Round length in blocks, both layers [default: 5760].")
@click.option("--unbonding-period", type=click.IntRange(min=1), help="Unbonding period in rounds, both layers [default: 7].")
@click.option("--fresh", is_flag=True, help="Forget the address book's deployment first and deploy a new system.")
@click.option("--redo-interrupted", is_flag=True, help="Run again a step an earlier deploy started and never finished.")
@click.option(
    "--from-upstream",
    "upstream_book",
    type=click.Path(dir_okay=False, exists=True),
    help="Fork pairs: record the deployment of this address book (written on the forked chains); sends nothing.",
)
@yes_option
@json_option
@click.pass_context
def deploy(
    ctx, account, operator_spec, genesis, round_length, unbonding_period, fresh, redo_interrupted, upstream_book, yes,
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
    continues after the last finished step and sends nothing when all are done.
    A step that started and never finished is not run again unless
    --redo-interrupted says so: its contracts may already exist.

    A fork pair finds the system its upstream chains hold with --from-upstream:
    the upstream's address book is checked (chain ids, code on the forks) and
    its entries recorded in the fork pair's book.
    """
    from ape_livepeer_migration.chains.networks import PairKind

    params = {name: value for name, value in (("round_length", round_length), ("unbonding_period", unbonding_period))
              if value is not None}
    if upstream_book is not None and (genesis or params or operator_spec or redo_interrupted):
        raise click.UsageError(
            "--from-upstream records an existing deployment: --genesis, --operator, --round-length, "
            "--unbonding-period and --redo-interrupted do not apply"
        )
    with _Session(ctx, as_json) as lp, _Refusals():
        kind = lp.chains.pair.kind
        if upstream_book is not None and kind is not PairKind.FORK:
            raise click.ClickException(f"--from-upstream is for fork pairs; {lp.chains.pair.name} is not one")
        if fresh:
            if lp.is_deployed:
                confirm(f"Forget the deployment recorded in {lp.book.path} and deploy a new one?", yes)
            lp.forget_deployment()
        if upstream_book is not None:
            system = lp.adopt(upstream_book)
            states = {step: "recorded from upstream" for step in lp.deploy_steps}
        else:
            system, states = _deploy_steps(lp, account, operator_spec, genesis, params, redo_interrupted, yes, as_json)
        addresses = system.addresses
    if as_json:
        echo_json({"address_book": str(lp.book.path), "steps": states, "addresses": addresses})
    else:
        echo_table(["Contract", "Address"], [[name, address] for name, address in addresses.items()],
                   caption=f"Address book: {lp.book.path}")


def _deploy_steps(lp, account, operator_spec, genesis, params, redo_interrupted, yes, quiet):
    """``lp.deploy`` with the command's options, asking first unless everything is recorded; returns the system
    and each step's last state."""
    from ape_livepeer_migration.session.livepeer import ARBITRUM

    deployer = resolve_account(account)
    operator = resolve_account(operator_spec, required=False)
    if lp.is_deployed and (genesis or params or operator_spec):
        raise click.UsageError(
            "the system is already deployed: --genesis, --operator, --round-length and --unbonding-period "
            "apply to a new deployment (--fresh)"
        )
    if not lp.is_deployed:
        arbitrum = lp.chains.pair.arbitrum
        wired = f", wired to Arbitrum's real Inbox {arbitrum.inbox}" if ARBITRUM in lp.deploy_steps else ""
        confirm(f"Deploy the Livepeer system on {lp.chains.pair.name}{wired} as {deployer.address}?", yes)
    steps = _StepProgress(quiet)
    with steps:
        system = lp.deploy(
            deployer, operator=operator, genesis=dict(genesis), params=params,
            on_step=steps.update, redo_interrupted=redo_interrupted,
        )
    return system, steps.states


class _StepProgress:
    """A progress display of the deploy steps (nothing shown with --json); records each step's last state."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.states: dict[str, str] = {}
        self._progress = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if not self.quiet:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
            self._progress.start()
        return self

    def update(self, step: str, state: str) -> None:
        from ape_livepeer_migration.session.livepeer import ARBITRUM

        self.states[step] = state
        if self._progress is None:
            return
        started, done = ("checking Arbitrum's contracts", "checked") if step == ARBITRUM else (f"deploying {step}", "deployed")
        text = {"started": started, "done": f"{step}: {done}", "skipped": f"{step}: already recorded"}
        if step not in self._tasks:
            self._tasks[step] = self._progress.add_task(text[state], total=1)
        self._progress.update(self._tasks[step], description=text[state], completed=0 if state == "started" else 1)

    def __exit__(self, *exc_info):
        if self._progress is not None:
            self._progress.stop()


@cli.command(short_help="An account's staking on both layers.")
@click.argument("address", type=Address(), required=False)
@account_option
@json_option
@click.pass_context
def status(ctx, address, account, as_json):
    """Staking position of ADDRESS (default: --account) on both layers.

    Shows each layer's round, delegate, stake, pending rewards and fees,
    unbonding locks, the LPT and ETH balances, and the cross-chain messages the
    local relayer's journal holds that are not final yet.
    """
    if address is None:
        address = resolve_account(account).address
    with _Session(ctx, as_json) as lp, _Refusals():
        st = lp.status(address)
    if as_json:
        echo_json(st.as_json())
        return
    rows = []
    for label, cell in (
        ("Round", lambda x: f"{x.round}{'' if x.round_initialized else ' (not initialized)'}"),
        ("Delegate", lambda x: x.delegate or "-"),
        ("Orchestrator", lambda x: ("active" if x.active else "registered") if x.orchestrator else "no"),
        ("Stake (LPT)", lambda x: _lpt(x.stake)),
        ("  pending rewards (LPT)", lambda x: _lpt(x.pending_rewards)),
        ("Pending fees (ETH)", lambda x: _eth(x.pending_fees)),
        ("Unbonding locks", lambda x: ", ".join(
            f"#{lock['id']}: {_lpt(lock['amount'])} LPT from round {lock['withdraw_round']}" for lock in x.unbonding_locks
        ) or "-"),
    ):
        rows.append([label, cell(st.l1), cell(st.l2)])
    rows.append(["LPT balance", _lpt(st.lpt["l1"]), _lpt(st.lpt["l2"])])
    rows.append(["ETH balance", _eth(st.eth["l1"]), _eth(st.eth["l2"])])
    echo_table(["", "L1", "L2"], rows, caption=f"Account {st.account}")
    if st.messages:
        echo_table(["Message", "Status", "Source block"],
                   [[f"{m.direction} #{m.id}", m.status, str(m.source_block)] for m in st.messages],
                   caption="Cross-chain messages in flight (relayer journal)")
    else:
        click.echo("No cross-chain messages in flight.")


@cli.command()
@account_option
@click.option("--to-orchestrator", type=Address(), help="L2 orchestrator to stake with [default: the L1 orchestrator, if it migrated].")
@click.option("--locks", "lock_ids", type=LockIds(), help="Migrate these unbonding locks (e.g. 0,2) instead of the bonded stake.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent and its cost on both layers; send nothing.")
@yes_option
@json_option
@click.pass_context
def migrate(ctx, account, to_orchestrator, lock_ids, dry_run, yes, as_json):
    """Move the account's L1 stake to L2 in one L1 transaction.

    The stake (with its pending rewards and fees) leaves the L1 BondingManager,
    and one retryable ticket mints the same LPT on L2 and stakes it with the
    chosen orchestrator. An L1 orchestrator migrates itself with its terms.
    By default a delegator follows its L1 orchestrator if that one is
    registered on L2; otherwise --to-orchestrator is needed (asked for unless
    --yes). The L2 side is delivered by the relayer (`ape livepeer relay`).
    """
    signer = resolve_account(account)
    lock_ids = lock_ids or ()
    with _Session(ctx, as_json) as lp, _Refusals():
        if to_orchestrator is None and not lp.system.l1.bonding_manager.isRegisteredTranscoder(signer.address):
            if lock_ids or lp.l2_orchestrator_for(signer.address) is None:
                if yes or dry_run:
                    raise click.ClickException(
                        f"{signer.address}'s L1 orchestrator is not registered on L2: choose one with --to-orchestrator"
                    )
                to_orchestrator = click.prompt("L2 orchestrator to stake with", type=Address())
        plan = lp.plan_migration(signer.address, to_orchestrator, lock_ids)
        if as_json and dry_run:
            echo_json(_plan_json(plan))
            return
        if not as_json:
            _plan_table(plan)
        if dry_run:
            click.echo("Dry run: nothing sent.")
            return
        confirm(f"Send the migration of {_lpt(plan.amount)} LPT?", yes)
        plan, sent = lp.migrate(signer, to_orchestrator, lock_ids)
        delivery = _l2_delivery(lp)
    result = {**_plan_json(plan), "tx_hash": sent.receipt.txn_hash, "l1_gas_used": sent.receipt.gas_used,
              "migration_id": sent.migration.id}
    if as_json:
        echo_json(result)
    else:
        click.echo(f"Migration #{sent.migration.id} sent in {sent.receipt.txn_hash} ({sent.receipt.gas_used:,} L1 gas); "
                   f"{delivery}.")


def _l2_delivery(lp) -> str:
    """Who delivers an L1->L2 ticket of ``lp``'s system on L2: the local relayer, or the real Arbitrum."""
    if lp.system.sim is not None:
        return "run `ape livepeer relay` to deliver it on L2"
    return (f"on {lp.chains.pair.name} Arbitrum delivers the ticket on L2 itself (redeemed when its gas suffices); "
            "check it with `ape livepeer status`")


def _plan_json(plan) -> dict:
    return {
        "account": plan.account,
        "kind": plan.kind,
        "amount_lpt": _lpt(plan.amount),
        "l2_delegator": plan.l2_delegator,
        "l2_orchestrator": plan.l2_orchestrator,
        "lock_ids": list(plan.lock_ids),
        "l1": {"gas": plan.l1_gas, "gas_price_wei": plan.l1_gas_price, "cost_eth": _eth(plan.l1_cost)},
        "l2": {
            "gas_limit": plan.l2_gas_limit,
            "gas_price_bid_wei": plan.l2_gas_price_bid,
            "max_submission_cost_wei": plan.max_submission_cost,
            "max_cost_eth": _eth(plan.retryable_value),
        },
        "total_eth": _eth(plan.total_eth),
    }


def _plan_table(plan) -> None:
    rows = [
        ["Kind", plan.kind],
        ["Amount (LPT)", _lpt(plan.amount)],
        ["L2 delegator", plan.l2_delegator],
        ["L2 orchestrator", plan.l2_orchestrator],
        ["L1 gas (estimate)", f"{plan.l1_gas:,}"],
        ["L1 cost (ETH)", _eth(plan.l1_cost)],
        ["L2 gas limit", f"{plan.l2_gas_limit:,}"],
        ["L2 max cost, sent with the L1 tx (ETH)", _eth(plan.retryable_value)],
        ["Total at most (ETH)", _eth(plan.total_eth)],
    ]
    if plan.lock_ids:
        rows.insert(2, ["Unbonding locks", ", ".join(map(str, plan.lock_ids))])
    echo_table(["Migration", ""], rows, caption=f"Migration of {plan.account}")


def _bridge_command(direction: str):
    layer_from, layer_to = ("L1", "L2") if direction == "in" else ("L2", "L1")

    @account_option
    @click.argument("amount", type=Amount())
    @click.option("--to", type=Address(), help=f"Recipient on {layer_to} [default: the account].")
    @yes_option
    @json_option
    @click.pass_context
    def command(ctx, account, amount, to, yes, as_json):
        signer = resolve_account(account)
        with _Session(ctx, as_json) as lp, _Refusals():
            operation = lp.bridge_in if direction == "in" else lp.bridge_out
            # the checks run before the question: a refused bridge asks nothing
            lp.check_bridge(direction, signer.address, amount, to)
            confirm(f"Bridge {_lpt(amount)} LPT from {layer_from} to {to or signer.address} on {layer_to}?", yes)
            sent = operation(signer, amount, to)
            if direction == "in":
                then = _l2_delivery(lp)
            elif lp.system.sim is not None:
                then = "it pays out on L1 once the relayer executes it after the challenge period"
            else:
                then = ("it becomes executable in Arbitrum's Outbox after the challenge period "
                        "(arbitrum_live.outbox_execution; `finalize` works with the local simulator only)")
        if as_json:
            echo_json({"layer": sent.layer, "tx_hash": sent.tx_hash, "gas_used": sent.gas_used,
                       **{k: (str(v) if isinstance(v, int) else v) for k, v in sent.details.items()}})
        else:
            click.echo(f"Sent {_lpt(amount)} LPT in {sent.tx_hash} ({sent.gas_used:,} {layer_from} gas); {then}.")

    command.__doc__ = (
        f"Move AMOUNT LPT from {layer_from} to {layer_to}.\n\n"
        + ("Escrows the LPT on L1 and sends one retryable ticket (its L2 fees paid in ETH\n"
           "with the L1 transaction) that mints it on L2. " if direction == "in" else
           "Burns the LPT on L2 and sends one L2-to-L1 message that releases it from the\n"
           "L1 escrow. ")
        + "The gateway's allowance is approved first when short."
    )
    return command


cli.command(name="bridge-in")(_bridge_command("in"))
cli.command(name="bridge-out")(_bridge_command("out"))


@cli.command(short_help="Deliver cross-chain messages (local and fork pairs).")
@click.option("--operator", "operator_spec", metavar="ALIAS|ADDRESS|test:N", help="The simulator's (or fork delivery's) operator [default: the recorded one].")
@click.option("--watch", is_flag=True, help="Keep relaying until interrupted (Ctrl-C).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=1.0, show_default=True, help="Seconds between idle passes with --watch.")
@click.option("--no-fast-forward", is_flag=True, help="Wait for the L1 challenge period instead of mining through it.")
@json_option
@click.pass_context
def relay(ctx, operator_spec, watch, interval, no_fast_forward, as_json):
    """Deliver cross-chain messages on the local pair (the Arbitrum simulator).

    On mainnet-fork, where the system is wired to Arbitrum One's real
    contracts, relay delivers the tickets that the real Inbox records on the L1
    fork, through the ticket delivery that deploy puts on the L2 fork (anvil
    cannot run ArbOS); nothing goes from that L2 fork to L1. On sepolia
    Arbitrum delivers its messages itself, and relay says so.

    One pass: every L1 retryable (deposits, migrations) is delivered on L2;
    L2-to-L1 messages (withdrawals) get a send root on L1 and are executed
    through the Outbox once confirmed (the local L1 is mined through the
    challenge period unless --no-fast-forward). Exactly once, journaled next to
    the address book.
    """
    import threading

    operator = resolve_account(operator_spec, required=False)
    with _Session(ctx, as_json) as lp, _Refusals():
        relayer = lp.relayer(operator, fast_forward=not no_fast_forward)
        try:
            if watch:
                stop = threading.Event()
                try:
                    relayer.watch(interval, stop, lambda r: None if r.idle else _show_pass(r, as_json))
                except KeyboardInterrupt:
                    stop.set()
            else:
                _show_pass(relayer.relay_once(), as_json)
        finally:
            relayer.journal.close()


def _show_pass(report, as_json: bool) -> None:
    if as_json:
        echo_json(report.__dict__)
        return
    if report.idle and not report.execution_errors:
        click.echo("Nothing to relay.")
        return
    for label, ids in (("L1->L2 delivered", report.delivered), ("L1->L2 failed (redeemable)", report.failed),
                       ("L1->L2 rejected", report.rejected), ("L2->L1 executed", report.executed),
                       ("L2->L1 waiting for confirmation", [i for i in report.seen_l2 if i not in report.executed])):
        if ids:
            click.echo(f"{label}: {', '.join(map(str, ids))}")
    for message_id, error in report.execution_errors.items():
        click.echo(f"L2->L1 {message_id} not executed: {error}")


@cli.command(short_help="Pay out matured LPT withdrawals on L1.")
@account_option
@yes_option
@json_option
@click.pass_context
def finalize(ctx, account, yes, as_json):
    """Pay out on L1 the account's LPT withdrawals whose challenge period is over.

    A withdrawal (`bridge-out`) becomes executable in the L1 Outbox once a send
    root covering it is confirmed. This executes every such withdrawal from or
    to the account, paid by the account; the LPT goes to the recipient. Locally
    `ape livepeer relay` asserts the roots (and, by default, finalizes too).
    """
    signer = resolve_account(account)
    with _Session(ctx, as_json) as lp, _Refusals():
        executable = [w for w in lp.withdrawals(signer.address) if w.state == "executable"]
        if executable:
            total = sum(w.amount for w in executable)
            confirm(f"Finalize {len(executable)} withdrawal(s) of {_lpt(total)} LPT in total on L1?", yes)
        done = lp.finalize(signer)
    if as_json:
        echo_json([{"position": w.position, "to": w.to, "amount_lpt": _lpt(w.amount), "l1_tx_hash": tx} for w, tx in done])
    else:
        for w, tx in done:
            click.echo(f"Withdrawal #{w.position}: {_lpt(w.amount)} LPT paid out to {w.to} on L1 in {tx}.")


@cli.command(name="call-reward")
@account_option
@click.option("--watch", is_flag=True, help="Call once per round, until interrupted (Ctrl-C).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True, help="Seconds between checks with --watch.")
@click.option("--if-profitable", is_flag=True, help="Call only when the minted LPT pays for the gas (needs --lpt-usd and --eth-usd).")
@click.option("--lpt-usd", type=Price(), envvar="APE_LIVEPEER_LPT_USD", show_envvar=True, help="LPT price, USD (--if-profitable).")
@click.option("--eth-usd", type=Price(), envvar="APE_LIVEPEER_ETH_USD", show_envvar=True, help="ETH price, USD (--if-profitable).")
@click.option("--gas-used", type=click.IntRange(min=1), default=110_000, show_default=True, help="Gas reward() is assumed to use (--if-profitable).")
@json_option
@click.pass_context
def call_reward(ctx, account, watch, interval, if_profitable, lpt_usd, eth_usd, gas_used, as_json):
    """Call reward() on L2 for an active orchestrator.

    Initializes the round first when nobody has, refuses a second call in the
    same round, and reports the LPT minted and the gas used. --watch calls once
    per round; --if-profitable skips rounds in which the orchestrator's share of
    the minted LPT is worth less than the transaction fee.
    """
    import time

    if if_profitable and (lpt_usd is None or eth_usd is None):
        raise click.UsageError("--if-profitable needs --lpt-usd and --eth-usd")
    signer = resolve_account(account)
    with _Session(ctx, as_json) as lp, _Refusals():
        skipped_round = None  # with --watch, a round judged unprofitable is not judged again
        while True:
            current = lp.system.l2_rounds.currentRound()
            if not (watch and (skipped_round == current or lp.reward_called(signer.address))):
                if not _reward_once(lp, signer, if_profitable, lpt_usd, eth_usd, gas_used, as_json):
                    skipped_round = current
            if not watch:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return


def _reward_once(lp, signer, if_profitable, lpt_usd, eth_usd, gas_used, as_json) -> bool:
    """Call reward() unless --if-profitable judges it a loss; ``True`` when called."""
    if if_profitable:
        economics = lp.reward_economics(signer.address, gas_used, lpt_usd, eth_usd)
        if not economics.profitable:
            message = (f"Skipped: reward() would mint {_lpt(economics.reward)} LPT, the orchestrator's share is worth "
                       f"less than the fee of {_eth(economics.cost_wei)} ETH.")
            if as_json:
                echo_json({"called": False, "reason": message})
            else:
                click.echo(message)
            return False
    result = lp.call_reward(signer)
    if as_json:
        echo_json({"called": True, "round": result.round, "minted_lpt": _lpt(result.minted), "gas_used": result.gas_used,
                   "initialized_round": result.initialized_round, "tx_hash": result.tx_hash})
    else:
        initialized = " (initialized the round first)" if result.initialized_round else ""
        click.echo(f"Round {result.round}: reward() minted {_lpt(result.minted)} LPT, {result.gas_used:,} L2 gas"
                   f"{initialized}; {result.tx_hash}")
    return True


@cli.command(name="withdraw-fees", short_help="Withdraw earned ETH fees (L2 or L1).")
@account_option
@click.option("--amount", type=Amount(), help="ETH to withdraw [default: all pending fees].")
@click.option("--to", type=Address(), help="Recipient [default: the account].")
@click.option("--layer", type=click.Choice(["l1", "l2"]), default="l2", show_default=True, help="Layer whose fees to withdraw.")
@yes_option
@json_option
@click.pass_context
def withdraw_fees(ctx, account, amount, to, layer, yes, as_json):
    """Withdraw the account's earned ETH fees from a BondingManager.

    Fees accrue where the orchestrator's winning tickets are redeemed; fees
    earned on L1 stay withdrawable there after migrating (--layer l1).
    """
    signer = resolve_account(account)
    with _Session(ctx, as_json) as lp, _Refusals():
        amount = lp.check_fee_withdrawal(signer.address, amount, layer, to)
        confirm(f"Withdraw {_eth(amount)} ETH of fees on {layer.upper()} to {to or signer.address}?", yes)
        sent = lp.withdraw_fees(signer, amount, to, layer)
    if as_json:
        echo_json({"layer": layer, "tx_hash": sent.tx_hash, "gas_used": sent.gas_used,
                   "recipient": sent.details["recipient"], "amount_eth": _eth(sent.details["amount"])})
    else:
        click.echo(f"Withdrew {_eth(sent.details['amount'])} ETH to {sent.details['recipient']} in {sent.tx_hash}.")
