import Fluent
import Foundation
import Vapor
import YiweiCore

enum AttendanceService {
    static func staffDTO(_ s: OnsiteStaff) -> OnsiteStaffDTO {
        OnsiteStaffDTO(id: s.id!, vendorId: s.vendorId, userId: s.userId, name: s.name, post: s.post, isActive: s.isActive)
    }

    static func month(vendorId: UUID, month: YearMonth, on db: any Database) async throws -> AttendanceMonthDTO {
        guard let vendor = try await Vendor.find(vendorId, on: db) else { throw AppError.notFound("vendor") }
        let days = EvaluationCalendar.days(of: month)
        let rows = try await AttendanceDay.query(on: db).filter(\.$vendorId == vendorId)
            .filter(\.$day >= days.first!).filter(\.$day <= days.last!).all()
        let byStaff = Dictionary(grouping: rows, by: \.staffId)
        // Active staff, and inactive ones who still have days this month.
        let staff = try await OnsiteStaff.query(on: db).filter(\.$vendorId == vendorId).sort(\.$createdAt).all()
            .filter { $0.isActive || byStaff[$0.id!] != nil }
        let result = try staff.map { s -> AttendanceStaffRow in
            let mine = byStaff[try s.requireID()] ?? []
            return AttendanceStaffRow(staff: staffDTO(s),
                                      days: Dictionary(uniqueKeysWithValues: mine.map { ($0.day, AttendanceDayDTO(status: $0.status, replacement: $0.replacement, note: $0.note)) }),
                                      scheduled: mine.count, present: mine.filter { AttendanceStatus(rawValue: $0.status)?.countsPresent == true }.count)
        }
        let figures = try await EvaluationInputs.attendance(vendorId: vendorId, month: month, on: db)
        let rate = try ObjectiveScoring.attendanceRate(presentPersonDays: figures.present, scheduledPersonDays: figures.scheduled)
        return AttendanceMonthDTO(vendorId: vendorId, vendor: vendor.name, month: month.description, staff: result, scheduled: figures.scheduled,
                                  present: figures.present, unrecorded: rows.filter { $0.status == AttendanceStatus.scheduled.rawValue }.count,
                                  ratePercent: ScorePoints(tenths: rate.percentTenths).decimalValue)
    }

    /// Records days (or the whole grid) in one transaction, audited; any invalid entry and nothing changes.
    static func put(_ body: AttendancePutBody, by user: CurrentUser, actor: AuditActor, now: Date, timeZone tz: TimeZone, on db: any Database,
                    writer: Application) async throws -> AttendanceMonthDTO {
        var v = Validator()
        let vendorId = v.uuid("vendorId", body.vendorId, required: true)
        if let vendorId, try await Vendor.find(vendorId, on: db) == nil { v.add("vendorId", "no such vendor") }
        let month = parseMonth(body.month, v: &v)
        let entries = body.entries ?? []
        if entries.count > 31 * 100 { v.add("entries", "at most 3100 entries") }
        let staff = vendorId == nil ? [:] : Dictionary(uniqueKeysWithValues: try await OnsiteStaff.query(on: db).filter(\.$vendorId == vendorId!).all().map { ($0.id!, $0) })
        let today = EvaluationCalendar.day(of: now, timeZone: tz)
        let monthDays = month.map { Set(EvaluationCalendar.days(of: $0)) } ?? []
        struct Change: Sendable { var staffId: UUID; var day: String; var status: String?; var replacement: String?; var note: String? }
        var changes: [Change] = []
        var seen = Set<String>()
        for (i, e) in entries.enumerated() {
            let field = "entries[\(i)]"
            guard let staffId = v.uuid(field + ".staffId", e.staffId, required: true) else { continue }
            guard staff[staffId] != nil else { v.add(field + ".staffId", "no such on-site engineer of this vendor"); continue }
            guard let day = e.day, monthDays.contains(day) else { v.add(field + ".day", "must be a day of the month, like \(month?.description ?? "2026-11")-03"); continue }
            guard seen.insert(staffId.uuidString + day).inserted else { v.add(field + ".day", "given twice for this engineer"); continue }
            let raw = e.status ?? ""
            if raw == "off" { changes.append(Change(staffId: staffId, day: day)); continue }
            guard let status = AttendanceStatus(rawValue: raw) else {
                v.add(field + ".status", "must be one of off, " + AttendanceStatus.allCases.map(\.rawValue).joined(separator: ", ")); continue
            }
            if status != .scheduled && day > today { v.add(field + ".status", "attendance cannot be recorded for a day still to come") }
            let replacement = v.text(field + ".replacement", e.replacement, required: false, max: 50)
            let note = v.text(field + ".note", e.note, required: false, max: 200)
            changes.append(Change(staffId: staffId, day: day, status: status.rawValue, replacement: status == .leaveReplaced ? replacement : nil, note: note))
        }
        try v.check()
        let vendor = vendorId!, days = EvaluationCalendar.days(of: month!), replace = body.replace == true
        let list = changes
        try await writer.write { db in
            let existing = try await AttendanceDay.query(on: db).filter(\.$vendorId == vendor)
                .filter(\.$day >= days.first!).filter(\.$day <= days.last!).all()
            var byKey = Dictionary(uniqueKeysWithValues: existing.map { ($0.staffId.uuidString + $0.day, $0) })
            var written = 0, removed = 0
            for c in list {
                let key = c.staffId.uuidString + c.day
                if let status = c.status {
                    let row = byKey[key] ?? AttendanceDay()
                    let changed = row.id == nil || row.status != status || row.replacement != c.replacement || row.note != c.note
                    guard changed else { byKey[key] = nil; continue }
                    row.staffId = c.staffId; row.vendorId = vendor; row.day = c.day; row.status = status; row.replacement = c.replacement; row.note = c.note
                    row.updatedBy = user.id; row.updatedAt = now
                    try await row.save(on: db)
                    written += 1
                } else if let row = byKey[key] {
                    try await row.delete(on: db)
                    removed += 1
                }
                byKey[key] = nil
            }
            if replace {
                for row in byKey.values { try await row.delete(on: db); removed += 1 }
            }
            try await AuditLog.append(on: db, at: now, actor: actor, action: "attendance.update", entityType: "vendor", entityId: vendor.uuidString,
                                      after: ["month": days[0].prefix(7).description, "written": String(written), "removed": String(removed),
                                              "entries": list.map { "\($0.staffId.uuidString.prefix(8)) \($0.day) \($0.status ?? "off")" }.joined(separator: "; ")])
        }
        return try await self.month(vendorId: vendor, month: month!, on: db)
    }

