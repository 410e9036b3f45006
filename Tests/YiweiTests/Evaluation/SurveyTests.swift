import Foundation
import Testing
import VaporTesting
import YiweiCore
@testable import Yiwei
@testable import YiweiDemo

@Suite("Satisfaction survey (seed 002 annex 2): departments answer once, leads see the averages")
struct SurveyTests {
    @Test("three departments' answers → per-dimension means and the departments' mean × 2 (docs example 6)")
    func workedExample() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let survey = try await e.startSurvey()
            #expect(survey.status == "open" && survey.month == "2026-10" && survey.answered == 0 && survey.pending == 3)
            // 呼吸科 9,9,8,9,8 → 43/5 = 8.6; 检验科 10,9,9,9,9 → 9.2; 结核科 8,8,7,8,8 → 7.8
            #expect(try await e.answer(survey, e.respNurse.token, [9, 9, 8, 9, 8], comment: "响应及时").status == .created)
            let lab = try await e.answer(survey, e.labTech.token, [10, 9, 9, 9, 9])
            #expect(lab.status == .created)
            let labAnswer = try lab.content.decode(SurveyResponseDTO.self)
            #expect(labAnswer.subtotal == 46 && labAnswer.score == Decimal(string: "9.2") && labAnswer.grade == "excellent" && labAnswer.department == "检验科")
            #expect(try await e.answer(survey, e.tbNurse.token, [8, 8, 7, 8, 8]).status == .created)

