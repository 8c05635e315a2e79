import ArgumentParser
import Foundation
import LodestoneCore
import LodestoneStore

/// `lodestone pool …`: addresses derived on an offline machine for a network with no public
/// derivation (Solana), so the server issues them without ever holding the seed.
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool", abstract: "Import and count pooled deposit addresses (derived offline).", subcommands: [Import.self, Status.self])

    /// `lodestone pool import`: adds the lines `lodestone derive` printed to a network's pool.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import addresses printed by `lodestone derive --network solana --count N` on an offline machine.")

        @Option(help: "Network id (solana).")
        var network: String

        @Argument(help: "The file `lodestone derive` wrote (one JSON object per line).")
        var file: String

        @OptionGroup var store: APIKeyCommand.StoreOptions

        func run() async throws {
            let network = try CommandInputs.network(network)
            guard network.family == .solana else {
                throw CLIError("--network: pools are for Solana, which has no public derivation; other networks derive from an xpub")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIError("cannot read \(file)") }
            var addresses: [DerivedAddress] = []
            for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.allSatisfy(\.isWhitespace) {
                guard let derived = try? JSONDecoder().decode(DerivedAddress.self, from: Data(line.utf8)) else {
                    throw CLIError("\(file) line \(n + 1) is not a line `lodestone derive` prints")
                }
                guard derived.network == network else { throw CLIError("\(file) line \(n + 1) is for \(derived.network), not \(network)") }
                do { _ = try AddressCodec.parse(derived.address, network: network) } catch {
                    throw CLIError("\(file) line \(n + 1): \(error)")
                }
                addresses.append(derived)
            }
            guard !addresses.isEmpty else { throw CLIError("\(file) holds no addresses") }
            let now = APIKeyCommand.now()
            let read = addresses
            let (result, remaining) = try await OneShot.withStore(config: store.config, database: store.database) { store in
                (try await store.importPool(network: network, addresses: read, now: now), try await store.poolRemaining(network: network))
            }
            try printJSON(["imported": result.imported, "skipped": result.skipped, "remaining": remaining])
        }
    }

    /// `lodestone pool status`: how many pooled addresses are left.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print how many pooled addresses are left to issue.")

        @Option(help: "Network id (solana).")
        var network: String

        @OptionGroup var store: APIKeyCommand.StoreOptions

        func run() async throws {
            let network = try CommandInputs.network(network)
            let remaining = try await OneShot.withStore(config: store.config, database: store.database) { try await $0.poolRemaining(network: network) }
            struct Line: Encodable {
                let network: String
                let remaining: Int
            }
            try printJSON(Line(network: network.rawValue, remaining: remaining))
        }
    }
}
