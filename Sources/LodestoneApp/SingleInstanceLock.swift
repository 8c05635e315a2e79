#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// SQLite is the single-instance store: `serve` holds an exclusive lock on `<database>.lock` for
/// its whole life, so a second `serve` on the same file stops at once with a clear message instead
/// of racing the first. The kernel releases the lock when the process ends, however it ends.
final class SingleInstanceLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Takes the lock for the SQLite database at `path`; nil for an in-memory database.
    static func acquire(sqlitePath path: String) throws -> SingleInstanceLock? {
        guard path != ":memory:" else { return nil }
        let lockPath = path + ".lock"
        // The database's folder, as opening the database would make it: the owner's alone.
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ServerDependencies.StartupError(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buffer, buffer.count)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw ServerDependencies.StartupError(description: """
                another lodestone serve (pid \(holder)) is using \(path): SQLite serves one instance; \
                stop it, or run several instances on PostgreSQL
                """)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        return SingleInstanceLock(descriptor: fd)
    }
}
