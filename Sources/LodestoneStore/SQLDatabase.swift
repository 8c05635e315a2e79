/// Runs statements inside one transaction.
public protocol SQLExecutor: Sendable {
    /// Runs `sql` (placeholders `$1`, `$2`, …) and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    /// Runs a statement without binds.
    public func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }
}

/// The two SQL dialects the store speaks; the schema and queries are shared, these are the differences.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// Row lock for read-then-write sequences (SQLite locks the whole database per write transaction).
    /// PostgreSQL: NO KEY UPDATE serializes writers of the row but, unlike FOR UPDATE, does not
    /// block the KEY SHARE lock a concurrent foreign-key check takes (which would deadlock with a
    /// concurrent insert of the same address).
    var forUpdate: String { self == .postgres ? " FOR NO KEY UPDATE" : "" }
    /// Locks the rows read (of `table` alone in a join), passing over rows another transaction holds
    /// (SQLite has one writer).
    func forUpdateSkipLocked(of table: String? = nil) -> String {
        self == .postgres ? " FOR NO KEY UPDATE\(table.map { " OF \($0)" } ?? "") SKIP LOCKED" : ""
    }
    /// The database's own clock in unix milliseconds: instances whose clocks disagree agree on it.
    var nowMillis: String {
        self == .postgres
            ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
            : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
    }
}

/// A database the store can run transactions on.
public protocol SQLDatabase: Sendable {
    /// Which SQL dialect it speaks.
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs statements outside an explicit transaction: reads, and single statements that are
    /// atomic on their own (each commits by itself).
    func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
}
