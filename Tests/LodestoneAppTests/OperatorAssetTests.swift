import Configuration
import Foundation
import LodestoneApp
import LodestoneCore
import LodestoneDomain
import Testing

/// Tokens an operator defines in `assets:`, and which catalog assets are in force.
@Suite struct OperatorAssetTests {
    /// PayPal USD on Ethereum (paxos.com): a real token the catalog does not ship.
    static let pyusd = "0x6c3ea9036406852006290770BEdFcAbA0e23A0e8"

    /// A configuration whose file declared `ids` under `assets:` with `values`.
    static func load(_ ids: [String], _ values: [String: ConfigValue]) throws -> LodestoneConfiguration {
        var all: [AbsoluteConfigKey: ConfigValue] = [
            AbsoluteConfigKey(stringLiteral: ConfigLoading.declaredAssetsKey): ConfigValue(.stringArray(ids), isSecret: false)
        ]
        for (k, v) in values { all[AbsoluteConfigKey(stringLiteral: k)] = v }
        return try LodestoneConfiguration.load(ConfigReader(provider: InMemoryProvider(values: all)))
    }

    static func problems(_ ids: [String], _ values: [String: ConfigValue]) -> [String] {
        do {
            _ = try load(ids, values)
            return []
        } catch let p as ConfigurationProblems {
            return p.problems
        } catch {
            return ["\(error)"]
        }
    }

    static func token(_ id: String, network: String, symbol: String, contract: String? = nil, mint: String? = nil, decimals: Int? = 6)
        -> [String: ConfigValue]
    {
        var v: [String: ConfigValue] = ["assets.\(id).network": .init(.string(network), isSecret: false), "assets.\(id).symbol": .init(.string(symbol), isSecret: false)]
        if let contract { v["assets.\(id).contract"] = .init(.string(contract), isSecret: false) }
        if let mint { v["assets.\(id).mint"] = .init(.string(mint), isSecret: false) }
        if let decimals { v["assets.\(id).decimals"] = .init(.int(decimals), isSecret: false) }
        return v
    }

    @Test func aDefinedTokenIsInForceWithItsThresholdAndMinimum() throws {
        var values = Self.token("PYUSD-Ethereum", network: "ethereum", symbol: "PYUSD", contract: Self.pyusd)
        values["assets.PYUSD-Ethereum.confirmations"] = .init(.int(20), isSecret: false)
        values["assets.PYUSD-Ethereum.minimum"] = .init(.string("0.5"), isSecret: false)
        let config = try Self.load(["PYUSD-Ethereum"], values)
        let asset = try #require(config.assets.first { $0.id == "PYUSD-Ethereum" })
        #expect(asset.network == .ethereum && asset.decimals == 6 && asset.contract == Self.pyusd && !asset.isNative)
        #expect(config.operatorAssets == ["PYUSD-Ethereum"])
        #expect(config.fileConfirmations["PYUSD-Ethereum"] == ConfirmationThreshold(20))
        #expect(config.minimums["PYUSD-Ethereum"] == (try Amount(decimal: "0.5", decimals: 6)))
        #expect(config.enabledAssets.contains(asset))
        // A test network's token, and a Solana mint.
        let sandbox = try Self.load(
            ["USDT-Sepolia", "PYUSD-SolanaDevnet"],
            Self.token("USDT-Sepolia", network: "ethereum-sepolia", symbol: "USDT", contract: "0x7169D38820dfd117C3FA1f22a697dBA58d90BA06")
                .merging(Self.token("PYUSD-SolanaDevnet", network: "solana-devnet", symbol: "PYUSD", mint: "CXk2AMBfi3TwaEL2468s6zP8xq9NxTXjp9gjMgzeUynM")) { a, _ in a })
        #expect(sandbox.operatorAssets == ["USDT-Sepolia", "PYUSD-SolanaDevnet"])
        #expect(sandbox.assets.first { $0.id == "USDT-Sepolia" }?.network.environment == .sandbox)
    }

