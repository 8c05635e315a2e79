public import Hummingbird
public import HTTPTypes
import Foundation

/// An error the API reports to its caller as `{"error":{"code","message","param"}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// HTTP status.
    public let status: HTTPResponse.Status
    /// Stable machine-readable code.
    public let code: String
    /// Human-readable explanation.
    public let message: String
    /// The request field (or header, or query parameter) at fault.
    public let param: String?
    /// Extra headers (Retry-After, rate limit headers).
    public var headers: HTTPFields = [:]

    /// An error with a status, code and message.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, param: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.param = param
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: String] = ["code": code, "message": message]
        if let param { error["param"] = param }
        let body = try JSONEncoder.api.encode(["error": error])
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// 422: a field is present but its value is not acceptable.
    public static func invalid(_ param: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, "invalid_parameter", message, param: param)
    }

    /// 400: a required field is missing.
    public static func missing(_ param: String) -> APIError {
        APIError(.badRequest, "missing_parameter", "\(param) is required", param: param)
    }

    /// 404 for a resource.
    public static func notFound(_ what: String, param: String? = nil) -> APIError {
        APIError(.notFound, "not_found", "\(what) not found", param: param)
    }
}

extension JSONEncoder {
    /// The API's encoder: stable key order so responses and request hashes are reproducible.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
