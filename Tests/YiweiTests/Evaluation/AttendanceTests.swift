import Foundation
import Testing
import VaporTesting
import YiweiCore
@testable import Yiwei

@Suite("On-site staffing and attendance: 驻场到岗率 = present ÷ scheduled person-days")
struct AttendanceTests {
    struct Staff: Encodable, Sendable { var vendorId: String?; var userId: String?; var name: String?; var post: String? }
    struct Entry: Encodable, Sendable { var staffId: String?; var day: String?; var status: String?; var replacement: String?; var note: String? }
    struct Put: Encodable, Sendable { var vendorId: String?; var month: String?; var replace: Bool?; var entries: [Entry] }
    struct Roster: Encodable, Sendable { var vendorId: String; var month: String; var weekdays: [Int]? }

    static func staff(_ e: EvalHospital) async throws -> (account: OnsiteStaffDTO, named: OnsiteStaffDTO) {
        let a = try await e.env.send(.POST, "/api/v1/attendance/staff", token: e.h.lead.token,
                                     json: Staff(vendorId: e.vendor.uuidString, userId: e.h.vendorEngineer.id.uuidString, post: "软件开发工程师"))
        try #require(a.status == .created, "\(a.body.string)")
        let b = try await e.env.send(.POST, "/api/v1/attendance/staff", token: e.h.lead.token,
                                     json: Staff(vendorId: e.vendor.uuidString, name: "王工", post: "网络及信息安全工程师"))
        try #require(b.status == .created, "\(b.body.string)")
        return (try a.content.decode(OnsiteStaffDTO.self), try b.content.decode(OnsiteStaffDTO.self))
    }

    static func octoberDays(_ n: Int, from: Int = 1) -> [String] { (from..<(from + n)).map { "2026-10-" + ($0 < 10 ? "0" : "") + String($0) } }

