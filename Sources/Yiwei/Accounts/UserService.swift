import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// Creating, changing and listing accounts; shared by the API and the admin pages.
enum UserService {
    static func dto(_ user: User, teamIds: [UUID], now: Date) -> UserDTO {
        UserDTO(id: user.id!, username: user.username, displayName: user.displayName, roles: user.sortedRoles.map(\.rawValue),
                departmentId: user.departmentId, vendorId: user.vendorId, teamIds: teamIds, phone: user.phone, email: user.email,
                locale: user.locale, isActive: user.isActive, locked: user.lockedUntil.map { $0 > now } ?? false,
                mustChangePassword: user.mustChangePassword, lastLoginAt: user.lastLoginAt,
                createdAt: user.createdAt, updatedAt: user.updatedAt)
    }

    static func teamIds(of userIds: [UUID], on db: any Database) async throws -> [UUID: [UUID]] {
        guard !userIds.isEmpty else { return [:] }
        let rows = try await TeamMember.query(on: db).filter(\.$userId ~~ userIds).all()
        return Dictionary(grouping: rows, by: \.userId).mapValues { $0.map(\.teamId).sorted { $0.uuidString < $1.uuidString } }
    }

    static func load(_ id: UUID, on db: any Database, now: Date) async throws -> UserDTO {
        guard let user = try await User.find(id, on: db) else { throw AppError.notFound("user") }
        return dto(user, teamIds: try await teamIds(of: [id], on: db)[id] ?? [], now: now)
    }

    struct ListFilter {
        var q: String?
        var role: Role?
        var departmentId: UUID?
    }

    static func list(_ filter: ListFilter, page: PageRequest, on db: any Database, now: Date) async throws -> Page<UserDTO> {
        var query = User.query(on: db)
        if let q = filter.q, !q.isEmpty {
            query = query.group(.or) { $0.filter(\.$username ~~ q.lowercased()).filter(\.$displayName ~~ q) }
        }
        if let role = filter.role { query = query.filter(\.$rolesText ~~ role.rawValue) }
        if let department = filter.departmentId { query = query.filter(\.$departmentId == department) }
        let total = try await query.count()
        let users = try await query.sort(\.$username).range(page.offset..<(page.offset + page.per)).all()
        let teams = try await teamIds(of: users.compactMap(\.id), on: db)
        return Page(items: users.map { dto($0, teamIds: teams[$0.id!] ?? [], now: now) }, page: page.page, per: page.per, total: total)
    }

    /// Validated fields of a create or update; nil means "not given".
    struct Fields: Sendable {
        var displayName: String?
        var roles: Set<Role>?
        var departmentId: UUID??
        var vendorId: UUID??
        var teamIds: [UUID]?
        var phone: String??
        var email: String??
        var locale: String?
    }

