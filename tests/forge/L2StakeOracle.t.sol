// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {L2StakeOracle} from "../../contracts/bridge/L2StakeOracle.sol";
import {LivepeerToken} from "../../contracts/protocol/LivepeerToken.sol";
import {TestBase} from "./utils/TestBase.sol";
import {vm} from "./utils/Vm.sol";

/// @title The L2 stake oracle against wrong, stale, replayed and extreme reports
contract L2StakeOracleTest is TestBase {
    uint256 internal constant SUPPLY = 1_000_000e18;
    address internal constant REPORTER = address(0xBEEF);
    address internal constant STRANGER = address(0xBAD);

    LivepeerToken internal token;
    L2StakeOracle internal oracle;

    function setUp() public {
        vm.roll(1000);
        vm.warp(1_700_000_000);
        token = new LivepeerToken(address(this));
        token.setMinter(address(this));
        token.mint(address(this), SUPPLY);
        oracle = new L2StakeOracle(address(this), IERC20(address(token)));
        oracle.addReporter(REPORTER);
    }

    function _report(uint256 staked, uint256 l2Block, uint256 l2Timestamp) internal {
        vm.prank(REPORTER);
        oracle.report(staked, l2Block, l2Timestamp);
    }

    function test_acceptsAReportAndIsFreshUntilMaxAge() public {
        assertTrue(!oracle.isFresh(), "no report: not fresh");
        assertEq(oracle.reportAge(), type(uint256).max, "no report: infinite age");
        _report(400e18, 5000, block.timestamp - 60);
        assertEq(oracle.stakedSupply(), 400e18, "staked");
        assertEq(oracle.lastL2Block(), 5000, "block");
        assertEq(oracle.lastL2Timestamp(), block.timestamp - 60, "time");
        assertEq(oracle.reportAge(), 60, "age");
        assertTrue(oracle.isFresh(), "fresh");
        vm.warp(oracle.lastL2Timestamp() + oracle.maxReportAge());
        assertTrue(oracle.isFresh(), "exactly max age: fresh");
        vm.warp(block.timestamp + 1);
        assertTrue(!oracle.isFresh(), "older: stale");
    }

    function test_refusesUnauthorisedReporters() public {
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.NotReporter.selector, STRANGER));
        oracle.report(1, 1, block.timestamp);
        oracle.removeReporter(REPORTER);
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.NotReporter.selector, REPORTER));
        oracle.report(1, 1, block.timestamp);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        oracle.addReporter(STRANGER);
        oracle.addReporter(address(this));
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.AlreadyReporter.selector, address(this)));
        oracle.addReporter(address(this));
    }

    function test_refusesReplayedAndOutOfOrderReports() public {
        _report(100e18, 5000, block.timestamp);
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.ReportNotNewer.selector, 5000, 5000));
        oracle.report(100e18, 5000, block.timestamp);
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.ReportNotNewer.selector, 4999, 5000));
        oracle.report(200e18, 4999, block.timestamp);
        assertEq(oracle.stakedSupply(), 100e18, "the accepted report stands");
    }

    function test_refusesStaleAndFutureReports() public {
        uint256 maxAge = oracle.maxReportAge();
        uint256 old = block.timestamp - maxAge - 1;
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.StaleReport.selector, old, maxAge + 1, maxAge));
        oracle.report(1, 1, old);
        vm.prank(REPORTER);
        vm.expectRevert(
            abi.encodeWithSelector(L2StakeOracle.ReportFromFuture.selector, block.timestamp + 1, block.timestamp)
        );
        oracle.report(1, 1, block.timestamp + 1);
        _report(1, 1, block.timestamp - maxAge);
    }

    function test_extremeValues() public {
        _report(0, 1, block.timestamp);
        assertEq(oracle.stakedSupply(), 0, "zero staked");
        _report(1, 2, block.timestamp);
        assertEq(oracle.stakedSupply(), 1, "one wei");
        _report(SUPPLY, 3, block.timestamp);
        assertEq(oracle.stakedSupply(), SUPPLY, "the whole supply");
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.StakedSupplyTooHigh.selector, SUPPLY + 1, SUPPLY));
        oracle.report(SUPPLY + 1, 4, block.timestamp);
        uint256 max = type(uint256).max;
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.StakedSupplyTooHigh.selector, max, SUPPLY));
        oracle.report(max, 4, block.timestamp);
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.ReportNotNewer.selector, 0, 3));
        oracle.report(1, 0, block.timestamp);
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.ReportFromFuture.selector, max, block.timestamp));
        oracle.report(1, max, max);
    }

    function test_aFarFutureBlockIsUndoneByTheGovernor() public {
        uint256 max = type(uint256).max;
        _report(1e18, max, block.timestamp);
        vm.prank(REPORTER);
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.ReportNotNewer.selector, 5000, max));
        oracle.report(1e18, 5000, block.timestamp);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        oracle.clearReport();
        oracle.clearReport();
        assertTrue(!oracle.isFresh(), "nothing fresh until the next report");
        assertEq(oracle.stakedSupply(), 0, "forgotten");
        _report(2e18, 5000, block.timestamp);
        assertEq(oracle.stakedSupply(), 2e18, "honest readings accepted again");
    }

    function test_maxReportAgeBounds() public {
        uint256 low = oracle.MIN_MAX_REPORT_AGE() - 1;
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.InvalidMaxReportAge.selector, low));
        oracle.setMaxReportAge(low);
        uint256 high = oracle.MAX_MAX_REPORT_AGE() + 1;
        vm.expectRevert(abi.encodeWithSelector(L2StakeOracle.InvalidMaxReportAge.selector, high));
        oracle.setMaxReportAge(high);
        oracle.setMaxReportAge(2 hours);
        assertEq(oracle.maxReportAge(), 2 hours, "set");
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, STRANGER));
        oracle.setMaxReportAge(3 hours);
    }
}
