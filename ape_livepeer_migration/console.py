"""``livepeer`` in ``ape console``.

Ape's console runs ``ape_init_extras`` from a project's ``ape_console_extras.py`` and adds what it returns to the
namespace. To get ``livepeer`` (a :class:`~ape_livepeer_migration.session.livepeer.Livepeer` over the configured
pair, e.g. the anvils of ``ape livepeer chains``), put this line in ``ape_console_extras.py`` at the project's root::

    from ape_livepeer_migration.console import ape_init_extras

Then, in ``ape console``::

    livepeer.status("0x...")
    livepeer.migrate(accounts.test_accounts[4])
    livepeer.relay()
"""

from __future__ import annotations


def ape_init_extras() -> dict:
    """The console namespace additions: ``livepeer``, attached to the configured pair's running nodes."""
    from ape_livepeer_migration.session.livepeer import Livepeer

    return {"livepeer": Livepeer.connect()}
