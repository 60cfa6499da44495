// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IInbox} from "../../../contracts/arbitrum/IInbox.sol";
import {L1Escrow} from "../../../contracts/bridge/L1Escrow.sol";
import {L1LPTGateway} from "../../../contracts/bridge/L1LPTGateway.sol";
import {L1Migrator} from "../../../contracts/bridge/L1Migrator.sol";
import {L1SupplyReporter} from "../../../contracts/bridge/L1SupplyReporter.sol";
import {L2LPTGateway} from "../../../contracts/bridge/L2LPTGateway.sol";
import {L2Migrator} from "../../../contracts/bridge/L2Migrator.sol";
import {IMintingDelegator} from "../../../contracts/bridge/IMintingDelegator.sol";
import {BondingManager} from "../../../contracts/l1/BondingManager.sol";
import {L2BondingManager} from "../../../contracts/l2/L2BondingManager.sol";
import {L2LivepeerToken} from "../../../contracts/l2/L2LivepeerToken.sol";
import {L2Minter} from "../../../contracts/l2/L2Minter.sol";
import {LivepeerToken} from "../../../contracts/protocol/LivepeerToken.sol";
import {Minter} from "../../../contracts/protocol/Minter.sol";
import {RoundsManager} from "../../../contracts/protocol/RoundsManager.sol";
import {ILivepeerToken} from "../../../contracts/protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../../../contracts/protocol/interfaces/IMinter.sol";
import {IRoundsManager} from "../../../contracts/protocol/interfaces/IRoundsManager.sol";
import {SystemBase} from "./SystemBase.sol";

/// @title The whole system, both layers, in one EVM
/// @notice Deploys and wires the real contracts the way `deploy_system` (ape_livepeer_migration/system.py, with
///         deploy.py and bridge.py) does, over a `MockArbitrum` hub (Inbox/Bridge/Outbox) and a `MockArbSys` etched
///         at 0x64. This contract is the governor of everything and mints the genesis LPT.
contract LivepeerSystem is SystemBase {
    /// @notice Round length of both layers, in blocks.
    uint256 public constant ROUND_LENGTH = 50;

    LivepeerToken public l1Token;
    RoundsManager public l1Rounds;
    Minter public l1Minter;
    BondingManager public l1Bm;
    L1Escrow public escrow;
    L1LPTGateway public l1Gateway;
    L1SupplyReporter public reporter;
    L1Migrator public l1Migrator;

    L2LivepeerToken public l2Token;
    RoundsManager public l2Rounds;
    L2Minter public l2Minter;
    L2LPTGateway public l2Gateway;
    L2BondingManager public l2Bm;
    L2Migrator public l2Migrator;

    /// @notice LPT minted at genesis, before minting is handed to the L1 Minter.
    uint256 public genesisSupply;

    /// @notice Deploy and wire both layers; `holders` receive `amounts` of genesis LPT.
    function deploy(address[] calldata holders, uint256[] calldata amounts) external {
        _deployL1(holders, amounts);
        _deployBridge();
        _deployL2Staking();
    }

    function _deployL1(address[] calldata holders, uint256[] calldata amounts) private {
        l1Token = new LivepeerToken(address(this));
        l1Rounds = new RoundsManager(address(this), ROUND_LENGTH, ROUND_LOCK_AMOUNT);
        l1Minter = new Minter(
            address(this), ILivepeerToken(address(l1Token)), IRoundsManager(address(l1Rounds)), INFLATION,
            INFLATION_CHANGE, TARGET_BONDING_RATE
        );
        l1Bm = new BondingManager(
            address(this), ILivepeerToken(address(l1Token)), IMinter(address(l1Minter)),
            IRoundsManager(address(l1Rounds)), UNBONDING_PERIOD, NUM_ACTIVE
        );
        l1Token.setMinter(address(this));
        for (uint256 i; i < holders.length; ++i) {
            l1Token.mint(holders[i], amounts[i]);
            genesisSupply += amounts[i];
        }
        l1Token.setMinter(address(l1Minter));
        l1Minter.setBondingManager(address(l1Bm));
        l1Minter.addMintingDelegate(address(l1Bm));
        l1Rounds.setBondingManager(address(l1Bm));
        l1Rounds.setMinter(address(l1Minter));
    }

    function _deployBridge() private {
        // first: the L2 gateway refuses withdrawals to the escrow, so it needs the address
        escrow = new L1Escrow(address(this), IERC20(address(l1Token)));
        l2Token = new L2LivepeerToken(address(this));
        l2Rounds = new RoundsManager(address(this), ROUND_LENGTH, ROUND_LOCK_AMOUNT);
        l2Minter = new L2Minter(
            address(this), ILivepeerToken(address(l2Token)), IRoundsManager(address(l2Rounds)), INFLATION,
            INFLATION_CHANGE, TARGET_BONDING_RATE
        );
        l2Gateway = new L2LPTGateway(
            address(this), address(l1Token), address(l2Token), IMintingDelegator(address(l2Minter)),
            address(escrow)
        );
        l2Token.setMinter(address(l2Minter));
        l2Token.setGateway(address(l2Gateway));
        l2Rounds.setMinter(address(l2Minter));
        l2Minter.addMintingDelegate(address(l2Gateway));

        l1Gateway = new L1LPTGateway(
            address(this), IInbox(address(arb)), address(l1Token), address(l2Token), escrow,
            IMintingDelegator(address(l1Minter))
        );
        reporter = new L1SupplyReporter(
            address(this), IInbox(address(arb)), IERC20(address(l1Token)), address(escrow), address(l2Minter));
        escrow.setGateway(address(l1Gateway));
        l1Gateway.setCounterpartGateway(address(l2Gateway));
        l1Minter.addMintingDelegate(address(l1Gateway));
        l2Gateway.setCounterpartGateway(address(l1Gateway));
        l2Minter.setL1SupplyReporter(address(reporter));
    }

    function _deployL2Staking() private {
        l2Bm = new L2BondingManager(
            address(this), ILivepeerToken(address(l2Token)), IMinter(address(l2Minter)),
            IRoundsManager(address(l2Rounds)), UNBONDING_PERIOD, NUM_ACTIVE
        );
        l2Minter.setBondingManager(address(l2Bm));
        l2Minter.addMintingDelegate(address(l2Bm));
        l2Rounds.setBondingManager(address(l2Bm));
        l1Migrator = new L1Migrator(address(this), l1Bm, IERC20(address(l1Token)), l1Gateway);
        l1Bm.setMigrator(address(l1Migrator));
        escrow.setMigrator(address(l1Migrator));
        l1Minter.addMintingDelegate(address(l1Migrator));
        l2Migrator = new L2Migrator(
            IMintingDelegator(address(l2Minter)), address(l1Migrator), l2Bm, IERC20(address(l2Token))
        );
        l2Bm.setMigrator(address(l2Migrator));
        l2Minter.addMintingDelegate(address(l2Migrator));
        l2Gateway.setMigrators(address(l1Migrator), address(l2Migrator));
        l1Migrator.setL2Migrator(address(l2Migrator));
        l1Gateway.setMigrators(address(l1Migrator), address(l2Migrator));
    }
}
