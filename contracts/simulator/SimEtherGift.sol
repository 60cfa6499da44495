// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title One-shot ETH transfer that runs no code at the recipient
/// @notice ArbOS credits refunds and call values by a balance change that cannot fail. Created
///         and destroyed in one transaction, this contract does the same on an EVM chain
///         (EIP-6780 keeps SELFDESTRUCT's transfer-and-delete for same-transaction contracts;
///         the compiler's deprecation warning is expected here, local simulator only).
contract SimEtherGift {
    /// @param recipient receives the value sent with the creation
    constructor(address payable recipient) payable {
        selfdestruct(recipient);
    }
}
