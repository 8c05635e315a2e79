/// A BIP32 path such as `m/84'/0'/0'/0/7`; `'`, `h` and `H` all mark a hardened step.
public struct DerivationPath: Sendable, Hashable, CustomStringConvertible {
    /// Offset that marks an index as hardened.
    public static let hardenedOffset: UInt32 = 0x8000_0000

    /// Child numbers from the root, hardened ones with the offset added.
    public let components: [UInt32]

    /// A path from raw child numbers.
    public init(components: [UInt32]) { self.components = components }

    /// Parses `m/...`; each index must be 0...2^31−1 before the hardened mark.
    public init(_ text: String) throws(CoreError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first, first == "m" else { throw .invalidPath("must start with 'm'") }
        var out: [UInt32] = []
        for part in parts.dropFirst() {
            var digits = Substring(part)
            var hardened = false
            if let last = digits.last, last == "'" || last == "h" || last == "H" {
                hardened = true
                digits = digits.dropLast()
            }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .invalidPath("'\(part)' is not an index")
            }
            guard let value = UInt32(digits), value < Self.hardenedOffset else {
                throw .indexOutOfRange("'\(part)' is above 2^31−1")
            }
            out.append(hardened ? value + Self.hardenedOffset : value)
        }
        components = out
    }

    /// This path followed by `index` (non-hardened unless `hardened`).
    public func appending(_ index: UInt32, hardened: Bool = false) -> DerivationPath {
        DerivationPath(components: components + [hardened ? index | Self.hardenedOffset : index])
    }

    /// Canonical text with `'` for hardened steps.
    public var description: String {
        (["m"] + components.map { $0 >= Self.hardenedOffset ? "\($0 - Self.hardenedOffset)'" : "\($0)" })
            .joined(separator: "/")
    }
}
