import LodestoneCore
import LodestoneDomain
import TestSupport
import Testing

/// The audit of issued address rows, over rows holding published derivations of the
/// "abandon … about" mnemonic (BIP84, BIP86 and BIP49 test vectors; the Ethereum address every
/// BIP44 wallet shows for it).
@Suite struct AddressAuditTests {
    static func row(_ network: NetworkID, _ address: String, _ path: String, _ index: UInt32) -> CustomerAddress {
        CustomerAddress(address: address, network: network.rawValue, customerID: "cus_1", derivationPath: path, index: index, createdAt: 0)
    }

    static func key(_ address: String, _ network: NetworkID) throws -> String {
        Hex.encode(try AddressCodec.parse(address, network: network).matchKey)
    }

    static let published: [(NetworkID, String, String)] = [
        (.bitcoin, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "m/84'/0'/0'/0/0"),
        (.bitcoin, "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr", "m/86'/0'/0'/0/0"),
        (.bitcoin, "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf", "m/49'/0'/0'/0/0"),
        (.ethereum, "0x9858EfFD232B4033E47d90003D41EC34EcaEda94", "m/44'/60'/0'/0/0"),
    ]

    @Test func rowsOfEveryBitcoinScriptVerifyWithTheSeedWhateverTheConfigNowSays() throws {
        var audit = AddressAudit(watchOnly: [:], seed: TestKeys.seed)
        for (network, address, path) in Self.published {
            let canonical = try AddressCodec.parse(address, network: network).normalized
            #expect(audit.check(Self.row(network, canonical, path, 0), matchKey: try Self.key(address, network)) == .verified, "\(path)")
        }
    }

    @Test func aRowChangedInTheDatabaseDiffers() throws {
        var audit = AddressAudit(watchOnly: [:], seed: TestKeys.seed)
        let eth = try AddressCodec.parse("0x9858EfFD232B4033E47d90003D41EC34EcaEda94", network: .ethereum).normalized
        let other = "0x000000000000000000000000000000000000dEaD"
        let otherCanonical = try AddressCodec.parse(other, network: .ethereum).normalized
        let cases: [(CustomerAddress, String, String)] = [
            (Self.row(.ethereum, otherCanonical, "m/44'/60'/0'/0/0", 0), try Self.key(other, .ethereum), "derives"),
            (Self.row(.ethereum, eth, "m/44'/60'/0'/0/0", 0), try Self.key(other, .ethereum), "match key"),
            (Self.row(.ethereum, eth, "m/44'/60'/0'/0/0", 7), try Self.key(eth, .ethereum), "not the path of index 7"),
            (Self.row(.ethereum, eth, "m/44'/60'/0'/0/7", 7), try Self.key(eth, .ethereum), "derives"),
            (Self.row(.ethereum, eth, "m/44'/0'/0'/0/0", 0), try Self.key(eth, .ethereum), "not a deposit path"),
            (Self.row(.ethereum, eth, "m/84'/60'/0'/0/0", 0), try Self.key(eth, .ethereum), "not a deposit path"),
            (Self.row(.ethereum, "not-an-address", "m/44'/60'/0'/0/0", 0), "00", "not a valid"),
        ]
        for (row, key, expected) in cases {
            guard case .differs(let why) = audit.check(row, matchKey: key) else {
                Issue.record("\(row) was not found to differ")
                continue
            }
            #expect(why.contains(expected), "\(why)")
        }
    }

    @Test func withOnlyAnXpubPathsOfOtherAccountsOrSolanaCannotBeVerified() throws {
        let scheme = try DerivationScheme(network: .ethereum)
        let xpub = try AddressDeriver.accountExtendedPublicKey(scheme: scheme, seed: TestKeys.seed)
        guard case .public(let key, let version) = try ExtendedKeyCodec.parse(xpub) else {
            Issue.record("an xpub parses as a public key")
            return
        }
        let deriver = try AddressDeriver(scheme: scheme, accountKey: key, version: version)
        var audit = AddressAudit(watchOnly: [.ethereum: deriver], seed: nil)
        let eth = try AddressCodec.parse("0x9858EfFD232B4033E47d90003D41EC34EcaEda94", network: .ethereum).normalized
        #expect(audit.check(Self.row(.ethereum, eth, "m/44'/60'/0'/0/0", 0), matchKey: try Self.key(eth, .ethereum)) == .verified)
        let account1 = try AddressDeriver(scheme: DerivationScheme(network: .ethereum, account: 1), seed: TestKeys.seed).address(index: 0)
        let a1 = try AddressCodec.parse(account1.address, network: .ethereum).normalized
        guard case .unverifiable = audit.check(Self.row(.ethereum, a1, account1.path, 0), matchKey: try Self.key(a1, .ethereum)) else {
            Issue.record("another account's path needs another key")
            return
        }
        let sol = try AddressDeriver(scheme: DerivationScheme(network: .solana), seed: TestKeys.seed).address(index: 3)
        guard case .unverifiable = audit.check(Self.row(.solana, sol.address, sol.path, 3), matchKey: try Self.key(sol.address, .solana)) else {
            Issue.record("Solana needs the seed")
            return
        }
        var withSeed = AddressAudit(watchOnly: [:], seed: TestKeys.seed)
        #expect(withSeed.check(Self.row(.solana, sol.address, sol.path, 3), matchKey: try Self.key(sol.address, .solana)) == .verified)
    }
}
