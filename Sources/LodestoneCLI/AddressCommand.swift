import ArgumentParser
import Foundation
import LodestoneCore

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
                print("{\"valid\":true,\"normalized\":\"\(parsed.normalized)\",\"kind\":\"\(parsed.kind.rawValue)\"}")
            } catch {
                print("{\"valid\":false,\"error\":\(jsonString(error.description))}")
                throw error
            }
        }
    }
}
