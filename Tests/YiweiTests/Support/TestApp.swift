import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

/// The admin password every test database starts with.
let adminPassword = "Yw#Root2026x"
/// The built-in security administrator's password in every test database.
let securityPassword = "Yw#Secu2026x"

/// Which engine the HTTP-level tests run on: SQLite by default; PostgreSQL when `scripts/test` (or a
/// developer) sets `YIWEI_TEST_DATABASE_URL`. Every test gets its own database (SQLite file, or schema).
enum TestDatabase {
    static var postgresURL: String? {
        let url = ProcessInfo.processInfo.environment["YIWEI_TEST_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }
}

/// One application on a fresh database, driven through the real HTTP stack (in memory).
struct TestEnv: Sendable {
    let app: Application
    let clock: AppClock

    var db: any SQLDatabase { app.db.sql }

    /// Sends a request. `json` is encoded as the body; `raw` is sent verbatim (for malformed bodies).
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, json: (any Encodable & Sendable)? = nil,
              raw: String? = nil, contentType: String = "application/json", headers extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = .init(token: token) }
        var body: ByteBuffer?
        if let json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            body = ByteBuffer(data: try encoder.encode(json))
            headers.contentType = .json
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers.replaceOrAdd(name: .contentType, value: contentType)
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }

    /// Signs in through the API and returns the bearer token.
    func login(_ username: String, _ password: String) async throws -> String {
        let res = try await send(.POST, "/api/v1/auth/login", json: ["username": username, "password": password])
        try #require(res.status == .ok, "login as \(username) failed: \(res.status) \(res.body.string)")
        return try res.content.decode(LoginResponse.self).token
    }

    func adminToken() async throws -> String { try await login("admin", adminPassword) }
    func securityToken() async throws -> String { try await login("security", securityPassword) }

    /// Creates a user through the API as admin and returns its id and a token.
    @discardableResult
    func makeUser(_ username: String, roles: [String], password: String = "Test#Pass2026", extra: [String: String] = [:],
                  teamIds: [String]? = nil) async throws -> (id: UUID, token: String) {
        // 三员分立: the administrator roles are granted by the security administrator, the others by the admin.
        let keeper = roles.contains { ["admin", "security", "auditor"].contains($0) } ? try await securityToken() : try await adminToken()
        var body = CreateUserRequest(username: username, displayName: "测试" + username, password: password, roles: roles)
        body.departmentId = extra["departmentId"]
        body.vendorId = extra["vendorId"]
        body.teamIds = teamIds
        let initial = password == "Init#Pass2026a" ? "Init#Pass2026b" : "Init#Pass2026a"
        body.password = initial
        let res = try await send(.POST, "/api/v1/users", token: keeper, json: body)
        try #require(res.status == .created, "create \(username): \(res.status) \(res.body.string)")
        let user = try res.content.decode(UserDTO.self)
        // The account's owner chooses their own password first, as the API requires before anything else.
        try await choosePassword(username, initial: initial, password)
        return (user.id, try await login(username, password))
    }

    /// Signs in with the password an administrator set and replaces it with `password`.
    func choosePassword(_ username: String, initial: String, _ password: String) async throws {
        let first = try await login(username, initial)
        let changed = try await send(.POST, "/api/v1/auth/password", token: first,
                                     json: ChangePasswordRequest(currentPassword: initial, newPassword: password))
        try #require(changed.status == .noContent || changed.status == .ok, "password of \(username): \(changed.status) \(changed.body.string)")
    }

    func count(_ table: String) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self)
    }
}

extension TestingHTTPResponse {
    /// The `error.code` of an error response.
    var errorCode: String? { try? content.decode(ErrorBody.self).error.code }
    var errorFields: [String: String] { (try? content.decode(ErrorBody.self).error.fields) ?? [:] }
}

/// At most this many test applications talk to PostgreSQL at once: each holds a connection pool, and a
/// default PostgreSQL accepts 100 clients.
private let postgresSlots = TestSlots(8)

final class TestSlots: @unchecked Sendable {
    // @unchecked Sendable: all state is behind the lock.
    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    init(_ count: Int) { free = count }

    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if free > 0 { free -= 1; lock.unlock(); c.resume() } else { waiting.append(c); lock.unlock() }
        }
    }

    func release() {
        lock.lock()
        if waiting.isEmpty { free += 1; lock.unlock() } else { let next = waiting.removeFirst(); lock.unlock(); next.resume() }
    }
}

/// Runs `body` against a new application on a new, migrated database with the bootstrap admin.
func withYiwei(_ adjust: (inout AppConfig) -> Void = { _ in }, _ body: (TestEnv) async throws -> Void) async throws {
    guard TestDatabase.postgresURL != nil else { return try await runYiwei(adjust, body) }
    await postgresSlots.acquire()
    do {
        try await runYiwei(adjust, body)
        postgresSlots.release()
    } catch {
        postgresSlots.release()
        throw error
    }
}

private func runYiwei(_ adjust: (inout AppConfig) -> Void = { _ in }, _ body: (TestEnv) async throws -> Void) async throws {
    var config = AppConfig()
    config.bcryptCost = 4
    config.adminPassword = adminPassword
    config.securityPassword = securityPassword
    config.port = 0
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("yiwei-test-\(UUID().uuidString)").path
    config.dataDirectory = dir
    var schema: String?
    if let url = TestDatabase.postgresURL {
        config.database = .postgres(url: url)
        schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    } else {
        config.database = .sqlite(path: dir + "/yiwei.sqlite")
    }
    adjust(&config)
    let clock = AppClock()
    clock.set(Date(timeIntervalSince1970: 1_795_000_000)) // 2026-11-18T11:06:40Z, a Wednesday
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, config: config, clock: clock, databaseSchema: schema)
        _ = try await Bootstrap.ensureAdmin(app)
        _ = try await Bootstrap.ensureSecurityAdministrator(app)
        try await body(TestEnv(app: app, clock: clock))
    } catch {
        await cleanup(app, schema: schema, dir: dir)
        throw error
    }
    await cleanup(app, schema: schema, dir: dir)
}

private func cleanup(_ app: Application, schema: String?, dir: String) async {
    if let schema, let sql = app.db as? any SQLDatabase {
        _ = try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: dir)
}
