public import Configuration
public import Logging
public import LodestoneStore

/// What the one-shot commands share: the configuration (flags, environment, file) and the store it
/// names, migrated and open for the length of one body.
public enum ConfiguredStore {
    /// Loads the configuration, opens and migrates its store, and runs `body`.
    public static func with<T: Sendable>(
        configPath: String?, databaseURL: String?, logger: Logger,
        _ body: @Sendable (_ config: LodestoneConfiguration, _ reader: ConfigReader, _ store: SQLStore) async throws -> T
    ) async throws -> T {
        var overrides: [String: ConfigValue] = [:]
        if let databaseURL { overrides["database.url"] = ConfigValue(.string(databaseURL), isSecret: true) }
        let (reader, _) = try await ConfigLoading.reader(path: configPath, overrides: overrides, logger: logger)
        let config = try LodestoneConfiguration.load(reader)
        let sealer = try DataKey.sealer(
            environmentKey: reader.string(forKey: "data_key", isSecret: true), configuredFile: config.dataKeyFile,
            databaseURL: config.databaseURL, logger: logger)
        return try await DatabaseLocation.with(config.databaseURL, sealer: sealer, logger: logger) { store in
            try await store.migrate()
            return try await body(config, reader, store)
        }
    }
}
