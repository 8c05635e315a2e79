import Hummingbird
import HTTPTypes
import Logging
import Foundation
import LodestoneCore
import LodestoneDomain
import LodestoneStore

/// The handlers of every route.
struct APIHandlers: Sendable {
    let deps: APIDependencies
    var store: any Store { deps.store }

    func register(on b: inout APIRouterBuilder) {
        b.addPublic(.get, "/healthz") { _, _ in try await health() }
        b.addPublic(.get, "/openapi.yaml") { _, _ in openAPI() }
        b.add(.get, "/v1/networks", .service) { r, _, k in try await networks(r, k) }
        b.add(.get, "/v1/assets", .service) { r, _, k in try await assets(r, k) }
        b.add(.patch, "/v1/assets/:id", .operator) { r, c, k in try await patchAsset(r, c, k) }
        b.add(.get, "/v1/audit_events", .operator) { r, _, k in try await auditEvents(r, k) }
        b.add(.get, "/v1/api_keys", .operator) { r, _, k in try await listAPIKeys(r, k) }
        b.add(.post, "/v1/api_keys", .operator) { r, c, k in try await createAPIKey(r, c, k) }
        b.add(.delete, "/v1/api_keys/:id", .operator) { r, c, k in try await revokeAPIKey(r, c, k) }
        b.add(.post, "/v1/customers", .service) { r, c, k in try await createCustomer(r, c, k) }
        b.add(.get, "/v1/customers", .service) { r, _, k in try await listCustomers(r, k) }
        b.add(.get, "/v1/customers/:id", .service) { r, c, k in try await getCustomer(r, c, k) }
        b.add(.patch, "/v1/customers/:id", .service) { r, c, k in try await patchCustomer(r, c, k) }
        b.add(.delete, "/v1/customers/:id", .service) { r, c, k in try await archiveCustomer(r, c, k) }
        b.add(.post, "/v1/customers/:id/addresses", .service) { r, c, k in try await issueAddress(r, c, k) }
        b.add(.get, "/v1/customers/:id/addresses", .service) { r, c, k in try await customerAddresses(r, c, k) }
        b.add(.get, "/v1/addresses/:address", .service) { r, c, k in try await addressOwner(r, c, k) }
        b.add(.post, "/v1/payment_intents", .service) { r, c, k in try await createIntent(r, c, k) }
        b.add(.get, "/v1/payment_intents", .service) { r, _, k in try await listIntents(r, k) }
        b.add(.get, "/v1/payment_intents/:id", .service) { r, c, k in try await getIntent(r, c, k) }
        b.add(.patch, "/v1/payment_intents/:id", .service) { r, c, k in try await patchIntent(r, c, k) }
        b.add(.post, "/v1/payment_intents/:id/cancel", .service) { r, c, k in try await cancelIntent(r, c, k) }
        b.add(.get, "/v1/deposits", .service) { r, _, k in try await listDeposits(r, k) }
        b.add(.get, "/v1/deposits/:id", .service) { r, c, k in try await getDeposit(r, c, k) }
        b.add(.post, "/v1/deposits/check", .operator) { r, c, k in try await checkDeposit(r, c, k) }
        b.add(.get, "/v1/customers/:id/balances", .service) { r, c, k in try await customerBalances(r, c, k) }
        b.add(.get, "/v1/events", .operator) { r, _, k in try await listEvents(r, k) }
        b.add(.get, "/v1/events/:id", .operator) { r, c, k in try await getEvent(r, c, k) }
        b.add(.post, "/v1/events/:id/redeliver", .operator) { r, c, k in try await redeliver(r, c, k) }
        b.add(.post, "/v1/webhook_endpoints", .operator) { r, c, k in try await createWebhookEndpoint(r, c, k) }
        b.add(.get, "/v1/webhook_endpoints", .operator) { r, _, k in try await listWebhookEndpoints(r, k) }
        b.add(.delete, "/v1/webhook_endpoints/:id", .operator) { r, c, k in try await deleteWebhookEndpoint(r, c, k) }
        b.add(.post, "/v1/webhook_endpoints/:id/rotate_secret", .operator) { r, c, k in try await rotateWebhookSecret(r, c, k) }
    }

