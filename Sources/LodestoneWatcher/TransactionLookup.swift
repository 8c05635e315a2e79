import Foundation
public import LodestoneChains
import LodestoneDomain
import LodestoneCore
import LodestoneRPC

/// One transaction read again by its hash (`check-tx`).
public enum TransactionLookup: Sendable {
    /// The node does not know it.
    case notFound
    /// Known, in no block yet.
    case unmined
    /// In block `number`/`hash`; `succeeded` when the chain says so; its transfers to watched accounts.
    case mined(number: Int64, hash: String, succeeded: Bool?, transfers: [ObservedTransfer])
}

/// Finding a transaction's block differs per family; reading what it pays is the block scan's job,
/// so a check reads exactly what the scan would have read.
public protocol TransactionLocating: Sendable {
    /// The transaction `hash` read again; `block` is where to look when the node cannot find
    /// transactions by hash alone (Bitcoin without `-txindex`).
    func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup
}

extension ChainSource {
    /// The transfers of `hash` in the block at `number`, read by the block scan.
    func transfers(of hash: String, inBlock number: Int64, watching: AddressWatchList, succeeded: Bool?) async throws -> TransactionLookup {
        let scanned = try await scan(number...number, watching: watching)
        guard let block = scanned.blocks.first else { throw ChainSourceError.inconsistent("block \(number) read as no block") }
        return .mined(number: number, hash: block.hash, succeeded: succeeded, transfers: scanned.transfers.filter { $0.txHash == hash })
    }
}

// EVM: the receipt holds every log of the transaction, so a log an `eth_getLogs` answer left out is
// still found here; the transaction itself gives the native value.
extension EVMSource: TransactionLocating {
    struct FullReceipt: Decodable, Sendable {
        let receipt: EVMReceipt
        let blockNumber: Int64
        let logs: ERC20TransferBatch

        enum CodingKeys: String, CodingKey { case blockNumber, logs }

        init(from decoder: any Decoder) throws {
            receipt = try EVMReceipt(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard let number = HexQuantity.int64(try c.decode(String.self, forKey: .blockNumber)) else {
                throw DecodingError.dataCorruptedError(forKey: .blockNumber, in: c, debugDescription: "not a hex quantity")
            }
            blockNumber = number
            logs = try c.decode(ERC20TransferBatch.self, forKey: .logs)
        }
    }

    public func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup {
        try await client.pinned {
            guard let full = try await client.callOptional("eth_getTransactionReceipt", [.string(hash)], as: FullReceipt.self) else {
                let pending = try await client.callOptional("eth_getTransactionByHash", [.string(hash)], as: EVMTransaction.self)
                return pending == nil ? .notFound : .unmined
            }
            guard full.receipt.transactionHash == hash else {
                throw ChainSourceError.inconsistent("eth_getTransactionReceipt \(hash) answered \(full.receipt.transactionHash)")
            }
            guard let tx = try await client.callOptional("eth_getTransactionByHash", [.string(hash)], as: EVMTransaction.self), tx.hash == hash
            else { throw ChainSourceError.inconsistent("a receipt for \(hash) but no transaction") }
            let logs = full.logs.transfers.filter { $0.transactionHash == hash && $0.blockHash == full.receipt.blockHash }
            var candidates = logs.map(\.to)
            if let to = tx.to { candidates.append(to) }
            let watched = await watching.watched(among: candidates)
            var transfers: [ObservedTransfer] = []
            if full.receipt.succeeded {
                if let to = tx.to, watched.contains(to) {
                    transfers.append(
                        ObservedTransfer(
                            recipient: to.bytes, assetID: nativeAssetID, amount: tx.value, txHash: hash, position: ObservedTransfer.nativePosition,
                            blockNumber: full.blockNumber, blockHash: full.receipt.blockHash, sender: tx.from?.bytes))
                }
                transfers += try tokenTransfers(logs.filter { watched.contains($0.to) }, receipts: [hash: full.receipt])
            }
            return .mined(number: full.blockNumber, hash: full.receipt.blockHash, succeeded: full.receipt.succeeded, transfers: transfers)
        }
    }
}

// Tron: the transaction's info names its block once it is in one; the block scan reads it.
extension TronSource: TransactionLocating {
    struct InfoByID: Decodable, Sendable {
        let blockNumber: Int64?
        let receipt: Receipt?
        struct Receipt: Decodable, Sendable { let result: String? }
    }

    struct TransactionByID: Decodable, Sendable { let txID: String? }

    public func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup {
        try await client.pinned {
            let body = (try? JSONEncoder().encode(["value": hash])) ?? Data()
            let info = try await client.post(path: "/wallet/gettransactioninfobyid", json: body, as: InfoByID.self)
            guard let number = info.blockNumber else {
                let tx = try await client.post(path: "/wallet/gettransactionbyid", json: body, as: TransactionByID.self)
                return tx.txID == nil ? .notFound : .unmined
            }
            // A TRX transfer has no receipt result; a contract call's is SUCCESS or the reason it failed.
            let succeeded = info.receipt?.result.map { $0 == "SUCCESS" }
            return try await transfers(of: hash, inBlock: number, watching: watching, succeeded: succeeded)
        }
    }
}

// Bitcoin: a node without `-txindex` finds a mined transaction only in a block it is told about.
extension BitcoinSource: TransactionLocating {
    struct RawTransaction: Decodable, Sendable {
        let txid: String
        let blockhash: String?
    }

    struct HeaderHeight: Decodable, Sendable {
        let hash: String
        let height: Int64
    }

    public func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup {
        try await client.pinned {
            var params: [JSONParam] = [.string(hash), .bool(true)]
            if let block { params.append(.string(try await self.block(at: block).hash)) }
            let tx: RawTransaction
            do { tx = try await client.call("getrawtransaction", params, as: RawTransaction.self) } catch RPCError.rpc(_, RPCError.notFound, _) {
                return .notFound
            }
            guard tx.txid == hash else { throw ChainSourceError.inconsistent("getrawtransaction \(hash) answered \(tx.txid)") }
            guard let blockHash = tx.blockhash else { return .unmined }
            let header = try await client.call("getblockheader", [.string(blockHash), .bool(true)], as: HeaderHeight.self)
            let found = try await transfers(of: hash, inBlock: header.height, watching: watching, succeeded: true)
            if case .mined(_, let scannedHash, _, _) = found, scannedHash != blockHash {
                // The block was replaced between the two reads: the node has moved on.
                throw ChainSourceError.inconsistent("transaction \(hash) is in \(blockHash), but block \(header.height) is now \(scannedHash)")
            }
            return found
        }
    }
}

// Solana: `getTransaction` at `confirmed` names the slot; the slot's block is read by the scan.
// There is no mempool to look in: an unknown signature is not found.
extension SolanaSource: TransactionLocating {
    struct TransactionAtSlot: Decodable, Sendable {
        let slot: Int64
        let meta: Meta?
        struct Meta: Decodable, Sendable {
            let err: JSONValue?
        }
    }

    public func transaction(_ hash: String, inBlock block: Int64?, watching: AddressWatchList) async throws -> TransactionLookup {
        try await client.pinned {
            let options: JSONParam = .object([
                "commitment": .string("confirmed"), "encoding": .string("json"), "maxSupportedTransactionVersion": .int(0),
            ])
            guard let tx = try await client.callOptional("getTransaction", [.string(hash), options], as: TransactionAtSlot.self) else {
                return .notFound
            }
            // A null `err` is success; any error object is a failed transaction.
            return try await transfers(of: hash, inBlock: tx.slot, watching: watching, succeeded: tx.meta.map { $0.err == nil })
        }
    }
}
