import Foundation
import LodestoneChains
import LodestoneCore
import Testing

@Suite struct ERC20TransferDecoderTests {
    // A real mainnet USDT transfer on Tron (tx b69c51db…, block 66861993, from a recorded
    // /wallet/gettransactioninfobyid), in the shape a node's eth_getLogs returns it.
    static let logs = """
        [{"address":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c",
          "topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                    "0x00000000000000000000000060e6e92e57d61a9d68b5d95275cc9667d9e6c7c9",
                    "0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63"],
          "data":"0x00000000000000000000000000000000000000000000000000000000003567e0",
          "blockNumber":"0x3fc3ba9","blockHash":"0x0000000003FC3CA9AB","transactionHash":"0xB69C51DB8F9D974E6A38C76852C8CE1ADCB682DBACB25AD8AD4F6876121FE9DC",
          "transactionIndex":"0x1","logIndex":"0x0","removed":false},
         {"address":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c",
          "topics":["0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
                    "0x00000000000000000000000060e6e92e57d61a9d68b5d95275cc9667d9e6c7c9",
                    "0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63"],
          "data":"0x0000000000000000000000000000000000000000000000000000000000000001",
          "blockNumber":"0x3fc3ba9","blockHash":"0x0000000003fc3ca9ab","transactionHash":"0xb69c","logIndex":"0x1","removed":false},
         {"address":"0x06012c8cf97bead5deae237070f9587f8e7a266d",
          "topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                    "0x00000000000000000000000060e6e92e57d61a9d68b5d95275cc9667d9e6c7c9",
                    "0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63",
                    "0x0000000000000000000000000000000000000000000000000000000000000007"],
          "data":"0x","blockNumber":"0x3fc3ba9","blockHash":"0x0000000003fc3ca9ab","transactionHash":"0xb69d","logIndex":"0x2","removed":false}]
        """

    @Test func decodesTheTransferAndSkipsOtherEvents() throws {
        let (transfers, skipped) = try ERC20TransferDecoder.decode(logsJSON: Data(Self.logs.utf8))
        #expect(skipped == 2)  // an Approval, and an ERC-721 Transfer (four topics, no value word)
        let t = try #require(transfers.first)
        #expect(t.contract == EVMAccount(hex: "a614f803b6fd780986a42c78ec9c7f77e6ded13c"))
        #expect(TronAddress.encode(raw: [0x41] + t.contract.bytes) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
        #expect(t.from == EVMAccount(hex: "60e6e92e57d61a9d68b5d95275cc9667d9e6c7c9"))
        #expect(t.to == EVMAccount(hex: "cdae4e9a6287333a3f7df432b050af7b17e79e63"))
        #expect(t.value.decimalString(decimals: 6) == "3.5")
        #expect(t.blockNumber == 66_861_993 && t.logIndex == 0 && !t.removed)
        #expect(t.transactionHash == "0xb69c51db8f9d974e6a38c76852c8ce1adcb682dbacb25ad8ad4f6876121fe9dc")
    }

    @Test func malformedFieldsAreSkippedNotGuessed() throws {
        for bad in [
            #"[{"address":"0x12","topics":[],"data":"0x"}]"#,
            #"[{"address":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0xff0000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63","0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63"],"data":"0x00000000000000000000000000000000000000000000000000000000003567e0","blockNumber":"0x1","blockHash":"0x1","transactionHash":"0x1","logIndex":"0x0"}]"#,
            #"[{"address":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63","0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63"],"data":"0x3567e0","blockNumber":"0x1","blockHash":"0x1","transactionHash":"0x1","logIndex":"0x0"}]"#,
        ] {
            let (transfers, skipped) = try ERC20TransferDecoder.decode(logsJSON: Data(bad.utf8))
            #expect(transfers.isEmpty && skipped == 1, "\(bad.prefix(60))")
        }
        #expect(throws: (any Error).self) { try ERC20TransferDecoder.decode(logsJSON: Data("{".utf8)) }
    }

