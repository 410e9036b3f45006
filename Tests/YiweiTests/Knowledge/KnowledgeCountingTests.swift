import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import Yiwei

@Suite("Knowledge base: counts that outsiders and repeated clicks cannot inflate")
struct KnowledgeCountingTests {
    @Test("「这解决了我的问题」 counts once per person; saying it again answers 200 with the unchanged count")
    func solvedOncePerPerson() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.publish("打印机卡纸处理", "打开后盖，取出卡住的纸张。")
            for expected in [1, 1, 1] {
                let res = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/solved", token: h.nurse.token)
                #expect(res.status == .ok)
                #expect(try res.content.decode(KBArticleDTO.self).solved == expected)
            }
            let colleague = try await env.send(.POST, "/api/v1/kb/articles/\(a.id)/solved", token: h.colleague.token)
            #expect(try colleague.content.decode(KBArticleDTO.self).solved == 2)
            // The portal's button (page route) is the same once-per-person rule.
            let browser = Browser(env)
            try await browser.signInFresh("hushi")
            try await browser.get("/kb/articles/\(a.id)")
            #expect(try await browser.post("/kb/articles/\(a.id)/solved", []).status.code / 100 == 3)
            let read = try await env.send(.GET, "/api/v1/kb/articles/\(a.id)", token: h.lead.token)
            #expect(try read.content.decode(KBArticleDTO.self).solved == 2)
            let audited = try await env.db.raw("SELECT count(*) AS n FROM audit_log WHERE action = 'kb.self_solved'").first()!
                .decode(column: "n", as: Int.self)
            #expect(audited == 2)
        }
    }

    @Test("the external listener answers 429 with Retry-After beyond its per-address limit; its searches are marked and left out of the leads' searches without results")
    func externalListener() async throws {
        try await withYiwei({ $0.externalRequestsPerMinute = 3 }) { env in
            let h = try await Hospital.make(env)
            let pub = try await h.publish("外网可见：VPN 使用说明", "下载客户端后使用工号登录。")
            let port = try #require(try await ExternalListener.start(env.app, port: 0).split(separator: ":").last.flatMap { Int($0) })
            func outside(_ path: String) async throws -> ClientResponse {
                try await env.app.client.get(URI(string: "http://127.0.0.1:\(port)\(path)"))
            }
            func views() async throws -> Int {
                try await env.db.raw("SELECT views FROM kb_articles WHERE id = \(bind: pub.id)").first()!.decode(column: "views", as: Int.self)
            }
            let viewsBefore = try await views()
            #expect(try await outside("/api/v1/kb/search?q=outsidernothing").status == .ok)
            #expect(try await outside("/api/v1/kb/articles/\(pub.id)").status == .ok)
            #expect(try await outside("/kb?q=outsidernothing").status == .ok)
            // The fourth request within the minute from this address: refused, in the error shape, not counted.
            let refused = try await outside("/api/v1/kb/articles/\(pub.id)")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) == "60")
            #expect((try? refused.content.decode(ErrorBody.self))?.error.code == "too_many_requests")
            #expect(try await outside("/kb").status == .tooManyRequests)
            #expect(try await views() == viewsBefore + 1)
            // Health checks are not limited; the internal listener is not limited.
            #expect(try await outside("/healthz").status == .ok)
            for _ in 1...5 { #expect(try await env.send(.GET, "/api/v1/kb/articles/\(pub.id)", token: h.nurse.token).status == .ok) }
            env.clock.advance(by: 60)
            #expect(try await outside("/api/v1/kb/articles/\(pub.id)").status == .ok)

            // Searches are logged with where they came from; the leads see only the hospital's own.
            _ = try await h.search("insidernothing", h.nurse.token)
            let logged = try await env.db.raw("SELECT query, external FROM kb_search_log ORDER BY query").all()
                .map { "\(try $0.decode(column: "query", as: String.self)) \(try $0.decode(column: "external", as: Bool.self))" }
            #expect(logged == ["insidernothing false", "outsidernothing true", "outsidernothing true"])
            let stats = try await env.send(.GET, "/api/v1/kb/stats", token: h.lead.token).content.decode(KnowledgeController.Stats.self)
            #expect(stats.zeroResults.map(\.query) == ["insidernothing"])
            let browser = Browser(env)
            try await browser.signInFresh("zuzhang")
            let panel = try await browser.get("/kb").body.string
            #expect(panel.contains("insidernothing（1）"))
            #expect(!panel.contains("outsidernothing"))
        }
    }
}
