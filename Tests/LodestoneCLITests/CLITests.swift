import Foundation
import Testing

/// Published values these tests compare against: BIP84/BIP86 test vectors and bip-utils output
/// (Vectors/bip and Vectors/addresses), for the mnemonic "abandon … about".
@Suite struct CLITests {
    static let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
    static let mnemonicFile = try! CLI.tempFile(mnemonic + "\n")

    static func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// The one-line-error contract: non-zero exit, nothing on stdout, one line on stderr.
    static func expectRefused(_ args: [String], mentioning word: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let r = try CLI.run(args)
        #expect(r.status != 0, "exit status", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(word), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test func deriveBip84FromMnemonic() throws {
        let r = try CLI.run(["derive", "--network", "bitcoin", "--index", "0", "--count", "2", "--mnemonic-file", Self.mnemonicFile])
        #expect(r.status == 0)
        #expect(r.lines.count == 2)
        let first = try Self.json(r.lines[0])
        #expect(first["network"] as? String == "bitcoin")
        #expect(first["path"] as? String == "m/84'/0'/0'/0/0")
        #expect(first["index"] as? Int == 0)
        #expect(first["address"] as? String == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu")
        #expect(first["public_key"] as? String == "0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c")
        #expect(try Self.json(r.lines[1])["address"] as? String == "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g")
    }

    @Test func deriveTaprootWithScript() throws {
        let r = try CLI.run(["derive", "--network", "bitcoin", "--index", "1", "--script", "p2tr", "--mnemonic-file", Self.mnemonicFile])
        #expect(r.status == 0)
        #expect(try Self.json(r.lines[0])["address"] as? String == "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh")
    }

    @Test(arguments: ["ethereum", "bsc", "polygon", "base", "arbitrum", "tron", "solana", "bitcoin-testnet", "bitcoin-regtest"])
    func xpubAndMnemonicAgree(_ network: String) throws {
        let fromSeed = try CLI.run(["derive", "--network", network, "--index", "3", "--count", "3", "--mnemonic-file", Self.mnemonicFile])
        #expect(fromSeed.status == 0)
        #expect(fromSeed.lines.count == 3)
        if network == "solana" {
            try Self.expectRefused(["xpub", "--network", "solana", "--mnemonic-file", Self.mnemonicFile], mentioning: "ed25519")
            return
        }
        let x = try CLI.run(["xpub", "--network", network, "--mnemonic-file", Self.mnemonicFile])
        #expect(x.status == 0)
        let key = try #require(try Self.json(x.lines[0])["xpub"] as? String)
        let watchOnly = try CLI.run(["derive", "--network", network, "--index", "3", "--count", "3", "--xpub", key])
        #expect(watchOnly.status == 0)
        #expect(watchOnly.stdout == fromSeed.stdout)
    }

    @Test func knownAddressesPerNetwork() throws {
        // From Vectors/addresses (bip-utils), index 0, account 0.
        let expected = [
            "ethereum": "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
            "tron": "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH",
            "solana": "HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk",
        ]
        for (network, address) in expected {
            let r = try CLI.run(["derive", "--network", network, "--index", "0", "--mnemonic-file", Self.mnemonicFile])
            #expect(try Self.json(r.lines[0])["address"] as? String == address, "\(network)")
        }
    }

    @Test func passphraseFileChangesTheSeed() throws {
        let pass = try CLI.tempFile("TREZOR\n")
        let a = try CLI.run(["derive", "--network", "ethereum", "--index", "0", "--mnemonic-file", Self.mnemonicFile])
        let b = try CLI.run(["derive", "--network", "ethereum", "--index", "0", "--mnemonic-file", Self.mnemonicFile, "--passphrase-file", pass])
        #expect(b.status == 0)
        #expect(a.stdout != b.stdout)
    }

