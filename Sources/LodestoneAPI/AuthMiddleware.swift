import Hummingbird
import HTTPTypes
import Foundation
import Logging
import LodestoneDomain
import LodestoneStore

/// Turns every error into the API's JSON error shape; unknown errors become a bare 500 and a log line.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as StoreError {
            return try Self.map(error, context: context).response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            let message = error.status == .notFound ? "no such route: \(request.method) \(request.uri.path)" : "\(error.status.reasonPhrase)"
            return try APIError(error.status, code, message).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return try APIError(.internalServerError, "internal_error", "internal error").response(from: request, context: context)
        }
    }

    static func map(_ error: StoreError, context: Context) -> APIError {
        switch error {
        case .conflict(let field, let id):
            return APIError(.conflict, "conflict", "\(field) is already used by \(id)", param: field)
        case .notFound(let what): return .notFound(what)
        case .idempotencyMismatch:
            return APIError(.conflict, "idempotency_mismatch", error.description, param: "Idempotency-Key")
        case .invalidState(let why): return APIError(.conflict, "invalid_state", why)
        case .backend, .badURL, .corrupt:
            context.logger.error("store failure", metadata: ["error": "\(error)"])
            return APIError(.serviceUnavailable, "store_unavailable", "the database is unavailable; retry later")
        }
    }
}

/// Authenticates `/v1` requests, enforces the role, and applies the rate limit.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let authenticator: APIKeyAuthenticator
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/v1/") || request.uri.path == "/v1" else { return try await next(request, context) }
        let caller = try await authenticator.authenticate(request)
        let decision = limiter.consume(key: caller.id)
        var limitHeaders: HTTPFields = [:]
        limitHeaders[.rateLimitLimit] = String(limiter.limit)
        limitHeaders[.rateLimitRemaining] = String(decision.remaining)
        limitHeaders[.rateLimitReset] = String(decision.reset)
        guard decision.allowed else {
            var error = APIError(.tooManyRequests, "rate_limited", "rate limit of \(limiter.limit) requests per \(limiter.windowSeconds) s exceeded")
            error.headers = limitHeaders
            error.headers[.retryAfter] = String(max(1, decision.reset - Int64(Date().timeIntervalSince1970)))
            throw error
        }
        var context = context
        context.caller = caller
        var response: Response
        do {
            response = try await next(request, context)
        } catch var error as APIError {
            error.headers.append(contentsOf: limitHeaders)
            throw error
        }
        response.headers.append(contentsOf: limitHeaders)
        return response
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = Self("X-RateLimit-Limit")!
    static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
    static let rateLimitReset = Self("X-RateLimit-Reset")!
    static let idempotencyKey = Self("Idempotency-Key")!
}

extension APIRequestContext {
    /// Refuses callers without the operator role.
    func requireOperator() throws {
        guard caller?.role == .operator else {
            throw APIError(.forbidden, "forbidden", "this route needs an operator API key")
        }
    }
}
