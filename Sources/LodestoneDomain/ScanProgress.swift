public import LodestoneCore

/// How far a network's scanner has come, as the operator sees it in `GET /v1/networks`.
public struct ScanProgress: Sendable, Equatable {
    /// One node endpoint's state (its label is scheme and host only).
    public struct Endpoint: Sendable, Equatable {
        /// Scheme, host and port.
        public let label: String
        /// Whether it is in rotation.
        public let healthy: Bool
        /// Why it is not, when it is not.
        public let problem: String?
        /// The last head it reported, if it reported one.
        public let head: Int64?
        /// Whether that head was refused as too old.
        public let stale: Bool

        /// An endpoint state.
        public init(label: String, healthy: Bool, problem: String?, head: Int64? = nil, stale: Bool = false) {
            self.label = label
            self.healthy = healthy
            self.problem = problem
            self.head = head
            self.stale = stale
        }
    }

    /// The node's head at the last step.
    public var headHeight: Int64?
    /// The last block the scan committed.
    public var scannedHeight: Int64?
    /// When the last step ended, unix milliseconds.
    public var updatedAt: Int64?
    /// The network's endpoints.
    public var endpoints: [Endpoint]
    /// Whether this instance scans the network (`held`) or stands by while another does; nil where
    /// there is no lease (SQLite: one instance).
    public var lease: LeaseState?
    /// When the scan was last at the node's head, unix milliseconds (set by the board).
    public var caughtUpAt: Int64?

    /// This instance's part in scanning a network shared with other instances.
    public enum LeaseState: String, Sendable {
        /// It holds the lease: it scans.
        case held
        /// Another instance holds it: this one stands by.
        case standby
    }

    /// Progress.
    public init(
        headHeight: Int64? = nil, scannedHeight: Int64? = nil, updatedAt: Int64? = nil, endpoints: [Endpoint] = [], lease: LeaseState? = nil
    ) {
        self.headHeight = headHeight
        self.scannedHeight = scannedHeight
        self.updatedAt = updatedAt
        self.endpoints = endpoints
        self.lease = lease
    }

    /// How long the scan has been behind the head at `now`, in seconds: 0 when at the head; nil
    /// until it has been at the head once.
    public func lagSeconds(now: Int64) -> Int64? {
        guard let lag, let caughtUpAt else { return nil }
        return lag == 0 ? 0 : max(0, (now - caughtUpAt) / 1000)
    }

    /// Blocks between the node's head and the scan; nil until both are known.
    public var lag: Int64? {
        guard let headHeight, let scannedHeight else { return nil }
        return max(0, headHeight - scannedHeight)
    }
}

/// The scanners' progress by network: written by each scanner after every step, read by the API.
public actor ScanProgressBoard {
    private var progress: [NetworkID: ScanProgress] = [:]

    /// An empty board.
    public init() {}

    /// Records a network's progress; keeps when the scan was last at the head.
    public func record(_ p: ScanProgress, for network: NetworkID) {
        var p = p
        p.caughtUpAt = p.lag == 0 ? p.updatedAt : progress[network]?.caughtUpAt ?? p.updatedAt
        progress[network] = p
    }

    /// Records the endpoints' state after a failed step; the rest of the progress stays as it was.
    public func recordEndpoints(_ endpoints: [ScanProgress.Endpoint], for network: NetworkID) {
        var p = progress[network] ?? ScanProgress()
        p.endpoints = endpoints
        progress[network] = p
    }

    /// A network's progress, if its scanner has reported.
    public func progress(of network: NetworkID) -> ScanProgress? { progress[network] }
}
