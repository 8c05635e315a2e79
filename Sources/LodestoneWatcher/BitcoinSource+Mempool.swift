import LodestoneChains
import LodestoneDomain
import LodestoneRPC

// The mempool, read only: `getmempoolinfo`, `getrawmempool`, and each new transaction by
// `getrawtransaction <txid> true`, which a node without `-txindex` answers for mempool transactions.
extension BitcoinSource: MempoolSource {
    struct MempoolInfo: Decodable, Sendable { let loaded: Bool }

    public func mempoolLoaded() async throws -> Bool {
        try await client.call("getmempoolinfo", [], as: MempoolInfo.self).loaded
    }

    public func mempoolTransactionIDs() async throws -> [String] {
        try await client.call("getrawmempool", [.bool(false)], as: [String].self)
    }

    public func bestBlockHash() async throws -> String {
        try await client.call("getbestblockhash", [], as: String.self)
    }

    public func mempoolTransfers(_ txids: [String], watching: AddressWatchList) async throws -> MempoolRead {
        let answers = try await client.batchResults(
            "getrawtransaction", txids.map { [.string($0), .bool(true)] }, as: BitcoinTransaction.self, batchSize: 200)
        var out = MempoolRead()
        var read: [BitcoinTransaction] = []
        for (txid, answer) in zip(txids, answers) {
            switch answer {
            case .success(let tx):
                guard tx.txid == txid else {
                    throw ChainSourceError.inconsistent("getrawtransaction \(txid) answered another transaction")
                }
                read.append(tx)
            case .failure(.rpc(_, RPCError.notFound, _)):
                // Mined, replaced or evicted since the listing: gone from the mempool.
                out.gone.append(txid)
            case .failure(let error):
                throw error
            }
        }
        for tx in read { out.payments[tx.txid] = [] }
        for (index, output) in await watching.watchedOutputs(of: read) {
            let tx = read[index]
            out.payments[tx.txid, default: []].append(
                ObservedTransfer(
                    recipient: output.script, assetID: assetID, amount: output.amount, txHash: tx.txid, position: output.n,
                    blockNumber: Deposit.unminedBlockNumber, blockHash: Deposit.unminedBlockHash))
        }
        return out
    }
}
