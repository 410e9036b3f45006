import Foundation
import Testing
import VaporTesting
import YiweiCore
@testable import Yiwei

@Suite("Deliverables register: on time by the due day in Asia/Shanghai, returns counted, vendors see their own")
struct DeliverableTests {
    struct Create: Encodable, Sendable { var vendorId: String?; var type: String?; var title: String?; var period: String?; var dueDate: String? }

    static let pdf: [UInt8] = Array("%PDF-1.7\n运维月报\n".utf8)

    static func register(_ e: EvalHospital, _ title: String, due: String, type: String = "monthly_report", vendor: UUID? = nil) async throws -> DeliverableDTO {
        let res = try await e.env.send(.POST, "/api/v1/deliverables", token: e.h.lead.token,
                                       json: Create(vendorId: (vendor ?? e.vendor).uuidString, type: type, title: title, period: "2026-10", dueDate: due))
        try #require(res.status == .created, "\(res.body.string)")
        return try res.content.decode(DeliverableDTO.self)
    }

    static func upload(_ e: EvalHospital, _ d: DeliverableDTO, _ token: String, _ bytes: [UInt8] = pdf, name: String = "2026年10月运维月报.pdf") async throws -> TestingHTTPResponse {
        let (type, body) = TicketCollaborationTests.multipart(name, bytes)
        return try await e.env.app.testing().sendRequest(.POST, "/api/v1/deliverables/\(d.id)/files",
                                                         headers: ["Authorization": "Bearer \(token)", "Content-Type": type], body: body)
    }

    static func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    @Test("submitted 23:59 on the due day is on time, 00:01 the next day is late; returns count; the scorecard reads the same figures")
    func onTimeAtTheBoundary() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let onTime = try await Self.register(e, "2026年10月运维月报", due: "2026-11-20")
            let late = try await Self.register(e, "10月巡检报告", due: "2026-11-20", type: "inspection_report")
            let never = try await Self.register(e, "11月第4周周报", due: "2026-11-25", type: "weekly_report")
            _ = try await Self.register(e, "11月运维月报", due: "2026-12-05")
            #expect(onTime.status == "pending" && onTime.onTime == nil && !onTime.overdue)
            // Moving the clock days ahead outlives the tokens: sign in again after each move.
            var vendor = e.h.vendorEngineer.token, lead = e.h.lead.token
            func travel(_ iso: String) async throws {
                env.clock.set(Self.at(iso))
                vendor = try await env.login("vendor1", "Test#Pass2026")
                lead = try await env.login("zuzhang", "Test#Pass2026")
            }

            // 2026-11-20 23:59 in Shanghai is 15:59 UTC.
            try await travel("2026-11-20T15:59:00Z")
            let first = try await Self.upload(e, onTime, vendor)
            #expect(first.status == .created, "\(first.body.string)")
            let submitted = try first.content.decode(DeliverableDTO.self)
            #expect(submitted.status == "submitted" && submitted.onTime == true && submitted.files.count == 1)
            #expect(submitted.files[0].contentType == "application/pdf" && submitted.files[0].fileName == "2026年10月运维月报.pdf")
            // 00:01 on the 21st in Shanghai.
            try await travel("2026-11-20T16:01:00Z")
            let lateOne = try await Self.upload(e, late, vendor).content.decode(DeliverableDTO.self)
            #expect(lateOne.onTime == false)

            // Returned twice, resubmitted in between; on-time was decided by the first submission and stays.
            struct Reason: Encodable, Sendable { var reason: String? }
            var res = try await env.send(.POST, "/api/v1/deliverables/\(onTime.id)/return", token: lead, json: Reason(reason: "缺少故障统计分析"))
            #expect(res.status == .ok)
            #expect(try res.content.decode(DeliverableDTO.self).status == "returned")
            try await travel("2026-11-23T02:00:00Z")
            let again = try await Self.upload(e, onTime, vendor, name: "月报-修订版.pdf").content.decode(DeliverableDTO.self)
            #expect(again.status == "submitted" && again.onTime == true && again.firstSubmittedAt == Self.at("2026-11-20T15:59:00Z") && again.files.count == 2)
            res = try await env.send(.POST, "/api/v1/deliverables/\(onTime.id)/return", token: lead, json: Reason(reason: "数据与工单统计不一致"))
            #expect(try res.content.decode(DeliverableDTO.self).returnedCount == 2)
            _ = try await Self.upload(e, onTime, vendor, name: "月报-第三版.pdf")
            res = try await env.send(.POST, "/api/v1/deliverables/\(onTime.id)/accept", token: lead)
            let accepted = try res.content.decode(DeliverableDTO.self)
            #expect(accepted.status == "accepted" && accepted.returnedCount == 2)
            #expect(accepted.events.map(\.action) == ["create", "submit", "return", "submit", "return", "submit", "accept"])
            let closedUpload = try await Self.upload(e, onTime, vendor)
            #expect(closedUpload.status == .conflict && closedUpload.errorCode == "deliverable_accepted")
            #expect(try await env.send(.POST, "/api/v1/deliverables/\(onTime.id)/accept", token: lead).status == .conflict)

