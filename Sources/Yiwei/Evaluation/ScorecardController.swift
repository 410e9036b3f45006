import Fluent
import Foundation
import Vapor
import YiweiCore

/// `GET/POST /api/v1/scorecards`, `GET/PATCH /api/v1/scorecards/{id}`, `…/recompute`, `…/confirm`, `…/revoke`.
struct ScorecardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped("scorecards")
        group.get(use: list)
        group.post(use: create)
        group.get(":scorecardId", use: get)
        group.patch(":scorecardId", use: patch)
        group.post(":scorecardId", "recompute", use: recompute)
        group.post(":scorecardId", "confirm", use: confirm)
        group.post(":scorecardId", "revoke", use: revoke)
    }

    func list(req: Request) async throws -> ScorecardList {
        let scope = try ScorecardAccess.readScope(req)
        var v = Validator()
        let vendorId = v.uuid("vendorId", req.queryParameter("vendorId"))
        var month: YearMonth?
        if let raw = req.queryParameter("month"), !raw.isEmpty { month = ScorecardService.month("month", raw, &v) }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return ScorecardList(items: try await ScorecardQueries.rows(vendorId: vendorId, month: month, scope: scope, on: req.db))
    }

    func get(req: Request) async throws -> ScorecardDTO {
        let scope = try ScorecardAccess.readScope(req)
        let record = try await ScorecardService.load(req.parameters.get("scorecardId", as: UUID.self), on: req.db)
        // A vendor's account is told nothing about other vendors' cards, nor about its own drafts.
        guard scope.allows(vendorId: record.vendorId, confirmed: record.isConfirmed) else { throw AppError.notFound("scorecard") }
        return try await ScorecardQueries.dto(record, request: req)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.require(.manageEvaluation)
        let body = try req.decodeJSON(ScorecardCreate.self)
        let record = try await ScorecardService.create(body, by: user, actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                       on: req.db, writer: req.application)
        return try await ScorecardQueries.dto(record, request: req).encodeResponse(status: .created, for: req)
    }

    func patch(req: Request) async throws -> ScorecardDTO {
        let user = try req.require(.manageEvaluation)
        let body = try req.decodeJSON(ScorecardPatch.self)
        let record = try await ScorecardService.patch(req.parameters.get("scorecardId", as: UUID.self), body, by: user, actor: req.auditActor,
                                                      now: req.now, timeZone: req.yiwei.config.timeZone, on: req.db, writer: req.application)
        return try await ScorecardQueries.dto(record, request: req)
    }

    func recompute(req: Request) async throws -> ScorecardDTO {
        try req.require(.manageEvaluation)
        let record = try await ScorecardService.recompute(req.parameters.get("scorecardId", as: UUID.self), actor: req.auditActor, now: req.now,
                                                          timeZone: req.yiwei.config.timeZone, on: req.db, writer: req.application)
        return try await ScorecardQueries.dto(record, request: req)
    }

    func confirm(req: Request) async throws -> ScorecardDTO {
        let user = try req.require(.manageEvaluation)
        let body = req.body.data == nil ? ScorecardConfirm() : try req.decodeJSON(ScorecardConfirm.self)
        let record = try await ScorecardService.confirm(req.parameters.get("scorecardId", as: UUID.self), body, by: user, actor: req.auditActor,
                                                        now: req.now, on: req.db, writer: req.application)
        return try await ScorecardQueries.dto(record, request: req)
    }

    func revoke(req: Request) async throws -> ScorecardDTO {
        try req.require(.manageEvaluation)
        let body = try req.decodeJSON(ScorecardRevoke.self)
        let record = try await ScorecardService.revoke(req.parameters.get("scorecardId", as: UUID.self), body, actor: req.auditActor, now: req.now,
                                                       on: req.db, writer: req.application)
        return try await ScorecardQueries.dto(record, request: req)
    }
}

enum ScorecardQueries {
    static func dto(_ record: ScorecardRecord, request req: Request) async throws -> ScorecardDTO {
        let vendor = try await Vendor.find(record.vendorId, on: req.db)
        return try ScorecardDTOs.dto(record, vendorName: vendor?.name ?? "", t: req.yiwei.i18n.strings(req.locale.code))
    }

    /// Newest month first; a vendor's account sees its own confirmed cards only. At most 500 rows (a month
    /// of every vendor, or a vendor's years).
    static func rows(vendorId: UUID?, month: YearMonth?, scope: ScorecardAccess.Scope, on db: any Database) async throws -> [ScorecardRowDTO] {
        var query = ScorecardRecord.query(on: db)
        if let vendorId { query = query.filter(\.$vendorId == vendorId) }
        if let month { query = query.filter(\.$month == month.description) }
        if case .vendor(let own) = scope { query = query.filter(\.$vendorId == own).filter(\.$status == "confirmed") }
        let records = try await query.sort(\.$month, .descending).limit(500).all()
        let ids = Set(records.map(\.vendorId))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Vendor.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) })
        return records.map { ScorecardDTOs.row($0, vendorName: names[$0.vendorId] ?? "") }
            .sorted { $0.month != $1.month ? $0.month > $1.month : $0.vendorName < $1.vendorName }
    }
}
