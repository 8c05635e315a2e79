import Configuration
import Foundation
import LodestoneApp
import LodestoneCore
import LodestoneDomain
import Testing

@Suite struct ConfigurationTests {
    @Test func shippedConfigIsValid() {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/lodestone.yaml").path
        #expect(ConfigFileCheck.problems(path: path) == [])
    }

    @Test func internalSendersMustBeAddressesOfTheirNetwork() throws {
        let good = """
            networks:
              ethereum: {internal_senders: ["0x9858EfFD232B4033E47d90003D41EC34EcaEda94"]}
              tron: {internal_senders: ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"]}
            """
        #expect(ConfigFileCheck.problems(yaml: good) == [])
        let bad = """
            networks:
              ethereum: {internal_senders: ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"]}
              tron: {internal_senders: "T..."}
            """
        let problems = ConfigFileCheck.problems(yaml: bad)
        #expect(problems.contains { $0.hasPrefix("networks.ethereum.internal_senders:") && $0.contains("entry 1") })
        #expect(problems.contains { $0.hasPrefix("networks.tron.internal_senders:") })
        let config = try Self.load([
            "networks.tron.internal_senders": ConfigValue(.stringArray(["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"]), isSecret: false)
        ])
        #expect(config.networks[.tron]?.internalSenders.map(\.normalized) == ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"])
    }

    @Test func bitcoinNetworksAreWatchedWithTheirOwnDefaults() throws {
        let config = try Self.load([
            "networks.bitcoin.rpc": ConfigValue(.stringArray(["http://u:p@127.0.0.1:8332/"]), isSecret: true),
            "networks.bitcoin-regtest.enabled": true,
            "networks.bitcoin-regtest.rpc": ConfigValue(.stringArray(["http://127.0.0.1:18443/"]), isSecret: true),
            "networks.bitcoin-regtest.rpc_cookie_file": "/var/lib/bitcoind/regtest/.cookie",
        ])
        #expect(config.networks[.bitcoin]?.rpc == ["http://u:p@127.0.0.1:8332/"])
        #expect(config.networks[.bitcoin]?.maxHeadAgeSeconds == 7200, "mainnet: a head two hours old marks its endpoint stale")
        #expect(config.networks[.bitcoinRegtest]?.maxHeadAgeSeconds == nil, "regtest mines irregularly: no staleness check")
        #expect(config.networks[.bitcoinRegtest]?.rpcCookieFile == "/var/lib/bitcoind/regtest/.cookie")
        #expect(config.networks[.ethereum]?.maxHeadAgeSeconds == 120)
        #expect(throws: ConfigurationProblems.self) { try Self.load(["networks.bitcoin.finality": "finalized"]) }
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  bitcoin-regtest: {rpc_cookie_file: /x/.cookie}") == [])
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  ethereum: {rpc_cookie_file: /x/.cookie}").count == 1)
    }

