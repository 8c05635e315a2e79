import Hummingbird
import LodestoneCore
import LodestoneDomain
import LodestoneStore

// The merchant's updates: a customer's references, archiving, an intent's references and expiry.
// Each is audited with who, when, and the fields before and after.
extension APIHandlers {
    /// An archived customer keeps its addresses and balance, but gets nothing new.
    static func refuseArchived(_ customer: Customer) throws {
        guard customer.archivedAt == nil else {
            throw APIError(.conflict, "customer_archived", "customer \(customer.id) is archived: it gets no new address or intent", param: "customer")
        }
    }

    func patchCustomer(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let customer = try await existingCustomer(c, caller)
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        var change = CustomerChange()
        if body.names("external_id") {
            let value = try body.string("external_id", maxLength: 128)
            if value?.isEmpty == true { throw APIError.invalid("external_id", "external_id must not be empty") }
            change.externalID = .some(value)
        }
        if body.names("email") {
            let value = try body.string("email", maxLength: 254)
            if let value, !Self.plausibleEmail(value) { throw APIError.invalid("email", "email is not an email address") }
            change.email = .some(value)
        }
        if body.names("metadata") { change.metadata = .some(try body.metadata()) }
        try body.rejectUnknownFields()
        let updated = try await store.updateCustomer(id: customer.id, change, actor: caller.actor, now: deps.now())
        return try respond(CustomerBody(updated))
    }

    func archiveCustomer(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let customer = try await existingCustomer(c, caller)
        return try respond(CustomerBody(try await store.archiveCustomer(id: customer.id, actor: caller.actor, now: deps.now())))
    }

    func patchIntent(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let id = try await existingIntent(c, caller).id
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        var change = PaymentIntentChange()
        if body.names("metadata") { change.metadata = .some(try body.metadata()) }
        if body.names("merchant_order_id") {
            let value = try body.string("merchant_order_id", maxLength: 128)
            if value?.isEmpty == true { throw APIError.invalid("merchant_order_id", "merchant_order_id must not be empty") }
            change.merchantOrderID = .some(value)
        }
        if body.names("expires_at") {
            guard let at = try body.time("expires_at") else { throw APIError.invalid("expires_at", "an expiry cannot be removed") }
            change.expiresAt = at
        }
        try body.rejectUnknownFields()
        let updated = try await store.updatePaymentIntent(id: id, change, actor: caller.actor, now: deps.now())
        return try respond(try await intentBody(updated))
    }
}
