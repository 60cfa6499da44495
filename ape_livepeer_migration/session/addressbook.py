"""The address book: where a network pair's deployment lives, one JSON file per pair.

::

    book = AddressBook.open(path, pair="local", l1_chain_id=31337, l2_chain_id=412346)
    book.record("simulator", sim.addresses)        # written to disk at once, atomically
    book.get("system")                             # None until recorded

The file records the chain ids of the pair it was written for; opening it for
other chain ids raises :class:`WrongChainError`, so addresses of one network
are never used on another. Every write goes to a temporary file in the same
directory that then replaces the book (``os.replace``), so a crash leaves
either the old or the new book, never half of one.

Besides finished entries, a step can be marked as *started* (:meth:`begin`)
before it sends anything and *finished* by :meth:`record`. A step found
started but not finished was interrupted: what it sent may or may not be on
chain, and :meth:`interrupted` tells the caller, who must not simply run it
again (it would deploy a second copy).

The default location is ``<project>/.build/livepeer/<pair>.json``; the
``livepeer_migration.address_book_dir`` setting moves the directory.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ape_livepeer_migration.exceptions import AddressBookError, WrongChainError

FORMAT_VERSION = 1


def book_dir(config: Any = None) -> Path:
    """The directory of the address books: the configured one, else ``<project>/.build/livepeer``."""
    from ape import config as ape_config

    if config is None:
        from ape_livepeer_migration.config import plugin_config

        config = plugin_config()
    if config.address_book_dir:
        return Path(config.address_book_dir).expanduser()
    return Path(ape_config.local_project.path) / ".build" / "livepeer"


def default_path(pair: str, config: Any = None) -> Path:
    """Where the book of ``pair`` lives by default."""
    return book_dir(config) / f"{pair}.json"


class AddressBook:
    """One pair's deployment record, bound to the chain ids it was written for."""

    def __init__(self, path: Path, pair: str, l1_chain_id: int, l2_chain_id: int, entries: dict[str, Any]):
        self.path = Path(path)
        self.pair = pair
        self.l1_chain_id = l1_chain_id
        self.l2_chain_id = l2_chain_id
        self._entries = entries

    @classmethod
    def open(cls, path: str | Path, pair: str, l1_chain_id: int, l2_chain_id: int) -> AddressBook:
        """The book at ``path``, or an empty one (nothing is written until something is recorded).

        Raises :class:`WrongChainError` when the file was written for other chain ids and
        :class:`AddressBookError` when it is not a readable address book.
        """
        path = Path(path)
        if not path.exists():
            return cls(path, pair, l1_chain_id, l2_chain_id, {})
        try:
            data = json.loads(path.read_text())
            version, chains, entries = data["version"], data["chain_ids"], data["entries"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise AddressBookError(f"{path} is not a readable address book ({type(err).__name__}: {err})") from err
        if version != FORMAT_VERSION:
            raise AddressBookError(f"{path} has format version {version}, expected {FORMAT_VERSION}")
        if (chains.get("l1"), chains.get("l2")) != (l1_chain_id, l2_chain_id):
            raise WrongChainError(
                f"the address book {path} is for chain ids L1 {chains.get('l1')} / L2 {chains.get('l2')}, "
                f"but the connected chains are L1 {l1_chain_id} / L2 {l2_chain_id}"
            )
        return cls(path, data.get("pair", pair), l1_chain_id, l2_chain_id, entries)

    # ------------------------------------------------------------------ reading

    def get(self, name: str) -> Any:
        """The finished entry ``name``, or ``None``."""
        entry = self._entries.get(name)
        if entry is None or entry.get("state") != "done":
            return None
        return entry["value"]

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def interrupted(self, name: str) -> dict[str, Any] | None:
        """What :meth:`begin` noted for ``name`` if that step started and never finished, else ``None``."""
        entry = self._entries.get(name)
        if entry is None or entry.get("state") != "started":
            return None
        return entry["note"]

    @property
    def names(self) -> list[str]:
        """Names of the finished entries, in the order they were first recorded."""
        return [name for name, entry in self._entries.items() if entry.get("state") == "done"]

    def as_dict(self) -> dict[str, Any]:
        """The whole book as it is stored."""
        return {
            "version": FORMAT_VERSION,
            "pair": self.pair,
            "chain_ids": {"l1": self.l1_chain_id, "l2": self.l2_chain_id},
            "entries": self._entries,
        }

    # ------------------------------------------------------------------ writing

    def begin(self, name: str, note: dict[str, Any]) -> None:
        """Mark step ``name`` as started (``note``: what identifies what it may send, e.g. nonces)."""
        if name in self:
            raise AddressBookError(f"{name} is already recorded in {self.path}")
        self._entries[name] = {"state": "started", "note": note}
        self._write()

    def record(self, name: str, value: Any) -> None:
        """Record the finished entry ``name`` (JSON-able) and write the book."""
        self._entries[name] = {"state": "done", "value": value}
        self._write()

    def forget(self, name: str) -> None:
        """Drop the entry ``name`` (finished or started) and write the book."""
        if self._entries.pop(name, None) is not None:
            self._write()

    def copy_to(self, path: Path) -> Path:
        """Write the book as it is to ``path`` as well (atomically, as every write); returns ``path``."""
        self._write(path)
        return path

    def _write(self, path: Path | None = None) -> None:
        path = path or self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w") as stream:
                json.dump(self.as_dict(), stream, indent=2, sort_keys=False)
                stream.write("\n")
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
