import Foundation
import LodestoneStore
public import Logging
import Synchronization

/// Where request counts are kept when several instances share the limit: one database.
public protocol SharedRateWindows: Sendable {
    /// Counts one request of `key` in the window starting at `windowStart` (unix seconds); returns
    /// the window's count including it.
    func countRequest(key: String, windowStart: Int64) async throws -> Int64
}

/// Fixed-window request limits per API key, reported in X-RateLimit-* headers. With `shared`, the
/// count is the database's, so the limit holds across every instance behind a load balancer; if
/// the database cannot be asked, this instance's own count decides (the limit is never dropped).
public final class RateLimiter: Sendable {
    /// Requests allowed per window.
    public let limit: Int
    /// Window length in seconds.
    public let windowSeconds: Int
    private let shared: (any SharedRateWindows)?
    private let logger: Logger
    private let windows = Mutex<[String: (start: Int64, count: Int)]>([:])

    /// A limiter allowing `limit` requests per `windowSeconds` per key, counted in `shared` when given.
    public init(limit: Int, windowSeconds: Int, shared: (any SharedRateWindows)? = nil, logger: Logger = Logger(label: "lodestone")) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.shared = shared
        self.logger = logger
    }

    /// The outcome of counting one request.
    struct Decision {
        let allowed: Bool
        let remaining: Int
        /// Unix seconds when the window resets.
        let reset: Int64
    }

    func consume(key: String, now: Date = Date()) async -> Decision {
        let nowSeconds = Int64(now.timeIntervalSince1970)
        let start = nowSeconds - nowSeconds % Int64(windowSeconds)
        let local = consumeLocally(key: key, start: start)
        guard let shared else { return local }
        do {
            let count = try await shared.countRequest(key: key, windowStart: start)
            return Decision(allowed: count <= Int64(limit), remaining: max(0, limit - Int(min(count, Int64(limit)))), reset: local.reset)
        } catch {
            logger.warning("shared rate limit unavailable; this instance's count decides", metadata: ["error": "\(error)"])
            return local
        }
    }

    private func consumeLocally(key: String, start: Int64) -> Decision {
        windows.withLock { windows in
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

extension SQLStore: SharedRateWindows {}