    /// An asset's decimals: those in force, else those its history was recorded with, so amounts of
    /// an asset disabled or removed later still show in its units, never in base units.
    func decimals(_ assetID: String) async throws -> Int {
        if let asset = await deps.assets.asset(id: assetID) { return asset.decimals }
        guard let decimals = try await store.assetDecimals(assetID: assetID) else { throw StoreError.corrupt("unknown asset \(assetID)") }
        return decimals
    }

    /// Whether the address's network is watched (the EVM networks share addresses; each is judged alone).
    func watchedAddress(_ a: CustomerAddress) -> Bool { NetworkID(rawValue: a.network).map(deps.isWatched) ?? false }

    // MARK: service

    func health() async throws -> Response {
        _ = try await store.customers(page: 1, pageSize: 1)
        return try respond(["status": "ok"])
    }

    func openAPI() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: deps.openAPIDocument)))
    }

    func networks(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let enabled = deps.issuingNetworks
        var bodies: [NetworkBody] = []
        for n in deps.networks where n.id.environment == caller.environment {
            var pool: NetworkBody.Pool? = nil
            if let lowWater = deps.addressPools[n.id] {
                pool = NetworkBody.Pool(remaining: try await store.poolRemaining(network: n.id), lowWater: lowWater)
            }
            let progress = await deps.progress.progress(of: n.id)
            bodies.append(
                NetworkBody(
                    id: n.id.rawValue, name: n.id.displayName, family: n.id.family.rawValue, chainID: n.id.evmChainID,
                    enabled: n.enabled && enabled.contains(n.id), watched: deps.isWatched(n.id), progress: progress,
                    addressPool: pool, lagSeconds: progress?.lagSeconds(now: deps.now()), environment: n.id.environment.rawValue,
                    refusedAssets: await deps.assets.refusals(network: n.id).map { NetworkBody.RefusedAsset(asset: $0.id, reason: $0.reason) }))
        }
        return try respond(DataBody(data: bodies))
    }

    func assets(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        return try respond(DataBody(data: await deps.assets.all().filter { $0.network.environment == caller.environment }.map(AssetBody.init)))
    }

    func patchAsset(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        let id = try c.parameters.require("id")
        guard let asset = await deps.assets.asset(id: id) else { throw APIError.notFound("asset \(id)", param: "id") }
        try Self.sameEnvironment(asset.network.environment, caller, "asset \(id)", param: "id")
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        guard let confirmations = try body.int("confirmations", in: 1...Int64(Asset.maxConfirmations)) else {
            throw APIError.missing("confirmations")
        }
        let tiers: [ConfirmationThreshold.Tier] =
            try body.objectArray("confirmation_tiers", maxCount: 16) { tier, path -> ConfirmationThreshold.Tier in
                let upTo = try tier.requiredString("up_to", maxLength: 80)
                guard let bound = try? Amount(decimal: upTo, decimals: asset.decimals), bound > .zero else {
                    throw APIError.invalid(
                        "\(path).up_to", "\(path).up_to must be a positive amount of \(asset.symbol) with at most \(asset.decimals) decimals")
                }
                guard let count = try tier.int("confirmations", in: 1...Int64(Asset.maxConfirmations)) else {
                    throw APIError.missing("\(path).confirmations")
                }
                return ConfirmationThreshold.Tier(upTo: bound, confirmations: Int(count))
            } ?? []
        try body.rejectUnknownFields()
        let threshold: ConfirmationThreshold
        do throws(ConfirmationThreshold.Invalid) {
            threshold = try ConfirmationThreshold(confirmations: Int(confirmations), tiers: tiers)
        } catch {
            throw Self.tierError(error, tiers: tiers.count)
        }
        guard let previous = await deps.assets.setThreshold(threshold, assetID: id) else {
            throw APIError.notFound("asset \(id)", param: "id")
        }
        do {
            try await store.setAssetThreshold(assetID: id, threshold: threshold, previous: previous, actor: caller.actor, now: deps.now())
        } catch {
            await deps.assets.setThreshold(previous, assetID: id)
            throw error
        }
        return try respond(AssetBody(await deps.assets.asset(id: id)!))
    }

    /// A 422 naming the field of a tier list that does not hold together.
    static func tierError(_ error: ConfirmationThreshold.Invalid, tiers: Int) -> APIError {
        switch error {
        case .boundsNotAscending(let i):
            return .invalid("confirmation_tiers[\(i)].up_to", "confirmation_tiers[\(i)].up_to must be larger than the tier before it")
        case .fewerConfirmationsForMore(let i) where i == tiers:
            return .invalid("confirmations", "confirmations (for amounts above every tier) must be at least the last tier's")
        case .fewerConfirmationsForMore(let i):
            return .invalid(
                "confirmation_tiers[\(i)].confirmations", "confirmation_tiers[\(i)].confirmations may not be fewer than the tier before it")
        default:
            return .invalid("confirmation_tiers", error.description)
        }
    }

    func auditEvents(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        var q = try QueryParameters(r)
        let (page, size) = try q.paging()
        try q.rejectUnknown()
        let result = try await store.auditEvents(environment: caller.environment, page: page, pageSize: size)
        return try respond(ListBody(data: result.items.map(AuditEventBody.init), page: page, pageSize: size, total: result.total))
    }

    // MARK: customers and addresses

    func createCustomer(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        let externalID = try body.string("external_id", maxLength: 128)
        if externalID?.isEmpty == true { throw APIError.invalid("external_id", "external_id must not be empty") }
        let email = try body.string("email", maxLength: 254)
        if let email, !Self.plausibleEmail(email) { throw APIError.invalid("email", "email is not an email address") }
        let metadata = try body.metadata()
        try body.rejectUnknownFields()
        let customer = try await store.createCustomer(
            externalID: externalID, email: email, metadata: metadata, environment: caller.environment, now: deps.now())
        return try respond(.created, CustomerBody(customer))
    }

    static func plausibleEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !s.contains(where: { $0.isWhitespace })
    }

    func listCustomers(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        var q = try QueryParameters(r)
        let includeArchived = try q.bool("include_archived") ?? false
        let listing = try q.listing()
        try q.rejectUnknown()
        let environment = caller.environment
        return try await list(
            listing, what: "customer",
            page: { try await store.customers(includeArchived: includeArchived, environment: environment, page: $0, pageSize: $1) },
            cursor: { try await store.customers(includeArchived: includeArchived, environment: environment, from: $0, pageSize: $1) },
            item: { CustomerBody($0) })
    }

    /// The customer named by the path, when it is in the caller's environment.
    func existingCustomer(_ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Customer {
        let id = try c.parameters.require("id")
        guard let customer = try await store.customer(id: id) else { throw APIError.notFound("customer \(id)", param: "id") }
        try Self.sameEnvironment(customer.environment, caller, "customer \(id)", param: "id")
        return customer
    }

    func getCustomer(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        return try respond(CustomerBody(try await existingCustomer(c, caller)))
    }

    func issueAddress(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        let network = try deps.enabledNetwork(try body.requiredString("network", maxLength: 32), param: "network")
        try body.rejectUnknownFields()
        try Self.networkInEnvironment(network, caller, param: "network")
        let customer = try await existingCustomer(c, caller)
        try Self.refuseArchived(customer)
        let (address, created) = try await issue(customerID: customer.id, network: network, logger: c.logger)
        return try respond(created ? .created : .ok, AddressBody(address, watched: watchedAddress(address)))
    }

    /// The customer's address on `network`: from the imported pool where the network has one
    /// (never derived on this server), else derived from the deployment's keys.
    func issue(customerID: String, network: NetworkID, logger: Logger) async throws -> (CustomerAddress, created: Bool) {
        guard let lowWater = deps.addressPools[network] else {
            let issuer = deps.issuer
            return try await store.issueAddress(customerID: customerID, network: network, now: deps.now()) {
                network, index in try issuer.derive(network: network, index: index)
            }
        }
        let issued = try await store.issuePooledAddress(customerID: customerID, network: network, now: deps.now())
        if issued.created, case let remaining = try await store.poolRemaining(network: network), remaining < lowWater {
            logger.warning(
                "address pool running low: import more addresses",
                metadata: ["network": "\(network)", "remaining": "\(remaining)", "low_water": "\(lowWater)"])
        }
        return issued
    }

    func customerAddresses(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let customer = try await existingCustomer(c, caller)
        return try respond(DataBody(data: try await store.addresses(customerID: customer.id).map { AddressBody($0, watched: watchedAddress($0)) }))
    }

    /// Parses an address without knowing its network: the first family it is valid for.
    static func parseAnyNetwork(_ text: String) -> ParsedAddress? {
        for network in [NetworkID.ethereum, .tron, .solana, .bitcoin, .bitcoinTestnet, .bitcoinRegtest] {
            if let parsed = try? AddressCodec.parse(text, network: network) { return parsed }
        }
        return nil
    }

    func addressOwner(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let text = try c.parameters.require("address")
        // Something that is no address at all is, a fortiori, not one of ours.
        guard let parsed = Self.parseAnyNetwork(text) else {
            throw APIError(
                .notFound, "not_found", "'\(text.prefix(100))' is not a valid address on any supported network",
                param: "address")
        }
        guard let owned = try await store.address(matching: parsed, environment: caller.environment) else {
            for other in DeploymentEnvironment.allCases where other != caller.environment {
                if try await store.address(matching: parsed, environment: other) != nil {
                    try Self.sameEnvironment(other, caller, "address \(parsed.normalized)", param: "address")
                }
            }
            throw APIError.notFound("address \(parsed.normalized)", param: "address")
        }
        return try respond(AddressBody(owned, watched: watchedAddress(owned)))
    }

    // MARK: payment intents

    func createIntent(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        let sentKey = r.headers[.idempotencyKey]
        if let key = sentKey, key.isEmpty || key.count > 255 {
            throw APIError.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters")
        }
        // Each environment has its own idempotency keys: the same key sent with a sandbox and a
        // production key names two requests (production keys are stored as sent, as before).
        let idempotencyKey = sentKey.map { caller.environment.isLive ? $0 : "\(caller.environment.rawValue):\($0)" }
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        let assetID = try body.requiredString("asset", maxLength: 64)
        let amountText = try body.requiredString("amount", maxLength: 100)
        let customerID = try body.requiredString("customer", maxLength: 64)
        let merchantOrderID = try body.string("merchant_order_id", maxLength: 128)
        let metadata = try body.metadata()
        let expiresIn = try body.int("expires_in", in: 60...(30 * 86_400)) ?? 3_600
        try body.rejectUnknownFields()

        guard let asset = await deps.assets.asset(id: assetID) else {
            if let refusal = await deps.assets.refusal(id: assetID) { throw APIError.invalid("asset", refusal) }
            throw APIError.invalid("asset", "unknown asset '\(assetID)'")
        }
        try Self.networkInEnvironment(asset.network, caller, param: "asset")
        _ = try deps.enabledNetwork(asset.network.rawValue, param: "asset")
        guard deps.isWatched(asset.network) else {
            // Nothing would ever see the payment: refuse rather than take an order that cannot be paid.
            throw APIError(
                .unprocessableContent, "network_not_watched",
                "deposits on \(asset.network.rawValue) are not watched in this deployment (no scanner or no rpc endpoints), so an intent for \(asset.id) could never be paid",
                param: "asset")
        }
        let amount: Amount
        do { amount = try Amount(decimal: amountText, decimals: asset.decimals) } catch {
            throw APIError.invalid("amount", "\(error.description)")
        }
        guard amount > .zero else { throw APIError.invalid("amount", "amount must be greater than zero") }
        let now = deps.now()
        if let customer = try await store.customer(id: customerID) {
            guard customer.environment == caller.environment else {
                throw APIError(
                    .unprocessableContent, "environment_mismatch",
                    "customer \(customerID) is a \(customer.environment) customer; this key is for \(caller.environment)", param: "customer")
            }
            try Self.refuseArchived(customer)
        }
        // Issuing (or finding) the deposit address also proves the customer exists.
        let address: CustomerAddress
        do {
            address = try await issue(customerID: customerID, network: asset.network, logger: c.logger).0
        } catch StoreError.notFound {
            throw APIError.invalid("customer", "no customer \(customerID)")
        }
        let (intent, created) = try await store.createPaymentIntent(
            NewPaymentIntent(
                asset: asset, amount: amount, customerID: customerID, depositAddress: address.address,
                merchantOrderID: merchantOrderID, metadata: metadata, expiresIn: expiresIn, idempotencyKey: idempotencyKey,
                requestHash: idempotencyKey == nil ? "" : try body.canonicalHash()), now: now)
        return try respond(created ? .created : .ok, try await intentBody(intent))
    }

    func intentBody(_ intent: PaymentIntent) async throws -> PaymentIntentBody {
        PaymentIntentBody(intent: intent, decimals: try await decimals(intent.assetID))
    }

    /// The intent named by the path, when it is in the caller's environment.
    func existingIntent(_ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> PaymentIntent {
        let id = try c.parameters.require("id")
        guard let intent = try await store.paymentIntent(id: id) else { throw APIError.notFound("payment intent \(id)", param: "id") }
        try Self.sameEnvironment(intent.network.environment, caller, "payment intent \(id)", param: "id")
        return intent
    }

    func getIntent(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        var intent = try await existingIntent(c, caller)
        let id = intent.id
        let now = deps.now()
        if intent.status == .requiresPayment, intent.expiresAt <= now {
            // Expiry is also swept in the background; never show an open intent past its time.
            _ = try await store.expirePaymentIntents(now: now)
            intent = try await store.paymentIntent(id: id) ?? intent
        }
        return try respond(try await intentBody(intent))
    }

    func listIntents(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        var q = try QueryParameters(r)
        var filter = PaymentIntentFilter()
        filter.environment = caller.environment
        filter.customerID = try q.string("customer", maxLength: 64)
        if let status = try q.string("status", maxLength: 32) {
            guard let s = PaymentIntentStatus(rawValue: status) else {
                throw APIError.invalid("status", "status must be one of \(PaymentIntentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = s
        }
        filter.merchantOrderID = try q.string("merchant_order_id", maxLength: 128)
        (filter.createdGTE, filter.createdLTE) = try q.createdRange()
        let listing = try q.listing()
        try q.rejectUnknown()
        return try await list(
            listing, what: "payment intent", page: { try await store.paymentIntents(filter, page: $0, pageSize: $1) },
            cursor: { try await store.paymentIntents(filter, from: $0, pageSize: $1) }, item: { try await intentBody($0) })
    }

    func cancelIntent(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let id = try await existingIntent(c, caller).id
        return try respond(try await intentBody(try await store.cancelPaymentIntent(id: id, now: deps.now())))
    }

    // MARK: deposits, balances, events

    func customerBalances(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let customer = try await existingCustomer(c, caller)
        var items: [BalanceBody] = []
        for (assetID, amount) in try await store.balances(customerID: customer.id).sorted(by: { $0.key < $1.key }) {
            let decimals = try await decimals(assetID)
            items.append(BalanceBody(asset: assetID, amount: amount.decimalString(decimals: decimals)))
        }
        return try respond(DataBody(data: items))
    }

    func listEvents(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        var q = try QueryParameters(r)
        var filter = EventFilter()
        filter.environment = caller.environment
        if let type = try q.string("type", maxLength: 64) {
            guard let t = EventType(rawValue: type) else {
                throw APIError.invalid("type", "type must be one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.type = t
        }
        (filter.createdGTE, filter.createdLTE) = try q.createdRange()
        let listing = try q.listing()
        try q.rejectUnknown()
        return try await list(
            listing, what: "event", page: { try await store.events(filter, page: $0, pageSize: $1) },
            cursor: { try await store.events(filter, from: $0, pageSize: $1) }, item: { EventBody($0) })
    }

    func listDeposits(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        var q = try QueryParameters(r)
        var filter = DepositFilter()
        filter.environment = caller.environment
        filter.customerID = try q.string("customer", maxLength: 64)
        if let address = try q.string("address", maxLength: 128) {
            guard let parsed = Self.parseAnyNetwork(address) else {
                throw APIError.invalid("address", "'\(address.prefix(100))' is not a valid address on any supported network")
            }
            filter.address = parsed.normalized
        }
        if let asset = try q.string("asset", maxLength: 64) {
            // An asset no longer in force still has its deposits.
            var known = await deps.assets.asset(id: asset) != nil
            if !known { known = try await store.assetDecimals(assetID: asset) != nil }
            guard known else {
                throw APIError.invalid("asset", "unknown asset '\(asset.prefix(64))'")
            }
            filter.assetID = asset
        }
        if let status = try q.string("status", maxLength: 32) {
            guard let s = DepositStatus(rawValue: status) else {
                throw APIError.invalid("status", "status must be one of \(DepositStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = s
        }
        if let network = try q.string("network", maxLength: 32) {
            guard let id = NetworkID(rawValue: network) else { throw APIError.invalid("network", "unknown network '\(network)'") }
            filter.network = id
        }
        if let hash = try q.string("tx_hash", maxLength: 128) {
            // Each family writes its hashes one way; a hash typed in another case or prefix still finds its deposits.
            let families = filter.network.map { [$0.family] } ?? ChainFamily.allCases
            let forms = Array(Set(families.compactMap { ChainHash.transactionID(hash, family: $0) })).sorted()
            guard !forms.isEmpty else { throw APIError.invalid("tx_hash", "tx_hash is not a transaction id") }
            filter.txHashes = forms
        }
        (filter.createdGTE, filter.createdLTE) = try q.createdRange()
        let listing = try q.listing()
        try q.rejectUnknown()
        return try await list(
            listing, what: "deposit", page: { try await store.deposits(filter, page: $0, pageSize: $1) },
            cursor: { try await store.deposits(filter, from: $0, pageSize: $1) },
            item: { DepositBody($0, decimals: try await decimals($0.assetID)) })
    }

    func getDeposit(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let id = try c.parameters.require("id")
        guard let deposit = try await store.deposit(id: id) else { throw APIError.notFound("deposit \(id)", param: "id") }
        try Self.sameEnvironment(deposit.network.environment, caller, "deposit \(id)", param: "id")
        return try respond(DepositBody(deposit, decimals: try await decimals(deposit.assetID)))
    }

    /// The event named by the path, when it is in the caller's environment.
    func existingEvent(_ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> OutboxEvent {
        let id = try c.parameters.require("id")
        guard let event = try await store.event(id: id) else { throw APIError.notFound("event \(id)", param: "id") }
        try Self.sameEnvironment(event.environment, caller, "event \(id)", param: "id")
        return event
    }

    func getEvent(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let event = try await existingEvent(c, caller)
        return try respond(EventDetailBody(event: event, deliveries: try await store.deliveries(eventID: event.id)))
    }

    func redeliver(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let event = try await existingEvent(c, caller)
        let id = event.id
        try await store.redeliver(eventID: id, now: deps.now())
        return try respond(.accepted, EventDetailBody(event: event, deliveries: try await store.deliveries(eventID: id)))
    }

    // MARK: webhook endpoints

    func createWebhookEndpoint(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        let url = try body.requiredString("url", maxLength: 2048)
        let names = try body.stringArray("events", maxCount: EventType.allCases.count)
        try body.rejectUnknownFields()
        guard let names, !names.isEmpty else { throw APIError.missing("events") }
        var events: [EventType] = []
        for name in names {
            guard let type = EventType(rawValue: name) else {
                throw APIError.invalid(
                    "events", "unknown event type '\(name.prefix(64))'; use \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !events.contains(type) { events.append(type) }
        }
        if let problem = await deps.webhookURLProblem(url) { throw APIError.invalid("url", problem) }
        let endpoint = try await store.createWebhookEndpoint(
            url: url, events: events, secret: WebhookSignature.newSecret(), environment: caller.environment, now: deps.now())
        try await store.recordAudit(
            AuditEvent(
                id: ResourceID.make("aud"), actor: caller.actor, action: "webhook_endpoint.create", target: endpoint.id,
                oldValue: nil, newValue: url, createdAt: deps.now(), environment: caller.environment))
        return try respond(.created, WebhookEndpointBody(endpoint, showSecret: true))
    }

    func listWebhookEndpoints(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        return try respond(
            DataBody(
                data: try await store.webhookEndpoints().filter { $0.environment == caller.environment }.map {
                    WebhookEndpointBody($0, showSecret: false)
                }))
    }

    /// Refuses an endpoint id of the other environment (an unknown one is the store's 404).
    func checkEndpointEnvironment(_ id: String, _ caller: APIKeyRecord) async throws {
        guard let endpoint = try await store.webhookEndpoints().first(where: { $0.id == id }) else { return }
        try Self.sameEnvironment(endpoint.environment, caller, "webhook endpoint \(id)", param: "id")
    }

    func deleteWebhookEndpoint(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let id = try c.parameters.require("id")
        try await checkEndpointEnvironment(id, caller)
        do {
            try await store.deleteWebhookEndpoint(id: id, now: deps.now())
        } catch StoreError.notFound {
            throw APIError.notFound("webhook endpoint \(id)", param: "id")
        }
        try await store.recordAudit(
            AuditEvent(
                id: ResourceID.make("aud"), actor: caller.actor, action: "webhook_endpoint.delete", target: id,
                oldValue: nil, newValue: nil, createdAt: deps.now(), environment: caller.environment))
        return try respond(DeletedBody(id: id, deleted: true))
    }
}
