import Synchronization

/// A clock on which time passes only by sleeping, at once: each sleep is recorded and moves `now`
/// to its deadline, and the sleep numbered `limit` ends the caller with a `CancellationError`, so a
/// loop that would run forever stops after a known number of pauses, in milliseconds.
public final class ScriptedClock: Clock, Sendable {
    /// An instant: the time slept since the clock was made.
    public struct Instant: InstantProtocol {
        /// Time since the start.
        public var offset: Duration
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    struct State {
        var now = Instant(offset: .zero)
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())
    private let limit: Int

    /// A clock that ends its caller at sleep number `limit`.
    public init(limit: Int) { self.limit = limit }

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// Every pause asked for, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        let count = state.withLock { s in
            s.sleeps.append(s.now.duration(to: deadline))
            s.now = max(s.now, deadline)
            return s.sleeps.count
        }
        if count >= limit { throw CancellationError() }
        await Task.yield()
    }
}
