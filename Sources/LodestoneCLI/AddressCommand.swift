import ArgumentParser
import Foundation
import LodestoneCore
import LodestoneDomain

/// `lodestone address …`: address utilities.
struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address", abstract: "Address utilities.", subcommands: [Validate.self])

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
}
