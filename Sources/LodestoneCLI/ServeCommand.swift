import ArgumentParser
import Configuration
import LodestoneApp
import LodestoneStore
import Logging

/// `lodestone serve`: the HTTP API and background services.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Lodestone service.")

    @Option(help: "YAML configuration file (default config/lodestone.yaml).")
    var config: String?

    @Option(help: "Listen address (overrides server.host).")
    var host: String?

    @Option(help: "Listen port (overrides server.port).")
    var port: Int?

    @Option(help: "sqlite:///path/file.sqlite or postgres://user:pass@host:port/db (overrides database.url).")
    var database: String?

    func run() async throws {
        if let port, !(1...65535).contains(port) { throw CLIError("--port must be from 1 to 65535") }
        var logger = Logger(label: "lodestone")
        logger.logLevel = .info
        try await LodestoneServer.run(
            .init(configPath: config, host: host, port: port, databaseURL: database), logger: logger)
    }
}

/// `lodestone migrate`: brings the database schema up to date (serve also does this at start).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations.")

    @Option(help: "YAML configuration file.")
    var config: String?

    @Option(help: "Database URL (overrides database.url).")
    var database: String?

    func run() async throws {
        let version = try await OneShot.withStore(config: config, database: database) { store in
            try await store.migrate()
            return try await store.schemaVersion()
        }
        try printJSON(["schema_version": version])
    }
}

/// Shared set-up of the commands that open the store once and exit.
enum OneShot {
    static var logger: Logger {
        var l = Logger(label: "lodestone")
        l.logLevel = .warning
        return l
    }

    /// The database URL from the flag, else the environment or config file, and the sealer of
    /// the deployment's data key.
    static func storeSettings(config: String?, database: String?) async throws -> (url: String, sealer: SecretSealer) {
        var overrides: [String: ConfigValue] = [:]
        if let database { overrides["database.url"] = ConfigValue(.string(database), isSecret: true) }
        let (reader, _) = try await ConfigLoading.reader(path: config, overrides: overrides, logger: logger)
        let settings = try LodestoneConfiguration.load(reader)
        let sealer = try DataKey.sealer(
            environmentKey: reader.string(forKey: "data_key", isSecret: true), configuredFile: settings.dataKeyFile,
            databaseURL: settings.databaseURL, logger: logger)
        return (settings.databaseURL, sealer)
    }

    /// Opens the configured store, migrates it, runs `body`, and closes it.
    static func withStore<T: Sendable>(config: String?, database: String?, _ body: @Sendable (SQLStore) async throws -> T)
        async throws -> T
    {
        let (url, sealer) = try await storeSettings(config: config, database: database)
        return try await DatabaseLocation.with(url, sealer: sealer, logger: logger) { store in
            try await store.migrate()
            return try await body(store)
        }
    }
}
