import BigInt
import LodestoneCore
import Testing

@Suite struct AmountTests {
    @Test(arguments: [
        ("100.25", 6, "100250000"), ("0.000001", 6, "1"), ("1", 0, "1"), ("1.500000000", 6, "1500000"),
        ("0", 18, "0"), ("0.000000000000000001", 18, "1"), ("21000000", 8, "2100000000000000"),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639935", 0,
         "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
    ])
    func parsesDecimals(_ text: String, _ decimals: Int, _ base: String) throws {
        let amount = try Amount(decimal: text, decimals: decimals)
        #expect(amount.description == base)
        #expect(try Amount(baseUnitString: base) == amount)
    }

    @Test(arguments: [
        ("1.0000001", 6), ("-1", 6), ("+1", 6), ("1e5", 6), (" 1", 6), ("1 ", 6), ("", 6), (".", 6), ("1.", 6),
        (".5", 6), ("0x10", 6), ("1,5", 6), ("1.2.3", 6), ("NaN", 6), ("１", 6), ("0.1", 0),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936", 0),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639.936", 3),
    ])
    func rejectsGarbage(_ text: String, _ decimals: Int) {
        #expect(throws: CoreError.self) { try Amount(decimal: text, decimals: decimals) }
    }

    @Test(arguments: ["", "-1", "1.5", "1e3", "0x1", String(repeating: "9", count: 79)])
    func rejectsBadBaseUnits(_ text: String) {
        #expect(throws: CoreError.self) { try Amount(baseUnitString: text) }
    }

    @Test(arguments: [(BigUInt(100_250_000), 6, "100.25"), (1, 6, "0.000001"), (3_000_000, 6, "3"), (0, 6, "0"), (7, 0, "7")])
    func formats(_ base: BigUInt, _ decimals: Int, _ text: String) {
        #expect(Amount(baseUnits: base).decimalString(decimals: decimals) == text)
    }

    @Test func randomValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let words = Int.random(in: 1...4, using: &rng)
            var value = BigUInt(0)
            for _ in 0..<words { value = value << 64 | BigUInt(rng.next()) }
            let decimals = Int.random(in: 0...24, using: &rng)
            let amount = Amount(baseUnits: value)
            #expect(try Amount(decimal: amount.decimalString(decimals: decimals), decimals: decimals) == amount)
        }
    }

    @Test func arithmeticIsCheckedAtTheEdges() {
        #expect(Amount.max.adding(Amount(baseUnits: 1)) == nil)
        #expect(Amount(baseUnits: 1).subtracting(Amount(baseUnits: 2)) == nil)
        #expect(Amount(baseUnits: 5).subtracting(Amount(baseUnits: 2)) == Amount(baseUnits: 3))
    }
}
