import Hummingbird
import HTTPTypes
import Foundation
import LodestoneDomain

/// Who may call a route. Every route declares one; there is no default.
public enum RouteAccess: String, Sendable, Hashable, CaseIterable {
    /// No key: liveness and the API document only.
    case `public`
    /// Any valid key (the payment service's, or an operator's).
    case service
    /// Operator keys only.
    case `operator`
}

/// A handler that runs only for an authenticated caller: it is handed the caller's key, so it
/// cannot be registered, or run, without one.
typealias AuthenticatedHandler = @Sendable (Request, APIRequestContext, APIKeyRecord) async throws -> Response

/// Decides authentication, role and rate limit for the route that is about to run (never from the
/// raw path), and adds the rate-limit headers to whatever the handler answers.
struct RouteGuard: Sendable {
    let authenticator: APIKeyAuthenticator
    let limiter: RateLimiter

    /// Wraps `handler` so that it runs only for a caller that `access` admits.
    func protect(_ access: RouteAccess, _ handler: @escaping AuthenticatedHandler)
        -> @Sendable (Request, APIRequestContext) async throws -> Response
    {
        precondition(access != .public, "public routes take no caller")
        return { request, context in
            let caller = try await authenticator.authenticate(request)
            let decision = await limiter.consume(key: caller.id)
            var limitHeaders: HTTPFields = [:]
            limitHeaders[.rateLimitLimit] = String(limiter.limit)
            limitHeaders[.rateLimitRemaining] = String(decision.remaining)
            limitHeaders[.rateLimitReset] = String(decision.reset)
            do {
                guard decision.allowed else {
                    var error = APIError(
                        .tooManyRequests, "rate_limited", "rate limit of \(limiter.limit) requests per \(limiter.windowSeconds) s exceeded")
                    error.headers[.retryAfter] = String(max(1, decision.reset - Int64(Date().timeIntervalSince1970)))
                    throw error
                }
                if access == .operator, caller.role != .operator {
                    throw APIError(.forbidden, "forbidden", "this route needs an operator API key")
                }
                var response = try await handler(request, context, caller)
                response.headers.append(contentsOf: limitHeaders)
                return response
            } catch var error as APIError {
                error.headers.append(contentsOf: limitHeaders)
                throw error
            }
        }
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = Self("X-RateLimit-Limit")!
    static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
    static let rateLimitReset = Self("X-RateLimit-Reset")!
    static let idempotencyKey = Self("Idempotency-Key")!
}
