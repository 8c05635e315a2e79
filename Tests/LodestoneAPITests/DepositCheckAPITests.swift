import BigInt
import Foundation
import HTTPTypes
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import Synchronization
import TestSupport
import Testing

/// `POST /v1/deposits/check`: what reaches the scanner, and how its answer is written.
@Suite struct DepositCheckAPITests {
    /// Answers with a fixed check and keeps what it was asked.
    final class Checker: TransactionChecking {
        let answer: TransactionCheck?
        let failure: (any Error & Sendable)?
        let asked = Mutex<[(NetworkID, String, Int64?)]>([])

        init(answer: TransactionCheck?, failure: (any Error & Sendable)? = nil) {
            self.answer = answer
            self.failure = failure
        }

        func checkTransaction(network: NetworkID, txHash: String, block: Int64?) async throws -> TransactionCheck? {
            asked.withLock { $0.append((network, txHash, block)) }
            if let failure { throw failure }
            return answer
        }
    }

    struct NodeDown: Error {}

    static let hash = "0x" + String(repeating: "ab", count: 32)

    static func check(_ outcome: RepairRecording) -> TransactionCheck {
        TransactionCheck(
            network: .ethereum, txHash: hash, status: .mined, blockNumber: 7, blockHash: "0x" + String(repeating: "c", count: 64), succeeded: true,
            transfers: [
                .init(
                    assetID: "USDT-Ethereum", amount: Amount(baseUnits: 12_500_000), address: "0x00000000000000000000000000000000000000aa",
                    position: 0, outcome: outcome)
            ])
    }

    @Test func aMissedDepositIsReportedWithItsDepositAndTheHashIsAskedInCanonicalForm() async throws {
        let deposit = Deposit(
            id: "dep_1", network: .ethereum, assetID: "USDT-Ethereum", address: "0x00000000000000000000000000000000000000aa", customerID: "cus_1",
            amount: Amount(baseUnits: 12_500_000), txHash: Self.hash, position: 0, blockNumber: 7, blockHash: "0x" + String(repeating: "c", count: 64),
            confirmations: 0, status: .pending, createdAt: 0)
        let checker = Checker(answer: Self.check(.recorded(deposit, created: true)))
        try await APIHarness.with(.sqlite, transactionChecker: checker) { h, client in
            let upper = "0x" + String(repeating: "AB", count: 32)
            let reply = try await client.call(.post, "/v1/deposits/check", key: h.operatorKey, json: #"{"network":"ethereum","tx_hash":"\#(upper)"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(checker.asked.withLock { $0.map(\.1) } == [Self.hash])
            let body = reply.json
            #expect(body["object"] as? String == "transaction_check")
            #expect(body["status"] as? String == "mined")
            #expect(body["block_number"] as? Int == 7)
            #expect(body["explanation"] as? String == "1 missed deposit(s) recorded now")
            let transfer = try #require((body["transfers"] as? [[String: Any]])?.first)
            #expect(transfer["amount"] as? String == "12.5")
            #expect(transfer["outcome"] as? String == "recorded")
            #expect((transfer["deposit"] as? [String: Any])?["id"] as? String == "dep_1")
        }
    }

    @Test func anUnminedTransactionHasExplicitNullsAndABlockHintIsPassedOn() async throws {
        let checker = Checker(answer: TransactionCheck(network: .bitcoin, txHash: String(repeating: "d", count: 64), status: .unmined))
        try await APIHarness.with(.sqlite, networks: NetworkID.production, transactionChecker: checker) { h, client in
            let reply = try await client.call(
                .post, "/v1/deposits/check", key: h.operatorKey,
                json: #"{"network":"bitcoin","tx_hash":"\#(String(repeating: "D", count: 64))","block_number":850000}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.text.contains(#""block_number":null"#) && reply.text.contains(#""succeeded":null"#))
            #expect(checker.asked.withLock { $0.first?.2 } == 850_000)
            #expect(checker.asked.withLock { $0.first?.1 } == String(repeating: "d", count: 64))
        }
    }

    @Test func badRequestsNameTheirFieldAndNeverReachTheNode() async throws {
        let checker = Checker(answer: nil)
        try await APIHarness.with(.sqlite, unwatched: [.polygon], transactionChecker: checker) { h, client in
            let cases: [(String, Int, String)] = [
                (#"{"network":"ethereum","tx_hash":"0x1234"}"#, 422, "tx_hash"),
                (#"{"network":"solana","tx_hash":"0x\#(String(repeating: "a", count: 64))"}"#, 422, "tx_hash"),
                (#"{"network":"dogecoin","tx_hash":"\#(Self.hash)"}"#, 422, "network"),
                (#"{"tx_hash":"\#(Self.hash)"}"#, 400, "network"),
                (#"{"network":"ethereum"}"#, 400, "tx_hash"),
                (#"{"network":"ethereum","tx_hash":"\#(Self.hash)","block_number":-1}"#, 422, "block_number"),
                (#"{"network":"ethereum","tx_hash":"\#(Self.hash)","extra":1}"#, 422, "extra"),
                (#"{"network":"polygon","tx_hash":"\#(Self.hash)"}"#, 422, "network"),
            ]
            for (json, status, param) in cases {
                let reply = try await client.call(.post, "/v1/deposits/check", key: h.operatorKey, json: json)
                #expect(Int(reply.status.code) == status, "\(json) → \(reply.text)")
                #expect(reply.errorParam == param, "\(json) → \(reply.text)")
            }
            #expect(checker.asked.withLock { $0.isEmpty })
            let service = try await client.call(.post, "/v1/deposits/check", key: h.serviceKey, json: #"{"network":"ethereum","tx_hash":"\#(Self.hash)"}"#)
            #expect(service.status == .forbidden, "operators only")
            // The literal route wins over /v1/deposits/{id}: only POST is allowed here.
            let get = try await client.call(.get, "/v1/deposits/check", key: h.operatorKey)
            #expect(get.status == .methodNotAllowed && get.headers[.allow] == "POST", "\(get.status) \(get.text)")
        }
    }

    @Test func aNodeThatCannotAnswerIsA502ThatEchoesNothingOfIt() async throws {
        let checker = Checker(answer: nil, failure: NodeDown())
        try await APIHarness.with(.sqlite, transactionChecker: checker) { h, client in
            let reply = try await client.call(.post, "/v1/deposits/check", key: h.operatorKey, json: #"{"network":"ethereum","tx_hash":"\#(Self.hash)"}"#)
            #expect(reply.status == .badGateway)
            #expect(reply.error["code"] as? String == "node_unavailable")
            #expect(!reply.text.contains("NodeDown"))
        }
    }
}
