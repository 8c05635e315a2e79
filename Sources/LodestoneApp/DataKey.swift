import Crypto
import Foundation
public import Logging
public import LodestoneStore

/// The data key that seals webhook signing secrets at rest. Unlike the seed passphrase, every
/// deployment has it, watch-only ones included, because webhooks must be signed either way.
/// It comes from `LODESTONE_DATA_KEY` (base64 of 32 bytes; the choice for several instances,
/// which must share it) or else from the key file (`secrets.data_key_file`; for SQLite by default
/// `data.key` beside the database), created 0600 with a random key on first use. PostgreSQL has
/// no default: instances sharing a database must share the key, so it is never made up per machine.
public enum DataKey {
    /// The sealer for the configured deployment.
    public static func sealer(environmentKey: String?, configuredFile: String?, databaseURL: String, logger: Logger) throws
        -> SecretSealer
    {
        if let environmentKey, !environmentKey.isEmpty {
            return try sealer(environmentKey: environmentKey, file: "", logger: logger)
        }
        if let configuredFile { return try sealer(environmentKey: nil, file: configuredFile, logger: logger) }
        guard databaseURL.hasPrefix("sqlite://") else {
            throw Failure(description: """
                a PostgreSQL deployment needs the data key that seals webhook secrets: set LODESTONE_DATA_KEY \
                (32 bytes in base64, e.g. `openssl rand -base64 32`; the same on every instance) or secrets.data_key_file
                """)
        }
        let path = String(databaseURL.dropFirst("sqlite://".count))
        // An in-memory database keeps nothing, so neither does its key.
        if path == ":memory:" { return SecretSealer.random() }
        let file = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("data.key").path
        return try sealer(environmentKey: nil, file: file, logger: logger)
    }

    /// Failures to read the data key.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The sealer from an environment key, else from `file`.
    static func sealer(environmentKey: String?, file: String, logger: Logger) throws -> SecretSealer {
        if let environmentKey, !environmentKey.isEmpty {
            guard let bytes = Data(base64Encoded: environmentKey.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw Failure(description: "LODESTONE_DATA_KEY must be 32 bytes in base64 (for example: openssl rand -base64 32)")
            }
            return try SecretSealer(key: SymmetricKey(data: bytes))
        }
        let fm = FileManager.default
        if !fm.fileExists(atPath: file) {
            let dir = URL(fileURLWithPath: file).deletingLastPathComponent().path
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
            guard fm.createFile(atPath: file, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "cannot create the data key file \(file)")
            }
            logger.notice("created a new data key file for sealing webhook secrets; back it up with the database", metadata: ["file": "\(file)"])
        }
        let attributes = try fm.attributesOfItem(atPath: file)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Failure(description: "the data key file \(file) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let text = fm.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }),
            let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else { throw Failure(description: "the data key file \(file) must hold 32 bytes in base64") }
        return try SecretSealer(key: SymmetricKey(data: bytes))
    }
}
