import LodestoneCore
import LodestoneDomain

/// The one `Store` implementation, over either SQL backend.
public struct SQLStore: Store {
    /// The backend.
    public let database: any SQLDatabase
    let facts = PermanentFacts()
    /// Seals webhook signing secrets before they are written, opens them when read.
    let sealer: SecretSealer

    /// A store over `database` that seals secrets with `sealer`.
    public init(database: any SQLDatabase, sealer: SecretSealer) {
        self.database = database
        self.sealer = sealer
    }

    public func migrate() async throws {
        let dialect = database.dialect
        try await database.transaction { db in
            if dialect == .postgres {
                // Two instances starting together must not both migrate.
                _ = try await db.query("SELECT 1 FROM pg_advisory_xact_lock(72177301)")
            }
            _ = try await db.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)")
        }
        for migration in Migrations.all {
            try await database.transaction { db in
                if dialect == .postgres { _ = try await db.query("SELECT 1 FROM pg_advisory_xact_lock(72177301)") }
                let done = try await db.query("SELECT version FROM schema_migrations WHERE version = $1", [.int(migration.version)])
                guard done.isEmpty else { return }
                for statement in migration.statements { _ = try await db.query(statement) }
                _ = try await db.query(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    [.int(migration.version), .text(migration.name)])
            }
        }
        try await sealPlaintextSecrets()
    }

    /// The version the schema has once every migration ran.
    public static var latestSchemaVersion: Int64 { Migrations.all.last?.version ?? 0 }

    /// The highest applied migration.
    public func schemaVersion() async throws -> Int64 {
        try await database.read { db in
            try await db.query("SELECT MAX(version) FROM schema_migrations").first?.optionalInt(0) ?? 0
        }
    }
}

extension SQLStore {
    /// The next number of sequence `name`, taken in the caller's transaction. The counter row stays
    /// locked until that transaction ends, so numbers are handed out in commit order.
    static func nextSequence(_ name: String, _ db: any SQLExecutor) async throws -> Int64 {
        guard
            let value = try await db.query(
                "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value", [.text("seq." + name)]
            ).first?.int(0)
        else { throw StoreError.corrupt("no sequence \(name)") }
        return value
    }
}
