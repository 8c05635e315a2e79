public import Logging
public import PostgresNIO
import Foundation

/// The production store: PostgreSQL through PostgresNIO's connection pool.
///
/// The pool must run: add ``client`` to the service group, or use ``withRunningClient(_:)``.
public final class PostgresDatabase: SQLDatabase {
    public var dialect: SQLDialect { .postgres }
    /// The connection pool; a `Service`.
    public let client: PostgresClient
    private let logger: Logger

    /// A database for `postgres://user:password@host:port/database`. `sslmode` as libpq reads it:
    /// `disable`, `prefer` (the default: TLS when the server offers it), `require` (TLS, the
    /// certificate not checked), `verify-ca` (checked against `sslrootcert`, else the system's roots)
    /// or `verify-full` (also the host name). `?search_path=schema` works inside one schema.
    public init(url: String, logger: Logger) throws {
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw StoreError.badURL("expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw StoreError.badURL("no host") }
        guard let user = components.user, !user.isEmpty else { throw StoreError.badURL("no user name") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty else { throw StoreError.badURL("no database name") }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let rootCertificate = components.queryItems?.first { $0.name == "sslrootcert" }?.value
        func tlsConfiguration(_ verification: CertificateVerification) -> TLSConfiguration {
            var c = TLSConfiguration.makeClientConfiguration()
            c.certificateVerification = verification
            if let rootCertificate { c.trustRoots = .file(rootCertificate) }
            return c
        }
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(tlsConfiguration(.none))
        case "require": tls = .require(tlsConfiguration(.none))
        case "verify-ca": tls = .require(tlsConfiguration(.noHostnameVerification))
        case "verify-full": tls = .require(tlsConfiguration(.fullVerification))
        default: throw StoreError.badURL("sslmode must be disable, prefer, require, verify-ca or verify-full")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user,
            password: components.password?.removingPercentEncoding, database: database, tls: tls)
        configuration.options.maximumConnections = 16
        if let schema = components.queryItems?.first(where: { $0.name == "search_path" })?.value {
            guard schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw StoreError.badURL("search_path must be a plain schema name")
            }
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs `body` while the pool runs, then stops the pool (for one-shot commands and tests).
    public func withRunningClient<T: Sendable>(_ body: @Sendable (PostgresDatabase) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            defer { group.cancelAll() }
            // Let the pool start before the first lease (PostgresNIO warns about leases before run()).
            try await Task.sleep(for: .milliseconds(50))
            return try await body(self)
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                let executor = Executor(connection: connection, logger: logger)
                _ = try await executor.query("BEGIN")
                do {
                    let result = try await body(executor)
                    _ = try await executor.query("COMMIT")
                    return result
                } catch {
                    _ = try? await executor.query("ROLLBACK")
                    throw error
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { try await body(Executor(connection: $0, logger: logger)) }
        } catch {
            throw Self.translate(error)
        }
    }

    /// PostgreSQL failures become `StoreError.backend`; errors from the caller's body pass through.
    static func translate(_ error: any Error) -> any Error {
        if let psql = error as? PSQLError {
            // PSQLError's description hides server details by design; keep the server's message.
            let message = psql.serverInfo?[.message] ?? "\(psql.code)"
            let code = psql.serverInfo?[.sqlState] ?? ""
            return StoreError.backend("\(message) \(code)".trimmingCharacters(in: .whitespaces))
        }
        return error
    }

    struct Executor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        static func value(_ cell: PostgresCell) throws -> SQLValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int8, .int4, .int2: return .int(try cell.decode(Int64.self))
            case .text, .varchar, .name: return .text(try cell.decode(String.self))
            default: throw StoreError.corrupt("unexpected column type \(cell.dataType) in \(cell.columnName)")
            }
        }

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            var bindings = PostgresBindings(capacity: binds.count)
            for value in binds {
                switch value {
                case .null: bindings.appendNull()
                case .int(let i): bindings.append(i)
                case .text(let t): bindings.append(t)
                }
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            var out: [SQLRow] = []
            for try await row in rows {
                var values: [SQLValue] = []
                for cell in row { values.append(try Self.value(cell)) }
                out.append(SQLRow(values: values))
            }
            return out
        }
    }
}
