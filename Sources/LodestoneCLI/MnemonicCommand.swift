import ArgumentParser
import LodestoneCore

/// `lodestone mnemonic …`: mnemonic utilities.
struct MnemonicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemonic", abstract: "Mnemonic utilities.", subcommands: [New.self])

    /// `lodestone mnemonic new`: a fresh BIP39 mnemonic from the system's randomness.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a new BIP39 English mnemonic.")

        @Option(help: "Number of words: 12, 15, 18, 21 or 24.")
        var words: Int = 24

        func run() throws {
            print(try BIP39.generate(words: words))
        }
    }
}
