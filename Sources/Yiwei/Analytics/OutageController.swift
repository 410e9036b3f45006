import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// `GET/POST /api/v1/outages`, `GET/PATCH/DELETE /api/v1/outages/{outageId}`.
struct OutageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("outages", use: list)
        routes.post("outages", use: create)
        routes.get("outages", ":outageId", use: get)
        routes.patch("outages", ":outageId", use: patch)
        routes.delete("outages", ":outageId", use: delete)
    }

    func list(req: Request) async throws -> Page<OutageDTO> {
        try req.require(.readOutages)
        let paging = try PageRequest(from: req)
        var v = Validator()
        let zone = req.yiwei.config.timeZone
        let from = v.dayOrInstant("from", req.queryParameter("from"), timeZone: zone)
        let to = v.dayOrInstant("to", req.queryParameter("to"), timeZone: zone)
        let systemId = v.uuid("businessSystemId", req.queryParameter("businessSystemId"))
        let ticketId = v.uuid("ticketId", req.queryParameter("ticketId"))
        if let from, let to, to <= from { v.add("to", "must be after from") }
        guard v.isValid else { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        let query = OutageService.overlapping(from: from, to: to, systemId: systemId, ticketId: ticketId, on: req.db)
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$startedAt).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: try await OutageService.dtos(rows, on: req.db, now: req.now), page: paging.page, per: paging.per, total: total)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.recordOutages)
        return try await OutageService.create(try req.decodeJSON(OutageBody.self), request: req).encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> OutageDTO {
        try req.require(.readOutages)
        let o = try await OutageService.find(req.parameters.get("outageId", as: UUID.self), on: req.db)
        return try await OutageService.dtos([o], on: req.db, now: req.now)[0]
    }

    func patch(req: Request) async throws -> OutageDTO {
        return try await OutageService.patch(req.parameters.get("outageId", as: UUID.self), try req.decodeJSON(OutageBody.self), request: req)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await OutageService.delete(req.parameters.get("outageId", as: UUID.self), request: req)
        return .noContent
    }
}