    @Test func watchedAccountsMatchRecipientAndContract() throws {
        let (transfers, _) = try ERC20TransferDecoder.decode(logsJSON: Data(Self.logs.utf8))
        var watched = WatchedAccounts()
        let usdt = try #require(EVMAccount(hex: "a614f803b6fd780986a42c78ec9c7f77e6ded13c"))
        #expect(watched.deposits(in: transfers, contracts: [usdt]).isEmpty)
        #expect(watched.insert(try #require(EVMAccount(hex: "0xCDAE4E9A6287333A3F7DF432B050AF7B17E79E63"))))
        #expect(watched.deposits(in: transfers, contracts: [usdt]).count == 1)
        #expect(watched.deposits(in: transfers, contracts: []).isEmpty)  // unlisted token contracts never count
    }

    /// The single-pass reader agrees with JSONDecoder on everything it accepts, and declines what it should.
    @Test func theFastReaderAgreesWithTheDecoder() throws {
        let samples = [Self.logs, "[]", " [ ] "] + [
            #"[{"address":"0x12","topics":[],"data":"0x"}]"#,
            #"[{"extra":{"nested":[1,2.5e3,-4,true,null,{"a":"b"}]},"address":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c","topics":["0xDDF252AD1BE2C89B69C2B068FC378DAA952BA7F163C4A11628F55A4DF523B3EF","0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63","0x000000000000000000000000CDAE4E9A6287333A3F7DF432B050AF7B17E79E63"],"data":"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff","blockNumber":"0x1","blockHash":"0xAB","transactionHash":"0xCD","logIndex":"0x7","removed":true}]"#,
            #"[{"address":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0xff0000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63","0x000000000000000000000000cdae4e9a6287333a3f7df432b050af7b17e79e63"],"data":"0x00000000000000000000000000000000000000000000000000000000003567e0","blockNumber":"0x1","blockHash":"0x1","transactionHash":"0x1","logIndex":"0x0"}]"#,
            #"[{"address":"0x1","topics":[],"data":"0x","blockNumber":null,"blockHash":null}]"#,
        ]
        for sample in samples {
            let expected = try ERC20TransferDecoder.decode(logsJSON: Data(sample.utf8))
            let fast = try #require(ERC20LogScanner.decodeArray(Data(sample.utf8)), "declined \(sample.prefix(60))")
            #expect(fast.transfers == expected.transfers && fast.skipped == expected.skipped, "\(sample.prefix(60))")
            let envelope = #"{"jsonrpc":"2.0","id":7,"result":"# + sample + "}"
            let viaEnvelope = try #require(ERC20LogScanner.decodeEnvelope(Data(envelope.utf8)))
            #expect(viaEnvelope.transfers == expected.transfers)
        }
        // Declined: error answers, escapes, broken JSON; the caller then uses JSONDecoder and reports the problem.
        for declined in [
            #"{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"limit"}}"#, #"{"jsonrpc":"2.0","id":1,"result":[{"address":"0x\u0031","topics":[],"data":"0x"}]}"#,
            #"{"jsonrpc":"2.0","id":1,"result":[{"address":"0x1"}]}"#,
            #"{"jsonrpc":"2.0","id":1,"result":[{"address":"0x1"}"#, #"{"jsonrpc":"2.0","id":1,"result":[{"removed":maybe}]}"#, "",
            #"{"jsonrpc":"2.0","id":1,"result":[{"address":null,"topics":[],"data":"0x"}]}"#,
        ] {
            #expect(ERC20LogScanner.decodeEnvelope(Data(declined.utf8)) == nil, "\(declined)")
        }
    }

    @Test func accountRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let bytes = (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let account = try #require(EVMAccount(bytes))
            #expect(account.bytes == bytes)
            #expect(EVMAccount(hex: Substring(account.description)) == account)
        }
        #expect(EVMAccount(Array(repeating: 0, count: 19)) == nil)
        #expect(EVMAccount(hex: "0xzz") == nil)
    }
}
