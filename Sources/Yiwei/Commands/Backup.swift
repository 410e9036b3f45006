import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// `yiwei backup --to DIR` and `yiwei restore --from DIR` (issue: backup and restore drill, seed 004).
///
/// A backup is a folder: `yiwei.sqlite` (a consistent online copy made with SQLite's `VACUUM INTO`, which
/// reads one snapshot while the server keeps serving), the uploaded files (`attachments/`, `kb-attachments/`)
/// and `manifest.json` (when, from which version of the schema, row counts, SHA-256 of every file).
/// Restore copies it into an empty data folder, checks every file against the manifest and runs SQLite's
/// integrity check; it refuses a folder that already holds a database. On PostgreSQL the database goes
/// into the backup as `yiwei.pgdump` (`pg_dump --format=custom`) and comes back with `pg_restore` into an
/// empty database.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "the folder to write the backup into (created; must be empty)")
        var to: String?
    }
    var help: String { "yiwei backup --to DIR — a consistent online backup of the database and the uploaded files." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let target = signature.to, !target.isEmpty else {
            FileHandle.standardError.write(Data("usage: yiwei backup --to DIR\n".utf8)); app.exitStatus = 2; return
        }
        let dir = URL(fileURLWithPath: target).standardizedFileURL.path
        let fm = FileManager.default
        if fm.fileExists(atPath: dir), !(try fm.contentsOfDirectory(atPath: dir)).isEmpty {
            FileHandle.standardError.write(Data("备份目录不为空 / the backup folder is not empty: \(dir)\n".utf8)); app.exitStatus = 2; return
        }
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = app.yiwei.config
        let sql = app.db.sql
        // A backup is a read of everything (SEC-3): recorded before the copy, so the backup holds its own entry.
        let now = app.yiwei.clock.now()
        let osUser = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown"
        try await app.write(affectsReference: false) { db in
            try await AuditLog.append(on: db, at: now, actor: .system("cli:" + osUser), action: "backup.create", entityType: "backup",
                                      entityId: dir)
        }
        var manifest: [String: Any] = ["format": "yiwei-backup/1", "createdAt": ISO8601DateFormatter().string(from: Date())]
        if case .sqlite = config.database {
            let file = dir + "/yiwei.sqlite"
            try await sql.raw("VACUUM INTO \(bind: file)").run()
            manifest["database"] = "sqlite"
        } else if case .postgres(let url) = config.database {
            // pg_dump reads one snapshot (a repeatable-read transaction) while the server keeps serving.
            let (status, output) = PostgresTools.run("pg_dump", ["--format=custom", "--no-owner", "--file", dir + "/yiwei.pgdump", "--dbname", url])
            guard status == 0 else {
                FileHandle.standardError.write(Data("pg_dump 失败 / pg_dump failed (\(status)): \(output)\n".utf8)); app.exitStatus = 1; return
            }
            manifest["database"] = "postgres"
        }
        var counts: [String: Int] = [:]
        for table in ["tickets", "ticket_events", "users", "kb_articles", "audit_log"] {
            counts[table] = try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        manifest["counts"] = counts
        manifest["migrations"] = try await sql.raw("SELECT count(*) AS n FROM _fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
        for folder in ["attachments", "kb-attachments"] where fm.fileExists(atPath: config.dataDirectory + "/" + folder) {
            try fm.copyItem(atPath: config.dataDirectory + "/" + folder, toPath: dir + "/" + folder)
        }
        manifest["files"] = try Self.checksums(dir)
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: dir + "/manifest.json"))
        context.console.print("备份完成 / backup written: \(dir) — tickets \(counts["tickets"] ?? 0), articles \(counts["kb_articles"] ?? 0), audit rows \(counts["audit_log"] ?? 0)")
    }

    /// SHA-256 of every file below `dir` (except the manifest), by relative path.
    static func checksums(_ dir: String) throws -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return result }
        while let relative = walker.nextObject() as? String {
            let path = dir + "/" + relative
            var isDir: ObjCBool = false
            guard relative != "manifest.json", FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            result[relative] = SHA256.hash(data: data).hexEncodedString()
        }
        return result
    }
}

/// `yiwei restore --from DIR`: run with `--data-dir` naming an empty folder; the server is not running on it.
public enum RestoreCommand {
    /// Runs before the application opens a database (it must not create one in the target folder first).
    public static func run(from source: String, dataDirectory: String, databaseURL: String? = nil) -> Int32 {
        let fm = FileManager.default
        func fail(_ message: String) -> Int32 { FileHandle.standardError.write(Data((message + "\n").utf8)); return 1 }
        let from = URL(fileURLWithPath: source).standardizedFileURL.path
        guard let data = fm.contents(atPath: from + "/manifest.json"),
              let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = manifest["files"] as? [String: String] else {
            return fail("不是医维备份 / not a Yiwei backup (no manifest.json): \(from)")
        }
        if fm.fileExists(atPath: dataDirectory), let existing = try? fm.contentsOfDirectory(atPath: dataDirectory), !existing.isEmpty {
            return fail("数据目录不为空，拒绝覆盖 / the data folder is not empty; refusing to overwrite: \(dataDirectory)")
        }
        guard let actual = try? BackupCommand.checksums(from) else { return fail("cannot read \(from)") }
        for (file, sum) in files where actual[file] != sum {
            return fail("备份已损坏 / the backup is damaged: \(file) \(actual[file] == nil ? "is missing" : "does not match its checksum")")
        }
        let isPostgres = (manifest["database"] as? String) == "postgres"
        if isPostgres {
            guard let url = databaseURL, url.hasPrefix("postgres") else {
                return fail("这是 PostgreSQL 备份，请用 YIWEI_DATABASE_URL 或 --database-url 指定一个空数据库 / a PostgreSQL backup: name an empty database with --database-url")
            }
            let (check, tables) = PostgresTools.run("psql", ["--no-psqlrc", "--tuples-only", "--no-align", "--dbname", url, "--command",
                                                             "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"])
            guard check == 0 else { return fail("无法连接数据库 / cannot reach the database: \(tables)") }
            guard tables.trimmingCharacters(in: .whitespacesAndNewlines) == "0" else {
                return fail("目标数据库不为空，拒绝覆盖 / the target database is not empty; refusing to overwrite")
            }
            let (status, output) = PostgresTools.run("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname", url,
                                                                    from + "/yiwei.pgdump"])
            guard status == 0 else { return fail("pg_restore 失败 / pg_restore failed (\(status)): \(output)") }
        }
        do {
            try fm.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            for item in try fm.contentsOfDirectory(atPath: from) where item != "manifest.json" && item != "yiwei.pgdump" {
                try fm.copyItem(atPath: from + "/" + item, toPath: dataDirectory + "/" + item)
            }
        } catch {
            return fail("恢复失败 / restore failed: \(error)")
        }
        let counts = manifest["counts"] as? [String: Int] ?? [:]
        print("恢复完成 / restored into \(dataDirectory) — tickets \(counts["tickets"] ?? 0), articles \(counts["kb_articles"] ?? 0); "
              + "the integrity check runs at the next start (yiwei migrate)")
        return 0
    }
}

/// PostgreSQL's own client programs (Debian's `postgresql-client`), run as child processes.
enum PostgresTools {
    /// Runs `program` (found on PATH or in /usr/lib/postgresql/*/bin); returns its exit status and what it printed.
    static func run(_ program: String, _ arguments: [String]) -> (Int32, String) {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { String($0) + "/" + program }
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed()
                .map { "/usr/lib/postgresql/\($0)/bin/\(program)" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return (127, "\(program) not found: install postgresql-client")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (126, String(describing: error)) }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
