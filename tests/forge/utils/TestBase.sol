// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm, vm} from "./Vm.sol";

/// @title Assertions and input shaping shared by the forge tests
/// @notice A failed assertion reverts with a message that names both values, which forge prints with the
///         counterexample. Tests and invariants use these instead of forge-std's.
abstract contract TestBase {
    /// @notice An assertion failed: `message`, with the two values compared.
    error AssertionFailed(string message, uint256 left, uint256 right);
    /// @notice An address assertion failed: `message`, with the two addresses compared.
    error AddressAssertionFailed(string message, address left, address right);
    /// @notice A boolean assertion failed: `message`.
    error Failed(string message);

    /// @dev Forge treats a test contract with `IS_TEST` as a test suite.
    bool public constant IS_TEST = true;

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert Failed(message);
    }

    function assertEq(uint256 left, uint256 right, string memory message) internal pure {
        if (left != right) revert AssertionFailed(message, left, right);
    }

    function assertEq(address left, address right, string memory message) internal pure {
        if (left != right) revert AddressAssertionFailed(message, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory message) internal pure {
        if (left > right) revert AssertionFailed(message, left, right);
    }

    function assertGe(uint256 left, uint256 right, string memory message) internal pure {
        if (left < right) revert AssertionFailed(message, left, right);
    }

    /// @dev |left - right| <= tolerance.
    function assertApproxEq(uint256 left, uint256 right, uint256 tolerance, string memory message) internal pure {
        uint256 diff = left > right ? left - right : right - left;
        if (diff > tolerance) revert AssertionFailed(message, left, right);
    }
}

/// @dev `x` mapped into [lo, hi] (inclusive) without discarding runs, as forge-std's `bound` does.
function bound(uint256 x, uint256 lo, uint256 hi) pure returns (uint256) {
    if (hi <= lo) return lo;
    uint256 span = hi - lo;
    if (span == type(uint256).max) return x;
    return lo + (x % (span + 1));
}
