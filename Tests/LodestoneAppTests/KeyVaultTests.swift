import Foundation
import LodestoneApp
import LodestoneCore
import Testing

@Suite struct KeyVaultTests {
    static let seed = SecretBytes((0..<64).map { UInt8($0) })

    @Test func sealsAndOpens() throws {
        let sealed = try KeyVault.seal(Self.seed, passphrase: "correct horse battery", development: false)
        #expect(!sealed.contains(Hex.encode(Self.seed.unsafeCopy)))
        let (opened, development) = try KeyVault.open(sealed, passphrase: "correct horse battery")
        #expect(opened == Self.seed && !development)
        // Fresh salt and nonce each time.
        #expect(sealed != (try KeyVault.seal(Self.seed, passphrase: "correct horse battery", development: false)))
    }

    @Test func developmentFlagSurvives() throws {
        let sealed = try KeyVault.seal(Self.seed, passphrase: "development-only-passphrase", development: true)
        #expect(try KeyVault.open(sealed, passphrase: "development-only-passphrase").development)
    }

    @Test func wrongPassphraseAndTamperingAreRefused() throws {
        let sealed = try KeyVault.seal(Self.seed, passphrase: "correct horse battery", development: false)
        #expect(throws: KeyVault.Failure.self) { try KeyVault.open(sealed, passphrase: "correct horse batterz") }
        var json = try #require(try JSONSerialization.jsonObject(with: Data(sealed.utf8)) as? [String: Any])
        var box = Array(Data(base64Encoded: json["box"] as! String)!)
        box[20] ^= 1
        json["box"] = Data(box).base64EncodedString()
        let tampered = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        #expect(throws: KeyVault.Failure.self) { try KeyVault.open(tampered, passphrase: "correct horse battery") }
        #expect(throws: KeyVault.Failure.self) { try KeyVault.open("not json", passphrase: "correct horse battery") }
        json["n"] = 1 << 30
        let expensive = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        #expect(throws: KeyVault.Failure.self) { try KeyVault.open(expensive, passphrase: "correct horse battery") }
    }

    @Test func shortPassphrasesAreRefused() {
        #expect(throws: KeyVault.Failure.self) { try KeyVault.seal(Self.seed, passphrase: "short", development: false) }
    }
}
