import Fluent
import SQLKit
import Vapor

func registerCommands(_ app: Application) {
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(DoctorCommand(), as: "doctor")
}

/// `yiwei migrate`: migrations already ran at start; this reports the state and exits.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Apply pending database migrations (they also run on every start) and report the schema state." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let sql = context.application.db.sql
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
        context.console.print("数据库已是最新 / database is up to date: \(count) migrations applied")
        if sql.dialect.name == "sqlite" {
            let check = try await sql.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self) ?? "?"
            guard check == "ok" else {
                FileHandle.standardError.write(Data("数据库完整性检查失败 / integrity check failed: \(check)\n".utf8))
                context.application.exitStatus = 1
                return
            }
            context.console.print("完整性检查通过 / integrity check: ok")
        }
    }
}

/// `yiwei audit verify`: checks the audit log's hash chain; exit code 1 names the first bad row.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify")
        var action: String
    }
    var help: String { "yiwei audit verify — check the audit log's hash chain and report the first modified or missing row." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "verify" else {
            FileHandle.standardError.write(Data("unknown action \(signature.action); use: yiwei audit verify\n".utf8))
            context.application.exitStatus = 2
            return
        }
        let result = try await AuditQueries.verify(on: context.application.db)
        if result.intact {
            context.console.print("审计日志完整 / audit log intact: \(result.checked) rows verified")
        } else {
            FileHandle.standardError.write(Data(("审计日志异常 / audit log broken: row \(result.sequence ?? 0) is \(result.problem ?? "?") "
                + "(\(result.checked) rows before it are intact)\n").utf8))
            context.application.exitStatus = 1
        }
    }
}

extension Application {
    private struct ExitStatusKey: StorageKey { typealias Value = Int32 }

    /// The process exit status a command asks for (0 when it does not say).
    public var exitStatus: Int32 {
        get { storage[ExitStatusKey.self] ?? 0 }
        set { storage[ExitStatusKey.self] = newValue }
    }
}
