import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

enum SurveyService {
    /// Names to show for departments; a name two departments share gets its campus added, so that every
    /// answer has its own label (SatisfactionSurvey.departmentMean refuses a department twice).
    static func departmentLabels(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let departments = try await Department.query(on: db).filter(\.$id ~~ ids).all()
        let campusIds = Set(departments.compactMap(\.campusId))
        let campuses = campusIds.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Campus.query(on: db).filter(\.$id ~~ campusIds).all().map { ($0.id!, $0.name) })
        var labels: [UUID: String] = [:]
        let counts = Dictionary(grouping: departments, by: \.name).mapValues(\.count)
        for d in departments {
            var label = d.name
            if counts[d.name, default: 0] > 1 { label += "（" + (d.campusId.flatMap { campuses[$0] } ?? String(d.id!.uuidString.prefix(8))) + "）" }
            labels[try d.requireID()] = label
        }
        return labels
    }

    static func scores(_ a: SurveyAnswer) -> [SatisfactionDimension: Int] {
        [.responseSpeed: a.responseSpeed, .serviceAttitude: a.serviceAttitude, .technicalCompetence: a.technicalCompetence,
         .communication: a.communication, .resolutionEffect: a.resolutionEffect]
    }

    static func response(_ a: SurveyAnswer, department: String) throws -> SatisfactionResponse {
        try SatisfactionResponse(department: department, scores: scores(a))
    }

    static func responseDTO(_ a: SurveyAnswer, department: String) throws -> SurveyResponseDTO {
        let r = try response(a, department: department)
        return SurveyResponseDTO(id: try a.requireID(), surveyId: a.surveyId, departmentId: a.departmentId, department: department, respondentId: a.respondentId,
                                 scores: Dictionary(uniqueKeysWithValues: r.scores.map { ($0.key.rawValue, $0.value) }), subtotal: r.subtotal,
                                 score: r.score.decimalValue, grade: r.grade.rawValue, comment: a.comment, submittedAt: a.submittedAt)
    }

    /// Per dimension: the mean of the departments' scores, half up to one decimal; overall: the departments' mean.
    static func averages(_ responses: [SatisfactionResponse]) throws -> SurveyAveragesDTO? {
        guard !responses.isEmpty else { return nil }
        var dimensions: [String: Decimal] = [:]
        for d in SatisfactionDimension.allCases {
            dimensions[d.rawValue] = ScorePoints.mean(responses.map { ScorePoints($0.scores[d]!) })!.decimalValue
        }
        let mean = try SatisfactionSurvey.departmentMean(responses)
        return SurveyAveragesDTO(dimensions: dimensions, overall: mean.decimalValue, grade: SatisfactionSurvey.grade(of: mean).rawValue,
                                 scorecardPoints: SatisfactionSurvey.scorecardPoints(mean: mean).decimalValue)
    }

    /// The survey as `user` may see it.
    static func dto(_ s: SatisfactionSurveyRecord, for user: CurrentUser, on db: any Database) async throws -> SurveyDTO {
        let departmentIds = try await SurveyDepartment.query(on: db).filter(\.$surveyId == s.id!).all().map(\.departmentId)
        let answers = try await SurveyAnswer.query(on: db).filter(\.$surveyId == s.id!).sort(\.$submittedAt).all()
        let labels = try await departmentLabels(Set(departmentIds), on: db)
        let answered = Set(answers.map(\.departmentId))
        let vendor = try await Vendor.find(s.vendorId, on: db)?.name ?? ""
        let departments = departmentIds.map { SurveyDepartmentDTO(id: $0, name: labels[$0] ?? "", answered: answered.contains($0)) }
            .sorted { $0.name < $1.name }
        let visible = user.readsEvaluation ? answers : answers.filter { $0.departmentId == user.surveyDepartment }
        let responses = try visible.map { try responseDTO($0, department: labels[$0.departmentId] ?? "") }
        let averages = user.readsEvaluation ? try averages(try answers.map { try response($0, department: labels[$0.departmentId] ?? "") }) : nil
        return SurveyDTO(id: try s.requireID(), vendorId: s.vendorId, vendor: vendor, month: s.month, status: s.status, createdAt: s.createdAt, closedAt: s.closedAt,
                         departments: departments, answered: answered.count, pending: departments.count - answered.count,
                         averages: averages, responses: responses)
    }

    /// A survey `user` may see: leads and auditors any; a department's user those that ask their department.
    static func visible(_ id: UUID?, user: CurrentUser, on db: any Database) async throws -> SatisfactionSurveyRecord {
        guard let id, let s = try await SatisfactionSurveyRecord.find(id, on: db) else { throw AppError.notFound("survey") }
        if user.readsEvaluation { return s }
        guard let department = user.surveyDepartment,
              try await SurveyDepartment.query(on: db).filter(\.$surveyId == id).filter(\.$departmentId == department).first() != nil else {
            throw AppError.notFound("survey")
        }
        return s
    }

    struct ListFilter { var month: YearMonth?; var vendorId: UUID?; var status: String? }

    static func list(_ filter: ListFilter, user: CurrentUser, page: PageRequest, on db: any Database) async throws -> Page<SurveyDTO> {
        var query = SatisfactionSurveyRecord.query(on: db)
        if !user.readsEvaluation {
            guard let department = user.surveyDepartment else { throw AppError.denied(.answerSurveys) }
            let ids = try await SurveyDepartment.query(on: db).filter(\.$departmentId == department).all().map(\.surveyId)
            query = query.filter(\.$id ~~ ids)
        }
        if let month = filter.month { query = query.filter(\.$month == month.description) }
        if let vendor = filter.vendorId { query = query.filter(\.$vendorId == vendor) }
        if let status = filter.status { query = query.filter(\.$status == status) }
        let total = try await query.count()
        let items = try await query.sort(\.$month, .descending).sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        var dtos: [SurveyDTO] = []
        for s in items { dtos.append(try await dto(s, for: user, on: db)) }
        return Page(items: dtos, page: page.page, per: page.per, total: total)
    }

    /// Open surveys asking `department` that it has not answered yet.
    /// Open surveys that ask the department and that it has not answered yet (one answer per survey and
    /// department).
    static func pendingCount(department: UUID, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw("SELECT \(pendingCountSQL(department: department)) AS n").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The count as a scalar subquery: the pages' sidebar asks for it beside the bell's count, in one query
    /// (`UnreadCountMiddleware`).
    static func pendingCountSQL(department: UUID) -> SQLQueryString {
        """
        (SELECT COUNT(DISTINCT d.survey_id) FROM \(ident: SurveyDepartment.schema) d
        JOIN \(ident: SatisfactionSurveyRecord.schema) s ON s.id = d.survey_id
        WHERE d.department_id = \(bind: department) AND s.status = 'open'
        AND NOT EXISTS (SELECT 1 FROM \(ident: SurveyAnswer.schema) a WHERE a.survey_id = d.survey_id AND a.department_id = d.department_id))
        """
    }

    static func monthName(_ m: String) -> String {
        guard let ym = YearMonth(m) else { return m }
        return "\(ym.year)年\(ym.month)月"
    }

    /// Starts one survey per vendor for the month, asks the departments (in the app, and on the group robots and
    /// e-mail subscriptions that take `survey.request`), all in one transaction.
    static func create(_ body: SurveyCreateBody, by user: CurrentUser, actor: AuditActor, now: Date, timeZone tz: TimeZone, on db: any Database,
                       writer: Application) async throws -> [SurveyDTO] {
        guard user.managesEvaluation else { throw AppError.denied(.manageEvaluation) }
        var v = Validator()
        let month = parseMonth(body.month, v: &v)
        if let month, month > EvaluationCalendar.month(of: now, timeZone: tz) { v.add("month", "must not be in the future") }
        var vendorIds: [UUID] = []
        if body.allActiveVendors == true {
            if !(body.vendorIds ?? []).isEmpty { v.add("vendorIds", "give vendorIds or allActiveVendors, not both") }
            vendorIds = try await Vendor.query(on: db).filter(\.$isActive == true).sort(\.$name).all().compactMap(\.id)
            if vendorIds.isEmpty { v.add("allActiveVendors", "there is no active vendor") }
        } else {
            for raw in body.vendorIds ?? [] {
                guard let id = UUID(uuidString: raw) else { v.add("vendorIds", "must be an id"); continue }
                guard let vendor = try await Vendor.find(id, on: db) else { v.add("vendorIds", "no such vendor"); continue }
                if !vendor.isActive { v.add("vendorIds", "the vendor is inactive") }
                if !vendorIds.contains(id) { vendorIds.append(id) }
            }
            if vendorIds.isEmpty && v.fields["vendorIds"] == nil { v.add("vendorIds", "required") }
        }
        var departmentIds: [UUID] = []
        for raw in body.departmentIds ?? [] {
            guard let id = UUID(uuidString: raw) else { v.add("departmentIds", "must be an id"); continue }
            guard let d = try await Department.find(id, on: db) else { v.add("departmentIds", "no such department"); continue }
            if !d.isActive { v.add("departmentIds", "the department is inactive") }
            if !departmentIds.contains(id) { departmentIds.append(id) }
        }
        if departmentIds.isEmpty && v.fields["departmentIds"] == nil { v.add("departmentIds", "required") }
        if departmentIds.count > 500 { v.add("departmentIds", "at most 500 departments") }
        try v.check()
        let existing = try await SatisfactionSurveyRecord.query(on: db).filter(\.$vendorId ~~ vendorIds).filter(\.$month == month!.description).all()
        if !existing.isEmpty {
            let names = try await Vendor.query(on: db).filter(\.$id ~~ existing.map(\.vendorId)).all().map(\.name).sorted()
            throw AppError(.conflict, .surveyExists, "a survey for \(month!) already exists for: \(names.joined(separator: ", "))",
                           fields: ["vendorIds": "already has a survey for \(month!)"])
        }
        let vendorNames = Dictionary(uniqueKeysWithValues: try await Vendor.query(on: db).filter(\.$id ~~ vendorIds).all().map { ($0.id!, $0.name) })
        let labels = try await departmentLabels(Set(departmentIds), on: db)
        // Who is asked: the department's active accounts that may answer (not vendors' or auditors').
        var members: [UUID: Set<UUID>] = [:]
        for u in try await User.query(on: db).filter(\.$departmentId ~~ departmentIds).filter(\.$isActive == true).all()
        where u.holds(.answerSurveys) {
            if let d = u.departmentId, let id = u.id { members[d, default: []].insert(id) }
        }
        let monthText = month!.description
        let askedVendors = vendorIds, askedDepartments = departmentIds, recipients = members
        let ids: [UUID] = try await writer.write { db in
            var ids: [UUID] = []
            for vendorId in askedVendors {
                let s = SatisfactionSurveyRecord()
                s.vendorId = vendorId; s.month = monthText; s.status = "open"; s.startedBy = user.id; s.createdAt = now
                try await s.create(on: db)
                for department in askedDepartments {
                    let d = SurveyDepartment()
                    d.surveyId = try s.requireID(); d.departmentId = department
                    try await d.create(on: db)
                }
                ids.append(try s.requireID())
                try await AuditLog.append(on: db, at: now, actor: actor, action: "survey.create", entityType: "survey", entityId: try s.requireID().uuidString,
                                          after: ["vendorId": vendorId.uuidString, "month": monthText,
                                                  "departmentIds": askedDepartments.map(\.uuidString).joined(separator: ",")])
            }
            let vendorList = askedVendors.compactMap { vendorNames[$0] }.joined(separator: "、")
            let title = "满意度调查：\(monthName(monthText))运维服务"
            for department in askedDepartments {
                let users = recipients[department] ?? []
                try await Notifier.notify(users, except: user.id, event: "survey.request", title: title,
                                          body: "请代表\(labels[department] ?? "本科室")填写《运维服务月度满意度评价表》，评价：\(vendorList)。在「待填问卷」（/surveys）中填写，每个科室填写一次，提交后不可修改。",
                                          ticket: nil, at: now, on: db)
            }
            try await OutboxWorker.enqueue(event: "survey.request", title: "满意度调查已发起：\(monthName(monthText))",
                                           body: "评价厂商：\(vendorList)；请以下科室填写：\(askedDepartments.compactMap { labels[$0] }.joined(separator: "、"))。",
                                           ticket: nil, group: UUID(), at: now, on: db)
            return ids
        }
        var result: [SurveyDTO] = []
        for id in ids { result.append(try await dto(try await SatisfactionSurveyRecord.find(id, on: db)!, for: user, on: db)) }
        return result
    }

    /// A department's one answer: final once saved (audited), refused when the survey is closed, when the user's
    /// department was not asked, or when the department has already answered.
    static func answer(_ surveyId: UUID?, _ body: SurveyAnswerBody, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database,
                       writer: Application) async throws -> SurveyResponseDTO {
        guard let surveyId, let s = try await SatisfactionSurveyRecord.find(surveyId, on: db) else { throw AppError.notFound("survey") }
        guard let department = user.surveyDepartment,
              try await SurveyDepartment.query(on: db).filter(\.$surveyId == surveyId).filter(\.$departmentId == department).first() != nil else {
            throw AppError.refused("survey_department", "only a user of a department asked by this survey may answer it")
        }
        guard s.status == "open" else { throw AppError(.conflict, .surveyClosed, "the survey is closed") }
        var v = Validator()
        var values: [SatisfactionDimension: Int] = [:]
        let given = body.scores ?? [:]
        for key in given.keys where SatisfactionDimension(rawValue: key) == nil { v.add("scores." + key, "unknown dimension") }
        for d in SatisfactionDimension.allCases {
            guard let score = given[d.rawValue] else { v.add("scores." + d.rawValue, "required"); continue }
            guard SatisfactionDimension.validPoints.contains(score) else { v.add("scores." + d.rawValue, "must be between 1 and 10"); continue }
            values[d] = score
        }
        let comment = v.text("comment", body.comment, required: false, max: 500)
        try v.check()
        if try await SurveyAnswer.query(on: db).filter(\.$surveyId == surveyId).filter(\.$departmentId == department).first() != nil {
            throw AppError(.conflict, .alreadyAnswered, "your department has already answered this survey")
        }
        let a = SurveyAnswer()
        a.surveyId = surveyId; a.departmentId = department; a.respondentId = user.id
        a.responseSpeed = values[.responseSpeed]!; a.serviceAttitude = values[.serviceAttitude]!; a.technicalCompetence = values[.technicalCompetence]!
        a.communication = values[.communication]!; a.resolutionEffect = values[.resolutionEffect]!
        a.comment = comment; a.submittedAt = now
        let label = try await departmentLabels([department], on: db)[department] ?? ""
        let saved = UncheckedModel(a)
        do {
            return try await writer.write { db in
                // Checked again inside the transaction: two colleagues pressing 提交 at once.
                if try await SurveyAnswer.query(on: db).filter(\.$surveyId == surveyId).filter(\.$departmentId == department).first() != nil {
                    throw AppError(.conflict, .alreadyAnswered, "your department has already answered this survey")
                }
                try await saved.model.create(on: db)
                let dto = try responseDTO(saved.model, department: label)
                try await AuditLog.append(on: db, at: now, actor: actor, action: "survey.answer", entityType: "survey",
                                          entityId: surveyId.uuidString, after: dto)
                return dto
            }
        } catch let error as AppError {
            throw error
        } catch {
            // The unique index (survey, department) refused a concurrent second answer from another instance.
            if try await SurveyAnswer.query(on: db).filter(\.$surveyId == surveyId).filter(\.$departmentId == department).first() != nil {
                throw AppError(.conflict, .alreadyAnswered, "your department has already answered this survey")
            }
            throw error
        }
    }

    static func close(_ id: UUID?, by user: CurrentUser, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> SurveyDTO {
        guard user.managesEvaluation else { throw AppError.denied(.manageEvaluation) }
        guard let id, let s = try await SatisfactionSurveyRecord.find(id, on: db) else { throw AppError.notFound("survey") }
        guard s.status == "open" else { throw AppError(.conflict, .surveyClosed, "the survey is already closed") }
        s.status = "closed"; s.closedAt = now; s.closedBy = user.id
        let saved = UncheckedModel(s)
        try await writer.write { db in
            try await saved.model.update(on: db)
            try await AuditLog.append(on: db, at: now, actor: actor, action: "survey.close", entityType: "survey", entityId: id.uuidString,
                                      after: ["status": "closed"])
        }
        return try await dto(s, for: user, on: db)
    }
}
