import Fluent
import Foundation
import Vapor
import YiweiCore

/// The API of an organisation resource: `GET/POST /api/v1/<path>`, `GET/PATCH /api/v1/<path>/{id}`.
struct OrgController<R: OrgResource>: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped(PathComponent(stringLiteral: R.apiPath))
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: get)
        group.patch(":id", use: update)
    }

    func list(req: Request) async throws -> Page<R.DTO> {
        try req.require(.readOrganisation)
        return try await Self.filteredList(request: req)
    }

    func create(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(R.Body.self)
        return try await OrgService<R>.create(body, actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            .encodeResponse(status: .created, for: req)
    }

    func get(req: Request) async throws -> R.DTO {
        try req.require(.readOrganisation)
        return try await OrgService<R>.get(req.parameters.get("id", as: UUID.self), on: req.db)
    }

    func update(req: Request) async throws -> R.DTO {
        try req.require(.manageOrganisation)
        let body = try req.decodeJSON(R.Body.self)
        return try await OrgService<R>.update(req.parameters.get("id", as: UUID.self), body, actor: req.auditActor, now: req.now, on: req.db,
                                              writer: req.application)
    }

    /// A page of the resource, filtered by the query string (`q`, `active` and the resource's own filters); for the API and the pages.
    static func filteredList(request: Request) async throws -> Page<R.DTO> {
        let page = try PageRequest(from: request)
        var v = Validator()
        var query = R.M.query(on: request.db)
        if let q = v.text("q", request.queryParameter("q"), required: false, max: 50) {
            query = query.filter(.path([FieldKey("name")], schema: R.M.schema), .contains(inverse: false, .anywhere), .bind(q))
        }
        if let active = request.queryParameter("active"), !active.isEmpty {
            switch active {
            case "true": query = query.filter(.path([FieldKey("is_active")], schema: R.M.schema), .equal, .bind(true))
            case "false": query = query.filter(.path([FieldKey("is_active")], schema: R.M.schema), .equal, .bind(false))
            default: v.add("active", "must be true or false")
            }
        }
        query = R.filter(query, request: request, v: &v)
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        let total = try await query.count()
        let models = try await R.sort(query).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: try await R.dtos(models, on: request.db), page: page.page, per: page.per, total: total)
    }
}
