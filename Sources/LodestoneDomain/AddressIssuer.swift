public import LodestoneCore

/// Derives deposit addresses for every enabled network from one key source per network,
/// built once at start (no per-address set-up).
public struct AddressIssuer: Sendable {
    private let derivers: [NetworkID: AddressDeriver]

    /// An issuer over ready derivers.
    public init(derivers: [NetworkID: AddressDeriver]) { self.derivers = derivers }

    /// Networks it can derive for.
    public var networks: Set<NetworkID> { Set(derivers.keys) }

    /// Networks whose deriver holds private key material (Solana only, when enabled).
    public var networksHoldingPrivateKeys: Set<NetworkID> { Set(derivers.filter { $0.value.holdsPrivateKeyMaterial }.keys) }

    /// The deriver of `network` (for inspection: audits and tests).
    public func deriver(_ network: NetworkID) -> AddressDeriver? { derivers[network] }

    /// The scheme used on `network`.
    public func scheme(_ network: NetworkID) -> DerivationScheme? { derivers[network]?.scheme }

    /// Address `index` on `network`.
    public func derive(network: NetworkID, index: UInt32) throws(CoreError) -> DerivedAddress {
        guard let deriver = derivers[network] else { throw .unsupported("network \(network) is not enabled") }
        return try deriver.address(index: index)
    }
}
