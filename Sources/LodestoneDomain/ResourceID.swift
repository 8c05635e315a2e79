import LodestoneCore

/// Prefixed random identifiers (`cus_…`, `pi_…`): 128 bits from the system CSPRNG, Base58 text.
public enum ResourceID {
    /// A fresh id with the given prefix.
    public static func make(_ prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        return prefix + "_" + Base58.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}
