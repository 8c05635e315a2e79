import Metrics

/// The scanners' and the deliverer's metrics through swift-metrics (no-ops until the process
/// bootstraps a backend; `serve` does when `metrics.port` is set).
enum WatcherMetrics {
    /// Block time → detected, for a deposit a scan step found.
    static func detected(network: String, after seconds: Int64) {
        Timer(label: "lodestone_deposit_detection_seconds", dimensions: [("network", network)], preferredDisplayUnit: .seconds)
            .record(duration: .seconds(max(0, seconds)))
    }

    /// Detected → credited, for a deposit credited now.
    static func credited(network: String, after millis: Int64) {
        Timer(label: "lodestone_deposit_crediting_seconds", dimensions: [("network", network)], preferredDisplayUnit: .seconds)
            .record(duration: .milliseconds(max(0, millis)))
        Counter(label: "lodestone_deposits_credited_total", dimensions: [("network", network)]).increment()
    }

    /// One webhook attempt and what came of it: `delivered`, `retrying` or `failed` (given up).
    static func webhookAttempt(endpoint: String, result: String) {
        Counter(label: "lodestone_webhook_attempts_total", dimensions: [("endpoint", endpoint), ("result", result)]).increment()
    }

    /// A reorg rolled the scan back `depth` blocks.
    static func reorg(network: String, depth: Int64) {
        Counter(label: "lodestone_scan_reorgs_total", dimensions: [("network", network)]).increment()
        Recorder(label: "lodestone_scan_last_reorg_depth", dimensions: [("network", network)], aggregate: false).record(depth)
    }

    /// A credited deposit left the chain: its credit was taken back.
    static func reversed(network: String) {
        Counter(label: "lodestone_deposits_reversed_total", dimensions: [("network", network)]).increment()
    }

    /// The scan stopped: a reorg went deeper than the kept block hashes.
    static func reorgBeyondWindow(network: String) {
        Counter(label: "lodestone_scan_deep_reorg_alarms_total", dimensions: [("network", network)]).increment()
    }
}
