import ArgumentParser
import Foundation
import LodestoneApp
import LodestoneCore

/// `lodestone audit …`: the auditor's checks, read only.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check issued addresses and the ledger (read only; non-zero exit on a finding).",
        subcommands: [Addresses.self, Ledger.self])

    /// `lodestone audit addresses`: every issued address re-derived from the keys.
    struct Addresses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-derive every issued address from the configured xpubs or the seed and report any row that differs.")

        @Option(help: "BIP39 mnemonic file: audit with this seed (offline audits of pooled Solana addresses).")
        var mnemonicFile: String?

        @Option(help: "BIP39 passphrase file (with --mnemonic-file).")
        var passphraseFile: String?

        @OptionGroup var store: APIKeyCommand.StoreOptions

        func run() async throws {
            if passphraseFile != nil, mnemonicFile == nil { throw CLIError("--passphrase-file goes with --mnemonic-file") }
            let seed = try mnemonicFile.map { try CommandInputs.seed(mnemonicFile: $0, passphraseFile: passphraseFile) }
            let summary = try await AddressAuditRun.run(
                configPath: store.config, databaseURL: store.database, mnemonicSeed: seed, logger: OneShot.logger
            ) { line in print((try? jsonText(line)) ?? "") }
            try printJSON(summary)
            if summary.differing > 0 {
                throw CLIError("\(summary.differing) issued address(es) differ from what the keys derive")
            }
        }
    }

    /// `lodestone audit ledger`: deposits, ledger entries and intents reconciled per customer and asset.
    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile every customer's intents and balances with their deposits and report what disagrees.")

        @Flag(help: "Also compare each issued address's balances on chain (EVM networks with endpoints) with its recorded deposits.")
        var onChain = false

        @OptionGroup var store: APIKeyCommand.StoreOptions

        func run() async throws {
            let summary = try await LedgerAuditRun.run(
                configPath: store.config, databaseURL: store.database, onChain: onChain, logger: OneShot.logger,
                report: { print((try? jsonText($0)) ?? "") }, reportOnChain: { print((try? jsonText($0)) ?? "") })
            try printJSON(summary)
            if summary.findings > 0 { throw CLIError("the ledger does not reconcile: \(summary.findings) finding(s)") }
        }
    }
}
