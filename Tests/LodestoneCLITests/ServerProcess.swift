import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A `lodestone serve` child process on a free loopback port, with its log captured.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    private let log: LogBuffer

    /// Starts `serve` with `arguments` (a `--port` is added) and waits until /healthz answers. A port
    /// another process took in the meantime is given up for a new one.
    init(_ arguments: [String], environment: [String: String] = [:], waitForHealth: Bool = true) async throws {
        for attempt in 1...5 {
            // Below Linux's ephemeral range (32768 and up), where outgoing connections take their ports.
            let port = Int.random(in: 20_000..<32_768)
            let (process, log) = try Self.launch(["serve", "--port", String(port)] + arguments, environment: environment)
            let ready = waitForHealth ? await Self.waitUntilHealthy(process, port: port) : true
            if !ready, !process.isRunning, attempt < 5, log.text.contains("Address already in use") { continue }
            (self.process, self.port, self.log) = (process, port, log)
            guard ready else {
                guard process.isRunning else { throw ServerError.exited(output) }
                stop()
                throw ServerError.notReady(output)
            }
            return
        }
        fatalError("unreachable: the last attempt returns or throws")
    }

    static func launch(_ arguments: [String], environment: [String: String]) throws -> (Process, LogBuffer) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let log = LogBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            log.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
        return (process, log)
    }

    /// True once /healthz answers 200; false if the process exits or 10 s pass first.
    static func waitUntilHealthy(_ process: Process, port: Int) async -> Bool {
        for _ in 0..<100 {
            if let (status, _) = try? await request(port: port, "GET", "/healthz"), status == 200 { return true }
            guard process.isRunning else { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    enum ServerError: Error { case exited(String), notReady(String) }

    var output: String { log.text }

    /// Sends a request; returns status and parsed JSON body (if any).
    func request(_ method: String, _ path: String, key: String? = nil, json: String? = nil) async throws -> (Int, [String: Any]) {
        try await Self.request(port: port, method, path, key: key, json: json)
    }

    static func request(port: Int, _ method: String, _ path: String, key: String? = nil, json: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() async -> Int32 {
        process.terminate()
        for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        return process.isRunning ? -1 : process.terminationStatus
    }

    func stop() { if process.isRunning { process.terminate() } }

    deinit { stop() }
}

/// A scratch directory with a database, a config file and the environment `serve` needs.
struct Deployment {
    let dir: URL
    let passphrase = "correct horse battery staple"

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lodestone-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    var database: String { "sqlite://" + dir.appendingPathComponent("db.sqlite").path }
    var environment: [String: String] { ["LODESTONE_SEED_PASSPHRASE": passphrase] }
    var configPath: String { dir.appendingPathComponent("lodestone.yaml").path }

    func writeConfig(_ yaml: String) throws { try Data(yaml.utf8).write(to: URL(fileURLWithPath: configPath)) }

    func run(_ args: [String]) throws -> CLIResult { try CLI.run(args, environment: environment) }
}

/// Text appended from the pipe's reader thread.
final class LogBuffer: Sendable {
    private let storage = Mutex("")
    func append(_ chunk: String) { storage.withLock { $0 += chunk } }
    var text: String { storage.withLock { $0 } }
}
