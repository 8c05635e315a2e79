import LodestoneCore
import Testing

struct BIP350File: Decodable {
    struct Valid: Decodable, Sendable, CustomTestStringConvertible {
        let address: String
        let script_pubkey: String
        var testDescription: String { address }
    }
    struct Invalid: Decodable, Sendable, CustomTestStringConvertible {
        let address: String?
        let string: String?
        let reason: String
        var testDescription: String { reason }
    }
    let valid_bech32m: [String]
    let invalid_bech32m: [Invalid]
    let valid_segwit: [Valid]
    let invalid_segwit: [Invalid]
}

struct EIP55File: Decodable {
    let valid_checksummed: [String: [String]]
}

@Suite struct AddressCodecTests {
    static let bip350: BIP350File = try! Vectors.load("bip/bip350.json")
    static let eip55 = try! Vectors.load("bip/eip55.json", as: EIP55File.self).valid_checksummed.values.flatMap { $0 }

    @Test(arguments: AddressCodecTests.bip350.valid_bech32m)
    func validBech32m(_ s: String) throws {
        #expect(try Bech32.decode(s).variant == .bech32m)
    }

    @Test(arguments: AddressCodecTests.bip350.invalid_bech32m)
    func invalidBech32m(_ v: BIP350File.Invalid) {
        #expect(throws: CoreError.self) { try Bech32.decode(v.string!) }
    }

    @Test(arguments: AddressCodecTests.bip350.valid_segwit)
    func validSegwit(_ v: BIP350File.Valid) throws {
        let network: NetworkID = v.address.lowercased().hasPrefix("bc1") ? .bitcoin : .bitcoinTestnet
        let parsed = try AddressCodec.parse(v.address, network: network)
        #expect(Hex.encode(parsed.matchKey) == v.script_pubkey)
        #expect(parsed.normalized == v.address.lowercased())
    }

    @Test(arguments: AddressCodecTests.bip350.invalid_segwit)
    func invalidSegwit(_ v: BIP350File.Invalid) {
        for network in [NetworkID.bitcoin, .bitcoinTestnet, .bitcoinRegtest] {
            #expect(throws: CoreError.self, "\(network)") { try AddressCodec.parse(v.address!, network: network) }
        }
    }

