// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {L1Escrow} from "../../../contracts/bridge/L1Escrow.sol";
import {L1LPTGateway} from "../../../contracts/bridge/L1LPTGateway.sol";
import {L1Migrator} from "../../../contracts/bridge/L1Migrator.sol";
import {L1SupplyReporter} from "../../../contracts/bridge/L1SupplyReporter.sol";
import {L2LPTGateway} from "../../../contracts/bridge/L2LPTGateway.sol";
import {L2Migrator} from "../../../contracts/bridge/L2Migrator.sol";
import {MigrationCodec} from "../../../contracts/bridge/MigrationCodec.sol";
import {BondingManager} from "../../../contracts/l1/BondingManager.sol";
import {L2BondingManager} from "../../../contracts/l2/L2BondingManager.sol";
import {L2LivepeerToken} from "../../../contracts/l2/L2LivepeerToken.sol";
import {L2Minter} from "../../../contracts/l2/L2Minter.sol";
import {LivepeerToken} from "../../../contracts/protocol/LivepeerToken.sol";
import {Minter} from "../../../contracts/protocol/Minter.sol";
import {BondingManagerBase} from "../../../contracts/protocol/BondingManagerBase.sol";
import {RoundsManager} from "../../../contracts/protocol/RoundsManager.sol";
import {MockArbitrum} from "../utils/MockArbitrum.sol";
import {LivepeerSystem} from "../utils/LivepeerSystem.sol";
import {bound} from "../utils/TestBase.sol";
import {vm} from "../utils/Vm.sol";

