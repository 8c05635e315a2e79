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
        case .refused(let field, let why): return .invalid(field, why)
        case .scanCursorMoved: return APIError(.conflict, "invalid_state", error.description)
        case .addressPoolEmpty(let network):
            context.logger.critical("address pool empty: no address can be issued", metadata: ["network": "\(network)"])
            return APIError(
                .serviceUnavailable, "address_pool_empty",
                "no \(network) deposit address is left to issue; the operator must import more", param: "network")
        case .backend, .badURL, .corrupt:
            context.logger.error("store failure", metadata: ["error": "\(error)"])
            return APIError(.serviceUnavailable, "store_unavailable", "the database is unavailable; retry later")
        }
    }
}
