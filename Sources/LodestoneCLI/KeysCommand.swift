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
            do {
                try await OneShot.withStore(config: config, database: database) { store in
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
        commandName: "apikey", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self, Rotate.self])

    /// Where the keys are kept.
    struct StoreOptions: ParsableArguments {
        @Option(help: "Database URL (overrides database.url).")
        var database: String?

        @Option(help: "YAML configuration file.")
        var config: String?
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// One key as `list` and `revoke` print it: the API's listing, a JSON object per line.
    static func line(_ record: APIKeyRecord, now: Int64) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(APIKeyBody(record, now: now)), as: UTF8.self)
    }

    /// `lodestone apikey create`: prints only the new key; the store keeps its hash.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key (printed once).")

        @Option(help: "service (payment service) or operator (everything).")
        var role: String

        @Option(help: "A label for the key.")
        var name: String

        @Option(help: "Seconds until the key expires (default: never).")
        var expiresIn: Int64?

        @Option(help: "production (lsk_live_…, real money) or sandbox (lsk_test_…, test networks only).")
        var environment: String = DeploymentEnvironment.production.rawValue

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = APIKeyRole(rawValue: role) else { throw CLIError("--role must be service or operator") }
            guard let environment = DeploymentEnvironment(rawValue: environment) else {
                throw CLIError("--environment must be production or sandbox")
            }
            guard APIKeyRecord.isValidName(name) else { throw CLIError("--name must be 1 to 64 letters, digits, '-', '_' or '.'") }
            if let expiresIn, !(60...(10 * 365 * 86_400)).contains(expiresIn) {
                throw CLIError("--expires-in must be from 60 seconds to 10 years")
            }
            let now = APIKeyCommand.now()
            let (key, record) = APIKeySecret.issue(
                name: name, role: role, environment: environment, now: now, expiresAt: expiresIn.map { now + $0 * 1000 })
            try await OneShot.withStore(config: store.config, database: store.database) { store in
                try await store.createAPIKey(record)
                try await store.recordAudit(
                    AuditEvent(
                        id: ResourceID.make("aud"), actor: "cli", action: "api_key.create", target: record.id, oldValue: nil,
                        newValue: "\(role.rawValue) \(record.name)", createdAt: now, environment: environment))
            }
            print(key)
        }
    }

    /// `lodestone apikey list`: every key with its prefix and state.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (prefix, role, expiry, last use; never the key).")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let keys = try await OneShot.withStore(config: store.config, database: store.database) { try await $0.apiKeys() }
            let now = APIKeyCommand.now()
            for key in keys { print(try APIKeyCommand.line(key, now: now)) }
        }
    }

    /// `lodestone apikey revoke ID`: refused at once here, within seconds on every instance.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key at once.")

        @Argument(help: "The key's id (key_…), as `apikey list` shows it.")
        var id: String

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let now = APIKeyCommand.now()
            do {
                let record = try await OneShot.withStore(config: store.config, database: store.database) { store in
                    try await store.revokeAPIKey(id: id, at: now, actor: "cli", now: now)
                }
                print(try APIKeyCommand.line(record, now: now))
            } catch StoreError.notFound {
                throw CLIError("no API key \(id.prefix(64)); `lodestone apikey list` shows the ids")
            }
        }
    }

    /// `lodestone apikey rotate ID`: a new key with the same name and role; the old one stops
    /// working after the overlap (at once by default).
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace an API key: prints the new key once, revokes the old one.")

        @Argument(help: "The key's id (key_…).")
        var id: String

        @Option(help: "Seconds the old key keeps working, so clients can switch (default 0).")
        var overlapSeconds: Int64 = 0

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard (0...(7 * 86_400)).contains(overlapSeconds) else { throw CLIError("--overlap-seconds must be from 0 to 604800") }
            let now = APIKeyCommand.now()
            let overlap = overlapSeconds
            let key = try await OneShot.withStore(config: store.config, database: store.database) { store -> String in
                guard let old = try await store.apiKey(id: id) else {
                    throw CLIError("no API key \(id.prefix(64)); `lodestone apikey list` shows the ids")
                }
                guard old.refusal(now: now) == nil else { throw CLIError("API key \(id) is already revoked or expired") }
                let (key, record) = APIKeySecret.issue(
                    name: old.name, role: old.role, environment: old.environment, now: now, expiresAt: old.expiresAt)
                try await store.createAPIKey(record)
                _ = try await store.revokeAPIKey(id: old.id, at: now + overlap * 1000, actor: "cli", now: now)
                return key
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
            try printJSON(["valid": .bool(true), "file": .string(file)] as [String: JSONValue])
        }
    }
}
