import LodestoneDomain
import LodestoneRPC
import Logging

/// Reads a head and refuses stale ones: a node can report itself synced while hours behind, so the
/// head's own timestamp is trusted instead. A stale endpoint is taken out of rotation and the next
/// one asked; if every endpoint is stale, the freshest answer is used and an error logged.
enum FreshHead {
    static func read(
        client: NodeClient, maxAgeSeconds: Int64, nowMillis: Int64, network: String, logger: Logger,
        fetch: () async throws -> ChainHead
    ) async throws -> ChainHead {
        var freshest: ChainHead? = nil
        for _ in 0..<max(1, await client.endpointLabels.count) {
            let head = try await fetch()
            let age = nowMillis / 1000 - head.timestamp
            guard age > maxAgeSeconds else { return head }
            await client.demoteCurrent(because: "head \(head.block.number) is \(age) s old")
            if head.timestamp > freshest?.timestamp ?? Int64.min { freshest = head }
        }
        logger.error("every endpoint's head is stale", metadata: ["network": "\(network)"])
        return freshest!
    }
}
