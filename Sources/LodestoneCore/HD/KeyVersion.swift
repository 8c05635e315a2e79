/// The 4-byte version prefixes of serialized extended keys: BIP32 (xpub/tpub) and SLIP-0132
/// (ypub/zpub for mainnet, upub/vpub for testnets), which also name a Bitcoin script type.
public enum KeyVersion: UInt32, Sendable, CaseIterable {
    case xpub = 0x0488_B21E, xprv = 0x0488_ADE4
    case tpub = 0x0435_87CF, tprv = 0x0435_8394
    case ypub = 0x049D_7CB2, yprv = 0x049D_7878
    case zpub = 0x04B2_4746, zprv = 0x04B2_430C
    case upub = 0x044A_5262, uprv = 0x044A_4E28
    case vpub = 0x045F_1CF6, vprv = 0x045F_18BC

    /// True for the private-key versions.
    public var isPrivate: Bool {
        switch self {
        case .xprv, .tprv, .yprv, .zprv, .uprv, .vprv: return true
        default: return false
        }
    }

    /// True for mainnet versions, false for testnet/regtest ones.
    public var isMainnet: Bool {
        switch self {
        case .xpub, .xprv, .ypub, .yprv, .zpub, .zprv: return true
        default: return false
        }
    }

    /// The Bitcoin script a SLIP-0132 version implies; nil for plain BIP32 versions.
    public var impliedScript: BitcoinScript? {
        switch self {
        case .ypub, .yprv, .upub, .uprv: return .p2shP2wpkh
        case .zpub, .zprv, .vpub, .vprv: return .p2wpkh
        default: return nil
        }
    }

    /// The public counterpart of a private version (identity for public ones).
    public var neutered: KeyVersion {
        switch self {
        case .xprv: return .xpub
        case .tprv: return .tpub
        case .yprv: return .ypub
        case .zprv: return .zpub
        case .uprv: return .upub
        case .vprv: return .vpub
        default: return self
        }
    }

    /// The version a wallet shows for a script on mainnet or a test network.
    public static func forScript(_ script: BitcoinScript?, mainnet: Bool, isPrivate: Bool) -> KeyVersion {
        let pub: KeyVersion
        switch (script, mainnet) {
        case (.p2wpkh, true): pub = .zpub
        case (.p2wpkh, false): pub = .vpub
        case (.p2shP2wpkh, true): pub = .ypub
        case (.p2shP2wpkh, false): pub = .upub
        case (_, true): pub = .xpub
        case (_, false): pub = .tpub
        }
        guard isPrivate else { return pub }
        return KeyVersion.allCases.first { $0.isPrivate && $0.neutered == pub }!
    }
}