    @Test("20 scheduled person-days, 19 present (a covered leave counts, an absence does not) → 95.0 %, as the scorecard reads it")
    func ninetyFivePercent() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let (a, b) = try await Self.staff(e)
            #expect(a.name == "测试vendor1" && a.userId == e.h.vendorEngineer.id)
            // A: 10 days present. B: 8 present, 1 leave with 李工 standing in, 1 absent.
            var entries = Self.octoberDays(10).map { Entry(staffId: a.id.uuidString, day: $0, status: "present") }
            entries += Self.octoberDays(8, from: 12).map { Entry(staffId: b.id.uuidString, day: $0, status: "present") }
            entries.append(Entry(staffId: b.id.uuidString, day: "2026-10-20", status: "leave_replaced", replacement: "李工"))
            entries.append(Entry(staffId: b.id.uuidString, day: "2026-10-21", status: "absent", note: "未请假"))
            let res = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token, json: Put(vendorId: e.vendor.uuidString, month: "2026-10", entries: entries))
            #expect(res.status == .ok, "\(res.body.string)")
            let month = try res.content.decode(AttendanceMonthDTO.self)
            #expect(month.scheduled == 20 && month.present == 19 && month.unrecorded == 0 && month.ratePercent == Decimal(95))
            #expect(month.staff.first { $0.staff.id == b.id }?.days["2026-10-20"] == AttendanceDayDTO(status: "leave_replaced", replacement: "李工", note: nil))

            let figures = try await EvaluationInputs.attendance(vendorId: e.vendor, month: YearMonth("2026-10")!, on: env.app.db)
            #expect(figures.scheduled == 20 && figures.present == 19)
            #expect(try ObjectiveScoring.attendanceRate(presentPersonDays: figures.present, scheduledPersonDays: figures.scheduled).percentTenths == 950)
            let september = try await EvaluationInputs.attendance(vendorId: e.vendor, month: YearMonth("2026-09")!, on: env.app.db)
            #expect(september.scheduled == 0 && september.present == 0)

            // Changing one day and taking one off the roster: 19 scheduled, 19 present → 100 %.
            let fix = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token,
                                         json: Put(vendorId: e.vendor.uuidString, month: "2026-10", entries: [Entry(staffId: b.id.uuidString, day: "2026-10-21", status: "off")]))
            #expect(try fix.content.decode(AttendanceMonthDTO.self).ratePercent == Decimal(100))
            // The whole grid: replace keeps only what is listed.
            let grid = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token,
                                          json: Put(vendorId: e.vendor.uuidString, month: "2026-10", replace: true,
                                                    entries: [Entry(staffId: a.id.uuidString, day: "2026-10-01", status: "present"),
                                                              Entry(staffId: a.id.uuidString, day: "2026-10-02", status: "absent")]))
            let replaced = try grid.content.decode(AttendanceMonthDTO.self)
            #expect(replaced.scheduled == 2 && replaced.present == 1 && replaced.ratePercent == Decimal(50))
            let audited = try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'attendance.update'").first()!.decode(column: "n", as: Int.self)
            #expect(audited == 3)
        }
    }

    @Test("the roster button schedules Monday–Friday for every active engineer; days to come can be scheduled, not recorded")
    func rosterAndFutureDays() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let (a, _) = try await Self.staff(e)
            // November 2026 has 30 days, 9 of them weekend days (Sat 7/14/21/28, Sun 1/8/15/22/29): 21 weekdays × 2 engineers.
            let res = try await env.send(.POST, "/api/v1/attendance/roster", token: e.h.lead.token, json: Roster(vendorId: e.vendor.uuidString, month: "2026-11"))
            let month = try res.content.decode(AttendanceMonthDTO.self)
            #expect(month.scheduled == 42 && month.present == 0 && month.unrecorded == 42 && month.ratePercent == Decimal(0))
            #expect(month.staff[0].days["2026-11-07"] == nil && month.staff[0].days["2026-11-09"]?.status == "scheduled")
            // Again: nothing doubles.
            let again = try await env.send(.POST, "/api/v1/attendance/roster", token: e.h.lead.token, json: Roster(vendorId: e.vendor.uuidString, month: "2026-11"))
            #expect(try again.content.decode(AttendanceMonthDTO.self).scheduled == 42)
            // The clock is 2026-11-18 (Shanghai): the 18th can be recorded, the 19th not yet.
            let today = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token,
                                           json: Put(vendorId: e.vendor.uuidString, month: "2026-11", entries: [Entry(staffId: a.id.uuidString, day: "2026-11-18", status: "present")]))
            #expect(today.status == .ok)
            let tomorrow = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token,
                                              json: Put(vendorId: e.vendor.uuidString, month: "2026-11",
                                                        entries: [Entry(staffId: a.id.uuidString, day: "2026-11-17", status: "absent"),
                                                                  Entry(staffId: a.id.uuidString, day: "2026-11-19", status: "present")]))
            #expect(tomorrow.status == .unprocessableEntity && tomorrow.errorFields["entries[1].status"] == "attendance cannot be recorded for a day still to come")
            let figures = try await EvaluationInputs.attendance(vendorId: e.vendor, month: YearMonth("2026-11")!, on: env.app.db)
            #expect(figures.scheduled == 42 && figures.present == 1)
        }
    }

    @Test("bad grids are 422 with the entry's field, and nothing changes")
    func badInput() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let (a, _) = try await Self.staff(e)
            let otherVendor = try await env.send(.POST, "/api/v1/vendors", token: e.h.admin, json: ["name": "华康网络科技有限公司"]).content.decode(VendorDTO.self).id
            let foreign = try await env.send(.POST, "/api/v1/attendance/staff", token: e.h.lead.token,
                                             json: Staff(vendorId: otherVendor.uuidString, name: "赵工")).content.decode(OnsiteStaffDTO.self)
            let res = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token, json: Put(vendorId: e.vendor.uuidString, month: "2026-10", entries: [
                Entry(staffId: a.id.uuidString, day: "2026-10-01", status: "present"),
                Entry(staffId: foreign.id.uuidString, day: "2026-10-02", status: "present"),
                Entry(staffId: a.id.uuidString, day: "2026-11-02", status: "present"),
                Entry(staffId: a.id.uuidString, day: "2026-10-03", status: "sick"),
                Entry(staffId: a.id.uuidString, day: "2026-10-01", status: "absent"),
            ]))
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorFields["entries[1].staffId"] == "no such on-site engineer of this vendor")
            #expect(res.errorFields["entries[2].day"]?.hasPrefix("must be a day of the month") == true)
            #expect(res.errorFields["entries[3].status"]?.hasPrefix("must be one of off, scheduled") == true)
            #expect(res.errorFields["entries[4].day"] == "given twice for this engineer")
            #expect(try await env.count("attendance_days") == 0)
            let noMonth = try await env.send(.PUT, "/api/v1/attendance", token: e.h.lead.token, json: Put(vendorId: "x", month: "10/2026", entries: []))
            #expect(noMonth.errorFields == ["vendorId": "must be an id", "month": "must be a month like 2026-11"])
            #expect(try await env.send(.GET, "/api/v1/attendance?vendorId=\(e.vendor)", token: e.h.lead.token).status == .badRequest)
            // Staff: an account of another vendor, or neither account nor name.
            let wrong = try await env.send(.POST, "/api/v1/attendance/staff", token: e.h.lead.token,
                                           json: Staff(vendorId: otherVendor.uuidString, userId: e.h.vendorEngineer.id.uuidString))
            #expect(wrong.status == .unprocessableEntity && wrong.errorFields["userId"] == "must be an account of this vendor (vendor role)")
            let nobody = try await env.send(.POST, "/api/v1/attendance/staff", token: e.h.lead.token, json: Staff(vendorId: e.vendor.uuidString))
            #expect(nobody.errorFields == ["name": "required"])
            #expect(try await env.count("onsite_staff") == 3)
        }
    }

    @Test("leads keep the roster and attendance; auditors read; vendors, reporters, engineers and dispatchers have no access")
    func permissions() async throws {
        try await withYiwei { env in
            let e = try await EvalHospital.make(env)
            let (a, _) = try await Self.staff(e)
            let path = "/api/v1/attendance?vendorId=\(e.vendor)&month=2026-10"
            #expect(try await env.send(.GET, path, token: e.h.lead.token).status == .ok)
            #expect(try await env.send(.GET, path, token: e.h.auditor.token).status == .ok)
            let put = Put(vendorId: e.vendor.uuidString, month: "2026-10", entries: [Entry(staffId: a.id.uuidString, day: "2026-10-01", status: "present")])
            for token in [e.h.auditor.token, e.h.vendorEngineer.token, e.h.nurse.token, e.h.engineer.token, e.h.dispatcher.token, e.h.admin] {
                #expect(try await env.send(.PUT, "/api/v1/attendance", token: token, json: put).status == .forbidden)
                #expect(try await env.send(.POST, "/api/v1/attendance/staff", token: token, json: Staff(vendorId: e.vendor.uuidString, name: "x")).status == .forbidden)
            }
            for token in [e.h.vendorEngineer.token, e.h.nurse.token, e.h.engineer.token, e.h.dispatcher.token, e.h.admin] {
                #expect(try await env.send(.GET, path, token: token).status == .forbidden)
            }
            #expect(try await env.count("attendance_days") == 0)
            // Every refusal is audited, as every permission denial is: 6 × (PUT + POST) + 5 × GET.
            let denied = try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'permission.denied'").first()!.decode(column: "n", as: Int.self)
            #expect(denied == 17)
        }
    }
}
