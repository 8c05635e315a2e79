import Foundation
import Hummingbird
import LodestoneAPI
import LodestoneCore
import LodestoneDomain
import LodestoneStore
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `GET /metrics` in the Prometheus text format, on its own listen address (loopback by default),
/// away from the API and its keys: what swift-metrics records anywhere in the process, through
/// swift-prometheus's registry.
enum MetricsEndpoint {
    /// The process's registry; swift-metrics can be bootstrapped once per process.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The metrics server at `host:port`.
    static func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let registry = Self.registry
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "lodestone-metrics"), logger: logger)
    }
}

/// Keeps the gauges that describe state (not events) current: each watched network's head,
/// scanned height and lag, and each address pool's remaining addresses.
struct StateGauges: Service {
    let networks: [NetworkID]
    let pools: [NetworkID]
    let progress: ScanProgressBoard
    let store: any Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let head = Dictionary(uniqueKeysWithValues: networks.map { ($0, Gauge(label: "lodestone_scan_head_height", dimensions: [("network", $0.rawValue)])) })
        let scanned = Dictionary(uniqueKeysWithValues: networks.map { ($0, Gauge(label: "lodestone_scan_scanned_height", dimensions: [("network", $0.rawValue)])) })
        let lag = Dictionary(uniqueKeysWithValues: networks.map { ($0, Gauge(label: "lodestone_scan_lag_blocks", dimensions: [("network", $0.rawValue)])) })
        let remaining = Dictionary(uniqueKeysWithValues: pools.map { ($0, Gauge(label: "lodestone_address_pool_remaining", dimensions: [("network", $0.rawValue)])) })
        // Cancelled on graceful shutdown: the sleep ends with it.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for network in networks {
                    guard let p = await progress.progress(of: network) else { continue }
                    if let h = p.headHeight { head[network]?.record(h) }
                    if let s = p.scannedHeight { scanned[network]?.record(s) }
                    if let l = p.lag { lag[network]?.record(l) }
                }
                for network in pools {
                    do { remaining[network]?.record(try await store.poolRemaining(network: network)) } catch {
                        logger.warning("cannot read the address pool for its gauge", metadata: ["network": "\(network)", "error": "\(error)"])
                    }
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