    @Test func bitcoinWrongNetworkIsNamed() {
        #expect(throws: CoreError.wrongNetwork("'bc1…' is a bitcoin address, not bitcoin-testnet")) {
            try AddressCodec.parse("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", network: .bitcoinTestnet)
        }
        #expect(throws: CoreError.wrongNetwork("'tb1…' is a bitcoin-testnet address, not bitcoin-regtest")) {
            try AddressCodec.parse("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", network: .bitcoinRegtest)
        }
        #expect(throws: CoreError.wrongNetwork("version byte 0xc4 is bitcoin-testnet, not bitcoin")) {
            try AddressCodec.parse("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", network: .bitcoin)
        }
    }

    @Test func bitcoinLegacyAndNestedForms() throws {
        // The genesis coinbase address and a well-known P2SH address.
        let p2pkh = try AddressCodec.parse("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", network: .bitcoin)
        #expect(p2pkh.kind == .p2pkh)
        #expect(Hex.encode(p2pkh.matchKey) == "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac")
        #expect(throws: CoreError.checksumMismatch("Base58Check checksum is wrong")) {
            _ = try Base58.decodeCheck("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
        }
        #expect(throws: CoreError.self) { try AddressCodec.parse("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", network: .bitcoin) }
    }

    @Test(arguments: AddressCodecTests.eip55)
    func eip55ValidAddresses(_ address: String) throws {
        let parsed = try AddressCodec.parse(address, network: .ethereum)
        #expect(parsed.normalized == address)
        #expect(EVMAddress.checksummed(parsed.matchKey) == address)
        let body = address.dropFirst(2)
        #expect(try AddressCodec.parse("0x" + body.lowercased(), network: .polygon).normalized == address)
        #expect(try AddressCodec.parse("0x" + body.uppercased(), network: .base).normalized == address)
    }

    @Test(arguments: AddressCodecTests.eip55.filter { a in a.dropFirst(2).contains { $0.isLowercase } && a.dropFirst(2).contains { $0.isUppercase } })
    func eip55FlippedCaseIsRejected(_ address: String) throws {
        var chars = Array(address)
        let i = try #require(chars.indices.dropFirst(2).first { chars[$0].isLetter })
        chars[i] = chars[i].isUppercase ? Character(chars[i].lowercased()) : Character(chars[i].uppercased())
        #expect(throws: CoreError.self) { try AddressCodec.parse(String(chars), network: .ethereum) }
    }

    @Test(arguments: [
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "0x", "",
        " 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ])
    func evmMalformedIsRejected(_ text: String) {
        #expect(throws: CoreError.self) { try AddressCodec.parse(text, network: .ethereum) }
    }

    @Test func tronKnownContract() throws {
        // USDT's TRC-20 contract, and its hex form as nodes return it.
        let usdt = try AddressCodec.parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", network: .tron)
        #expect(Hex.encode(usdt.matchKey) == "41a614f803b6fd780986a42c78ec9c7f77e6ded13c")
        #expect(try AddressCodec.parse("41a614f803b6fd780986a42c78ec9c7f77e6ded13c", network: .tron).normalized
            == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    }

    @Test func tronRejections() {
        // Changed last character: Base58Check fails.
        #expect(throws: CoreError.self) { try AddressCodec.parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", network: .tron) }
        // A Bitcoin address is Base58Check too, but 21 bytes with prefix 0x00.
        #expect(throws: CoreError.wrongNetwork("Tron prefix is 0x41, this address has 0x00")) {
            try AddressCodec.parse("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", network: .tron)
        }
        // 20-byte payload.
        let short = Base58.encodeCheck([0x41] + Array(repeating: 1, count: 19))
        #expect(throws: CoreError.invalidAddress("Tron address must be 21 bytes, has 20")) {
            try AddressCodec.parse(short, network: .tron)
        }
        #expect(throws: CoreError.self) { try AddressCodec.parse("0xa614f803b6fd780986a42c78ec9c7f77e6ded13c", network: .tron) }
    }

    @Test func solanaRejections() throws {
        #expect(try AddressCodec.parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", network: .solana).matchKey.count == 32)
        #expect(throws: CoreError.invalidAddress("Solana address must be 32 bytes, has 31")) {
            try AddressCodec.parse(Base58.encode(Array(repeating: 7, count: 31)), network: .solana)
        }
        #expect(throws: CoreError.self) { try AddressCodec.parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10", network: .solana) }
        #expect(throws: CoreError.self) { try AddressCodec.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", network: .solana) }
    }

    @Test func base58RoundTripsLeadingZeros() throws {
        for bytes: [UInt8] in [[], [0], [0, 0, 1], [0, 255, 3], Array(repeating: 0, count: 32), Array(0...40)] {
            if bytes.isEmpty { continue }
            #expect(try Base58.decode(Base58.encode(bytes)) == bytes)
        }
        #expect(Base58.encode([0, 0, 0x28, 0x7f, 0xb4, 0xcd]) == "11233QC4")
        #expect(throws: CoreError.self) { try Base58.decode("0OIl") }
    }

    @Test func keccakKnownAnswers() {
        #expect(Hex.encode(Hashes.keccak256([])) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Hex.encode(Hashes.keccak256(Array("abc".utf8))) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        // Around the 136-byte rate, where padding bugs show (answers from pycryptodome).
        let answers: [Int: String] = [
            135: "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446",
            136: "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e",
            137: "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39",
            272: "cf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8",
        ]
        for (n, digest) in answers {
            #expect(Hex.encode(Hashes.keccak256(Array(repeating: 0x61, count: n))) == digest, "length \(n)")
        }
    }
}
