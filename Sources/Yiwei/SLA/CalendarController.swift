import Fluent
import Vapor
import YiweiCore

/// `/api/v1/calendars*`: business calendars and the calculators users and auditors check deadlines with.
struct CalendarController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let calendars = routes.grouped("calendars")
        calendars.get(use: list)
        calendars.post(use: create)
        calendars.get(":calendarId", use: get)
        calendars.put(":calendarId", use: replace)
        calendars.post(":calendarId", "dates", use: addDates)
        calendars.get(":calendarId", "due", use: due)
        calendars.get(":calendarId", "business-minutes", use: businessMinutes)
    }

    func list(req: Request) async throws -> Page<CalendarDTO> {
        _ = try req.requireUser()
        let page = try PageRequest(from: req)
        let query = CalendarRecord.query(on: req.db)
        let total = try await query.count()
        let records = try await query.sort(\.$name).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: records.map(CalendarStore.dto), page: page.page, per: page.per, total: total)
    }

    static func find(_ req: Request) async throws -> CalendarRecord {
        _ = try req.requireUser()
        guard let id = req.parameters.get("calendarId", as: UUID.self), let record = try await CalendarRecord.find(id, on: req.db) else {
            throw AppError.notFound("calendar")
        }
        return record
    }

    func get(req: Request) async throws -> CalendarDTO {
        CalendarStore.dto(try await Self.find(req))
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(CalendarBody.self)
        return try await CalendarService.save(nil, body, request: req).encodeResponse(status: .created, for: req)
    }

    func replace(req: Request) async throws -> CalendarDTO {
        try req.require(.manageOrganisation)
        let record = try await Self.find(req)
        let body = try req.decodeJSON(CalendarBody.self)
        return try await CalendarService.save(record, body, request: req)
    }

    /// Adds holidays and make-up days (a later year's schedule, imported as lists of dates).
    func addDates(req: Request) async throws -> CalendarDTO {
        try req.require(.manageOrganisation)
        let record = try await Self.find(req)
        let body = try req.decodeJSON(CalendarDatesBody.self)
        let dto = CalendarStore.dto(record)
        let merged = CalendarBody(name: dto.name, timeZone: dto.timeZone, weeklyHours: dto.weeklyHours,
                                  holidays: Array(Set(dto.holidays + (body.holidays ?? []))),
                                  workdays: Array(Set(dto.workdays + (body.workdays ?? []))), isActive: dto.isActive)
        return try await CalendarService.save(record, merged, request: req)
    }

    func due(req: Request) async throws -> DueDTO {
        let record = try await Self.find(req)
        var v = Validator()
        let start = v.instant("start", req.queryParameter("start"))
        if (req.queryParameter("start") ?? "").isEmpty { v.add("start", "required") }
        if let start, !Self.sensible(start) { v.add("start", "must be between 1970 and 2100") }
        let raw = req.queryParameter("minutes")
        let minutes = raw.flatMap { Int($0) }
        if raw == nil { v.add("minutes", "required") } else if minutes == nil || !(0...5_256_000).contains(minutes!) {
            v.add("minutes", "must be a whole number between 0 and 5256000")
        }
        guard v.isValid, let start, let minutes else { throw AppError(.badRequest, .invalidQuery, "invalid calculator input", fields: v.fields) }
        let calendar = try CalendarStore.calendar(record)
        guard let due = calendar.due(start: start, minutes: minutes) else {
            throw AppError(.unprocessableEntity, .noWorkingTime, "the calendar has no working time within ten years")
        }
        return DueDTO(due: CalendarStore.format(due, in: calendar.timeZone))
    }

    /// Calendars describe working time of this era; far-away instants (year 799: local mean time with a
    /// seconds offset that RFC 3339 cannot write) are refused. Found by fuzzing.
    static func sensible(_ date: Date) -> Bool {
        (0...4_102_444_800).contains(date.timeIntervalSince1970) // 1970-01-01 … 2100-01-01
    }

    func businessMinutes(req: Request) async throws -> BusinessMinutesDTO {
        let record = try await Self.find(req)
        var v = Validator()
        let from = v.instant("from", req.queryParameter("from"))
        let to = v.instant("to", req.queryParameter("to"))
        if (req.queryParameter("from") ?? "").isEmpty { v.add("from", "required") }
        if (req.queryParameter("to") ?? "").isEmpty { v.add("to", "required") }
        if let from, !Self.sensible(from) { v.add("from", "must be between 1970 and 2100") }
        if let to, !Self.sensible(to) { v.add("to", "must be between 1970 and 2100") }
        if let from, let to, to.timeIntervalSince(from) > 20 * 366 * 86400 { v.add("to", "at most 20 years after from") }
        guard v.isValid, let from, let to else { throw AppError(.badRequest, .invalidQuery, "invalid calculator input", fields: v.fields) }
        return BusinessMinutesDTO(minutes: try CalendarStore.calendar(record).businessMinutes(from: from, to: to))
    }
}

enum CalendarService {
    /// Creates (record nil) or replaces a calendar; every problem is named; audited.
    static func save(_ existing: CalendarRecord?, _ body: CalendarBody, request: Request) async throws -> CalendarDTO {
        var v = Validator()
        let name = v.text("name", body.name, max: 50)
        if body.weeklyHours == nil { v.add("weeklyHours", "required") }
        let calendar = CalendarStore.build(timeZone: body.timeZone ?? "Asia/Shanghai", weekly: body.weeklyHours ?? [:],
                                           holidays: body.holidays ?? [], workdays: body.workdays ?? [], v: &v)
        try v.check()
        var duplicate = CalendarRecord.query(on: request.db).filter(\.$name == name!)
        if let id = existing?.id { duplicate = duplicate.filter(\.$id != id) }
        if try await duplicate.first() != nil {
            throw AppError.conflict(.duplicateName, "a calendar named \(name!) already exists", field: "name")
        }
        let record = existing ?? CalendarRecord()
        let before = existing.map(CalendarStore.dto)
        record.name = name!
        CalendarStore.store(calendar!, in: record)
        record.isActive = body.isActive ?? existing?.isActive ?? true
        let now = request.now, actor = request.auditActor
        if existing == nil { record.createdAt = now }
        record.updatedAt = now
        let saved = UncheckedModel(record)
        return try await request.write { db in
            let record = saved.model
            if before == nil { try await record.create(on: db) } else { try await record.update(on: db) }
            let dto = CalendarStore.dto(record)
            try await AuditLog.append(on: db, at: now, actor: actor, action: before == nil ? "calendar.create" : "calendar.update",
                                      entityType: "calendar", entityId: record.id?.uuidString, before: before, after: dto)
            return dto
        }
    }
}
