import Foundation
import SQLKit
import Testing
import VaporTesting
import ZIPFoundation
@testable import Yiwei

/// docs/audit.md 「敏感数据读取」 and docs/deidentification.md 「导出」: downloads and exports leave an audit entry
/// naming the record; exports of ticket and article text are de-identified unless raw is chosen (and recorded).
@Suite("Sensitive reads: audited downloads and de-identified exports")
struct SensitiveReadsTests {
    struct Entry: Equatable { var action: String; var actor: String; var entityId: String?; var after: String? }

    static func entries(_ env: TestEnv, _ action: String) async throws -> [Entry] {
        try await env.db.raw("SELECT action, actor_name, entity_id, after FROM audit_log WHERE action = \(bind: action) ORDER BY seq").all().map {
            Entry(action: try $0.decode(column: "action", as: String.self), actor: try $0.decode(column: "actor_name", as: String.self),
                  entityId: try $0.decode(column: "entity_id", as: String?.self), after: try $0.decode(column: "after", as: String?.self))
        }
    }

    @Test("every attachment download — ticket, knowledge — is one audit entry naming the file; a refused download is not")
    func downloads() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let (type, body) = TicketCollaborationTests.multipart("报错截图.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 3, count: 20))
            let uploaded = try await env.app.testing().sendRequest(.POST, "/api/v1/tickets/\(t.id)/attachments",
                                                                   headers: ["Authorization": "Bearer \(h.nurse.token)", "Content-Type": type], body: body)
            let a = try uploaded.content.decode(AttachmentDTO.self)
            #expect(try await Self.entries(env, "attachment.download").isEmpty)
            #expect(try await env.send(.GET, "/api/v1/attachments/\(a.id)", token: h.engineer.token).status == .ok)
            #expect(try await env.send(.GET, "/api/v1/attachments/\(a.id)", token: h.nurse.token).status == .ok)
            // Another department's nurse does not see the ticket: no download, no download entry.
            #expect(try await env.send(.GET, "/api/v1/attachments/\(a.id)", token: h.otherNurse.token).status != .ok)
            let rows = try await Self.entries(env, "attachment.download")
            #expect(rows.map(\.actor) == ["liming", "hushi"])
            #expect(rows.allSatisfy { $0.entityId == a.id.uuidString })
            #expect(rows.first?.after?.contains(t.id.uuidString) == true && rows.first?.after?.contains("报错截图.png") == true)

            let article = try await h.publish("打印机脱机处理", "重新添加打印机。")
            let kbUpload = try await env.app.testing().sendRequest(.POST, "/api/v1/kb/articles/\(article.id)/attachments",
                                                                   headers: ["Authorization": "Bearer \(h.lead.token)", "Content-Type": type], body: body)
            #expect(kbUpload.status == .created, "\(kbUpload.body.string)")
            let kbFile = try kbUpload.content.decode(KBAttachmentDTO.self)
            #expect(try await env.send(.GET, "/kb/articles/\(article.id)/attachments/\(kbFile.id)", token: h.nurse.token).status == .ok)
            let kbRows = try await Self.entries(env, "kb.attachment.download")
            #expect(kbRows.count == 1 && kbRows[0].entityId == kbFile.id.uuidString && kbRows[0].actor == "hushi")
            #expect(kbRows[0].after?.contains(article.id.uuidString) == true)
        }
    }

    @Test("report CSVs name patients only when raw is chosen; each export is one entry with the period, part and choice")
    func reportExports() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report(title: "患者张三的检查报告打印不出，家属电话13812345678")
            let plain = try await env.send(.GET, "/reports/monthly.csv?month=2026-11&part=tickets", token: h.lead.token)
            #expect(plain.status == .ok)
            #expect(plain.body.string.contains("患者【患者姓名】的检查报告打印不出，家属电话【手机号】"))
            #expect(!plain.body.string.contains("张三") && !plain.body.string.contains("13812345678"))
            #expect(plain.body.string.contains(t.number))
            let raw = try await env.send(.GET, "/reports/monthly.csv?month=2026-11&part=tickets&raw=true", token: h.lead.token)
            #expect(raw.body.string.contains("患者张三的检查报告打印不出，家属电话13812345678"))
            #expect(try await env.send(.GET, "/reports/monthly.csv?month=2026-11&part=tickets&raw=yes", token: h.lead.token).status == .badRequest)
            // A refused export (a nurse) leaves a refusal, not an export entry.
            #expect(try await env.send(.GET, "/reports/monthly.csv?month=2026-11&part=tickets", token: h.nurse.token).status == .forbidden)
            let rows = try await Self.entries(env, "report.export")
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0.entityId == "monthly:2026-11" && $0.actor == "zuzhang" })
            #expect(rows[0].after?.contains(#""raw":"false""#) == true && rows[1].after?.contains(#""raw":"true""#) == true)
            #expect(rows[0].after?.contains(#""part":"tickets""#) == true)

            #expect(try await env.send(.GET, "/reports/downtime.csv?year=2026", token: h.auditor.token).status == .ok)
            let downtime = try await Self.entries(env, "downtime.export")
            #expect(downtime.count == 1 && downtime[0].entityId == "2026" && downtime[0].actor == "shenji")
        }
    }

    @Test("the knowledge export replaces patient data unless raw; both are recorded with the number of articles")
    func knowledgeExport() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.publish("床旁打印机故障", "12床王小明的腕带打印不出，联系家属李女士 139-1234-5678。")
            func body(_ res: TestingHTTPResponse) throws -> String {
                let archive = try Archive(data: Data(buffer: res.body), accessMode: .read, pathEncoding: nil)
                var text = Data()
                _ = try archive.extract(try #require(archive["articles/\(a.id).md"])) { text.append($0) }
                return String(decoding: text, as: UTF8.self)
            }
            let plain = try body(try await env.send(.GET, "/api/v1/kb/export", token: h.lead.token))
            #expect(plain.hasSuffix("---\n【床号】【患者姓名】的腕带打印不出，联系家属【患者姓名】 【手机号】。"), "\(plain)")
            let raw = try body(try await env.send(.GET, "/api/v1/kb/export?raw=true", token: h.lead.token))
            #expect(raw.hasSuffix("---\n12床王小明的腕带打印不出，联系家属李女士 139-1234-5678。"))
            let rows = try await Self.entries(env, "kb.export")
            #expect(rows.count == 2)
            #expect(rows[0].after?.contains(#""raw":"false""#) == true && rows[1].after?.contains(#""raw":"true""#) == true)
            #expect(rows.allSatisfy { $0.after?.contains(#""articles":"1""#) == true })
        }
    }
}
