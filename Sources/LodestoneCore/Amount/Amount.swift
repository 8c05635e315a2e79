public import BigInt

/// A non-negative amount in an asset's base units (wei, sun, lamports, satoshis, token units),
/// wide enough for any uint256 token balance. Never a floating-point number.
public struct Amount: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The largest value a uint256 balance can hold.
    public static let max = Amount(baseUnits: (BigUInt(1) << 256) - 1)
    /// Zero.
    public static let zero = Amount(baseUnits: 0)

    /// Value in base units.
    public let baseUnits: BigUInt

    /// An amount of `baseUnits`.
    public init(baseUnits: BigUInt) { self.baseUnits = baseUnits }

    /// Parses a base-unit integer string ("100250000").
    public init(baseUnitString text: String) throws(CoreError) {
        guard !text.isEmpty, text.utf8.count <= 78, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = BigUInt(text, radix: 10)
        else { throw .invalidAmount("'\(text.prefix(80))' is not a non-negative integer of base units") }
        guard value <= Amount.max.baseUnits else { throw .invalidAmount("exceeds 2^256−1 base units") }
        baseUnits = value
    }

    /// Parses a decimal string in asset units ("100.25" with 6 decimals = 100250000 base units).
    /// Rejects signs, exponents, spaces, more fraction digits than `decimals`, and values above 2^256−1.
    public init(decimal text: String, decimals: Int) throws(CoreError) {
        precondition((0...77).contains(decimals))
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            whole.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { throw .invalidAmount("'\(text.prefix(80))' is not a plain decimal number such as 12.5") }
        var fraction = parts.count == 2 ? parts[1] : ""
        if parts.count == 2 {
            guard !fraction.isEmpty, fraction.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw .invalidAmount("'\(text.prefix(80))' needs digits after the decimal point")
            }
        }
        // Trailing zeros carry no precision ("1.500000000" is fine for 6 decimals).
        while fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= decimals else {
            throw .invalidAmount("'\(text.prefix(80))' has more than \(decimals) decimal places")
        }
        guard whole.count + decimals <= 80 else { throw .invalidAmount("exceeds 2^256−1 base units") }
        let digits = String(whole) + String(fraction) + String(repeating: "0", count: decimals - fraction.count)
        guard let value = BigUInt(digits, radix: 10), value <= Amount.max.baseUnits else {
            throw .invalidAmount("exceeds 2^256−1 base units")
        }
        baseUnits = value
    }

    /// Decimal text in asset units, without trailing zeros ("100.25", "0.000001", "3").
    public func decimalString(decimals: Int) -> String {
        var digits = String(baseUnits, radix: 10)
        guard decimals > 0 else { return digits }
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        var fraction = digits[split...]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(digits[..<split]) : "\(digits[..<split]).\(fraction)"
    }

    /// Base-unit integer text.
    public var description: String { String(baseUnits, radix: 10) }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.baseUnits < rhs.baseUnits }

    /// Sum; nil when it would exceed 2^256−1.
    public func adding(_ other: Amount) -> Amount? {
        let sum = baseUnits + other.baseUnits
        return sum <= Amount.max.baseUnits ? Amount(baseUnits: sum) : nil
    }

    /// Difference; nil when `other` is larger.
    public func subtracting(_ other: Amount) -> Amount? {
        other.baseUnits <= baseUnits ? Amount(baseUnits: baseUnits - other.baseUnits) : nil
    }
}
