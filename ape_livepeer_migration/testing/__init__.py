"""Test support for projects that test against the system on a local pair (and for this repository's tests).

* :mod:`.fixtures`: the pytest plugin (``pytest11`` entry point ``ape_livepeer``): chains, a deployed system,
  funded accounts, relaying, isolation;
* :mod:`.rounds`: moving protocol rounds on either layer (mining to a round or its lock period, initializing);
* :mod:`.reverts`: ``with reverts(error, **inputs)``, a strict custom-error check, and the selector a call would
  revert with;
* :mod:`.actors`: who is who in a deployment (:class:`~.actors.Cast`) and registering an orchestrator;
* :mod:`.invariants`: the system's invariants read from both chains (the demo's reconciliation and the fuzz suite);
* :mod:`.project`: a user's own Ape project on a local pair, driven from outside (``ape livepeer chains``
  running, the README's first commands).
"""
