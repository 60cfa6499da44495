// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressAlias} from "../../../contracts/arbitrum/AddressAlias.sol";
import {MigrationCodec} from "../../../contracts/bridge/MigrationCodec.sol";

/// @title Symbolic checks (halmos) of the bridge's encodings
/// @notice `make audit` runs halmos over every `check_*` function under tests/forge; forge skips them (it runs
///         `test*` and `invariant*` only). Each check holds for ALL inputs, not sampled ones.
contract BridgeEncodingChecks {
    /// @notice Undoing the alias gives the L1 address back, for every address (the offset wraps mod 2^160).
    function check_aliasRoundTrip(address l1) public pure {
        assert(AddressAlias.undoL1ToL2Alias(AddressAlias.applyL1ToL2Alias(l1)) == l1);
        assert(AddressAlias.applyL1ToL2Alias(AddressAlias.undoL1ToL2Alias(l1)) == l1);
    }

    /// @notice Aliasing is injective: two L1 senders never share an L2 alias (so no L1 contract can pose as the
    ///         gateway or the supply reporter on L2).
    function check_aliasInjective(address a, address b) public pure {
        if (a != b) assert(AddressAlias.applyL1ToL2Alias(a) != AddressAlias.applyL1ToL2Alias(b));
    }

    /// @notice A migration record decodes to exactly what was encoded (what the L2Migrator stakes is what the
    ///         L1Migrator took), for every field value.
    function check_codecRoundTrip(
        uint256 id,
        uint8 kind,
        address l1Delegator,
        address l2Delegator,
        address l2Orchestrator,
        uint256 amount,
        uint256 rewardCut,
        uint256 feeShare,
        uint256 deadline
    ) public view {
        if (kind > uint8(MigrationCodec.Kind.UnbondingLocks)) return;
        MigrationCodec.Migration memory m = MigrationCodec.Migration(
            id, MigrationCodec.Kind(kind), l1Delegator, l2Delegator, l2Orchestrator, amount, rewardCut, feeShare,
            deadline
        );
        MigrationCodec.Migration memory back = this.decode(MigrationCodec.encode(m));
        assert(back.id == id && uint8(back.kind) == kind && back.amount == amount);
        assert(back.l1Delegator == l1Delegator && back.l2Delegator == l2Delegator);
        assert(back.l2Orchestrator == l2Orchestrator && back.rewardCut == rewardCut && back.feeShare == feeShare);
        assert(back.deadline == deadline);
    }

    /// @dev The codec decodes calldata: an external self-call puts the encoding there.
    function decode(bytes calldata data) external pure returns (MigrationCodec.Migration memory) {
        return MigrationCodec.decode(data);
    }
}
