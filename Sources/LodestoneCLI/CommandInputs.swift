import ArgumentParser
import Foundation
import LodestoneCore

/// Reads and checks the inputs several subcommands share.
enum CommandInputs {
    /// Parses a network id.
    static func network(_ id: String) throws -> NetworkID { try NetworkID(id: id) }

    /// Parses `--script` (Bitcoin only).
    static func script(_ text: String?) throws -> BitcoinScript? {
        guard let text else { return nil }
        guard let script = BitcoinScript(rawValue: text) else {
            throw CLIError("--script must be one of p2wpkh, p2tr, p2sh-p2wpkh (got '\(text)')")
        }
        return script
    }

    /// Parses a non-negative index or account number (0…2^31−1), refusing anything that would wrap.
    static func index(_ text: String, option: String) throws -> UInt32 {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), text.count <= 10, let value = UInt64(text)
        else { throw CLIError("\(option) must be an integer from 0 to 2147483647 (got '\(text)')") }
        guard value < UInt64(DerivationPath.hardenedOffset) else {
            throw CLIError("\(option) \(value) is above 2147483647; hardened indexes are not accepted here")
        }
        return UInt32(value)
    }

    /// The seed of a mnemonic file and optional passphrase file.
    static func seed(mnemonicFile: String, passphraseFile: String?) throws -> SecretBytes {
        let mnemonic = try readFile(mnemonicFile, option: "--mnemonic-file")
        var passphrase = ""
        if let passphraseFile {
            passphrase = try readFile(passphraseFile, option: "--passphrase-file")
            // One trailing newline is how editors end files; other whitespace is part of the passphrase.
            if passphrase.hasSuffix("\r\n") {
                passphrase.removeLast(2)
            } else if passphrase.hasSuffix("\n") {
                passphrase.removeLast()
            }
        }
        return try BIP39.seed(mnemonic: mnemonic, passphrase: passphrase)
    }

    static func readFile(_ path: String, option: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(option): cannot read '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(option): '\(path)' is not UTF-8") }
        return text
    }
}

/// Buffered standard output for commands that print many lines.
struct OutputBuffer {
    private var buffer = [UInt8]()

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Prints `value` as one line of JSON, encoded (never assembled by hand), keys sorted.
func printJSON(_ value: some Encodable) throws {
    print(try jsonText(value))
}

/// `value` as one line of JSON, encoded (never assembled by hand), keys sorted.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
