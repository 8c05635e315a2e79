import CSecp256k1

/// The secp256k1 operations BIP32 and the address codecs need, over Debian's libsecp256k1.
/// This is the only file that imports the C library; no C type leaves it.
enum Secp256k1 {
    // One context for the whole process, created and randomized once. libsecp256k1 documents
    // that functions taking a const context are thread-safe, and nothing here mutates it after
    // creation, so sharing it across threads is sound.
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
    private static let context: Context = {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("secp256k1_context_create failed")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<32 { seed[i] = UInt8.random(in: .min ... .max, using: &rng) }
        precondition(secp256k1_context_randomize(ctx, seed) == 1, "secp256k1_context_randomize failed")
        return Context(pointer: ctx)
    }()
    private static var ctx: OpaquePointer { context.pointer }

    /// A parsed public key, kept parsed so repeated child derivation does not re-decompress it.
    struct PublicKey: Sendable {
        fileprivate var raw: secp256k1_pubkey

        /// 33-byte SEC1 compressed form.
        var compressed: [UInt8] { serialize(flags: UInt32(SECP256K1_EC_COMPRESSED), length: 33) }
        /// 65-byte SEC1 uncompressed form (0x04 ‖ X ‖ Y).
        var uncompressed: [UInt8] { serialize(flags: UInt32(SECP256K1_EC_UNCOMPRESSED), length: 65) }

        private func serialize(flags: UInt32, length: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: length)
            var len = length
            var key = raw
            let ok = secp256k1_ec_pubkey_serialize(Secp256k1.ctx, &out, &len, &key, flags)
            precondition(ok == 1 && len == length, "secp256k1_ec_pubkey_serialize failed")
            return out
        }
    }

    /// True when `key` is 32 bytes and in 1...n-1.
    static func isValidPrivateKey(_ key: [UInt8]) -> Bool {
        key.count == 32 && secp256k1_ec_seckey_verify(ctx, key) == 1
    }

    /// Parses a 33- or 65-byte SEC1 public key; nil when it is not a point on the curve.
    static func parsePublicKey(_ bytes: [UInt8]) -> PublicKey? {
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(ctx, &key, bytes, bytes.count) == 1 else { return nil }
        return PublicKey(raw: key)
    }

    /// The public key of a valid private key.
    static func publicKey(privateKey: UnsafeRawBufferPointer) -> PublicKey? {
        var key = secp256k1_pubkey()
        guard privateKey.count == 32,
            secp256k1_ec_pubkey_create(ctx, &key, privateKey.bindMemory(to: UInt8.self).baseAddress!) == 1
        else { return nil }
        return PublicKey(raw: key)
    }

    /// (key + tweak) mod n; nil when the tweak is ≥ n or the sum is zero.
    static func privateKeyTweakAdd(_ key: UnsafeRawBufferPointer, tweak: ArraySlice<UInt8>) -> [UInt8]? {
        var out = Array(key)
        let tweakBytes = Array(tweak)
        guard out.count == 32, tweakBytes.count == 32,
            secp256k1_ec_seckey_tweak_add(ctx, &out, tweakBytes) == 1
        else { return nil }
        return out
    }

    /// key + tweak·G; nil when the tweak is ≥ n or the sum is the point at infinity.
    static func publicKeyTweakAdd(_ key: PublicKey, tweak: ArraySlice<UInt8>) -> PublicKey? {
        var raw = key.raw
        let ok = tweak.withContiguousStorageIfAvailable { t in
            secp256k1_ec_pubkey_tweak_add(ctx, &raw, t.baseAddress!)
        } ?? Array(tweak).withUnsafeBufferPointer { secp256k1_ec_pubkey_tweak_add(ctx, &raw, $0.baseAddress!) }
        return ok == 1 ? PublicKey(raw: raw) : nil
    }

    /// The BIP86 output key: internal key P (as x-only) tweaked by tagged_hash("TapTweak", P.x),
    /// with no script tree. Returns the 32-byte x-only output key and the internal x-only key.
    static func taprootOutputKey(_ key: PublicKey) -> (output: [UInt8], internal: [UInt8]) {
        var pub = key.raw
        var xonly = secp256k1_xonly_pubkey()
        precondition(secp256k1_xonly_pubkey_from_pubkey(ctx, &xonly, nil, &pub) == 1, "xonly conversion failed")
        var internalKey = [UInt8](repeating: 0, count: 32)
        precondition(secp256k1_xonly_pubkey_serialize(ctx, &internalKey, &xonly) == 1, "xonly serialize failed")
        let tweak = Hashes.tagged("TapTweak", internalKey)
        var tweaked = secp256k1_pubkey()
        // Fails only with probability ~2^-128 (tweak ≥ n); BIP341 treats that as unspendable.
        precondition(secp256k1_xonly_pubkey_tweak_add(ctx, &tweaked, &xonly, tweak) == 1, "taproot tweak failed")
        var outXonly = secp256k1_xonly_pubkey()
        precondition(secp256k1_xonly_pubkey_from_pubkey(ctx, &outXonly, nil, &tweaked) == 1, "xonly conversion failed")
        var output = [UInt8](repeating: 0, count: 32)
        precondition(secp256k1_xonly_pubkey_serialize(ctx, &output, &outXonly) == 1, "xonly serialize failed")
        return (output, internalKey)
    }
}
