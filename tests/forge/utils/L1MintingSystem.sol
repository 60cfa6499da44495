// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IInbox} from "../../../contracts/arbitrum/IInbox.sol";
import {IMintingDelegator} from "../../../contracts/bridge/IMintingDelegator.sol";
import {L1Escrow} from "../../../contracts/bridge/L1Escrow.sol";
import {L1LPTGateway} from "../../../contracts/bridge/L1LPTGateway.sol";
import {L2LPTGateway} from "../../../contracts/bridge/L2LPTGateway.sol";
import {L2StakeOracle} from "../../../contracts/bridge/L2StakeOracle.sol";
import {BondingManager} from "../../../contracts/l1/BondingManager.sol";
import {L1InflationMinter} from "../../../contracts/l1/L1InflationMinter.sol";
import {L2BondingManager} from "../../../contracts/l2/L2BondingManager.sol";
import {L2DistributingMinter} from "../../../contracts/l2/L2DistributingMinter.sol";
import {L2LivepeerToken} from "../../../contracts/l2/L2LivepeerToken.sol";
import {LivepeerToken} from "../../../contracts/protocol/LivepeerToken.sol";
import {RoundsManager} from "../../../contracts/protocol/RoundsManager.sol";
import {ILivepeerToken} from "../../../contracts/protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../../../contracts/protocol/interfaces/IMinter.sol";
import {IRoundsManager} from "../../../contracts/protocol/interfaces/IRoundsManager.sol";
import {SystemBase} from "./SystemBase.sol";

/// @title Both layers in the L1-minting mode, in one EVM
/// @notice The wiring `deploy_system(..., inflation="l1")` does: the L1InflationMinter (with its L2StakeOracle) is
///         the L1 Minter, the L2DistributingMinter the L2 one; the L1 gateway is no minting delegate, the L2 gateway
///         the only one on L2. This contract is the governor of everything, mints the genesis LPT and is the oracle's
///         reporter. Stake migration is left out: its contracts are the same in both modes.
contract L1MintingSystem is SystemBase {
    uint256 public constant L1_ROUND_LENGTH = 70;
    uint256 public constant K = 7;
    uint256 public constant L2_ROUND_LENGTH = L1_ROUND_LENGTH / K;

    LivepeerToken public l1Token;
    RoundsManager public l1Rounds;
    L2StakeOracle public oracle;
    L1InflationMinter public l1Minter;
    BondingManager public l1Bm;
    L1Escrow public escrow;
    L1LPTGateway public l1Gateway;

    L2LivepeerToken public l2Token;
    RoundsManager public l2Rounds;
    L2DistributingMinter public l2Minter;
    L2LPTGateway public l2Gateway;
    L2BondingManager public l2Bm;

    /// @notice Deploy and wire both layers; `holder` receives `amount` genesis LPT.
    function deploy(address holder, uint256 amount) external {
        l1Token = new LivepeerToken(address(this));
        l1Rounds = new RoundsManager(address(this), L1_ROUND_LENGTH, ROUND_LOCK_AMOUNT);
        oracle = new L2StakeOracle(address(this), IERC20(address(l1Token)));
        l1Minter = new L1InflationMinter(
            address(this), ILivepeerToken(address(l1Token)), IRoundsManager(address(l1Rounds)), oracle, INFLATION,
            INFLATION_CHANGE, TARGET_BONDING_RATE
        );
        l1Bm = new BondingManager(
            address(this), ILivepeerToken(address(l1Token)), IMinter(address(l1Minter)),
            IRoundsManager(address(l1Rounds)), UNBONDING_PERIOD, NUM_ACTIVE
        );
        l1Token.setMinter(address(this));
        l1Token.mint(holder, amount);
        l1Token.setMinter(address(l1Minter));
        l1Minter.setBondingManager(address(l1Bm));
        l1Rounds.setBondingManager(address(l1Bm));
        l1Rounds.setMinter(address(l1Minter));
        oracle.addReporter(address(this));

        escrow = new L1Escrow(address(this), IERC20(address(l1Token)));
        l2Token = new L2LivepeerToken(address(this));
        l2Rounds = new RoundsManager(address(this), L2_ROUND_LENGTH, ROUND_LOCK_AMOUNT);
        l2Minter = new L2DistributingMinter(
            address(this), ILivepeerToken(address(l2Token)), IRoundsManager(address(l2Rounds)), K
        );
        l2Gateway = new L2LPTGateway(
            address(this), address(l1Token), address(l2Token), IMintingDelegator(address(l2Minter)), address(escrow)
        );
        l2Token.setMinter(address(l2Minter));
        l2Token.setGateway(address(l2Gateway));
        l2Rounds.setMinter(address(l2Minter));
        l2Minter.addMintingDelegate(address(l2Gateway));
        l1Gateway = new L1LPTGateway(
            address(this), IInbox(address(arb)), address(l1Token), address(l2Token), escrow,
            IMintingDelegator(address(l1Minter))
        );
        escrow.setGateway(address(l1Gateway));
        l1Gateway.setCounterpartGateway(address(l2Gateway));
        l2Gateway.setCounterpartGateway(address(l1Gateway));
        l1Minter.setL2Route(l1Gateway, address(l2Minter), address(this));
        l2Minter.setRewardSource(address(l2Gateway), address(l1Minter));

        l2Bm = new L2BondingManager(
            address(this), ILivepeerToken(address(l2Token)), IMinter(address(l2Minter)),
            IRoundsManager(address(l2Rounds)), UNBONDING_PERIOD, NUM_ACTIVE
        );
        l2Minter.setBondingManager(address(l2Bm));
        l2Rounds.setBondingManager(address(l2Bm));
    }

    /// @notice Report the L2 BondingManager's total bonded, read now.
    function reportStake() external {
        oracle.report(l2Bm.getTotalBonded(), block.number, block.timestamp);
    }
}
