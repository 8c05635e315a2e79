import Hummingbird
import HTTPTypes

/// Refuses request paths that are not in their one canonical form (empty, `.` or `..` segments, a
/// trailing slash, percent-encoded separators or dots, backslashes, control characters) before
/// any routing happens, so no two layers can ever read one path two ways.
struct CanonicalPathMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let problem = CanonicalPath.problem(request.uri.path) {
            // No resource has such a path: 404, which every route documents, with the reason.
            throw APIError(.notFound, "non_canonical_path", problem, param: "path")
        }
        return try await next(request, context)
    }
}

/// The one canonical spelling of a request path.
public enum CanonicalPath {
    /// Why `path` is not canonical, or nil when it is.
    public static func problem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "the path must start with /" }
        if path == "/" { return nil }
        if path.hasSuffix("/") { return "the path must not end with /" }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            if segment.isEmpty { return "the path must not contain //" }
            if segment == "." || segment == ".." { return "the path must not contain . or .. segments" }
        }
        let bytes = Array(path.utf8)
        for (i, byte) in bytes.enumerated() {
            if byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "\\") { return "the path contains a character that is not allowed" }
            guard byte == UInt8(ascii: "%") else { continue }
            guard i + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else {
                return "the path has a malformed percent escape"
            }
            // Encoded separators, dots and control characters would decode into another path.
            if value == UInt8(ascii: "/") || value == UInt8(ascii: "\\") || value == UInt8(ascii: ".") || value < 0x20 || value == 0x7f {
                return "the path must not percent-encode '/', '\\', '.' or control characters"
            }
        }
        return nil
    }
}
