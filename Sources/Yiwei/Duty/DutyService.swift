import Fluent
import Foundation
import Vapor
import YiweiCore

/// The duty roster's rules on the database (docs/duty.md): shift types, shifts, who is on duty. The hours and the
/// conflict rules themselves are `ShiftHours` and `DutyRules` in YiweiCore.
enum DutyService {
    static func dto(_ t: DutyShiftType) throws -> DutyShiftTypeDTO {
        let hours = ShiftHours(start: t.startMinute, end: t.endMinute)
        return DutyShiftTypeDTO(id: try t.requireID(), name: t.name, start: ShiftHours.text(t.startMinute), end: ShiftHours.text(t.endMinute),
                                level: t.level, teamId: t.teamId, crossesMidnight: hours.crossesMidnight, minutes: hours.minutes,
                                isActive: t.isActive, createdAt: t.createdAt, updatedAt: t.updatedAt)
    }

    static func dto(_ s: DutyShift) throws -> DutyShiftDTO {
        DutyShiftDTO(id: try s.requireID(), teamId: s.teamId, userId: s.userId, shiftTypeId: s.shiftTypeId, date: s.date,
                     startsAt: s.startsAt, endsAt: s.endsAt, level: s.level, createdAt: s.createdAt)
    }

    // MARK: - Shift types

    /// Every shift type, or those a team may use (its own and the shared ones), by start time.
    static func shiftTypes(teamId: UUID?, on db: any Database) async throws -> [DutyShiftTypeDTO] {
        try await shiftTypeModels(teamId: teamId, on: db).map(dto)
    }

    static func shiftTypeModels(teamId: UUID?, on db: any Database) async throws -> [DutyShiftType] {
        let query = DutyShiftType.query(on: db)
        if let teamId { query.group(.or) { $0.filter(\.$teamId == teamId).filter(\.$teamId == nil) } }
        return try await query.sort(\.$startMinute).sort(\.$name).all()
    }

    static let hoursProblem = "must be a time like 08:00, from 00:00 to 23:59 (an end at or before the start is on the next day)"

