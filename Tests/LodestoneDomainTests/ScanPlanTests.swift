import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

/// Tracking, the back-up pass, the loop's pace and stale heads: each decided without I/O.
@Suite struct ScanPlanTests {
    static func deposit(_ id: String, asset: String = "USDT-Ethereum", amount: UInt64, block: Int64, confirmations: Int = 0) -> Deposit {
        Deposit(
            id: id, network: .ethereum, assetID: asset, address: "0x", customerID: "cus", amount: Amount(baseUnits: BigUInt(amount)), txHash: "0x\(id)",
            position: 0, blockNumber: block, blockHash: "h\(block)", confirmations: confirmations, status: .pending, createdAt: 0)
    }

    static func usdt(_ text: String) -> Amount { try! Amount(decimal: text, decimals: 6) }

    static let tiered = try! ConfirmationThreshold(tiers: [
        .init(upTo: usdt("10000"), confirmations: 12), .init(upTo: nil, confirmations: 64),
    ])

    @Test func aLargeDepositWaitsForItsTierWhileASmallOneIsCredited() {
        let small = Self.deposit("small", amount: 10_000_000_000, block: 100)  // exactly 10,000 USDT: the lower tier
        let large = Self.deposit("large", amount: 10_000_000_001, block: 100)
        let at12 = ConfirmationPlan.decide(tip: 111, pending: [small, large], thresholds: ["USDT-Ethereum": Self.tiered], finality: .counting)
        #expect(at12 == [.init(depositID: "small", confirmations: 12, credit: true), .init(depositID: "large", confirmations: 12, credit: false)])
        let at63 = ConfirmationPlan.decide(tip: 162, pending: [large], thresholds: ["USDT-Ethereum": Self.tiered], finality: .counting)
        #expect(at63 == [.init(depositID: "large", confirmations: 63, credit: false)])
        let at64 = ConfirmationPlan.decide(tip: 163, pending: [large], thresholds: ["USDT-Ethereum": Self.tiered], finality: .counting)
        #expect(at64 == [.init(depositID: "large", confirmations: 64, credit: true)])
    }

    @Test func onlyChangedCountsAreWrittenAndBlocksAboveTheTipWait() {
        let counted = Self.deposit("a", amount: 1, block: 100, confirmations: 5)
        let ahead = Self.deposit("b", amount: 1, block: 106)
        let plan = ConfirmationPlan.decide(tip: 104, pending: [counted, ahead], thresholds: ["USDT-Ethereum": .init(12)], finality: .counting)
        #expect(plan.isEmpty)
    }

