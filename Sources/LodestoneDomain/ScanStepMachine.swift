/// What one scan step did.
public enum ScanOutcome: Sendable, Equatable {
    /// Committed blocks up to this height, creating these deposits.
    case advanced(to: Int64, deposits: Int)
    /// Nothing new.
    case caughtUp
    /// Rolled back this many blocks.
    case reorged(depth: Int64)
}

/// The decisions of one scan step, without I/O: it names the next read or write, and its driver
/// answers with what came back. One step anchors a new network, advances the cursor over a range of
/// blocks, or walks back to the common ancestor of a reorg; every node read of a step is meant for
/// one endpoint, so answers of nodes that disagree are never mixed.
public struct ScanStepMachine: Sendable {
    /// What the step is configured by.
    public struct Settings: Sendable, Equatable {
        /// First block on a new database; nil starts at the node's head.
        public var startBlock: Int64?
        /// Blocks read per step.
        public var blocksPerStep: Int64
        /// Block hashes kept for finding a common ancestor.
        public var reorgWindow: Int64
        /// Whether a back-up pass re-reads old blocks (their hashes are then kept until it has).
        public var backUpPass: Bool

        /// Settings.
        public init(startBlock: Int64?, blocksPerStep: Int64, reorgWindow: Int64, backUpPass: Bool) {
            self.startBlock = startBlock
            self.blocksPerStep = blocksPerStep
            self.reorgWindow = reorgWindow
            self.backUpPass = backUpPass
        }
    }

    /// The next thing the driver must do, then report with the matching method.
    public enum Action: Sendable, Equatable {
        /// Read the node's head; answer with `headRead`.
        case readHead
        /// Read the stored cursor and the height the scan started at; answer with `cursorRead`.
        case readCursor
        /// Read the node's canonical block at a height; answer with `nodeBlockRead`.
        case readNodeBlock(Int64)
        /// Read the stored block at a height; answer with `storedBlockRead`.
        case readStoredBlock(Int64)
        /// Refresh the watched addresses, then read the blocks of the range and the transfers in
        /// them; answer with `scanned`.
        case scan(ClosedRange<Int64>)
        /// Store the first block of a new network as the cursor, remember it as where the scan
        /// started, and start the back-up pass at it; answer with `committed`.
        case commitAnchor(ChainBlock)
        /// Store the scanned blocks (and their deposits) with the cursor moved from `previous`, in
        /// one transaction; answer with `committed`.
        case commit(previous: ChainBlock, blocks: [ChainBlock])
        /// Read how far the back-up pass has come; answer with `backUpMarkerRead`.
        case readBackUpMarker
        /// Forget stored hashes below this height; answer with `pruned`.
        case prune(below: Int64)
        /// Roll the store back to the common ancestor; answer with `rewound`.
        case rewind(to: ChainBlock, depth: Int64)
        /// The step is over.
        case finish(ScanOutcome)
        /// The chain changed below the kept hashes: stop the network and call the operator.
        case reorgBeyondWindow(cursor: Int64)
    }

    enum State: Sendable {
        case initial
        case readingHead
        case readingCursor(head: ChainBlock)
        case anchoring
        case comparingHead(head: ChainBlock, cursor: ChainBlock)
        case scanning(cursor: ChainBlock, head: ChainBlock)
        case committing(tip: Int64)
        case readingMarker(tip: Int64, deposits: Int)
        case pruning(tip: Int64, deposits: Int)
        case walkingBackStored(cursor: ChainBlock, height: Int64)
        case walkingBackNode(cursor: ChainBlock, stored: ChainBlock)
        case reanchoring(cursor: ChainBlock, height: Int64)
        case rewinding(depth: Int64)
        case anchorCommitted(ChainBlock)
        case finished
    }

    let settings: Settings
    var state: State = .initial
    /// The lowest height the scan ever stored (its anchor), when known.
    var scanStart: Int64? = nil

    /// A step that has not begun.
    public init(settings: Settings) {
        self.settings = settings
    }

    /// Begins the step.
    public mutating func start() -> Action {
        guard case .initial = state else { return invalid("start") }
        state = .readingHead
        return .readHead
    }

    /// The node's head.
    public mutating func headRead(_ head: ChainBlock) -> Action {
        guard case .readingHead = state else { return invalid("headRead") }
        state = .readingCursor(head: head)
        return .readCursor
    }

    /// The stored cursor, nil before the network's first step, and the height of the scan's anchor.
    public mutating func cursorRead(_ cursor: ChainBlock?, scanStart: Int64? = nil) -> Action {
        guard case .readingCursor(let head) = state else { return invalid("cursorRead") }
        self.scanStart = scanStart
        guard let cursor else {
            // A new network anchors on the block before its start: its hash is what the first
            // scanned block must name as parent.
            let start = max(1, settings.startBlock ?? head.number)
            state = .anchoring
            return .readNodeBlock(start - 1)
        }
        guard cursor.number < head.number else {
            // A head at or below the cursor is still compared: a reorg to a shorter or equal branch
            // shows as another hash at the head's height.
            if head.number == cursor.number { return compare(stored: cursor, head: head, cursor: cursor) }
            state = .comparingHead(head: head, cursor: cursor)
            return .readStoredBlock(head.number)
        }
        state = .scanning(cursor: cursor, head: head)
        return .scan((cursor.number + 1)...min(head.number, cursor.number + max(1, settings.blocksPerStep)))
    }

