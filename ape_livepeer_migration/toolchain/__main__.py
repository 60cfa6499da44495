from ape_livepeer_migration.toolchain import main

raise SystemExit(main())
