import COpenSSLCrypto

/// RIPEMD-160 from the system OpenSSL (default provider since 3.0.7).
enum RIPEMD160 {
    // An EVP_MD fetched once; fetched digests are immutable and safe to share between threads.
    private struct Digest: @unchecked Sendable { let md: OpaquePointer }
    private static let digest: Digest = {
        guard let md = EVP_MD_fetch(nil, "RIPEMD160", nil) else {
            preconditionFailure("OpenSSL has no RIPEMD160 in its default provider")
        }
        return Digest(md: md)
    }()

    /// The 20-byte RIPEMD-160 digest of `data`.
    static func hash(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        var size: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &out, &size, digest.md, nil)
        }
        precondition(ok == 1 && size == 20, "EVP_Digest(RIPEMD160) failed")
        return out
    }
}
