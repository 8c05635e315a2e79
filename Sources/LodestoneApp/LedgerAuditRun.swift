import Foundation
public import Logging
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import LodestoneWatcher

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

    /// An address whose on-chain balance disagrees with what was recorded arriving there.
    public struct OnChainLine: Sendable, Encodable {
        public let network: String
        public let address: String
        public let asset: String
        public let block: Int64
        public let onChain: String
        public let recorded: String
        public let problem: String
        enum CodingKeys: String, CodingKey {
            case network, address, asset, block, recorded, problem
            case onChain = "on_chain"
        }
    }

    /// Totals.
    public struct Summary: Sendable, Encodable {
        public var accounts = 0
        public var deposits = 0
        public var intents = 0
        public var findings = 0
        /// Addresses compared with their chain (EVM networks with endpoints, with `--on-chain`).
        public var onChainChecked = 0
        /// Network ids compared on chain, and networks or tokens that could not be (no balance reads
        /// there, or no contract at the token's address).
        public var onChainNetworks: [String] = []
        public var onChainSkipped: [String] = []
        enum CodingKeys: String, CodingKey {
            case accounts, deposits, intents, findings
            case onChainChecked = "on_chain_checked", onChainNetworks = "on_chain_networks", onChainSkipped = "on_chain_skipped"
        }
    }

    /// Reconciles every account; `report` receives each finding as it is found.
    public static func run(
        configPath: String?, databaseURL: String?, onChain: Bool, logger: Logger, report: @Sendable (Line) -> Void,
        reportOnChain: @Sendable (OnChainLine) -> Void = { _ in }
    ) async throws -> Summary {
        try await ConfiguredStore.with(configPath: configPath, databaseURL: databaseURL, logger: logger) { config, _, store in
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
            if onChain { try await compareOnChain(config: config, store: store, logger: logger, summary: &summary, report: reportOnChain) }
            return summary
        }
    }

    /// Compares each issued address's balances at the scan's cursor with the deposits recorded
    /// there, on every watched network whose source reads balances (EVM).
    static func compareOnChain(
        config: LodestoneConfiguration, store: SQLStore, logger: Logger, summary: inout Summary, report: @Sendable (OnChainLine) -> Void
    ) async throws {
        let enabled = NetworkID.allCases.filter { config.networks[$0]?.enabled == true }
        let registry = AssetRegistry(assets: config.enabledAssets)
        let factory = ScannerFactory(config: config, store: store, registry: registry, now: { Int64(Date().timeIntervalSince1970 * 1000) }, logger: logger)
        for network in enabled where config.networks[network]?.rpc.isEmpty == false {
            guard let source = await factory.source(for: network) as? any HoldingsReading & ChainSource else {
                summary.onChainSkipped.append(network.rawValue)
                continue
            }
            guard let cursor = try await store.scanCursor(network: network)?.number else { continue }
            try await source.verifyChain()
            summary.onChainNetworks.append(network.rawValue)
            var rows: [CustomerAddress] = []
            var after: (network: String, customerID: String)? = nil
            while true {
                let page = try await store.addressRowsForAudit(after: after, limit: 1_000)
                guard let last = page.last else { break }
                after = (last.address.network, last.address.customerID)
                rows += page.map(\.address).filter { $0.network == network.rawValue }
            }
            for chunk in stride(from: 0, to: rows.count, by: 100).map({ Array(rows[$0..<min(rows.count, $0 + 100)]) }) {
                let keys = try chunk.map { try AddressCodec.parse($0.address, network: network).matchKey }
                for (row, holdings) in zip(chunk, try await source.holdings(of: keys, at: cursor)) {
                    summary.onChainChecked += 1
                    for asset in holdings.unreadable where !summary.onChainSkipped.contains(asset) {
                        logger.warning("a token's contract answers nothing on this chain; its balances are not compared", metadata: ["asset": "\(asset)"])
                        summary.onChainSkipped.append(asset)
                    }
                    let deposits = try await store.depositsForAudit(network: network, address: row.address)
                    for (asset, balance) in holdings.balances.sorted(by: { $0.key < $1.key }) {
                        let recorded = OnChainReconciliation.recorded(deposits, assetID: asset, atOrBelow: cursor)
                        let problem: String
                        switch OnChainReconciliation.compare(onChain: balance, recorded: recorded, sentAnything: holdings.sentTransactions > 0) {
                        case .agrees, .moved: continue
                        case .moreOnChain(let extra):
                            problem = "holds \(extra) base units more than the recorded deposits: a transfer the scan did not record (try lodestone rescan or check-tx; a contract's internal transfer is not seen)"
                        case .lessOnChain(let short):
                            problem = "holds \(short) base units less than the recorded deposits although it never sent a transaction"
                        }
                        summary.findings += 1
                        report(
                            OnChainLine(
                                network: network.rawValue, address: row.address, asset: asset, block: cursor, onChain: balance.description,
                                recorded: recorded.description, problem: problem))
                    }
                }
            }
        }
    }
}