            let seen = try await env.send(.GET, "/api/v1/surveys/\(survey.id)", token: e.h.lead.token).content.decode(SurveyDTO.self)
            #expect(seen.answered == 3 && seen.pending == 0 && seen.responses.count == 3)
            let averages = try #require(seen.averages)
            // (9+10+8)/3 = 9.0; (9+9+8)/3 = 8.67 → 8.7; (8+9+7)/3 = 8.0; (9+9+8)/3 → 8.7; (8+9+8)/3 = 8.33 → 8.3
            #expect(averages.dimensions == ["response_speed": Decimal(string: "9.0")!, "service_attitude": Decimal(string: "8.7")!,
                                            "technical_competence": Decimal(string: "8.0")!, "communication": Decimal(string: "8.7")!,
                                            "resolution_effect": Decimal(string: "8.3")!])
            // (8.6 + 9.2 + 7.8) / 3 = 8.533 → 8.5 (合格); × 2 = 17.0
            #expect(averages.overall == Decimal(string: "8.5") && averages.grade == "pass" && averages.scorecardPoints == Decimal(17))

            // What the scorecard reads: the same three forms, and YiweiCore makes 17.0 of them.
            let responses = try await EvaluationInputs.surveyResponses(vendorId: e.vendor, month: YearMonth("2026-10")!, on: env.app.db)
            #expect(Set(responses.map(\.department)) == ["呼吸科", "检验科", "结核科"])
            #expect(responses.first { $0.department == "结核科" }?.scores == [.responseSpeed: 8, .serviceAttitude: 8, .technicalCompetence: 7,
                                                                             .communication: 8, .resolutionEffect: 8])
            #expect(try ObjectiveScoring.userSatisfaction(responses).points == ScorePoints(17))
            #expect(try await EvaluationInputs.surveyResponses(vendorId: e.vendor, month: YearMonth("2026-09")!, on: env.app.db).isEmpty)

            // A department's user sees only their own department's answer, and no averages.
            let own = try await env.send(.GET, "/api/v1/surveys/\(survey.id)", token: e.respNurse.token).content.decode(SurveyDTO.self)
            #expect(own.responses.map(\.department) == ["呼吸科"] && own.averages == nil)
        }
    }

    @Test("one answer per department: a colleague's second is 409, another department's user 403, a closed survey 409; answers are audited")
    func onceAndOwnDepartment() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let survey = try await e.startSurvey()
            #expect(try await e.answer(survey, e.tbNurse.token, [8, 8, 7, 8, 8]).status == .created)
            let again = try await e.answer(survey, e.tbColleague.token, [1, 1, 1, 1, 1])
            #expect(again.status == .conflict && again.errorCode == "already_answered")
            // 心血管内科 was not asked.
            let other = try await e.answer(survey, e.h.nurse.token, [9, 9, 9, 9, 9])
            #expect(other.status == .forbidden)
            // Nobody of a vendor, no auditor, nobody without a department answers.
            #expect(try await e.answer(survey, e.h.vendorEngineer.token, [10, 10, 10, 10, 10]).status == .forbidden)
            #expect(try await e.answer(survey, e.h.auditor.token, [10, 10, 10, 10, 10]).status == .forbidden)
            #expect(try await env.count("satisfaction_responses") == 1)
            let audited = try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'survey.answer'").first()!.decode(column: "n", as: Int.self)
            #expect(audited == 1)

            // Only a lead closes; then nobody answers.
            #expect(try await env.send(.POST, "/api/v1/surveys/\(survey.id)/close", token: e.h.auditor.token).status == .forbidden)
            #expect(try await env.send(.POST, "/api/v1/surveys/\(survey.id)/close", token: e.respNurse.token).status == .forbidden)
            let closed = try await env.send(.POST, "/api/v1/surveys/\(survey.id)/close", token: e.h.lead.token)
            #expect(closed.status == .ok)
            #expect(try closed.content.decode(SurveyDTO.self).status == "closed")
            let late = try await e.answer(survey, e.labTech.token, [9, 9, 9, 9, 9])
            #expect(late.status == .conflict && late.errorCode == "survey_closed")
            #expect(try await env.send(.POST, "/api/v1/surveys/\(survey.id)/close", token: e.h.lead.token).status == .conflict)
            #expect(try await env.count("satisfaction_responses") == 1)
        }
    }

    @Test("bad answers and bad surveys are 4xx with the fields, and nothing is written")
    func badInput() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let survey = try await e.startSurvey()
            var scores = EvalHospital.scores([9, 9, 11, 0, 9])
            scores.removeValue(forKey: "resolution_effect")
            scores["speed"] = 5
            let bad = try await env.send(.POST, "/api/v1/surveys/\(survey.id)/responses", token: e.respNurse.token,
                                         json: EvalHospital.Answer(scores: scores, comment: String(repeating: "长", count: 501)))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields["scores.technical_competence"] == "must be between 1 and 10")
            #expect(bad.errorFields["scores.communication"] == "must be between 1 and 10")
            #expect(bad.errorFields["scores.resolution_effect"] == "required")
            #expect(bad.errorFields["scores.speed"] == "unknown dimension")
            #expect(bad.errorFields["comment"] == "must be at most 500 characters")
            #expect(try await env.send(.POST, "/api/v1/surveys/\(survey.id)/responses", token: e.respNurse.token, raw: "scores=1",
                                       contentType: "application/x-www-form-urlencoded").status == .unsupportedMediaType)
            #expect(try await env.count("satisfaction_responses") == 0)

            let before = try await env.count("satisfaction_surveys")
            let notificationsBefore = try await env.count("user_notifications")
            func create(_ body: EvalHospital.Create, _ token: String? = nil) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/surveys", token: token ?? e.h.lead.token, json: body)
            }
            let empty = try await create(.init(month: "2026-13", vendorIds: ["x"], departmentIds: []))
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.errorFields == ["month": "must be a month like 2026-11", "vendorIds": "must be an id", "departmentIds": "required"])
            // The clock is 2026-11-18: December is still to come.
            let future = try await create(.init(month: "2026-12", vendorIds: [e.vendor.uuidString], departmentIds: [e.respiratory.uuidString]))
            #expect(future.status == .unprocessableEntity && future.errorFields["month"] == "must not be in the future")
            let twice = try await create(.init(month: "2026-10", vendorIds: [e.vendor.uuidString], departmentIds: [e.respiratory.uuidString]))
            #expect(twice.status == .conflict && twice.errorCode == "survey_exists")
            let both = try await create(.init(month: "2026-11", vendorIds: [e.vendor.uuidString], allActiveVendors: true, departmentIds: [e.respiratory.uuidString]))
            #expect(both.status == .unprocessableEntity && both.errorFields["vendorIds"] != nil)
            // Only leads start surveys.
            for token in [e.h.auditor.token, e.respNurse.token, e.h.vendorEngineer.token, e.h.admin, e.h.engineer.token] {
                #expect(try await create(.init(month: "2026-11", vendorIds: [e.vendor.uuidString], departmentIds: [e.respiratory.uuidString]), token).status == .forbidden)
            }
            #expect(try await env.count("satisfaction_surveys") == before)
            #expect(try await env.count("user_notifications") == notificationsBefore)
        }
    }

    @Test("starting a survey tells each asked department's staff in the app and the group robots that take survey. events")
    func notifications() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let channel = try await env.send(.POST, "/api/v1/notification-channels", token: e.h.admin,
                                             json: ChannelBody(name: "信息科群", kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
                                                               events: ["survey."]))
            #expect(channel.status == .created, "\(channel.body.string)")
            let ticketsOnly = try await env.send(.POST, "/api/v1/notification-channels", token: e.h.admin,
                                                 json: ChannelBody(name: "一级故障群", kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=def",
                                                                   events: ["ticket.p1"]))
            #expect(ticketsOnly.status == .created)
            _ = try await e.startSurvey()
            let rows = try await env.db.raw("SELECT user_id, title, body FROM user_notifications WHERE event = 'survey.request'").all()
            let users = Set(try rows.map { try $0.decode(column: "user_id", as: UUID.self) })
            // 呼吸科, 检验科 and both of 结核科 — not 心血管内科, not the lead who started it.
            #expect(users == [e.respNurse.id, e.labTech.id, e.tbNurse.id, e.tbColleague.id])
            let title = try rows[0].decode(column: "title", as: String.self)
            #expect(title == "满意度调查：2026年10月运维服务")
            #expect(try rows.map { try $0.decode(column: "body", as: String.self) }.allSatisfy { $0.contains("智医信息技术有限公司") && $0.contains("/surveys") })
            let outbox = try await env.db.raw("SELECT event, title FROM outbox").all()
            #expect(outbox.count == 1)
            #expect(try outbox.first?.decode(column: "event", as: String.self) == "survey.request")

            // 「待填问卷」 appears in the nav of a department that still has to answer, and goes once it has.
            let survey = try await env.send(.GET, "/api/v1/surveys", token: e.respNurse.token).content.decode(Page<SurveyDTO>.self)
            #expect(survey.total == 1)
            #expect(try await env.send(.GET, "/api/v1/surveys", token: e.h.nurse.token).content.decode(Page<SurveyDTO>.self).total == 0)
            #expect(try await SurveyService.pendingCount(department: e.respiratory, on: env.app.db) == 1)
            #expect(try await e.answer(survey.items[0], e.respNurse.token, [9, 9, 9, 9, 9]).status == .created)
            #expect(try await SurveyService.pendingCount(department: e.respiratory, on: env.app.db) == 0)
            #expect(try await SurveyService.pendingCount(department: e.laboratory, on: env.app.db) == 1)
        }
    }

    @Test("who sees what: leads and auditors every survey, a department its own, vendors and engineers without a department none")
    func visibility() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let survey = try await e.startSurvey()
            for token in [e.h.lead.token, e.h.auditor.token, e.respNurse.token] {
                #expect(try await env.send(.GET, "/api/v1/surveys/\(survey.id)", token: token).status == .ok)
            }
            #expect(try await env.send(.GET, "/api/v1/surveys/\(survey.id)", token: e.h.nurse.token).status == .notFound)
            #expect(try await env.send(.GET, "/api/v1/surveys/\(survey.id)", token: e.h.vendorEngineer.token).status == .notFound)
            #expect(try await env.send(.GET, "/api/v1/surveys", token: e.h.vendorEngineer.token).status == .forbidden)
            #expect(try await env.send(.GET, "/api/v1/surveys", token: e.h.engineer.token).status == .forbidden)
            #expect(try await env.send(.GET, "/api/v1/surveys", token: e.h.auditor.token).content.decode(Page<SurveyDTO>.self).total == 1)
            #expect(try await env.send(.GET, "/api/v1/surveys?status=maybe", token: e.h.lead.token).status == .badRequest)
        }
    }

    @Test("all active vendors at once: one survey each, one notification per person")
    func allVendors() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let second = try await env.send(.POST, "/api/v1/vendors", token: e.h.admin, json: ["name": "华康网络科技有限公司"]).content.decode(VendorDTO.self)
            let res = try await env.send(.POST, "/api/v1/surveys", token: e.h.lead.token,
                                         json: EvalHospital.Create(month: "2026-10", allActiveVendors: true, departmentIds: [e.laboratory.uuidString]))
            #expect(res.status == .created)
            let surveys = try res.content.decode([SurveyDTO].self)
            #expect(Set(surveys.map(\.vendorId)) == [e.vendor, second.id])
            let rows = try await env.db.raw("SELECT body FROM user_notifications WHERE event = 'survey.request'").all()
            #expect(rows.count == 1)
            let body = try rows[0].decode(column: "body", as: String.self)
            #expect(body.contains("智医信息技术有限公司") && body.contains("华康网络科技有限公司"))
        }
    }

    @Test("the demo hospital comes with last month's survey, this month's deliverables and the on-site roster")
    func demo() async throws {
        try await withYiwei { env in
            #expect(try await DemoSeeder.seedIfEmpty(env.app).seeded)
            let vendor = try #require(try await env.db.raw("SELECT id FROM vendors WHERE name = '广州智医信息技术有限公司'").first()?.decode(column: "id", as: UUID.self))
            // The clock is 2026-11-18: October's survey, three of four departments → (8.6 + 9.2 + 7.8) ÷ 3 → 8.5 × 2.
            let responses = try await EvaluationInputs.surveyResponses(vendorId: vendor, month: YearMonth("2026-10")!, on: env.app.db)
            #expect(responses.count == 3)
            #expect(try ObjectiveScoring.userSatisfaction(responses).points == ScorePoints(17))
            let deliverables = try await EvaluationInputs.deliverables(vendorId: vendor, month: YearMonth("2026-11")!, on: env.app.db)
            #expect(deliverables.due == 4 && deliverables.onTime == 1 && deliverables.returnedForRevision == 0)
            // 21 weekdays × 3 engineers scheduled; 12 weekdays before the 18th recorded present (one covered leave among them).
            let attendance = try await EvaluationInputs.attendance(vendorId: vendor, month: YearMonth("2026-11")!, on: env.app.db)
            #expect(attendance.scheduled == 63 && attendance.present == 36)
        }
    }
}
