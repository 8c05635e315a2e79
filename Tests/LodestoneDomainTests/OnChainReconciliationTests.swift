import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

@Suite struct OnChainReconciliationTests {
    static func amount(_ n: UInt64) -> Amount { Amount(baseUnits: BigUInt(n)) }

    @Test func moreOnChainIsAlwaysAFindingLessOnlyWhenNothingWasSent() {
        #expect(OnChainReconciliation.compare(onChain: Self.amount(100), recorded: LedgerAmount(Self.amount(100)), sentAnything: false) == .agrees)
        #expect(
            OnChainReconciliation.compare(onChain: Self.amount(130), recorded: LedgerAmount(Self.amount(100)), sentAnything: true)
                == .moreOnChain(LedgerAmount(Self.amount(30))))
        #expect(
            OnChainReconciliation.compare(onChain: Self.amount(40), recorded: LedgerAmount(Self.amount(100)), sentAnything: true)
                == .moved(LedgerAmount(Self.amount(60))), "swept by the merchant")
        #expect(
            OnChainReconciliation.compare(onChain: Self.amount(40), recorded: LedgerAmount(Self.amount(100)), sentAnything: false)
                == .lessOnChain(LedgerAmount(Self.amount(60))))
    }

    @Test func recordedCountsMinedDepositsStillOnTheChainUpToTheBlock() {
        func d(_ id: String, _ n: UInt64, _ status: DepositStatus, block: Int64, asset: String = "USDT-Ethereum") -> Deposit {
            Deposit(
                id: id, network: .ethereum, assetID: asset, address: "0x", customerID: "c", amount: Self.amount(n), txHash: id, position: 0,
                blockNumber: block, blockHash: "h", confirmations: 0, status: status, createdAt: 0)
        }
        let deposits = [
            d("a", 1, .confirmed, block: 5), d("b", 2, .pending, block: 6), d("c", 4, .ignored, block: 6), d("d", 8, .orphaned, block: 6),
            d("e", 16, .reversed, block: 6), d("f", 32, .confirmed, block: 9), d("g", 64, .pending, block: Deposit.unminedBlockNumber),
            d("h", 128, .confirmed, block: 5, asset: "ETH-Ethereum"),
        ]
        #expect(OnChainReconciliation.recorded(deposits, assetID: "USDT-Ethereum", atOrBelow: 8) == LedgerAmount(Self.amount(7)))
    }
}
