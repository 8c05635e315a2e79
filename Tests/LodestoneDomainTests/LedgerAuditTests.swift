import BigInt
import LodestoneCore
import LodestoneDomain
import Testing

@Suite struct LedgerAuditTests {
    static func deposit(_ id: String, _ amount: UInt64, _ status: DepositStatus, credits: Int, reversals: Int = 0) -> LedgerDeposit {
        LedgerDeposit(
            deposit: Deposit(
                id: id, network: .ethereum, assetID: "USDT-Ethereum", address: "0x", customerID: "cus_1", amount: Amount(baseUnits: BigUInt(amount)),
                txHash: "0x\(id)", position: 0, blockNumber: 1, blockHash: "h", confirmations: 3, status: status, createdAt: 0),
            credits: credits, reversals: reversals, seenAt: 0)
    }

    static func intent(_ id: String, amount: UInt64, received: UInt64) -> PaymentIntent {
        PaymentIntent(
            id: id, status: received >= amount ? .succeeded : .requiresPayment, assetID: "USDT-Ethereum", network: .ethereum,
            amount: Amount(baseUnits: BigUInt(amount)), amountReceived: Amount(baseUnits: BigUInt(received)), depositAddress: "0x",
            confirmationsRequired: 3, customerID: "cus_1", merchantOrderID: nil, metadata: nil, expiresAt: 0, createdAt: 0, sequence: 1)
    }

    static func entry(_ target: String, _ amount: Int64) -> LedgerAudit.Entry {
        LedgerAudit.Entry(target: target, amount: LedgerAmount(value: BigInt(amount)))
    }

    static func account(_ deposits: [LedgerDeposit], _ intents: [PaymentIntent], _ entries: [LedgerAudit.Entry]) -> LedgerAudit.Account {
        LedgerAudit.Account(customerID: "cus_1", assetID: "USDT-Ethereum", deposits: deposits, intents: intents, entries: entries)
    }

    @Test func creditedMoneySplitBetweenAnIntentAndTheBalanceReconciles() {
        let reconciled = Self.account(
            [
                Self.deposit("d1", 100, .confirmed, credits: 1), Self.deposit("d2", 50, .reversed, credits: 1, reversals: 1),
                Self.deposit("d3", 7, .ignored, credits: 0), Self.deposit("d4", 9, .pending, credits: 0),
            ],
            [Self.intent("pi_1", amount: 60, received: 60)],
            [Self.entry("intent:pi_1", 60), Self.entry("balance", 40), Self.entry("balance", 50), Self.entry("balance", -50)])
        #expect(LedgerAudit.check(reconciled).isEmpty)
    }

    @Test func eachDisagreementIsNamed() {
        func problems(_ a: LedgerAudit.Account) -> [String] { LedgerAudit.check(a).map { "\($0.subject ?? "-"): \($0.problem)" } }
        #expect(
            problems(Self.account([Self.deposit("d1", 100, .confirmed, credits: 2)], [], [Self.entry("balance", 200)]))
                == ["d1: credited 2 times and reversed 0 times: net 2, never more than once",
                    "-: the ledger holds 200 base units, but credited deposits add up to 0"])
        #expect(
            problems(Self.account([Self.deposit("d1", 100, .confirmed, credits: 0)], [], []))
                == ["d1: confirmed but not credited (net 0)"])
        #expect(
            problems(Self.account([Self.deposit("d1", 100, .orphaned, credits: 1)], [], [Self.entry("balance", 100)]))
                == ["d1: orphaned but still credited"])
        #expect(
            problems(Self.account([Self.deposit("d1", 100, .confirmed, credits: 1)], [Self.intent("pi_1", amount: 100, received: 100)], [Self.entry("balance", 100)]))
                == ["pi_1: received 100 by its own record, 0 by the ledger"])
        #expect(
            problems(Self.account([], [], [Self.entry("intent:pi_9", 5), Self.entry("intent:pi_9", -5)]))
                == ["-: ledger entries name intent:pi_9, which is not an intent of this account"])
    }
}
