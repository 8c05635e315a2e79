import ArgumentParser
import Foundation
import LodestoneApp

/// `lodestone status`: a running instance's state for a person; exit 1 when something is wrong.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a running instance's networks, scan lag, lease and endpoints; exit 1 when something is wrong (a health check).")

    @Option(help: "The instance's API address (default: server.host and server.port of the configuration).")
    var url: String?

    @Option(help: "File holding an API key (default: the LODESTONE_API_KEY environment variable).")
    var apiKeyFile: String?

    @Option(help: "A scan behind the head for longer than this many seconds is a problem.")
    var maxLagSeconds: Int64 = 600

    @Option(help: "Colour: auto (when writing to a terminal), always, never.")
    var color: String = "auto"

    @Option(help: "YAML configuration file (for the default address).")
    var config: String?

    func run() async throws {
        guard ["auto", "always", "never"].contains(color) else { throw CLIError("--color must be auto, always or never") }
        guard maxLagSeconds > 0 else { throw CLIError("--max-lag-seconds must be positive") }
        let key: String
        if let apiKeyFile {
            key = try CommandInputs.readFile(apiKeyFile, option: "--api-key-file").trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let env = ProcessInfo.processInfo.environment["LODESTONE_API_KEY"], !env.isEmpty {
            key = env
        } else {
            throw CLIError("an API key is needed: set LODESTONE_API_KEY or give --api-key-file")
        }
        let server = try await address()
        let networks: [ServiceStatus.Network]
        do { networks = try await ServiceStatus.fetch(server: server, apiKey: key) } catch let failure as ServiceStatus.StatusFailure {
            throw CLIError(failure.description)
        } catch {
            throw CLIError("cannot reach \(server): \(error)")
        }
        let painted = color == "always" || (color == "auto" && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let (text, worst) = ServiceStatus.render(networks, server: server, maxLagSeconds: maxLagSeconds, color: painted)
        print(text)
        if worst == .problem { throw ExitCode(1) }
    }

    func address() async throws -> String {
        if let url {
            guard let c = URLComponents(string: url), ["http", "https"].contains(c.scheme ?? ""), c.host != nil else {
                throw CLIError("--url must be an http or https URL")
            }
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let (host, port) = try await ConfiguredAddress.api(configPath: config)
        return "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }
}
