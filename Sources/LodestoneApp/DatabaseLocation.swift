import Foundation
public import Logging
public import LodestoneStore

/// Opens the store a database URL names: `sqlite:///abs/path.sqlite`, `sqlite://relative/path.sqlite`,
/// `sqlite://:memory:`, or `postgres://user:pass@host:port/db`.
public enum DatabaseLocation {
    /// An open store and, for PostgreSQL, the pool that must run while it is used.
    public struct Opened: Sendable {
        /// The store.
        public let store: SQLStore
        /// Set for PostgreSQL.
        public let postgres: PostgresDatabase?
        /// Set for SQLite.
        let sqlite: SQLiteDatabase?

        /// Closes what needs closing (SQLite; the Postgres pool stops with its task).
        public func close() async {
            try? await sqlite?.close()
        }
    }

    /// A URL with the password replaced, safe to log.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    /// Opens the store for `url`.
    public static func open(_ url: String, sealer: SecretSealer, logger: Logger) async throws -> Opened {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw StoreError.badURL("sqlite:// needs a file path, e.g. sqlite://data/lodestone.sqlite") }
            let db = try await SQLiteDatabase.open(path: path)
            return Opened(store: SQLStore(database: db, sealer: sealer), postgres: nil, sqlite: db)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let db = try PostgresDatabase(url: url, logger: logger)
            return Opened(store: SQLStore(database: db, sealer: sealer), postgres: db, sqlite: nil)
        }
        throw StoreError.badURL("expected sqlite://PATH or postgres://user:pass@host:port/db")
    }

    /// Opens the store, runs `body` (with the Postgres pool running), then closes it.
    public static func with<T: Sendable>(
        _ url: String, sealer: SecretSealer, logger: Logger, _ body: @Sendable (SQLStore) async throws -> T
    ) async throws -> T {
        let opened = try await open(url, sealer: sealer, logger: logger)
        do {
            let result: T
            if let pg = opened.postgres {
                result = try await pg.withRunningClient { _ in try await body(opened.store) }
            } else {
                result = try await body(opened.store)
            }
            await opened.close()
            return result
        } catch {
            await opened.close()
            throw error
        }
    }
}
