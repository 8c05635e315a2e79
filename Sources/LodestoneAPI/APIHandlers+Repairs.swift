import Hummingbird
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import Logging

// Operator repair: re-read a transaction a customer says was missed.
extension APIHandlers {
    func checkDeposit(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        let networkText = try body.requiredString("network", maxLength: 32)
        guard let network = NetworkID(rawValue: networkText) else { throw APIError.invalid("network", "unknown network '\(networkText.prefix(32))'") }
        let text = try body.requiredString("tx_hash", maxLength: 128)
        guard let hash = ChainHash.transactionID(text, family: network.family) else {
            throw APIError.invalid("tx_hash", "tx_hash is not a transaction id on \(network)")
        }
        let block = try body.int("block_number", in: 0...Int64(Int32.max) * 1000)
        try body.rejectUnknownFields()
        try Self.networkInEnvironment(network, caller, param: "network")
        let notWatched = APIError.invalid("network", "network \(network) is not watched by this deployment (no endpoints configured)")
        guard deps.isWatched(network), let checker = deps.transactionChecker else { throw notWatched }
        let check: TransactionCheck?
        do {
            check = try await checker.checkTransaction(network: network, txHash: hash, block: block)
        } catch let error as StoreError {
            throw error
        } catch {
            // The node's answer may be anything: it goes to the log, not to the caller.
            c.logger.error("transaction check failed", metadata: ["network": "\(network)", "error": "\(error)"])
            throw APIError(.badGateway, "node_unavailable", "the \(network) nodes did not answer the check usably; retry later (the log has the reason)")
        }
        guard let check else { throw notWatched }
        var decimals: [String: Int] = [:]
        for id in Set(check.transfers.map(\.assetID)) { decimals[id] = try await self.decimals(id) }
        return try respond(TransactionCheckBody(check, decimals: decimals))
    }
}

/// `POST /v1/deposits/check`'s answer.
struct TransactionCheckBody: Encodable {
    struct Transfer: Encodable {
        let asset: String
        let amount: String
        let address: String
        let position: Int
        let outcome: String
        let deposit: DepositBody?
    }

    let object = "transaction_check"
    let network: String
    let txHash: String
    let status: String
    let blockNumber: Int64?
    let blockHash: String?
    let succeeded: Bool?
    let explanation: String
    let transfers: [Transfer]

    enum CodingKeys: String, CodingKey {
        case object, network, status, succeeded, explanation, transfers
        case txHash = "tx_hash", blockNumber = "block_number", blockHash = "block_hash"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(object, forKey: .object)
        try c.encode(network, forKey: .network)
        try c.encode(txHash, forKey: .txHash)
        try c.encode(status, forKey: .status)
        // Explicit nulls: a client reads "not in a block" from the field, not from its absence.
        try c.encode(blockNumber, forKey: .blockNumber)
        try c.encode(blockHash, forKey: .blockHash)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encode(explanation, forKey: .explanation)
        try c.encode(transfers, forKey: .transfers)
    }

    init(_ check: TransactionCheck, decimals: [String: Int]) throws {
        network = check.network.rawValue
        txHash = check.txHash
        status = check.status.rawValue
        blockNumber = check.blockNumber
        blockHash = check.blockHash
        succeeded = check.succeeded
        explanation = check.explanation
        transfers = try check.transfers.map { t in
            guard let decimals = decimals[t.assetID] else { throw StoreError.corrupt("unknown asset \(t.assetID)") }
            return Transfer(
                asset: t.assetID, amount: t.amount.decimalString(decimals: decimals), address: t.address,
                position: t.position, outcome: t.outcome.name, deposit: t.outcome.deposit.map { DepositBody($0, decimals: decimals) })
        }
    }
}
