/// Bitcoin addresses: native segwit (BIP173/BIP350), nested segwit and legacy Base58 forms.
public enum BitcoinAddress {
    /// P2WPKH (BIP84): witness v0 program HASH160(compressed key).
    public static func p2wpkh(publicKey: [UInt8], parameters: BitcoinParameters) -> String {
        Bech32.encodeSegwit(hrp: parameters.bech32HRP, version: 0, program: Hashes.hash160(publicKey))
    }

    /// P2TR (BIP86): witness v1 program, the BIP341 key-path-only tweak of the key.
    public static func p2tr(outputKey: [UInt8], parameters: BitcoinParameters) -> String {
        Bech32.encodeSegwit(hrp: parameters.bech32HRP, version: 1, program: outputKey)
    }

    /// P2SH-P2WPKH (BIP49): P2SH of the redeem script 0x0014 ‖ HASH160(compressed key).
    public static func p2shP2wpkh(publicKey: [UInt8], parameters: BitcoinParameters) -> String {
        let redeemScript: [UInt8] = [0x00, 0x14] + Hashes.hash160(publicKey)
        return Base58.encodeCheck([parameters.p2shVersion] + Hashes.hash160(redeemScript))
    }

    /// The address text of a standard output script (segwit v0/v1, P2SH, P2PKH) on the network of
    /// `parameters`; nil for scripts no address stands for (OP_RETURN, bare multisig, …).
    public static func address(script: [UInt8], parameters: BitcoinParameters) -> String? {
        switch script.count {
        case 22 where script[0] == 0x00 && script[1] == 0x14, 34 where script[0] == 0x00 && script[1] == 0x20:
            return Bech32.encodeSegwit(hrp: parameters.bech32HRP, version: 0, program: Array(script[2...]))
        case 34 where script[0] == 0x51 && script[1] == 0x20:
            return Bech32.encodeSegwit(hrp: parameters.bech32HRP, version: 1, program: Array(script[2...]))
        case 23 where script[0] == 0xa9 && script[1] == 0x14 && script[22] == 0x87:
            return Base58.encodeCheck([parameters.p2shVersion] + script[2..<22])
        case 25 where script[0...2] == [0x76, 0xa9, 0x14] && script[23...24] == [0x88, 0xac]:
            return Base58.encodeCheck([parameters.p2pkhVersion] + script[3..<23])
        default:
            return nil
        }
    }

    private static let allNetworks: [NetworkID] = [.bitcoin, .bitcoinTestnet, .bitcoinRegtest]

    /// Parses any standard Bitcoin address of `network`, naming the network it belongs to when it is another.
    public static func parse(_ text: String, network: NetworkID) throws(CoreError) -> ParsedAddress {
        guard let params = network.bitcoinParameters else { throw .unknownNetwork(network.rawValue) }
        let lower = text.lowercased()
        if let sep = lower.lastIndex(of: "1"), lower.distance(from: lower.startIndex, to: sep) <= 4 {
            let hrp = String(lower[..<sep])
            if let other = allNetworks.first(where: { $0.bitcoinParameters?.bech32HRP == hrp }) {
                guard hrp == params.bech32HRP else {
                    throw .wrongNetwork("'\(hrp)1…' is a \(other.rawValue) address, not \(network.rawValue)")
                }
                return try parseSegwit(text, hrp: hrp)
            }
        }
        return try parseBase58(text, network: network, params: params)
    }

    private static func parseSegwit(_ text: String, hrp: String) throws(CoreError) -> ParsedAddress {
        let (version, program) = try Bech32.decodeSegwit(hrp: hrp, text)
        let kind: AddressKind
        switch (version, program.count) {
        case (0, 20): kind = .p2wpkh
        case (0, 32): kind = .p2wsh
        case (1, 32): kind = .p2tr
        default: kind = .witnessUnknown
        }
        let opcode: UInt8 = version == 0 ? 0x00 : 0x50 + version
        let script = [opcode, UInt8(program.count)] + program
        return ParsedAddress(
            family: .bitcoin, kind: kind, normalized: Bech32.encodeSegwit(hrp: hrp, version: version, program: program),
            matchKey: script)
    }

    private static func parseBase58(_ text: String, network: NetworkID, params: BitcoinParameters) throws(CoreError)
        -> ParsedAddress
    {
        let payload: [UInt8]
        do { payload = try Base58.decodeCheck(text) } catch {
            throw .invalidAddress("not a bech32 or Base58Check Bitcoin address (\(error.description))")
        }
        guard payload.count == 21 else { throw .invalidAddress("Base58 address must hold 21 bytes, has \(payload.count)") }
        let hash = Array(payload[1...])
        switch payload[0] {
        case params.p2pkhVersion:
            return ParsedAddress(
                family: .bitcoin, kind: .p2pkh, normalized: text, matchKey: [0x76, 0xa9, 0x14] + hash + [0x88, 0xac])
        case params.p2shVersion:
            return ParsedAddress(family: .bitcoin, kind: .p2sh, normalized: text, matchKey: [0xa9, 0x14] + hash + [0x87])
        default:
            if let other = allNetworks.first(where: {
                $0.bitcoinParameters?.p2pkhVersion == payload[0] || $0.bitcoinParameters?.p2shVersion == payload[0]
            }) {
                throw .wrongNetwork("version byte 0x\(Hex.encode([payload[0]])) is \(other.rawValue), not \(network.rawValue)")
            }
            throw .invalidAddress("unknown Base58 version byte 0x\(Hex.encode([payload[0]]))")
        }
    }
}
