import Fluent
import Foundation
import Vapor
import YiweiCore

/// `GET/POST /api/v1/sla-policies`, `PATCH /api/v1/sla-policies/{id}` (on/off).
struct SLAPolicyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("sla-policies", use: list)
        routes.post("sla-policies", use: create)
        routes.patch("sla-policies", ":policyId", use: patch)
    }

    /// Only switching a policy on or off: its targets are never edited, a change is a new policy.
    func patch(req: Request) async throws -> SLAPolicyDTO {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(SLAPolicyPatch.self)
        return try await SLAService.setActive(req.parameters.get("policyId", as: UUID.self), body.isActive, actor: req.auditActor, now: req.now, on: req.db,
                                              writer: req.application)
    }

    func list(req: Request) async throws -> Page<SLAPolicyDTO> {
        try req.require(.readOrganisation)
        let page = try PageRequest(from: req)
        var v = Validator()
        var query = SLAPolicyRecord.query(on: req.db)
        if let d = v.oneOf("domain", req.queryParameter("domain"), ServiceDomain.self, required: false) { query = query.filter(\.$domain == d.rawValue) }
        if let p = v.oneOf("priority", req.queryParameter("priority"), Priority.self, required: false) { query = query.filter(\.$priority == p.rawValue) }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        let total = try await query.count()
        let items = try await query.sort(\.$domain).sort(\.$priority).sort(\.$effectiveFrom, .descending)
            .range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map(SLAService.dto), page: page.page, per: page.per, total: total)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(SLAPolicyBody.self)
        return try await SLAService.create(body, actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            .encodeResponse(status: .created, for: req)
    }
}
