public import Configuration
import Foundation
public import Logging
import SystemPackage

/// Builds the configuration reader: flags, then `LODESTONE_…` environment, then the YAML file.
public enum ConfigLoading {
    /// The file `serve` reads when `--config` is not given.
    public static let defaultPath = "config/lodestone.yaml"

    /// Where the ids the file's `assets:` mapping names are handed to the loader (a reader cannot
    /// list keys, and an operator's own token is known only by its id).
    public static let declaredAssetsKey = "assets_declared_in_file"

    /// A reader over `overrides` (from flags), the environment and the file at `path`
    /// (which must exist unless it is the default path). Returns the file provider too, which
    /// must run as a service for threshold changes to be picked up.
    public static func reader(path: String?, overrides: [String: ConfigValue], logger: Logger) async throws -> (
        ConfigReader, ReloadingFileProvider<YAMLSnapshot>?
    ) {
        let filePath = path ?? defaultPath
        let exists = FileManager.default.fileExists(atPath: filePath)
        if path != nil && !exists { throw ConfigurationProblems(problems: ["\(filePath): no such file"]) }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in overrides { values[AbsoluteConfigKey(stringLiteral: key)] = value }
        var reloading: ReloadingFileProvider<YAMLSnapshot>? = nil
        var fileProvider: ReloadingFileProvider<YAMLSnapshot>? = nil
        if exists {
            let problems = ConfigFileCheck.problems(path: filePath)
            guard problems.isEmpty else { throw ConfigurationProblems(problems: problems.map { "\(filePath): \($0)" }) }
            values[AbsoluteConfigKey(stringLiteral: declaredAssetsKey)] = ConfigValue(.stringArray(ConfigFileCheck.assetIDs(path: filePath)), isSecret: false)
            let once = ConfigReader(provider: try await FileProvider<YAMLSnapshot>(filePath: FilePath(filePath)))
            let poll = once.int(forKey: "config_reload_seconds") ?? 5
            fileProvider = try await ReloadingFileProvider<YAMLSnapshot>(filePath: FilePath(filePath), pollInterval: .seconds(poll), logger: logger)
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(values: values),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["LODESTONE_SEED_PASSPHRASE", "LODESTONE_DATABASE_URL"]))
                .prefixKeys(with: "lodestone"),
        ]
        if let fileProvider {
            providers.append(fileProvider)
            reloading = fileProvider
        }
        return (ConfigReader(providers: providers), reloading)
    }
}
