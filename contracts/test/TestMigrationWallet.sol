// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title TestMigrationWallet
/// @notice Test-only smart-contract wallet: one owner key, arbitrary calls by the owner, ERC-1271 signatures that
///         the owner's ECDSA signature of the hash validates.
contract TestMigrationWallet is IERC1271 {
    /// @notice The key that controls the wallet.
    address public immutable owner;

    /// @notice The caller is not the owner.
    error NotOwner(address account);
    /// @notice The wallet's call reverted with `reason`.
    error CallFailed(bytes reason);

    /// @param owner_ The controlling key.
    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Calls `target` with `data` from the wallet (owner only).
    /// @param target The contract called.
    /// @param data The calldata.
    /// @return The call's return data.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) revert CallFailed(ret);
        return ret;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
