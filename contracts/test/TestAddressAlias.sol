// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressAlias} from "../arbitrum/AddressAlias.sol";

/// @title Test harness exposing the AddressAlias library
contract TestAddressAlias {
    /// @notice AddressAlias.applyL1ToL2Alias
    /// @param l1Address an L1 address
    /// @return its L2 alias
    function applyAlias(address l1Address) external pure returns (address) {
        return AddressAlias.applyL1ToL2Alias(l1Address);
    }

    /// @notice AddressAlias.undoL1ToL2Alias
    /// @param l2Address an L2 alias
    /// @return the L1 address behind it
    function undoAlias(address l2Address) external pure returns (address) {
        return AddressAlias.undoL1ToL2Alias(l2Address);
    }
}
