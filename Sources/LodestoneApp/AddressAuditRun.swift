import Configuration
import Foundation
public import Logging
public import LodestoneCore
import LodestoneDomain
import LodestoneStore

/// `lodestone audit addresses`: re-derives every issued address from the keys the auditor holds
/// (the configured xpubs, the seed sealed in the database, or a mnemonic given on the command line).
public enum AddressAuditRun {
    /// One row that is not verified.
    public struct Line: Sendable, Encodable {
        public let network: String
        public let customer: String
        public let address: String
        public let derivationPath: String
        public let index: UInt32
        public let finding: String
        public let reason: String
        enum CodingKeys: String, CodingKey {
            case network, customer, address, index, finding, reason
            case derivationPath = "derivation_path"
        }
    }

    /// Totals.
    public struct Summary: Sendable, Encodable {
        public var checked = 0
        public var verified = 0
        public var differing = 0
        public var unverifiable = 0
        /// Where the seed came from: `mnemonic`, `database`, or `none`.
        public var seed = "none"
    }

    /// Audits every row; `report` receives each row that is not verified, as it is found.
    public static func run(
        configPath: String?, databaseURL: String?, mnemonicSeed: SecretBytes?, logger: Logger, report: @Sendable (Line) -> Void
    ) async throws -> Summary {
        try await ConfiguredStore.with(configPath: configPath, databaseURL: databaseURL, logger: logger) { config, reader, store in
            var watchOnly: [NetworkID: AddressDeriver] = [:]
            for (network, settings) in config.networks {
                guard let xpub = settings.xpub else { continue }
                watchOnly[network] = try NetworkKeys.watchOnlyDeriver(
                    network: network, script: settings.script, account: settings.account, extendedKey: xpub)
            }
            let passphrase = reader.string(forKey: "seed_passphrase", isSecret: true)
            var summary = Summary()
            var seed = mnemonicSeed
            if seed != nil {
                summary.seed = "mnemonic"
            } else if let sealed = try await store.sealedKey(name: ServerDependencies.seedName), let passphrase, !passphrase.isEmpty {
                seed = try KeyVault.open(sealed, passphrase: passphrase).seed
                summary.seed = "database"
            }
            var audit = AddressAudit(watchOnly: watchOnly, seed: seed)
            var after: (network: String, customerID: String)? = nil
            while true {
                let rows = try await store.addressRowsForAudit(after: after, limit: 1_000)
                guard let last = rows.last else { break }
                after = (last.address.network, last.address.customerID)
                for (row, matchKey) in rows {
                    summary.checked += 1
                    let finding = audit.check(row, matchKey: matchKey)
                    let (kind, reason): (String, String)
                    switch finding {
                    case .verified:
                        summary.verified += 1
                        continue
                    case .differs(let why):
                        summary.differing += 1
                        (kind, reason) = ("differs", why)
                    case .unverifiable(let why):
                        summary.unverifiable += 1
                        (kind, reason) = ("unverifiable", why)
                    }
                    report(
                        Line(
                            network: row.network, customer: row.customerID, address: row.address, derivationPath: row.derivationPath,
                            index: row.index, finding: kind, reason: reason))
                }
            }
            return summary
        }
    }
}
