import Foundation
import Synchronization

/// Fixed-window request limits per API key, reported in X-RateLimit-* headers.
public final class RateLimiter: Sendable {
    /// Requests allowed per window.
    public let limit: Int
    /// Window length in seconds.
    public let windowSeconds: Int
    private let windows = Mutex<[String: (start: Int64, count: Int)]>([:])

    /// A limiter allowing `limit` requests per `windowSeconds` per key.
    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// The outcome of counting one request.
    struct Decision {
        let allowed: Bool
        let remaining: Int
        /// Unix seconds when the window resets.
        let reset: Int64
    }

    func consume(key: String, now: Date = Date()) -> Decision {
        let nowSeconds = Int64(now.timeIntervalSince1970)
        let start = nowSeconds - nowSeconds % Int64(windowSeconds)
        return windows.withLock { windows in
            var window = windows[key] ?? (start, 0)
            if window.start != start { window = (start, 0) }
            let allowed = window.count < limit
            if allowed { window.count += 1 }
            windows[key] = window
            if windows.count > 100_000 { windows = windows.filter { $0.value.start == start } }
            return Decision(allowed: allowed, remaining: max(0, limit - window.count), reset: start + Int64(windowSeconds))
        }
    }
}
