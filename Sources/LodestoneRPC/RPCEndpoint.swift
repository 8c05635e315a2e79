import Foundation

/// One node URL of a network and its request budget.
public struct RPCEndpoint: Sendable, Equatable {
    /// Full URL; may hold a provider key or a user and password, so it is never logged (see `label`).
    public let url: String
    /// Requests per second this endpoint may receive.
    public let requestsPerSecond: Double
    /// A Bitcoin Core cookie file (`user:password` written by the node at each start), read before
    /// every request so a restarted node's new cookie is used.
    public let cookieFile: String?

    /// An endpoint.
    public init(url: String, requestsPerSecond: Double = 25, cookieFile: String? = nil) {
        self.url = url
        self.requestsPerSecond = requestsPerSecond
        self.cookieFile = cookieFile
    }

    /// Scheme, host and port only: safe for logs (providers put keys in paths and queries).
    public var label: String {
        guard let components = URLComponents(string: url), let host = components.host else { return "<endpoint>" }
        return "\(components.scheme ?? "http")://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// `url` without its user and password, with `path` appended (for the HTTP APIs of nodes such
    /// as java-tron).
    func url(appending path: String) -> String {
        var base = url
        if var components = URLComponents(string: url), components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
            base = components.string ?? url
        }
        guard !path.isEmpty else { return base }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// The `Authorization` header: Basic with the cookie file's content, or with the URL's user and
    /// password; nil when neither is given.
    func authorization() throws -> String? {
        if let cookieFile {
            guard let data = FileManager.default.contents(atPath: cookieFile), let text = String(data: data, encoding: .utf8) else {
                throw RPCError.transport(endpoint: label, "cannot read the cookie file")
            }
            return "Basic " + Data(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8).base64EncodedString()
        }
        guard let components = URLComponents(string: url), let user = components.user else { return nil }
        let credentials = (user.removingPercentEncoding ?? user) + ":" + ((components.password?.removingPercentEncoding) ?? "")
        return "Basic " + Data(credentials.utf8).base64EncodedString()
    }
}
