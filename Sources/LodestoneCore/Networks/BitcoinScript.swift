/// The Bitcoin output scripts Lodestone issues deposit addresses for.
public enum BitcoinScript: String, Sendable, Codable, CaseIterable {
    case p2wpkh
    case p2tr
    case p2shP2wpkh = "p2sh-p2wpkh"

    /// The BIP43 purpose of the script's derivation path (BIP84, BIP86, BIP49).
    public var purpose: UInt32 {
        switch self {
        case .p2wpkh: return 84
        case .p2tr: return 86
        case .p2shP2wpkh: return 49
        }
    }
}
