"""Every error the plugin raises on purpose, under one root: :class:`LivepeerError`.

A library user catches ``LivepeerError`` to handle any refusal (bad input, missing deployment, chains that do not
match); the CLI turns exactly that type into a one-line message with nothing sent. The root is an Ape
``ApeException``, as ApeWorX plugins root their own errors, so Ape's handlers treat it as one of theirs. A class
that also subclasses a builtin (``ValueError``, ``KeyError``) does so because its meaning is that builtin's.
"""

from __future__ import annotations

from ape.exceptions import ApeException


class LivepeerError(ApeException):
    """A refused operation: the inputs, the configuration or the chains' state do not allow it; nothing was sent."""


# ---------------------------------------------------------------------------- input and configuration


class InputError(LivepeerError, ValueError):
    """An input that no real network, orchestrator or message could have.

    ``field`` names the offending input when there is one, so that a caller (a CLI option, say) can point at it.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field


class ConfigError(LivepeerError, ValueError):
    """The configuration (ape-config.yaml, environment) cannot describe the pair asked for."""


class UnknownPairError(ConfigError):
    """A pair name that is not registered."""


class MissingRpcError(ConfigError):
    """A pair needs a node URL that neither the config nor the environment gives."""


class ToolchainError(LivepeerError):
    """The npm toolchain is missing or incomplete; the message says how to fix it."""


class UnknownContractError(LivepeerError, KeyError):
    """No contract type of that name ships with the plugin."""

    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------------------- chains


class ChainError(LivepeerError):
    """The nodes of the pair cannot be used as asked."""


class NodeNotRunningError(ChainError):
    """Attaching to a node that is not there."""


class ChainIdMismatchError(ChainError):
    """A node reports another chain id than its layer of the pair (or the deployment) must have."""


class UpstreamUnavailableError(ChainError):
    """A fork's upstream node does not answer."""


class SnapshotUnsupportedError(ChainError):
    """Snapshots need a node that can revert (anvil, local or fork), not a live network."""


# ---------------------------------------------------------------------------- Arbitrum


class ArbitrumError(LivepeerError):
    """Arbitrum's contracts or nodes (real or simulated) do not hold or answer what the message flow needs."""


class ArbitrumNotFoundError(ArbitrumError):
    """The chains do not hold the Arbitrum contracts a deployment is to be wired to."""


class SimulatorPresentError(ArbitrumError):
    """The L2 already holds a simulator's precompiles: a second simulator would share their storage."""


class SubmissionError(ArbitrumError):
    """The L2 refused a retryable submission or reverted it; an earlier submission may have handled the request
    (the simulator refuses a second one), which only the chain can tell."""


class MessageNotFoundError(ArbitrumError, LookupError):
    """The chains hold no such message, block or receipt (yet)."""


class DeliveryTimeoutError(ArbitrumError, TimeoutError):
    """The simulator's L2 transactions were not mined in the time allowed."""


class RpcError(ArbitrumError):
    """The node answered with a JSON-RPC error (an ``eth_call`` revert, for instance)."""


class NotConfirmedYet(ArbitrumError):
    """The send is not covered by a confirmed root yet: wait for the challenge period."""


class AlreadyExecuted(ArbitrumError):
    """The Outbox already executed this send."""


class L2CallRevertsError(ArbitrumError):
    """The L2 call of a retryable reverts on the L2's current state: its gas cannot be estimated."""


# ---------------------------------------------------------------------------- deployment and operations


class AddressBookError(LivepeerError):
    """The address book cannot be used as asked."""


class WrongChainError(AddressBookError):
    """The book belongs to other chains than the ones connected."""


class NotDeployedError(LivepeerError):
    """The chosen chains hold no (complete) deployment."""


class InterruptedDeployError(LivepeerError):
    """A deploy step started earlier and never finished: running it again could deploy a second copy."""


class NoSimulatorError(LivepeerError):
    """An operation of the local Arbitrum simulator on a system wired to a real Arbitrum's contracts."""


class MigrationError(LivepeerError):
    """A migration step that cannot be done now (one line says why)."""


# ---------------------------------------------------------------------------- relayer


class RelayerError(LivepeerError):
    """The relayer's journal and the chains disagree, or a message cannot move as asked."""


class JournalMismatch(RelayerError):
    """The journal file belongs to another deployment."""


class InvalidTransition(RelayerError):
    """A status change the message's lifecycle does not allow."""


class JournalNotFoundError(RelayerError, FileNotFoundError):
    """No relayer journal at the path asked for."""


class UnknownMessageError(RelayerError, KeyError):
    """The journal holds no such message or root."""

    def __str__(self) -> str:
        return str(self.args[0])
