import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Tickets: visibility, comments, rating, attachments, links, work logs, queues")
struct TicketCollaborationTests {
    @Test("who sees a ticket: reporter, department colleagues when allowed, agents of the domain, the vendor's team, leads, auditors")
    func visibility() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            func status(_ token: String) async throws -> HTTPStatus { try await h.get(t, token).status }
            #expect(try await status(h.nurse.token) == .ok)
            #expect(try await status(h.otherNurse.token) == .notFound)
            #expect(try await status(h.colleague.token) == .notFound)
            #expect(try await status(h.engineer.token) == .ok)          // IT domain via the IT team
            #expect(try await status(h.logisticsEngineer.token) == .notFound)
            #expect(try await status(h.vendorEngineer.token) == .notFound) // not the vendor team's ticket
            #expect(try await status(h.lead.token) == .ok)
            #expect(try await status(h.auditor.token) == .ok)
            #expect(try await status(h.admin) == .notFound)              // 三员分立: the system admin does not work tickets
            // The department opens its tickets to colleagues.
            _ = try await env.send(.PATCH, "/api/v1/departments/\(h.ward)", token: h.admin, json: ["reportersSeeDepartment": true])
            #expect(try await status(h.colleague.token) == .ok)
            #expect(try await status(h.otherNurse.token) == .notFound)
            // Handing it to the vendor's team lets the vendor engineer see and work it.
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.vendorTeam.uuidString])
            #expect(try await status(h.vendorEngineer.token) == .ok)
            #expect(try await h.act(t, h.vendorEngineer.token, ["action": "start"]).status == .ok)
            // Lists follow the same rule.
            let list = try await env.send(.GET, "/api/v1/tickets", token: h.otherNurse.token).content.decode(Page<TicketRowDTO>.self)
            #expect(list.total == 0)
            let mine = try await env.send(.GET, "/api/v1/tickets", token: h.nurse.token).content.decode(Page<TicketRowDTO>.self)
            #expect(mine.items.map(\.id) == [t.id])
        }
    }

    @Test("who may act: the auditor reads only, a vendor does not dispatch, a reporter withdraws or reopens their own")
    func actionPermissions() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            #expect(try await h.act(t, h.auditor.token, ["action": "accept"]).status == .forbidden)
            #expect(try await h.act(t, h.nurse.token, ["action": "accept"]).status == .forbidden)
            _ = try await h.act(t, h.dispatcher.token, ["action": "assign", "teamId": h.vendorTeam.uuidString])
            #expect(try await h.act(t, h.vendorEngineer.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString]).status == .forbidden)
            let own = try await h.report(title: "重复报了一次")
            #expect(try await h.act(own, h.nurse.token, ["action": "cancel", "reason": "重复"]).status == .ok)
            #expect(try await h.act(own, h.colleague.token, ["action": "cancel", "reason": "x"]).status == .notFound)
        }
    }

    @Test("internal comments never reach the reporter, in comments or in the timeline")
    func comments() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let pub = try await env.send(.POST, "/api/v1/tickets/\(t.id)/comments", token: h.engineer.token, json: CommentRequest(body: "请问是哪台打印机？"))
            #expect(pub.status == .created)
            let internalNote = try await env.send(.POST, "/api/v1/tickets/\(t.id)/comments", token: h.engineer.token,
                                                  json: CommentRequest(body: "疑似驱动被杀毒软件隔离", internal: true))
            #expect(internalNote.status == .created)
            let reply = try await env.send(.POST, "/api/v1/tickets/\(t.id)/comments", token: h.nurse.token, json: CommentRequest(body: "<b>收费窗口2号</b>"))
            #expect(reply.status == .created)
            let sneaky = try await env.send(.POST, "/api/v1/tickets/\(t.id)/comments", token: h.nurse.token, json: CommentRequest(body: "x", internal: true))
            #expect(sneaky.status == .unprocessableEntity)
            let empty = try await env.send(.POST, "/api/v1/tickets/\(t.id)/comments", token: h.nurse.token, json: CommentRequest(body: "  "))
            #expect(empty.errorFields["body"] == "required")

            let seenByNurse = try await env.send(.GET, "/api/v1/tickets/\(t.id)/comments", token: h.nurse.token).content.decode([CommentDTO].self)
            #expect(seenByNurse.map(\.body) == ["请问是哪台打印机？", "<b>收费窗口2号</b>"])
            let seenByEngineer = try await env.send(.GET, "/api/v1/tickets/\(t.id)/comments", token: h.engineer.token).content.decode([CommentDTO].self)
            #expect(seenByEngineer.count == 3)
            let nurseTimeline = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.nurse.token)
            #expect(!nurseTimeline.body.string.contains("杀毒软件"))
            #expect(try nurseTimeline.content.decode([TicketEventDTO].self).filter { $0.type == "comment" }.count == 2)
            let staffTimeline = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.engineer.token).content.decode([TicketEventDTO].self)
            #expect(staffTimeline.filter { $0.type == "comment" }.count == 3)
        }
    }

    @Test("rating: the reporter, once, after resolve, 1 to 5")
    func rating() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            func rate(_ token: String, _ score: Int) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/tickets/\(t.id)/rating", token: token, json: RatingRequest(score: score, comment: "好"))
            }
            let early = try await rate(h.nurse.token, 5)
            #expect(early.status == .conflict)
            #expect(early.errorCode == "not_resolved")
            _ = try await h.act(t, h.engineer.token, ["action": "accept"])
            _ = try await h.act(t, h.engineer.token, ["action": "resolve", "resolution": "已修复"])
            #expect(try await rate(h.engineer.token, 5).status == .forbidden)
            #expect(try await rate(h.nurse.token, 0).status == .unprocessableEntity)
            #expect(try await rate(h.nurse.token, 6).status == .unprocessableEntity)
            #expect(try await rate(h.nurse.token, 4).status == .ok)
            let again = try await rate(h.nurse.token, 5)
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_rated")
            #expect(try await h.get(t, h.nurse.token).content.decode(TicketDTO.self).rating?.score == 4)
        }
    }

    static func multipart(_ name: String, _ bytes: [UInt8], internal isInternal: Bool = false) -> (String, ByteBuffer) {
        let boundary = "----yiwei-test-boundary"
        var buffer = ByteBuffer()
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
        if isInternal { buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"internal\"\r\n\r\ntrue\r\n") }
        buffer.writeString("--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", buffer)
    }

    @Test("attachments: the type comes from the bytes, the name never reaches the disk, downloads are authorised and safe")
    func attachments() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            func upload(_ token: String, _ name: String, _ bytes: [UInt8], internal isInternal: Bool = false) async throws -> TestingHTTPResponse {
                let (type, body) = Self.multipart(name, bytes, internal: isInternal)
                return try await env.app.testing().sendRequest(.POST, "/api/v1/tickets/\(t.id)/attachments",
                                                               headers: ["Authorization": "Bearer \(token)", "Content-Type": type], body: body)
            }
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
            let res = try await upload(h.nurse.token, "../../etc/打印机.png", png)
            #expect(res.status == .created, "\(res.body.string)")
            let a = try res.content.decode(AttachmentDTO.self)
            #expect(a.contentType == "image/png")
            #expect(a.fileName == "打印机.png")
            #expect(a.size == 108)
            // Stored under a generated name below the data directory.
            let files = FileManager.default.enumerator(atPath: env.app.yiwei.config.dataDirectory + "/attachments")?.allObjects as? [String] ?? []
            #expect(files.contains { $0.hasSuffix(a.id.uuidString.lowercased()) })
            #expect(!files.contains { $0.contains("打印机") || $0.contains("etc") })

            let exe = try await upload(h.nurse.token, "setup.png", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00])
            #expect(exe.status == .unsupportedMediaType)
            #expect(exe.errorCode == "unsupported_file_type")
            let html = try await upload(h.nurse.token, "page.html", Array("<html><script>alert(1)</script></html>".utf8))
            let htmlDTO = try html.content.decode(AttachmentDTO.self)
            #expect(htmlDTO.contentType == "text/plain; charset=utf-8")
            let empty = try await upload(h.nurse.token, "empty.txt", [])
            #expect(empty.status == .unprocessableEntity)
            let internalByNurse = try await upload(h.nurse.token, "x.txt", Array("log".utf8), internal: true)
            #expect(internalByNurse.status == .unprocessableEntity)
            let internalLog = try await upload(h.engineer.token, "his.log", Array("ERROR 2026-11-18 打印服务停止".utf8), internal: true)
            #expect(internalLog.status == .created)

            let download = try await env.send(.GET, "/api/v1/attachments/\(htmlDTO.id)", token: h.engineer.token)
            #expect(download.status == .ok)
            #expect(download.headers.first(name: .contentType) == "text/plain; charset=utf-8")
            #expect(download.headers.first(name: "Content-Disposition")?.hasPrefix("attachment;") == true)
            #expect(download.headers.first(name: "X-Content-Type-Options") == "nosniff")
            let image = try await env.send(.GET, "/api/v1/attachments/\(a.id)", token: h.nurse.token)
            #expect(image.headers.first(name: "Content-Disposition")?.contains("filename*=UTF-8''%E6%89%93") == true)
            #expect(Array(image.body.readableBytesView) == png)
            #expect(try await env.send(.GET, "/api/v1/attachments/\(a.id)", token: h.otherNurse.token).status == .notFound)
            let internalId = try internalLog.content.decode(AttachmentDTO.self).id
            #expect(try await env.send(.GET, "/api/v1/attachments/\(internalId)", token: h.nurse.token).status == .notFound)
            let listed = try await env.send(.GET, "/api/v1/tickets/\(t.id)/attachments", token: h.nurse.token).content.decode([AttachmentDTO].self)
            #expect(listed.count == 2)
        }
    }

    @Test("links by number or id, both directions; no self-links or duplicates")
    func links() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.report(title: "收费处打印机无法打印")
            let b = try await h.report(title: "收费处打印机又坏了")
            let res = try await env.send(.POST, "/api/v1/tickets/\(b.id)/links", token: h.engineer.token, json: LinkRequest(type: "duplicate_of", target: a.number))
            #expect(res.status == .created)
            let incoming = try await env.send(.GET, "/api/v1/tickets/\(a.id)/links", token: h.engineer.token).content.decode([LinkDTO].self)
            #expect(incoming.map(\.direction) == ["incoming"])
            #expect(incoming[0].number == b.number)
            let again = try await env.send(.POST, "/api/v1/tickets/\(a.id)/links", token: h.engineer.token, json: LinkRequest(type: "caused_by", target: b.id.uuidString))
            #expect(again.status == .conflict)
            let selfLink = try await env.send(.POST, "/api/v1/tickets/\(a.id)/links", token: h.engineer.token, json: LinkRequest(type: "caused_by", target: a.number))
            #expect(selfLink.status == .unprocessableEntity)
            let byNurse = try await env.send(.POST, "/api/v1/tickets/\(a.id)/links", token: h.nurse.token, json: LinkRequest(type: "caused_by", target: b.number))
            #expect(byNurse.status == .forbidden)
            let linkId = incoming[0].id
            #expect(try await env.send(.DELETE, "/api/v1/tickets/\(a.id)/links/\(linkId)", token: h.engineer.token).status == .noContent)
            #expect(try await env.send(.GET, "/api/v1/tickets/\(a.id)/links", token: h.engineer.token).content.decode([LinkDTO].self).isEmpty)
        }
    }

    @Test("work logs: staff only, internal")
    func workLogs() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let res = try await env.send(.POST, "/api/v1/tickets/\(t.id)/worklogs", token: h.engineer.token, json: WorkLogRequest(minutes: 45, note: "现场更换硒鼓"))
            #expect(res.status == .created)
            #expect(try await env.send(.POST, "/api/v1/tickets/\(t.id)/worklogs", token: h.engineer.token, json: WorkLogRequest(minutes: 0, note: "x")).status == .unprocessableEntity)
            #expect(try await env.send(.GET, "/api/v1/tickets/\(t.id)/worklogs", token: h.nurse.token).status == .forbidden)
            let logs = try await env.send(.GET, "/api/v1/tickets/\(t.id)/worklogs", token: h.lead.token).content.decode([WorkLogDTO].self)
            #expect(logs.map(\.minutes) == [45])
            let nurseTimeline = try await env.send(.GET, "/api/v1/tickets/\(t.id)/timeline", token: h.nurse.token).content.decode([TicketEventDTO].self)
            #expect(!nurseTimeline.contains { $0.type == "worklog" })
        }
    }

    @Test("queues and search: mine, unassigned, open, resolved; Chinese substring over title, reporter, department; number")
    func queues() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let printer = try await h.report(title: "门诊收费窗口打印机无法打印")
            let scanner = try await h.report(title: "扫码枪无法识别医保码")
            let water = try await h.report(title: "病房卫生间漏水", domain: "logistics")
            _ = try await h.act(scanner, h.lead.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString])
            func list(_ token: String, _ query: String) async throws -> [String] {
                let res = try await env.send(.GET, "/api/v1/tickets?\(query)", token: token)
                try #require(res.status == .ok, "\(query): \(res.body.string)")
                return try res.content.decode(Page<TicketRowDTO>.self).items.map(\.number)
            }
            #expect(try await list(h.engineer.token, "queue=mine") == [scanner.number])
            #expect(try await list(h.engineer.token, "queue=unassigned") == [printer.number])
            #expect(Set(try await list(h.lead.token, "queue=open")) == [printer.number, scanner.number, water.number])
            #expect(try await list(h.engineer.token, "queue=resolved").isEmpty)
            func q(_ s: String) -> String { "q=" + s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            #expect(try await list(h.lead.token, q("收费窗口")) == [printer.number])
            // The description of every report mentions printing ("打印时提示脱机").
            #expect(try await list(h.lead.token, q("打印")).count == 3)
            #expect(Set(try await list(h.lead.token, q("心血管"))) == [printer.number, scanner.number, water.number])
            #expect(try await list(h.lead.token, q("找不到的词")).isEmpty)
            #expect(Set(try await list(h.lead.token, q("测试hu"))) == [printer.number, scanner.number, water.number])
            #expect(try await list(h.lead.token, q(water.number.lowercased())) == [water.number])
            #expect(try await list(h.lead.token, "domain=logistics") == [water.number])
            #expect(try await list(h.lead.token, "assigneeId=\(h.engineer.id)") == [scanner.number])
            #expect(try await list(h.engineer.token, "assigneeId=me") == [scanner.number])
            #expect(try await list(h.lead.token, "status=new&priority=P3").count == 2)
            for bad in ["queue=all", "status=open", "priority=P9", "createdFrom=tomorrow", "per=500"] {
                let res = try await env.send(.GET, "/api/v1/tickets?\(bad)", token: h.lead.token)
                #expect(res.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test("bulk: one action for many tickets, each succeeding or failing on its own")
    func bulk() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let a = try await h.report(title: "一")
            let b = try await h.report(title: "二")
            let c = try await h.report(title: "三")
            _ = try await h.act(c, h.dispatcher.token, ["action": "cancel", "reason": "误报"])
            let res = try await env.send(.POST, "/api/v1/tickets/bulk", token: h.dispatcher.token,
                                         json: BulkActionRequest(ids: [a.id.uuidString, b.id.uuidString, c.id.uuidString, "nope"],
                                                                 action: TicketActionRequest(action: "assign", assigneeId: h.engineer.id.uuidString)))
            #expect(res.status == .ok)
            let results = try res.content.decode(BulkResultDTO.self).results
            #expect(results.map(\.ok) == [true, true, false, false])
            #expect(results[2].error == "invalid_transition")
            #expect(results[3].error == "not_found")
            #expect(try await env.send(.POST, "/api/v1/tickets/bulk", token: h.nurse.token, json: BulkActionRequest(ids: [a.id.uuidString], action: TicketActionRequest(action: "close"))).status == .forbidden)
        }
    }

    @Test("saved filters belong to their user and keep only known filter keys")
    func savedFilters() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let res = try await env.send(.POST, "/api/v1/saved-filters", token: h.engineer.token,
                                         json: SavedFilterRequest(name: "未派 P1/P2", query: "queue=unassigned&priority=P1,P2"))
            #expect(res.status == .created)
            let saved = try res.content.decode(SavedFilterDTO.self)
            #expect(saved.query == "queue=unassigned&priority=P1,P2")
            #expect(try await env.send(.POST, "/api/v1/saved-filters", token: h.engineer.token,
                                       json: SavedFilterRequest(name: "未派 P1/P2", query: "queue=open")).status == .conflict)
            #expect(try await env.send(.POST, "/api/v1/saved-filters", token: h.engineer.token,
                                       json: SavedFilterRequest(name: "坏", query: "evil=1")).status == .unprocessableEntity)
            #expect(try await env.send(.GET, "/api/v1/saved-filters", token: h.lead.token).content.decode([SavedFilterDTO].self).isEmpty)
            #expect(try await env.send(.DELETE, "/api/v1/saved-filters/\(saved.id)", token: h.lead.token).status == .notFound)
            #expect(try await env.send(.DELETE, "/api/v1/saved-filters/\(saved.id)", token: h.engineer.token).status == .noContent)
        }
    }
}
