// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SortedPool
/// @notice A doubly linked list of addresses sorted by a key, highest first, of at most `capacity` members; the
///         BondingManager's active set.
/// @dev Each member has a place: a small number (1 to 65,535) naming the one slot that holds its address and the
///      places of its neighbours (zero at an end). The caller keeps each member's place, returned by `insert`, in
///      state it writes anyway (zero for a non-member), so membership costs no read of the list, and a neighbour's
///      link changes in that neighbour's non-zero slot instead of a slot written from zero. The ends, the size,
///      the capacity and the free places share one slot.
///      A place left below the highest one in use goes on a list of free places (chained through the free slots'
///      `next`; a free slot keeps its last member's address, so the next member to take it writes a non-zero slot,
///      and points `prev` at its own place, which no member's neighbour is); the highest place in use is cleared
///      instead, for the refund. So places stay at most the highest size the list ever had,
///      and each place in use holds exactly one member.
///      The list stores no keys: each member's key is read through `keyOf`, a view of the caller's own state (an
///      orchestrator's delegated stake), so a key change costs no second write. The caller keeps the order right:
///      after a member's key changes it calls `reposition` before the list is searched again. Members with equal
///      keys keep their arrival order.
library SortedPool {
    /// @notice One place: its member and the places of the members before and after it (zero at an end).
    struct Entry {
        address member;
        uint16 prev;
        uint16 next;
    }

    /// @notice The list: the places of its ends, its size and capacity, the highest place handed out and not
    ///         cleared, the first free place below it (all in one slot), and the places.
    struct Pool {
        uint16 head;
        uint16 tail;
        uint16 size;
        uint16 capacity;
        uint16 top;
        uint16 free;
        mapping(uint256 place => Entry) entries;
    }

    /// @notice The zero address cannot be a member.
    error ZeroMember();
    /// @notice The list has `capacity` members already.
    error PoolFull(uint256 capacity);
    /// @notice `place` holds no member.
    error NotInPool(uint256 place);

    /// @notice The most members a list can hold: the number of places.
    uint256 internal constant MAX_CAPACITY = type(uint16).max;

    /// @notice Sets how many members `self` may hold (the caller checks: at least its size, at most MAX_CAPACITY).
    function setCapacity(Pool storage self, uint256 capacity) internal {
        self.capacity = uint16(capacity);
    }

    /// @notice Whether `self` holds `capacity` members.
    function isFull(Pool storage self) internal view returns (bool) {
        return self.size >= self.capacity;
    }

    /// @notice The member with the highest key (zero when empty).
    function first(Pool storage self) internal view returns (address) {
        return self.entries[self.head].member;
    }

    /// @notice The member with the lowest key (zero when empty).
    function last(Pool storage self) internal view returns (address) {
        return self.entries[self.tail].member;
    }

    /// @notice The member after the one at `place`, by decreasing key (zero at the end or for place zero).
    function next(Pool storage self, uint256 place) internal view returns (address) {
        if (place == 0) return address(0);
        return self.entries[self.entries[place].next].member;
    }

    /// @notice Adds `member` (not a member yet: the caller holds no place for it) with key `key` at its place in
    ///         the order, searching up from the tail; returns the place it now holds.
    /// @param keyOf The key of a member already in the list.
    function insert(Pool storage self, address member, uint256 key, function(address) view returns (uint256) keyOf)
        internal
        returns (uint256 place)
    {
        if (member == address(0)) revert ZeroMember();
        uint256 size = self.size;
        if (size >= self.capacity) revert PoolFull(self.capacity);
        place = self.free;
        if (place != 0) {
            self.free = self.entries[place].next;
        } else {
            place = self.top + 1;
            self.top = uint16(place);
        }
        self.size = uint16(size + 1);
        _link(self, member, place, key, self.tail, 0, keyOf);
    }

    /// @notice Takes the member at `place` out of `self`.
    function remove(Pool storage self, uint256 place) internal {
        Entry memory entry = _entry(self, place);
        _unlink(self, entry.prev, entry.next);
        self.size -= 1;
        uint256 top = self.top;
        if (place == top) {
            delete self.entries[place];
            self.top = uint16(top - 1);
        } else {
            self.entries[place] = Entry(entry.member, uint16(place), self.free);
            self.free = uint16(place);
        }
    }

    /// @notice Moves the member at `place` to its place in the order after its key changed from `oldKey` to
    ///         `newKey`, searching from its old neighbours. Only the neighbour on the side the key moved to is read
    ///         while the order still holds (then nothing is written, and a place without a member, which the caller
    ///         never passes, is not detected; it reverts where the member would move).
    /// @param keyOf The key of a member already in the list.
    function reposition(
        Pool storage self,
        uint256 place,
        uint256 oldKey,
        uint256 newKey,
        function(address) view returns (uint256) keyOf
    ) internal {
        Entry storage stored = self.entries[place];
        if (newKey >= oldKey) {
            // The head's key rising is the commonest change (its reward): no other entry to read then.
            uint256 prev = stored.prev;
            if (prev == 0 || keyOf(self.entries[prev].member) >= newKey) return;
        } else {
            uint256 next_ = stored.next;
            if (next_ == 0 || keyOf(self.entries[next_].member) <= newKey) return;
        }
        Entry memory entry = _entry(self, place);
        _unlink(self, entry.prev, entry.next);
        _link(self, entry.member, place, newKey, entry.prev, entry.next, keyOf);
    }

    /// @dev The entry at `place`, which must hold a member.
    function _entry(Pool storage self, uint256 place) private view returns (Entry memory entry) {
        entry = self.entries[place];
        if (entry.member == address(0) || entry.prev == place) revert NotInPool(place);
    }

    /// @dev Joins the neighbours of an entry that leaves its place in the order.
    function _unlink(Pool storage self, uint256 prev, uint256 next_) private {
        if (prev == 0) self.head = uint16(next_);
        else self.entries[prev].next = uint16(next_);
        if (next_ == 0) self.tail = uint16(prev);
        else self.entries[next_].prev = uint16(prev);
    }

    /// @dev Links `member` (with `key`) at `place`, searching from the gap between the adjacent places `prev` and
    ///      `next_` (either zero at an end).
    function _link(
        Pool storage self,
        address member,
        uint256 place,
        uint256 key,
        uint256 prev,
        uint256 next_,
        function(address) view returns (uint256) keyOf
    ) private {
        while (prev != 0 && keyOf(self.entries[prev].member) < key) {
            next_ = prev;
            prev = self.entries[prev].prev;
        }
        while (next_ != 0 && keyOf(self.entries[next_].member) >= key) {
            prev = next_;
            next_ = self.entries[next_].next;
        }
        self.entries[place] = Entry(member, uint16(prev), uint16(next_));
        if (prev == 0) self.head = uint16(place);
        else self.entries[prev].next = uint16(place);
        if (next_ == 0) self.tail = uint16(place);
        else self.entries[next_].prev = uint16(place);
    }
}
