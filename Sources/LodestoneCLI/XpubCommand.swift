import ArgumentParser
import LodestoneCore

/// `lodestone xpub`: the account-level extended public key for watch-only deployments.
struct Xpub: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the account-level extended public key of a mnemonic.")

    @Option(help: "Network id.")
    var network: String

    @Option(help: "File holding the BIP39 mnemonic.")
    var mnemonicFile: String

    @Option(help: "File holding the BIP39 passphrase.")
    var passphraseFile: String?

    @Option(help: "BIP44 account.")
    var account: String = "0"

    @Option(help: "Bitcoin script: p2wpkh (default), p2tr, p2sh-p2wpkh.")
    var script: String?

    func run() throws {
        let network = try CommandInputs.network(network)
        guard network.family != .solana else {
            throw CLIError("solana has no extended public key: SLIP-0010 ed25519 has no public derivation")
        }
        let scheme = try DerivationScheme(
            network: network, script: try CommandInputs.script(script),
            account: try CommandInputs.index(account, option: "--account"))
        let seed = try CommandInputs.seed(mnemonicFile: mnemonicFile, passphraseFile: passphraseFile)
        let key = try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: seed)
        try printJSON(["network": network.rawValue, "path": scheme.accountPath.description, "xpub": key])
    }
}
