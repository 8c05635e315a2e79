import Foundation
import LodestoneChains
import LodestoneCore
public import LodestoneDomain
import LodestoneRPC

/// A source that can read what a token contract says of itself.
public protocol TokenMetadataReading: Sendable {
    /// The decimals (and symbol, where the chain has one) of the token at `contract`.
    func tokenMetadata(contract: String) async throws -> TokenMetadata
}

/// Why a token could not be read: no contract there, or an answer that is no token's.
public struct TokenReadProblem: Error, CustomStringConvertible {
    /// What the node answered.
    public let description: String
}

/// Decodes the ABI answers of `decimals()` and `symbol()`.
enum ABIText {
    /// `decimals()` answers one 32-byte word holding a small number.
    static func decimals(_ hex: String) throws -> Int {
        guard let bytes = try? Hex.decode(String(hex.dropFirst(hex.hasPrefix("0x") ? 2 : 0))), !bytes.isEmpty else {
            throw TokenReadProblem(description: "decimals() answered nothing: no token contract at this address on this chain")
        }
        guard bytes.count == 32, bytes.dropLast().allSatisfy({ $0 == 0 }) else {
            throw TokenReadProblem(description: "decimals() did not answer one small 32-byte number")
        }
        return Int(bytes[31])
    }

    /// `symbol()` answers an ABI string (offset, length, bytes) or, for old tokens, a bytes32.
    static func symbol(_ hex: String) -> String? {
        guard let bytes = try? Hex.decode(String(hex.dropFirst(hex.hasPrefix("0x") ? 2 : 0))), bytes.count >= 32 else { return nil }
        func word(_ at: Int) -> Int? {
            guard at + 32 <= bytes.count, bytes[at..<(at + 24)].allSatisfy({ $0 == 0 }) else { return nil }
            return bytes[(at + 24)..<(at + 32)].reduce(0) { $0 << 8 | Int($1) }
        }
        if bytes.count >= 64, let offset = word(0), offset == 32, let length = word(32), length <= 256, 64 + length <= bytes.count {
            return String(decoding: bytes[64..<(64 + length)], as: UTF8.self)
        }
        let trimmed = Array(bytes.prefix(32).prefix { $0 != 0 })
        return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
    }
}

// `eth_call` of `decimals()` and `symbol()` at the latest block. A call the contract reverts comes
// back as a JSON-RPC error object: for `decimals()` that is no token; `symbol()` is optional in
// ERC-20, so a contract without one is checked on its decimals alone.
extension EVMSource: TokenMetadataReading {
    public func tokenMetadata(contract: String) async throws -> TokenMetadata {
        func call(_ selector: String) async throws -> String? {
            do {
                return try await client.call(
                    "eth_call", [.object(["to": .string(contract.lowercased()), "data": .string(selector)]), .string("latest")], as: String.self)
            } catch let error as RPCError where Self.isRevert(error) {
                return nil
            }
        }
        guard let decimals = try await call("0x313ce567") else {
            throw TokenReadProblem(description: "decimals() reverted: no ERC-20 token at this address on this chain")
        }
        return TokenMetadata(decimals: try ABIText.decimals(decimals), symbol: try await call("0x95d89b41").flatMap(ABIText.symbol))
    }

    /// A JSON-RPC error object (the node answered; the call failed), never an unreachable node.
    static func isRevert(_ error: RPCError) -> Bool {
        switch error {
        case .rpc: return true
        case .exhausted(let all): return !all.isEmpty && all.allSatisfy { if case .rpc = $0 { true } else { false } }
        default: return false
        }
    }
}

// `/wallet/triggerconstantcontract` of `decimals()` and `symbol()`.
extension TronSource: TokenMetadataReading {
    struct ConstantResult: Decodable, Sendable {
        let constant_result: [String]?
    }

    struct ConstantCall: Encodable {
        let owner_address: String
        let contract_address: String
        let function_selector: String
        let parameter = ""
        let visible = true
    }

    public func tokenMetadata(contract: String) async throws -> TokenMetadata {
        func call(_ function: String) async throws -> String {
            let body = try JSONEncoder().encode(ConstantCall(owner_address: contract, contract_address: contract, function_selector: function))
            let answer = try await client.post(path: "/wallet/triggerconstantcontract", json: body, as: ConstantResult.self)
            return answer.constant_result?.first ?? ""
        }
        let decimals = try ABIText.decimals(try await call("decimals()"))
        return TokenMetadata(decimals: decimals, symbol: ABIText.symbol(try await call("symbol()")))
    }
}

// `getAccountInfo` of the mint, parsed by the node: its owner must be the Token or Token-2022
// program, and its `decimals` is the mint's.
extension SolanaSource: TokenMetadataReading {
    struct AccountInfo: Decodable, Sendable {
        struct Value: Decodable, Sendable {
            struct DataField: Decodable, Sendable {
                struct Parsed: Decodable, Sendable {
                    struct Info: Decodable, Sendable { let decimals: Int? }
                    let type: String?
                    let info: Info?
                }
                let parsed: Parsed?
                let program: String?
            }
            let owner: String
            let data: DataField?

            enum CodingKeys: String, CodingKey { case owner, data }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                owner = try c.decode(String.self, forKey: .owner)
                // An account the node cannot parse comes as ["<base64>", "base64"]: not a mint.
                data = try? c.decode(DataField.self, forKey: .data)
            }
        }
        let value: Value?
    }

    public func tokenMetadata(contract: String) async throws -> TokenMetadata {
        let info = try await client.call(
            "getAccountInfo", [.string(contract), .object(["encoding": .string("jsonParsed"), "commitment": .string("confirmed")])],
            as: AccountInfo.self)
        guard let value = info.value else { throw TokenReadProblem(description: "no account at this mint address on this cluster") }
        guard [SolanaAddress.tokenProgram, SolanaAddress.token2022Program].contains(value.owner) else {
            throw TokenReadProblem(description: "the account is not owned by the Token or Token-2022 program: not a mint")
        }
        guard value.data?.parsed?.type == "mint", let decimals = value.data?.parsed?.info?.decimals else {
            throw TokenReadProblem(description: "the account is not a mint")
        }
        return TokenMetadata(decimals: decimals, symbol: nil)
    }
}