    @Test func confirmationTiersAreReadFromTheFileAndCheckedEntryByEntry() throws {
        let good = """
            assets:
              USDT-Ethereum:
                confirmations: 64
                confirmation_tiers: ["10000: 12", "100000.5: 30"]
            """
        #expect(ConfigFileCheck.problems(yaml: good) == [])
        let config = try Self.load([
            "assets.USDT-Ethereum.confirmations": 64,
            "assets.USDT-Ethereum.confirmation_tiers": ConfigValue(.stringArray(["10000: 12", "100000.5: 30"]), isSecret: false),
        ])
        let threshold = try #require(config.fileConfirmations["USDT-Ethereum"])
        let usdt = { (text: String) in try Amount(decimal: text, decimals: 6) }
        #expect(try threshold.required(for: usdt("10000")) == 12)
        #expect(try threshold.required(for: usdt("10000.000001")) == 30)
        #expect(try threshold.required(for: usdt("100000.5")) == 30)
        #expect(try threshold.required(for: usdt("100000.500001")) == 64)

        let bad = """
            assets:
              USDT-Ethereum: {confirmations: 64, confirmation_tiers: ["10000: 12", "5000: 30"]}
              USDT-Tron: {confirmations: 6, confirmation_tiers: ["10000: 12"]}
              USDC-Ethereum: {confirmation_tiers: ["10000: 12"]}
              USDC-Tron: {confirmations: 64, confirmation_tiers: ["1.0000001: 3"]}
              USDT-BSC: {confirmations: 64, confirmation_tiers: [{up_to: "10000", confirmations: 12}]}
            """
        let problems = ConfigFileCheck.problems(yaml: bad)
        for (path, words) in [
            ("assets.USDT-Ethereum.confirmation_tiers", "entry 2"), ("assets.USDT-Tron.confirmation_tiers", "at least entry 1"),
            ("assets.USDC-Ethereum.confirmation_tiers", "needs assets.USDC-Ethereum.confirmations"),
            ("assets.USDC-Tron.confirmation_tiers", "at most 6 decimals"), ("assets.USDT-BSC.confirmation_tiers", "quoted strings"),
        ] {
            #expect(problems.contains { $0.hasPrefix(path + ":") && $0.contains(words) }, "\(path) not reported with \(words) in \(problems)")
        }
        #expect(throws: ConfigurationProblems.self) {
            try Self.load([
                "assets.USDT-Ethereum.confirmations": 64,
                "assets.USDT-Ethereum.confirmation_tiers": ConfigValue(.stringArray(["10000: 99"]), isSecret: false),
            ])
        }
    }

    @Test func everyProblemIsReportedWithItsPath() {
        let yaml = """
            server:
              port: 70000
              hots: x
            database:
              url: mysql://x
            rate_limit: {requests: 0}
            networks:
              ethereum: {enabled: maybe, account: -1}
              bitcoin: {script: p2pkh}
              solana: {xpub: xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8}
              litecoin: {}
            assets:
              USDT-Tron: {confirmations: 0}
              USDT-Doge: {confirmations: 5}
            extra: 1
            """
        let problems = ConfigFileCheck.problems(yaml: yaml)
        for path in [
            "server.port", "server.hots", "database.url", "rate_limit.requests", "networks.ethereum.enabled",
            "networks.ethereum.account", "networks.bitcoin.script", "networks.solana.xpub", "networks.litecoin",
            "assets.USDT-Tron.confirmations", "assets.USDT-Doge.network", "extra",
        ] {
            #expect(problems.contains { $0.hasPrefix(path + ":") }, "\(path) not reported in \(problems)")
        }
        #expect(problems.count == 12)
        #expect(ConfigFileCheck.problems(yaml: "server: [1, 2]") == ["server: must be a mapping"])
        #expect(ConfigFileCheck.problems(yaml: "a: [unclosed").first?.contains("not valid YAML") == true)
    }

    @Test func watchOnlyKeyMustFitTheNetwork() {
        // An Ethereum account xpub (m/44'/60'/0') is accepted for Ethereum; the BIP84 zpub is not.
        let eth = "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt"
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  ethereum: {xpub: \(eth)}") == [])
        let zpub = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  ethereum: {xpub: \(zpub)}").count == 1)
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  bitcoin: {xpub: \(zpub)}") == [])
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  bitcoin: {xpub: \(zpub), account: 1}").count == 1)
    }

    static func load(_ values: [AbsoluteConfigKey: ConfigValue], env: [String: String] = [:]) throws -> LodestoneConfiguration {
        try LodestoneConfiguration.load(
            ConfigReader(providers: [
                EnvironmentVariablesProvider(environmentVariables: env).prefixKeys(with: "lodestone"),
                InMemoryProvider(values: values),
            ]))
    }

    @Test func defaultsAndOverrides() throws {
        let defaults = try Self.load([:])
        #expect(defaults.port == 8080 && defaults.host == "127.0.0.1")
        #expect(defaults.databaseURL == "sqlite://data/lodestone.sqlite")
        #expect(NetworkID.production.allSatisfy { defaults.networks[$0]?.enabled == true })
        #expect(defaults.networks[.bitcoinRegtest]?.enabled == false)
        let file = try Self.load(["server.port": 9000, "assets.USDT-Tron.confirmations": 33, "networks.bitcoin.script": "p2tr"])
        #expect(file.port == 9000 && file.fileConfirmations == ["USDT-Tron": ConfirmationThreshold(33)] && file.networks[.bitcoin]?.script == .p2tr)
        // The environment wins over the file.
        let env = try Self.load(["server.port": 9000], env: ["LODESTONE_SERVER_PORT": "9100", "LODESTONE_DATABASE_URL": "postgres://u:p@h/db"])
        #expect(env.port == 9100 && env.databaseURL == "postgres://u:p@h/db")
    }

    @Test func badValuesAreNamedNotDefaulted() {
        #expect(throws: ConfigurationProblems.self) { try Self.load([:], env: ["LODESTONE_SERVER_PORT": "eighty"]) }
        do {
            _ = try Self.load(["server.port": 0, "rate_limit.requests": "many", "networks.tron.enabled": "perhaps"])
            Issue.record("expected problems")
        } catch let error as ConfigurationProblems {
            #expect(error.problems.count == 3)
            #expect(error.problems.contains { $0.hasPrefix("server.port:") })
            #expect(error.problems.contains { $0.hasPrefix("rate_limit.requests:") })
            #expect(error.problems.contains { $0.hasPrefix("networks.tron.enabled:") })
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func watchingSettingsAreReadAndCheckedPerNetwork() throws {
        let config = try Self.load(
            [
                "networks.ethereum.rpc": .init(.stringArray(["https://a.example/key", "http://127.0.0.1:8545"]), isSecret: true),
                "networks.ethereum.finality": "finalized", "networks.tron.start_block": 61_000_000,
                "assets.USDT-Tron.minimum": "1.5", "webhooks.allow_private_urls": true,
            ], env: ["LODESTONE_NETWORKS_BSC_RPC": "https://b1.example,https://b2.example"])
        #expect(config.networks[.ethereum]?.rpc == ["https://a.example/key", "http://127.0.0.1:8545"])
        #expect(config.networks[.bsc]?.rpc == ["https://b1.example", "https://b2.example"])
        #expect(config.networks[.ethereum]?.finality == "finalized" && config.networks[.tron]?.startBlock == 61_000_000)
        #expect(config.minimums["USDT-Tron"] == (try Amount(decimal: "1.5", decimals: 6)))
        // Defaults: a cent of a stablecoin, a millionth of a coin.
        #expect(config.minimums["USDC-Base"] == (try Amount(decimal: "0.01", decimals: 6)))
        #expect(config.minimums["ETH-Ethereum"] == (try Amount(decimal: "0.000001", decimals: 18)))
        #expect(config.allowPrivateWebhookURLs)
        #expect(try Self.load([:]).allowPrivateWebhookURLs == false)
        // Solana: watched like the others, credited at `finalized` unless configured otherwise, on
        // the cluster named (mainnet-beta by default) or a local validator's genesis hash.
        let solana = try Self.load(["networks.solana.rpc": .init(.stringArray(["https://sol.example"]), isSecret: true), "networks.solana.cluster": "mainnet-beta"])
        #expect(solana.networks[.solana]?.finality == "finalized" && solana.networks[.solana]?.genesisHash == "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d")
        // Devnet is its own network: a mainnet network never names a test cluster.
        #expect(throws: ConfigurationProblems.self) { try Self.load(["networks.solana.cluster": "devnet"]) }
        let devnet = try Self.load(["networks.solana-devnet.enabled": true, "networks.solana-devnet.cluster": "devnet"])
        #expect(devnet.networks[.solanaDevnet]?.genesisHash == "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG")
        let local = try Self.load(["networks.solana.cluster": "11111111111111111111111111111111", "networks.solana.finality": "confirmations"])
        #expect(local.networks[.solana]?.genesisHash == "11111111111111111111111111111111" && local.networks[.solana]?.finality == "confirmations")
        #expect(try Self.load([:]).minimums["SOL-Solana"] == (try Amount(decimal: "0.00089088", decimals: 9)), "rent exemption")
        // Per asset: credited at `confirmed` (one confirmation) or by a slot count instead of at `finalized`.
        let commitments = try Self.load(["assets.USDC-Solana.commitment": "confirmed", "assets.SOL-Solana.commitment": "slots",
                                         "assets.SOL-Solana.confirmations": 64, "assets.USDT-Solana.commitment": "finalized"])
        #expect(commitments.countedAssets == ["USDC-Solana", "SOL-Solana"])
        #expect(commitments.fileConfirmations["USDC-Solana"] == ConfirmationThreshold(1) && commitments.fileConfirmations["SOL-Solana"] == ConfirmationThreshold(64))
        do {
            _ = try Self.load(["assets.USDT-Ethereum.commitment": "confirmed", "assets.USDC-Solana.commitment": "soon",
                               "assets.SOL-Solana.commitment": "confirmed", "assets.SOL-Solana.confirmations": 5])
            Issue.record("expected problems")
        } catch let error as ConfigurationProblems {
            for key in ["assets.USDT-Ethereum.commitment:", "assets.USDC-Solana.commitment:", "assets.SOL-Solana.confirmations:"] {
                #expect(error.problems.contains { $0.hasPrefix(key) }, "\(key) missing in \(error.problems)")
            }
        }
        do {
            _ = try Self.load([
                "networks.ethereum.rpc": .init(.stringArray(["ftp://x"]), isSecret: true), "networks.polygon.finality": "soon",
                "assets.USDT-Tron.minimum": "0.0000001", "networks.solana.cluster": "mainnet",
            ])
            Issue.record("expected problems")
        } catch let error as ConfigurationProblems {
            for key in ["networks.ethereum.rpc:", "networks.polygon.finality:", "assets.USDT-Tron.minimum:", "networks.solana.cluster:"] {
                #expect(error.problems.contains { $0.hasPrefix(key) }, "\(key) missing in \(error.problems)")
            }
            #expect(!error.problems.joined().contains("ftp://x"), "a URL that may hold a key is never echoed whole")
        }
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  tron: {rpc: [\"https://t.example\"]}\nwebhooks: {allow_private_urls: true}") == [])
        #expect(ConfigFileCheck.problems(yaml: "networks:\n  tron: {rpc: https://t.example}").first?.hasPrefix("networks.tron.rpc:") == true)
        #expect(ConfigFileCheck.problems(yaml: "assets:\n  USDT-Tron: {minimum: 1.5}").first?.hasPrefix("assets.USDT-Tron.minimum:") == true)
    }
}
