import Testing
@testable import YiweiCore

@Suite("Audit hash chain")
struct AuditChainTests {
    static let first = AuditRecord(sequence: 1, atMillis: 1_795_000_000_000, actorId: "u-1", actorName: "admin", ip: "10.0.0.8",
                                   action: "user.create", entityType: "user", entityId: "u-2", before: nil, after: #"{"name":"张三"}"#)
    static let second = AuditRecord(sequence: 2, atMillis: 1_795_000_060_000, actorId: nil, actorName: "ghost", ip: "10.0.0.9",
                                    action: "login.failure", entityType: "user", entityId: nil, before: nil, after: #"{"reason":"unknown_user"}"#)
    // Computed independently with Python's hashlib over the documented canonical form (docs/audit.md).
    static let firstHash = "ab2e1cf8da1b73c414e6cef677752554d2a793ae1b127761ccb7f529af9cdaeb"
    static let secondHash = "a5369cf63463085de4492bbd68bbad084fbfd3264071c98bcc199f68169e1845"

    @Test("hashes match the documented canonical form")
    func knownHashes() {
        #expect(AuditChain.hash(of: Self.first, previous: AuditChain.genesis) == Self.firstHash)
        #expect(AuditChain.hash(of: Self.second, previous: Self.firstHash) == Self.secondHash)
    }

    @Test("an intact chain verifies")
    func intact() {
        let result = AuditChain.verify([(Self.first, AuditChain.genesis, Self.firstHash), (Self.second, Self.firstHash, Self.secondHash)])
        #expect(result.finding == nil)
        #expect(result.nextSequence == 3)
        #expect(result.lastHash == Self.secondHash)
    }

    @Test("a changed field is found at its row")
    func modified() {
        var tampered = Self.second
        tampered.actorName = "admin"
        let result = AuditChain.verify([(Self.first, AuditChain.genesis, Self.firstHash), (tampered, Self.firstHash, Self.secondHash)])
        #expect(result.finding == .modified(sequence: 2))
    }

    @Test("a deleted row is reported as missing")
    func missing() {
        let third = AuditRecord(sequence: 3, atMillis: 1_795_000_120_000, actorId: nil, actorName: "x", ip: "-", action: "a",
                                entityType: "t", entityId: nil, before: nil, after: nil)
        let thirdHash = AuditChain.hash(of: third, previous: Self.secondHash)
        let result = AuditChain.verify([(Self.first, AuditChain.genesis, Self.firstHash), (third, Self.secondHash, thirdHash)])
        #expect(result.finding == .missing(sequence: 2))
    }

    @Test("field boundaries are part of the hash: moving text between fields changes it")
    func boundaries() {
        var a = Self.first
        a.action = "user"; a.entityType = ".createuser"
        var b = Self.first
        b.action = "user.create"; b.entityType = "user"
        #expect(AuditChain.hash(of: a, previous: AuditChain.genesis) != AuditChain.hash(of: b, previous: AuditChain.genesis))
        var nilAfter = Self.first
        nilAfter.after = nil
        var dashAfter = Self.first
        dashAfter.after = "-"
        #expect(AuditChain.hash(of: nilAfter, previous: AuditChain.genesis) != AuditChain.hash(of: dashAfter, previous: AuditChain.genesis))
    }
}
