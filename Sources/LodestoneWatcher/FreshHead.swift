import LodestoneDomain
import LodestoneRPC
import Logging

/// Reads a head and refuses stale ones, as `StaleHeadFilter` decides: a stale endpoint is taken out
/// of rotation and the next one asked; if every endpoint is stale, the freshest answer is used and
/// an error logged.
enum FreshHead {
    static func read(
        client: NodeClient, maxAgeSeconds: Int64, nowMillis: Int64, network: String, logger: Logger,
        fetch: () async throws -> ChainHead
    ) async throws -> ChainHead {
        var filter = StaleHeadFilter(maxAgeSeconds: maxAgeSeconds, endpoints: await client.endpointLabels.count)
        var heads: [ChainHead] = []
        while true {
            let head = try await fetch()
            heads.append(head)
            switch filter.judge(timestamp: head.timestamp, nowMillis: nowMillis) {
            case .accept:
                await client.recordHead(head.block.number)
                return head
            case .demoteAndAskNext(let age):
                await client.recordHead(head.block.number, stale: true)
                await client.demoteCurrent(because: "head \(head.block.number) is \(age) s old")
            case .useFreshest(let index):
                logger.error("every endpoint's head is stale", metadata: ["network": "\(network)"])
                return heads[index]
            }
        }
    }
}
