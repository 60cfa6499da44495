// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BondingManagerBase} from "../protocol/BondingManagerBase.sol";
import {ILivepeerToken} from "../protocol/interfaces/ILivepeerToken.sol";
import {IMinter} from "../protocol/interfaces/IMinter.sol";
import {IRoundsManager} from "../protocol/interfaces/IRoundsManager.sol";

/// @title BondingManager (L1)
/// @notice Livepeer staking on Ethereum: the shared accounting of `BondingManagerBase` with LPT bonded from the
///         delegator's own balance.
contract BondingManager is BondingManagerBase {
    /// @param owner_ The governor.
    /// @param token_ LPT.
    /// @param minter_ The Minter.
    /// @param roundsManager_ The round clock.
    /// @param unbondingPeriod_ Rounds before unbonded stake can be withdrawn.
    /// @param numActiveTranscoders_ Maximum size of the active set.
    constructor(
        address owner_,
        ILivepeerToken token_,
        IMinter minter_,
        IRoundsManager roundsManager_,
        uint64 unbondingPeriod_,
        uint256 numActiveTranscoders_
    ) BondingManagerBase(owner_, token_, minter_, roundsManager_, unbondingPeriod_, numActiveTranscoders_) {}
}
