"""The network pairs this plugin can drive: an L1 and its Arbitrum L2, with known addresses.

Each :class:`NetworkPair` names the two Ape network choices
(``ecosystem:network:provider``) and, for real networks, the Arbitrum bridge
contracts, the challenge period and Livepeer's deployment. This module imports
nothing from Ape, so the command line can list pairs cheaply.

Pairs:

* ``local``: two anvils started (or attached to) by this plugin; the bridge
  contracts are deployed by the project's simulator, so no address is fixed.
* ``mainnet-fork``: two anvils forking Ethereum mainnet and Arbitrum One through
  ape-foundry's fork provider; the real contracts are there, with their state.
* ``sepolia``: the live testnets through Ape's ``node`` provider (no process).
  Livepeer has no deployment there.

The addresses and challenge periods are the ones Arbitrum's and Livepeer's public documentation publish.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum

from ape_livepeer_migration.exceptions import InputError, UnknownPairError


class PairKind(str, Enum):
    """How the two chains of a pair come to exist."""

    LOCAL = "local"  #: fresh anvils, chain state from nothing
    FORK = "fork"  #: anvils forking an upstream RPC per layer
    LIVE = "live"  #: remote nodes; nothing is started, nothing can be snapshotted


@dataclass(frozen=True)
class ArbitrumContracts:
    """Arbitrum's bridge and token-bridge entry points for one L1/L2 pair."""

    inbox: str  #: L1: retryable tickets are created here
    bridge: str  #: L1: ``activeOutbox()`` during an L2->L1 execution
    outbox: str  #: L1: executes L2->L1 messages after the challenge period
    l1_gateway_router: str
    l2_gateway_router: str


@dataclass(frozen=True)
class LivepeerContracts:
    """Livepeer's production contracts (reference only: this project deploys its own)."""

    l1_token: str
    l1_controller: str
    l1_bonding_manager: str
    l1_lpt_gateway: str
    l1_escrow: str
    l1_migrator: str
    l2_token: str
    l2_bonding_manager: str
    l2_rounds_manager: str
    l2_minter: str
    l2_lpt_gateway: str
    l2_migrator: str


@dataclass(frozen=True)
class NetworkPair:
    """An L1 and an L2 network, each an Ape ``ecosystem:network:provider`` choice."""

    name: str
    l1: str
    l2: str
    kind: PairKind = PairKind.LOCAL
    #: Chain ids the nodes must report (``None``: chosen by configuration, see ``local``).
    l1_chain_id: int | None = None
    l2_chain_id: int | None = None
    #: ``None`` where the project deploys its own bridge (the local simulator).
    arbitrum: ArbitrumContracts | None = None
    #: The rollup's ``confirmPeriodBlocks``: L1 blocks before an L2->L1 message executes.
    challenge_period_blocks: int | None = None
    livepeer: LivepeerContracts | None = None

    def choice(self, layer: str) -> str:
        """The Ape network choice of ``"l1"`` or ``"l2"``."""
        if layer not in ("l1", "l2"):
            raise InputError(f"layer must be 'l1' or 'l2', not {layer!r}")
        return getattr(self, layer)

    def network(self, layer: str) -> tuple[str, str, str]:
        """``(ecosystem, network, provider)`` of one layer."""
        return split_choice(self.choice(layer))


def split_choice(choice: str) -> tuple[str, str, str]:
    """``(ecosystem, network, provider)`` of an Ape network choice ``ecosystem:network:provider``."""
    parts = choice.split(":")
    if len(parts) != 3 or not all(parts):
        raise InputError(f"a network choice is ecosystem:network:provider, not {choice!r}")
    ecosystem, network, provider = parts
    return ecosystem, network, provider


# Arbitrum One (42161) settling on Ethereum mainnet (1).
ARBITRUM_ONE = ArbitrumContracts(
    inbox="0x4Dbd4fc535Ac27206064B68FfCf827b0A60BAB3f",
    bridge="0x8315177aB297bA92A06054cE80a67Ed4DBd7ed3a",
    outbox="0x0B9857ae2D4A3DBe74ffE1d7DF045bb7F96E4840",
    l1_gateway_router="0x72Ce9c846789fdB6fC1f34aC4AD25Dd9ef7031ef",
    l2_gateway_router="0x5288c571Fd7aD117beA99bF60FE0846C4E84F933",
)

# Arbitrum Sepolia (421614) settling on Ethereum Sepolia (11155111).
ARBITRUM_SEPOLIA = ArbitrumContracts(
    inbox="0xaAe29B0366299461418F5324a79Afc425BE5ae21",
    bridge="0x38f918D0E9F1b721EDaA41302E399fa1B79333a9",
    outbox="0x65f07C7D521164a4d5DaC6eB8Fac8DA067A3B78F",
    l1_gateway_router="0xcE18836b233C83325Cc8848CA4487e94C6288264",
    l2_gateway_router="0x9fDD1C4E4AA24EEc1d913FABea925594a20d43C7",
)

