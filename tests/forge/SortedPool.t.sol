// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SortedPool} from "../../contracts/protocol/SortedPool.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @title SortedPoolTest
/// @notice The active set's list against a plain model: random sequences of inserts (with eviction of the tail when
///         full, as the BondingManager does), removals, key changes and capacity changes, checking after each step
///         that the list holds exactly the model's members, sorted by key with arrival order among equal keys,
///         that every member's place holds it, and that places never exceed the largest size the list had.
contract SortedPoolTest is TestBase {
    using SortedPool for SortedPool.Pool;

    uint256 private constant ACCOUNTS = 12;

    SortedPool.Pool private _pool;
    mapping(address => uint256) private _key;
    mapping(address => uint256) private _place;
    // The model: members in list order.
    address[] private _members;
    uint256 private _largestSize;

    function _keyOf(address member) private view returns (uint256) {
        return _key[member];
    }

    function _account(uint256 i) private pure returns (address) {
        return address(uint160(0x1000 + i % ACCOUNTS));
    }

    /// @notice Each byte pair of `ops` is one step: the operation and its account; `keys` supplies new keys
    ///         (few distinct values, so equal keys are common).
    function testFuzz_listFollowsModel(bytes calldata ops, uint8[] calldata keys, uint8 capacity) external {
        _pool.setCapacity(capacity % 8);
        uint256 k;
        for (uint256 i = 0; i + 1 < ops.length && i < 400; i += 2) {
            address account = _account(uint8(ops[i + 1]));
            uint256 key = keys.length == 0 ? i : uint256(keys[k++ % keys.length]) % 16;
            uint8 op = uint8(ops[i]) % 4;
            if (op == 0 && _place[account] == 0) _join(account, key);
            else if (op == 1 && _place[account] != 0) _leave(account);
            else if (op == 2 && _place[account] != 0) _rekey(account, key);
            else if (op == 3 && key % 8 >= _members.length) _pool.setCapacity(key % 8);
            _check();
        }
    }

    /// @notice Removing a free or never used place, or repositioning one, reverts.
    function test_placesWithoutMemberRefused() external {
        _pool.setCapacity(4);
        _join(_account(0), 5);
        _join(_account(1), 3);
        _join(_account(2), 1);
        uint256 freed = _place[_account(1)];
        _leave(_account(1));
        for (uint256 place = 0; place < 6; place++) {
            if (place == _place[_account(0)] || place == _place[_account(2)]) continue;
            try this.removeAt(place) {
                revert Failed("a place without member was removed");
            } catch (bytes memory reason) {
                assertTrue(bytes4(reason) == SortedPool.NotInPool.selector, "NotInPool expected");
            }
        }
        // The freed place is taken again before a new one.
        _join(_account(3), 2);
        assertEq(_place[_account(3)], freed, "a free place is reused first");
        _check();
    }

    /// @notice Entry point for the revert checks.
    function removeAt(uint256 place) external {
        _pool.remove(place);
    }

    function _join(address account, uint256 key) private {
        _key[account] = key;
        if (_pool.isFull()) {
            address tail = _pool.last();
            if (tail == address(0) || key <= _key[tail]) return;
            _leave(tail);
        }
        _place[account] = _pool.insert(account, key, _keyOf);
        // The model: after every member with a key at least as high.
        uint256 at = 0;
        while (at < _members.length && _key[_members[at]] >= key) at++;
        _members.push(account);
        for (uint256 j = _members.length - 1; j > at; j--) _members[j] = _members[j - 1];
        _members[at] = account;
        if (_members.length > _largestSize) _largestSize = _members.length;
    }

    function _leave(address account) private {
        _pool.remove(_place[account]);
        _place[account] = 0;
        _dropFromModel(account);
    }

    function _rekey(address account, uint256 key) private {
        uint256 old = _key[account];
        _key[account] = key;
        _pool.reposition(_place[account], old, key, _keyOf);
        // The model: a member keeps its place while the order holds, else it moves behind every member with a key
        // at least as high.
        uint256 at = _indexOf(account);
        bool ordered = (at == 0 || _key[_members[at - 1]] >= key)
            && (at + 1 == _members.length || _key[_members[at + 1]] <= key);
        if (ordered) return;
        _dropFromModel(account);
        uint256 to = 0;
        while (to < _members.length && _key[_members[to]] >= key) to++;
        _members.push(account);
        for (uint256 j = _members.length - 1; j > to; j--) _members[j] = _members[j - 1];
        _members[to] = account;
    }

    function _indexOf(address account) private view returns (uint256 at) {
        while (_members[at] != account) at++;
    }

    function _dropFromModel(address account) private {
        uint256 at = _indexOf(account);
        for (uint256 j = at; j + 1 < _members.length; j++) _members[j] = _members[j + 1];
        _members.pop();
    }

    function _check() private view {
        assertEq(_pool.size, _members.length, "size");
        address member = _pool.first();
        uint256 previousPlace = 0;
        for (uint256 j = 0; j < _members.length; j++) {
            assertEq(member, _members[j], "member order");
            uint256 place = _place[member];
            assertTrue(place != 0 && place <= _largestSize, "place within the largest size");
            (address at, uint16 prev,) = _entryAt(place);
            assertEq(at, member, "the place holds its member");
            assertEq(prev, previousPlace, "link back");
            previousPlace = place;
            member = _pool.next(place);
        }
        assertEq(member, address(0), "list ends");
        assertEq(_pool.last(), _members.length == 0 ? address(0) : _members[_members.length - 1], "tail");
    }

    function _entryAt(uint256 place) private view returns (address, uint16, uint16) {
        SortedPool.Entry storage entry = _pool.entries[place];
        return (entry.member, entry.prev, entry.next);
    }
}