    @Test func xpubPrintsSlip132Versions() throws {
        let r = try CLI.run(["xpub", "--network", "bitcoin", "--mnemonic-file", Self.mnemonicFile])
        let obj = try Self.json(r.lines[0])
        #expect(obj["path"] as? String == "m/84'/0'/0'")
        #expect(obj["xpub"] as? String
            == "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
        let t = try CLI.run(["xpub", "--network", "bitcoin", "--script", "p2tr", "--mnemonic-file", Self.mnemonicFile])
        #expect(try Self.json(t.lines[0])["xpub"] as? String
            == "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ")
    }

    @Test func validateNormalizes() throws {
        let r = try CLI.run(["address", "validate", "--network", "ethereum", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"])
        #expect(r.status == 0)
        let obj = try Self.json(r.lines[0])
        #expect(obj["valid"] as? Bool == true)
        #expect(obj["normalized"] as? String == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let bad = try CLI.run(["address", "validate", "--network", "bitcoin-testnet", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"])
        #expect(bad.status != 0)
        #expect(try Self.json(bad.lines[0])["valid"] as? Bool == false)
        #expect(bad.stderr.contains("bitcoin-testnet"))
    }

    @Test func mnemonicNewIsValidAndFresh() throws {
        let a = try CLI.run(["mnemonic", "new", "--words", "12"])
        let b = try CLI.run(["mnemonic", "new"])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout.split(separator: " ").count == 12)
        #expect(b.stdout.split(separator: " ").count == 24)
        let file = try CLI.tempFile(a.stdout)
        #expect(try CLI.run(["derive", "--network", "tron", "--index", "0", "--mnemonic-file", file]).status == 0)
    }

    @Test(arguments: [
        (["derive", "--network", "dogecoin", "--index", "0", "--mnemonic-file", "/dev/null"], "dogecoin"),
        (["derive", "--network", "bitcoin", "--index", "2147483648", "--mnemonic-file", "M"], "2147483647"),
        (["derive", "--network", "bitcoin", "--index", "-1", "--mnemonic-file", "M"], "index"),
        (["derive", "--network", "bitcoin", "--index", "1x", "--mnemonic-file", "M"], "index"),
        (["derive", "--network", "bitcoin", "--index", "0", "--count", "0", "--mnemonic-file", "M"], "count"),
        (["derive", "--network", "bitcoin", "--index", "2147483647", "--count", "2", "--mnemonic-file", "M"], "2147483647"),
        (["derive", "--network", "bitcoin", "--index", "0", "--account", "2147483648", "--mnemonic-file", "M"], "account"),
        (["derive", "--network", "bitcoin", "--index", "0"], "--mnemonic-file"),
        (["derive", "--network", "bitcoin", "--index", "0", "--mnemonic-file", "/nonexistent/m"], "cannot read"),
        (["derive", "--network", "ethereum", "--index", "0", "--script", "p2tr", "--mnemonic-file", "M"], "Bitcoin"),
        (["derive", "--network", "bitcoin", "--index", "0", "--script", "p2pkh", "--mnemonic-file", "M"], "--script"),
        (["derive", "--network", "solana", "--index", "0", "--xpub", "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8"], "solana"),
        (["derive", "--network", "ethereum", "--index", "0", "--xpub", "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8"], "depth"),
        (["derive", "--network", "ethereum", "--index", "0", "--xpub", "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"], "private"),
        (["derive", "--network", "ethereum", "--index", "0", "--xpub", "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Q5JXayek4PRsn35jii4veMimro1xefsM58PgBMrvdYre8QyULY"], "public key"),
        (["derive", "--network", "ethereum", "--index", "0", "--xpub", "notakey"], "--xpub"),
        (["derive", "--network", "bitcoin-testnet", "--index", "0", "--xpub", "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"], "mainnet"),
        (["derive", "--network", "bitcoin", "--index", "0", "--script", "p2tr", "--xpub", "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"], "p2wpkh"),
        (["xpub", "--network", "bitcoin", "--mnemonic-file", "BAD"], "word"),
        (["address", "validate", "--network", "tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"], "checksum"),
        (["address", "validate", "--network", "ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"], "EIP-55"),
        (["mnemonic", "new", "--words", "13"], "13"),
        (["frobnicate"], "frobnicate"),
    ])
    func refusesBadInputWithOneLine(_ args: [String], _ word: String) throws {
        let badMnemonic = try CLI.tempFile("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon zebra")
        let resolved = args.map { $0 == "M" ? Self.mnemonicFile : $0 == "BAD" ? badMnemonic : $0 }
        try Self.expectRefused(resolved, mentioning: word)
    }

    @Test func mnemonicNeverEchoedInErrors() throws {
        let secret = "legal winner thank year wave sausage worth useful legal winner thank thank"
        let r = try CLI.run(["derive", "--network", "ethereum", "--index", "0", "--mnemonic-file", try CLI.tempFile(secret)])
        #expect(r.status != 0)
        #expect(!r.stderr.contains("legal winner"))
    }

    @Test func largeCountStreams() throws {
        let r = try CLI.run(["derive", "--network", "ethereum", "--index", "0", "--count", "2000", "--mnemonic-file", Self.mnemonicFile])
        #expect(r.status == 0)
        #expect(r.lines.count == 2000)
        #expect(Set(r.lines.map { $0 }).count == 2000)
        #expect(try Self.json(r.lines[1999])["index"] as? Int == 1999)
    }
}
