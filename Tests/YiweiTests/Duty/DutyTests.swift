import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

/// docs/duty.md's API examples. The test clock stands at 2026-11-18 19:06:40 in Shanghai (11:06:40 UTC).
@Suite("Duty rosters: shift types, shifts, conflicts, who is on duty now")
struct DutyTests {
    struct Fixture {
        var lead: String
        var agent: String
        var teamId: UUID
        var liming: UUID
        var wangqiang: UUID
        var outsider: UUID
    }

    static func fixture(_ env: TestEnv) async throws -> Fixture {
        let admin = try await env.adminToken()
        let team = try await env.send(.POST, "/api/v1/teams", token: admin, json: ["name": "信息组", "domain": "it"])
        try #require(team.status == .created, "\(team.body.string)")
        let teamId = try team.content.decode(TeamDTO.self).id
        let lead = try await env.makeUser("zhuguan", roles: ["lead"], teamIds: [teamId.uuidString])
        let liming = try await env.makeUser("liming", roles: ["agent"], teamIds: [teamId.uuidString])
        let wangqiang = try await env.makeUser("wangqiang", roles: ["agent"], teamIds: [teamId.uuidString])
        let outsider = try await env.makeUser("waibu", roles: ["agent"])
        return Fixture(lead: lead.token, agent: liming.token, teamId: teamId, liming: liming.id, wangqiang: wangqiang.id, outsider: outsider.id)
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    static func type(_ env: TestEnv, _ f: Fixture, _ name: String, _ start: String, _ end: String, _ level: String) async throws -> DutyShiftTypeDTO {
        let res = try await env.send(.POST, "/api/v1/duty/shift-types", token: f.lead,
                                     json: ["name": name, "start": start, "end": end, "level": level])
        try #require(res.status == .created, "\(res.body.string)")
        return try decoder().decode(DutyShiftTypeDTO.self, from: Data(res.body.readableBytesView))
    }

    static func shift(_ env: TestEnv, _ f: Fixture, _ user: UUID, _ type: DutyShiftTypeDTO, _ date: String) async throws -> TestingHTTPResponse {
        try await env.send(.POST, "/api/v1/duty/shifts", token: f.lead,
                           json: ["teamId": f.teamId.uuidString, "userId": user.uuidString, "shiftTypeId": type.id.uuidString, "date": date])
    }

    static func now(_ env: TestEnv, _ f: Fixture, at: String) async throws -> [String] {
        let res = try await env.send(.GET, "/api/v1/duty/now?teamId=\(f.teamId)&at=\(at)", token: f.agent)
        try #require(res.status == .ok, "\(res.body.string)")
        let body = try decoder().decode(DutyNowDTO.self, from: Data(res.body.readableBytesView))
        let names = [f.liming: "liming", f.wangqiang: "wangqiang"]
        return body.onDuty.map { (names[$0.userId] ?? "?") + ":" + $0.level }
    }

    @Test("a night and a 24-hour backup: at 02:00 both are on duty, primary first; at 08:00 sharp neither")
    func nightAndBackup() async throws {
        try await withYiwei { env in
            let f = try await Self.fixture(env)
            let day = try await Self.type(env, f, "白班", "08:00", "17:30", "primary")
            let night = try await Self.type(env, f, "夜班", "17:30", "08:00", "primary")
            let backup = try await Self.type(env, f, "二线听班", "08:00", "08:00", "backup")
            #expect(day.minutes == 570 && !day.crossesMidnight)
            #expect(night.minutes == 870 && night.crossesMidnight)
            #expect(backup.minutes == 1440 && backup.crossesMidnight)

            let nightShift = try await Self.shift(env, f, f.liming, night, "2026-11-30")
            #expect(nightShift.status == .created, "\(nightShift.body.string)")
            let dto = try Self.decoder().decode(DutyShiftDTO.self, from: Data(nightShift.body.readableBytesView))
            // 17:30 on 30 November in Shanghai is 09:30 UTC; 08:00 the next morning is 00:00 UTC.
            #expect(dto.startsAt == ISO8601DateFormatter().date(from: "2026-11-30T09:30:00Z"))
            #expect(dto.endsAt == ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
            #expect(try await Self.shift(env, f, f.wangqiang, backup, "2026-11-30").status == .created)

            // 02:00 on 1 December in Shanghai: the night that began the day before, then the backup.
            #expect(try await Self.now(env, f, at: "2026-11-30T18:00:00Z") == ["liming:primary", "wangqiang:backup"])
            #expect(try await Self.now(env, f, at: "2026-12-01T00:00:00Z") == [], "08:00 belongs to the next shift (spans are half-open)")
            #expect(try await Self.now(env, f, at: "2026-11-30T09:29:59Z") == ["wangqiang:backup"])

            let listed = try await env.send(.GET, "/api/v1/duty/shifts?teamId=\(f.teamId)&from=2026-11-30&to=2026-11-30", token: f.agent)
            #expect(listed.status == .ok)
            let page = try Self.decoder().decode(Page<DutyShiftDTO>.self, from: Data(listed.body.readableBytesView))
            // By start time: the backup from 08:00, the night from 17:30.
            #expect(page.total == 2 && page.items.map(\.level) == ["backup", "primary"])
            #expect(try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'duty.shift.create'").first()!
                .decode(column: "n", as: Int.self) == 2)
        }
    }

