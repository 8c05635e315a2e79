import Foundation

/// Loads JSON test vectors from the repository's top-level `Vectors/` folder.
enum Vectors {
    enum LoadError: Error, CustomStringConvertible {
        case fileNotFound(String)
        case decodingFailed(String, any Error)
        var description: String {
            switch self {
            case .fileNotFound(let p): return "vector file not found: \(p)"
            case .decodingFailed(let p, let e): return "cannot decode \(p): \(e)"
            }
        }
    }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    /// Decodes `Vectors/<path>` as `T`.
    static func load<T: Decodable>(_ path: String, as type: T.Type = T.self) throws -> T {
        let url = root.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw LoadError.fileNotFound(url.path) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw LoadError.decodingFailed(path, error)
        }
    }
}

/// `{"vectors": [...]}` files.
struct VectorFile<V: Decodable>: Decodable {
    let vectors: [V]
}

func hex(_ text: String) -> [UInt8] {
    var out = [UInt8]()
    var chars = Array(text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text))
    if chars.count % 2 == 1 { chars.insert("0", at: 0) }
    var i = 0
    while i < chars.count {
        out.append(UInt8(String(chars[i...i + 1]), radix: 16)!)
        i += 2
    }
    return out
}
