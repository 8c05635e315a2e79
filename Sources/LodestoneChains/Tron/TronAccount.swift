import LodestoneCore

/// Tron accounts as java-tron writes them in its HTTP API: `41…` hex (21 bytes), bare 20-byte hex
/// (log addresses), or Base58Check T-addresses (`visible: true`, which some nodes ignore). The
/// format is detected per value, never assumed from the request.
public enum TronAccount {
    /// The 20 account bytes (after the 0x41 prefix), or nil if `text` is none of the three forms.
    public static func parse(_ text: String) -> EVMAccount? {
        if text.hasPrefix("T"), let parsed = try? TronAddress.parse(text) { return EVMAccount(parsed.matchKey.dropFirst()) }
        let hex = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        switch hex.count {
        case 42 where hex.hasPrefix("41"): return EVMAccount(hex: Substring(hex.dropFirst(2)))
        case 40: return EVMAccount(hex: Substring(hex))
        default: return nil
        }
    }

    /// The 21-byte match key (0x41 ‖ account) of an account.
    public static func matchKey(_ account: EVMAccount) -> [UInt8] { [0x41] + account.bytes }
}
