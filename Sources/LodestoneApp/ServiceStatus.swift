import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// `lodestone status`: what `GET /v1/networks` of a running instance says, judged and written for a
/// person (and for a health check: the worst level decides the exit status).
public enum ServiceStatus {
    /// How bad a finding is.
    public enum Level: Int, Sendable, Comparable {
        case ok, warning, problem
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// A network as `GET /v1/networks` lists it (the fields the status reads).
    public struct Network: Decodable, Sendable {
        public struct Endpoint: Decodable, Sendable {
            public let label: String
            public let healthy: Bool
            public let problem: String?
        }
        public struct Pool: Decodable, Sendable {
            public let remaining: Int
            public let lowWater: Int
            enum CodingKeys: String, CodingKey {
                case remaining
                case lowWater = "low_water"
            }
        }
        public let id: String
        public let enabled: Bool
        public let watched: Bool
        public let headHeight: Int64?
        public let scannedHeight: Int64?
        public let lag: Int64?
        public let lagSeconds: Int64?
        public let lease: String?
        public let endpoints: [Endpoint]
        public let addressPool: Pool?
        /// Tokens refused at start (absent from older instances' answers).
        public let refusedAssets: [RefusedAsset]?

        public struct RefusedAsset: Decodable, Sendable {
            public let asset: String
            public let reason: String
        }

        enum CodingKeys: String, CodingKey {
            case id, enabled, watched, lag, lease, endpoints
            case headHeight = "head_height", scannedHeight = "scanned_height", lagSeconds = "lag_seconds", addressPool = "address_pool"
            case refusedAssets = "refused_assets"
        }
    }

    /// The findings of one network, worst first.
    public static func judge(_ n: Network, maxLagSeconds: Int64) -> [(Level, String)] {
        var out: [(Level, String)] = []
        if n.watched {
            let healthy = n.endpoints.filter(\.healthy).count
            if n.lease == "standby" {
                // Another instance scans; this one reports the stored cursor only.
                out.append((.ok, "standing by: another instance scans"))
            } else if n.scannedHeight == nil {
                out.append((.problem, "the scanner has not reported yet"))
            } else if let lag = n.lagSeconds, lag > maxLagSeconds {
                out.append((.problem, "behind the head for \(lag) s (\(n.lag ?? 0) blocks)"))
            } else if let lag = n.lag, lag > 0 {
                out.append((.ok, "\(lag) block(s) behind"))
            }
            if !n.endpoints.isEmpty, healthy == 0 {
                out.append((.problem, "no endpoint is usable"))
            } else if healthy < n.endpoints.count {
                out.append((.warning, "\(n.endpoints.count - healthy) of \(n.endpoints.count) endpoints out of rotation"))
            }
            for e in n.endpoints where !e.healthy { out.append((.warning, "\(e.label): \(e.problem ?? "unhealthy")")) }
        }
        // A refused token is money that arrives and is never credited: the operator must act.
        for refused in n.refusedAssets ?? [] { out.append((.problem, "\(refused.asset) refused: \(refused.reason)")) }
        if let pool = n.addressPool {
            if pool.remaining == 0 {
                out.append((.problem, "the address pool is empty"))
            } else if pool.remaining < pool.lowWater {
                out.append((.warning, "\(pool.remaining) pooled addresses left (below \(pool.lowWater))"))
            }
        }
        return out.sorted { $0.0 > $1.0 }
    }

    /// The report as text, and the worst level in it.
    public static func render(_ networks: [Network], server: String, maxLagSeconds: Int64, color: Bool) -> (text: String, worst: Level) {
        func paint(_ text: String, _ level: Level) -> String {
            guard color else { return text }
            let code = level == .ok ? "32" : level == .warning ? "33" : "31"
            return "\u{1B}[\(code)m\(text)\u{1B}[0m"
        }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var worst = Level.ok
        var lines: [String] = []
        lines.append(pad("NETWORK", 18) + pad("STATE", 11) + pad("SCANNED", 12) + pad("HEAD", 12) + pad("LAG", 8) + pad("LEASE", 9) + "ENDPOINTS")
        for n in networks where n.enabled {
            let findings = judge(n, maxLagSeconds: maxLagSeconds)
            let level = findings.first?.0 ?? .ok
            worst = max(worst, level)
            let state = !n.watched ? "unwatched" : level == .ok ? "ok" : level == .warning ? "warning" : "PROBLEM"
            let healthy = n.endpoints.filter(\.healthy).count
            lines.append(
                paint(pad(n.id, 18) + pad(state, 11), n.watched ? level : .ok) + pad(n.scannedHeight.map(String.init) ?? "-", 12)
                    + pad(n.headHeight.map(String.init) ?? "-", 12) + pad(n.lag.map(String.init) ?? "-", 8) + pad(n.lease ?? "-", 9)
                    + (n.endpoints.isEmpty ? "-" : "\(healthy)/\(n.endpoints.count) healthy"))
            for (l, text) in findings where l != .ok || n.lease == "standby" { lines.append("    " + paint(text, l)) }
        }
        let verdict = worst == .ok ? "healthy" : worst == .warning ? "degraded" : "UNHEALTHY"
        let text = ([paint("lodestone at \(server): \(verdict)", worst), ""] + lines).joined(separator: "\n")
        return (text, worst)
    }

    /// Reads `GET /v1/networks` from `server` with `apiKey`.
    public static func fetch(server: String, apiKey: String) async throws -> [Network] {
        struct Listing: Decodable { let data: [Network] }
        var request = HTTPClientRequest(url: server + "/v1/networks")
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        guard response.status.code == 200 else {
            struct Failure: Decodable {
                struct Detail: Decodable { let message: String }
                let error: Detail
            }
            let message = (try? JSONDecoder().decode(Failure.self, from: Data(body.readableBytesView)))?.error.message
            throw StatusFailure(description: "\(server) answered \(response.status.code)" + (message.map { ": \($0)" } ?? ""))
        }
        return try JSONDecoder().decode(Listing.self, from: Data(body.readableBytesView)).data
    }

    /// The server could not be asked.
    public struct StatusFailure: Error, CustomStringConvertible {
        public let description: String
    }
}

/// The API address a configuration serves on, for commands that talk to a running instance.
public enum ConfiguredAddress {
    /// `server.host` and `server.port` of the configuration at `configPath` (and the environment).
    public static func api(configPath: String?) async throws -> (host: String, port: Int) {
        var logger = Logging.Logger(label: "lodestone")
        logger.logLevel = .warning
        let (reader, _) = try await ConfigLoading.reader(path: configPath, overrides: [:], logger: logger)
        let config = try LodestoneConfiguration.load(reader)
        return (config.host, config.port)
    }
}
