import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import Testing

/// Tron parsing against real mainnet responses (Vectors/chains/tron-mainnet; sources in its README).
@Suite struct TronParsingTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/chains/tron-mainnet")

    static func data(_ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }
    static func json(_ name: String) throws -> Any { try JSONSerialization.jsonObject(with: try data(name)) }
    static func address(_ account: EVMAccount) -> String { TronAddress.encode(raw: TronAccount.matchKey(account)) }

    /// The transactions of a block file, read independently of the parser.
    static func rawTransactions(_ name: String) throws -> [[String: Any]] {
        try #require((try json(name) as? [String: Any])?["transactions"] as? [[String: Any]])
    }

    static func contractType(_ tx: [String: Any]) -> String? {
        (((tx["raw_data"] as? [String: Any])?["contract"] as? [[String: Any]])?.first)?["type"] as? String
    }

    @Test func aBlockWithBase58AddressesYieldsOnlySuccessfulTRXTransfers() throws {
        let block = try JSONDecoder().decode(TronBlock.self, from: try Self.data("wallet_getblockbynum_60836289_visible.json"))
        #expect(block.number == 60_836_289)
        #expect(block.hash == "0000000003a049c105c2475bc7540db72bdcf237df6fa0bcb4db2901f48cfbe7")
        #expect(block.parentHash == "0000000003a049c06cc3f72dfe57ecb1dba89ba956a94ea1bf1d1eb59d154af7")
        #expect(block.transactionIDs.count == 170)
        let raw = try Self.rawTransactions("wallet_getblockbynum_60836289_visible.json")
        #expect(block.transfers.count == raw.filter { Self.contractType($0) == "TransferContract" }.count)
        #expect(block.transfers.count == 39)
        let trx = try #require(block.transfers.first { $0.txID.hasPrefix("8a3c4782") })
        #expect(trx.amount == (try Amount(decimal: "1999", decimals: 6)))
        #expect(Self.address(trx.to).hasPrefix("TPH479jG"))
        // TRC-10 (TransferAssetContract) moves another token: never TRX.
        #expect(!block.transfers.contains { $0.txID.hasPrefix("9f0f4a9c") })
    }

    @Test func aBlockWithHexAddressesParsesAlike() throws {
        let block = try JSONDecoder().decode(TronBlock.self, from: try Self.data("wallet_getnowblock_61132092_hex.json"))
        #expect(block.number == 61_132_092 && block.timestampMillis == 1_714_038_858_000)
        #expect(block.transfers.count == 114)
        let dust = try #require(block.transfers.first { $0.txID.hasPrefix("21c3adae") })
        #expect(dust.amount == Amount(baseUnits: 292))
        #expect(Hex.encode(TronAccount.matchKey(dust.to)) == "4163c8acf2e9ced9dcf4537cec8c452e4515589311")
        #expect(Self.address(dust.to).hasPrefix("TK4pJEXd"))
    }

    @Test func aUSDTTransferIsReadFromItsSuccessfulReceiptLog() throws {
        let info = try JSONDecoder().decode(
            TronTransactionInfo.self, from: try Self.data("wallet_gettransactioninfobyid_661f1df8_usdt_visible.json"))
        #expect(info.succeeded && info.blockNumber == 60_836_289)
        #expect(info.transfers.count == 1)
        let t = info.transfers[0]
        #expect(Self.address(t.contract) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
        #expect(Self.address(t.to) == "TW3NSuhT68vXKdamU7Rkq6sfEVCFwoDfGb")
        #expect(t.value == Amount(baseUnits: 2_384_950_100) && t.position == 0)
    }

    @Test func failedContractCallsAndPlainTransfersYieldNoTokenTransfer() throws {
        let file = try #require(try Self.json("wallet_gettransactioninfobyid_usdt_success_outofenergy_trx_aiotx.json") as? [String: Any])
        let responses = try #require(file["responses"] as? [[String: Any]])
        let infos = try responses.map {
            try JSONDecoder().decode(TronTransactionInfo.self, from: try JSONSerialization.data(withJSONObject: try #require($0["response"])))
        }
        let ok = try #require(infos.first { $0.id.hasPrefix("b69c51db") })
        #expect(ok.succeeded && ok.transfers.map(\.value) == [Amount(baseUnits: 3_500_000)])
        #expect(Self.address(ok.transfers[0].to) == "TUikLT3nTTjTkXPAuC4xUGj84vfSERCWRn")
        let outOfEnergy = try #require(infos.first { $0.id.hasPrefix("e63a324a") })
        #expect(!outOfEnergy.succeeded && outOfEnergy.transfers.isEmpty)
        let plain = try #require(infos.first { $0.id.hasPrefix("23897196") })
        #expect(!plain.succeeded && plain.transfers.isEmpty)
    }

    @Test func aBlockOfTransactionInfosFromTheHTTPAPI() throws {
        let file = try #require(try Self.json("getblock_docs_mainnet_examples.json") as? [String: Any])
        let entry = try #require((file["entries"] as? [[String: Any]])?.first {
            ($0["doc_path"] as? String)?.contains("gettransactioninfobyblocknum") == true
        })
        let infos = try JSONDecoder().decode(
            [TronTransactionInfo].self, from: try JSONSerialization.data(withJSONObject: try #require(entry["response"])))
        #expect(infos.count == 2)
        let transfers = infos.flatMap(\.transfers)
        #expect(transfers.count == 1 && transfers[0].value == Amount(baseUnits: 532_079_999))
        #expect(Self.address(transfers[0].to).hasPrefix("TBA6CypY"))
        #expect(Self.address(transfers[0].contract) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    }

    @Test(arguments: [
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", true), ("41a614f803b6fd780986a42c78ec9c7f77e6ded13c", true),
        ("a614f803b6fd780986a42c78ec9c7f77e6ded13c", true), ("42a614f803b6fd780986a42c78ec9c7f77e6ded13c", false),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", false), ("", false),
    ])
    func accountsAreReadInEveryFormJavaTronWrites(_ text: String, _ valid: Bool) {
        let parsed = TronAccount.parse(text)
        #expect((parsed != nil) == valid)
        if let parsed { #expect(Self.address(parsed) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t") }
    }
}
