import BigInt
import Foundation
import LodestoneChains
import LodestoneCore
import Testing

/// Solana transactions and blocks from real recorded answers (Vectors/chains/solana): what their
/// README says a watcher must conclude is what `SolanaDeposits` pays.
@Suite struct SolanaParsingTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/chains/solana")
    static let usdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
    static let wsol = "So11111111111111111111111111111111111111112"

    /// The JSON object at `path` (keys, then array indexes as numbers) of a recording, re-encoded.
    static func data(_ file: String, _ path: [Any]) throws -> Data {
        var value: Any = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file)))
        for step in path {
            if let key = step as? String { value = try #require((value as? [String: Any])?[key], "\(file): no \(key)") }
            if let index = step as? Int { value = try #require((value as? [Any])?[index]) }
        }
        return try JSONSerialization.data(withJSONObject: value)
    }

    static func transaction(_ file: String, _ path: [Any]) throws -> SolanaTransaction {
        try JSONDecoder().decode(SolanaTransaction.self, from: data(file, path))
    }

    static func pay(_ tx: SolanaTransaction, watching: Set<String>, mints: [String: String] = [usdc: "USDC"]) -> [SolanaDeposits.Payment] {
        SolanaDeposits.payments(in: tx, nativeAsset: "SOL", mints: mints) { watching.contains($0) }
    }

    @Test func aSystemTransferPaysItsRecipientAndNotTheFeePayer() throws {
        let tx = try Self.transaction("getTransaction_jsonParsed_mainnet_sol_transfer_memo.json", ["response", "result"])
        let paid = Self.pay(tx, watching: ["2b7iQq3PbWwWTotRSDFNXT9DauU418aCHK4jcAzETUem", "DT1mBDFsNBc1UXa25RdxNvnjL5Lro7su7gX1zpLyCmWe"])
        #expect(paid.map(\.amount) == [1_000_000] && paid.map(\.accountIndex) == [2] && paid.map(\.assetID) == ["SOL"])
        #expect(paid.first?.signature.hasPrefix("5QMfuqTh") == true)
    }

    @Test func aTransferCheckedToANewAssociatedAccountPaysTokensAndItsRentIsNoDeposit() throws {
        let tx = try Self.transaction("getTransaction_jsonParsed_mainnet_usdc_create_ata_transferChecked.json", ["response", "result"])
        let owner = "3i476kTBBTy7pBGx4CXwJpJ6phuwLQgcwLTdHhU3c7ui"
        let ata = "H51DXRt3ubThhdhNeDMScfkbC5X4AWzYfHaZS3JKEfPh"
        let paid = Self.pay(tx, watching: [owner])
        #expect(paid == [SolanaDeposits.Payment(owner: owner, assetID: "USDC", amount: 1000, signature: tx.signature, accountIndex: 2, tokenAccount: ata)])
        #expect(try SolanaAddress.associatedTokenAccount(owner: owner, mint: Self.usdc) == ata)
        // The new account's 2,039,280 lamports are rent: the ATA is not a watched address, so no SOL.
        #expect(tx.postBalances[2] - tx.preBalances[2] == 2_039_280)
        #expect(Self.pay(tx, watching: [owner], mints: [:]).isEmpty, "an unconfigured mint pays nothing")
        // The sender's balance fell: nothing for it.
        #expect(Self.pay(tx, watching: ["8fusVwhgo4oS1fGpZKeRaXrJXQk9auKnAgcj9A97wR3t"]).isEmpty)
    }

    @Test func aRecipientLoadedFromALookupTableIsSeen() throws {
        let tx = try Self.transaction("agave_exchange_guide_devnet_examples.json", ["entries", 0, "response", "result"])
        let paid = Self.pay(tx, watching: ["G1wZ113tiUHdSpQEBcid8n1x8BAvcWZoZgxPKxgE5B7o"])
        #expect(paid.map(\.amount) == [10_000_000] && paid.map(\.accountIndex) == [2])
    }

    @Test func aBase64VersionedTransactionIndexesStaticThenLoadedKeys() throws {
        let tx = try Self.transaction("getTransaction_result_base64_v0_lookup_table_usdc_mainnet_crosschain.json", ["result"])
        #expect(tx.accountKeys.count == 15 && tx.signature.hasPrefix("2aoWC4uM"))
        // The loaded writable keys follow the 7 static ones.
        #expect(tx.accountKeys[7] == Self.usdc && tx.accountKeys[10] == "3RY3ngufsn1aPSWE46Ga7sX5pZi2KPCvZG5uGS6TFLZJ")
        let lamports = Self.pay(tx, watching: ["3RY3ngufsn1aPSWE46Ga7sX5pZi2KPCvZG5uGS6TFLZJ"])
        #expect(lamports.map(\.amount) == [2_460_497] && lamports.map(\.accountIndex) == [10])
        let tokens = Self.pay(tx, watching: ["3CznQLcJWpyNKrYyq7qCvZsHn19csgB8g5wvisx4us47"])
        #expect(tokens.map(\.amount) == [4_608_152_451] && tokens.map(\.assetID) == ["USDC"])
        // Its USDC went through 41fkvu8L… and on: received and sent in one transaction, no deposit.
        #expect(Self.pay(tx, watching: ["41fkvu8LGgD5QF59bpe3BYWNhi4XK7qxyrQPnQbGSAE7"]).allSatisfy { $0.assetID != "USDC" })
    }

    @Test func anUncheckedTransferAboveTwoToTheFiftyThirdIsExact() throws {
        let tx = try Self.transaction("getTransaction_result_base64_bonk_spl_transfer_unchecked_mainnet_crosschain.json", ["result"])
        let paid = Self.pay(
            tx, watching: ["GtxgnRiSfBzahR9xb7hvYbWq3Uzez7hpCz2BJbCLxKdq"], mints: ["DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263": "BONK"])
        #expect(paid.map(\.amount) == [BigUInt("3170652014400000")] && paid.first?.tokenAccount?.hasPrefix("DiQuYy9J") == true)
    }

    @Test func creatingAnEmptyTokenAccountPaysNothing() throws {
        let tx = try Self.transaction("getTransaction_json_mainnet_create_ata_only_metamask.json", ["result"])
        let owner = "Jp8xRDtkd8LQwGvPV8z4DdARsCy23Vi9m2dqyqNsszG"
        #expect(Self.pay(tx, watching: [owner], mints: ["J1Wpmugrooj1yMyQKrdZ2vwRXG5rhfx3vTnYE39gpump": "PUMP"]).isEmpty)
    }

    @Test func failedTransactionsPayNothingWhateverTheirInstructionsShow() throws {
        let failed = try Self.transaction("getTransaction_json_failed_InvalidRentPayingAccount_solnet_response.json", ["result"])
        #expect(!failed.succeeded)
        #expect(Self.pay(failed, watching: Set(failed.accountKeys)).isEmpty)
        let block = try JSONDecoder().decode(
            SolanaBlock.self, from: Self.data("getBlock_result_jsonParsed_mainnet_slot241043141_failed_tx_chainstorage.json", []))
        #expect(block.transactions.count == 1 && !block.transactions[0].succeeded)
        let everything = Set(block.transactions[0].accountKeys)
        #expect(Self.pay(block.transactions[0], watching: everything, mints: [Self.wsol: "wSOL"]).isEmpty)
    }

    @Test func aWholeBlockParsesAndZeroOrSelfTransfersAreNoDeposits() throws {
        let block = try JSONDecoder().decode(
            SolanaBlock.self, from: Self.data("getBlock_jsonParsed_mainnet_parentSlot147078734_solders.json", ["result"]))
        #expect(block.transactions.count == 25 && block.parentSlot == 147_078_734 && block.blockhash.hasPrefix("5idCC85i"))
        var all: [SolanaDeposits.Payment] = []
        for tx in block.transactions { all += SolanaDeposits.payments(in: tx, nativeAsset: "SOL", mints: [Self.wsol: "wSOL"]) { _ in true } }
        #expect(!all.isEmpty && all.allSatisfy { $0.amount > 0 })
        // XCo2NPfx… moves 12,500 wrapped SOL between two token accounts of one owner: nothing new.
        let swap = try #require(block.transactions.first { $0.signature.hasPrefix("XCo2NPfx") })
        #expect(SolanaDeposits.payments(in: swap, nativeAsset: "SOL", mints: [Self.wsol: "wSOL"]) { $0 == "BYM81n8HvTJuqZU1PmTVcwZ9G8uoji7FKM6EaPkwphPt" }.isEmpty)
    }

    @Test func answersThatDoNotAddUpAreRefused() throws {
        let tx = #"{"transaction":{"signatures":["s"],"message":{"accountKeys":["a","b"]}},"meta":{"err":null,"preBalances":[1],"postBalances":[2]}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SolanaTransaction.self, from: Data(tx.utf8)) }
        let amount = #"{"accountIndex":0,"mint":"m","owner":"o","uiTokenAmount":{"amount":"1e3","decimals":0}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SolanaTokenBalance.self, from: Data(amount.utf8)) }
    }

    @Test func theByteReaderReadsWhatTheDecoderReadsAndDeclinesTheRest() throws {
        struct Envelope: Decodable { let result: SolanaBlock }
        let whole = try Self.data("getBlock_jsonParsed_mainnet_parentSlot147078734_solders.json", [])
        let failed = Data(#"{"jsonrpc":"2.0","result":"#.utf8)
            + (try Self.data("getBlock_result_jsonParsed_mainnet_slot241043141_failed_tx_chainstorage.json", [])) + Data(#","id":1}"#.utf8)
        // A json-encoded transaction (static keys plus loaded ones) inside a block answer.
        let json = Data(#"{"jsonrpc":"2.0","result":{"blockhash":"B","previousBlockhash":"P","parentSlot":1,"blockTime":null,"transactions":["#.utf8)
            + (try Self.data("getTransaction_json_mainnet_create_ata_only_metamask.json", ["result"])) + Data("]},\"id\":1}".utf8)
        for data in [whole, failed, json] {
            let fast = try #require(SolanaBlockReader.decodeEnvelope(data))
            #expect(fast == (try JSONDecoder().decode(Envelope.self, from: data).result))
        }
        #expect(SolanaBlockReader.decodeEnvelope(failed)?.transactions.first?.succeeded == false)
        // Base64 transactions, escapes, an error answer and keys that do not match the balances go to the decoder.
        let base64 = Data(#"{"result":{"blockhash":"B","previousBlockhash":"P","parentSlot":1,"transactions":["#.utf8)
            + (try Self.data("getTransaction_result_base64_v0_lookup_table_usdc_mainnet_crosschain.json", ["result"])) + Data("]}}".utf8)
        #expect(SolanaBlockReader.decodeEnvelope(base64) == nil)
        #expect(try JSONDecoder().decode(Envelope.self, from: base64).result.transactions.count == 1)
        #expect(SolanaBlockReader.decodeEnvelope(Data(#"{"error":{"code":-32004,"message":"Block not available"},"id":1}"#.utf8)) == nil)
        let escaped = #"{"result":{"blockhash":"B\u0041","previousBlockhash":"P","parentSlot":1,"transactions":[]}}"#
        #expect(SolanaBlockReader.decodeEnvelope(Data(escaped.utf8)) == nil)
        let short = #"{"result":{"blockhash":"B","previousBlockhash":"P","parentSlot":1,"transactions":[{"transaction":{"signatures":["s"],"accountKeys":[{"pubkey":"a","source":"transaction"}]},"meta":{"err":null,"preBalances":[1,2],"postBalances":[1,2]}}]}}"#
        #expect(SolanaBlockReader.decodeEnvelope(Data(short.utf8)) == nil)
    }
}
