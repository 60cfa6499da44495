"""Ethereum primitives, one copy each: JSON-RPC quantities, bytes, selectors and topics, fees, amounts as text.

Every module that needs one of these imports it from here; nothing here knows about Livepeer or Arbitrum.
"""

from __future__ import annotations

from typing import Any


def rpc_int(value: Any) -> int:
    """A JSON-RPC quantity (hex string or number) as an int."""
    return int(value, 16) if isinstance(value, str) else int(value)
