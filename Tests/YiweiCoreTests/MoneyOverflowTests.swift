import Testing
@testable import YiweiCore

@Suite("Money from text: amounts too large for fen are refused, not trapped")
struct MoneyOverflowTests {
    @Test("16 digits of yuan fit; 17 or more are nil")
    func overflow() {
        #expect(Money("9999999999999999")?.fen == 999_999_999_999_999_900)  // 16 digits × 100 < Int.max
        #expect(Money("99999999999999999") == nil)                           // 17 digits: 9.99e16 × 100 > 9.22e18
        #expect(Money("999999999999999999.99") == nil)
        #expect(Money("-99999999999999999") == nil)
        #expect(Money("100,000.00")?.fen == 10_000_000)
    }
}
