import ArgumentParser
import LodestoneCore

/// `lodestone derive`: deposit addresses by index, from a mnemonic or an account xpub.
struct Derive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Derive deposit addresses (one JSON object per line).")

    @Option(help: "Network id: \(NetworkID.allCases.map(\.rawValue).joined(separator: ", ")).")
    var network: String

    @Option(help: "First address index (0…2147483647).")
    var index: String

    @Option(help: "How many consecutive addresses to print.")
    var count: String = "1"

    @Option(help: "BIP44 account (Solana: the last path step).")
    var account: String = "0"

    @Option(help: "File holding the BIP39 mnemonic.")
    var mnemonicFile: String?

    @Option(help: "File holding the BIP39 passphrase.")
    var passphraseFile: String?

    @Option(help: "Account-level extended public key printed by `lodestone xpub` (watch-only).")
    var xpub: String?

    @Option(help: "Bitcoin script: p2wpkh (default), p2tr, p2sh-p2wpkh.")
    var script: String?

    func run() throws {
        let network = try CommandInputs.network(network)
        let first = try CommandInputs.index(index, option: "--index")
        let account = try CommandInputs.index(account, option: "--account")
        guard let count = Int(count), count >= 1 else { throw CLIError("--count must be a positive integer (got '\(count)')") }
        guard UInt64(first) + UInt64(count) - 1 < UInt64(DerivationPath.hardenedOffset) else {
            throw CLIError("--index + --count − 1 is above 2147483647")
        }
        let deriver = try makeDeriver(network: network, account: account)
        var out = OutputBuffer()
        for i in 0..<UInt32(count) {
            out.line(try deriver.address(index: first + i).jsonLine)
        }
        out.flush()
    }

    private func makeDeriver(network: NetworkID, account: UInt32) throws -> AddressDeriver {
        var script = try CommandInputs.script(self.script)
        switch (mnemonicFile, xpub) {
        case (let file?, nil):
            let scheme = try DerivationScheme(network: network, script: script, account: account)
            return try AddressDeriver(
                scheme: scheme, seed: try CommandInputs.seed(mnemonicFile: file, passphraseFile: passphraseFile))
        case (nil, let key?):
            guard passphraseFile == nil else { throw CLIError("--passphrase-file goes with --mnemonic-file, not --xpub") }
            guard network.family != .solana else {
                throw CLIError(
                    "--xpub cannot be used with solana: SLIP-0010 ed25519 has no public derivation; use --mnemonic-file")
            }
            let parsed: ParsedExtendedKey
            do { parsed = try ExtendedKeyCodec.parse(key) } catch {
                throw CLIError("--xpub is not a valid extended public key: \(error)")
            }
            guard case .public(let node, let version) = parsed else {
                throw CLIError("--xpub takes an extended public key; never pass a private key on the command line")
            }
            if network.family == .bitcoin, script == nil { script = version.impliedScript }
            let scheme = try DerivationScheme(network: network, script: script, account: account)
            return try AddressDeriver(scheme: scheme, accountKey: node, version: version)
        case (nil, nil):
            throw CLIError("give --mnemonic-file or --xpub")
        case (.some, .some):
            throw CLIError("give either --mnemonic-file or --xpub, not both")
        }
    }
}