    /// Checks shape, references and role rules. Problems go into `v`, so all of them reach the client.
    static func validate(displayName: String?, roles: [String]?, departmentId: String?, vendorId: String?, teamIds: [String]?,
                         phone: String?, email: String?, locale: String?, creating: Bool,
                         v: inout Validator, db: any Database) async throws -> Fields {
        var fields = Fields()
        if creating || displayName != nil { fields.displayName = v.text("displayName", displayName, max: 50) }
        if let roles = roles?.filter({ !$0.isEmpty }) {
            var parsed = Set<Role>()
            for raw in roles {
                if let role = Role(rawValue: raw) { parsed.insert(role) } else {
                    v.add("roles", "unknown role \(raw); roles are " + Role.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            if parsed.isEmpty && v.fields["roles"] == nil { v.add("roles", "at least one role is required") }
            if let conflict = RolePolicy.conflict(in: parsed) {
                switch conflict {
                case .adminAndAuditor: v.add("roles", "separation of duties: admin and auditor cannot be held by one account")
                case .administratorsCombined: v.add("roles", "separation of duties: admin, security and auditor are held by three different accounts")
                case .administratorWithOtherRoles: v.add("roles", "separation of duties: an administrator role (admin, security, auditor) cannot be combined with other roles")
                }
            }
            fields.roles = parsed
        } else if creating {
            v.add("roles", "required")
        }
        func optionalId(_ name: String, _ raw: String?) -> UUID?? {
            guard let raw else { return nil }
            if raw.isEmpty { return .some(nil) }
            guard let id = UUID(uuidString: raw) else { v.add(name, "must be an id"); return nil }
            return .some(id)
        }
        fields.departmentId = optionalId("departmentId", departmentId)
        fields.vendorId = optionalId("vendorId", vendorId)
        if case let .some(.some(id)) = fields.departmentId, try await Department.find(id, on: db) == nil {
            v.add("departmentId", "no such department")
        }
        if case let .some(.some(id)) = fields.vendorId, try await Vendor.find(id, on: db) == nil {
            v.add("vendorId", "no such vendor")
        }
        if let teamIds = teamIds?.filter({ !$0.isEmpty }) {
            let ids = teamIds.compactMap(UUID.init(uuidString:))
            if ids.count != teamIds.count { v.add("teamIds", "must be ids") } else if !ids.isEmpty {
                let found = try await Team.query(on: db).filter(\.$id ~~ ids).count()
                if found != Set(ids).count { v.add("teamIds", "no such team") }
            }
            fields.teamIds = Array(Set(ids))
        }
        if let phone { fields.phone = .some(validPhone("phone", phone, &v)) }
        if let email {
            if email.isEmpty { fields.email = .some(nil) } else {
                let value = v.text("email", email, max: 100)
                if let value, value.split(separator: "@").count != 2 || value.contains(" ") { v.add("email", "must be an e-mail address") }
                fields.email = .some(value)
            }
        }
        if let locale {
            if I18n.locales.contains(locale) { fields.locale = locale } else { v.add("locale", "must be zh-CN or en") }
        }
        return fields
    }

    /// 三员分立: the system administrator keeps the accounts of the business roles; an account that holds or
    /// is given an administrator role (admin, security, auditor) is the security administrator's — they grant
    /// those roles and reset those accounts' passwords, so the system administrator can neither give itself
    /// `lead` nor take over the auditor's account.
    static func requireKeeper(of roles: Set<Role>, _ me: CurrentUser) throws {
        if roles.contains(where: \.isAdministrator) {
            guard me.can(.grantAdministratorRoles) else {
                throw AppError.denied(.grantAdministratorRoles, "accounts with an administrator role are kept by the security administrator")
            }
        } else {
            guard me.can(.manageUsers) else { throw AppError.denied(.manageUsers, "accounts with business roles are kept by the system administrator") }
        }
    }

    /// Who may open the account forms at all: a keeper of either kind.
    @discardableResult
    static func requireAnyKeeper(_ me: CurrentUser) throws -> CurrentUser {
        guard me.keepsAccounts else { throw AppError.denied(.manageUsers) }
        return me
    }

    static func create(_ body: CreateUserRequest, by me: CurrentUser, passwordPolicy: PasswordPolicy, defaultLocale locale: String, actor: AuditActor,
                       now: Date, on db: any Database, writer: Application) async throws -> UserDTO {
        try requireAnyKeeper(me)
        var v = Validator()
        let username = v.text("username", body.username?.lowercased(), max: 32)
        if let username, username.range(of: usernamePattern, options: .regularExpression) == nil {
            v.add("username", "2–32 characters: lower-case letters, digits, dot, dash, underscore; starting with a letter or digit")
        }
        let fields = try await validate(displayName: body.displayName, roles: body.roles, departmentId: body.departmentId,
                                        vendorId: body.vendorId, teamIds: body.teamIds, phone: body.phone, email: body.email,
                                        locale: body.locale, creating: true, v: &v, db: db)
        try requireKeeper(of: fields.roles ?? [], me)
        if let password = body.password, !password.isEmpty {
            if let problem = AccountService.passwordProblems(password, username: username ?? "", policy: passwordPolicy) {
                v.add("password", problem)
            }
        } else {
            v.add("password", "required")
        }
        try v.check()
        if try await User.query(on: db).filter(\.$username == username!).first() != nil {
            throw AppError.conflict(.duplicateUsername, "the username \(username!) is taken", field: "username")
        }
        let hash = try await writer.password.async.hash(body.password!)
        let id = try await writer.write { db -> UUID in
            let user = User()
            user.username = username!
            user.displayName = fields.displayName!
            user.passwordHash = hash
            user.roles = fields.roles ?? []
            user.departmentId = fields.departmentId ?? nil
            user.vendorId = fields.vendorId ?? nil
            user.phone = fields.phone ?? nil
            user.email = fields.email ?? nil
            user.locale = fields.locale ?? locale
            user.isActive = true
            user.failedLogins = 0
            // An account made by an administrator starts with a password someone else knows.
            user.mustChangePassword = true
            user.createdAt = now
            user.updatedAt = now
            try await user.create(on: db)
            let id = try user.requireID()
            for team in fields.teamIds ?? [] { try await TeamMember(teamId: team, userId: id).create(on: db) }
            try await AuditLog.append(on: db, at: now, actor: actor, action: "user.create", entityType: "user", entityId: id.uuidString,
                                      after: dto(user, teamIds: fields.teamIds ?? [], now: now))
            return id
        }
        return try await load(id, on: db, now: now)
    }

    static func update(_ id: UUID, _ body: UpdateUserRequest, by me: CurrentUser, passwordPolicy: PasswordPolicy, actor: AuditActor, now: Date,
                       on db: any Database, writer: Application) async throws -> UserDTO {
        try requireAnyKeeper(me)
        guard let existing = try await User.find(id, on: db) else { throw AppError.notFound("user") }
        var v = Validator()
        let fields = try await validate(displayName: body.displayName, roles: body.roles, departmentId: body.departmentId,
                                        vendorId: body.vendorId, teamIds: body.teamIds, phone: body.phone, email: body.email,
                                        locale: body.locale, creating: false, v: &v, db: db)
        try requireKeeper(of: existing.roles.union(fields.roles ?? []), me)
        if let password = body.password {
            if let problem = AccountService.passwordProblems(password, username: existing.username, policy: passwordPolicy) {
                v.add("password", problem)
            }
        }
        if id == me.id {
            if body.isActive == false { v.add("isActive", "you cannot disable your own account") }
            if let roles = fields.roles, roles != existing.roles { v.add("roles", "you cannot change your own roles") }
        }
        try v.check()
        var newHash: String?
        if let password = body.password { newHash = try await writer.password.async.hash(password) }
        let hash = newHash
        try await writer.write { db in
            guard let user = try await User.find(id, on: db) else { throw AppError.notFound("user") }
            let beforeTeams = try await teamIds(of: [id], on: db)[id] ?? []
            let before = dto(user, teamIds: beforeTeams, now: now)
            if let value = fields.displayName { user.displayName = value }
            if let value = fields.roles { user.roles = value }
            if let value = fields.departmentId { user.departmentId = value }
            if let value = fields.vendorId { user.vendorId = value }
            if let value = fields.phone { user.phone = value }
            if let value = fields.email { user.email = value }
            if let value = fields.locale { user.locale = value }
            if let value = body.isActive { user.isActive = value }
            if body.locked == false { user.lockoutState = .init(failedCount: 0, lockedUntil: nil) }
            if let hash {
                user.passwordHash = hash
                user.passwordChangedAt = now
                user.mustChangePassword = true
            }
            user.updatedAt = now
            try await user.update(on: db)
            if let teams = fields.teamIds {
                try await TeamMember.query(on: db).filter(\.$userId == id).delete()
                for team in teams { try await TeamMember(teamId: team, userId: id).create(on: db) }
            }
            // A disabled account or a reset password ends every session and token at once.
            if body.isActive == false || hash != nil {
                try await WebSession.query(on: db).filter(\.$userId == id).delete()
                try await APIToken.query(on: db).filter(\.$userId == id).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            }
            let after = dto(user, teamIds: fields.teamIds ?? beforeTeams, now: now)
            try await AuditLog.append(on: db, at: now, actor: actor, action: hash != nil ? "user.password_reset" : "user.update",
                                      entityType: "user", entityId: id.uuidString, before: before, after: after)
        }
        return try await load(id, on: db, now: now)
    }
}

extension UserService {
    static let usernamePattern = AccountService.usernamePattern
}
