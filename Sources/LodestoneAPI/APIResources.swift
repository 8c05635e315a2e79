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

    static let networkEnumLine =
        "      enum: [ethereum, bsc, polygon, base, arbitrum, tron, solana, bitcoin, ethereum-sepolia, bsc-testnet, polygon-amoy, base-sepolia, arbitrum-sepolia, tron-nile, tron-shasta, solana-devnet, solana-testnet, bitcoin-testnet, bitcoin-testnet4, bitcoin-signet, bitcoin-regtest]"

    /// The document as this deployment serves it: the network enum lists only enabled networks.
    public static func openAPIDocument(enabledNetworks: [String]) -> String {
        precondition(openAPIDocument.contains(networkEnumLine), "openapi.yaml network enum line changed")
        return openAPIDocument.replacingOccurrences(
            of: networkEnumLine, with: "      enum: [\(enabledNetworks.joined(separator: ", "))]")
    }
}
