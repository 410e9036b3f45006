import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import YiweiCore

/// The organisation as requests read it — people, departments, teams, categories, business systems,
/// calendars, SLA policies, the priority matrix, dispatch rules — loaded once and kept in memory.
///
/// Read from the tables on every request, these lookups (the names on a list, the scope of a user, the policy of a
/// ticket) would be most of a request's time at a million tickets (docs/PERFORMANCE.md). The snapshot
/// is replaced after every committed write that may change it (`Request.write` bumps the generation unless
/// the write is declared ticket-only) and, as a safety net for other instances on one PostgreSQL database
/// and for changes made outside the application, is at most `maxAge` seconds old.
///
/// The models in a snapshot are shared between requests: read them, never change them.
struct ReferenceData: @unchecked Sendable {
    struct UserInfo: Sendable {
        var id: UUID
        var username: String
        var displayName: String
        var roles: Set<Role>
        var locale: String
        var departmentId: UUID?
        var vendorId: UUID?
        var phone: String?
        var isActive: Bool
        var mustChangePassword: Bool
    }

    var users: [UUID: UserInfo] = [:]
    var departments: [UUID: Department] = [:]
    var teams: [UUID: Team] = [:]
    var members: [TeamMember] = []
    var categories: [UUID: Category] = [:]
    var systems: [UUID: BusinessSystem] = [:]
    var calendars: [UUID: (record: CalendarRecord, calendar: BusinessCalendar?)] = [:]
    var policies: [SLAPolicyRecord] = []
    var rules: [DispatchRule] = []
    /// Active business systems in name order (pick lists).
    var activeSystems: [(UUID, String)] = []
    var matrix: PriorityMatrix = .standard
    /// The security administrator's saved policy; nil until one is saved (the configuration's defaults apply).
    var security: SecuritySettings?
    var lookups = Lookups()

    /// The teams a user belongs to.
    func teams(of user: UUID) -> [Team] {
        members.filter { $0.userId == user }.compactMap { teams[$0.teamId] }
    }

    /// Each table read once, in the order the pick lists show it (the database sorts, as it did for the lists).
    static func load(on db: any Database) async throws -> ReferenceData {
        var r = ReferenceData()
        // Users through SQL rows: a hospital has thousands of accounts, and model decoding costs ~50 µs each.
        let sql = db.sql
        let rows = try await sql.select()
            .columns("id", "username", "display_name", "roles", "locale", "department_id", "vendor_id", "phone", "is_active", "must_change_password")
            .from(User.schema).orderBy("display_name").all()
        var staff: [(UUID, String)] = []
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let roles = try row.decode(column: "roles", as: String.self)
            let user = UserInfo(
                id: id, username: try row.decode(column: "username", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self),
                roles: Set(roles.split(separator: ",").compactMap { Role(rawValue: String($0)) }),
                locale: try row.decode(column: "locale", as: String.self),
                departmentId: try row.decode(column: "department_id", as: UUID?.self),
                vendorId: try row.decode(column: "vendor_id", as: UUID?.self),
                phone: try row.decode(column: "phone", as: String?.self),
                isActive: try row.decode(column: "is_active", as: Bool.self),
                mustChangePassword: try row.decode(column: "must_change_password", as: Bool.self))
            r.users[id] = user
            // Engineers and vendor staff: everyone who works tickets may lead or join a team.
            if user.isActive && RolePolicy.permissions(for: user.roles).contains(.workTickets) {
                staff.append((id, "\(user.displayName)（\(user.username)）"))
            }
        }
        let departments = try await Department.query(on: db).sort(\.$name).all()
        let teams = try await Team.query(on: db).sort(\.$name).all()
        let categories = try await Category.query(on: db).sort(\.$domain).sort(\.$sortOrder).sort(\.$name).all()
        for d in departments { r.departments[try d.requireID()] = d }
        for t in teams { r.teams[try t.requireID()] = t }
        for c in categories { r.categories[try c.requireID()] = c }
        r.members = try await TeamMember.query(on: db).all()
        let systems = try await BusinessSystem.query(on: db).sort(\.$name).all()
        for s in systems { r.systems[try s.requireID()] = s }
        r.activeSystems = systems.filter(\.isActive).map { ($0.id!, $0.name) }
        for c in try await CalendarRecord.query(on: db).all() { r.calendars[try c.requireID()] = (c, try? CalendarStore.calendar(c)) }
        r.policies = try await SLAPolicyRecord.query(on: db).all()
        r.rules = try await DispatchRule.query(on: db).sort(\.$position).sort(\.$createdAt).all()
        r.matrix = try await PriorityMatrixStore.load(on: db)
        r.security = try await SecuritySettingsService.saved(on: db)
        r.lookups = Lookups(
            campuses: try await Campus.query(on: db).sort(\.$name).all().map { ($0.id!, $0.name) },
            departments: departments.map { ($0.id!, $0.name) },
            vendors: try await Vendor.query(on: db).sort(\.$name).all().map { ($0.id!, $0.name) },
            teams: teams.map { ($0.id!, $0.name, $0.domain) },
            staff: staff,
            categories: categories.map { ($0.id!, $0.name, $0.domain) })
        return r
    }
}

