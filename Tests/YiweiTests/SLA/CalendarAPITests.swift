import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Calendars API: presets, calculators, bad input")
struct CalendarAPITests {
    func office(_ env: TestEnv, _ token: String) async throws -> CalendarDTO {
        let page = try await env.send(.GET, "/api/v1/calendars", token: token).content.decode(Page<CalendarDTO>.self)
        return try #require(page.items.first { $0.name.hasPrefix("办公时间 2026") })
    }

    func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test("three presets ship; the office calendar answers the worked examples")
    func presetsAndCalculators() async throws {
        try await withYiwei { env in
            let nurse = try await env.makeUser("hushi", roles: ["reporter"]).token
            let page = try await env.send(.GET, "/api/v1/calendars", token: nurse).content.decode(Page<CalendarDTO>.self)
            #expect(page.total == 3)
            let office = try await office(env, nurse)
            #expect(office.timeZone == "Asia/Shanghai")
            #expect(office.weeklyHours["mon"] == [["08:00", "12:00"], ["14:30", "17:30"]])
            #expect(office.weeklyHours["sat"] == nil)
            #expect(office.holidays.contains("2026-10-01") && office.workdays.contains("2026-10-10"))
            func due(_ start: String, _ minutes: Int) async throws -> String {
                let res = try await env.send(.GET, "/api/v1/calendars/\(office.id)/due?start=\(q(start))&minutes=\(minutes)", token: nurse)
                try #require(res.status == .ok, "\(res.body.string)")
                return try res.content.decode(DueDTO.self).due
            }
            #expect(try await due("2026-11-23T11:30:00+08:00", 30) == "2026-11-23T12:00:00+08:00")
            #expect(try await due("2026-11-23T12:30:00+08:00", 30) == "2026-11-23T15:00:00+08:00")
            #expect(try await due("2026-09-30T17:00:00+08:00", 60) == "2026-10-08T08:30:00+08:00")
            #expect(try await due("2026-02-13T09:00:00Z", 60) == "2026-02-14T08:30:00+08:00") // 17:00 in Shanghai; make-up Saturday
            let minutes = try await env.send(.GET, "/api/v1/calendars/\(office.id)/business-minutes?from=\(q("2026-11-27T17:00:00+08:00"))&to=\(q("2026-11-30T09:00:00+08:00"))", token: nurse)
            #expect(try minutes.content.decode(BusinessMinutesDTO.self).minutes == 90)
        }
    }

