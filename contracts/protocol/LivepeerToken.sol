// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {ILivepeerToken} from "./interfaces/ILivepeerToken.sol";

/// @title LivepeerToken
/// @notice LPT: an ERC-20 with EIP-2612 permits. Only the Minter mints; any holder burns its own tokens
///         (`burnFrom` needs an allowance). The owner (governor) chooses the Minter.
contract LivepeerToken is ERC20, ERC20Burnable, ERC20Permit, Ownable2Step, ILivepeerToken {
    /// @notice The only address allowed to mint.
    address public minter;

    /// @notice The minter changed from `previousMinter` to `newMinter`.
    event MinterSet(address indexed previousMinter, address indexed newMinter);

    /// @notice `account` is not the minter.
    error NotMinter(address account);
    /// @notice The zero address cannot be the minter.
    error ZeroMinter();

    /// @param owner_ The governor allowed to set the minter.
    constructor(address owner_) ERC20("Livepeer Token", "LPT") ERC20Permit("Livepeer Token") Ownable(owner_) {}

    /// @notice Makes `newMinter` the only address allowed to mint (governor only).
    /// @param newMinter The Minter contract.
    function setMinter(address newMinter) external onlyOwner {
        if (newMinter == address(0)) revert ZeroMinter();
        emit MinterSet(minter, newMinter);
        minter = newMinter;
    }

    /// @notice Mints `amount` tokens to `to` (minter only).
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in wei.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        _mint(to, amount);
    }

    /// @notice Burns `amount` of the caller's own tokens.
    /// @param amount Amount in wei.
    function burn(uint256 amount) public override(ERC20Burnable, ILivepeerToken) {
        super.burn(amount);
    }
}
