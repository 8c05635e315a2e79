import ArgumentParser
import Foundation
import LodestoneAPI
import LodestoneApp
import LodestoneCore
import LodestoneDomain
import LodestoneStore

/// `lodestone keys …`: the HD seed the service derives from.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the HD seed.", subcommands: [Init.self])

    /// `lodestone keys init`: creates (or imports) the seed and stores it sealed.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the HD seed, sealed with LODESTONE_SEED_PASSPHRASE; shows a new mnemonic once.")

        @Option(help: "Import this BIP39 mnemonic instead of creating one (recovery, tests).")
        var mnemonicFile: String?

        @Option(help: "File holding the BIP39 passphrase of an imported mnemonic.")
        var passphraseFile: String?

        @Option(help: "Database URL (overrides database.url).")
        var database: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        @Flag(help: "Label the wallet as a development wallet (warned about at every start).")
        var development = false

        func run() async throws {
            guard let passphrase = ProcessInfo.processInfo.environment["LODESTONE_SEED_PASSPHRASE"], !passphrase.isEmpty else {
                throw CLIError("set LODESTONE_SEED_PASSPHRASE: it encrypts the seed at rest and is needed at every start")
            }
            var mnemonic: String? = nil
            let seed: SecretBytes
            if let mnemonicFile {
                seed = try CommandInputs.seed(mnemonicFile: mnemonicFile, passphraseFile: passphraseFile)
            } else {
                guard passphraseFile == nil else { throw CLIError("--passphrase-file goes with --mnemonic-file") }
                let words = try BIP39.generate(words: 24)
                mnemonic = words
                seed = try BIP39.seed(mnemonic: words)
            }
            let sealed = try KeyVault.seal(seed, passphrase: passphrase, development: development)
            let url = try await OneShot.databaseURL(config: config, database: database)
            do {
                try await DatabaseLocation.with(url, logger: OneShot.logger) { store in
                    try await store.migrate()
                    try await store.storeSealedKey(name: ServerDependencies.seedName, sealed: sealed, now: Int64(Date().timeIntervalSince1970 * 1000))
                }
            } catch StoreError.conflict {
                throw CLIError("this database already has a seed; keys init never replaces one")
            }
            let stderr = FileHandle.standardError
            if development {
                stderr.write(Data("*** DEVELOPMENT WALLET: never send real funds to its addresses ***\n".utf8))
            }
            if let mnemonic {
                stderr.write(Data("Write these 24 words down and keep them offline. They are shown only this once:\n".utf8))
                print(mnemonic)
            } else {
                stderr.write(Data("Seed imported and sealed.\n".utf8))
            }
        }
    }
}

/// `lodestone apikey …`: API keys for the payment service and operators.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys.", subcommands: [Create.self])

    /// `lodestone apikey create`: prints only the new key; the store keeps its hash.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key (printed once).")

        @Option(help: "service (payment service) or operator (everything).")
        var role: String

        @Option(help: "A label for the key.")
        var name: String

        @Option(help: "Database URL (overrides database.url).")
        var database: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        func run() async throws {
            guard let role = APIKeyRole(rawValue: role) else { throw CLIError("--role must be service or operator") }
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw CLIError("--name must be 1 to 64 letters, digits, '-', '_' or '.'")
            }
            let key = APIKeySecret.generate()
            let record = APIKeyRecord(
                id: ResourceID.make("key"), name: name, role: role, hash: APIKeySecret.hash(key),
                createdAt: Int64(Date().timeIntervalSince1970 * 1000))
            let url = try await OneShot.databaseURL(config: config, database: database)
            try await DatabaseLocation.with(url, logger: OneShot.logger) { store in
                try await store.migrate()
                try await store.createAPIKey(record)
            }
            print(key)
        }
    }
}

/// `lodestone config …`: configuration checks.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    /// `lodestone config check`: reports every problem of a file with its key path.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a configuration file.")

        @Argument(help: "The YAML file (default config/lodestone.yaml).")
        var file: String = ConfigLoading.defaultPath

        func run() async throws {
            let problems = ConfigFileCheck.problems(path: file)
            guard problems.isEmpty else { throw ConfigurationProblems(problems: problems.map { "\(file): \($0)" }) }
            print("{\"valid\":true,\"file\":\(jsonString(file))}")
        }
    }
}