            // Overdue: the weekly report due on the 25th, never submitted, once the 25th is over in Shanghai.
            try await travel("2026-11-25T15:59:59Z")
            #expect(try await env.send(.GET, "/api/v1/deliverables/\(never.id)", token: lead).content.decode(DeliverableDTO.self).overdue == false)
            try await travel("2026-11-25T16:00:00Z")
            let overdue = try await env.send(.GET, "/api/v1/deliverables?overdue=true", token: lead).content.decode(Page<DeliverableDTO>.self)
            #expect(overdue.items.map(\.id) == [never.id] && overdue.items[0].overdue)

            // November: 3 due (December's excluded), 1 on time, 2 returns.
            let figures = try await EvaluationInputs.deliverables(vendorId: e.vendor, month: YearMonth("2026-11")!, on: env.app.db)
            #expect(figures.due == 3 && figures.onTime == 1 && figures.returnedForRevision == 2)
            #expect(Set(figures.ids) == [onTime.id, late.id, never.id])
            // 1/3 on time < 90 % → 不合格; the sub-band of [0, 90 %): ⌊100·1·5 ÷ (90·3)⌋ = ⌊500/270⌋ = 1.
            let item = try ObjectiveScoring.deliverables(onTime: figures.onTime, due: figures.due, returnedForRevision: figures.returnedForRevision)
            #expect(item.points == ScorePoints(1))
            let listed = try await env.send(.GET, "/api/v1/deliverables?month=2026-11", token: lead).content.decode(Page<DeliverableDTO>.self)
            #expect(listed.total == 3)
        }
    }

    @Test("vendors upload for their own vendor only; leads register, accept and return; auditors read; others have no access")
    func permissions() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let mine = try await Self.register(e, "应急预案（HIS）", due: "2026-11-30", type: "emergency_plan")
            let otherVendor = try await env.send(.POST, "/api/v1/vendors", token: e.h.admin, json: ["name": "华康网络科技有限公司"]).content.decode(VendorDTO.self).id
            let theirs = try await Self.register(e, "网络巡检报告", due: "2026-11-30", type: "inspection_report", vendor: otherVendor)
            let stranger = try await env.makeUser("huakang", roles: ["vendor"], extra: ["vendorId": otherVendor.uuidString])

            // The vendor's engineer lists only their vendor's, cannot see or upload to another's.
            let list = try await env.send(.GET, "/api/v1/deliverables", token: e.h.vendorEngineer.token).content.decode(Page<DeliverableDTO>.self)
            #expect(list.items.map(\.id) == [mine.id])
            #expect(try await env.send(.GET, "/api/v1/deliverables/\(theirs.id)", token: e.h.vendorEngineer.token).status == .notFound)
            #expect(try await Self.upload(e, theirs, e.h.vendorEngineer.token).status == .notFound)
            #expect(try await Self.upload(e, mine, stranger.token).status == .notFound)
            // … and may neither register, nor accept, nor return.
            #expect(try await env.send(.POST, "/api/v1/deliverables", token: e.h.vendorEngineer.token,
                                       json: Create(vendorId: e.vendor.uuidString, type: "other", title: "自报", dueDate: "2026-11-30")).status == .forbidden)
            #expect(try await Self.upload(e, mine, e.h.vendorEngineer.token).status == .created)
            #expect(try await env.send(.POST, "/api/v1/deliverables/\(mine.id)/accept", token: e.h.vendorEngineer.token).status == .forbidden)
            // Auditors read everything and change nothing.
            #expect(try await env.send(.GET, "/api/v1/deliverables", token: e.h.auditor.token).content.decode(Page<DeliverableDTO>.self).total == 2)
            #expect(try await env.send(.POST, "/api/v1/deliverables/\(mine.id)/accept", token: e.h.auditor.token).status == .forbidden)
            #expect(try await Self.upload(e, mine, e.h.auditor.token).status == .forbidden)
            // Reporters, engineers, dispatchers and the administrator have no access to the register.
            for token in [e.h.nurse.token, e.h.engineer.token, e.h.dispatcher.token, e.h.admin] {
                #expect(try await env.send(.GET, "/api/v1/deliverables", token: token).status == .forbidden)
                #expect(try await env.send(.GET, "/api/v1/deliverables/\(mine.id)", token: token).status == .notFound)
            }
            // Files download for those who see the deliverable only.
            let d = try await env.send(.GET, "/api/v1/deliverables/\(mine.id)", token: e.h.lead.token).content.decode(DeliverableDTO.self)
            let file = d.files[0]
            let got = try await env.send(.GET, "/api/v1/deliverables/\(mine.id)/files/\(file.id)", token: e.h.auditor.token)
            #expect(got.status == .ok && got.headers.contentType?.description.hasPrefix("application/pdf") == true)
            #expect(Array(got.body.readableBytesView) == Self.pdf)
            #expect(try await env.send(.GET, "/api/v1/deliverables/\(mine.id)/files/\(file.id)", token: stranger.token).status == .notFound)
        }
    }

    @Test("bad input is 4xx with the fields, and nothing changes")
    func badInput() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let bad = try await env.send(.POST, "/api/v1/deliverables", token: e.h.lead.token,
                                         json: Create(vendorId: UUID().uuidString, type: "novel", title: " ", dueDate: "2026-02-30"))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields == ["vendorId": "no such vendor", "type": "must be one of weekly_report, monthly_report, inspection_report, meeting_minutes, emergency_plan, operations_manual, training_record, other",
                                        "title": "required", "dueDate": "must be a date like 2026-01-31"])
            #expect(try await env.count("deliverables") == 0)

            let d = try await Self.register(e, "运维手册（第2版）", due: "2026-11-30", type: "operations_manual")
            // Not multipart → 415; empty → 422; an executable → 415; no status change, no file.
            #expect(try await env.send(.POST, "/api/v1/deliverables/\(d.id)/files", token: e.h.vendorEngineer.token, json: ["file": "x"]).status == .unsupportedMediaType)
            #expect(try await Self.upload(e, d, e.h.vendorEngineer.token, []).status == .unprocessableEntity)
            #expect(try await Self.upload(e, d, e.h.vendorEngineer.token, [0x4D, 0x5A, 0x90, 0x00, 0x03]).status == .unsupportedMediaType)
            #expect(try await env.count("deliverable_files") == 0)
            #expect(try await env.send(.GET, "/api/v1/deliverables/\(d.id)", token: e.h.lead.token).content.decode(DeliverableDTO.self).status == "pending")
            // Review needs a submitted deliverable, and a return needs its reason.
            #expect(try await env.send(.POST, "/api/v1/deliverables/\(d.id)/accept", token: e.h.lead.token).errorCode == "deliverable_not_submitted")
            _ = try await Self.upload(e, d, e.h.vendorEngineer.token)
            let noReason = try await env.send(.POST, "/api/v1/deliverables/\(d.id)/return", token: e.h.lead.token, json: ["reason": "  "])
            #expect(noReason.status == .unprocessableEntity && noReason.errorFields == ["reason": "required"])
            let after = try await env.send(.GET, "/api/v1/deliverables/\(d.id)", token: e.h.lead.token).content.decode(DeliverableDTO.self)
            #expect(after.status == "submitted" && after.returnedCount == 0)
            #expect(try await env.send(.GET, "/api/v1/deliverables?status=lost", token: e.h.lead.token).status == .badRequest)
        }
    }

    @Test("按月生成: a weekly report due every Monday and last month's report due on the 5th, once")
    func generate() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            struct G: Encodable, Sendable { var vendorId: String; var month: String }
            let res = try await env.send(.POST, "/api/v1/deliverables/generate", token: e.h.lead.token, json: G(vendorId: e.vendor.uuidString, month: "2026-12"))
            // Mondays of December 2026: 7, 14, 21, 28 — four weekly reports — and November's report due 12-05.
            #expect(try res.content.decode(EvaluationRegistersController.GenerateResult.self).created == 5)
            let list = try await env.send(.GET, "/api/v1/deliverables?month=2026-12", token: e.h.lead.token).content.decode(Page<DeliverableDTO>.self)
            #expect(Set(list.items.map(\.dueDate)) == ["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28", "2026-12-05"])
            #expect(list.items.first { $0.type == "monthly_report" }?.title == "月运维报告（2026年11月）")
            let again = try await env.send(.POST, "/api/v1/deliverables/generate", token: e.h.lead.token, json: G(vendorId: e.vendor.uuidString, month: "2026-12"))
            #expect(try again.content.decode(EvaluationRegistersController.GenerateResult.self).created == 0)
            #expect(try await env.send(.POST, "/api/v1/deliverables/generate", token: e.h.vendorEngineer.token,
                                       json: G(vendorId: e.vendor.uuidString, month: "2026-12")).status == .forbidden)
        }
    }
}
