import Fluent
import Foundation
import SQLKit
import Vapor

/// `yiwei doctor`: what this installation is configured to do and whether its database and disk are fit —
/// the first thing to run when something looks wrong, and what to paste into a support request.
/// Exit status 1 when a check fails (✗); warnings (⚠) keep 0.
struct DoctorCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Print the configuration and check the database, the disk and the accounts (exit 1 when a check fails)." }

    typealias Outcome = SystemHealth.Outcome

    func run(using context: CommandContext, signature: Signature) async throws {
        let report = try await Self.checks(context.application)
        for line in report.lines { context.console.print(line) }
        if report.failed { context.application.exitStatus = 1 }
    }

    static func checks(_ app: Application) async throws -> (lines: [String], failed: Bool) {
        let config = app.yiwei.config
        var lines: [String] = []
        var failed = false
        func check(_ outcome: Outcome, _ name: String, _ detail: String) {
            lines.append("\(outcome.rawValue) \(name): \(detail)")
            if outcome == .failed { failed = true }
        }
        lines.append("医维 Yiwei doctor — \(ISO8601DateFormatter().string(from: Date()))")
        lines.append("配置 / configuration")
        switch config.database {
        case .sqlite(let path): lines.append("  数据库 database: SQLite \(path)")
        case .postgres(let url): lines.append("  数据库 database: PostgreSQL \(maskPassword(url))")
        }
        lines.append("  数据目录 data directory: \(config.dataDirectory)")
        lines.append("  监听 listening: \(config.host):\(config.port)" + (config.externalPort.map { "，外网知识库 external KB :\($0)" } ?? ""))
        lines.append("  时区 time zone: \(config.timeZone.identifier)，语言 locale: \(config.defaultLocale)")
        lines.append("  日志 logs: \(config.logLevel), \(config.logFormat)；/metrics: " + (config.metricsToken != nil ? "bearer token" : config.metricsOpen ? "loopback only (YIWEI_METRICS_OPEN)" : "off (no YIWEI_METRICS_TOKEN)"))
        lines.append("  可信代理 trusted proxies: " + (config.trustedProxies.isEmpty ? "none (X-Forwarded-For ignored)" : config.trustedProxies.sorted().joined(separator: ", ")))
        lines.append("  页面与模板 resources: \(app.yiwei.resources.views)")
        lines.append("检查 / checks")

        // Database: reachable, migrations, engine-specific health.
        let sql = app.db.sql
        func add(_ c: SystemHealth.Check) { check(c.outcome, c.name, c.detail) }
        let connection = await SystemHealth.database(app)
        add(connection)
        if connection.outcome == .failed { return (lines, true) }
        add(try await SystemHealth.schema(app))
        if app.yiwei.databaseKind == .sqlite {
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self) ?? "?"
            check(mode.lowercased() == "wal" ? .ok : .warning, "SQLite 日志模式 journal mode", mode)
            let quick = try await sql.raw("PRAGMA quick_check").first()?.decode(column: "quick_check", as: String.self) ?? "?"
            check(quick == "ok" ? .ok : .failed, "SQLite 完整性 quick check", quick)
            if case .sqlite(let path) = config.database, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int {
                check(.ok, "数据库文件 database file", humanSize(size))
            }
        } else {
            let version = try await sql.raw("SHOW server_version").first()?.decode(column: "server_version", as: String.self) ?? "?"
            check(.ok, "PostgreSQL", version)
            // pg_trgm takes trigrams only from characters the database's LC_CTYPE calls letters: under C or POSIX,
            // Chinese gives none, and the knowledge search's index cannot help (every article is scanned).
            let ctype = try await sql.raw("SELECT datctype FROM pg_database WHERE datname = current_database()").first()?
                .decode(column: "datctype", as: String.self) ?? "?"
            let utf8 = ctype.uppercased().replacingOccurrences(of: "-", with: "").contains("UTF8")
            check(utf8 ? .ok : .warning, "字符分类 character classes (LC_CTYPE)",
                  utf8 ? ctype : "\(ctype) — Chinese text gives the search index no trigrams; create the database with LC_CTYPE C.UTF-8 or zh_CN.UTF-8 (docs/database.md)")
        }
        let tickets = try await sql.raw("SELECT count(*) AS n FROM tickets").first()?.decode(column: "n", as: Int.self) ?? 0
        check(.ok, "工单 tickets", "\(tickets)")

        // Disk: the data folder exists, is writable, and has room.
        let fm = FileManager.default
        SystemHealth.disk(config).forEach(add)
        let views = app.yiwei.resources.views + "layout.leaf"
        check(fm.fileExists(atPath: views) ? .ok : .failed, "页面模板 templates", fm.fileExists(atPath: views) ? "found" : "\(views) missing")

        // Accounts and background work.
        let admins = try await User.query(on: app.db).filter(\.$isActive == true).all().filter { $0.roles.contains(.admin) }.count
        check(admins > 0 ? .ok : .warning, "管理员账号 administrators",
              admins > 0 ? "\(admins) active" : "none yet — `yiwei serve` creates the admin account when it starts")
        SystemHealth.initialPasswords(config).forEach(add)
        add(try await SystemHealth.outbox(app))
        let offset = config.timeZone.secondsFromGMT() / 3600
        check(.ok, "服务器时间 server time", "\(ISO8601DateFormatter().string(from: Date())) (UTC), hospital time zone UTC\(offset >= 0 ? "+" : "")\(offset)")
        lines.append(failed ? "结论 / result: 有检查未通过 / a check failed" : "结论 / result: 正常 / healthy")
        return (lines, failed)
    }

    static func maskPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "****"
        return components.string ?? url
    }
}
