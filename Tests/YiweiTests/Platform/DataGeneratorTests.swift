import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei
@testable import YiweiDemo

@Suite("gen-data: a generated hospital is deterministic for a seed and consistent with the ticket rules")
struct DataGeneratorTests {
    func generate(seed: UInt64) async throws -> (KPIResult, [String]) {
        var result: (KPIResult, [String])?
        try await withYiwei { env in
            let indexesBefore = try await DataGenerator.secondaryIndexes(on: env.db, tables: ["tickets", "ticket_events"])
            let summary = try await DataGenerator.run(env.app, DataGenerator.Options(tickets: 600, articles: 20, seed: seed)) { _ in }
            #expect(summary.tickets == 600 && summary.articles == 20)
            // The indexes dropped for the load are all back, exactly as they were.
            let indexesAfter = try await DataGenerator.secondaryIndexes(on: env.db, tables: ["tickets", "ticket_events"])
            #expect(indexesAfter.map(\.name) == indexesBefore.map(\.name) && indexesAfter.map(\.definition) == indexesBefore.map(\.definition))
            #expect(indexesBefore.count >= 20)
            let token = try await env.login("liuzhiyuan", DemoSeeder.demoPassword)
            let kpis = try await env.send(.GET, "/api/v1/stats/kpis?from=2024-01-01&to=2026-11-19", token: token).content.decode(KPIResult.self)
            let sql = env.db
            // Every ticket's stored state agrees with its timeline.
            let bad = try await sql.raw("""
                SELECT count(*) AS n FROM tickets t WHERE
                  (t.status IN ('resolved', 'closed') AND t.resolved_at IS NULL)
                  OR (t.status = 'closed' AND t.closed_at IS NULL)
                  OR (t.acknowledged_at IS NOT NULL AND t.acknowledged_at < t.created_at)
                  OR (t.resolved_at IS NOT NULL AND t.resolved_at < t.acknowledged_at)
                  OR NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'created')
                  OR (t.status = 'closed' AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'close'))
                  OR (t.reopen_count > 0 AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'reopen'))
                """).first()!.decode(column: "n", as: Int.self)
            #expect(bad == 0)
            let numbers = try await sql.raw("SELECT number FROM tickets ORDER BY number").all().map { try $0.decode(column: "number", as: String.self) }
            // Ids are time-ordered (version 7), so the load appends to the primary key: by report time, their
            // leading milliseconds never go down, and each is the report's own millisecond.
            let rows = try await sql.raw("SELECT id, created_at FROM tickets ORDER BY created_at").all()
            let stamps = try rows.map { String(try $0.decode(column: "id", as: UUID.self).uuidString.replacingOccurrences(of: "-", with: "").prefix(12)) }
            #expect(stamps == stamps.sorted())
            let first = try rows[0].decode(column: "created_at", as: Date.self)
            #expect(UInt64(stamps[0], radix: 16) == UInt64(first.timeIntervalSince1970 * 1000))
            let versions = try rows.map { try $0.decode(column: "id", as: UUID.self).uuidString.dropFirst(14).prefix(1) }
            #expect(versions.allSatisfy { $0 == "7" })
            #expect(Set(numbers).count == 600)
            // A live report continues the day's numbering after the generated ones.
            let nurse = try await env.login("gen0001", DemoSeeder.demoPassword)
            let live = try await env.send(.POST, "/api/v1/tickets", token: nurse,
                                          json: ["domain": "it", "title": "新报修", "impact": "individual", "urgency": "clinical"])
            #expect(live.status == .created, "\(live.body.string)")
            result = (kpis, numbers)
        }
        return try #require(result)
    }

    @Test("the same seed gives the same tickets and KPIs; the figures are plausible")
    func deterministic() async throws {
        let (a, numbersA) = try await generate(seed: 7)
        let (b, numbersB) = try await generate(seed: 7)
        #expect(numbersA == numbersB)
        #expect(a == b)
        #expect(a.created > 500)                                     // the last days' tickets may fall after `to`
        #expect(a.closureRate > 0.8 && a.closureRate < 1)
        #expect((a.satisfaction ?? 0) > 4 && (a.satisfaction ?? 0) < 5)
        #expect((a.slaResponseRate ?? 0) > 0.5 && (a.slaResponseRate ?? 0) < 1)
        #expect((a.reopenRate ?? 0) > 0 && (a.reopenRate ?? 0) < 0.1)
        let (c, _) = try await generate(seed: 8)
        #expect(c != a)
    }
}
