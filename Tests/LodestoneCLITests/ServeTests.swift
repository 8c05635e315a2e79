import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing

/// `lodestone serve` as an operator runs it: keys, API keys, config file, signals.
@Suite(.serialized) struct ServeTests {
    static let mnemonic = CLITests.mnemonic

    static func initKeys(_ d: Deployment) throws {
        let m = try CLI.tempFile(mnemonic)
        let r = try d.run(["keys", "init", "--mnemonic-file", m, "--database", d.database])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("abandon"), "an imported mnemonic is never printed back")
    }

    static func apiKey(_ d: Deployment, role: String = "service", environment: String = "production") throws -> String {
        let r = try d.run([
            "apikey", "create", "--role", role, "--name", "e2e-\(role)-\(environment)", "--environment", environment, "--database", d.database,
        ])
        #expect(r.status == 0)
        let key = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix(environment == "production" ? "lsk_live_" : "lsk_test_") && r.lines.count == 1)
        return key
    }

    static func derive(_ network: String, _ index: Int) throws -> String {
        let r = try CLI.run(["derive", "--network", network, "--index", String(index), "--mnemonic-file", CLITests.mnemonicFile])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(obj["address"] as? String)
    }

    @Test func servesTheAddressesDeriveGives() async throws {
        let d = try Deployment()
        try d.writeConfig(
            """
            networks:
              bitcoin-regtest: {enabled: true}
              ethereum-sepolia: {enabled: true}
              base-sepolia: {enabled: true}
              tron-nile: {enabled: true}
              bitcoin-signet: {enabled: true}

            """)
        try Self.initKeys(d)
        let key = try Self.apiKey(d)
        let sandboxKey = try Self.apiKey(d, environment: "sandbox")
        let server = try await ServerProcess(["--config", d.configPath, "--database", d.database], environment: d.environment)
        defer { server.stop() }
        // Production customers get the mainnets' addresses, sandbox customers the test networks'.
        let environments: [(key: String, networks: [String])] = [
            (key, ["ethereum", "bsc", "polygon", "base", "arbitrum", "tron", "solana", "bitcoin"]),
            (sandboxKey, ["ethereum-sepolia", "base-sepolia", "tron-nile", "bitcoin-signet", "bitcoin-regtest"]),
        ]
        var index = 0
        for (key, networks) in environments {
            for _ in 0..<3 {
                let (status, body) = try await server.request("POST", "/v1/customers", key: key, json: "{}")
                #expect(status == 201)
                let customer = try #require(body["id"] as? String)
                for network in networks {
                    let (status, body) = try await server.request(
                        "POST", "/v1/customers/\(customer)/addresses", key: key, json: "{\"network\":\"\(network)\"}")
                    #expect(status == 201 || status == 200)
                    #expect(body["index"] as? Int == index)
                    #expect(body["address"] as? String == (try Self.derive(network, index)), "\(network) #\(index)")
                }
                index += 1
            }
        }
        // An index's EVM address is the same on every EVM network, test networks included.
        #expect(try Self.derive("ethereum-sepolia", 4) == (try Self.derive("ethereum", 4)))
        #expect(try Self.derive("tron-nile", 4) == (try Self.derive("tron", 4)))
        // Each key stays in its environment.
        let (status, body) = try await server.request("POST", "/v1/customers", key: sandboxKey, json: "{}")
        #expect(status == 201)
        let sandboxCustomer = try #require(body["id"] as? String)
        let (refused, error) = try await server.request(
            "POST", "/v1/customers/\(sandboxCustomer)/addresses", key: sandboxKey, json: #"{"network":"ethereum"}"#)
        #expect(refused == 422 && (error["error"] as? [String: Any])?["code"] as? String == "environment_mismatch")
        #expect(await server.terminate() == 0)
    }

    /// 200 parallel requests for 20 customers: exactly 20 addresses, each what `lodestone derive` prints for its index.
    @Test func parallelIssuanceMatchesDerive() async throws {
        let d = try Deployment()
        try Self.initKeys(d)
        let key = try Self.apiKey(d)
        let server = try await ServerProcess(["--database", d.database], environment: d.environment)
        defer { server.stop() }
        var customers: [String] = []
        for _ in 0..<20 {
            customers.append(try #require(try await server.request("POST", "/v1/customers", key: key, json: "{}").1["id"] as? String))
        }
        let replies = try await withThrowingTaskGroup(of: (String, Int, Int?, String?).self) { group in
            for i in 0..<200 {
                let customer = customers[i % 20]
                group.addTask {
                    let (status, body) = try await server.request(
                        "POST", "/v1/customers/\(customer)/addresses", key: key, json: #"{"network":"tron"}"#)
                    return (customer, status, body["index"] as? Int, body["address"] as? String)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.filter { $0.1 == 201 }.count == 20 && replies.allSatisfy { $0.1 == 201 || $0.1 == 200 })
        let derived = try CLI.run([
            "derive", "--network", "tron", "--index", "0", "--count", "20", "--mnemonic-file", CLITests.mnemonicFile,
        ]).lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["address"] as? String }
        var perCustomer: [String: Set<String>] = [:]
        for (customer, _, index, address) in replies {
            #expect(address == derived[try #require(index)])
            perCustomer[customer, default: []].insert(try #require(address))
        }
        #expect(perCustomer.count == 20 && perCustomer.values.allSatisfy { $0.count == 1 })
        #expect(Set(perCustomer.values.flatMap { $0 }) == Set(derived.compactMap { $0 }))
        #expect(await server.terminate() == 0)
    }

    @Test func watchOnlyDeploymentNeedsNoSeed() async throws {
        let d = try Deployment()
        func xpub(_ network: String) throws -> String {
            let r = try CLI.run(["xpub", "--network", network, "--mnemonic-file", CLITests.mnemonicFile])
            return try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["xpub"] as? String)
        }
        try d.writeConfig("""
            networks:
              ethereum: {xpub: \(try xpub("ethereum"))}
              tron: {xpub: \(try xpub("tron"))}
              bitcoin: {xpub: \(try xpub("bitcoin"))}
              bsc: {enabled: false}
              polygon: {enabled: false}
              base: {enabled: false}
              arbitrum: {enabled: false}
              solana: {enabled: false}
            """)
        let key = try Self.apiKey(d)
        // No keys init, no passphrase: nothing secret is on this server.
        let server = try await ServerProcess(["--config", d.configPath, "--database", d.database])
        defer { server.stop() }
        let (_, customer) = try await server.request("POST", "/v1/customers", key: key, json: "{}")
        let id = try #require(customer["id"] as? String)
        for network in ["ethereum", "tron", "bitcoin"] {
            let (_, body) = try await server.request("POST", "/v1/customers/\(id)/addresses", key: key, json: "{\"network\":\"\(network)\"}")
            #expect(body["address"] as? String == (try Self.derive(network, 0)))
        }
        let (status, refused) = try await server.request("POST", "/v1/customers/\(id)/addresses", key: key, json: #"{"network":"solana"}"#)
        #expect(status == 422 && (refused["error"] as? [String: Any])?["param"] as? String == "network")
        #expect(await server.terminate() == 0)
    }

    @Test func refusesToStartWithoutKeysOrWithABadConfig() async throws {
        let d = try Deployment()
        let noKeys = try d.run(["serve", "--database", d.database, "--port", "1"])
        #expect(noKeys.status != 0 && noKeys.stderr.contains("keys init"))
        try d.writeConfig("server:\n  port: 0\nassets:\n  USDT-Tron: {confirmations: -3}\nbogus: true\n")
        let bad = try d.run(["serve", "--config", d.configPath, "--database", d.database])
        #expect(bad.status != 0)
        for path in ["server.port", "assets.USDT-Tron.confirmations", "bogus"] { #expect(bad.stderr.contains(path), "\(path)") }
        let check = try d.run(["config", "check", d.configPath])
        #expect(check.status != 0 && check.stderr.split(separator: "\n").count == 4)
        #expect(try d.run(["serve", "--config", "/nonexistent.yaml"]).stderr.contains("no such file"))
        try Self.initKeys(d)
        let wrong = try CLI.run(["serve", "--database", d.database], environment: ["LODESTONE_SEED_PASSPHRASE": "not the passphrase"])
        #expect(wrong.status != 0 && wrong.stderr.contains("passphrase is wrong"))
        #expect(try d.run(["keys", "init", "--database", d.database]).stderr.contains("already has a seed"))
    }

    @Test func thresholdsReloadFromTheFileWithoutRestart() async throws {
        let d = try Deployment()
        try d.writeConfig("config_reload_seconds: 1\nassets:\n  USDT-Tron: {confirmations: 20}\n")
        try Self.initKeys(d)
        let op = try Self.apiKey(d, role: "operator")
        let server = try await ServerProcess(["--config", d.configPath, "--database", d.database], environment: d.environment)
        defer { server.stop() }
        func threshold() async throws -> Int? {
            let (_, body) = try await server.request("GET", "/v1/assets", key: op)
            return (body["data"] as? [[String: Any]])?.first { $0["id"] as? String == "USDT-Tron" }?["confirmations"] as? Int
        }
        #expect(try await threshold() == 20)
        // A modification time in a new second, so the poll notices even on coarse clocks.
        try await Task.sleep(for: .milliseconds(1100))
        try d.writeConfig("config_reload_seconds: 1\nassets:\n  USDT-Tron: {confirmations: 9, confirmation_tiers: [\"1000: 3\"]}\n")
        var seen: Int? = nil
        for _ in 0..<60 {
            seen = try await threshold()
            if seen == 9 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen == 9)
        let (_, assets) = try await server.request("GET", "/v1/assets", key: op)
        let tiers = (assets["data"] as? [[String: Any]])?.first { $0["id"] as? String == "USDT-Tron" }?["confirmation_tiers"] as? [[String: Any]]
        #expect(tiers?.map { $0["up_to"] as? String } == ["1000"] && tiers?.map { $0["confirmations"] as? Int } == [3])
        let (_, audit) = try await server.request("GET", "/v1/audit_events", key: op)
        let event = (audit["data"] as? [[String: Any]])?.first
        #expect(event?["actor"] as? String == "config-file" && event?["old_value"] as? String == "20")
        #expect(event?["new_value"] as? String == #"{"confirmation_tiers":[{"confirmations":3,"up_to":"1000"}],"confirmations":9}"#)
        #expect(await server.terminate() == 0)
        // After a restart the file value still holds (and an API change would too, until the file changes again).
        let again = try await ServerProcess(["--config", d.configPath, "--database", d.database], environment: d.environment)
        defer { again.stop() }
        let (_, body) = try await again.request("GET", "/v1/assets", key: op)
        #expect((body["data"] as? [[String: Any]])?.first { $0["id"] as? String == "USDT-Tron" }?["confirmations"] as? Int == 9)
        #expect(await again.terminate() == 0)
    }

    @Test func environmentOverridesTheFile() async throws {
        let d = try Deployment()
        try d.writeConfig("rate_limit: {requests: 1000}\n")
        try Self.initKeys(d)
        let key = try Self.apiKey(d)
        var env = d.environment
        env["LODESTONE_RATE_LIMIT_REQUESTS"] = "2"
        let server = try await ServerProcess(["--config", d.configPath, "--database", d.database], environment: env)
        defer { server.stop() }
        #expect(try await server.request("GET", "/v1/assets", key: key).0 == 200)
        #expect(try await server.request("GET", "/v1/assets", key: key).0 == 200)
        #expect(try await server.request("GET", "/v1/assets", key: key).0 == 429)
        #expect(await server.terminate() == 0)
        #expect(!server.output.contains(d.passphrase))
    }

    /// Solana without a seed on the server: addresses derived offline, imported, issued in order.
    @Test func aSolanaPoolServesWithoutASeed() async throws {
        let d = try Deployment()
        let derived = try CLI.run(["derive", "--network", "solana", "--index", "0", "--count", "3", "--mnemonic-file", CLITests.mnemonicFile])
        #expect(derived.status == 0)
        let file = try CLI.tempFile(derived.stdout)
        let imported = try d.run(["pool", "import", "--network", "solana", file, "--database", d.database])
        #expect(imported.status == 0 && imported.stdout.contains(#""imported":3"#) && imported.stdout.contains(#""remaining":3"#), "\(imported.stderr)")
        let again = try d.run(["pool", "import", "--network", "solana", file, "--database", d.database])
        #expect(again.stdout.contains(#""imported":0"#) && again.stdout.contains(#""skipped":3"#))
        // Bad input is refused with its line, and nothing of it is kept.
        let bad = try d.run(["pool", "import", "--network", "solana", try CLI.tempFile(derived.lines[0] + "\nnot json\n"), "--database", d.database])
        #expect(bad.status != 0 && bad.stderr.contains("line 2"))
        let evm = try d.run(["pool", "import", "--network", "ethereum", file, "--database", d.database])
        #expect(evm.status != 0 && evm.stderr.contains("Solana"))
        let wrongNetwork = try CLI.run(["derive", "--network", "ethereum", "--index", "0", "--mnemonic-file", CLITests.mnemonicFile])
        let mixed = try d.run(["pool", "import", "--network", "solana", try CLI.tempFile(wrongNetwork.stdout), "--database", d.database])
        #expect(mixed.status != 0 && mixed.stderr.contains("is for ethereum"))

        // Every other network off: nothing needs the seed, and none was ever stored.
        let off = ["ethereum", "bsc", "polygon", "base", "arbitrum", "tron", "bitcoin"].map { "  \($0): {enabled: false}" }.joined(separator: "\n")
        let metricsPort = Int.random(in: 30_000...39_999)
        try d.writeConfig("metrics: {port: \(metricsPort)}\nnetworks:\n\(off)\n  solana: {enabled: true, address_source: pool, pool_low_water: 5}\n")
        let key = try Self.apiKey(d)
        let server = try await ServerProcess(["--config", d.configPath, "--database", d.database])
        defer { server.stop() }
        let (_, customer) = try await server.request("POST", "/v1/customers", key: key, json: "{}")
        let id = try #require(customer["id"] as? String)
        let (status, address) = try await server.request("POST", "/v1/customers/\(id)/addresses", key: key, json: #"{"network":"solana"}"#)
        let expected = try Self.derive("solana", 0)
        #expect(status == 201 && address["address"] as? String == expected)
        // The pool's gauge on /metrics, on its own port, without an API key.
        var scraped = ""
        for _ in 0..<50 {
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!)
            scraped = String(decoding: data, as: UTF8.self)
            if scraped.contains(#"lodestone_address_pool_remaining{network="solana"} 2"#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(scraped.contains(#"lodestone_address_pool_remaining{network="solana"} 2"#), "\(scraped)")
        #expect(await server.terminate() == 0)
        #expect(server.output.contains("address pool running low"), "2 left is below the level of 5")
        let status2 = try d.run(["pool", "status", "--network", "solana", "--database", d.database])
        #expect(status2.stdout.contains(#""remaining":2"#))
    }

    /// SQLite serves one instance: a second `serve` on the same file stops at once and says why.
    @Test func aSecondServeOnTheSameSQLiteFileIsRefused() async throws {
        let d = try Deployment()
        try d.writeConfig("networks:\n  solana: {enabled: false}\n")
        try Self.initKeys(d)
        let first = try await ServerProcess(["--config", d.configPath, "--database", d.database], environment: d.environment)
        defer { first.stop() }
        let second = try d.run(["serve", "--config", d.configPath, "--database", d.database, "--port", "1"])
        #expect(second.status != 0 && second.stderr.contains("another lodestone serve") && second.stderr.contains("PostgreSQL"), "\(second.stderr)")
        #expect(await first.terminate() == 0)
        // Once the first has stopped, the file is free again.
        let again = try await ServerProcess(["--config", d.configPath, "--database", d.database], environment: d.environment)
        #expect(await again.terminate() == 0)
    }
}
