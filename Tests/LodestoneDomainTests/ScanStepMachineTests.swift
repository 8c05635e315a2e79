import LodestoneDomain
import TestSupport
import Testing

/// The scan step's decisions, driven by hand: no node, no database, no clock.
@Suite struct ScanStepMachineTests {
    static let settings = ScanStepMachine.Settings(startBlock: nil, blocksPerStep: 50, reorgWindow: 20, backUpPass: true)

    static func block(_ n: Int64, _ branch: String = "a") -> ChainBlock {
        ChainBlock(number: n, hash: "\(branch)\(n)", parentHash: n == 0 ? "genesis" : "\(branch)\(n - 1)")
    }

    static func blocks(_ range: ClosedRange<Int64>, _ branch: String = "a") -> [ChainBlock] { range.map { block($0, branch) } }

    @Test func aNewNetworkAnchorsOnTheBlockBeforeItsStart() {
        var m = ScanStepMachine(settings: .init(startBlock: 100, blocksPerStep: 50, reorgWindow: 20, backUpPass: true))
        #expect(m.start() == .readHead)
        #expect(m.headRead(Self.block(500)) == .readCursor)
        #expect(m.cursorRead(nil) == .readNodeBlock(99))
        #expect(m.nodeBlockRead(Self.block(99)) == .commitAnchor(Self.block(99)))
        #expect(m.committed(deposits: 0) == .finish(.advanced(to: 99, deposits: 0)))
    }

