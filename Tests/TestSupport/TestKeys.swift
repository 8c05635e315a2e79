public import LodestoneCore
public import LodestoneDomain

/// Keys and derivers for tests: the public test mnemonic, every production network from the seed.
public enum TestKeys {
    public static let mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

    public static let seed: SecretBytes = try! BIP39.seed(mnemonic: mnemonic)

    public static let issuer: AddressIssuer = {
        var derivers: [NetworkID: AddressDeriver] = [:]
        for network in NetworkID.allCases {
            derivers[network] = try! AddressDeriver(scheme: DerivationScheme(network: network), seed: seed)
        }
        return AddressIssuer(derivers: derivers)
    }()

    /// The address `lodestone derive` prints for this network and index.
    public static func expected(_ network: NetworkID, _ index: UInt32) -> String {
        try! issuer.derive(network: network, index: index).address
    }
}
