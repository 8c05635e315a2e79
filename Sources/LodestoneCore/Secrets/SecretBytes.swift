/// Secret key material (seeds, private keys, chain codes of private nodes): zeroed when released,
/// redacted when printed, compared in constant time, and reachable only through scoped access.
public final class SecretBytes: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, Equatable
{
    // `nonisolated(unsafe)` is sound: the buffer is written only in init and deinit, where no other
    // reference can exist; everything else reads it.
    private nonisolated(unsafe) let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes` into fresh storage owned by this value.
    public init(_ bytes: some Collection<UInt8>) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        _ = UnsafeMutableRawBufferPointer(rebasing: storage[0..<bytes.count]).initializeMemory(
            as: UInt8.self, from: bytes)
        count = bytes.count
    }

    deinit {
        // memset_s is not on Linux; a volatile-like loop through the pointer that the optimiser
        // cannot prove dead (the memory is freed right after, but the writes go through an
        // escaped pointer).
        for i in 0..<storage.count { storage.storeBytes(of: 0, toByteOffset: i, as: UInt8.self) }
        storage.deallocate()
    }

    /// Number of secret bytes.
    public let count: Int

    /// Scoped read access to the secret bytes; do not let the pointer escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// A copy of the bytes, for code that must hand them to another API; keep its lifetime short.
    package var unsafeCopy: [UInt8] { withUnsafeBytes { Array($0) } }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }

    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in
                var diff: UInt8 = 0
                for i in 0..<a.count { diff |= a[i] ^ b[i] }
                return diff == 0
            }
        }
    }
}