/// @title Honest users and attackers acting on both layers
/// @notice Every public function is one fuzzed action (forge picks them through the suite's `targetSelectors`).
///         Actions never revert the run: a call the protocol refuses is simply skipped (try/catch), so the fuzzer
///         explores sequences instead of dying on the first refused call. Ghost variables record what the
///         handler itself saw move, independently of the contracts' own counters, for the invariants to compare.
///         Actors: two honest orchestrators, three honest delegators, one attacker that is also an orchestrator,
///         and sybil orchestrators the attacker spawns. Honest actors only ever act for themselves and migrate to
///         their own L2 address; the attacker migrates to anybody's L2 address, front-runs, chooses the delivery
///         order of messages, lets messages expire and reports supply out of order.
contract SystemHandler {
    LivepeerSystem public immutable sys;
    MockArbitrum public immutable arb;

    uint256 public constant N_HONEST = 5;
    uint256 public constant GENESIS_EACH = 1_000_000e18;
    uint256 public constant MAX_SYBILS = 30;

    // The deployed contracts, read once in `bootstrap`: a `vm.prank` applies to the NEXT call, so a call to
    // `sys.l1Bm()` between the prank and the action would consume it.
    LivepeerToken public l1Token;
    RoundsManager public l1Rounds;
    Minter public l1Minter;
    BondingManager public l1Bm;
    L1Escrow public escrow;
    L1LPTGateway public l1Gateway;
    L1SupplyReporter public reporter;
    L1Migrator public l1Migrator;
    L2LivepeerToken public l2Token;
    RoundsManager public l2Rounds;
    L2Minter public l2Minter;
    L2LPTGateway public l2Gateway;
    L2BondingManager public l2Bm;
    L2Migrator public l2Migrator;

    /// @notice actors[0..1] honest orchestrators, [2..4] honest delegators, [5] the attacker.
    address[6] public actors;
    address[] public sybils;
    /// @notice Fresh L1 delegators the attacker bonds and migrates to other actors' L2 addresses.
    address[] public puppets;

    // ------------------------------------------------------------- ghosts
    /// @notice What a queued retryable carries, as the handler saw it sent.
    struct SentRetryable {
        uint256 amount; // L1 LPT escrowed for it (0 for supply reports)
        address l2Delegator; // migrations only
        address l2Orchestrator; // migrations only
        bool migration;
        bool byAttacker;
    }

    mapping(uint256 id => SentRetryable) public sent;
    mapping(uint256 id => uint256) public outgoingAmount;

    uint256 public ghostInFlight12; // escrowed on L1, not yet minted on L2 (pending retryables)
    uint256 public ghostLost12; // escrowed on L1 for retryables that expired
    uint256 public ghostDelivered12; // minted on L2 by delivered retryables (amounts recorded on L1)
    uint256 public ghostMigrated12; // escrowed on L1 by migrations (their retryables go to the L2Migrator)
    uint256 public ghostDeposited12; // escrowed on L1 by deposits through the gateway
    uint256 public ghostMigrationsDelivered12; // minted on L2 by delivered migrations (by the L2Migrator)
    uint256 public ghostInFlight21; // burned on L2, not yet executed on L1
    uint256 public ghostBurned21; // burned on L2 by withdrawals
    uint256 public ghostExecuted21; // L2 -> L1 withdrawals executed on L1
    uint256 public ghostL1Rewards; // L1 LPT minted by reward() calls
    uint256 public ghostL2Rewards; // L2 LPT minted by reward() calls
    uint256 public ghostShortfall; // L1 LPT minted by the gateway when the escrow was short
    uint256 public ghostDustBound; // most LPT rounding can leave unowned in a Minter so far (per layer)

    /// @notice Per account and layer: LPT it put into staking minus LPT it took out (withdrawn or migrated away);
    ///         on L2, migrations delivered to the address count as put in. Its stake plus locks must never fall
    ///         below this, beyond rounding: nobody loses stake to anybody else.
    mapping(address => int256) public ghostNetStakedL1;
    mapping(address => int256) public ghostNetStakedL2;

    /// @notice Supply reports as sent (sequence, L1 circulating supply) by retryable id, and the newest delivered.
    mapping(uint256 id => uint256) public reportSequence;
    mapping(uint256 id => uint256) public reportSupplyOf;
    uint256 public ghostReportSequence;
    uint256 public ghostReportSupply;

    /// @notice The delegate each account chose itself on L1 / L2 (zero: none chosen, or not bonded).
    mapping(address => address) public chosenL1;
    mapping(address => address) public chosenL2;

    /// @notice Per migration retryable: its L1Migrator id and its exact encoded record (empty when the handler could
    ///         not rebuild it), and what became of it.
    mapping(uint256 retryableId => uint256) public migrationIdOf;
    mapping(uint256 retryableId => bytes) internal recordOf;
    mapping(uint256 retryableId => address) public l1DelegatorOf;
    mapping(uint256 retryableId => bool) public orchestratorMigration;
    /// @dev 0 pending, 1 delivered, 2 retryable expired (LPT lost until refunded), 3 expired on L2 (refund sent).
    mapping(uint256 retryableId => uint8) public fate;
    uint256[] public migrationRetryables;
    /// @notice Refund messages (L2 -> L1) by outgoing id: the retryable whose migration they refund.
    mapping(uint256 outgoingId => uint256) public refundOf;
    mapping(uint256 outgoingId => bool) public isRefund;
    /// @notice Migration ids refunded on L1 (their LPT back as an unbonding lock).
    mapping(uint256 migrationId => bool) public refunded;
    /// @notice Retryable id of each parked migration, in parking order (claimed ones stay listed).
    uint256[] public parkedRetryables;
    /// @notice LPT parked in the L2Migrator in total and per named L2 address (it belongs to that address).
    uint256 public ghostParked;
    mapping(address => uint256) public ghostParkedFor;
    /// @notice LPT sent back to L1 by expired migrations, not yet refunded there.
    uint256 public ghostRefundInFlight;
    /// @notice Set when someone's L2 stake or delegate changed in a transaction that was not its own.
    bool public ghostForeignL2Change;
    /// @notice Set when an address other than a parked migration's named one claimed it.
    bool public ghostForeignClaim;
    /// @notice Set when a reward() that opened an L2 round left it uninitialized, minted on figures other than the
    ///         round's own, or let the round start twice.
    bool public ghostOpeningRewardBroken;
    /// @notice L1 timestamp each supply report was sent at, by retryable id.
    mapping(uint256 id => uint256) public reportTime;

    /// @notice Calls per action, for the run's summary.
    mapping(bytes32 => uint256) public calls;

    constructor(LivepeerSystem sys_) {
        sys = sys_;
        arb = sys_.arb();
        for (uint256 i; i < 6; ++i) {
            actors[i] = address(uint160(0xA11CE000 + i));
        }
        vm.label(actors[0], "orchestrator0");
        vm.label(actors[1], "orchestrator1");
        vm.label(actors[2], "delegator0");
        vm.label(actors[3], "delegator1");
        vm.label(actors[4], "delegator2");
        vm.label(actors[5], "attacker");
    }

    /// @notice Genesis holders and amounts (for `LivepeerSystem.deploy`).
    function genesis() external view returns (address[] memory holders, uint256[] memory amounts) {
        holders = new address[](6);
        amounts = new uint256[](6);
        for (uint256 i; i < 6; ++i) {
            holders[i] = actors[i];
            amounts[i] = GENESIS_EACH;
        }
    }

    /// @notice Approvals and a starting state: three registered orchestrators, delegators bonded to two of them.
    function bootstrap() external {
        _cacheContracts();
        for (uint256 i; i < 6; ++i) _approveAll(actors[i]);
        _initRounds();
        for (uint256 i; i < 2; ++i) _registerL1(actors[i], 1000e18, 100_000, 500_000);
        _registerL1(actors[5], 1000e18, 1_000_000, 0);
        for (uint256 i = 2; i < 5; ++i) _bondL1(actors[i], 100e18 * i, actors[i % 2]);
        vm.roll(block.number + sys.ROUND_LENGTH());
        _initRounds();
    }

    // =============================================================== views for the suite

    function honest(uint256 i) external view returns (address) {
        return actors[i];
    }

    function attacker() public view returns (address) {
        return actors[5];
    }

    function sybilCount() external view returns (uint256) {
        return sybils.length;
    }

    /// @notice Every account that can hold stake or LPT (actors and sybils).
    function accounts() public view returns (address[] memory all) {
        all = new address[](6 + sybils.length + puppets.length);
        for (uint256 i; i < 6; ++i) all[i] = actors[i];
        for (uint256 i; i < sybils.length; ++i) all[6 + i] = sybils[i];
        for (uint256 i; i < puppets.length; ++i) all[6 + sybils.length + i] = puppets[i];
    }

    // =============================================================== clock

    /// @notice Roll 1 block up to 3 rounds (round boundaries, the locked last tenth of a round included).
    function advanceBlocks(uint256 blocks) external {
        calls["advanceBlocks"]++;
        vm.roll(block.number + bound(blocks, 1, 3 * sys.ROUND_LENGTH()));
    }

    /// @notice Roll to exactly the first block of the next round, or its last block, or its lock's first block.
    function advanceToBoundary(uint256 which) external {
        calls["advanceToBoundary"]++;
        uint256 rl = sys.ROUND_LENGTH();
        uint256 next = l1Rounds.currentRoundStartBlock() + rl;
        uint256 w = which % 3;
        uint256 target = w == 0 ? next : w == 1 ? next - 1 : next - rl / 10;
        if (target > block.number) vm.roll(target);
    }

    /// @notice Anyone initializes the round on each layer.
    function initializeRounds() external {
        calls["initializeRounds"]++;
        _initRounds();
    }

    // =============================================================== L1 staking

    /// @notice `actor` bonds `amount` (1 wei .. all it holds) to its orchestrator (a delegator) or itself.
    function bond(uint256 actorSeed, uint256 amount, uint256 toSeed) external {
        calls["bond"]++;
        address a = _anyActor(actorSeed);
        uint256 bal = l1Token.balanceOf(a);
        if (bal == 0) return;
        amount = _extreme(amount, bal);
        address to = _isOrchestratorRole(a) ? a : _orchestratorFor(a, toSeed);
        _bondL1(a, amount, to);
    }

    /// @notice `actor` unbonds: a random part, all of it, or all but exactly 1 wei.
    function unbond(uint256 actorSeed, uint256 amount, uint256 mode) external {
        calls["unbond"]++;
        _unbond(l1Bm, l1Rounds, chosenL1, _anyActor(actorSeed), amount, mode);
    }

    /// @notice `actor` rebonds one of its locks (to its current delegate, or from unbonded to its choice).
    function rebond(uint256 actorSeed, uint256 lockSeed, uint256 toSeed) external {
        calls["rebond"]++;
        address a = _anyActor(actorSeed);
        _rebond(l1Bm, a, lockSeed, toSeed, true);
    }

    /// @notice `actor` withdraws one of its locks.
    function withdrawStake(uint256 actorSeed, uint256 lockSeed) external {
        calls["withdrawStake"]++;
        address a = _anyActor(actorSeed);
        BondingManagerBase bm = l1Bm;
        uint256 n = bm.getDelegator(a).nextUnbondingLockId;
        if (n == 0) return;
        uint256 before = l1Token.balanceOf(a);
        vm.prank(a);
        try bm.withdrawStake(lockSeed % n) {
            ghostNetStakedL1[a] -= int256(l1Token.balanceOf(a) - before);
        } catch {}
    }

    /// @notice `actor` claims its earnings on L1 or L2.
    function claimEarnings(uint256 actorSeed, bool l2) external {
        calls["claimEarnings"]++;
        address a = _anyActor(actorSeed);
        BondingManagerBase bm = l2 ? BondingManagerBase(l2Bm) : BondingManagerBase(l1Bm);
        _noteClaim();
        vm.prank(a);
        try bm.claimEarnings() {} catch {}
    }

    /// @notice An orchestrator (honest, the attacker or a sybil) calls reward() on L1 or L2.
    function reward(uint256 orchSeed, bool l2) external {
        calls["reward"]++;
        address o = _anyOrchestrator(orchSeed);
        if (l2) {
            _rewardL2(o);
        } else {
            uint256 before = l1Token.totalSupply();
            vm.prank(o);
            try l1Bm.reward() {
                ghostL1Rewards += l1Token.totalSupply() - before;
                ghostDustBound += 10 + sybils.length;
            } catch {}
        }
    }

    /// @notice An orchestrator's reward() opens an L2 round nobody initialized (rolled to the next round's first or
    ///         last block when the current one is): the call initializes the round, then mints for it, on the round's
    ///         own mintable tokens and total active stake. Another orchestrator's reward() and an initializeRound() in
    ///         the same round never start it again (the round's inflation step, mintable tokens and total stay put).
    function rewardOpeningL2Round(uint256 orchSeed, uint256 otherSeed, bool lastBlock) external {
        calls["rewardOpeningL2Round"]++;
        RoundsManager r = l2Rounds;
        if (r.currentRoundInitialized()) {
            uint256 next = r.currentRoundStartBlock() + r.roundLength();
            vm.roll(lastBlock ? next + r.roundLength() - 1 : next);
        }
        uint256 round = r.currentRound();
        address o = _anyOrchestrator(orchSeed);
        uint256 minted = _rewardL2(o);
        if (!r.currentRoundInitialized()) return; // `o` was not active in the round: nothing opened it
        if (
            r.lastInitializedRound() != round || l2Bm.getTranscoder(o).lastRewardRound != round
                || l2Minter.currentMintedTokens() != minted
        ) ghostOpeningRewardBroken = true;
        uint256 mintable = l2Minter.currentMintableTokens();
        uint256 inflation = l2Minter.inflation();
        uint256 totalActive = l2Bm.currentRoundTotalActiveStake();
        _rewardL2(_anyOrchestrator(otherSeed));
        try r.initializeRound() {
            ghostOpeningRewardBroken = true;
        } catch {}
        if (
            l2Minter.currentMintableTokens() != mintable || l2Minter.inflation() != inflation
                || l2Bm.currentRoundTotalActiveStake() != totalActive || r.lastInitializedRound() != round
        ) ghostOpeningRewardBroken = true;
    }

    /// @notice An orchestrator sets its terms (extremes included) on L1 or L2.
    function transcoderTerms(uint256 orchSeed, uint256 rewardCut, uint256 feeShare, bool l2) external {
        calls["transcoderTerms"]++;
        address o = _anyOrchestrator(orchSeed);
        rewardCut = _extreme(rewardCut, 1_000_000);
        feeShare = _extreme(feeShare, 1_000_000);
        BondingManagerBase bm = l2 ? BondingManagerBase(l2Bm) : BondingManagerBase(l1Bm);
        vm.prank(o);
        try bm.transcoder(rewardCut, feeShare) {}
        catch {}
    }

    /// @notice The attacker registers a batch of sybil orchestrators with 1 wei .. a little stake each, to grow
    ///         the sorted active set on L1 or L2 (gas griefing of every stake-moving call).
    function spawnSybils(uint256 count, uint256 stakeSeed, bool l2) external {
        calls["spawnSybils"]++;
        count = bound(count, 1, 10);
        for (uint256 i; i < count && sybils.length < MAX_SYBILS; ++i) {
            address s = address(uint160(0x5B1100000 + sybils.length));
            sybils.push(s);
            uint256 stake = bound(stakeSeed >> i, 1, 10e18);
            if (l2) {
                _takeL1FromAttacker(s, stake);
                _bridgeInNow(s, stake);
                vm.prank(s);
                l2Token.approve(address(l2Bm), type(uint256).max);
                _bondL2(s, stake, s);
            } else {
                _takeL1FromAttacker(s, stake);
                _approveAll(s);
                _registerL1(s, stake, 0, 1_000_000);
            }
        }
    }

    // =============================================================== migration

    /// @notice An honest actor migrates its L1 stake to its own L2 address (a delegator names an orchestrator).
    function migrate(uint256 actorSeed, uint256 orchSeed) external {
        calls["migrate"]++;
        address a = actors[actorSeed % N_HONEST];
        // a registered orchestrator (or an orchestrator-role actor) migrates to itself; a delegator names one
        address orch = l1Bm.isRegisteredTranscoder(a) || _isOrchestratorRole(a) ? a : actors[orchSeed % 2];
        _migrate(a, a, orch, false);
    }

    /// @notice The attacker migrates its stake to ANOTHER actor's L2 address (orchestrator or delegator), naming
    ///         itself as the orchestrator: it tries to seed or steer a victim's L2 delegation before the victim's
    ///         own migration lands (front-running it when the attacker also picks the delivery order).
    function attackerMigrateToOther(uint256 victimSeed, uint256 bondAmount) external {
        calls["attackerMigrateToOther"]++;
        address att = attacker();
        address victim = actors[victimSeed % N_HONEST];
        // the attacker's migrating account is a fresh delegator it controls (an orchestrator must migrate to itself)
        address puppet = address(uint160(0xBAD00000 + puppets.length));
        puppets.push(puppet);
        uint256 amount = _extreme(bondAmount, 10e18);
        _takeL1FromAttacker(puppet, amount);
        _approveAll(puppet);
        if (!_bondL1(puppet, amount, att)) return;
        _migrate(puppet, victim, att, true);
    }

    /// @notice An honest actor migrates one of its unbonding locks to its own L2 address.
    function migrateUnbondingLocks(uint256 actorSeed, uint256 lockSeed, uint256 orchSeed) external {
        calls["migrateUnbondingLocks"]++;
        address a = actors[actorSeed % N_HONEST];
        BondingManagerBase bm = l1Bm;
        uint256 n = bm.getDelegator(a).nextUnbondingLockId;
        if (n == 0) return;
        uint256[] memory ids = new uint256[](1);
        ids[0] = lockSeed % n;
        (uint256 amount,) = bm.getDelegatorUnbondingLock(a, ids[0]);
        if (amount == 0) return;
        address orch = actors[orchSeed % 2];
        uint256 count = arb.retryableCount();
        uint256 escrowed = l1Token.balanceOf(address(escrow));
        vm.prank(a);
        try l1Migrator.migrateUnbondingLocks(ids, a, orch, 0, 0, 0) {
            _recordRetryable(count, escrowed, a, orch, true, false);
            ghostNetStakedL1[a] -= int256(sent[count].amount);
            MigrationCodec.Migration memory m = MigrationCodec.Migration(
                l1Migrator.migrationCount(), MigrationCodec.Kind.UnbondingLocks, a, a, orch, sent[count].amount, 0, 0,
                block.timestamp + l1Migrator.MIGRATION_LIFETIME()
            );
            _noteMigration(count, m, a);
        } catch {}
    }

    // =============================================================== L2 staking and bridging

    /// @notice `actor` bonds liquid L2 LPT on L2 (to its chosen orchestrator, or itself).
    function bondL2(uint256 actorSeed, uint256 amount, uint256 toSeed) external {
        calls["bondL2"]++;
        address a = _anyActor(actorSeed);
        uint256 bal = l2Token.balanceOf(a);
        if (bal == 0) return;
        address current = l2Bm.getDelegator(a).delegateAddress;
        address to = current != address(0) ? current : _isOrchestratorRole(a) ? a : _orchestratorFor(a, toSeed);
        _bondL2(a, _extreme(amount, bal), to);
    }

    /// @notice `actor` unbonds on L2 (random, all, all but 1 wei).
    function unbondL2(uint256 actorSeed, uint256 amount, uint256 mode) external {
        calls["unbondL2"]++;
        _unbond(l2Bm, l2Rounds, chosenL2, _anyActor(actorSeed), amount, mode);
    }

    /// @notice `actor` rebonds an L2 lock.
    function rebondL2(uint256 actorSeed, uint256 lockSeed, uint256 toSeed) external {
        calls["rebondL2"]++;
        _rebond(l2Bm, _anyActor(actorSeed), lockSeed, toSeed, false);
    }

    /// @notice `actor` withdraws an L2 lock.
    function withdrawStakeL2(uint256 actorSeed, uint256 lockSeed) external {
        calls["withdrawStakeL2"]++;
        address a = _anyActor(actorSeed);
        BondingManagerBase bm = l2Bm;
        uint256 n = bm.getDelegator(a).nextUnbondingLockId;
        if (n == 0) return;
        uint256 before = l2Token.balanceOf(a);
        vm.prank(a);
        try bm.withdrawStake(lockSeed % n) {
            ghostNetStakedL2[a] -= int256(l2Token.balanceOf(a) - before);
        } catch {}
    }

    /// @notice `actor` deposits L1 LPT into the bridge (a retryable is queued).
    function bridgeIn(uint256 actorSeed, uint256 amount) external {
        calls["bridgeIn"]++;
        address a = _anyActor(actorSeed);
        uint256 bal = l1Token.balanceOf(a);
        if (bal == 0) return;
        amount = _extreme(amount, bal);
        uint256 count = arb.retryableCount();
        uint256 escrowed = l1Token.balanceOf(address(escrow));
        vm.prank(a);
        try l1Gateway.outboundTransfer(address(l1Token), a, amount, 0, 0, abi.encode(uint256(0), bytes("")))
        {
            _recordRetryable(count, escrowed, address(0), address(0), false, a == attacker());
        } catch {}
    }

    /// @notice `actor` withdraws liquid L2 LPT to L1 (an L2 -> L1 message is queued).
    function bridgeOut(uint256 actorSeed, uint256 amount) external {
        calls["bridgeOut"]++;
        address a = _anyActor(actorSeed);
        uint256 bal = l2Token.balanceOf(a);
        if (bal == 0) return;
        amount = _extreme(amount, bal);
        uint256 count = arb.outgoingCount();
        uint256 supply = l2Token.totalSupply();
        L2LPTGateway gw = l2Gateway;
        vm.prank(a);
        try gw.outboundTransfer(address(l1Token), a, amount, bytes("")) {
            uint256 burned = supply - l2Token.totalSupply();
            ghostBurned21 += burned;
            ghostInFlight21 += burned;
            for (uint256 id = count; id < arb.outgoingCount(); ++id) outgoingAmount[id] = burned;
        } catch {}
    }

    /// @notice Anyone (the attacker) reports the L1 circulating supply; reports are delivered in any order.
    function reportSupply() external {
        calls["reportSupply"]++;
        uint256 count = arb.retryableCount();
        // the cheapest report the reporter takes (its gas floors): anyone can send one
        uint256 gas = reporter.MIN_L2_GAS();
        uint256 bid = reporter.minGasPriceBid();
        vm.deal(attacker(), gas * bid);
        vm.prank(attacker());
        try reporter.reportSupply{value: gas * bid}(0, gas, bid) {
            _recordRetryable(count, l1Token.balanceOf(address(escrow)), address(0), address(0), false, true);
            reportSequence[count] = reporter.reportCount();
            reportSupplyOf[count] = reporter.circulatingSupply();
            reportTime[count] = block.timestamp;
        } catch {}
    }

    // =============================================================== message delivery (attacker-chosen order)

    /// @notice Redeem the pending retryable nearest to `idSeed` (a failure leaves it pending).
    function deliverRetryable(uint256 idSeed) external {
        calls["deliverRetryable"]++;
        (bool found, uint256 id) = _pendingId(true, idSeed);
        if (!found) return;
        _redeem(id);
    }

    /// @notice Redeem the NEWEST pending retryable first (out of order: front-running a victim's older message).
    function deliverNewestRetryable() external {
        calls["deliverNewestRetryable"]++;
        uint256 n = arb.retryableCount();
        for (uint256 i = n; i > 0; --i) {
            if (!arb.retryable(i - 1).done) {
                _redeem(i - 1);
                return;
            }
        }
    }

    /// @notice Let the pending retryable nearest to `idSeed` expire.
    function expireRetryable(uint256 idSeed) external {
        calls["expireRetryable"]++;
        (bool found, uint256 id) = _pendingId(true, idSeed);
        if (!found) return;
        arb.expire(id);
        if (fate[id] == 3) return; // already sent back from L2: its LPT is counted as refunding
        fate[id] = 2;
        uint256 amount = sent[id].amount;
        ghostInFlight12 -= amount;
        ghostLost12 += amount;
    }

    /// @notice Execute the pending L2 -> L1 message nearest to `idSeed`.
    function executeOutgoing(uint256 idSeed) external {
        calls["executeOutgoing"]++;
        (bool found, uint256 id) = _pendingId(false, idSeed);
        if (!found) return;
        uint256 supply = l1Token.totalSupply();
        if (isRefund[id]) {
            uint256 r = refundOf[id];
            address l1Delegator = l1DelegatorOf[r];
            if (arb.execute(id)) {
                ghostShortfall += l1Token.totalSupply() - supply;
                ghostRefundInFlight -= sent[r].amount;
                refunded[migrationIdOf[r]] = true;
                // the refund is an unbonding lock of the L1 delegator: its stake again, withdrawable later
                ghostNetStakedL1[l1Delegator] += int256(sent[r].amount);
            }
            return;
        }
        if (arb.execute(id)) {
            ghostShortfall += l1Token.totalSupply() - supply;
            ghostInFlight21 -= outgoingAmount[id];
            ghostExecuted21 += outgoingAmount[id];
        }
    }

    // =============================================================== parked stake, expiry and refunds

    /// @notice The named L2 address of a parked migration claims it, choosing its delegate (any orchestrator, or
    ///         itself: an orchestrator's record then registers it with its L1 terms).
    function claimParked(uint256 idSeed, uint256 orchSeed, bool self) external {
        calls["claimParked"]++;
        (bool found, uint256 r) = _parkedRetryable(idSeed);
        if (!found) return;
        address who = sent[r].l2Delegator;
        address orch = self ? who : _anyOrchestrator(orchSeed);
        uint256 amount = sent[r].amount;
        _noteClaim();
        vm.prank(who);
        try l2Migrator.claimStake(migrationIdOf[r], orch) {
            ghostParked -= amount;
            ghostParkedFor[who] -= amount;
            ghostNetStakedL2[who] += int256(amount);
            chosenL2[who] = orch; // its own transaction: all its stake now follows its choice
        } catch {}
    }

    /// @notice The attacker tries to claim stake parked for someone else (with itself as the delegate).
    function attackerClaimOthers(uint256 idSeed) external {
        calls["attackerClaimOthers"]++;
        (bool found, uint256 r) = _parkedRetryable(idSeed);
        if (!found) return;
        address att = attacker();
        if (sent[r].l2Delegator == att) return;
        vm.prank(att);
        try l2Migrator.claimStake(migrationIdOf[r], att) {
            ghostForeignClaim = true;
        } catch {}
    }

    /// @notice Warp past a pending (or retryable-expired) migration's deadline and send it back from L2 (anyone may);
    ///         its retryable stays redeemable in the mock, so a later delivery attempt races the expiry.
    function expireMigration(uint256 idSeed, bool warp) external {
        calls["expireMigration"]++;
        uint256 n = migrationRetryables.length;
        if (n == 0) return;
        for (uint256 k; k < n; ++k) {
            uint256 r = migrationRetryables[(idSeed + k) % n];
            uint8 f = fate[r];
            if ((f != 0 && f != 2) || recordOf[r].length == 0) continue;
            uint256 deadline = abi.decode(recordOf[r], (MigrationCodec.Migration)).deadline;
            if (warp && block.timestamp <= deadline) vm.warp(deadline + 1);
            uint256 out = arb.outgoingCount();
            vm.prank(attacker());
            try l2Migrator.expire(recordOf[r], arb.delayedMessage(r)) {
                if (f == 2) ghostLost12 -= sent[r].amount;
                else ghostInFlight12 -= sent[r].amount;
                fate[r] = 3;
                ghostRefundInFlight += sent[r].amount;
                for (uint256 o = out; o < arb.outgoingCount(); ++o) {
                    isRefund[o] = true;
                    refundOf[o] = r;
                }
            } catch {}
            return;
        }
    }

    /// @notice The attacker sends back, for a migration past its deadline, a record or delayed message that is not
    ///         the one sent: its own record with the real delayed message, the real record with the delayed message
    ///         of another retryable (the attacker's own deposits and supply reports included), with its timestamp
    ///         changed, or with another message number (up to two past the last). Nothing is tracked: if the L1Migrator ever refunded one, the LPT would leave the escrow
    ///         without a ghost refund in flight, and the conservation invariant fails.
    function attackerExpireForged(uint256 idSeed, uint256 otherSeed, uint8 how) external {
        calls["attackerExpireForged"]++;
        uint256 n = migrationRetryables.length;
        if (n == 0) return;
        uint256 r = migrationRetryables[idSeed % n];
        if (recordOf[r].length == 0) return;
        bytes memory record = recordOf[r];
        MigrationCodec.DelayedMessage memory d = arb.delayedMessage(r);
        how %= 4;
        if (how == 0) {
            MigrationCodec.Migration memory m = abi.decode(record, (MigrationCodec.Migration));
            m.l1Delegator = attacker();
            record = MigrationCodec.encode(m);
        } else if (how == 1) {
            uint256 other = otherSeed % arb.retryableCount();
            if (other == r) return;
            d = arb.delayedMessage(other);
        } else if (how == 2) {
            d.timestamp += 1;
        } else {
            d.messageNum = otherSeed % (arb.retryableCount() + 2);
            if (d.messageNum == r) return;
        }
        if (block.timestamp <= abi.decode(record, (MigrationCodec.Migration)).deadline) return;
        vm.prank(attacker());
        try l2Migrator.expire(record, d) {} catch {}
    }

    /// @notice Move the clock (L1 and L2 share it here) by 1 s up to 8 days: late supply reports and past deadlines.
    function warpTime(uint256 secondsSeed) external {
        calls["warpTime"]++;
        vm.warp(block.timestamp + bound(secondsSeed, 1, 8 days));
    }

    function migrationCount() external view returns (uint256) {
        return migrationRetryables.length;
    }

    function _parkedRetryable(uint256 seed) private view returns (bool, uint256) {
        uint256 n = parkedRetryables.length;
        for (uint256 k; k < n; ++k) {
            uint256 r = parkedRetryables[(seed + k) % n];
            (,,,,, uint256 amount) = l2Migrator.parked(migrationIdOf[r]);
            if (amount > 0) return (true, r);
        }
        return (false, 0);
    }

    // =============================================================== internals

    /// @dev `o` calls reward() on L2 (initializing the round when nobody has); returns the LPT it minted.
    function _rewardL2(address o) private returns (uint256 minted) {
        uint256 before = l2Token.totalSupply();
        vm.prank(o);
        try l2Bm.reward() {
            minted = l2Token.totalSupply() - before;
            ghostL2Rewards += minted;
            ghostDustBound += 10 + sybils.length;
        } catch {}
    }

    function _cacheContracts() private {
        l1Token = sys.l1Token();
        l1Rounds = sys.l1Rounds();
        l1Minter = sys.l1Minter();
        l1Bm = sys.l1Bm();
        escrow = sys.escrow();
        l1Gateway = sys.l1Gateway();
        reporter = sys.reporter();
        l1Migrator = sys.l1Migrator();
        l2Token = sys.l2Token();
        l2Rounds = sys.l2Rounds();
        l2Minter = sys.l2Minter();
        l2Gateway = sys.l2Gateway();
        l2Bm = sys.l2Bm();
        l2Migrator = sys.l2Migrator();
    }

    function _initRounds() private {
        RoundsManager r1 = l1Rounds;
        RoundsManager r2 = l2Rounds;
        if (!r1.currentRoundInitialized()) try r1.initializeRound() {} catch {}
        if (!r2.currentRoundInitialized()) try r2.initializeRound() {} catch {}
    }

    function _approveAll(address a) private {
        vm.startPrank(a);
        l1Token.approve(address(l1Bm), type(uint256).max);
        l1Token.approve(address(l1Gateway), type(uint256).max);
        l2Token.approve(address(l2Bm), type(uint256).max);
        l2Token.approve(address(l2Gateway), type(uint256).max);
        vm.stopPrank();
    }

    function _registerL1(address o, uint256 amount, uint256 rewardCut, uint256 feeShare) private {
        if (!_bondL1(o, amount, o)) return;
        vm.prank(o);
        try l1Bm.transcoder(rewardCut, feeShare) {} catch {}
    }

    function _bondL1(address a, uint256 amount, address to) private returns (bool ok) {
        _noteClaim();
        vm.prank(a);
        try l1Bm.bond(amount, to) {
            chosenL1[a] = l1Bm.getDelegator(a).delegateAddress;
            ghostNetStakedL1[a] += int256(amount);
            ok = true;
        } catch {}
    }

    function _bondL2(address a, uint256 amount, address to) private returns (bool ok) {
        _noteClaim();
        bool wasBonded = l2Bm.getDelegator(a).bondedAmount > 0;
        vm.prank(a);
        try l2Bm.bond(amount, to) {
            ghostNetStakedL2[a] += int256(amount);
            // bonding oneself on L2 is choosing: record the choice only when it starts a delegation, so a
            // delegation that somebody else seeded is not laundered into "chosen"
            if (!wasBonded) chosenL2[a] = to;
            ok = true;
        } catch {}
    }

    function _rebond(BondingManagerBase bm, address a, uint256 lockSeed, uint256 toSeed, bool l1) private {
        uint256 n = bm.getDelegator(a).nextUnbondingLockId;
        if (n == 0) return;
        uint256 id = lockSeed % n;
        _noteClaim();
        bool bonded = bm.getDelegator(a).bondedAmount > 0;
        address to = _isOrchestratorRole(a) ? a : _orchestratorFor(a, toSeed);
        vm.prank(a);
        if (bonded) {
            try bm.rebond(id) {} catch {}
        } else {
            try bm.rebondFromUnbonded(to, id) {
                if (l1) chosenL1[a] = to;
                else chosenL2[a] = to;
            } catch {}
        }
    }

    function _migrate(address a, address l2Delegator, address orch, bool byAttacker) private {
        uint256 count = arb.retryableCount();
        uint256 escrowed = l1Token.balanceOf(address(escrow));
        bool orchestrator = l1Bm.isRegisteredTranscoder(a);
        BondingManagerBase.Transcoder memory t = l1Bm.getTranscoder(a);
        _noteClaim();
        vm.prank(a);
        try l1Migrator.migrate(l2Delegator, orch, 0, 0, 0) {
            chosenL1[a] = address(0);
            _recordRetryable(count, escrowed, l2Delegator, orch, true, byAttacker);
            ghostNetStakedL1[a] -= int256(sent[count].amount);
            MigrationCodec.Migration memory m = MigrationCodec.Migration(
                l1Migrator.migrationCount(),
                orchestrator ? MigrationCodec.Kind.Orchestrator : MigrationCodec.Kind.Delegator,
                a,
                l2Delegator,
                orchestrator ? l2Delegator : orch,
                sent[count].amount,
                orchestrator ? t.rewardCut : 0,
                orchestrator ? t.feeShare : 0,
                block.timestamp + l1Migrator.MIGRATION_LIFETIME()
            );
            _noteMigration(count, m, a);
        } catch {}
    }

    /// @dev Keep migration `m` (sent as retryable `id`) for expiry, if the handler rebuilt its record exactly.
    function _noteMigration(uint256 id, MigrationCodec.Migration memory m, address l1Delegator) private {
        bytes memory record = MigrationCodec.encode(m);
        migrationIdOf[id] = m.id;
        orchestratorMigration[id] = m.kind == MigrationCodec.Kind.Orchestrator;
        l1DelegatorOf[id] = l1Delegator;
        migrationRetryables.push(id);
        if (l1Migrator.isSentIn(record, arb.delayedMessage(id))) recordOf[id] = record;
        else calls["recordNotRebuilt"]++;
    }

    function _recordRetryable(
        uint256 countBefore,
        uint256 escrowBefore,
        address l2Delegator,
        address orch,
        bool migration,
        bool byAttacker
    ) private {
        uint256 amount = l1Token.balanceOf(address(escrow)) - escrowBefore;
        for (uint256 id = countBefore; id < arb.retryableCount(); ++id) {
            sent[id] = SentRetryable(amount, l2Delegator, orch, migration, byAttacker);
            ghostInFlight12 += amount;
            if (migration) ghostMigrated12 += amount;
            else ghostDeposited12 += amount;
            amount = 0;
        }
    }

    function _redeem(uint256 id) private {
        SentRetryable memory s = sent[id];
        bool wasBonded = s.migration && l2Bm.getDelegator(s.l2Delegator).bondedAmount > 0;
        (uint256 bondedBefore, address delegateBefore) = _l2Position(s.l2Delegator);
        _noteClaim();
        if (!arb.redeem(id)) return;
        if (fate[id] == 2) {
            ghostLost12 -= s.amount; // the mock retryable was expired: only a redeem bug gets here
        } else {
            ghostInFlight12 -= s.amount;
        }
        fate[id] = 1;
        ghostDelivered12 += s.amount;
        if (s.migration) {
            ghostMigrationsDelivered12 += s.amount;
            (,,,,, uint256 parkedAmount) = l2Migrator.parked(migrationIdOf[id]);
            if (parkedAmount > 0) {
                ghostParked += s.amount;
                ghostParkedFor[s.l2Delegator] += s.amount;
                parkedRetryables.push(id);
            } else {
                ghostNetStakedL2[s.l2Delegator] += int256(s.amount);
            }
            // a migration sent by someone else (the attacker's puppet) must not touch the named address's L2 position
            if (s.byAttacker) {
                (uint256 bondedAfter, address delegateAfter) = _l2Position(s.l2Delegator);
                if (bondedAfter != bondedBefore || delegateAfter != delegateBefore) ghostForeignL2Change = true;
            }
        }
        uint256 seq = reportSequence[id];
        // the L2 Minter takes a report only while it is at most maxReportAge old (L2 time)
        if (seq > ghostReportSequence && block.timestamp <= reportTime[id] + l2Minter.maxReportAge()) {
            ghostReportSequence = seq;
            ghostReportSupply = reportSupplyOf[id];
        }
        // an honest actor's own migration that starts its L2 delegation is its choice; an orchestrator's is itself
        if (s.migration && !s.byAttacker && !wasBonded) chosenL2[s.l2Delegator] = s.l2Orchestrator;
        // an orchestrator's own migration registers it as itself, whatever it was delegated to on L2 before
        if (s.migration && !s.byAttacker && orchestratorMigration[id] && parkedAmountOf(id) == 0) {
            chosenL2[s.l2Delegator] = s.l2Delegator;
        }
    }

    function parkedAmountOf(uint256 retryableId) public view returns (uint256 amount) {
        (,,,,, amount) = l2Migrator.parked(migrationIdOf[retryableId]);
    }

    function _l2Position(address a) private view returns (uint256 bonded, address delegate) {
        if (a == address(0)) return (0, address(0));
        BondingManagerBase.Delegator memory d = l2Bm.getDelegator(a);
        return (d.bondedAmount, d.delegateAddress);
    }

    /// @dev Bridge `amount` of `s`'s L1 LPT to its L2 address at once (a sybil's setup, not an attack step).
    function _bridgeInNow(address s, uint256 amount) private {
        _approveAll(s);
        uint256 count = arb.retryableCount();
        uint256 escrowed = l1Token.balanceOf(address(escrow));
        vm.prank(s);
        l1Gateway.outboundTransfer(address(l1Token), s, amount, 0, 0, abi.encode(uint256(0), bytes("")));
        _recordRetryable(count, escrowed, address(0), address(0), false, true);
        _redeem(count);
    }

    function _takeL1FromAttacker(address to, uint256 amount) private {
        vm.prank(attacker());
        l1Token.transfer(to, amount);
    }

    function _pendingId(bool retryables, uint256 seed) private view returns (bool, uint256) {
        uint256 n = retryables ? arb.retryableCount() : arb.outgoingCount();
        if (n == 0) return (false, 0);
        uint256 start = seed % n;
        for (uint256 k; k < n; ++k) {
            uint256 id = (start + k) % n;
            bool done = retryables ? arb.retryable(id).done : arb.outgoingMessage(id).done;
            if (!done) return (true, id);
        }
        return (false, 0);
    }

    /// @dev `a` unbonds on `bm`: a random part (mode 0), all of it (1), or all but exactly 1 wei (2); unbonding
    ///      everything clears the delegate it chose (`chosen`).
    function _unbond(
        BondingManagerBase bm,
        RoundsManager rounds,
        mapping(address => address) storage chosen,
        address a,
        uint256 amount,
        uint256 mode
    ) private {
        uint256 stake = _pendingStake(bm, rounds, a);
        if (stake == 0) return;
        uint256 m = mode % 3;
        amount = m == 0 ? bound(amount, 1, stake) : m == 1 ? stake : (stake > 1 ? stake - 1 : stake);
        _noteClaim();
        vm.prank(a);
        try bm.unbond(amount) {
            if (amount == stake) chosen[a] = address(0);
        } catch {}
    }

    function _pendingStake(BondingManagerBase bm, RoundsManager rounds, address a) internal view returns (uint256) {
        return bm.pendingStake(a, rounds.currentRound());
    }

    function _noteClaim() private {
        ghostDustBound += 2;
    }

    function _anyActor(uint256 seed) private view returns (address) {
        return actors[seed % 6];
    }

    function _anyOrchestrator(uint256 seed) private view returns (address) {
        uint256 n = 3 + sybils.length;
        uint256 k = seed % n;
        if (k < 2) return actors[k];
        if (k == 2) return actors[5];
        return sybils[k - 3];
    }

    function _isOrchestratorRole(address a) private view returns (bool) {
        return a == actors[0] || a == actors[1] || a == actors[5];
    }

    function _orchestratorFor(address, uint256 seed) private view returns (address) {
        return actors[seed % 2];
    }

    /// @dev 1 wei, `max`, `max - 1`, or anything in between, so extremes come up often.
    function _extreme(uint256 x, uint256 max) private pure returns (uint256) {
        uint256 pick = x % 8;
        if (pick == 0 || max <= 1) return 1;
        if (pick == 1) return max;
        if (pick == 2) return max - 1;
        return bound(x >> 3, 1, max);
    }
}
