import HTTPTypes
import LodestoneCore
import LodestoneDomain

// Production and sandbox are apart: a key sees and changes only its own environment's data, and
// hears why when it names the other's.
extension APIHandlers {
    /// 404 naming both environments when a resource is not the caller's: merchants are used to
    /// learning that a test key was used on live data (and the reverse), and nothing more.
    static func sameEnvironment(_ environment: DeploymentEnvironment, _ caller: APIKeyRecord, _ what: String, param: String) throws {
        guard environment != caller.environment else { return }
        throw APIError(
            .notFound, "environment_mismatch",
            "\(what) not found in \(caller.environment), this key's environment; it is a \(environment) resource: use a \(environment) key",
            param: param)
    }

    /// 422 when a network belongs to the other environment.
    static func networkInEnvironment(_ network: NetworkID, _ caller: APIKeyRecord, param: String) throws {
        guard network.environment != caller.environment else { return }
        let hint = caller.environment == .sandbox ? "a test network such as ethereum-sepolia" : "a production network such as ethereum"
        throw APIError(
            .unprocessableContent, "environment_mismatch",
            "\(network) is a \(network.environment) network and this key is for \(caller.environment): use \(hint), or a \(network.environment) key",
            param: param)
    }
}
