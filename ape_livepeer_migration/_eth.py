"""Ethereum primitives, one copy each: JSON-RPC quantities, bytes, selectors and topics, fees, amounts as text.

Every module that needs one of these imports it from here; nothing here knows about Livepeer or Arbitrum.
"""

from __future__ import annotations

from typing import Any, Protocol

from eth_utils import keccak

from ape_livepeer_migration.exceptions import RpcError

#: Base units per whole LPT and per whole ETH: both tokens have 18 decimals.
UNIT = 10**18

#: Decimals of a gas price written in gwei.
GWEI_DECIMALS = 9

#: Decimals of an LPT or ETH amount shown as text (:func:`token_text`); the exact value is in wei.
TOKEN_PLACES = 6


def rpc_int(value: Any) -> int:
    """A JSON-RPC quantity (hex string or number) as an int."""
    return int(value, 16) if isinstance(value, str) else int(value)


def hex_bytes(value: str | bytes) -> bytes:
    """Bytes from JSON-RPC hex text (with or without ``0x``) or from any bytes-like value."""
    if isinstance(value, str):
        return bytes.fromhex(value[2:] if value[:2] in ("0x", "0X") else value)
    return bytes(value)


def hex_text(data: bytes) -> str:
    """``0x``-prefixed hex text of ``data``, as JSON-RPC takes bytes."""
    return "0x" + bytes(data).hex()


def function_selector(signature: str) -> bytes:
    """The 4-byte selector of a function (or custom error) from its canonical signature."""
    return keccak(text=signature)[:4]


def event_topic(signature: str) -> bytes:
    """Topic 0 of an event from its canonical signature."""
    return keccak(text=signature)


#: The most blocks one ``eth_getLogs`` asks for: public RPC providers refuse wider ranges (10,000 blocks is the
#: common limit).
LOG_BLOCK_RANGE = 10_000


class Rpc(Protocol):
    """A JSON-RPC endpoint: ``request`` returns the ``result`` member or raises."""

    def request(self, method: str, params: list[Any]) -> Any: ...


class HttpRpc:
    """:class:`Rpc` over HTTP through web3's provider: no middleware, raw results, and batches."""

    def __init__(self, url: str, timeout: float = 30.0):
        from web3 import HTTPProvider

        self.url = url
        self._provider = HTTPProvider(url, request_kwargs={"timeout": timeout})

    def request(self, method: str, params: list[Any]) -> Any:
        response = self._provider.make_request(method, params)
        if response.get("error"):
            raise RpcError(f"{method}: {response['error']}")
        return response["result"]

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Several requests in one HTTP round trip (a JSON-RPC batch): their results, in order.

        An error answer is returned in its slot as an :class:`RpcError`, not raised: the other
        requests of the batch were handled all the same.
        """
        if not calls:
            return []
        responses = self._provider.make_batch_request(calls)  # type: ignore[arg-type]  # method names are plain str
        if not isinstance(responses, list):  # the node refused the batch as a whole
            raise RpcError(f"batch of {len(calls)}: {responses.get('error')}")
        return [
            RpcError(f"{method}: {response['error']}") if response.get("error") else response["result"]
            for (method, _), response in zip(calls, responses, strict=True)
        ]


def pending_base_fee(rpc: Rpc) -> int:
    """The base fee of the next block of ``rpc``'s chain (0 before London).

    Transactions priced from the latest block are refused after the base fee rises (or after
    ``anvil_setNextBlockBaseFeePerGas``): the next block's is the one they must cover.
    """
    return rpc_int(rpc.request("eth_getBlockByNumber", ["pending", False]).get("baseFeePerGas") or 0)


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


def token_text(wei: int) -> str:
    """An LPT or ETH amount in wei as text of whole tokens, the way every command shows one: :data:`TOKEN_PLACES`
    decimals (rounded half to even) and the thousands grouped ("5,000.000000", "0.000428")."""
    return amount_text(wei, places=TOKEN_PLACES, grouped=True)
