import Foundation

/// One node URL of a network and its request budget.
public struct RPCEndpoint: Sendable, Equatable {
    /// Full URL; may hold a provider key, so it is never logged (see `label`).
    public let url: String
    /// Requests per second this endpoint may receive.
    public let requestsPerSecond: Double

    /// An endpoint.
    public init(url: String, requestsPerSecond: Double = 25) {
        self.url = url
        self.requestsPerSecond = requestsPerSecond
    }

    /// Scheme, host and port only: safe for logs (providers put keys in paths and queries).
    public var label: String {
        guard let components = URLComponents(string: url), let host = components.host else { return "<endpoint>" }
        return "\(components.scheme ?? "http")://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// `url` with `path` appended (for the HTTP APIs of nodes such as java-tron).
    func url(appending path: String) -> String {
        guard !path.isEmpty else { return url }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url) + path
    }
}
