/// How long to wait before the next try: exponential backoff with full jitter, capped.
public struct RetryPolicy: Sendable {
    /// Tries per call, across endpoints.
    public var attempts: Int
    /// Wait before the second try.
    public var baseDelay: Duration
    /// Longest wait.
    public var maxDelay: Duration

    /// A policy.
    public init(attempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10)) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait after failed try number `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))],
    /// so many clients retrying together spread out instead of hitting the node at once.
    public func delay(after attempt: Int) -> Duration {
        let ceiling = min(maxDelay, baseDelay * (1 << min(max(attempt - 1, 0), 20)))
        let ms = ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(Int64.random(in: 0...max(ms, 0)))
    }
}