    @Test(arguments: [
        // (id, definition, the key path named, a word of the message)
        ("USDX-Ethereum", token("USDX-Ethereum", network: "ethereum", symbol: "USDX", contract: pyusd.lowercased()), "contract", "EIP-55"),
        ("USDX-Ethereum", token("USDX-Ethereum", network: "ethereum", symbol: "USDX", contract: "0x6C3ea9036406852006290770BEdFcAbA0e23A0e8"), "contract", "checksum"),
        ("USDX-Ethereum", token("USDX-Ethereum", network: "ethereum", symbol: "USDX", contract: pyusd, decimals: nil), "decimals", "decimals"),
        ("USDX-Ethereum", token("USDX-Ethereum", network: "tron", symbol: "USDX", contract: pyusd), "symbol", "USDX-Tron"),
        ("USDX-Bitcoin", token("USDX-Bitcoin", network: "bitcoin", symbol: "USDX", contract: pyusd), "network", "no tokens"),
        ("USDX-Dogecoin", token("USDX-Dogecoin", network: "dogecoin", symbol: "USDX", contract: pyusd), "network", "unknown network"),
        ("USDX-Ethereum", token("USDX-Ethereum", network: "ethereum", symbol: "USDX", mint: "CXk2AMBfi3TwaEL2468s6zP8xq9NxTXjp9gjMgzeUynM"), "mint", "contract"),
        ("USDX-Tron", token("USDX-Tron", network: "tron", symbol: "USDX", contract: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"), "contract", "not a valid"),
        // The catalog's USDC under another name would credit one transfer twice.
        ("USDC2-Ethereum", token("USDC2-Ethereum", network: "ethereum", symbol: "USDC2", contract: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"), "contract", "USDC-Ethereum"),
    ])
    func aWrongDefinitionIsRefusedNamingItsKey(_ id: String, _ values: [String: ConfigValue], _ field: String, _ word: String) {
        let problems = Self.problems([id], values)
        #expect(problems.contains { $0.hasPrefix("assets.\(id).\(field):") && $0.contains(word) }, "\(problems)")
    }

    @Test func optInTokensAreOffUntilEnabledAndBuiltInsCanBeDisabled() throws {
        let defaults = try Self.load([], [:])
        for id in ["USDT-Base", "USDT-BSC", "USDC-BSC", "USDC-Tron"] { #expect(!defaults.assets.contains { $0.id == id }, "\(id)") }
        #expect(defaults.assets.contains { $0.id == "USDC-Base" } && defaults.assets.contains { $0.id == "USDT-Tron" })
        let chosen = try Self.load(
            ["USDT-Base", "USDC-Ethereum"],
            ["assets.USDT-Base.enabled": .init(.bool(true), isSecret: false), "assets.USDC-Ethereum.enabled": .init(.bool(false), isSecret: false)])
        #expect(chosen.assets.contains { $0.id == "USDT-Base" })
        #expect(!chosen.assets.contains { $0.id == "USDC-Ethereum" })
        #expect(chosen.operatorAssets.isEmpty, "catalog assets are not checked as operator tokens")
    }

    /// `lodestone config check` finds the same mistakes offline, in the file.
    @Test func theFileCheckValidatesDefinitions() {
        let yaml = """
            assets:
              PYUSD-Ethereum: {network: ethereum, symbol: PYUSD, contract: "\(Self.pyusd)", decimals: 6, confirmations: 12}
              BAD-Ethereum: {network: ethereum, symbol: BAD, contract: "\(Self.pyusd.lowercased())", decimals: 6}
              USDX-Bitcoin: {network: bitcoin, symbol: USDX, contract: x, decimals: 6}
              NODEC-Ethereum: {network: ethereum, symbol: NODEC, contract: "\(Self.pyusd)"}
              USDT-Base: {enabled: true, contract: "0x0000000000000000000000000000000000000001"}
              USDC-Tron: {enabled: yes please}
            """
        let problems = ConfigFileCheck.problems(yaml: yaml)
        for path in ["assets.BAD-Ethereum.contract", "assets.USDX-Bitcoin.network", "assets.NODEC-Ethereum.decimals", "assets.USDT-Base.contract", "assets.USDC-Tron.enabled"] {
            #expect(problems.contains { $0.hasPrefix(path + ":") }, "\(path) not reported in \(problems)")
        }
        #expect(!problems.contains { $0.hasPrefix("assets.PYUSD-Ethereum") }, "\(problems)")
        #expect(problems.count == 5, "\(problems)")
    }
}

/// What a contract says of itself against what the operator wrote.
@Suite struct TokenCheckTests {
    static let asset = Asset(network: .ethereumSepolia, symbol: "USDT", decimals: 6, contract: "0x7169D38820dfd117C3FA1f22a697dBA58d90BA06", confirmations: 1)

    @Test func decimalsAndSymbolMustAgree() throws {
        #expect(TokenCheck.problem(Self.asset, onChain: TokenMetadata(decimals: 6, symbol: "USDT")) == nil)
        #expect(TokenCheck.problem(Self.asset, onChain: TokenMetadata(decimals: 6, symbol: "usdt")) == nil)
        #expect(TokenCheck.problem(Self.asset, onChain: TokenMetadata(decimals: 6, symbol: nil)) == nil, "SPL mints have no symbol to read")
        let decimals = try #require(TokenCheck.problem(Self.asset, onChain: TokenMetadata(decimals: 18, symbol: "USDT")))
        #expect(decimals.hasPrefix("assets.USDT-Sepolia:") && decimals.contains("18 decimals") && decimals.contains("says 6") && decimals.contains("refused"))
        let symbol = try #require(TokenCheck.problem(Self.asset, onChain: TokenMetadata(decimals: 6, symbol: "USDC")))
        #expect(symbol.contains("\"USDC\""))
    }
}
