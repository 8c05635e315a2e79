/// One deposit address with where it came from.
public struct DerivedAddress: Sendable, Hashable, Codable {
    /// Network id.
    public let network: NetworkID
    /// Full derivation path from the master key.
    public let path: String
    /// Address index.
    public let index: UInt32
    /// The address in its canonical text form.
    public let address: String
    /// Hex public key: 33-byte compressed secp256k1, or 32-byte ed25519.
    public let publicKey: String

    enum CodingKeys: String, CodingKey {
        case network, path, index, address
        case publicKey = "public_key"
    }

    /// One compact JSON object, keys in a fixed order; every value is plain ASCII with nothing to escape.
    public var jsonLine: String {
        "{\"network\":\"\(network.rawValue)\",\"path\":\"\(path)\",\"index\":\(index),\"address\":\"\(address)\",\"public_key\":\"\(publicKey)\"}"
    }
}
