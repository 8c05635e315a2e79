import LodestoneCore
import Testing

/// Properties over random seeds and keys (deterministic generator, so failures reproduce).
@Suite struct PropertyTests {
    static let secpNetworks: [(NetworkID, BitcoinScript?)] = [
        (.bitcoin, .p2wpkh), (.bitcoin, .p2tr), (.bitcoin, .p2shP2wpkh), (.bitcoinTestnet, .p2wpkh),
        (.bitcoinRegtest, .p2tr), (.ethereum, nil), (.tron, nil),
    ]

    @Test(arguments: 0..<8)
    func publicDerivationEqualsPrivateThenNeuter(_ round: Int) throws {
        var rng = SplitMix64(seed: UInt64(round) &* 7919)
        let seed = SecretBytes((0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) })
        for (network, script) in Self.secpNetworks {
            let account = UInt32.random(in: 0..<5, using: &rng)
            let scheme = try DerivationScheme(network: network, script: script, account: account)
            let key = try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: seed)
            guard case .public(let node, let version) = try ExtendedKeyCodec.parse(key) else {
                Issue.record("not public")
                continue
            }
            let fromSeed = try AddressDeriver(scheme: scheme, seed: seed)
            let watchOnly = try AddressDeriver(scheme: scheme, accountKey: node, version: version)
            for _ in 0..<4 {
                let index = UInt32.random(in: 0..<0x8000_0000, using: &rng)
                let a = try fromSeed.address(index: index)
                #expect(a == (try watchOnly.address(index: index)))
                // encode → parse round trip yields the same canonical text.
                #expect(try AddressCodec.parse(a.address, network: network).normalized == a.address)
            }
        }
    }

    @Test func solanaAddressesParseBack() throws {
        var rng = SplitMix64(seed: 99)
        let seed = SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let deriver = try AddressDeriver(scheme: DerivationScheme(network: .solana), seed: seed)
        for _ in 0..<20 {
            let a = try deriver.address(index: UInt32.random(in: 0..<0x8000_0000, using: &rng))
            let parsed = try AddressCodec.parse(a.address, network: .solana)
            #expect(Hex.encode(parsed.matchKey) == a.publicKey)
            #expect(SolanaAddress.isOnCurve(parsed.matchKey))
        }
    }

    @Test func randomPayloadsRoundTripThroughEveryCodec() throws {
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<200 {
            let twenty = (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let evm = EVMAddress.checksummed(twenty)
            #expect(try AddressCodec.parse(evm, network: .arbitrum).matchKey == twenty)
            let tron = TronAddress.encode(raw: [0x41] + twenty)
            #expect(tron.hasPrefix("T"))
            #expect(try AddressCodec.parse(tron, network: .tron).matchKey == [0x41] + twenty)
            let p2wpkh = Bech32.encodeSegwit(hrp: "bc", version: 0, program: twenty)
            #expect(try AddressCodec.parse(p2wpkh, network: .bitcoin).matchKey == [0, 20] + twenty)
            let program = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let p2tr = Bech32.encodeSegwit(hrp: "tb", version: 1, program: program)
            #expect(try AddressCodec.parse(p2tr, network: .bitcoinTestnet).matchKey == [0x51, 32] + program)
            #expect(try AddressCodec.parse(SolanaAddress.encode(program), network: .solana).matchKey == program)
            // A single changed character is always caught (bech32 guarantees it; Base58Check and EIP-55 nearly so).
            var mangled = Array(p2wpkh)
            let i = Int.random(in: 4..<mangled.count, using: &rng)
            mangled[i] = mangled[i] == "q" ? "p" : "q"
            #expect(throws: CoreError.self) { try AddressCodec.parse(String(mangled), network: .bitcoin) }
        }
    }
}
