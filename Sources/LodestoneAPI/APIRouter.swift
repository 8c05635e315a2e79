public import Hummingbird
import HTTPTypes
import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore

/// A route as the OpenAPI document names it: method, `{param}` path and who may call it.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// Upper-case HTTP method.
    public let method: String
    /// Path with `{name}` parameters.
    public let path: String
    /// Who may call it.
    public let access: RouteAccess
    /// A route description.
    public init(method: String, path: String, access: RouteAccess) {
        self.method = method
        self.path = path
        self.access = access
    }
    public var description: String { "\(method) \(path) (\(access.rawValue))" }
}

/// Builds the router. Every route goes through `add` with its access level, which also records it
/// (for the OpenAPI check and the route-table security test); only `addPublic` routes run without a
/// caller, and their list is fixed.
public struct APIRouterBuilder {
    let router = Router(context: APIRequestContext.self)
    let guardian: RouteGuard
    private(set) var routes: [RouteDescription] = []
    /// The only routes that answer without an API key.
    static let publicPaths: Set<String> = ["/healthz", "/openapi.yaml"]

    init(guardian: RouteGuard) { self.guardian = guardian }

    /// Registers a handler that needs a caller admitted by `access` (`service` or `operator`).
    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess, _ handler: @escaping AuthenticatedHandler) {
        record(method, path, access)
        router.on(RouterPath(path), method: method, use: guardian.protect(access, handler))
    }

    /// Registers one of the few routes that answer without a key.
    mutating func addPublic(
        _ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response
    ) {
        precondition(Self.publicPaths.contains(path), "\(path) is not a declared public route")
        record(method, path, .public)
        router.on(RouterPath(path), method: method, use: handler)
    }

    private mutating func record(_ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess) {
        let openAPIPath = path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
        }.joined(separator: "/")
        routes.append(RouteDescription(method: method.rawValue, path: openAPIPath, access: access))
    }

    /// The router with every Lodestone route, and the list of those routes.
    public static func build(_ deps: APIDependencies) -> (Router<APIRequestContext>, [RouteDescription]) {
        var builder = APIRouterBuilder(guardian: RouteGuard(authenticator: deps.authenticator, limiter: deps.limiter))
        // Outermost: every answer is timed by its route template, errors included.
        builder.router.add(middleware: MetricsMiddleware<APIRequestContext>())
        builder.router.add(middleware: ErrorMiddleware<APIRequestContext>())
        builder.router.add(middleware: CanonicalPathMiddleware<APIRequestContext>())
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
            // A literal segment outranks a parameter: /v1/deposits/check is not /v1/deposits/{id}.
            let matching = routes.filter { Self.matches($0.path, segments) }
            let best = matching.map { Self.literals($0.path) }.max() ?? 0
            let allowed = matching.filter { Self.literals($0.path) == best }.map(\.method)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var refusal = APIError(
                .methodNotAllowed, "method_not_allowed",
                "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))")
            refusal.headers[.allow] = allowed.joined(separator: ", ")
            throw refusal
        }
    }

    static func literals(_ template: String) -> Int { template.split(separator: "/").filter { !$0.hasPrefix("{") }.count }

    static func matches(_ template: String, _ segments: [Substring]) -> Bool {
        let parts = template.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
