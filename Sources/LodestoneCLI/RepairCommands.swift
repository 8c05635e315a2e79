import ArgumentParser
import Foundation
import LodestoneApp
import LodestoneCore
import LodestoneDomain
import LodestoneWatcher

/// `lodestone rescan`: reads a range of blocks again and records what the scan missed.
struct Rescan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a range of blocks again and record any deposit the scan missed (safe beside a running serve).")

    @Option(help: "Network id.")
    var network: String

    @Option(help: "First block (slot on Solana).")
    var from: Int64

    @Option(help: "Last block (default: the scan's cursor; never beyond it).")
    var to: Int64?

    @OptionGroup var store: APIKeyCommand.StoreOptions

    func run() async throws {
        let network = try CommandInputs.network(network)
        guard from >= 0 else { throw CLIError("--from must be a block number (0 or more)") }
        if let to, to < from { throw CLIError("--to \(to) is below --from \(from)") }
        let (from, to) = (from, to)
        let report = try await RepairReads.withScanner(
            configPath: store.config, databaseURL: store.database, network: network, logger: OneShot.logger
        ) { try await $0.rescan(from: from, to: to) }
        struct Line: Encodable {
            let network: String
            let blocksRead: Int64
            let recorded: [String]
            let alreadyRecorded: Int
            let offScannedChain: Int
            enum CodingKeys: String, CodingKey {
                case network, recorded
                case blocksRead = "blocks_read", alreadyRecorded = "already_recorded", offScannedChain = "off_scanned_chain"
            }
        }
        try printJSON(
            Line(
                network: network.rawValue, blocksRead: report.blocksRead, recorded: report.recorded.map(\.id), alreadyRecorded: report.alreadyRecorded,
                offScannedChain: report.offScannedChain))
    }
}

/// `lodestone check-tx`: reads one transaction again and records any deposit it pays that was missed.
struct CheckTx: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-tx", abstract: "Read one transaction again, record any deposit it pays that was missed, and say why.")

    @Option(help: "Network id.")
    var network: String

    @Argument(help: "Transaction hash (a signature on Solana).")
    var hash: String

    @Option(help: "The block it is in (needed on Bitcoin nodes without -txindex).")
    var block: Int64?

    @OptionGroup var store: APIKeyCommand.StoreOptions

    func run() async throws {
        let network = try CommandInputs.network(network)
        guard let id = ChainHash.transactionID(hash, family: network.family) else {
            throw CLIError("'\(hash.prefix(100))' is not a transaction id on \(network)")
        }
        if let block, block < 0 { throw CLIError("--block must be a block number (0 or more)") }
        let block = block
        let check = try await RepairReads.withScanner(
            configPath: store.config, databaseURL: store.database, network: network, logger: OneShot.logger
        ) { try await $0.checkTransaction(id, inBlock: block) }
        struct Transfer: Encodable {
            let asset: String
            let amount: String
            let address: String
            let outcome: String
            let deposit: String?
        }
        struct Line: Encodable {
            let network: String
            let txHash: String
            let status: String
            let blockNumber: Int64?
            let explanation: String
            let transfers: [Transfer]
            enum CodingKeys: String, CodingKey {
                case network, status, explanation, transfers
                case txHash = "tx_hash", blockNumber = "block_number"
            }
        }
        let transfers = check.transfers.map { t in
            Transfer(
                asset: t.assetID, amount: t.amount.decimalString(decimals: AssetCatalog.decimals(ofAssetID: t.assetID) ?? 0), address: t.address,
                outcome: t.outcome.name, deposit: t.outcome.deposit?.id)
        }
        try printJSON(
            Line(
                network: network.rawValue, txHash: check.txHash, status: check.status.rawValue, blockNumber: check.blockNumber,
                explanation: check.explanation, transfers: transfers))
    }
}
