// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Arbitrum Outbox (the subset this project uses)
/// @notice Executes L2 -> L1 messages proven against a confirmed send root.
interface IOutbox {
    /// @notice An L2 -> L1 message was executed.
    event OutBoxTransactionExecuted(
        address indexed to, address indexed l2Sender, uint256 indexed zero, uint256 transactionIndex
    );

    /// @notice The message at `index` was already executed.
    error AlreadySpent(uint256 index);
    /// @notice The proof leads to a root that is not (yet) confirmed.
    error UnknownRoot(bytes32 root);
    /// @notice The proof has 256 or more nodes.
    error ProofTooLong(uint256 proofLength);
    /// @notice `index` needs more bits than the proof has nodes.
    error PathNotMinimal(uint256 index, uint256 maxIndex);
    /// @notice The L1 call reverted without data.
    error BridgeCallFailed();

    /// @notice Execute an L2 -> L1 message: prove it, mark it spent, call `to` through the bridge.
    /// @param proof Merkle proof of the message, leaf to root
    /// @param index position of the message among all L2 -> L1 messages
    /// @param l2Sender L2 contract that sent it
    /// @param to L1 destination
    /// @param l2Block L2 block number of the send
    /// @param l1Block L1 block number seen by L2 at the send
    /// @param l2Timestamp L2 timestamp of the send
    /// @param value ETH paid from the bridge to `to`
    /// @param data calldata
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
    ) external;

    /// @notice L2 sender of the message being executed; address(0) outside an execution.
    /// @return the L2 sender
    function l2ToL1Sender() external view returns (address);

    /// @notice L2 block of the message being executed; 0 outside an execution.
    /// @return the L2 block number
    function l2ToL1Block() external view returns (uint256);

    /// @notice L1 block number recorded with the message being executed; 0 outside an execution.
    /// @return the L1 block number
    function l2ToL1EthBlock() external view returns (uint256);

    /// @notice L2 timestamp of the message being executed; 0 outside an execution.
    /// @return the timestamp
    function l2ToL1Timestamp() external view returns (uint256);

    /// @notice Index of the message being executed, as bytes32; 0 outside an execution.
    /// @return the output id
    function l2ToL1OutputId() external view returns (bytes32);

    /// @notice Whether the message at `index` was executed.
    /// @param index message position
    /// @return spent true once executed
    function isSpent(uint256 index) external view returns (bool);

    /// @notice L2 block hash of a confirmed send root; zero when the root is unknown.
    /// @param sendRoot Merkle root over L2 -> L1 messages
    /// @return the L2 block hash
    function roots(bytes32 sendRoot) external view returns (bytes32);

    /// @notice Hash of one L2 -> L1 message (the `hash` of ArbSys's L2ToL1Tx event).
    /// @param l2Sender L2 sender
    /// @param to L1 destination
    /// @param l2Block L2 block number
    /// @param l1Block L1 block number
    /// @param l2Timestamp L2 timestamp
    /// @param value ETH value
    /// @param data calldata
    /// @return the item hash
    function calculateItemHash(
        address l2Sender,
        address to,
        uint256 l2Block,
        uint256 l1Block,
        uint256 l2Timestamp,
        uint256 value,
        bytes calldata data
    ) external pure returns (bytes32);

    /// @notice Root reached from `item` (hashed once more as a leaf) along `proof` and `path`.
    /// @param proof sibling nodes, leaf to root
    /// @param path leaf position; bit i set means the node is the right child at level i
    /// @param item the item hash
    /// @return the Merkle root
    function calculateMerkleRoot(bytes32[] memory proof, uint256 path, bytes32 item)
        external
        pure
        returns (bytes32);
}
