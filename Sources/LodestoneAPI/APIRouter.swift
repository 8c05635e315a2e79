public import Hummingbird
import HTTPTypes
import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore

/// A route as the OpenAPI document names it: method and `{param}` path.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// Upper-case HTTP method.
    public let method: String
    /// Path with `{name}` parameters.
    public let path: String
    /// A route description.
    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }
    public var description: String { "\(method) \(path)" }
}

/// Builds the router: every route goes through `add`, which also records it for the OpenAPI check.
public struct APIRouterBuilder {
    let router = Router(context: APIRequestContext.self)
    private(set) var routes: [RouteDescription] = []

    /// Registers a handler; `:name` path parameters are recorded as `{name}`.
    mutating func add(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        let openAPIPath = path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
        }.joined(separator: "/")
        routes.append(RouteDescription(method: method.rawValue, path: openAPIPath))
    }

    /// The router with every Lodestone route, and the list of those routes.
    public static func build(_ deps: APIDependencies) -> (Router<APIRequestContext>, [RouteDescription]) {
        var builder = APIRouterBuilder()
        builder.router.add(middleware: ErrorMiddleware<APIRequestContext>())
        builder.router.add(
            middleware: AuthMiddleware(authenticator: APIKeyAuthenticator(store: deps.store), limiter: deps.limiter))
        let handlers = APIHandlers(deps: deps)
        handlers.register(on: &builder)
        // Only unmatched requests reach this one: it turns a 404 on a known path into 405.
        builder.router.add(middleware: MethodNotAllowedMiddleware(routes: builder.routes))
        return (builder.router, builder.routes)
    }
}

/// Encodes a body with status 200.
func respond(_ body: some Encodable) throws -> Response { try respond(.ok, body) }

/// Encodes a body with a status.
func respond(_ status: HTTPResponse.Status, _ body: some Encodable) throws -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.api.encode(body))))
}

/// Answers 405 with an `Allow` header when the path exists but not for this method.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let routes: [RouteDescription]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
            let allowed = routes.filter { Self.matches($0.path, segments) }.map(\.method)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var refusal = APIError(
                .methodNotAllowed, "method_not_allowed",
                "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))")
            refusal.headers[.allow] = allowed.joined(separator: ", ")
            throw refusal
        }
    }

    static func matches(_ template: String, _ segments: [Substring]) -> Bool {
        let parts = template.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
