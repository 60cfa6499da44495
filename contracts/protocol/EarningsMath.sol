// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title EarningsMath
/// @notice The pure arithmetic of the BondingManager's earnings accounting (cumulative factors, precision 1e27).
/// @dev Ranges it is written for: stakes below 2^128 (they are stored as uint128), factor references at least
///      `FACTOR_PRECISION` (a reward factor starts there and never falls), factors at most `MAX_FACTOR`. Within
///      them nothing here overflows: `stake * factor / reference < 2^128 * 2^216 / 1e27 < 2^255`, so a sum of two
///      such terms plus one still fits in 256 bits.
library EarningsMath {
    /// @notice Precision of the cumulative factors.
    uint256 internal constant FACTOR_PRECISION = 1e27;
    /// @notice Ceiling of both cumulative factors. A credit that would lift a factor above it is not shared over
    ///         the delegators (the caller gives it to the orchestrator's commission instead), so every factor stays
    ///         at most 2^216 and every claim computation stays below 2^255.
    uint256 internal constant MAX_FACTOR = 2 ** 216;

    /// @notice `floor(x1 * y1 / d1 + x2 * y2 / d2)`, exact: one rounding for the sum of two ratios.
    /// @dev Reverts only when the exact result does not fit in 256 bits. The two floors lose less than one unit
    ///      each, so the sum gains one unit exactly when `r1 / d1 + r2 / d2 >= 1` for the remainders `r1`, `r2`,
    ///      i.e. when `r2 * d1 >= (d1 - r1) * d2`; both products are compared as exact 512-bit numbers.
    function floorOfSum(uint256 x1, uint256 y1, uint256 d1, uint256 x2, uint256 y2, uint256 d2)
        internal
        pure
        returns (uint256 sum)
    {
        sum = Math.mulDiv(x1, y1, d1) + Math.mulDiv(x2, y2, d2);
        if (remaindersCarry(mulmod(x1, y1, d1), d1, mulmod(x2, y2, d2), d2)) sum += 1;
    }

    /// @notice Whether `r1 / d1 + r2 / d2 >= 1` for remainders `r1 < d1` and `r2 < d2`, exactly: it compares
    ///         `r2 * d1` with `(d1 - r1) * d2` as 512-bit numbers, so no operand size can overflow it.
    function remaindersCarry(uint256 r1, uint256 d1, uint256 r2, uint256 d2) internal pure returns (bool) {
        if (r2 == 0) return false;
        (uint256 leftHigh, uint256 leftLow) = Math.mul512(r2, d1);
        (uint256 rightHigh, uint256 rightLow) = Math.mul512(d1 - r1, d2);
        return leftHigh > rightHigh || (leftHigh == rightHigh && leftLow >= rightLow);
    }

    /// @notice How much a credit of `amount` over `earning` stake raises a factor that stands at `current`, scaled
    ///         by the reward factor `rewardFactor`: `floor(amount * rewardFactor / earning)`. `fits` is false (and
    ///         `increase` zero) when nothing earns or when the factor would pass `MAX_FACTOR`; the credit is then
    ///         not shared. Never reverts.
    function factorIncrease(uint256 amount, uint256 rewardFactor, uint256 earning, uint256 current)
        internal
        pure
        returns (bool fits, uint256 increase)
    {
        if (earning == 0 || current > MAX_FACTOR) return (false, 0);
        (uint256 high,) = Math.mul512(amount, rewardFactor);
        // The quotient fits in 256 bits exactly when the high word of the product is below the divisor.
        if (high >= earning) return (false, 0);
        increase = Math.mulDiv(amount, rewardFactor, earning);
        if (increase > MAX_FACTOR - current) return (false, 0);
        return (true, increase);
    }

    /// @notice Splits a round's reward `minted` (minted on the stake `earning + commissionStake`) between the
    ///         delegators' earning stake and the orchestrator's commission. The unclaimed commission's share of
    ///         the reward is the orchestrator's; of the earning stake's share, the orchestrator keeps `rewardCut`
    ///         (precision 1e6) and the rest, `toDelegators`, is shared over `earning`. `toDelegators` is at most
    ///         `minted * earning / (earning + commissionStake)`, so the factor grows by at most
    ///         `minted / (earning + commissionStake)` of itself.
    function rewardSplit(uint256 minted, uint256 earning, uint256 commissionStake, uint256 rewardCut)
        internal
        pure
        returns (uint256 toDelegators, uint256 toCommission)
    {
        uint256 stake = earning + commissionStake;
        uint256 earned = stake == 0 ? 0 : Math.mulDiv(minted, earning, stake);
        toDelegators = earned - (earned * rewardCut) / 1_000_000;
        toCommission = minted - toDelegators;
    }
}
