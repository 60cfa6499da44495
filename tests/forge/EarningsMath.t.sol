// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {EarningsMath} from "../../contracts/protocol/EarningsMath.sol";

/// @title EarningsMathTest
/// @notice Properties of the BondingManager's earnings arithmetic as forge `testFuzz_*` runs and fixed extremes.
///         (As halmos `check_*` functions they did not terminate within 15 minutes: the 512-bit multiplications
///         are nonlinear bit-vector arithmetic.) Reachable ranges (see EarningsMath): stakes and credits below
///         2^128, factor references from 1e27, factors (and factor differences) at most 2^216.
contract EarningsMathTest {
    uint256 private constant STAKE_MAX = type(uint128).max;
    uint256 private constant PRECISION = 1e27;
    uint256 private constant MAX_FACTOR = 2 ** 216;

    // ------------------------------------------------------------ external entry points (a revert is caught)

    function floorOfSum(uint256 x1, uint256 y1, uint256 d1, uint256 x2, uint256 y2, uint256 d2)
        external
        pure
        returns (uint256)
    {
        return EarningsMath.floorOfSum(x1, y1, d1, x2, y2, d2);
    }

    function factorIncrease(uint256 amount, uint256 rewardFactor, uint256 earning, uint256 current)
        external
        pure
        returns (bool, uint256)
    {
        return EarningsMath.factorIncrease(amount, rewardFactor, earning, current);
    }

    function rewardSplit(uint256 minted, uint256 earning, uint256 commissionStake, uint256 rewardCut)
        external
        pure
        returns (uint256, uint256)
    {
        return EarningsMath.rewardSplit(minted, earning, commissionStake, rewardCut);
    }

    // ------------------------------------------------------------ properties (inputs already in range)

    /// @dev A claim's one rounding over both parts never reverts in the reachable ranges.
    function _floorOfSumNeverReverts(uint256 x1, uint256 y1, uint256 d1, uint256 x2, uint256 y2, uint256 d2)
        internal
        view
    {
        try this.floorOfSum(x1, y1, d1, x2, y2, d2) returns (uint256 sum) {
            // Each term is below 2^255 (stake * factor / reference < 2^128 * 2^216 / 1e27).
            assert(sum >= Math.mulDiv(x1, y1, d1));
        } catch {
            assert(false);
        }
    }

    /// @dev On operands small enough for a direct reference, the result is exactly the floor of the sum.
    function _floorOfSumExact(uint64 x1, uint64 y1, uint64 d1, uint64 x2, uint64 y2, uint64 d2) internal view {
        uint256 reference_ = (uint256(x1) * y1 * d2 + uint256(x2) * y2 * d1) / (uint256(d1) * d2);
        assert(this.floorOfSum(x1, y1, d1, x2, y2, d2) == reference_);
    }

    function _remaindersCarryExact(uint64 r1, uint64 d1, uint64 r2, uint64 d2) internal pure {
        bool direct = uint256(r1) * d2 + uint256(r2) * d1 >= uint256(d1) * d2;
        assert(EarningsMath.remaindersCarry(r1, d1, r2, d2) == direct);
    }

    /// @dev A factor increase never reverts; a shared credit keeps the factor at most MAX_FACTOR; an unshared one
    ///      (with earning stake, from a factor within the ceiling) would have passed it.
    function _factorIncreaseBounded(uint256 amount, uint256 rewardFactor, uint256 earning, uint256 current)
        internal
        view
    {
        try this.factorIncrease(amount, rewardFactor, earning, current) returns (bool fits, uint256 increase) {
            if (fits) {
                assert(earning > 0 && current <= MAX_FACTOR && increase <= MAX_FACTOR - current);
                // increase * earning <= amount * rewardFactor < (increase + 1) * earning, all in 512 bits
                (uint256 pHigh, uint256 pLow) = Math.mul512(amount, rewardFactor);
                (uint256 lHigh, uint256 lLow) = Math.mul512(increase, earning);
                assert(lHigh < pHigh || (lHigh == pHigh && lLow <= pLow));
            } else {
                assert(increase == 0);
                if (earning > 0 && current <= MAX_FACTOR) {
                    // amount * rewardFactor >= (MAX_FACTOR - current + 1) * earning
                    (uint256 pHigh, uint256 pLow) = Math.mul512(amount, rewardFactor);
                    (uint256 rHigh, uint256 rLow) = Math.mul512(MAX_FACTOR - current + 1, earning);
                    assert(pHigh > rHigh || (pHigh == rHigh && pLow >= rLow));
                }
            }
        } catch {
            assert(false);
        }
    }

    /// @dev The split conserves the reward, and the delegators' part over the earning stake is at most the reward
    ///      over the stake it was minted on: the factor grows by at most the round's reward rate.
    function _rewardSplitBounded(uint256 minted, uint256 earning, uint256 commissionStake, uint256 rewardCut)
        internal
        view
    {
        try this.rewardSplit(minted, earning, commissionStake, rewardCut) returns (
            uint256 toDelegators, uint256 toCommission
        ) {
            assert(toDelegators + toCommission == minted);
            assert(toDelegators * (earning + commissionStake) <= minted * earning);
        } catch {
            assert(false);
        }
    }

    /// @dev Rounding of one credit for a delegator of stake `stake` (of `earning`) whose reference is the factor
    ///      `factor`: the contract floors the factor increase, then the delegator's value. Its gain `g` is never
    ///      above the exact share `stake * amount / earning`, and below it by less than `1 + stake / factor` wei
    ///      (under 2 wei for stakes below 1e27 wei, a billion LPT).
    function _creditRoundingBounded(uint256 stake, uint256 amount, uint256 earning, uint256 factor) internal view {
        (bool fits, uint256 increase) = this.factorIncrease(amount, factor, earning, factor);
        if (!fits) return;
        uint256 gain = Math.mulDiv(stake, factor + increase, factor) - stake;
        uint256 exact = stake * amount; // the exact share times `earning`
        assert(gain * earning <= exact);
        // (exact - gain * earning) * factor < (factor + stake) * earning, in 512 bits
        (uint256 lHigh, uint256 lLow) = Math.mul512(exact - gain * earning, factor);
        (uint256 rHigh, uint256 rLow) = Math.mul512(factor + stake, earning);
        assert(lHigh < rHigh || (lHigh == rHigh && lLow < rLow));
    }

    // ------------------------------------------------------------ forge fuzzing

    function testFuzz_floorOfSumNeverReverts(uint256 x1, uint256 y1, uint256 d1, uint256 x2, uint256 y2, uint256 d2)
        external
        view
    {
        _floorOfSumNeverReverts(
            _bound(x1, 0, STAKE_MAX),
            _bound(y1, 0, MAX_FACTOR),
            _bound(d1, PRECISION, MAX_FACTOR),
            _bound(x2, 0, STAKE_MAX),
            _bound(y2, 0, MAX_FACTOR),
            _bound(d2, PRECISION, MAX_FACTOR)
        );
    }

    function testFuzz_floorOfSumExact(uint64 x1, uint64 y1, uint64 d1, uint64 x2, uint64 y2, uint64 d2)
        external
        view
    {
        _floorOfSumExact(x1, y1, d1 == 0 ? 1 : d1, x2, y2, d2 == 0 ? 1 : d2);
    }

    function testFuzz_remaindersCarryExact(uint64 r1, uint64 d1, uint64 r2, uint64 d2) external pure {
        d1 = d1 == 0 ? 1 : d1;
        d2 = d2 == 0 ? 1 : d2;
        _remaindersCarryExact(r1 % d1, d1, r2 % d2, d2);
    }

    function testFuzz_factorIncreaseBounded(uint256 amount, uint256 rewardFactor, uint256 earning, uint256 current)
        external
        view
    {
        _factorIncreaseBounded(amount, rewardFactor, earning, current);
    }

    function testFuzz_rewardSplitBounded(uint256 minted, uint256 earning, uint256 commissionStake, uint256 rewardCut)
        external
        view
    {
        earning = _bound(earning, 0, STAKE_MAX);
        _rewardSplitBounded(
            _bound(minted, 0, STAKE_MAX),
            earning,
            _bound(commissionStake, 0, STAKE_MAX - earning),
            _bound(rewardCut, 0, 1_000_000)
        );
    }

    function testFuzz_creditRoundingBounded(uint256 stake, uint256 amount, uint256 earning, uint256 factor)
        external
        view
    {
        earning = _bound(earning, 1, STAKE_MAX);
        _creditRoundingBounded(
            _bound(stake, 0, earning), _bound(amount, 0, STAKE_MAX), earning, _bound(factor, PRECISION, MAX_FACTOR)
        );
    }

    /// @dev The extremes the fuzzer may not draw: all maxima, all minima, 1 wei over the largest factors.
    function test_extremes() external view {
        _floorOfSumNeverReverts(STAKE_MAX, MAX_FACTOR, PRECISION, STAKE_MAX, MAX_FACTOR, PRECISION);
        _floorOfSumNeverReverts(0, 0, PRECISION, 0, 0, PRECISION);
        _floorOfSumNeverReverts(1, MAX_FACTOR, MAX_FACTOR - 1, 1, MAX_FACTOR, MAX_FACTOR);
        // The old form multiplied the two denominators: both near 2^200 would overflow it.
        _floorOfSumNeverReverts(STAKE_MAX, MAX_FACTOR, 2 ** 200 + 1, STAKE_MAX, MAX_FACTOR, 2 ** 200 + 3);
        _factorIncreaseBounded(type(uint256).max, type(uint256).max, 1, 0);
        _factorIncreaseBounded(1e24, PRECISION, 1, PRECISION);
        _factorIncreaseBounded(1, MAX_FACTOR, 1, MAX_FACTOR);
        _factorIncreaseBounded(1, 1, 0, 0);
        _rewardSplitBounded(STAKE_MAX, STAKE_MAX, 0, 1_000_000);
        _rewardSplitBounded(STAKE_MAX, 1, STAKE_MAX - 1, 0);
        _rewardSplitBounded(STAKE_MAX, 0, 0, 0);
        _creditRoundingBounded(1, 1e24, 1, PRECISION);
        _creditRoundingBounded(STAKE_MAX, STAKE_MAX, STAKE_MAX, PRECISION);
        _creditRoundingBounded(STAKE_MAX - 1, 1, STAKE_MAX, PRECISION + 1);
        _creditRoundingBounded(1, STAKE_MAX, STAKE_MAX, MAX_FACTOR);
        // exact floor of the sum around a unit boundary: 1/3 + 2/3 = 1, (2^128-1)/2^128 + 1/2^128 = 1
        assert(this.floorOfSum(1, 1, 3, 2, 1, 3) == 1);
        assert(this.floorOfSum(STAKE_MAX, 1, 2 ** 128, 1, 1, 2 ** 128) == 1);
        assert(this.floorOfSum(STAKE_MAX, 1, 2 ** 128, 0, 1, 2 ** 128) == 0);
    }

    function _bound(uint256 x, uint256 low, uint256 high) private pure returns (uint256) {
        if (x >= low && x <= high) return x;
        return low + x % (high - low + 1);
    }
}
