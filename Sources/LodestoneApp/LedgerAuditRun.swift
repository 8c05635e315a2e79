public import Logging
import LodestoneDomain
import LodestoneStore

/// `lodestone audit ledger`: every customer's money in every asset reconciled (deposits, ledger
/// entries, intents), read only.
public enum LedgerAuditRun {
    /// One disagreement.
    public struct Line: Sendable, Encodable {
        public let customer: String
        public let asset: String
        public let subject: String?
        public let problem: String
    }

    /// Totals.
    public struct Summary: Sendable, Encodable {
        public var accounts = 0
        public var deposits = 0
        public var intents = 0
        public var findings = 0
    }

    /// Reconciles every account; `report` receives each finding as it is found.
    public static func run(configPath: String?, databaseURL: String?, logger: Logger, report: @Sendable (Line) -> Void) async throws -> Summary {
        try await ConfiguredStore.with(configPath: configPath, databaseURL: databaseURL, logger: logger) { _, _, store in
            var summary = Summary()
            var after: (customerID: String, assetID: String)? = nil
            while true {
                let accounts = try await store.ledgerAccountsForAudit(after: after, limit: 500)
                guard let last = accounts.last else { break }
                after = last
                for (customer, asset) in accounts {
                    let account = try await store.ledgerAccountForAudit(customerID: customer, assetID: asset)
                    summary.accounts += 1
                    summary.deposits += account.deposits.count
                    summary.intents += account.intents.count
                    for f in LedgerAudit.check(account) {
                        summary.findings += 1
                        report(Line(customer: f.customerID, asset: f.assetID, subject: f.subject, problem: f.problem))
                    }
                }
            }
            return summary
        }
    }
}
