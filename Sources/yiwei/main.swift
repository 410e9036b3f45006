import Foundation
import Logging
import Vapor
import Yiwei
import YiweiDemo

/// `yiwei serve [--demo] [--port N] [--data-dir DIR]`, `yiwei migrate`, `yiwei seed-demo`, `yiwei audit verify`,
/// `yiwei backup --to DIR`, `yiwei restore --from DIR`, `yiwei doctor`, `yiwei gen-data …`; `yiwei --help` lists them.
@main
enum Entrypoint {
    static func main() async throws {
        if CommandHelp.wanted(CommandLine.arguments) {
            print(CommandHelp.text)
            exit(0)
        }
        let config: AppConfig
        let arguments: [String]
        do {
            (config, arguments) = try AppConfig.load(environment: ProcessInfo.processInfo.environment, arguments: CommandLine.arguments)
        } catch {
            FileHandle.standardError.write(Data("配置错误 / configuration error: \(error)\n".utf8))
            exit(2)
        }
        TaskThreads.runOnEventLoops(config.tasksOnEventLoops)
        // Restore runs before anything opens (and so creates) a database in the target folder.
        if arguments.dropFirst().first == "restore" {
            let rest = Array(arguments.dropFirst(2))
            guard let index = rest.firstIndex(of: "--from"), index + 1 < rest.count else {
                FileHandle.standardError.write(Data("usage: yiwei restore --from BACKUP_DIR --data-dir EMPTY_DIR\n".utf8))
                exit(2)
            }
            var databaseURL: String?
            if case .postgres(let url) = config.database { databaseURL = url }
            exit(RestoreCommand.run(from: rest[index + 1], dataDirectory: config.dataDirectory, databaseURL: databaseURL))
        }
        var env = try Environment.detect(arguments: arguments)
        // A hospital's server runs production settings unless told otherwise (`--env development`).
        if env.name == "development" && !arguments.contains(where: { $0 == "--env" || $0 == "-e" || $0.hasPrefix("--env=") })
            && ProcessInfo.processInfo.environment["VAPOR_ENV"] == nil {
            env = Environment(name: "production", arguments: arguments)
        }
        try LoggingSystem.bootstrap(from: &env) { level in
            { label in
                let chosen = Logger.Level(rawValue: config.logLevel) ?? level
                if config.logFormat == "json" { return JSONLogHandler(label: label, level: chosen) }
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = chosen
                return handler
            }
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, config: config)
            DemoCommands.register(app)
            let command = arguments.dropFirst().first ?? "serve"
            if command == "serve" || command.hasPrefix("-") {
                try await announce(app, config: config)
            }
            try await app.execute()
        } catch {
            FileHandle.standardError.write(Data("启动失败 / failed: \(error)\n".utf8))
            try? await app.asyncShutdown()
            Foundation.exit(1)
        }
        let status = app.exitStatus
        try await app.asyncShutdown()
        if status != 0 { exit(status) }
    }

    /// Before serving: the admin account, the demo hospital when asked, and where to find it all.
    static func announce(_ app: Application, config: AppConfig) async throws {
        let admin = try await Bootstrap.ensureAdmin(app)
        let security = try await Bootstrap.ensureSecurityAdministrator(app)
        SLAScheduler.start(app)
        OutboxWorker.start(app)
        try await WALCheckpointer.start(app)
        var lines: [String] = []
        if let external = config.externalPort {
            let address = try await ExternalListener.start(app, port: external)
            lines.append("外网知识库 / external knowledge base: http://\(address)/kb（仅公开文章 / public articles only）")
        }
        if config.demo {
            let demo = try await DemoSeeder.seedIfEmpty(app)
            if demo.seeded {
                lines.append("演示数据已导入 / demo data loaded: \(demo.summary)")
                // A year of history, so the dashboard, reports and scorecards have something to show.
                var options = DataGenerator.Options(tickets: 2000, articles: 0, seed: 2026)
                options.years = 1
                let history = try await DataGenerator.run(app, options) { _ in }
                lines.append("演示工单 / demo tickets: \(history.tickets)（近一年 / over the past year, \(history.open) open）")
            }
            lines.append("演示账号 / demo accounts: liuzhiyuan（信息科主任）、chenxiaoyu（服务台）、liming（工程师）、zhangwei（报修人）、xiewenjing（审计员），密码 / password: \(DemoSeeder.demoPassword)")
        }
        let host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host
        lines.insert("医维 Yiwei 已启动 / running at http://\(host):\(config.port)", at: 0)
        if let password = admin.generatedPassword {
            lines.append("管理员 / admin:  用户名 admin  密码 \(password)" + (admin.created ? "（首次生成，请登录后修改）" : "（初始密码，尚未修改）"))
        } else if admin.created {
            lines.append("管理员 / admin: 用户名 admin，密码为 YIWEI_ADMIN_PASSWORD 的值")
        }
        if let password = security.generatedPassword {
            lines.append("安全管理员 / security:  用户名 security  密码 \(password)" + (security.created ? "（首次生成，请登录后修改）" : "（初始密码，尚未修改）"))
        } else if security.created {
            lines.append("安全管理员 / security: 用户名 security，密码为 YIWEI_SECURITY_PASSWORD 的值")
        }
        switch config.database {
        case .sqlite(let path): lines.append("数据库 / database: SQLite \(path)")
        case .postgres: lines.append("数据库 / database: PostgreSQL")
        }
        lines.append("任务线程 / tasks: " + (TaskThreads.onEventLoops ? "事件循环 / on the event loops" : "Swift 线程池 / on Swift's pool (YIWEI_NIO_EXECUTOR=0)"))
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
