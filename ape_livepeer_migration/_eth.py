"""Ethereum primitives, one copy each: JSON-RPC quantities, bytes, selectors and topics, fees, amounts as text.

Every module that needs one of these imports it from here; nothing here knows about Livepeer or Arbitrum.
"""

from __future__ import annotations

from typing import Any

#: Base units per whole LPT and per whole ETH: both tokens have 18 decimals.
UNIT = 10**18

#: Decimals of a gas price written in gwei.
GWEI_DECIMALS = 9


def rpc_int(value: Any) -> int:
    """A JSON-RPC quantity (hex string or number) as an int."""
    return int(value, 16) if isinstance(value, str) else int(value)


def amount_text(amount: int, decimals: int = 18, places: int | None = None, grouped: bool = False) -> str:
    """``amount`` base units of a token with ``decimals`` decimals as decimal text, computed on integers only.

    ``places=None`` gives the exact value without trailing zeros ("5.25", "-0.0014", "50000"); ``places=n`` rounds
    to exactly ``n`` decimals, half to even ("5.2500", "1,234.57" with ``grouped``), and a value that rounds to
    zero carries no sign. ``grouped`` separates the thousands of the whole part with commas. The default
    ``decimals`` fits LPT and ETH in wei; gas prices in gwei use ``decimals=GWEI_DECIMALS``.
    """
    magnitude = abs(amount)
    if places is None:
        whole, fraction = divmod(magnitude, 10**decimals)
        digits = str(fraction).rjust(decimals, "0").rstrip("0") if fraction else ""
    else:
        scaled, remainder = divmod(magnitude * 10**places, 10**decimals)
        if 2 * remainder > 10**decimals or (2 * remainder == 10**decimals and scaled % 2):
            scaled += 1
        whole, fraction = divmod(scaled, 10**places)
        digits = str(fraction).rjust(places, "0") if places else ""
    sign = "-" if amount < 0 and (whole or fraction) else ""
    text = f"{whole:,}" if grouped else str(whole)
    return f"{sign}{text}.{digits}" if digits else f"{sign}{text}"
