import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

@Suite struct MempoolWatchTests {
    struct Pay: Sendable, Equatable {
        let txid: String
        let n: Int
    }

    static func deposit(_ id: String, tx: String, n: Int = 0, status: DepositStatus = .pending, block: Int64 = Deposit.unminedBlockNumber)
        -> Deposit
    {
        Deposit(
            id: id, network: .bitcoinRegtest, assetID: "BTC-Bitcoin-Regtest", address: "bcrt1q", customerID: "cus_1",
            amount: Amount(baseUnits: 1_000), txHash: tx, position: n, blockNumber: block, blockHash: block < 0 ? "" : "h\(block)",
            confirmations: 0, status: status, createdAt: 0)
    }

    @Test func onlyTransactionsNewSinceTheLastSnapshotAreReadAndAFailedReadIsReadAgain() {
        var watch = MempoolWatch<Pay>()
        #expect(watch.snapshot(["a", "b", "c", "a"]) == ["a", "b", "c"], "a repeated id is read once")
        watch.read("a", payments: [])
        watch.read("b", payments: [Pay(txid: "b", n: 1)])
        // c was never read (the poll failed part way): it is read again although it is not new.
        #expect(watch.snapshot(["a", "b", "c", "d"]) == ["c", "d"])
        watch.read("c", payments: nil)  // gone before it could be read
        watch.read("d", payments: [])
        #expect(watch.snapshot(["b", "c", "d"]) == ["c"], "c is listed again after it was gone: read again")
        #expect(watch.paying.keys.sorted() == ["b"])
        // A transaction leaves and comes back: read again, its payments forgotten in between.
        #expect(watch.snapshot(["c", "d"]) == ["c"])
        #expect(watch.paying.isEmpty)
        #expect(watch.snapshot(["b", "c", "d"]) == ["b", "c"])
    }

    @Test func aReadOfATransactionNotInTheSnapshotIsIgnored() {
        var watch = MempoolWatch<Pay>()
        _ = watch.snapshot(["a"])
        watch.read("z", payments: [Pay(txid: "z", n: 0)])
        #expect(watch.paying.isEmpty && watch.known == ["a"])
    }

    @Test func paymentsNotStoredAsUnminedAreRecordedAndStoredOnesAreNot() {
        var watch = MempoolWatch<Pay>()
        _ = watch.snapshot(["a", "b"])
        watch.read("a", payments: [Pay(txid: "a", n: 0), Pay(txid: "a", n: 3)])
        watch.read("b", payments: [Pay(txid: "b", n: 1)])
        let stored = [
            Self.deposit("dep_1", tx: "a", n: 0),
            // Orphaned by a reorg or a withdrawal: its return must be recorded.
            Self.deposit("dep_2", tx: "b", n: 1, status: .orphaned),
        ]
        let plan = watch.reconcile(unmined: stored, caughtUp: true) { $0.n }
        #expect(plan.record == [Pay(txid: "a", n: 3), Pay(txid: "b", n: 1)])
        #expect(plan.withdraw.isEmpty, "every stored transaction is still in the mempool")
    }

    @Test func aDetectionIsWithdrawnOnlyWhenItsTransactionLeftAndTheScanHasCaughtUp() {
        var watch = MempoolWatch<Pay>()
        _ = watch.snapshot(["a"])
        let stored = [
            Self.deposit("dep_gone", tx: "x"),
            Self.deposit("dep_dust", tx: "y", status: .ignored),
            Self.deposit("dep_here", tx: "a"),
            // Listed by the store as unmined, then mined meanwhile: never withdrawn.
            Self.deposit("dep_mined", tx: "z", block: 7),
        ]
        #expect(watch.reconcile(unmined: stored, caughtUp: false) { $0.n }.withdraw.isEmpty, "the next poll decides")
        let plan = watch.reconcile(unmined: stored, caughtUp: true) { $0.n }
        #expect(plan.withdraw.map(\.id) == ["dep_gone", "dep_dust"])
    }

