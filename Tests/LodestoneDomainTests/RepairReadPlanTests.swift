import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

@Suite struct RepairReadPlanTests {
    static let cursor = ChainBlock(number: 100, hash: "h100", parentHash: "h99")

    @Test func aTransferIsRecordedOnlyOnTheScannedChainAtOrBelowTheCursor() {
        let stored = ChainBlock(number: 90, hash: "h90", parentHash: "h89")
        #expect(RepairReadPlan.verdict(number: 90, hash: "h90", cursor: Self.cursor, stored: stored) == .record)
        #expect(RepairReadPlan.verdict(number: 90, hash: "x90", cursor: Self.cursor, stored: stored) == .offScannedChain(storedHash: "h90"))
        #expect(RepairReadPlan.verdict(number: 101, hash: "h101", cursor: Self.cursor, stored: nil) == .notYetScanned)
        #expect(RepairReadPlan.verdict(number: 5, hash: "h5", cursor: nil, stored: nil) == .notYetScanned, "before the first step")
        // Deeper than the kept hashes: final by the scan's own window, so recorded.
        #expect(RepairReadPlan.verdict(number: 3, hash: "h3", cursor: Self.cursor, stored: nil) == .record)
    }

    @Test func rangesStepThroughToTheCursorAtMost() {
        #expect(RepairReadPlan.ranges(from: 10, to: nil, cursor: 24, width: 5) == [10...14, 15...19, 20...24])
        #expect(RepairReadPlan.ranges(from: 10, to: 12, cursor: 24, width: 5) == [10...12])
        #expect(RepairReadPlan.ranges(from: 20, to: 99, cursor: 22, width: 50) == [20...22])
        #expect(RepairReadPlan.ranges(from: 25, to: nil, cursor: 24, width: 5) == nil)
        #expect(RepairReadPlan.ranges(from: 0, to: nil, cursor: nil, width: 5) == nil)
        #expect(RepairReadPlan.ranges(from: 3, to: 3, cursor: 24, width: 0) == [3...3], "a zero width still moves")
    }

    @Test func theExplanationSaysWhatWasFound() {
        let d = Deposit(
            id: "dep_1", network: .ethereum, assetID: "ETH-Ethereum", address: "0x", customerID: "cus_1", amount: Amount(baseUnits: 1), txHash: "0x",
            position: -1, blockNumber: 1, blockHash: "h1", confirmations: 0, status: .pending, createdAt: 0)
        func t(_ o: RepairRecording) -> TransactionCheck.Transfer {
            .init(assetID: "ETH-Ethereum", amount: Amount(baseUnits: 1), address: "0x", position: -1, outcome: o)
        }
        let mixed = TransactionCheck(
            network: .ethereum, txHash: "0x", status: .mined, blockNumber: 1, blockHash: "h1", succeeded: true,
            transfers: [t(.recorded(d, created: true)), t(.recorded(d, created: false)), t(.notYetScanned), t(.offScannedChain(storedHash: "h"))])
        #expect(
            mixed.explanation
                == "1 missed deposit(s) recorded now; 1 already recorded; 1 in a block the scan has not reached yet; 1 in a block that is not on the scanned chain")
        #expect(TransactionCheck(network: .ethereum, txHash: "0x", status: .mined, succeeded: false).explanation.contains("failed"))
        #expect(TransactionCheck(network: .ethereum, txHash: "0x", status: .mined, succeeded: true).explanation.contains("pays no address"))
        #expect(TransactionCheck(network: .bitcoin, txHash: "0x", status: .notFound).explanation.contains("-txindex"))
    }
}