# Livepeer on Ethereum mainnet and Arbitrum One.
# Proxies where the protocol uses them (BondingManager, L2Migrator).
LIVEPEER_MAINNET = LivepeerContracts(
    l1_token="0x58b6A8A3302369DAEc383334672404Ee733aB239",
    l1_controller="0xF96D54E490317c557A967ABfA5d6e33006BE69b3",
    l1_bonding_manager="0x511Bc4556D823Ae99630aE8de28b9B80Df90eA2e",
    l1_lpt_gateway="0x6142f1C8bBF02E6A6bd074E8d564c9A5420a0676",
    l1_escrow="0x6A23F4940BD5BA117Da261f98aae51A8BFfa210A",
    l1_migrator="0x2a69191B43c9DB47C927bD7287F9C93838d07759",
    l2_token="0x289ba1701C2F088cf0faf8B3705246331cB8A839",
    l2_bonding_manager="0x35Bcf3c30594191d53231E4FF333E8A770453e40",
    l2_rounds_manager="0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f",
    l2_minter="0xc20DE37170B45774e6CD3d2304017fc962f27252",
    l2_lpt_gateway="0x6D2457a4ad276000A615295f7A80F79E48CcD318",
    l2_migrator="0x148D5b6B4df9530c7C76A810bd1Cdf69EC4c2085",
)

MAINNET_CHAIN_ID = 1
ARBITRUM_ONE_CHAIN_ID = 42161
SEPOLIA_CHAIN_ID = 11155111
ARBITRUM_SEPOLIA_CHAIN_ID = 421614

#: confirmPeriodBlocks of Arbitrum One (about 6.4 days of L1 blocks).
ARBITRUM_ONE_CHALLENGE_PERIOD_BLOCKS = 45818
#: confirmPeriodBlocks of Arbitrum Sepolia.
ARBITRUM_SEPOLIA_CHALLENGE_PERIOD_BLOCKS = 20

LOCAL_PAIR = NetworkPair("local", "ethereum:local:foundry", "arbitrum:local:foundry")

# On the Arbitrum One fork, 0x64 holds what the real chain reports for its ArbSys
# precompile (a stub, not the precompile): anvil implements no Arbitrum precompile,
# so L2->L1 sends need a simulator planted with anvil_setCode. The pinned anvil
# leaves 0x64 alone; newer anvils inject an ArbSys answering only arbBlockNumber()
# on official Arbitrum chain ids such as 42161, which would shadow a planted
# simulator on this fork.
MAINNET_FORK_PAIR = NetworkPair(
    "mainnet-fork",
    "ethereum:mainnet-fork:foundry",
    "arbitrum:mainnet-fork:foundry",
    kind=PairKind.FORK,
    # A fork answers with the chain id of the chain it forks.
    l1_chain_id=MAINNET_CHAIN_ID,
    l2_chain_id=ARBITRUM_ONE_CHAIN_ID,
    arbitrum=ARBITRUM_ONE,
    challenge_period_blocks=ARBITRUM_ONE_CHALLENGE_PERIOD_BLOCKS,
    livepeer=LIVEPEER_MAINNET,
)

SEPOLIA_PAIR = NetworkPair(
    "sepolia",
    "ethereum:sepolia:node",
    "arbitrum:sepolia:node",
    kind=PairKind.LIVE,
    l1_chain_id=SEPOLIA_CHAIN_ID,
    l2_chain_id=ARBITRUM_SEPOLIA_CHAIN_ID,
    arbitrum=ARBITRUM_SEPOLIA,
    challenge_period_blocks=ARBITRUM_SEPOLIA_CHALLENGE_PERIOD_BLOCKS,
    livepeer=None,  # no Livepeer deployment on Sepolia / Arbitrum Sepolia
)

PAIRS: dict[str, NetworkPair] = {pair.name: pair for pair in (LOCAL_PAIR, MAINNET_FORK_PAIR, SEPOLIA_PAIR)}


def get_pair(name: str) -> NetworkPair:
    """The registered pair called ``name`` (``local``, ``mainnet-fork`` or ``sepolia``)."""
    try:
        return PAIRS[name]
    except KeyError:
        choices = ", ".join(PAIRS)
        raise UnknownPairError(f"unknown network pair {name!r}; choose one of: {choices}") from None


def contract_addresses(contracts: ArbitrumContracts | LivepeerContracts) -> dict[str, str]:
    """``{field: address}`` of an address book, in declaration order."""
    return {field.name: getattr(contracts, field.name) for field in fields(contracts)}
