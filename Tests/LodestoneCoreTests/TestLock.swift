import Foundation

/// A mutex for test-only caches.
final class NSLockish: @unchecked Sendable {
    private let lock = NSLock()
    func with<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
