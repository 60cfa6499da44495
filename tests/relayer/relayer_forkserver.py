"""Start relayer processes fast: import once, fork one relayer per request (test helper).

Importing Ape and connecting its network machinery takes seconds per process;
the crash test starts the relayer 55 times. This server pays the imports once,
then for each JSON argument list on stdin forks a child that runs exactly
``ape_livepeer_migration.relayer.simulator_backend.main(argv)``, the code behind
``python -m ape_livepeer_migration.relayer``. Nothing is connected before the
fork; each child attaches to the chains and opens the journal itself, and dies
alone when the test SIGKILLs its pid.

Protocol on stdout (children write their own lines in between):
``forked <pid>`` after each fork, ``exited <pid> <status>`` when the child is gone.
"""

from __future__ import annotations

import json
import os
import sys

# Ape's chain manager imports numpy, whose OpenBLAS starts a worker thread at import unless told to use one: a fork
# copies only the forking thread, and a child can then wait forever on a lock that thread held.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

from ape import accounts, chain, networks, project  # noqa: E402, F401  (the heavy imports, done once)

from ape_livepeer_migration.arbitrum import simulator  # noqa: F401
from ape_livepeer_migration.relayer import simulator_backend as relayer  # noqa: F401

networks.get_ecosystem("ethereum").get_network("local")
networks.get_ecosystem("arbitrum").get_network("local")


def serve() -> None:
    for line in sys.stdin:
        argv = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            code = 1
            try:
                code = relayer.main(argv)
            finally:
                sys.stdout.flush()
                os._exit(code)
        print(f"forked {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exited {pid} {status}", flush=True)


if __name__ == "__main__":
    serve()
