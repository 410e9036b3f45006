import Fluent
import Foundation
import Vapor

/// A model with the bookkeeping every organisation record has.
package protocol OrgModel: Model where IDValue == UUID {
    var name: String { get set }
    var isActive: Bool { get set }
    var createdAt: Date { get set }
    var updatedAt: Date { get set }
}

protocol OrgBody: Content {
    var isActive: Bool? { get }
}

/// One kind of organisation record (campus, department, team, vendor, category, business system).
/// The API controller, the service and the admin pages are generic over it, so all six behave alike.
protocol OrgResource: Sendable {
    associatedtype M: OrgModel
    associatedtype DTO: Content & Equatable
    associatedtype Body: OrgBody

    /// `/api/v1/<apiPath>`
    static var apiPath: String { get }
    /// `/admin/<pagePath>`
    static var pagePath: String { get }
    /// The entity type in the audit log and error messages.
    static var entity: String { get }
    /// The i18n key prefix of its pages (`<key>_title`, `<key>_new` …).
    static var i18nKey: String { get }

    static func dtos(_ models: [M], on db: any Database) async throws -> [DTO]
    /// Validates the body and copies it onto the model; problems go into `v`.
    static func apply(_ body: Body, to model: M, creating: Bool, v: inout Validator, on db: any Database) async throws
    /// Other rows that would duplicate this one (same name, or same name under the same parent).
    static func duplicates(of model: M, on db: any Database) -> QueryBuilder<M>
    /// Filters of the list endpoint and page, from the query string.
    static func filter(_ query: QueryBuilder<M>, request: Request, v: inout Validator) -> QueryBuilder<M>
    static func sort(_ query: QueryBuilder<M>) -> QueryBuilder<M>
    /// Writes that belong to the same change (team members).
    static func afterSave(_ body: Body, model: M, creating: Bool, on db: any Database) async throws

    // Pages
    static func columns(_ t: [String: String]) -> [String]
    static func cells(_ dto: DTO, lookups: Lookups, t: [String: String]) -> [ListCell]
    static func formFields(_ values: FormValues, lookups: Lookups, t: [String: String]) -> [FormField]
    static func listFilters(_ request: Request, lookups: Lookups, t: [String: String]) -> [ListPageContext.Filter]
    /// Read-only lines beside the edit form (a vendor's engineers …).
    static func facts(_ dto: DTO, on db: any Database, t: [String: String]) async throws -> [Fact]
}

extension OrgResource {
    static func duplicates(of model: M, on db: any Database) -> QueryBuilder<M> {
        M.query(on: db).filter(.path([FieldKey("name")], schema: M.schema), .equal, .bind(model.name))
    }
    static func sort(_ query: QueryBuilder<M>) -> QueryBuilder<M> {
        query.sort(.path([FieldKey("name")], schema: M.schema), .ascending)
    }
    static func afterSave(_ body: Body, model: M, creating: Bool, on db: any Database) async throws {}
    static func listFilters(_ request: Request, lookups: Lookups, t: [String: String]) -> [ListPageContext.Filter] { [] }
    static func facts(_ dto: DTO, on db: any Database, t: [String: String]) async throws -> [Fact] { [] }
}

/// Values of a form, from a DTO (editing) or from a rejected submission (showing it again).
struct FormValues {
    private var values: [String: [String]] = [:]

    init() {}

    init(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value),
              let object = try? JSONDecoder().decode([String: Scalar].self, from: data) else { return }
        for (key, scalar) in object {
            switch scalar {
            case .text(let s): values[key] = [s]
            case .list(let items): values[key] = items
            case .none: break
            }
        }
    }

    /// A JSON value flattened to text: strings, numbers and booleans as strings, arrays as lists.
    private enum Scalar: Decodable {
        case text(String), list([String]), none
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .none }
            else if let b = try? c.decode(Bool.self) { self = .text(b ? "true" : "false") }
            else if let i = try? c.decode(Int.self) { self = .text(String(i)) }
            else if let d = try? c.decode(Double.self) { self = .text(String(d)) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let l = try? c.decode([Scalar].self) {
                self = .list(l.compactMap { if case .text(let s) = $0 { return s } else { return nil } })
            } else { self = .none }
        }
    }

    subscript(_ key: String) -> String { values[key]?.first ?? "" }
    mutating func set(_ key: String, _ value: String) { values[key] = [value] }
    func list(_ key: String) -> Set<String> { Set(values[key] ?? []) }
}