/// Holds the current `ReferenceData` and replaces it when a write may have changed it.
final class ReferenceCache: Sendable {
    /// Other instances sharing a PostgreSQL database, and changes made outside the application, are seen within this.
    static let maxAge: TimeInterval = 5

    private struct State {
        var generation: UInt64 = 0
        var snapshot: ReferenceData?
        var snapshotGeneration: UInt64 = 0
        var loadedAt: Date = .distantPast
        /// The load under way, and the generation it started at: callers arriving meanwhile wait for it
        /// instead of each reading the whole organisation again.
        var loading: (task: Task<ReferenceData, any Error>, generation: UInt64)?
    }
    private let state = NIOLockedValueBox(State())

    init() {}

    /// Called after every committed write that may change the organisation: the next read loads again.
    func invalidate() {
        state.withLockedValue { $0.generation &+= 1; $0.snapshot = nil }
    }

    var generation: UInt64 { state.withLockedValue { $0.generation } }

    func get(on db: any Database) async throws -> ReferenceData {
        let now = Date()
        enum Next { case ready(ReferenceData), wait(Task<ReferenceData, any Error>) }
        let next = state.withLockedValue { s -> Next in
            if let snapshot = s.snapshot, s.snapshotGeneration == s.generation, now.timeIntervalSince(s.loadedAt) < Self.maxAge {
                return .ready(snapshot)
            }
            if let loading = s.loading, loading.generation == s.generation { return .wait(loading.task) }
            let generation = s.generation
            let task = Task<ReferenceData, any Error> {
                defer { self.finished(generation: generation) }
                let fresh = try await ReferenceData.load(on: db)
                // Kept only if no write committed while it loaded (it might have read the state before that write).
                self.state.withLockedValue { s in
                    if s.generation == generation {
                        s.snapshot = fresh
                        s.snapshotGeneration = generation
                        s.loadedAt = now
                    }
                }
                return fresh
            }
            s.loading = (task, generation)
            return .wait(task)
        }
        switch next {
        case .ready(let snapshot): return snapshot
        case .wait(let task): return try await task.value
        }
    }

    private func finished(generation: UInt64) {
        state.withLockedValue { s in
            if s.loading?.generation == generation { s.loading = nil }
        }
    }
}

extension Request {
    /// The organisation as of now (see `ReferenceCache`).
    func reference() async throws -> ReferenceData {
        try await yiwei.reference.get(on: db)
    }
}

extension Application {
    func reference() async throws -> ReferenceData {
        try await yiwei.reference.get(on: db)
    }
}

/// Bearer tokens and browser sessions already checked, by the digest of their secret. Flushed with the
/// organisation (every sign-out, revocation and account change is a `write` that invalidates it) and at
/// most `ReferenceCache.maxAge` seconds old.
final class CredentialCache: Sendable {
    struct Token: Sendable {
        var id: UUID
        var userId: UUID
        var expiresAt: Date
        var revoked: Bool
        var lastUsedAt: Date?
    }
    struct Session: Sendable {
        var id: UUID
        var userId: UUID
        var csrfToken: String
        var lastSeenAt: Date
    }
    private struct Entry<Value: Sendable>: Sendable {
        var value: Value
        var fetchedAt: Date
        var generation: UInt64
    }
    private struct State {
        var tokens: [String: Entry<Token>] = [:]
        var sessions: [String: Entry<Session>] = [:]
    }
    /// A bound on memory: past it the cache starts again empty.
    static let capacity = 20_000
    private let state = NIOLockedValueBox(State())

    func token(_ digest: String, generation: UInt64, now: Date) -> Token? {
        state.withLockedValue { s in
            guard let e = s.tokens[digest], e.generation == generation, now.timeIntervalSince(e.fetchedAt) < ReferenceCache.maxAge else { return nil }
            return e.value
        }
    }

    func session(_ digest: String, generation: UInt64, now: Date) -> Session? {
        state.withLockedValue { s in
            guard let e = s.sessions[digest], e.generation == generation, now.timeIntervalSince(e.fetchedAt) < ReferenceCache.maxAge else { return nil }
            return e.value
        }
    }

    func store(_ digest: String, token: Token, generation: UInt64, at now: Date) {
        state.withLockedValue { s in
            if s.tokens.count >= Self.capacity { s.tokens = [:] }
            s.tokens[digest] = Entry(value: token, fetchedAt: now, generation: generation)
        }
    }

    func store(_ digest: String, session: Session, generation: UInt64, at now: Date) {
        state.withLockedValue { s in
            if s.sessions.count >= Self.capacity { s.sessions = [:] }
            s.sessions[digest] = Entry(value: session, fetchedAt: now, generation: generation)
        }
    }

    func forget(session digest: String) {
        state.withLockedValue { _ = $0.sessions.removeValue(forKey: digest) }
    }
}
