import LodestoneCore
import Testing

@Suite struct DerivationSchemeTests {
    static let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

    @Test(arguments: [
        (NetworkID.bitcoin, BitcoinScript?.none, UInt32(0), "m/84'/0'/0'/0/7"),
        (.bitcoinTestnet, nil, 0, "m/84'/1'/0'/0/7"), (.bitcoinRegtest, .p2tr, 2, "m/86'/1'/2'/0/7"),
        (.bitcoin, .p2shP2wpkh, 0, "m/49'/0'/0'/0/7"), (.ethereum, nil, 0, "m/44'/60'/0'/0/7"),
        (.bsc, nil, 0, "m/44'/60'/0'/0/7"), (.polygon, nil, 0, "m/44'/60'/0'/0/7"), (.base, nil, 0, "m/44'/60'/0'/0/7"),
        (.arbitrum, nil, 3, "m/44'/60'/3'/0/7"), (.tron, nil, 0, "m/44'/195'/0'/0/7"), (.solana, nil, 0, "m/44'/501'/7'/0'"),
        (.solana, nil, 1, "m/44'/501'/7'/1'"),
    ])
    func defaultPaths(_ network: NetworkID, _ script: BitcoinScript?, _ account: UInt32, _ path: String) throws {
        #expect(try DerivationScheme(network: network, script: script, account: account).path(index: 7).description == path)
    }

    @Test func allEVMNetworksShareAddresses() throws {
        let seed = try BIP39.seed(mnemonic: Self.mnemonic)
        let addresses = try [NetworkID.ethereum, .bsc, .polygon, .base, .arbitrum].map {
            try AddressDeriver(scheme: DerivationScheme(network: $0), seed: seed).address(index: 5).address
        }
        #expect(Set(addresses).count == 1)
    }

    /// Test networks of the EVM, Tron families take the mainnet's account key (xpub) and give its
    /// addresses; Bitcoin's test networks take a tpub/vpub and refuse an xpub.
    @Test func testNetworksShareTheirMainnetsKeysExceptBitcoin() throws {
        let seed = try BIP39.seed(mnemonic: Self.mnemonic)
        for (test, main) in [(NetworkID.ethereumSepolia, NetworkID.ethereum), (.baseSepolia, .base), (.tronNile, .tron), (.tronShasta, .tron)] {
            let xpub = try AddressDeriver.accountExtendedPublicKey(scheme: DerivationScheme(network: main), seed: seed)
            #expect(xpub.hasPrefix("xpub"))
            guard case .public(let key, let version) = try ExtendedKeyCodec.parse(xpub) else { Issue.record("not public"); continue }
            let watchOnly = try AddressDeriver(scheme: DerivationScheme(network: test), accountKey: key, version: version)
            let fromSeed = try AddressDeriver(scheme: DerivationScheme(network: main), seed: seed)
            #expect(try watchOnly.address(index: 3).address == (try fromSeed.address(index: 3).address), "\(test)")
        }
        let xpub = try AddressDeriver.accountExtendedPublicKey(scheme: DerivationScheme(network: .bitcoin), seed: seed)
        guard case .public(let key, let version) = try ExtendedKeyCodec.parse(xpub) else { return }
        for test in [NetworkID.bitcoinTestnet, .bitcoinTestnet4, .bitcoinSignet] {
            #expect(throws: CoreError.self) { try AddressDeriver(scheme: DerivationScheme(network: test), accountKey: key, version: version) }
        }
    }

    @Test func scriptOnlyForBitcoin() {
        #expect(throws: CoreError.unsupported("--script applies to Bitcoin networks only")) {
            try DerivationScheme(network: .ethereum, script: .p2tr)
        }
    }

    @Test func indexesAboveHardenedAreRefused() throws {
        let seed = try BIP39.seed(mnemonic: Self.mnemonic)
        for network in [NetworkID.bitcoin, .tron, .solana] {
            let deriver = try AddressDeriver(scheme: DerivationScheme(network: network), seed: seed)
            #expect(throws: CoreError.self) { try deriver.address(index: 0x8000_0000) }
            #expect(try deriver.address(index: 0x7FFF_FFFF).index == 0x7FFF_FFFF)
        }
        #expect(throws: CoreError.self) { try DerivationScheme(network: .ethereum, account: 0x8000_0000) }
    }

    static func accountKey(_ scheme: DerivationScheme) throws -> (ExtendedPublicKey, KeyVersion) {
        let text = try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: BIP39.seed(mnemonic: mnemonic))
        guard case .public(let key, let version) = try ExtendedKeyCodec.parse(text) else { throw CoreError.hardenedFromPublic }
        return (key, version)
    }

    @Test func watchOnlyRefusesMismatchedKeys() throws {
        let (zpub, zv) = try Self.accountKey(DerivationScheme(network: .bitcoin, script: .p2wpkh))
        #expect(zv == .zpub)
        // zpub names P2WPKH: refused for P2TR.
        #expect(throws: CoreError.self) {
            try AddressDeriver(scheme: DerivationScheme(network: .bitcoin, script: .p2tr), accountKey: zpub, version: zv)
        }
        // Mainnet key on testnet.
        #expect(throws: CoreError.self) {
            try AddressDeriver(scheme: DerivationScheme(network: .bitcoinTestnet), accountKey: zpub, version: zv)
        }
        // Account 0 key used as account 1.
        #expect(throws: CoreError.self) {
            try AddressDeriver(scheme: DerivationScheme(network: .bitcoin, account: 1), accountKey: zpub, version: zv)
        }
        // Not account level (depth 4).
        #expect(throws: CoreError.self) {
            try AddressDeriver(scheme: DerivationScheme(network: .bitcoin), accountKey: zpub.child(0), version: zv)
        }
        // Solana has no public derivation.
        let (xpub, xv) = try Self.accountKey(DerivationScheme(network: .ethereum))
        #expect(throws: CoreError.self) {
            try AddressDeriver(scheme: DerivationScheme(network: .solana), accountKey: xpub, version: xv)
        }
        #expect(throws: CoreError.self) {
            try AddressDeriver.accountExtendedPublicKey(
                scheme: DerivationScheme(network: .solana), seed: BIP39.seed(mnemonic: Self.mnemonic))
        }
    }

    @Test func unknownNetworkListsValidIds() {
        #expect(throws: CoreError.unknownNetwork("dogecoin")) { try NetworkID(id: "dogecoin") }
        #expect(CoreError.unknownNetwork("x").description.contains("bitcoin-regtest"))
    }
}
