// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SortedPool
/// @notice A doubly linked list of addresses sorted by a key, highest first; the BondingManager's active set.
/// @dev The list stores only the links: each member's key is read through `keyOf`, a view of the caller's own
///      state (an orchestrator's delegated stake), so a key change costs no second write. The caller keeps the
///      order right: after a member's key changes it calls `reposition` before the list is searched again. The
///      zero address marks both ends and is never a member. Members with equal keys keep their arrival order.
library SortedPool {
    /// @notice A member's neighbours (zero at an end).
    struct Node {
        address prev;
        address next;
    }

    /// @notice The list: links, ends and size.
    struct Pool {
        mapping(address => Node) nodes;
        address head;
        address tail;
        uint256 size;
    }

    /// @notice The zero address cannot be a member (it marks the ends).
    error ZeroMember();
    /// @notice `member` is in the list already.
    error AlreadyInPool(address member);
    /// @notice `member` is not in the list.
    error NotInPool(address member);

    /// @notice Whether `member` is in `self`.
    function contains(Pool storage self, address member) internal view returns (bool) {
        return self.head == member ? member != address(0) : self.nodes[member].prev != address(0);
    }

    /// @notice Adds `member` with key `key` at its place, searching up from the tail.
    /// @param keyOf The key of a member already in the list.
    function insert(Pool storage self, address member, uint256 key, function(address) view returns (uint256) keyOf)
        internal
    {
        if (member == address(0)) revert ZeroMember();
        if (contains(self, member)) revert AlreadyInPool(member);
        _link(self, member, key, self.tail, address(0), keyOf);
        self.size += 1;
    }

    /// @notice Takes `member` out of `self`.
    function remove(Pool storage self, address member) internal {
        Node memory node = self.nodes[member];
        if (node.prev == address(0) && (member == address(0) || self.head != member)) revert NotInPool(member);
        _unlink(self, node);
        delete self.nodes[member];
        self.size -= 1;
    }

    /// @notice Moves `member` to its place after its key changed from `oldKey` to `newKey`, searching from its old
    ///         neighbours. Only the neighbour on the side the key moved to is read while the order still holds.
    /// @param keyOf The key of a member already in the list.
    function reposition(
        Pool storage self,
        address member,
        uint256 oldKey,
        uint256 newKey,
        function(address) view returns (uint256) keyOf
    ) internal {
        // The head's key rising is the commonest change (its reward): no link to read then.
        if (newKey >= oldKey && member != address(0) && self.head == member) return;
        Node storage node = self.nodes[member];
        address prev = node.prev;
        if (prev == address(0) && (member == address(0) || self.head != member)) revert NotInPool(member);
        if (newKey >= oldKey) {
            if (prev == address(0) || keyOf(prev) >= newKey) return;
        } else {
            address next_ = node.next;
            if (next_ == address(0) || keyOf(next_) <= newKey) return;
        }
        Node memory old = node;
        _unlink(self, old);
        _link(self, member, newKey, old.prev, old.next, keyOf);
    }

    /// @notice The member after `member`, by decreasing key (zero at the end or for a non-member).
    function next(Pool storage self, address member) internal view returns (address) {
        return self.nodes[member].next;
    }

    /// @dev Joins the neighbours of a node that leaves its place.
    function _unlink(Pool storage self, Node memory node) private {
        if (node.prev == address(0)) self.head = node.next;
        else self.nodes[node.prev].next = node.next;
        if (node.next == address(0)) self.tail = node.prev;
        else self.nodes[node.next].prev = node.prev;
    }

    /// @dev Links `member` (with `key`) into the list, searching from the gap between the adjacent `prev` and
    ///      `next` (either zero at an end).
    function _link(
        Pool storage self,
        address member,
        uint256 key,
        address prev,
        address next_,
        function(address) view returns (uint256) keyOf
    ) private {
        while (prev != address(0) && keyOf(prev) < key) {
            next_ = prev;
            prev = self.nodes[prev].prev;
        }
        while (next_ != address(0) && keyOf(next_) >= key) {
            prev = next_;
            next_ = self.nodes[next_].next;
        }
        self.nodes[member] = Node(prev, next_);
        if (prev == address(0)) self.head = member;
        else self.nodes[prev].next = member;
        if (next_ == address(0)) self.tail = member;
        else self.nodes[next_].prev = member;
    }
}
