// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The few Foundry cheatcodes the in-process tests use
/// @notice forge-std is not a dependency of this project: this interface declares only what the tests call. The
///         signatures are Foundry's (forge 1.7.1); forge serves them at `VM_ADDRESS`.
interface Vm {
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function deal(address account, uint256 newBalance) external;
    function etch(address target, bytes calldata code) external;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function assume(bool condition) external;
    function label(address account, string calldata name) external;
    function snapshotState() external returns (uint256 snapshotId);
    function revertToState(uint256 snapshotId) external returns (bool success);
    function revertToStateAndDelete(uint256 snapshotId) external returns (bool success);
    function addr(uint256 privateKey) external pure returns (address);
}

/// @dev Where forge serves the cheatcodes.
address constant VM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));

/// @dev The cheatcodes, for every test and helper contract.
Vm constant vm = Vm(VM_ADDRESS);
