import LodestoneAPI
import TestSupport
import Testing
import Yams

/// The served OpenAPI document describes exactly the routes the router has.
@Suite struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumentedAndNothingElse() async throws {
        try await APIHarness.with(.sqlite) { h, _ in
            let spec = try #require(try Yams.load(yaml: APIResources.openAPIDocument) as? [String: Any])
            let paths = try #require(spec["paths"] as? [String: Any])
            var documented = Set<RouteDescription>()
            for (path, value) in paths {
                let operations = try #require(value as? [String: Any])
                for method in operations.keys where ["get", "post", "patch", "put", "delete"].contains(method) {
                    // `security: []` marks a public route; `x-required-role: operator` an operator one.
                    let operation = try #require(operations[method] as? [String: Any])
                    let isPublic = (operation["security"] as? [Any])?.isEmpty == true
                    let access: RouteAccess = isPublic ? .public : operation["x-required-role"] as? String == "operator" ? .operator : .service
                    documented.insert(RouteDescription(method: method.uppercased(), path: path, access: access))
                }
            }
            let served = Set(h.routes)
            #expect(served.subtracting(documented).isEmpty, "undocumented: \(served.subtracting(documented))")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served))")
            #expect(served.count == 33)
        }
    }

    @Test func everyOperationDocumentsItsErrors() throws {
        let spec = try #require(try Yams.load(yaml: APIResources.openAPIDocument) as? [String: Any])
        for (path, value) in try #require(spec["paths"] as? [String: [String: Any]]) where path.hasPrefix("/v1") {
            for (method, op) in value {
                let responses = try #require((op as? [String: Any])?["responses"] as? [String: Any])
                for code in ["401", "429", "422"] { #expect(responses[code] != nil, "\(method) \(path) lacks \(code)") }
            }
        }
    }
}
