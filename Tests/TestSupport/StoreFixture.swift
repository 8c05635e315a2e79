import Synchronization
import Foundation
import Logging
public import LodestoneStore
public import Testing

/// The store backends every contract test runs against.
public enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    public var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when `LODESTONE_TEST_POSTGRES_URL` names a server (the test script starts one).
    public static var available: [Backend] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["LODESTONE_TEST_POSTGRES_URL"] }

    /// True when the run must include PostgreSQL (CI): a missing server is then a failure, not a skip.
    public static var postgresRequired: Bool { ProcessInfo.processInfo.environment["LODESTONE_REQUIRE_POSTGRES"] == "1" }
}

/// Gives a test a freshly migrated store: a new SQLite file, or a new PostgreSQL schema.
public enum StoreFixture {
    static let logger = Logger(label: "lodestone.test")

    public static func with<T: Sendable>(_ backend: Backend, _ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestone-\(UUID().uuidString)")
            let db = try await SQLiteDatabase.open(path: dir.appendingPathComponent("test.sqlite").path)
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = SQLStore(database: db, sealer: .random())
            try await store.migrate()
            do {
                let result = try await body(store)
                try await db.close()
                return result
            } catch {
                try? await db.close()
                throw error
            }
        case .postgres:
            let url = try #require(Backend.postgresURL, "LODESTONE_TEST_POSTGRES_URL is not set")
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            // A PostgresClient runs once: one admin client around the whole test.
            let admin = try PostgresDatabase(url: url, logger: logger)
            let result = try await admin.withRunningClient { admin in
                _ = try await admin.transaction { try await $0.query("CREATE SCHEMA \(schema)") }
                let db = try PostgresDatabase(url: url + "?search_path=\(schema)", logger: logger)
                let result: T
                do {
                    result = try await db.withRunningClient { db in
                        let store = SQLStore(database: db, sealer: .random())
                        try await store.migrate()
                        return try await body(store)
                    }
                } catch {
                    _ = try? await admin.transaction { try await $0.query("DROP SCHEMA \(schema) CASCADE") }
                    throw error
                }
                _ = try await admin.transaction { try await $0.query("DROP SCHEMA \(schema) CASCADE") }
                return result
            }
            return result
        }
    }
}

/// A clock tests can move: unix milliseconds behind a lock.
public final class TestClock: Sendable {
    private let value: Mutex<Int64>
    public init(_ start: Int64 = 1_800_000_000_000) { value = Mutex(start) }
    public func now() -> Int64 { value.withLock { $0 } }
    public func advance(seconds: Int64) { value.withLock { $0 += seconds * 1000 } }
}