    @Test func withoutAStartBlockANewNetworkStartsAtTheHead() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(500))
        #expect(m.cursorRead(nil) == .readNodeBlock(499))
        // A chain at its genesis never asks for block -1.
        var young = ScanStepMachine(settings: Self.settings)
        _ = young.start()
        _ = young.headRead(Self.block(0))
        #expect(young.cursorRead(nil) == .readNodeBlock(0))
    }

    @Test func aStepReadsAtMostBlocksPerStepAndCommitsThemWithTheCursor() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(500))
        #expect(m.cursorRead(Self.block(10)) == .scan(11...60))
        #expect(m.scanned(blocks: Self.blocks(11...60)) == .commit(previous: Self.block(10), blocks: Self.blocks(11...60)))
        #expect(m.committed(deposits: 2) == .readBackUpMarker)
        // Hashes go by height, whatever the alignment, but never one the back-up pass must still re-read.
        #expect(m.backUpMarkerRead(30) == .prune(below: 31))
        #expect(m.pruned() == .finish(.advanced(to: 60, deposits: 2)))
    }

    @Test func pruningKeepsTheReorgWindowWhenTheBackUpPassIsAhead() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(63))
        #expect(m.cursorRead(Self.block(60)) == .scan(61...63))
        _ = m.scanned(blocks: Self.blocks(61...63))
        _ = m.committed(deposits: 0)
        #expect(m.backUpMarkerRead(60) == .prune(below: 43))
    }

    @Test func withoutABackUpPassPruningFollowsTheWindowAlone() {
        var m = ScanStepMachine(settings: .init(startBlock: nil, blocksPerStep: 5, reorgWindow: 20, backUpPass: false))
        _ = m.start()
        _ = m.headRead(Self.block(100))
        _ = m.cursorRead(Self.block(37))
        _ = m.scanned(blocks: Self.blocks(38...42))
        #expect(m.committed(deposits: 0) == .prune(below: 22))
    }

    @Test func aHeadAtTheCursorWithTheSameHashIsCaughtUp() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(60))
        #expect(m.cursorRead(Self.block(60)) == .finish(.caughtUp))
    }

    @Test func aHeadAtTheCursorWithAnotherHashWalksBack() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(60, "b"))
        #expect(m.cursorRead(Self.block(60)) == .readStoredBlock(59))
        #expect(m.storedBlockRead(Self.block(59)) == .readNodeBlock(59))
        #expect(m.nodeBlockRead(Self.block(59)) == .rewind(to: Self.block(59), depth: 1))
        #expect(m.rewound() == .finish(.reorged(depth: 1)))
    }

    @Test func aShorterBranchIsComparedAtTheNodesHeadHeight() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(57, "b"))
        #expect(m.cursorRead(Self.block(60)) == .readStoredBlock(57))
        // Another hash at 57: the walk back starts there, not at the cursor the node no longer has.
        #expect(m.storedBlockRead(Self.block(57)) == .readStoredBlock(56))
        #expect(m.storedBlockRead(Self.block(56)) == .readNodeBlock(56))
        #expect(m.nodeBlockRead(Self.block(56)) == .rewind(to: Self.block(56), depth: 4))
    }

    @Test func aLaggingNodeOnTheSameChainIsCaughtUp() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(57))
        #expect(m.cursorRead(Self.block(60)) == .readStoredBlock(57))
        #expect(m.storedBlockRead(Self.block(57)) == .finish(.caughtUp))
        // A height whose hash is gone cannot be compared: the node is far behind; wait.
        var far = ScanStepMachine(settings: Self.settings)
        _ = far.start()
        _ = far.headRead(Self.block(5))
        _ = far.cursorRead(Self.block(60))
        #expect(far.storedBlockRead(nil) == .finish(.caughtUp))
    }

    @Test func aBrokenParentLinkWalksBackFromTheCursor() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(80, "b"))
        #expect(m.cursorRead(Self.block(60)) == .scan(61...80))
        #expect(m.scanned(blocks: Self.blocks(61...80, "b")) == .readStoredBlock(60))
    }

    @Test func aReorgBelowTheWindowOrTheKeptHashesRaisesTheAlarm() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(60, "b"))
        #expect(m.cursorRead(Self.block(60)) == .readStoredBlock(59))
        var n: Int64 = 59
        var action = m.storedBlockRead(Self.block(n))
        while case .readNodeBlock = action {
            action = m.nodeBlockRead(Self.block(n, "b"))
            n -= 1
            guard case .readStoredBlock = action else { break }
            action = m.storedBlockRead(Self.block(n))
        }
        #expect(action == .reorgBeyondWindow(cursor: 60))
        #expect(n == 39, "the walk went \(60 - n) blocks deep; the window is 20")

        var pruned = ScanStepMachine(settings: Self.settings)
        _ = pruned.start()
        _ = pruned.headRead(Self.block(60, "b"))
        #expect(pruned.cursorRead(Self.block(60)) == .readStoredBlock(59))
        #expect(pruned.storedBlockRead(nil) == .reorgBeyondWindow(cursor: 60))
    }

    @Test func aReorgUnderTheAnchorRightAfterTheFirstStartReanchorsInsteadOfStopping() {
        // The scan started at 16 (its anchor); the node's chain now forks below it.
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(20, "b"))
        #expect(m.cursorRead(Self.block(17), scanStart: 16) == .scan(18...20))
        #expect(m.scanned(blocks: Self.blocks(18...20, "b")) == .readStoredBlock(17))
        #expect(m.storedBlockRead(Self.block(17)) == .readNodeBlock(17))
        #expect(m.nodeBlockRead(Self.block(17, "b")) == .readStoredBlock(16))
        #expect(m.storedBlockRead(Self.block(16)) == .readNodeBlock(16))
        #expect(m.nodeBlockRead(Self.block(16, "b")) == .readStoredBlock(15))
        #expect(m.storedBlockRead(nil) == .readNodeBlock(15))
        #expect(m.nodeBlockRead(Self.block(15, "b")) == .rewind(to: Self.block(15, "b"), depth: 2))
        // Without knowing where the scan started, hashes that are gone mean the reorg is too deep.
        var unknown = ScanStepMachine(settings: Self.settings)
        _ = unknown.start()
        _ = unknown.headRead(Self.block(17, "b"))
        #expect(unknown.cursorRead(Self.block(17)) == .readStoredBlock(16))
        #expect(unknown.storedBlockRead(nil) == .reorgBeyondWindow(cursor: 17))
    }

    @Test func nothingScannedIsCaughtUp() {
        var m = ScanStepMachine(settings: Self.settings)
        _ = m.start()
        _ = m.headRead(Self.block(61))
        _ = m.cursorRead(Self.block(60))
        #expect(m.scanned(blocks: []) == .finish(.caughtUp))
    }

    /// Seeded random chains with random reorgs (longer, equal and shorter branches) and steps in
    /// between: once the node stops changing, the stored chain is the node's chain, hash for hash.
    @Test func randomReorgsAlwaysEndOnTheNodesChain() throws {
        let base = UInt64.random(in: 0...UInt64.max)
        for run in 0..<5_000 {
            let seed = base &+ UInt64(run)
            var rng = SplitMix64(state: seed)
            var world = World()
            for _ in 0..<Int.random(in: 5...40, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5: world.mine(Int.random(in: 1...30, using: &rng))
                case 5..<7 where world.node.count > 1:
                    // Forks stay within the window below the highest cursor so far, whose pruning
                    // set what is kept (deeper ones must raise the alarm).
                    let floor = max(0, Int(world.highest) - 15)
                    guard world.node.count - 1 - floor >= 1 else { break }
                    let depth = Int.random(in: 1...min(12, world.node.count - 1 - floor), using: &rng)
                    // A real reorg brings at least one new block (a bare prefix has less work).
                    world.reorg(depth: depth, newLength: Int.random(in: 1...(depth + 3), using: &rng))
                default: break
                }
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    try #require(try world.step() != nil, "seed \(seed): alarm on a reorg within the window")
                }
            }
            // Chains grow: a node reporting a head below the cursor is waited for, and the branch it
            // is on is followed once it is longer than what was stored.
            world.mine(Int.random(in: 1...5, using: &rng) + Int(max(0, (world.cursor?.number ?? 0) - Int64(world.node.count - 1))))
            var outcome: ScanOutcome? = nil
            for _ in 0..<200 {
                outcome = try world.step()
                if outcome == .caughtUp { break }
            }
            try #require(outcome == .caughtUp, "seed \(seed): never caught up")
            let cursor = try #require(world.cursor, "seed \(seed)")
            #expect(cursor == world.node.last, "seed \(seed): the cursor is not the node's tip")
            for (height, stored) in world.stored {
                #expect(height < world.node.count && stored == world.node[Int(height)], "seed \(seed): stored block \(height) is not the node's")
            }
            for (height, block) in world.stored where height > 0 {
                if let parent = world.stored[height - 1] { #expect(block.parentHash == parent.hash, "seed \(seed): broken link at \(height)") }
            }
        }
    }

    /// A node (one canonical chain) and a store, for the random runs.
    struct World {
        var node: [ChainBlock] = [ChainBlock(number: 0, hash: "g", parentHash: "none")]
        var branches = 0
        var cursor: ChainBlock? = nil
        var stored: [Int64: ChainBlock] = [:]
        var marker: Int64? = nil
        var start: Int64? = nil
        var highest: Int64 = 0

        mutating func mine(_ n: Int) {
            for _ in 0..<n {
                let parent = node[node.count - 1]
                node.append(ChainBlock(number: parent.number + 1, hash: "b\(branches)-\(parent.number + 1)", parentHash: parent.hash))
            }
        }

        mutating func reorg(depth: Int, newLength: Int) {
            node.removeLast(depth)
            branches += 1
            mine(max(newLength, 0))
        }

        /// One step; nil on the alarm.
        mutating func step() throws -> ScanOutcome? {
            var m = ScanStepMachine(settings: ScanStepMachineTests.settings)
            var action = m.start()
            while true {
                switch action {
                case .readHead: action = m.headRead(node[node.count - 1])
                case .readCursor: action = m.cursorRead(cursor, scanStart: start)
                case .readNodeBlock(let n): action = m.nodeBlockRead(node[Int(n)])
                case .readStoredBlock(let n): action = m.storedBlockRead(stored[n])
                case .scan(let range):
                    action = m.scanned(blocks: node.filter { range.contains($0.number) })
                case .commitAnchor(let anchor):
                    cursor = anchor
                    stored[anchor.number] = anchor
                    marker = anchor.number
                    start = anchor.number
                    action = m.committed(deposits: 0)
                case .commit(let previous, let blocks):
                    #expect(previous == cursor)
                    for b in blocks { stored[b.number] = b }
                    cursor = blocks.last
                    highest = max(highest, cursor?.number ?? 0)
                    action = m.committed(deposits: 0)
                case .readBackUpMarker: action = m.backUpMarkerRead(marker)
                case .prune(let below):
                    stored = stored.filter { $0.key >= below }
                    action = m.pruned()
                case .rewind(let ancestor, _):
                    stored = stored.filter { $0.key <= ancestor.number }
                    cursor = ancestor
                    action = m.rewound()
                case .finish(let outcome): return outcome
                case .reorgBeyondWindow: return nil
                }
            }
        }
    }
}