    static func createShiftType(_ body: DutyShiftTypeBody, actor: AuditActor, now: Date, writer: Application) async throws -> DutyShiftTypeDTO {
        var v = Validator()
        let name = v.text("name", body.name, max: 50)
        let start = body.start.flatMap(ShiftHours.minutes)
        let end = body.end.flatMap(ShiftHours.minutes)
        if body.start?.isEmpty ?? true { v.add("start", "required") } else if start == nil { v.add("start", hoursProblem) }
        if body.end?.isEmpty ?? true { v.add("end", "required") } else if end == nil { v.add("end", hoursProblem) }
        let level = v.oneOf("level", body.level, DutyLevel.self)
        let teamId = v.uuid("teamId", body.teamId)
        try v.check()
        guard let name, let start, let end, let level else { throw AppError.validation(v.fields) }
        return try await writer.write(affectsReference: false) { db in
            if let teamId, try await Team.find(teamId, on: db) == nil { throw AppError.validation(["teamId": "no such team"]) }
            let same = DutyShiftType.query(on: db).filter(\.$name == name)
            if let teamId { same.filter(\.$teamId == teamId) } else { same.filter(\.$teamId == nil) }
            if try await same.first() != nil {
                throw AppError.conflict(.duplicateName, "a shift type of this name exists already", field: "name")
            }
            let type = DutyShiftType()
            type.name = name; type.startMinute = start; type.endMinute = end; type.level = level.rawValue
            type.teamId = teamId; type.isActive = true; type.createdAt = now; type.updatedAt = now
            try await type.create(on: db)
            let result = try dto(type)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "duty.shift_type.create", entityType: "duty_shift_type",
                                      entityId: result.id.uuidString, after: result)
            return result
        }
    }

    // MARK: - Shifts

    struct ShiftFilter: Sendable {
        var teamId: UUID?
        var userId: UUID?
        var from: String?
        var to: String?
    }

    static func shifts(_ filter: ShiftFilter, page: PageRequest, on db: any Database) async throws -> Page<DutyShiftDTO> {
        let query = DutyShift.query(on: db)
        if let teamId = filter.teamId { query.filter(\.$teamId == teamId) }
        if let userId = filter.userId { query.filter(\.$userId == userId) }
        if let from = filter.from { query.filter(\.$date >= from) }
        if let to = filter.to { query.filter(\.$date <= to) }
        let total = try await query.count()
        let items = try await query.sort(\.$startsAt).sort(\.$level).range(page.offset..<(page.offset + page.per)).all().map(dto)
        return Page(items: items, page: page.page, per: page.per, total: total)
    }

    /// Puts one person on one shift (DUTY-1, DUTY-2): the person must be a member of the team, the shift type the
    /// team's or a shared one, and the shift not over yet (a past roster is a record). Refused with 409
    /// `duty_conflict` when the person already has an overlapping shift, or too little rest after a night.
    static func createShift(_ body: DutyShiftBody, actor: AuditActor, now: Date, timeZone: TimeZone, rules: DutyRules,
                            chinese: Bool = false, writer: Application) async throws -> DutyShiftDTO {
        var v = Validator()
        let teamId = v.uuid("teamId", body.teamId, required: true)
        let userId = v.uuid("userId", body.userId, required: true)
        let typeId = v.uuid("shiftTypeId", body.shiftTypeId, required: true)
        let date: CivilDate?
        if let text = body.date, !text.isEmpty {
            date = CivilDate(text)
            if date == nil { v.add("date", "must be a date that exists, like 2026-12-08") }
        } else {
            date = nil; v.add("date", "required")
        }
        try v.check()
        guard let teamId, let userId, let typeId, let date else { throw AppError.validation(v.fields) }
        return try await writer.write(affectsReference: false) { db in
            var problems: [String: String] = [:]
            if try await Team.find(teamId, on: db) == nil { problems["teamId"] = "no such team" }
            let user = try await User.find(userId, on: db)
            if user == nil || user?.isActive == false { problems["userId"] = "no such active user" }
            else if try await TeamMember.query(on: db).filter(\.$teamId == teamId).filter(\.$userId == userId).first() == nil {
                problems["userId"] = "is not a member of the team"
            }
            let type = try await DutyShiftType.find(typeId, on: db)
            if type == nil || type?.isActive == false { problems["shiftTypeId"] = "no such active shift type" }
            else if let own = type?.teamId, own != teamId { problems["shiftTypeId"] = "belongs to another team" }
            guard problems.isEmpty, let type, let user else { throw AppError.validation(problems) }
            let hours = ShiftHours(start: type.startMinute, end: type.endMinute)
            let level = DutyLevel(rawValue: type.level) ?? .primary
            let candidate = DutyAssignment(person: userId, shiftType: typeId, date: date, interval: hours.interval(on: date, in: timeZone),
                                           level: level, isNight: hours.crossesMidnight)
            guard candidate.interval.end > now else {
                throw AppError.conflict(.shiftInPast, "the shift is over: a past roster is a record and is not added to")
            }
            // The person's shifts that could overlap or be too close: starting up to two days around this one.
            let nearby = try await DutyShift.query(on: db).filter(\.$userId == userId)
                .filter(\.$startsAt > candidate.interval.start.addingTimeInterval(-2 * 86_400))
                .filter(\.$startsAt < candidate.interval.end.addingTimeInterval(2 * 86_400)).all()
            let existing = try nearby.map(assignment)
            if let conflict = rules.conflicts(adding: candidate, existing: existing).first {
                throw AppError.conflict(.dutyConflict, describe(conflict, who: chinese ? user.displayName : user.username, timeZone: timeZone,
                                                                chinese: chinese))
            }
            let shift = DutyShift()
            shift.teamId = teamId; shift.userId = userId; shift.shiftTypeId = typeId; shift.date = date.description
            shift.startsAt = candidate.interval.start; shift.endsAt = candidate.interval.end
            shift.level = level.rawValue; shift.isNight = hours.crossesMidnight
            shift.createdBy = actor.id ?? userId; shift.createdAt = now
            try await shift.create(on: db)
            let result = try dto(shift)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "duty.shift.create", entityType: "duty_shift",
                                      entityId: result.id.uuidString, after: result)
            return result
        }
    }

    /// Why a shift was refused, in words a lead can act on (the API's English, or the page's Chinese).
    static func describe(_ conflict: DutyConflict<UUID, UUID>, who: String, timeZone: TimeZone, chinese: Bool = false) -> String {
        func span(_ a: DutyAssignment<UUID, UUID>) -> String {
            let start = CivilDate.local(a.interval.start, in: timeZone), end = CivilDate.local(a.interval.end, in: timeZone)
            let next = end.date != start.date ? (chinese ? "次日" : "") : ""
            return "\(start.date) \(ShiftHours.text(start.second / 60))–\(next)\(ShiftHours.text(end.second / 60))"
        }
        switch conflict {
        case .overlapping(let other):
            return chinese ? "\(who) 已有 \(span(other)) 的班次，与本班次重叠" : "\(who) already has a shift \(span(other)) that overlaps this one"
        case .restAfterNight(let other, let minutes):
            let rest = chinese ? "\(minutes / 60) 小时" + (minutes % 60 > 0 ? "\(minutes % 60) 分钟" : "") : "\(minutes / 60) h \(minutes % 60) min"
            return chinese ? "\(who) 在夜班 \(span(other)) 前后须休息 \(rest)" : "\(who) needs \(rest) of rest around the night shift \(span(other))"
        case .onLeave(let day): return chinese ? "\(who) \(day) 请假" : "\(who) is on leave on \(day)"
        case .unqualified(let q): return chinese ? "\(who) 不具备「\(q)」资质" : "\(who) lacks the qualification \(q)"
        }
    }

    /// Removes a shift that has not started; one that has started is part of the record (409 `shift_started`).
    static func deleteShift(_ id: UUID, actor: AuditActor, now: Date, writer: Application) async throws {
        try await writer.write(affectsReference: false) { db in
            guard let shift = try await DutyShift.find(id, on: db) else { throw AppError.notFound("shift") }
            guard shift.startsAt > now else {
                throw AppError.conflict(.shiftStarted, "the shift has started: it is part of the record and is not deleted")
            }
            let before = try dto(shift)
            try await shift.delete(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "duty.shift.delete", entityType: "duty_shift",
                                      entityId: id.uuidString, before: before)
        }
    }

    /// A stored shift as the rules see it, keyed by the shift's id.
    static func assignment(_ s: DutyShift) throws -> DutyAssignment<UUID, UUID> {
        DutyAssignment(person: s.userId, shiftType: try s.requireID(), date: CivilDate(s.date) ?? CivilDate(epochDay: 0),
                       interval: DutyInterval(start: s.startsAt, end: s.endsAt), level: DutyLevel(rawValue: s.level) ?? .primary,
                       isNight: s.isNight)
    }

    /// `08:00–17:30`, `17:30–次日 08:00`: a shift type's hours as the pages show them.
    static func hoursText(start: Int, end: Int, nextDay: String) -> String {
        ShiftHours.text(start) + "–" + (ShiftHours(start: start, end: end).crossesMidnight ? nextDay : "") + ShiftHours.text(end)
    }

    // MARK: - Who is on duty

    /// The team's people on duty at `at`: every shift of the team whose span holds it, primary before backup, then by
    /// start. A shift lasts at most 24 hours, so only the shifts that started in (at − 24 h, at] are read.
    static func onDuty(teamId: UUID, at: Date, on db: any Database) async throws -> DutyNowDTO {
        guard try await Team.find(teamId, on: db) != nil else { throw AppError.notFound("team") }
        let shifts = try await DutyShift.query(on: db).filter(\.$teamId == teamId)
            .filter(\.$startsAt > at.addingTimeInterval(-86_400)).filter(\.$startsAt <= at).filter(\.$endsAt > at).all()
        let assignments = try shifts.map(assignment)
        return DutyNowDTO(at: at, teamId: teamId, onDuty: DutyRules.onDuty(at: at, in: assignments).map {
            DutyNowDTO.OnDuty(userId: $0.person, shiftId: $0.shiftType, level: $0.level.rawValue)
        })
    }
}