    @Test func recordingNeverMovesAMinedDepositBackIntoTheMempool() {
        let o = DepositObservation(
            network: .bitcoinRegtest, assetID: "BTC-Bitcoin-Regtest", address: "bcrt1q", customerID: "cus_1", amount: Amount(baseUnits: 1_000),
            txHash: "a", position: 0, blockNumber: Deposit.unminedBlockNumber, blockHash: Deposit.unminedBlockHash)
        #expect(DepositRecording.decide(o, minimum: .zero, existing: nil) == .insert(status: .pending, ignoredReason: nil))
        for status in [DepositStatus.pending, .confirmed, .ignored] {
            #expect(DepositRecording.decide(o, minimum: .zero, existing: Self.deposit("d", tx: "a", status: status, block: 9)) == .unchanged)
        }
        #expect(DepositRecording.decide(o, minimum: .zero, existing: Self.deposit("d", tx: "a")) == .unchanged)
        #expect(DepositRecording.decide(o, minimum: .zero, existing: Self.deposit("d", tx: "a", status: .orphaned, block: 9)) == .revive(status: .pending, ignoredReason: nil))
        #expect(DepositRecording.decide(o, minimum: .zero, existing: Self.deposit("d", tx: "a", status: .reversed, block: 9)) == .restore)
        // Mined after the mempool: the deposit moves into its block.
        let mined = DepositObservation(
            network: o.network, assetID: o.assetID, address: o.address, customerID: o.customerID, amount: o.amount, txHash: "a", position: 0,
            blockNumber: 9, blockHash: "h9")
        #expect(DepositRecording.decide(mined, minimum: .zero, existing: Self.deposit("d", tx: "a")) == .move)
        // Each return to the mempool is its own cause (event), unlike a block, which names itself.
        #expect(
            DepositRecording.cause(depositID: "d", observation: o, at: 1) != DepositRecording.cause(depositID: "d", observation: o, at: 2))
        #expect(DepositRecording.cause(depositID: "d", observation: mined, at: 1) == DepositRecording.cause(depositID: "d", observation: mined, at: 2))
    }

    @Test func onlyUnminedPendingOrIgnoredDepositsAreWithdrawn() {
        #expect(DepositRecording.withdrawal(Self.deposit("d", tx: "a")) == .orphan)
        #expect(DepositRecording.withdrawal(Self.deposit("d", tx: "a", status: .ignored)) == .orphanIgnored)
        #expect(DepositRecording.withdrawal(Self.deposit("d", tx: "a", status: .orphaned)) == .none)
        #expect(DepositRecording.withdrawal(Self.deposit("d", tx: "a", block: 3)) == .none)
        #expect(DepositRecording.withdrawal(Self.deposit("d", tx: "a", status: .confirmed, block: 3)) == .none)
    }

    @Test func anUnminedDepositIsNeverCountedNorCredited() {
        let pending = [Self.deposit("unmined", tx: "a"), Self.deposit("mined", tx: "b", block: 5)]
        let thresholds = ["BTC-Bitcoin-Regtest": ConfirmationThreshold(1)]
        let steps = ConfirmationPlan.decide(tip: 10, pending: pending, thresholds: thresholds, finality: .counting)
        #expect(steps == [ConfirmationPlan.Step(depositID: "mined", confirmations: 6, credit: true)])
    }

    @Test func anUnminedDepositIsWrittenWithoutABlockAndAnOrphanSaysWhy() throws {
        let unmined = try EventPayload.encode(DepositRepresentation(Self.deposit("d", tx: "a", status: .orphaned), decimals: 8))
        #expect(unmined.contains(#""block_number":null"#) && unmined.contains(#""block_hash":null"#))
        #expect(unmined.contains("left the mempool without being mined"))
        let reorged = try EventPayload.encode(DepositRepresentation(Self.deposit("d", tx: "a", status: .orphaned, block: 4), decimals: 8))
        #expect(reorged.contains(#""block_number":4"#) && reorged.contains("its block left the chain"))
        let pending = try EventPayload.encode(DepositRepresentation(Self.deposit("d", tx: "a", block: 4), decimals: 8))
        #expect(pending.contains(#""orphaned_reason":null"#))
    }
}
