import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Hospital-wide settings, one JSON value per key (the priority matrix today).
// @unchecked Sendable: Fluent models are mutable classes; each instance is used by one request at a time.
final class SettingRecord: Model, @unchecked Sendable {
    static let schema = "settings"
    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// The hospital's impact × urgency → priority matrix (SD-5); API.md's default until an admin changes it.
enum PriorityMatrixStore {
    static let key = "priority_matrix"

    static func load(on db: any Database) async throws -> PriorityMatrix {
        guard let record = try await SettingRecord.query(on: db).filter(\.$key == key).first(),
              let dto = try? JSONDecoder().decode(PriorityMatrixDTO.self, from: Data(record.value.utf8)),
              let matrix = matrix(from: dto) else { return .standard }
        return matrix
    }

    static func dto(_ m: PriorityMatrix) -> PriorityMatrixDTO {
        var cells: [String: [String: String]] = [:]
        for u in Urgency.allCases {
            var row: [String: String] = [:]
            for i in Impact.allCases { row[i.rawValue] = m.priority(impact: i, urgency: u).rawValue }
            cells[u.rawValue] = row
        }
        return PriorityMatrixDTO(cells: cells)
    }

    /// All 16 cells must be present and valid.
    static func matrix(from dto: PriorityMatrixDTO) -> PriorityMatrix? {
        var cells: [Urgency: [Impact: Priority]] = [:]
        for u in Urgency.allCases {
            guard let row = dto.cells[u.rawValue] else { return nil }
            var parsed: [Impact: Priority] = [:]
            for i in Impact.allCases {
                guard let raw = row[i.rawValue], let p = Priority(rawValue: raw) else { return nil }
                parsed[i] = p
            }
            cells[u] = parsed
        }
        return PriorityMatrix(cells: cells)
    }

    static func save(_ dto: PriorityMatrixDTO, request: Request) async throws -> PriorityMatrixDTO {
        var v = Validator()
        for key in dto.cells.keys where Urgency(rawValue: key) == nil { v.add("cells", "unknown urgency \(key)") }
        for row in dto.cells.values { for key in row.keys where Impact(rawValue: key) == nil { v.add("cells", "unknown impact \(key)") } }
        guard v.isValid, let matrix = matrix(from: dto) else {
            throw AppError.validation(v.fields.isEmpty ? ["cells": "give all 16 cells, each P1, P2, P3 or P4"] : v.fields)
        }
        let normalized = Self.dto(matrix)
        let before = Self.dto(try await load(on: request.db))
        let json = String(decoding: try JSONEncoder().encode(normalized), as: UTF8.self)
        let now = request.now, actor = request.auditActor
        try await request.write { db in
            if let record = try await SettingRecord.query(on: db).filter(\.$key == key).first() {
                record.value = json; record.updatedAt = now
                try await record.update(on: db)
            } else {
                let record = SettingRecord()
                record.key = key; record.value = json; record.updatedAt = now
                try await record.create(on: db)
            }
            try await AuditLog.append(on: db, at: now, actor: actor, action: "settings.priority_matrix", entityType: "settings",
                                      entityId: key, before: before, after: normalized)
        }
        return normalized
    }
}