    @Test func anAssetWithoutAThresholdIsCountedButNeverCredited() {
        let d = Self.deposit("a", asset: "GONE-Ethereum", amount: 1, block: 1)
        #expect(ConfirmationPlan.decide(tip: 10_000, pending: [d], thresholds: [:], finality: .counting)
            == [.init(depositID: "a", confirmations: 10_000, credit: false)])
    }

    @Test func aTaggedNetworkCreditsUpToTheTagWhateverTheThreshold() {
        let inside = Self.deposit("in", amount: 1, block: 90)
        let outside = Self.deposit("out", amount: 1, block: 91)
        let plan = ConfirmationPlan.decide(
            tip: 95, pending: [inside, outside], thresholds: ["USDT-Ethereum": .init(1)], finality: .tagged(90))
        #expect(plan.map(\.credit) == [true, false])
    }

    @Test func aCountedAssetOnATaggedNetworkIsCreditedByItsCountAlone() {
        // A Solana asset set to `confirmed` (threshold 1) or to a slot count beside others waiting for `finalized`.
        let renamed = Self.deposit("counted", asset: "USDC-Ethereum", amount: 1, block: 94)
        let waiting = Self.deposit("waiting", amount: 1, block: 94)
        let thresholds: [String: ConfirmationThreshold] = ["USDT-Ethereum": .init(1), "USDC-Ethereum": .init(2)]
        let plan = ConfirmationPlan.decide(
            tip: 95, pending: [renamed, waiting], thresholds: thresholds, finality: .tagged(90), counted: ["USDC-Ethereum"])
        #expect(plan.map(\.depositID) == ["counted", "waiting"] && plan.map(\.credit) == [true, false])
        // Below its count it waits too, whatever the tag says.
        let early = ConfirmationPlan.decide(tip: 94, pending: [renamed], thresholds: thresholds, finality: .tagged(95), counted: ["USDC-Ethereum"])
        #expect(early.map(\.credit) == [false])
        // A tag not on the scanned chain (-1) credits nothing by the tag.
        #expect(ConfirmationPlan.decide(tip: 95, pending: [waiting], thresholds: thresholds, finality: .tagged(-1)).map(\.credit) == [false])
    }

    @Test func tiersAreValidated() {
        let ten = Self.usdt("10"), hundred = Self.usdt("100")
        #expect(throws: ConfirmationThreshold.Invalid.empty) { try ConfirmationThreshold(tiers: []) }
        #expect(throws: ConfirmationThreshold.Invalid.lastTierBounded) { try ConfirmationThreshold(tiers: [.init(upTo: ten, confirmations: 3)]) }
        #expect(throws: ConfirmationThreshold.Invalid.unboundedBeforeLast(index: 0)) {
            try ConfirmationThreshold(tiers: [.init(upTo: nil, confirmations: 3), .init(upTo: nil, confirmations: 5)])
        }
        #expect(throws: ConfirmationThreshold.Invalid.boundsNotAscending(index: 1)) {
            try ConfirmationThreshold(tiers: [
                .init(upTo: hundred, confirmations: 3), .init(upTo: ten, confirmations: 5), .init(upTo: nil, confirmations: 9),
            ])
        }
        #expect(throws: ConfirmationThreshold.Invalid.fewerConfirmationsForMore(index: 1)) {
            try ConfirmationThreshold(tiers: [.init(upTo: ten, confirmations: 12), .init(upTo: nil, confirmations: 3)])
        }
        #expect(throws: ConfirmationThreshold.Invalid.outOfRange(index: 1)) {
            try ConfirmationThreshold(tiers: [.init(upTo: ten, confirmations: 1), .init(upTo: nil, confirmations: 0)])
        }
        let three = try? ConfirmationThreshold(tiers: [
            .init(upTo: ten, confirmations: 1), .init(upTo: hundred, confirmations: 6), .init(upTo: nil, confirmations: 30),
        ])
        #expect(three.map { [$0.required(for: .zero), $0.required(for: ten), $0.required(for: Self.usdt("10.000001")), $0.required(for: hundred), $0.required(for: Self.usdt("1000000"))] } == [1, 1, 6, 6, 30])
    }

    @Test func theBackUpPassStartsWhereTheScanStartedAndReadsOnlyFinalBlocks() {
        #expect(BackUpPassPlan.next(done: nil, tip: 1000, depth: 300, blocksPerStep: 50) == .begin(at: 700))
        #expect(BackUpPassPlan.next(done: nil, tip: 100, depth: 300, blocksPerStep: 50) == .begin(at: 0))
        #expect(BackUpPassPlan.next(done: 700, tip: 1000, depth: 300, blocksPerStep: 50) == .wait)
        #expect(BackUpPassPlan.next(done: 100, tip: 1000, depth: 300, blocksPerStep: 50) == .read(101...300))
        #expect(BackUpPassPlan.next(done: 650, tip: 1000, depth: 300, blocksPerStep: 50) == .read(651...700))
        #expect(BackUpPassPlan.verdict(blockHash: "x", stored: ChainBlock(number: 1, hash: "x", parentHash: "p")) == .onScannedChain)
        #expect(BackUpPassPlan.verdict(blockHash: "x", stored: ChainBlock(number: 1, hash: "y", parentHash: "p")) == .conflicting)
        #expect(BackUpPassPlan.verdict(blockHash: "x", stored: nil) == .unverifiable)
    }

    @Test func failuresBackOffByDoublingUpToAMinuteAndASuccessResetsThem() {
        var schedule = ScanSchedule(pollInterval: .seconds(3), retryDelay: .seconds(1))
        let delays = (0..<9).map { _ in schedule.failed() }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        #expect(schedule.succeeded(.advanced(to: 5, deposits: 0)) == .stepAgain)
        #expect(schedule.failed() == .seconds(1))
        #expect(schedule.succeeded(.reorged(depth: 2)) == .stepAgain)
        #expect(schedule.succeeded(.caughtUp) == .idle(.seconds(3)))
    }

    @Test func aStaleHeadIsSetAsideAndTheFreshestUsedWhenAllAreStale() {
        let now: Int64 = 1_000_000_000
        var filter = StaleHeadFilter(maxAgeSeconds: 120, endpoints: 3)
        #expect(filter.judge(timestamp: now / 1000 - 500, nowMillis: now) == .demoteAndAskNext(ageSeconds: 500))
        #expect(filter.judge(timestamp: now / 1000 - 120, nowMillis: now) == .accept)

        var allStale = StaleHeadFilter(maxAgeSeconds: 120, endpoints: 3)
        #expect(allStale.judge(timestamp: now / 1000 - 900, nowMillis: now) == .demoteAndAskNext(ageSeconds: 900))
        #expect(allStale.judge(timestamp: now / 1000 - 300, nowMillis: now) == .demoteAndAskNext(ageSeconds: 300))
        #expect(allStale.judge(timestamp: now / 1000 - 600, nowMillis: now) == .useFreshest(index: 1))
    }
}
