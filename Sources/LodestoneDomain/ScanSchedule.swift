/// When a network's scan loop acts next: at once while behind, after the poll interval when caught
/// up, and after a doubling delay (capped at a minute) while steps fail.
public struct ScanSchedule: Sendable, Equatable {
    /// What follows a successful step.
    public enum Next: Sendable, Equatable {
        /// Step again at once: there is more to read.
        case stepAgain
        /// Caught up: run the back-up pass, then wait this long.
        case idle(Duration)
    }

    /// Pause when caught up.
    public let pollInterval: Duration
    /// First pause after a failure.
    public let retryDelay: Duration
    /// Failures in a row.
    public private(set) var failures = 0

    /// A schedule.
    public init(pollInterval: Duration, retryDelay: Duration) {
        self.pollInterval = pollInterval
        self.retryDelay = retryDelay
    }

    /// The pause cap: a minute, so a recovered node is noticed soon.
    public static let maxDelay: Duration = .seconds(60)

    /// A step (and its tracking) succeeded.
    public mutating func succeeded(_ outcome: ScanOutcome) -> Next {
        failures = 0
        return outcome == .caughtUp ? .idle(pollInterval) : .stepAgain
    }

    /// A step failed: the pause before the next try.
    public mutating func failed() -> Duration {
        failures += 1
        return Self.backoff(retryDelay, attempt: failures)
    }

    /// `base` doubled for every attempt after the first, capped at `maxDelay`.
    public static func backoff(_ base: Duration, attempt: Int) -> Duration {
        min(base * (1 << min(max(attempt - 1, 0), 6)), maxDelay)
    }
}

/// Judges the heads endpoints report by their own timestamps: a node can claim to be synced while
/// hours behind. A stale endpoint is put aside and the next one asked; when every endpoint is stale
/// the freshest answer is used (and that is an error to log).
public struct StaleHeadFilter: Sendable {
    /// What to do with a head.
    public enum Verdict: Sendable, Equatable {
        /// Use it.
        case accept
        /// Put this endpoint aside (its head is this many seconds old) and ask the next.
        case demoteAndAskNext(ageSeconds: Int64)
        /// Every endpoint was asked and all are stale: use the freshest answer, number `index` (0-based).
        case useFreshest(index: Int)
    }

    let maxAgeSeconds: Int64
    let endpoints: Int
    var asked = 0
    var freshest: (index: Int, timestamp: Int64)? = nil

    /// A filter over `endpoints` endpoints.
    public init(maxAgeSeconds: Int64, endpoints: Int) {
        self.maxAgeSeconds = maxAgeSeconds
        self.endpoints = max(1, endpoints)
    }

    /// The head just read has this `timestamp` (unix seconds) at `nowMillis`.
    public mutating func judge(timestamp: Int64, nowMillis: Int64) -> Verdict {
        let index = asked
        asked += 1
        let age = nowMillis / 1000 - timestamp
        guard age > maxAgeSeconds else { return .accept }
        if timestamp > freshest?.timestamp ?? Int64.min { freshest = (index, timestamp) }
        guard asked < endpoints else { return .useFreshest(index: freshest?.index ?? index) }
        return .demoteAndAskNext(ageSeconds: age)
    }
}
