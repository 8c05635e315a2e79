import Foundation
import Logging
import LodestoneStore
import TestSupport
import Testing

/// PostgreSQL over TLS, against the test server scripts/with-postgres starts with a certificate
/// signed by its own CA.
@Suite struct PostgresTLSTests {
    static var ca: String? { ProcessInfo.processInfo.environment["LODESTONE_TEST_POSTGRES_CA"] }
    static var url: String? { ProcessInfo.processInfo.environment["LODESTONE_TEST_POSTGRES_URL"] }
    static let logger = Logger(label: "lodestone.test.tls")

    /// 1 when the connection `query` (appended to the URL) makes is encrypted, 0 when not; throws
    /// when no connection comes within five seconds.
    static func encrypted(_ query: String) async throws -> Int64 {
        let url = try #require(Self.url)
        let db = try PostgresDatabase(url: url + query, logger: logger)
        return try await db.withRunningClient { db in
            try await withThrowingTaskGroup(of: Int64.self) { group in
                group.addTask {
                    try await db.read { db in
                        try await db.query("SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    }.first?.int(0) ?? -1
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(5))
                    throw CancellationError()
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        }
    }

    @Test func tlsCanBeRequiredAndTheServerVerified() async throws {
        guard let ca = Self.ca, Self.url != nil else {
            #expect(!Backend.postgresRequired, "LODESTONE_REQUIRE_POSTGRES is set but the test server has no CA")
            print("SKIPPED: PostgreSQL TLS tests need scripts/with-postgres")
            return
        }
        #expect(try await Self.encrypted("?sslmode=disable") == 0)
        #expect(try await Self.encrypted("") == 1, "the default (prefer) uses TLS when the server offers it")
        #expect(try await Self.encrypted("?sslmode=require") == 1)
        #expect(try await Self.encrypted("?sslmode=verify-ca&sslrootcert=\(ca)") == 1)
        #expect(try await Self.encrypted("?sslmode=verify-full&sslrootcert=\(ca)") == 1)
        // Without the CA the server's certificate is not trusted: no connection.
        await #expect(throws: (any Error).self) { try await Self.encrypted("?sslmode=verify-full") }
        #expect(throws: StoreError.self) { try PostgresDatabase(url: Self.url! + "?sslmode=allow-anything", logger: Self.logger) }
    }
}
