from ape_livepeer_migration.console import ape_init_extras  # noqa: F401  (gives ape console its livepeer)
