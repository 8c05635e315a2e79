import Metrics

/// Node call metrics through swift-metrics (a no-op until the process bootstraps a backend):
/// latency of answered calls and failures by kind, per network, endpoint label and method.
enum RPCMetrics {
    static func answered(network: String, endpoint: String, method: String, after duration: Duration) {
        Timer(
            label: "lodestone_rpc_request_duration_seconds",
            dimensions: [("network", network), ("endpoint", endpoint), ("method", method)], preferredDisplayUnit: .seconds
        ).record(duration: duration)
    }

    static func failed(network: String, endpoint: String, method: String, _ error: RPCError) {
        Counter(
            label: "lodestone_rpc_errors_total",
            dimensions: [("network", network), ("endpoint", endpoint), ("method", method), ("kind", kind(error))]
        ).increment()
    }

    /// A small fixed set of kinds, so the series stay few.
    static func kind(_ error: RPCError) -> String {
        switch error {
        case .timeout: return "timeout"
        case .transport: return "transport"
        case .http(_, let status): return status == 429 ? "throttled" : "http"
        case .malformed, .missing: return "unusable"
        case .rpc, .batchRefused: return "rpc_error"
        case .wrongChain: return "wrong_chain"
        case .exhausted: return "exhausted"
        }
    }
}
