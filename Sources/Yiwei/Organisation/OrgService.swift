import Fluent
import Foundation
import Vapor
import YiweiCore

/// Create and change for any organisation resource, with validation, uniqueness and audit (the filtered list, read
/// from the query string, is `OrgController.filteredList`).
enum OrgService<R: OrgResource> {
    static func find(_ id: UUID?, on db: any Database) async throws -> R.M {
        guard let id, let model = try await R.M.find(id, on: db) else { throw AppError.notFound(R.entity) }
        return model
    }

    static func get(_ id: UUID?, on db: any Database) async throws -> R.DTO {
        try await R.dtos([find(id, on: db)], on: db)[0]
    }

    static func create(_ body: R.Body, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> R.DTO {
        let model = R.M()
        model.createdAt = now
        model.updatedAt = now
        model.isActive = body.isActive ?? true
        var v = Validator()
        try await R.apply(body, to: model, creating: true, v: &v, on: db)
        try v.check()
        try await checkUnique(model, on: db)
        let saved = UncheckedModel(model)
        return try await writer.write { db in
            let model = saved.model
            try await model.create(on: db)
            try await R.afterSave(body, model: model, creating: true, on: db)
            let dto = try await R.dtos([model], on: db)[0]
            try await AuditLog.append(on: db, at: now, actor: actor, action: R.entity + ".create", entityType: R.entity,
                                      entityId: model.id?.uuidString, after: dto)
            return dto
        }
    }

    static func update(_ id: UUID?, _ body: R.Body, actor: AuditActor, now: Date, on db: any Database, writer: Application) async throws -> R.DTO {
        let model = try await find(id, on: db)
        let before = try await R.dtos([model], on: db)[0]
        var v = Validator()
        try await R.apply(body, to: model, creating: false, v: &v, on: db)
        if let active = body.isActive { model.isActive = active }
        try v.check()
        try await checkUnique(model, on: db)
        model.updatedAt = now
        let saved = UncheckedModel(model)
        return try await writer.write { db in
            let model = saved.model
            try await model.update(on: db)
            try await R.afterSave(body, model: model, creating: false, on: db)
            let after = try await R.dtos([model], on: db)[0]
            if after != before {
                try await AuditLog.append(on: db, at: now, actor: actor, action: R.entity + ".update", entityType: R.entity,
                                          entityId: model.id?.uuidString, before: before, after: after)
            }
            return after
        }
    }

    private static func checkUnique(_ model: R.M, on db: any Database) async throws {
        var query = R.duplicates(of: model, on: db)
        if let id = model.id { query = query.filter(.path([FieldKey.id], schema: R.M.schema), .notEqual, .bind(id)) }
        if try await query.first() != nil {
            throw AppError.conflict(.duplicateName, "a \(R.entity.replacingOccurrences(of: "_", with: " ")) named \(model.name) already exists", field: "name")
        }
    }
}

/// Hands a model built outside a transaction to the transaction's closure.
// @unchecked Sendable: the model is not touched by the caller again until the transaction has finished.
struct UncheckedModel<M: Model>: @unchecked Sendable {
    let model: M
    init(_ model: M) { self.model = model }
}

/// Names of the small organisation tables, for select boxes and for showing ids as names.
struct Lookups: Sendable {
    var campuses: [(UUID, String)] = []
    var departments: [(UUID, String)] = []
    var vendors: [(UUID, String)] = []
    var teams: [(UUID, String, String)] = []
    var staff: [(UUID, String)] = []
    var categories: [(UUID, String, String)] = []

    func name(_ list: [(UUID, String)], _ id: UUID?) -> String {
        guard let id else { return "" }
        return list.first { $0.0 == id }?.1 ?? ""
    }
}
