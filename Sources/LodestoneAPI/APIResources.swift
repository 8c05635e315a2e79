import Foundation

/// Files shipped with the API module.
public enum APIResources {
    /// The OpenAPI 3 document of every route (`Resources/openapi.yaml`).
    public static let openAPIDocument: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { preconditionFailure("openapi.yaml is missing from the LodestoneAPI resource bundle") }
        return text
    }()
}
