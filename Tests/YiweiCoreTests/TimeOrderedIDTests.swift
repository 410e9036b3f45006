import Foundation
import Testing
import YiweiCore

@Suite("Time-ordered ids (UUID version 7)")
struct TimeOrderedIDTests {
    @Test("the millisecond, the version and the variant sit where RFC 9562 puts them")
    func layout() {
        // 0x0123456789AB ms; a = 0xABC (12 bits); b = 0x3FFF_FFFF_FFFF_FFFF (62 bits).
        let id = UUID(version7Milliseconds: 0x0123_4567_89AB, a: 0x0ABC, b: 0x3FFF_FFFF_FFFF_FFFF)
        #expect(id.uuidString == "01234567-89AB-7ABC-BFFF-FFFFFFFFFFFF")
        #expect(id.version7Milliseconds == 0x0123_4567_89AB)
        // Bits above the field widths are dropped, never spill into the version or the variant.
        let masked = UUID(version7Milliseconds: 1, a: 0xFFFF, b: .max)
        #expect(masked.uuidString == "00000000-0001-7FFF-BFFF-FFFFFFFFFFFF")
        #expect(UUID(uuidString: "936DA01F-9ABD-4D9D-80C7-02AF85C822A8")!.version7Milliseconds == nil)
    }

    @Test("ids made later sort after ids made earlier, as bytes and as text")
    func ordering() {
        // 2026-11-18T11:06:40.000Z = 1,795,000,000,000 ms = 0x01A1_EE56_5E00.
        let noon = Date(timeIntervalSince1970: 1_795_000_000)
        let first = UUID.timeOrdered(at: noon)
        #expect(first.uuidString.hasPrefix("01A1EE56-5E00-7"))
        #expect(first.version7Milliseconds == 1_795_000_000_000)
        // Each a millisecond later (plus 0.4 ms, so the binary fraction never falls just short of the millisecond).
        let later = (1...50).map { UUID.timeOrdered(at: noon.addingTimeInterval(Double($0) / 1000 + 0.0004)) }
        #expect(later.map(\.uuidString) == later.map(\.uuidString).sorted())
        #expect(later.allSatisfy { $0.uuidString > first.uuidString })
        // Random within the millisecond: two ids of the same moment differ.
        #expect(UUID.timeOrdered(at: noon) != UUID.timeOrdered(at: noon))
    }

    @Test("ids read by hand equal Foundation's reading, in either case; anything else is refused")
    func parse() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(UUID.parse(id.uuidString) == id)
            #expect(UUID.parse(id.uuidString.lowercased()) == id)
        }
        #expect(UUID.parse("00000000-0000-0000-0000-000000000000") == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        #expect(UUID.parse("FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF")?.uuidString == "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")
        for bad in ["", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "E621E1F8-C36C-495A-93FC-0C247A3E6E5FA", "E621E1F8C-36C-495A-93FC-0C247A3E6E5F",
                    "E621E1F8-C36C-495A-93FC-0C247A3E6E5G", "E621E1F8 C36C-495A-93FC-0C247A3E6E5F", "票621E1F8-C36C-495A-93FC-0C247A3E6E5"] {
            #expect(UUID.parse(bad) == nil, "\(bad)")
        }
    }
}