    @Test("an admin enters a later year's holidays; the calculator follows at once")
    func laterYear() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let office = try await office(env, admin)
            // 2027-01-01 is a Friday; without it, a Thursday-evening ticket would be due on Friday.
            let before = try await env.send(.GET, "/api/v1/calendars/\(office.id)/due?start=\(q("2026-12-31T17:00:00+08:00"))&minutes=60", token: admin)
            #expect(try before.content.decode(DueDTO.self).due == "2027-01-01T08:30:00+08:00")
            let res = try await env.send(.POST, "/api/v1/calendars/\(office.id)/dates", token: admin, json: CalendarDatesBody(holidays: ["2027-01-01"]))
            #expect(res.status == .ok)
            let after = try await env.send(.GET, "/api/v1/calendars/\(office.id)/due?start=\(q("2026-12-31T17:00:00+08:00"))&minutes=60", token: admin)
            #expect(try after.content.decode(DueDTO.self).due == "2027-01-04T08:30:00+08:00")
            let auditor = try await env.makeUser("shenji", roles: ["auditor"])
            let log = try await env.send(.GET, "/api/v1/audit?entityType=calendar", token: auditor.token).content.decode(Page<AuditEntryDTO>.self)
            #expect(log.items.map(\.action) == ["calendar.update"])
        }
    }

    @Test("a new calendar: create, duplicate name, and who may")
    func create() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let body = CalendarBody(name: "设备科值班", timeZone: "Asia/Shanghai",
                                    weeklyHours: ["mon": [["00:00", "08:00"], ["18:00", "24:00"]], "sat": [["00:00", "24:00"]]],
                                    holidays: ["2026-10-01"], workdays: [])
            let res = try await env.send(.POST, "/api/v1/calendars", token: admin, json: body)
            #expect(res.status == .created, "\(res.body.string)")
            let created = try res.content.decode(CalendarDTO.self)
            #expect(created.weeklyHours == ["mon": [["00:00", "08:00"], ["18:00", "24:00"]], "sat": [["00:00", "24:00"]]])
            #expect(try await env.send(.POST, "/api/v1/calendars", token: admin, json: body).status == .conflict)
            let agent = try await env.makeUser("liming", roles: ["agent"])
            #expect(try await env.send(.POST, "/api/v1/calendars", token: agent.token, json: body).status == .forbidden)
            let replaced = try await env.send(.PUT, "/api/v1/calendars/\(created.id)", token: admin,
                                              json: CalendarBody(name: "设备科值班", weeklyHours: ["sun": [["08:00", "20:00"]]]))
            #expect(try replaced.content.decode(CalendarDTO.self).weeklyHours == ["sun": [["08:00", "20:00"]]])
        }
    }

    @Test("bad calendars and bad calculator input: 4xx naming the field, nothing written", arguments: [
        (#"{"name":"x","weeklyHours":{"mon":[["12:00","08:00"]]}}"#, "weeklyHours"),
        (#"{"name":"x","weeklyHours":{"mon":[["08:00","12:00"],["11:00","13:00"]]}}"#, "weeklyHours"),
        (#"{"name":"x","weeklyHours":{"monday":[["08:00","12:00"]]}}"#, "weeklyHours"),
        (#"{"name":"x","weeklyHours":{}}"#, "weeklyHours"),
        (#"{"name":"x","weeklyHours":{"mon":[["8:00","12:00"]]}}"#, "weeklyHours"),
        (#"{"name":"x","timeZone":"Mars/Olympus","weeklyHours":{"mon":[["08:00","12:00"]]}}"#, "timeZone"),
        (#"{"name":"x","weeklyHours":{"mon":[["08:00","12:00"]]},"holidays":["2026-10-01"],"workdays":["2026-10-01"]}"#, "workdays"),
        (#"{"name":"x","weeklyHours":{"mon":[["08:00","12:00"]]},"holidays":["2026-02-30"]}"#, "holidays"),
        (#"{"weeklyHours":{"mon":[["08:00","12:00"]]}}"#, "name"),
        (#"{"name":"x"}"#, "weeklyHours"),
    ])
    func badCalendars(_ body: String, _ field: String) async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let res = try await env.send(.POST, "/api/v1/calendars", token: admin, raw: body)
            #expect(res.status == .unprocessableEntity, "\(body): \(res.status)")
            #expect(res.errorFields[field] != nil, "\(res.body.string)")
            #expect(try await env.count("calendars") == 3)
        }
    }

    @Test("calculator input is checked")
    func badCalculatorInput() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let office = try await office(env, admin)
            for query in ["minutes=30", "start=\(q("2026-11-23T08:00:00+08:00"))", "start=yesterday&minutes=30",
                          "start=\(q("2026-11-23T08:00:00+08:00"))&minutes=-1", "start=\(q("2026-11-23T08:00:00+08:00"))&minutes=1.5",
                          "start=&minutes=", // empty values (found by fuzzing: once a crash)
                          "start=\(q("0799-11-13T12:00:00Z"))&minutes=5"] { // year 799: local mean time, an offset RFC 3339 cannot write
                let res = try await env.send(.GET, "/api/v1/calendars/\(office.id)/due?\(query)", token: admin)
                #expect(res.status == .badRequest, "\(query)")
            }
            for query in ["from=&to=", "from=\(q("1066-10-14T09:00:00Z"))&to=\(q("2026-11-23T08:00:00+08:00"))"] {
                let res = try await env.send(.GET, "/api/v1/calendars/\(office.id)/business-minutes?\(query)", token: admin)
                #expect(res.status == .badRequest, "\(query)")
            }
            let reversed = try await env.send(.GET, "/api/v1/calendars/\(office.id)/business-minutes?from=\(q("2026-11-24T08:00:00+08:00"))&to=\(q("2026-11-23T08:00:00+08:00"))", token: admin)
            #expect(try reversed.content.decode(BusinessMinutesDTO.self).minutes == 0)
            #expect(try await env.send(.GET, "/api/v1/calendars/8d5e0f9a-1111-4222-8333-944455556666/due?start=x&minutes=1", token: admin).status == .notFound)
        }
    }
}
