import Foundation

/// The endpoints of one network, in preference order, with their health and request budgets.
/// Calls go to the first healthy endpoint; failures put an endpoint in a cool-down, after which it
/// is tried again, so a recovered primary takes over again.
actor EndpointPool {
    /// Whether an endpoint has shown it serves the configured chain.
    enum Identity: Equatable {
        /// Not checked since start or since it last recovered: checked before its next use.
        case unverified
        case verified
        /// It serves another chain: never used again by this process.
        case refused(String)
    }

    struct State {
        var identity: Identity = .unverified
        var consecutiveFailures = 0
        var coolingUntil: ContinuousClock.Instant? = nil
        var lastProblem: String? = nil
        /// The last head this endpoint reported, and whether it was refused as too old.
        var lastHead: Int64? = nil
        var stale = false
        // Token bucket for the endpoint's rate limit.
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
    }

    let endpoints: [RPCEndpoint]
    private var states: [State]
    let failuresBeforeCooldown: Int
    let cooldown: Duration
    private let clock = ContinuousClock()

    init(_ endpoints: [RPCEndpoint], failuresBeforeCooldown: Int = 3, cooldown: Duration = .seconds(30)) {
        self.endpoints = endpoints
        let now = ContinuousClock.now
        states = endpoints.map { State(tokens: max(1, $0.requestsPerSecond), refilledAt: now) }
        self.failuresBeforeCooldown = failuresBeforeCooldown
        self.cooldown = cooldown
    }

    /// Endpoint indexes to try, healthy ones first in preference order, then those cooling down;
    /// endpoints refused for serving another chain never.
    func order() -> [Int] {
        let now = clock.now
        let usable = states.indices.filter { if case .refused = states[$0].identity { return false } else { return true } }
        let healthy = usable.filter { states[$0].coolingUntil.map { $0 <= now } ?? true }
        let cooling = usable.filter { !healthy.contains($0) }
            .sorted { (states[$0].coolingUntil ?? now) < (states[$1].coolingUntil ?? now) }
        return healthy + cooling
    }

    /// The index calls go to now.
    func current() -> Int { order().first ?? 0 }

    /// Endpoint `i`'s identity state.
    func identity(_ i: Int) -> Identity { states[i].identity }

    /// Records the outcome of endpoint `i`'s identity check.
    func setIdentity(_ i: Int, _ identity: Identity) { states[i].identity = identity }

    /// Waits until endpoint `i` has budget for one more request.
    func acquire(_ i: Int) async throws {
        while true {
            let wait = take(i)
            guard let wait else { return }
            try await Task.sleep(for: wait)
        }
    }

    private func take(_ i: Int) -> Duration? {
        let rate = endpoints[i].requestsPerSecond
        guard rate > 0 else { return nil }
        let now = clock.now
        let elapsed = now - states[i].refilledAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        states[i].tokens = min(max(1, rate), states[i].tokens + seconds * rate)
        states[i].refilledAt = now
        if states[i].tokens >= 1 {
            states[i].tokens -= 1
            return nil
        }
        return .milliseconds(Int64(((1 - states[i].tokens) / rate * 1000).rounded(.up)))
    }

    func succeeded(_ i: Int) {
        states[i].consecutiveFailures = 0
        states[i].coolingUntil = nil
    }

    /// Counts a failure; returns true when it sent the endpoint into cool-down.
    func failed(_ i: Int, _ problem: String, immediately: Bool = false) -> Bool {
        states[i].consecutiveFailures += 1
        states[i].lastProblem = problem
        guard immediately || states[i].consecutiveFailures >= failuresBeforeCooldown else { return false }
        states[i].coolingUntil = clock.now + cooldown
        states[i].consecutiveFailures = 0
        // What answers at this URL after an outage may be another node: check it again before use.
        if states[i].identity == .verified { states[i].identity = .unverified }
        return true
    }

    /// Records the head endpoint `i` reported; `stale` when it was refused as too old.
    func recordHead(_ i: Int, _ number: Int64, stale: Bool) {
        states[i].lastHead = number
        states[i].stale = stale
    }

    /// Each endpoint's last reported head and whether it was stale, by label.
    func heads() -> [String: (head: Int64?, stale: Bool)] {
        var out: [String: (head: Int64?, stale: Bool)] = [:]
        for i in endpoints.indices { out[endpoints[i].label] = (states[i].lastHead, states[i].stale) }
        return out
    }

    /// Health for status reports: label, healthy, last problem.
    func health() -> [(label: String, healthy: Bool, problem: String?)] {
        let now = clock.now
        return endpoints.indices.map { i in
            if case .refused(let why) = states[i].identity { return (endpoints[i].label, false, why) }
            return (endpoints[i].label, states[i].coolingUntil.map { $0 <= now } ?? true, states[i].lastProblem)
        }
    }
}
