import Fluent
import Foundation
import SQLKit
import Vapor

/// The checks of `yiwei doctor` that are cheap enough for a page: the system administrator's home page shows
/// them, the command prints them among its longer ones (the SQLite quick check reads the whole file).
enum SystemHealth {
    enum Outcome: String { case ok = "✓", warning = "⚠", failed = "✗" }

    struct Check: Sendable {
        var outcome: Outcome
        var name: String
        var detail: String
    }

    static func database(_ app: Application) async -> Check {
        let started = ContinuousClock.now
        do {
            _ = try await app.db.sql.raw("SELECT 1 AS one").first()
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return Check(outcome: .ok, name: "数据库连接 database connection", detail: String(format: "%.1f ms", ms))
        } catch {
            return Check(outcome: .failed, name: "数据库连接 database connection", detail: String(describing: error))
        }
    }

    static func schema(_ app: Application) async throws -> Check {
        let applied = try await app.db.sql.raw("SELECT count(*) AS n FROM _fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
        let known = YiweiMigrations.all.count
        return Check(outcome: applied >= known ? .ok : .failed, name: "数据库结构 schema", detail: "\(applied) / \(known) migrations applied")
    }

    /// The data folder exists, is writable, and has room.
    static func disk(_ config: AppConfig) -> [Check] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: config.dataDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [Check(outcome: .failed, name: "数据目录 data directory", detail: "\(config.dataDirectory) does not exist")]
        }
        var checks: [Check] = []
        let probe = config.dataDirectory + "/.doctor-\(UUID().uuidString)"
        if fm.createFile(atPath: probe, contents: Data("ok".utf8)) {
            try? fm.removeItem(atPath: probe)
            checks.append(Check(outcome: .ok, name: "数据目录可写 data directory writable", detail: config.dataDirectory))
        } else {
            checks.append(Check(outcome: .failed, name: "数据目录可写 data directory writable", detail: "cannot write in \(config.dataDirectory)"))
        }
        var stats = statvfs()
        if statvfs(config.dataDirectory, &stats) == 0 {
            let free = Int(stats.f_bavail) * Int(stats.f_frsize), total = Int(stats.f_blocks) * Int(stats.f_frsize)
            let share = total > 0 ? Double(free) / Double(total) : 0
            let outcome: Outcome = free < 512 * 1_048_576 ? .failed : (free < 2 * 1_073_741_824 || share < 0.1) ? .warning : .ok
            checks.append(Check(outcome: outcome, name: "磁盘空间 free disk", detail: "\(humanSize(free)) free of \(humanSize(total)) (\(Int(share * 100)) %)"))
        }
        return checks
    }

    /// The built-in administrators whose generated first password is still in force.
    static func initialPasswords(_ config: AppConfig) -> [Check] {
        ["admin", "security"].compactMap { username in
            let file = Bootstrap.passwordFile(config, username: username)
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            return Check(outcome: .warning, name: "初始密码 initial password of \(username)",
                         detail: "not yet changed (\(file)); sign in as \(username) and change it")
        }
    }

    static func outbox(_ app: Application) async throws -> Check {
        let sql = app.db.sql
        let dead = try await sql.raw("SELECT count(*) AS n FROM outbox WHERE status = 'dead'").first()?.decode(column: "n", as: Int.self) ?? 0
        let pending = try await sql.raw("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").first()?.decode(column: "n", as: Int.self) ?? 0
        return Check(outcome: dead == 0 ? .ok : .warning, name: "消息推送 notifications outbox",
                     detail: "\(pending) pending, \(dead) given up" + (dead > 0 ? " — see 通知渠道 / channels" : ""))
    }

    /// The page's set: connection, schema, disk, the outbox, unchanged first passwords.
    static func quick(_ app: Application) async throws -> [Check] {
        let connection = await database(app)
        guard connection.outcome == .ok else { return [connection] }
        return [connection, try await schema(app)] + disk(app.yiwei.config) + [try await outbox(app)] + initialPasswords(app.yiwei.config)
    }
}
