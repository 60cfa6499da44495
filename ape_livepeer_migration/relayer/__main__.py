"""``python -m ape_livepeer_migration.relayer``: the relayer as a process next to running chains."""

from ape_livepeer_migration.relayer.simulator_backend import main

raise SystemExit(main())
