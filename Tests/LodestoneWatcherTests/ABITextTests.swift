import Testing

@testable import LodestoneWatcher

/// `decimals()` and `symbol()` answers as contracts give them.
@Suite struct ABITextTests {
    static func word(_ n: Int) -> String { String(repeating: "0", count: 64 - String(n, radix: 16).count) + String(n, radix: 16) }

    @Test func decimalsIsOneSmallWord() throws {
        #expect(try ABIText.decimals("0x" + Self.word(6)) == 6)
        #expect(try ABIText.decimals("0x" + Self.word(18)) == 18)
        #expect(throws: TokenReadProblem.self) { try ABIText.decimals("0x") }  // no code at the address
        #expect(throws: TokenReadProblem.self) { try ABIText.decimals("0x" + Self.word(6) + Self.word(6)) }
        #expect(throws: TokenReadProblem.self) { try ABIText.decimals("0x01" + String(repeating: "0", count: 62)) }
    }

    @Test func symbolIsAnABIStringOrAnOldBytes32() {
        // USDT's answer: offset 32, length 4, "USDT" padded.
        let usdt = "0x" + Self.word(32) + Self.word(4) + "55534454" + String(repeating: "0", count: 56)
        #expect(ABIText.symbol(usdt) == "USDT")
        // MKR answers a bytes32.
        #expect(ABIText.symbol("0x4d4b5200" + String(repeating: "0", count: 56)) == "MKR")
        #expect(ABIText.symbol("0x") == nil)
    }
}
