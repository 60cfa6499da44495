// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title L1 -> L2 address aliasing
/// @notice On L2, a retryable's `msg.sender` is its L1 sender plus a fixed offset (uint160, wrapping).
library AddressAlias {
    uint160 internal constant OFFSET = uint160(0x1111000000000000000000000000000000001111);

    /// @notice The L2 alias of an L1 address.
    function applyL1ToL2Alias(address l1Address) internal pure returns (address l2Address) {
        unchecked {
            l2Address = address(uint160(l1Address) + OFFSET);
        }
    }

    /// @notice The L1 address behind an L2 alias.
    function undoL1ToL2Alias(address l2Address) internal pure returns (address l1Address) {
        unchecked {
            l1Address = address(uint160(l2Address) - OFFSET);
        }
    }
}
