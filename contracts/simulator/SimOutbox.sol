// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBridge} from "../arbitrum/IBridge.sol";
import {IOutbox} from "../arbitrum/IOutbox.sol";

/// @title Local Arbitrum Outbox
/// @notice Executes L2 -> L1 messages with the Nitro Outbox's interface, proof checks and
///         execution context. Send roots are asserted by an operator (standing in for the rollup's
///         validators) and become known to `roots` only `confirmPeriodBlocks` L1 blocks later.
contract SimOutbox is IOutbox {
    struct Assertion {
        bytes32 l2BlockHash;
        uint64 size;
        uint64 confirmableAtBlock;
    }

    struct Context {
        address l2Sender;
        uint256 l2Block;
        uint256 l1Block;
        uint256 timestamp;
        bytes32 outputId;
    }

    /// @notice The bridge that performs the L1 calls.
    IBridge public immutable bridge;
    /// @notice Who may assert send roots.
    address public immutable operator;
    /// @notice L1 blocks between the assertion of a send root and its confirmation.
    uint256 public immutable confirmPeriodBlocks;

    mapping(bytes32 sendRoot => Assertion) private _assertions;
    mapping(uint256 index => bool) private _spent;
    Context private _context;

    /// @notice `sendRoot` over the first `size` L2 -> L1 messages was asserted.
    event SendRootAsserted(
        bytes32 indexed sendRoot, bytes32 indexed l2BlockHash, uint256 size, uint256 confirmableAtBlock
    );

    /// @notice Only the operator may assert send roots.
    error NotOperator(address sender);
    /// @notice The root was asserted before.
    error RootAlreadyAsserted(bytes32 sendRoot);
    /// @notice An asserted root needs a non-zero L2 block hash.
    error ZeroBlockHash();

    /// @param bridge_ the bridge
    /// @param operator_ who asserts send roots
    /// @param confirmPeriodBlocks_ challenge period in L1 blocks
    constructor(IBridge bridge_, address operator_, uint256 confirmPeriodBlocks_) {
        bridge = bridge_;
        operator = operator_;
        confirmPeriodBlocks = confirmPeriodBlocks_;
    }

    /// @notice Assert the Merkle root over the first `size` L2 -> L1 messages.
    /// @param sendRoot the root
    /// @param l2BlockHash hash of the L2 block that holds the last message
    /// @param size number of messages the root covers
    function assertSendRoot(bytes32 sendRoot, bytes32 l2BlockHash, uint64 size) external {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        if (l2BlockHash == bytes32(0)) revert ZeroBlockHash();
        if (_assertions[sendRoot].confirmableAtBlock != 0) revert RootAlreadyAsserted(sendRoot);
        uint64 confirmableAtBlock = uint64(block.number + confirmPeriodBlocks);
        _assertions[sendRoot] = Assertion(l2BlockHash, size, confirmableAtBlock);
        emit SendRootAsserted(sendRoot, l2BlockHash, size, confirmableAtBlock);
    }

    /// @notice The assertion of `sendRoot`: block hash, size, and the L1 block from which it
    ///         is confirmed (all zero when never asserted).
    /// @param sendRoot the root
    /// @return l2BlockHash the asserted L2 block hash
    /// @return size number of messages covered
    /// @return confirmableAtBlock first L1 block at which the root is confirmed
    function assertionOf(bytes32 sendRoot)
        external
        view
        returns (bytes32 l2BlockHash, uint64 size, uint64 confirmableAtBlock)
    {
        Assertion storage assertion = _assertions[sendRoot];
        return (assertion.l2BlockHash, assertion.size, assertion.confirmableAtBlock);
    }

    /// @inheritdoc IOutbox
    function roots(bytes32 sendRoot) public view returns (bytes32) {
        Assertion storage assertion = _assertions[sendRoot];
        if (assertion.confirmableAtBlock == 0 || block.number < assertion.confirmableAtBlock) return bytes32(0);
        return assertion.l2BlockHash;
    }

    /// @inheritdoc IOutbox
    function isSpent(uint256 index) external view returns (bool) {
        return _spent[index];
    }

    /// @inheritdoc IOutbox
    function l2ToL1Sender() external view returns (address) {
        return _context.l2Sender;
    }

    /// @inheritdoc IOutbox
    function l2ToL1Block() external view returns (uint256) {
        return _context.l2Block;
    }

    /// @inheritdoc IOutbox
    function l2ToL1EthBlock() external view returns (uint256) {
        return _context.l1Block;
    }

    /// @inheritdoc IOutbox
    function l2ToL1Timestamp() external view returns (uint256) {
        return _context.timestamp;
    }

    /// @inheritdoc IOutbox
    function l2ToL1OutputId() external view returns (bytes32) {
        return _context.outputId;
    }

    /// @inheritdoc IOutbox
    function executeTransaction(
        bytes32[] calldata proof,
        uint256 index,
        address l2Sender,
        address to,
        uint256 l2Block,
        uint256 l1Block,
        uint256 l2Timestamp,
        uint256 value,
        bytes calldata data
    ) external {
        bytes32 item = calculateItemHash(l2Sender, to, l2Block, l1Block, l2Timestamp, value, data);
        if (proof.length >= 256) revert ProofTooLong(proof.length);
        if (index >= 1 << proof.length) revert PathNotMinimal(index, 1 << proof.length);
        bytes32 root = calculateMerkleRoot(proof, index, item);
        if (roots(root) == bytes32(0)) revert UnknownRoot(root);
        if (_spent[index]) revert AlreadySpent(index);
        _spent[index] = true;

        emit OutBoxTransactionExecuted(to, l2Sender, 0, index);
        Context memory previous = _context;
        _context = Context(l2Sender, l2Block, l1Block, l2Timestamp, bytes32(index));
        (bool success, bytes memory returnData) = bridge.executeCall(to, value, data);
        _context = previous;
        if (!success) {
            if (returnData.length == 0) revert BridgeCallFailed();
            assembly ("memory-safe") {
                revert(add(returnData, 32), mload(returnData))
            }
        }
    }

    /// @inheritdoc IOutbox
    function calculateItemHash(
        address l2Sender,
        address to,
        uint256 l2Block,
        uint256 l1Block,
        uint256 l2Timestamp,
        uint256 value,
        bytes calldata data
    ) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(l2Sender, to, l2Block, l1Block, l2Timestamp, value, data));
    }

    /// @inheritdoc IOutbox
    function calculateMerkleRoot(bytes32[] memory proof, uint256 path, bytes32 item) public pure returns (bytes32) {
        bytes32 node = keccak256(abi.encodePacked(item));
        for (uint256 level = 0; level < proof.length; ++level) {
            node = (path >> level) & 1 == 0
                ? keccak256(abi.encodePacked(node, proof[level]))
                : keccak256(abi.encodePacked(proof[level], node));
        }
        return node;
    }
}