    /// The stored block asked for: the one at the head's height, or one on the walk back.
    public mutating func storedBlockRead(_ stored: ChainBlock?) -> Action {
        switch state {
        case .comparingHead(let head, let cursor):
            // A height whose hash is no longer kept cannot be compared; the head is behind, wait.
            guard let stored else { return finish(.caughtUp) }
            return compare(stored: stored, head: head, cursor: cursor)
        case .walkingBackStored(let cursor, let height):
            guard let stored else {
                // Below the anchor nothing was ever stored or watched: a reorg reaching under it
                // (one right after the first start) re-anchors on the node's block there.
                if let start = scanStart, height < start {
                    state = .reanchoring(cursor: cursor, height: height)
                    return .readNodeBlock(height)
                }
                return beyondWindow(cursor)
            }
            state = .walkingBackNode(cursor: cursor, stored: stored)
            return .readNodeBlock(height)
        default:
            return invalid("storedBlockRead")
        }
    }

    /// The node's block asked for: the anchor, or one on the walk back.
    public mutating func nodeBlockRead(_ block: ChainBlock) -> Action {
        switch state {
        case .anchoring:
            state = .anchorCommitted(block)
            return .commitAnchor(block)
        case .walkingBackNode(let cursor, let stored):
            guard block.number == stored.number else { return invalid("nodeBlockRead at another height") }
            if block.hash == stored.hash {
                let depth = cursor.number - stored.number
                state = .rewinding(depth: depth)
                return .rewind(to: stored, depth: depth)
            }
            return walkBack(cursor: cursor, height: stored.number - 1)
        case .reanchoring(let cursor, let height):
            guard block.number == height else { return invalid("nodeBlockRead at another height") }
            let depth = cursor.number - block.number
            state = .rewinding(depth: depth)
            return .rewind(to: block, depth: depth)
        default:
            return invalid("nodeBlockRead")
        }
    }

    /// The blocks of the range asked for, ascending.
    public mutating func scanned(blocks: [ChainBlock]) -> Action {
        guard case .scanning(let cursor, let head) = state else { return invalid("scanned") }
        guard let first = blocks.first, let last = blocks.last else { return finish(.caughtUp) }
        // The first new block must build on the cursor; otherwise the chain changed under it.
        guard first.parentHash == cursor.hash else { return walkBack(cursor: cursor, height: min(cursor.number, head.number)) }
        state = .committing(tip: last.number)
        return .commit(previous: cursor, blocks: blocks)
    }

    /// The commit (of an anchor or of scanned blocks) is stored, with this many new deposits.
    public mutating func committed(deposits: Int) -> Action {
        switch state {
        case .anchorCommitted(let anchor):
            return finish(.advanced(to: anchor.number, deposits: 0))
        case .committing(let tip):
            guard settings.backUpPass else { return prune(tip: tip, backUpDone: nil, deposits: deposits) }
            state = .readingMarker(tip: tip, deposits: deposits)
            return .readBackUpMarker
        default:
            return invalid("committed")
        }
    }

    /// The last block the back-up pass has re-read, nil before it has started.
    public mutating func backUpMarkerRead(_ done: Int64?) -> Action {
        guard case .readingMarker(let tip, let deposits) = state else { return invalid("backUpMarkerRead") }
        return prune(tip: tip, backUpDone: done, deposits: deposits)
    }

    /// Old hashes are forgotten.
    public mutating func pruned() -> Action {
        guard case .pruning(let tip, let deposits) = state else { return invalid("pruned") }
        return finish(.advanced(to: tip, deposits: deposits))
    }

    /// The store is rolled back.
    public mutating func rewound() -> Action {
        guard case .rewinding(let depth) = state else { return invalid("rewound") }
        return finish(.reorged(depth: depth))
    }

    // MARK: - Decisions

    mutating func compare(stored: ChainBlock, head: ChainBlock, cursor: ChainBlock) -> Action {
        guard stored.hash != head.hash else { return finish(.caughtUp) }
        // The node's block at this height is its head, already known to differ: start one below.
        return walkBack(cursor: cursor, height: head.number - 1)
    }

    /// One height further down: the deepest a walk back goes is the reorg window below the cursor.
    mutating func walkBack(cursor: ChainBlock, height: Int64) -> Action {
        guard height >= cursor.number - settings.reorgWindow, height >= 0 else { return beyondWindow(cursor) }
        state = .walkingBackStored(cursor: cursor, height: height)
        return .readStoredBlock(height)
    }

    /// By height, every step: hashes older than the reorg window go, but never one the back-up pass
    /// has still to re-read.
    mutating func prune(tip: Int64, backUpDone: Int64?, deposits: Int) -> Action {
        var keepFrom = tip - settings.reorgWindow
        if let backUpDone { keepFrom = min(keepFrom, backUpDone + 1) }
        state = .pruning(tip: tip, deposits: deposits)
        return .prune(below: keepFrom)
    }

    mutating func beyondWindow(_ cursor: ChainBlock) -> Action {
        state = .finished
        return .reorgBeyondWindow(cursor: cursor.number)
    }

    mutating func finish(_ outcome: ScanOutcome) -> Action {
        state = .finished
        return .finish(outcome)
    }

    /// A report that does not answer the last action is a bug of the driver, not of the chain.
    func invalid(_ event: String) -> Action {
        preconditionFailure("ScanStepMachine: \(event) in state \(state)")
    }
}
