import Fluent
import Foundation
import SQLKit
import Vapor

/// The checks of `yiwei doctor` that are cheap enough for a page: the system administrator's home page shows
/// them, the command prints them among its longer ones (the SQLite quick check reads the whole file).
enum SystemHealth {
    enum Outcome: String { case ok = "✓", warning = "⚠", failed = "✗" }

    /// A check: its bilingual name and English detail for the command line, and for the page a locale key
    /// (`page`, with `page + "_detail"` the detail's text) and the values its `{placeholders}` take.
    struct Check: Sendable {
        var outcome: Outcome
        var name: String
        var detail: String
        var page: String
        var values: [(String, String)] = []
    }

    /// Every `page` key a check may carry (the locale files hold each, and each with `_detail`).
    static let pageKeys = ["health_database", "health_database_failed", "health_schema", "health_data_directory",
                           "health_writable", "health_writable_failed", "health_disk", "health_initial_password", "health_outbox"]

    static func database(_ app: Application) async -> Check {
        let started = ContinuousClock.now
        do {
            _ = try await app.db.sql.raw("SELECT 1 AS one").first()
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let text = String(format: "%.1f", ms)
            return Check(outcome: .ok, name: "数据库连接 database connection", detail: text + " ms", page: "health_database", values: [("{ms}", text)])
        } catch {
            return Check(outcome: .failed, name: "数据库连接 database connection", detail: String(describing: error),
                         page: "health_database_failed", values: [("{error}", String(describing: error))])
        }
    }

    static func schema(_ app: Application) async throws -> Check {
        let applied = try await app.db.sql.raw("SELECT count(*) AS n FROM _fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
        let known = YiweiMigrations.all.count
        return Check(outcome: applied >= known ? .ok : .failed, name: "数据库结构 schema", detail: "\(applied) / \(known) migrations applied",
                     page: "health_schema", values: [("{applied}", String(applied)), ("{known}", String(known))])
    }

    /// The data folder exists, is writable, and has room.
    static func disk(_ config: AppConfig) -> [Check] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: config.dataDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [Check(outcome: .failed, name: "数据目录 data directory", detail: "\(config.dataDirectory) does not exist",
                          page: "health_data_directory", values: [("{dir}", config.dataDirectory)])]
        }
        var checks: [Check] = []
        let probe = config.dataDirectory + "/.doctor-\(UUID().uuidString)"
        if fm.createFile(atPath: probe, contents: Data("ok".utf8)) {
            try? fm.removeItem(atPath: probe)
            checks.append(Check(outcome: .ok, name: "数据目录可写 data directory writable", detail: config.dataDirectory,
                                page: "health_writable", values: [("{dir}", config.dataDirectory)]))
        } else {
            checks.append(Check(outcome: .failed, name: "数据目录可写 data directory writable", detail: "cannot write in \(config.dataDirectory)",
                                page: "health_writable_failed", values: [("{dir}", config.dataDirectory)]))
        }
        var stats = statvfs()
        if statvfs(config.dataDirectory, &stats) == 0 {
            let free = Int(stats.f_bavail) * Int(stats.f_frsize), total = Int(stats.f_blocks) * Int(stats.f_frsize)
            let share = total > 0 ? Double(free) / Double(total) : 0
            let outcome: Outcome = free < 512 * 1_048_576 ? .failed : (free < 2 * 1_073_741_824 || share < 0.1) ? .warning : .ok
            checks.append(Check(outcome: outcome, name: "磁盘空间 free disk", detail: "\(humanSize(free)) free of \(humanSize(total)) (\(Int(share * 100)) %)",
                                page: "health_disk", values: [("{free}", humanSize(free)), ("{total}", humanSize(total)), ("{share}", String(Int(share * 100)))]))
        }
        return checks
    }

    /// The built-in administrators whose generated first password is still in force.
    static func initialPasswords(_ config: AppConfig) -> [Check] {
        ["admin", "security"].compactMap { username in
            let file = Bootstrap.passwordFile(config, username: username)
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            return Check(outcome: .warning, name: "初始密码 initial password of \(username)",
                         detail: "not yet changed (\(file)); sign in as \(username) and change it",
                         page: "health_initial_password", values: [("{user}", username), ("{file}", file)])
        }
    }

    static func outbox(_ app: Application) async throws -> Check {
        let sql = app.db.sql
        let dead = try await sql.raw("SELECT count(*) AS n FROM outbox WHERE status = 'dead'").first()?.decode(column: "n", as: Int.self) ?? 0
        let pending = try await sql.raw("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").first()?.decode(column: "n", as: Int.self) ?? 0
        return Check(outcome: dead == 0 ? .ok : .warning, name: "消息推送 notifications outbox",
                     detail: "\(pending) pending, \(dead) given up" + (dead > 0 ? " — see 通知渠道 / channels" : ""),
                     page: "health_outbox", values: [("{pending}", String(pending)), ("{dead}", String(dead))])
    }

    /// The page's set: connection, schema, disk, the outbox, unchanged first passwords.
    static func quick(_ app: Application) async throws -> [Check] {
        let connection = await database(app)
        guard connection.outcome == .ok else { return [connection] }
        return [connection, try await schema(app)] + disk(app.yiwei.config) + [try await outbox(app)] + initialPasswords(app.yiwei.config)
    }
}
