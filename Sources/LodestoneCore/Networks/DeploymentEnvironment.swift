/// Where money is real: production networks and keys, or the sandbox of test networks. Nothing of
/// one environment is visible to a key of the other.
public enum DeploymentEnvironment: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case production
    case sandbox

    public var description: String { rawValue }

    /// Whether money here is real (`livemode` in events, `lsk_live_` keys).
    public var isLive: Bool { self == .production }

    /// The start of a new API key's text in this environment, as merchants know it.
    public var keyPrefix: String { isLive ? "lsk_live_" : "lsk_test_" }
}
