"""How an outside project gets the fixtures: the ``pytest11`` entry point loads them when the plugin is installed.
Loaded explicitly here, since this repository's own install may predate the entry point."""

from ape_livepeer_migration.pytest_plugin import (  # noqa: F401
    livepeer,
    livepeer_accounts,
    livepeer_chains,
    livepeer_genesis_lpt,
    livepeer_isolation,
    livepeer_relayer,
    livepeer_round_length,
)