    /// 按工作日排班: puts every active engineer of the vendor on the roster for the chosen weekdays of the month,
    /// leaving days already on the roster as they are.
    static func roster(_ body: RosterBody, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database,
                       writer: Application) async throws -> AttendanceMonthDTO {
        var v = Validator()
        let vendorId = v.uuid("vendorId", body.vendorId, required: true)
        if let vendorId, try await Vendor.find(vendorId, on: db) == nil { v.add("vendorId", "no such vendor") }
        let month = parseMonth(body.month, v: &v)
        let weekdays = Set(body.weekdays ?? [1, 2, 3, 4, 5])
        if weekdays.isEmpty || !weekdays.isSubset(of: 1...7) { v.add("weekdays", "must be days 1 (Monday) to 7 (Sunday)") }
        try v.check()
        let staff = try await OnsiteStaff.query(on: db).filter(\.$vendorId == vendorId!).filter(\.$isActive == true).all().compactMap(\.id)
        let days = EvaluationCalendar.days(of: month!).filter { weekdays.contains(EvaluationCalendar.weekday(of: $0)) }
        let vendor = vendorId!, all = EvaluationCalendar.days(of: month!)
        try await writer.write { db in
            let existing = Set(try await AttendanceDay.query(on: db).filter(\.$vendorId == vendor)
                .filter(\.$day >= all.first!).filter(\.$day <= all.last!).all().map { $0.staffId.uuidString + $0.day })
            var added = 0
            for s in staff {
                for day in days where !existing.contains(s.uuidString + day) {
                    let row = AttendanceDay()
                    row.staffId = s; row.vendorId = vendor; row.day = day; row.status = AttendanceStatus.scheduled.rawValue
                    row.updatedBy = user.id; row.updatedAt = now
                    try await row.create(on: db)
                    added += 1
                }
            }
            try await AuditLog.append(on: db, at: now, actor: actor, action: "attendance.roster", entityType: "vendor", entityId: vendor.uuidString,
                                      after: ["month": month!.description, "added": String(added)])
        }
        return try await self.month(vendorId: vendor, month: month!, on: db)
    }

    static func createStaff(_ body: OnsiteStaffBody, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> OnsiteStaffDTO {
        var v = Validator()
        let vendorId = v.uuid("vendorId", body.vendorId, required: true)
        if let vendorId, try await Vendor.find(vendorId, on: db) == nil { v.add("vendorId", "no such vendor") }
        let userId = v.uuid("userId", body.userId)
        var name = v.text("name", body.name, required: userId == nil, max: 50)
        if let userId {
            if let account = try await User.find(userId, on: db) {
                if !account.isVendorEngineer || account.vendorId != vendorId { v.add("userId", "must be an account of this vendor (vendor role)") }
                if name == nil { name = account.displayName }
                if let vendorId, try await OnsiteStaff.query(on: db).filter(\.$vendorId == vendorId).filter(\.$userId == userId).first() != nil {
                    v.add("userId", "already exists")
                }
            } else { v.add("userId", "no such user") }
        }
        let post = v.text("post", body.post, required: false, max: 50)
        try v.check()
        let s = OnsiteStaff()
        s.vendorId = vendorId!; s.userId = userId; s.name = name!; s.post = post; s.isActive = true; s.createdAt = now
        let saved = UncheckedModel(s)
        return try await writer.write { db in
            try await saved.model.create(on: db)
            let dto = staffDTO(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "onsite_staff.create", entityType: "onsite_staff",
                                      entityId: try saved.model.requireID().uuidString, after: dto)
            return dto
        }
    }

    static func patchStaff(_ id: UUID?, _ body: OnsiteStaffBody, actor: AuditActor, now: Date, on db: any Database,
                           writer: Application) async throws -> OnsiteStaffDTO {
        guard let id, let s = try await OnsiteStaff.find(id, on: db) else { throw AppError.notFound("onsite_staff") }
        var v = Validator()
        let before = staffDTO(s)
        if let name = body.name { s.name = v.text("name", name, max: 50) ?? s.name }
        if let post = body.post { s.post = v.text("post", post, required: false, max: 50) }
        if let active = body.isActive { s.isActive = active }
        if body.name == nil && body.post == nil && body.isActive == nil { v.add("isActive", "give name, post or isActive") }
        try v.check()
        let saved = UncheckedModel(s)
        return try await writer.write { db in
            try await saved.model.update(on: db)
            let after = staffDTO(saved.model)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "onsite_staff.update", entityType: "onsite_staff",
                                      entityId: id.uuidString, before: before, after: after)
            return after
        }
    }
}
