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
        var factory = PrometheusMetricsFactory(registry: registry)
        // Money takes minutes to hours to confirm; node calls and API requests take milliseconds.
        let minutes: [Duration] = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21_600].map { .seconds($0) }
        factory.durationHistogramBuckets = [
            "lodestone_deposit_crediting_seconds": minutes,
            "lodestone_deposit_detection_seconds": [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800].map { .seconds($0) },
        ]
        factory.nameAndLabelSanitizer = { name, labels in (metricName(name), labels.map { (labelName($0.0), $0.1) }) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Hummingbird's request metrics under Lodestone's names; anything else with Prometheus' characters.
    static func metricName(_ name: String) -> String {
        switch name {
        case "http.server.request.duration": return "lodestone_api_request_duration_seconds"
        case "hb.requests": return "lodestone_api_requests_total"
        case "hb.request.errors": return "lodestone_api_request_errors_total"
        case "http.server.active_requests": return "lodestone_api_active_requests"
        default: return String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        }
    }

    /// Short Prometheus label names for Hummingbird's dimensions.
    static func labelName(_ name: String) -> String {
        switch name {
        case "http.route": return "route"
        case "http.request.method": return "method"
        case "http.response.status_code", "error.type": return "status"
        default: return String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        }
    }

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
/// scanned height, lag and lease, each address pool's remaining addresses, deposits by status and
/// the webhook outbox.
struct StateGauges: Service {
    let networks: [NetworkID]
    let pools: [NetworkID]
    /// Each pooled network's warning level, for the pool-low alert.
    let lowWaters: [NetworkID: Int]
    let progress: ScanProgressBoard
    let store: SQLStore
    let interval: Duration
    let now: @Sendable () -> Int64
    let logger: Logger

    func run() async throws {
        func gauges(_ label: String, _ list: [NetworkID]) -> [NetworkID: Metrics.Gauge] {
            Dictionary(uniqueKeysWithValues: list.map { ($0, Gauge(label: label, dimensions: [("network", $0.rawValue)])) })
        }
        let head = gauges("lodestone_scan_head_height", networks)
        let scanned = gauges("lodestone_scan_scanned_height", networks)
        let lag = gauges("lodestone_scan_lag_blocks", networks)
        let lagSeconds = gauges("lodestone_scan_lag_seconds", networks)
        let leaseHeld = gauges("lodestone_scan_lease_held", networks)
        let unhealthy = gauges("lodestone_rpc_endpoints_unhealthy", networks)
        let remaining = gauges("lodestone_address_pool_remaining", pools)
        let lowWater = gauges("lodestone_address_pool_low_water", Array(lowWaters.keys))
        let pending = Gauge(label: "lodestone_webhook_outbox_pending")
        let oldest = Gauge(label: "lodestone_webhook_outbox_oldest_pending_seconds")
        // Cancelled on graceful shutdown: the sleep ends with it.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for network in networks {
                    guard let p = await progress.progress(of: network) else { continue }
                    if let h = p.headHeight { head[network]?.record(h) }
                    if let s = p.scannedHeight { scanned[network]?.record(s) }
                    if let l = p.lag { lag[network]?.record(l) }
                    if let s = p.lagSeconds(now: now()) { lagSeconds[network]?.record(s) }
                    // 1 where this instance scans; a standby shows 0 (no lease at all, SQLite: 1).
                    leaseHeld[network]?.record(p.lease == .standby ? 0 : 1)
                    unhealthy[network]?.record(p.endpoints.filter { !$0.healthy }.count)
                }
                do {
                    for network in pools { remaining[network]?.record(try await store.poolRemaining(network: network)) }
                    for (network, level) in lowWaters { lowWater[network]?.record(level) }
                    for (network, status, count) in try await store.depositCounts() {
                        // The registry hands back the same series for the same labels.
                        Gauge(label: "lodestone_deposits", dimensions: [("network", network), ("status", status)]).record(count)
                    }
                    let backlog = try await store.outboxBacklog()
                    pending.record(backlog.pending)
                    oldest.record(backlog.oldestCreatedAt.map { max(0, (now() - $0) / 1000) } ?? 0)
                } catch {
                    logger.warning("cannot read the store for the metrics gauges", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