    @Test("conflicts answer 409 and add nothing: the morning after a night, a shift inside a 24-hour duty")
    func conflicts() async throws {
        try await withYiwei { env in
            let f = try await Self.fixture(env)
            let day = try await Self.type(env, f, "白班", "08:00", "17:30", "primary")
            let night = try await Self.type(env, f, "夜班", "17:30", "08:00", "primary")
            let backup = try await Self.type(env, f, "二线听班", "08:00", "08:00", "backup")
            #expect(try await Self.shift(env, f, f.liming, night, "2026-11-30").status == .created)
            #expect(try await Self.shift(env, f, f.wangqiang, backup, "2026-11-30").status == .created)

            let morning = try await Self.shift(env, f, f.liming, day, "2026-12-01")
            #expect(morning.status == .conflict && morning.errorCode == "duty_conflict")
            #expect(morning.body.string.contains("rest around the night shift 2026-11-30 17:30–08:00"), "\(morning.body.string)")
            let inside = try await Self.shift(env, f, f.wangqiang, day, "2026-11-30")
            #expect(inside.status == .conflict && inside.errorCode == "duty_conflict")
            #expect(inside.body.string.contains("overlaps"), "\(inside.body.string)")
            // The evening after the night: 9 h 30 min of rest, allowed.
            #expect(try await Self.shift(env, f, f.liming, night, "2026-12-01").status == .created)
            #expect(try await env.count("duty_shifts") == 3)
        }
    }

    @Test("bad input is a 4xx naming the field and changes nothing; engineers read but do not roster")
    func badInput() async throws {
        try await withYiwei { env in
            let f = try await Self.fixture(env)
            let day = try await Self.type(env, f, "白班", "08:00", "17:30", "primary")
            let types = try await env.count("duty_shift_types")

            let badTime = try await env.send(.POST, "/api/v1/duty/shift-types", token: f.lead,
                                             json: ["name": "错误", "start": "25:00", "end": "8:00", "level": "third"])
            #expect(badTime.status == .unprocessableEntity)
            #expect(Set(badTime.errorFields.keys) == ["start", "end", "level"])
            let duplicate = try await env.send(.POST, "/api/v1/duty/shift-types", token: f.lead,
                                               json: ["name": "白班", "start": "08:00", "end": "17:00", "level": "primary"])
            #expect(duplicate.status == .conflict && duplicate.errorCode == "duplicate_name")
            #expect(try await env.count("duty_shift_types") == types)

            let noSuchDay = try await Self.shift(env, f, f.liming, day, "2026-02-30")
            #expect(noSuchDay.status == .unprocessableEntity && noSuchDay.errorFields["date"] != nil)
            let outsider = try await Self.shift(env, f, f.outsider, day, "2026-11-30")
            #expect(outsider.status == .unprocessableEntity && outsider.errorFields["userId"] == "is not a member of the team")
            let past = try await Self.shift(env, f, f.liming, day, "2026-11-10")
            #expect(past.status == .conflict && past.errorCode == "shift_in_past")
            let byAgent = try await env.send(.POST, "/api/v1/duty/shifts", token: f.agent,
                                             json: ["teamId": f.teamId.uuidString, "userId": f.liming.uuidString,
                                                    "shiftTypeId": day.id.uuidString, "date": "2026-11-30"])
            #expect(byAgent.status == .forbidden)
            #expect(try await env.count("duty_shifts") == 0)

            #expect(try await env.send(.GET, "/api/v1/duty/now", token: f.agent).status == .badRequest)
            #expect(try await env.send(.GET, "/api/v1/duty/now?teamId=\(f.teamId)&at=yesterday", token: f.agent).status == .badRequest)
            #expect(try await env.send(.GET, "/api/v1/duty/now?teamId=\(UUID())", token: f.agent).status == .notFound)
        }
    }

    @Test("tonight's forgotten night shift may still be added; a shift that has started cannot be deleted, a future one can")
    func startedShifts() async throws {
        try await withYiwei { env in
            let f = try await Self.fixture(env)
            let night = try await Self.type(env, f, "夜班", "17:30", "08:00", "primary")
            // It is 19:06 on 18 November: tonight's night shift began at 17:30 and runs until 08:00.
            let tonight = try await Self.shift(env, f, f.liming, night, "2026-11-18")
            #expect(tonight.status == .created, "\(tonight.body.string)")
            let tonightId = try Self.decoder().decode(DutyShiftDTO.self, from: Data(tonight.body.readableBytesView)).id
            #expect(try await Self.now(env, f, at: "2026-11-18T11:06:40Z") == ["liming:primary"])
            let started = try await env.send(.DELETE, "/api/v1/duty/shifts/\(tonightId)", token: f.lead)
            #expect(started.status == .conflict && started.errorCode == "shift_started")

            let later = try await Self.shift(env, f, f.wangqiang, night, "2026-11-20")
            let laterId = try Self.decoder().decode(DutyShiftDTO.self, from: Data(later.body.readableBytesView)).id
            #expect(try await env.send(.DELETE, "/api/v1/duty/shifts/\(laterId)", token: f.lead).status == .noContent)
            #expect(try await env.send(.DELETE, "/api/v1/duty/shifts/\(laterId)", token: f.lead).status == .notFound)
            #expect(try await env.count("duty_shifts") == 1)
            #expect(try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'duty.shift.delete'").first()!
                .decode(column: "n", as: Int.self) == 1)
        }
    }
}
