import Hummingbird
import Crypto
import Foundation
import LodestoneCore
import LodestoneDomain

/// A request body read strictly: JSON content type, bounded size, an object at the top, every
/// field typed, and unknown fields refused by name.
struct JSONBody {
    /// Largest body accepted (413 beyond).
    static let maxBytes = 64 * 1024

    private let fields: [String: JSONValue]
    private var seen: Set<String> = []
    /// How errors name this object's fields: empty at the top, `list[2].` inside an array.
    private let prefix: String

    /// SHA-256 of the canonical (key-sorted) body: what an idempotency key is bound to.
    /// Computed on demand: only requests with an Idempotency-Key need it.
    func canonicalHash() throws -> String {
        Hex.encode(SHA256.hash(data: try JSONEncoder.api.encode(JSONValue.object(fields))))
    }

    /// Reads and parses the body of `request`.
    static func read(_ request: inout Request, context: some RequestContext) async throws -> JSONBody {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json", param: "Content-Type")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBytes)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "request body is larger than \(maxBytes) bytes")
        }
        return try parse(Data(buffer.readableBytesView))
    }

    static func parse(_ data: Data) throws -> JSONBody {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw APIError(.badRequest, "invalid_json", "request body is not valid JSON")
        }
        guard case .object(let fields) = value else {
            throw APIError(.badRequest, "invalid_json", "request body must be a JSON object")
        }
        return JSONBody(fields: fields)
    }

    private init(fields: [String: JSONValue], prefix: String = "") {
        self.fields = fields
        self.prefix = prefix
    }

    /// A time: unix seconds (an integer) or RFC 3339 text; in unix milliseconds. `null` counts as absent.
    mutating func time(_ name: String) throws -> Int64? {
        seen.insert(name)
        let problem = APIError.invalid(prefix + name, "\(prefix + name) must be unix seconds or an RFC 3339 time (2026-12-05T10:00:00Z)")
        switch fields[name] {
        case nil, .null?: return nil
        case .int(let seconds)?:
            guard (1...Int64(Int32.max) * 4).contains(seconds) else { throw problem }
            return seconds * 1000
        case .string(let text)?:
            let whole = ISO8601DateFormatter()
            whole.formatOptions = [.withInternetDateTime]
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard text.count <= 40, let date = whole.date(from: text) ?? fractional.date(from: text) else { throw problem }
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        default: throw problem
        }
    }

    /// Whether the body names `name` at all (`null` included): a PATCH keeps what it does not name.
    func names(_ name: String) -> Bool { fields[name] != nil }

    /// A string field; `null` counts as absent.
    mutating func string(_ name: String, maxLength: Int = 256) throws -> String? {
        seen.insert(name)
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let s)?:
            guard s.count <= maxLength else { throw APIError.invalid(prefix + name, "\(prefix + name) is longer than \(maxLength) characters") }
            guard !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw APIError.invalid(prefix + name, "\(prefix + name) contains control characters")
            }
            return s
        case let other?: throw APIError.invalid(prefix + name, "\(prefix + name) must be a string, not \(other.typeName)")
        }
    }

    /// An array of strings; `null` counts as absent.
    mutating func stringArray(_ name: String, maxCount: Int, maxLength: Int = 64) throws -> [String]? {
        seen.insert(name)
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            guard items.count <= maxCount else { throw APIError.invalid(prefix + name, "\(prefix + name) has more than \(maxCount) entries") }
            return try items.map { item in
                guard case .string(let s) = item, s.count <= maxLength else {
                    throw APIError.invalid(prefix + name, "\(prefix + name) must be an array of strings of at most \(maxLength) characters")
                }
                return s
            }
        case let other?: throw APIError.invalid(prefix + name, "\(prefix + name) must be an array, not \(other.typeName)")
        }
    }

    /// An array of objects, each read strictly by `item` (its own fields, named `name[i].field` in
    /// errors); `null` counts as absent.
    mutating func objectArray<T>(_ name: String, maxCount: Int, _ item: (inout JSONBody, _ path: String) throws -> T) throws -> [T]? {
        seen.insert(name)
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            guard items.count <= maxCount else { throw APIError.invalid(prefix + name, "\(prefix + name) has more than \(maxCount) entries") }
            return try items.enumerated().map { i, value in
                let path = "\(name)[\(i)]"
                guard case .object(let fields) = value else { throw APIError.invalid(path, "\(path) must be an object") }
                var body = JSONBody(fields: fields, prefix: path + ".")
                let result = try item(&body, path)
                try body.rejectUnknownFields()
                return result
            }
        case let other?: throw APIError.invalid(prefix + name, "\(prefix + name) must be an array, not \(other.typeName)")
        }
    }

    /// A required string field.
    mutating func requiredString(_ name: String, maxLength: Int = 256) throws -> String {
        guard let s = try string(name, maxLength: maxLength) else { throw APIError.missing(prefix + name) }
        guard !s.isEmpty else { throw APIError.invalid(prefix + name, "\(prefix + name) must not be empty") }
        return s
    }

    /// An integer field within `range`.
    mutating func int(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        seen.insert(name)
        switch fields[name] {
        case nil, .null?: return nil
        case .int(let i)?:
            guard range.contains(i) else {
                throw APIError.invalid(prefix + name, "\(prefix + name) must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return i
        case let other?: throw APIError.invalid(prefix + name, "\(prefix + name) must be an integer, not \(other.typeName)")
        }
    }

    /// A metadata object, returned as canonical JSON text (at most 8 KiB, values of any JSON type).
    mutating func metadata(_ name: String = "metadata") throws -> String? {
        seen.insert(name)
        switch fields[name] {
        case nil, .null?: return nil
        case .object(let o)?:
            let text = String(decoding: try JSONEncoder.api.encode(JSONValue.object(o)), as: UTF8.self)
            guard text.utf8.count <= 8192 else { throw APIError.invalid(prefix + name, "\(prefix + name) is larger than 8 KiB") }
            return text
        case let other?: throw APIError.invalid(prefix + name, "\(prefix + name) must be an object, not \(other.typeName)")
        }
    }

    /// Refuses any field the handler did not read.
    func rejectUnknownFields() throws {
        if let unknown = fields.keys.sorted().first(where: { !seen.contains($0) }) {
            throw APIError.invalid(prefix + unknown, "unknown field \(prefix + unknown)")
        }
    }
}
