import ArgumentParser
import Foundation
import LodestoneCore
import LodestoneDomain

/// `lodestone address …`: address utilities.
struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address", abstract: "Address utilities.", subcommands: [Validate.self, TokenAccounts.self])

    /// `lodestone address validate`: checks an address for a network and prints its normalized form.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate an address for a network.")

        @Option(help: "Network id.")
        var network: String

        @Argument(help: "The address to check.")
        var address: String

        func run() throws {
            let network = try CommandInputs.network(network)
            do {
                let parsed = try AddressCodec.parse(address, network: network)
                try printJSON(["valid": .bool(true), "normalized": .string(parsed.normalized), "kind": .string(parsed.kind.rawValue)] as [String: JSONValue])
            } catch {
                try printJSON(["valid": .bool(false), "error": .string("\(error)")] as [String: JSONValue])
                throw error
            }
        }
    }

    /// `lodestone address token-accounts`: the associated token accounts of Solana owners.
    struct TokenAccounts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token-accounts",
            abstract: "Print the associated token account of Solana owners for each Solana token asset (one JSON object per line).")

        @Option(help: "A Solana owner address; repeatable.")
        var owner: [String] = []

        @Option(help: "A file with one Solana owner address per line.")
        var ownerFile: String?

        func run() throws {
            var owners = owner
            if let ownerFile {
                guard let text = try? String(contentsOfFile: ownerFile, encoding: .utf8) else {
                    throw CLIError("cannot read --owner-file \(ownerFile)")
                }
                owners += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            guard !owners.isEmpty else { throw CLIError("give --owner or --owner-file") }
            var out = OutputBuffer()
            for (n, text) in owners.enumerated() {
                do { _ = try SolanaAddress.parse(text) } catch { throw CLIError("owner \(n + 1) is not a Solana address: \(error)") }
                for e in try SolanaTokenAccounts.entries(owner: text, assets: AssetCatalog.defaults(for: .solana)) {
                    let row: [String: JSONValue] = [
                        "owner": .string(text), "asset": .string(e.assetID), "mint": .string(e.mint), "token_program": .string(e.tokenProgram),
                        "address": .string(e.address),
                    ]
                    out.line(try jsonText(row))
                }
            }
            out.flush()
        }
    }
}
