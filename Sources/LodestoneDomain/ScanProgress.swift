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

        /// An endpoint state.
        public init(label: String, healthy: Bool, problem: String?) {
            self.label = label
            self.healthy = healthy
            self.problem = problem
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

    /// Progress.
    public init(headHeight: Int64? = nil, scannedHeight: Int64? = nil, updatedAt: Int64? = nil, endpoints: [Endpoint] = []) {
        self.headHeight = headHeight
        self.scannedHeight = scannedHeight
        self.updatedAt = updatedAt
        self.endpoints = endpoints
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

    /// Records a network's progress.
    public func record(_ p: ScanProgress, for network: NetworkID) { progress[network] = p }

    /// A network's progress, if its scanner has reported.
    public func progress(of network: NetworkID) -> ScanProgress? { progress[network] }
}
