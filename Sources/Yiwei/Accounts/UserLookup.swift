import Fluent
import Foundation
import SQLKit
import Vapor

/// Finding a caller by name, username or phone while the service desk is on the phone (`lookUpCallers`):
/// at most 20 active accounts. What is typed is matched literally — `%` and `_` are characters, not
/// wildcards that would list every account.
enum UserLookup {
    static func search(_ q: String, on db: any Database) async throws -> [UserLookupDTO] {
        let text = q.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        let pattern = KnowledgeSearch.likePattern(text), lower = KnowledgeSearch.likePattern(text.lowercased())
        let ids = try await db.sql.raw("""
            SELECT id FROM users WHERE is_active = \(bind: true) AND (display_name LIKE \(bind: pattern) ESCAPE '\\'
              OR username LIKE \(bind: lower) ESCAPE '\\' OR phone LIKE \(bind: pattern) ESCAPE '\\')
            ORDER BY display_name LIMIT 20
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        let users = ids.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ ids).sort(\.$displayName).all()
        let departmentIds = Set(users.compactMap(\.departmentId))
        let departments = departmentIds.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Department.query(on: db).filter(\.$id ~~ departmentIds).all().map { ($0.id!, $0.name) })
        return users.map {
            UserLookupDTO(id: $0.id!, displayName: $0.displayName, username: $0.username, phone: $0.phone,
                          department: $0.departmentId.flatMap { departments[$0] }, label: "\($0.displayName)（\($0.username)）")
        }
    }

    /// The account a typed reporter means: `姓名（username）` as the type-ahead fills it, a username, or a
    /// display name that only one active account has.
    static func resolve(_ typed: String, on db: any Database) async throws -> UUID? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        var username = text.lowercased()
        if let open = text.firstIndex(of: "（"), let close = text.lastIndex(of: "）"), open < close {
            username = String(text[text.index(after: open)..<close]).lowercased()
        }
        if let user = try await User.query(on: db).filter(\.$username == username).filter(\.$isActive == true).first() { return user.id }
        let byName = try await User.query(on: db).filter(\.$displayName == text).filter(\.$isActive == true).limit(2).all()
        return byName.count == 1 ? byName[0].id : nil
    }
}
