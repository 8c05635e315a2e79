import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// The embedded store: one SQLite file in WAL mode, one connection, transactions serialized.
public final class SQLiteDatabase: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }
    private let connection: SQLiteConnection
    private let mutex = AsyncMutex()

    private init(connection: SQLiteConnection) { self.connection = connection }

    /// Opens (creating if needed) the database file at `path`; `:memory:` opens a private in-memory database.
    public static func open(path: String) async throws -> SQLiteDatabase {
        let storage: SQLiteConnection.Storage
        if path == ":memory:" {
            storage = .memory
        } else {
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            // The database holds customers and addresses: its folder is the owner's alone.
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            storage = .file(path: path)
        }
        let connection = try await SQLiteConnection.open(storage: storage, logger: Logger(label: "lodestone.sqlite"))
        if path != ":memory:" {
            // Created 0600 whatever the umask; a file an older version left world-readable is tightened.
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
        }
        let db = SQLiteDatabase(connection: connection)
        // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes
        // (a power loss may lose the last commits, never corrupt the file).
        _ = try await connection.query("PRAGMA journal_mode=WAL")
        _ = try await connection.query("PRAGMA synchronous=NORMAL")
        _ = try await connection.query("PRAGMA foreign_keys=ON")
        _ = try await connection.query("PRAGMA busy_timeout=5000")
        if path != ":memory:" {
            // The WAL and shared-memory files appear with the first write; create them now, privately.
            _ = try await connection.query("PRAGMA user_version")
            for file in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
        }
        return db
    }

    /// Closes the connection.
    public func close() async throws { try await connection.close() }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        await mutex.lock()
        do {
            let executor = Executor(connection: connection)
            _ = try await executor.query("BEGIN IMMEDIATE")
            do {
                let result = try await body(executor)
                _ = try await executor.query("COMMIT")
                await mutex.unlock()
                return result
            } catch {
                _ = try? await executor.query("ROLLBACK")
                throw error
            }
        } catch {
            await mutex.unlock()
            throw Self.translate(error)
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        // The single connection is shared, so reads also wait for a running transaction.
        await mutex.lock()
        do {
            let result = try await body(Executor(connection: connection))
            await mutex.unlock()
            return result
        } catch {
            await mutex.unlock()
            throw Self.translate(error)
        }
    }

    /// SQLite's own failures become `StoreError.backend`; errors from the caller's body pass through.
    static func translate(_ error: any Error) -> any Error {
        guard error is SQLiteError else { return error }
        return StoreError.backend(String(describing: error))
    }

    struct Executor: SQLExecutor {
        let connection: SQLiteConnection

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            let rows = try await connection.query(Self.numberedPlaceholders(sql), binds.map(Self.data))
            return try rows.map { row in
                SQLRow(values: try row.columns.map { column in
                    switch column.data {
                    case .null: return .null
                    case .integer(let i): return .int(Int64(i))
                    case .text(let t): return .text(t)
                    case .float, .blob: throw StoreError.corrupt("unexpected column type in \(column.name)")
                    }
                })
            }
        }

        static func data(_ value: SQLValue) -> SQLiteData {
            switch value {
            case .null: return .null
            case .int(let i): return .integer(Int(i))
            case .text(let t): return .text(t)
            }
        }

        /// `$1` → `?1`: SQLite numbers `?NNN` parameters by value, while `$name` ones are numbered by first use.
        static func numberedPlaceholders(_ sql: String) -> String {
            var out = ""
            out.reserveCapacity(sql.utf8.count)
            var previous: Character = " "
            for c in sql {
                if previous == "$", c.isNumber { out.removeLast(); out.append("?") }
                out.append(c)
                previous = c
            }
            return out
        }
    }
}
