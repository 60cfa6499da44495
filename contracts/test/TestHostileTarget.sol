// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title A message destination that attacks whoever delivers to it (tests only)
/// @notice What a user can point a retryable or an L2 -> L1 message at: huge revert data, huge
///         return data, endless loops, self-destruction.
contract TestHostileTarget {
    /// @notice Revert with `size` bytes of data.
    /// @param size bytes of revert data
    function revertWith(uint256 size) external pure {
        assembly ("memory-safe") {
            revert(0, size)
        }
    }

    /// @notice Succeed, returning `size` bytes (a "return bomb" for callers that copy it).
    /// @param size bytes of return data
    function returnWith(uint256 size) external pure {
        assembly ("memory-safe") {
            return(0, size)
        }
    }

    /// @notice Spend every unit of gas it is given.
    function burn() external pure {
        while (true) {}
    }

    /// @notice Accept any calldata and do nothing with it.
    /// @param data ignored
    function swallow(bytes calldata data) external payable {}

    /// @notice Accept any other call (calldata that matches no function) and do nothing.
    fallback() external payable {}

    /// @notice Self-destruct, sending the balance to `beneficiary` (EIP-6780: only the balance
    ///         moves for a contract created in an earlier transaction).
    /// @param beneficiary receives the balance
    function destroy(address payable beneficiary) external payable {
        selfdestruct(beneficiary);
    }
}
