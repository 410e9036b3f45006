import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Platform: health, OpenAPI, database settings, configuration")
struct PlatformTests {
    @Test("/healthz answers ok when the database answers")
    func health() async throws {
        try await withYiwei { env in
            let res = try await env.send(.GET, "/healthz")
            #expect(res.status == .ok)
            #expect(try res.content.decode(HealthDTO.self).status == "ok")
        }
    }

    @Test("the OpenAPI document describes exactly the API routes the server has")
    func openAPIMatchesRoutes() async throws {
        try await withYiwei { env in
            let res = try await env.send(.GET, "/openapi.json")
            #expect(res.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as! [String: Any]
            #expect(object["openapi"] as? String == "3.0.3")
            let paths = object["paths"] as! [String: [String: Any]]
            var documented = Set<String>()
            for (path, methods) in paths { for method in methods.keys { documented.insert("\(method.uppercased()) \(path)") } }
            var served = Set<String>()
            for route in env.app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                if path.hasPrefix("/api/") || path == "/healthz" || path == "/openapi.json" {
                    served.insert("\(route.method.rawValue) \(path)")
                }
            }
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
            // Every referenced schema exists.
            let schemas = ((object["components"] as! [String: Any])["schemas"] as! [String: Any]).keys
            let text = res.body.string
            let refs = text.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
            for ref in refs { #expect(schemas.contains(String(ref)), "missing schema \(ref)") }
        }
    }

    @Test("SQLite runs in WAL mode with synchronous=NORMAL on every connection")
    func sqlitePragmas() async throws {
        guard TestDatabase.postgresURL == nil else { return }
        try await withYiwei { env in
            let mode = try await env.db.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
            for loop in env.app.eventLoopGroup.makeIterator() {
                let db = env.app.databases.database(.sqlite, logger: env.app.logger, on: loop)! as! any SQLDatabase
                let sync = try await db.raw("PRAGMA synchronous").first()!.decode(column: "synchronous", as: Int.self)
                #expect(sync == 1, "NORMAL is 1")
            }
        }
    }

    @Test("configuration from the environment and flags; flags win; bad values are named")
    func configuration() throws {
        let (config, rest) = try AppConfig.load(
            environment: ["YIWEI_PORT": "9000", "YIWEI_DATA_DIR": "/var/lib/yiwei", "YIWEI_SESSION_IDLE_MINUTES": "20"],
            arguments: ["yiwei", "serve", "--port", "8081", "--demo"])
        #expect(config.port == 8081)
        #expect(config.demo)
        #expect(config.dataDirectory == "/var/lib/yiwei")
        #expect(config.database == .sqlite(path: "/var/lib/yiwei/yiwei.sqlite"))
        #expect(config.security.idleTimeoutMinutes == 20)
        #expect(rest == ["yiwei", "serve"])
        let (pg, _) = try AppConfig.load(environment: ["YIWEI_DATABASE_URL": "postgres://u@db/yiwei"], arguments: ["yiwei"])
        #expect(pg.database == .postgres(url: "postgres://u@db/yiwei"))
        let (file, _) = try AppConfig.load(environment: ["YIWEI_DATABASE_URL": "sqlite:///srv/y.sqlite"], arguments: ["yiwei"])
        #expect(file.database == .sqlite(path: "/srv/y.sqlite"))
        for (name, value) in [("YIWEI_PORT", "eighty"), ("YIWEI_PORT", "70000"), ("YIWEI_DATABASE_URL", "mysql://x"),
                              ("YIWEI_TIME_ZONE", "Mars/Base"), ("YIWEI_SECURE_COOKIES", "perhaps")] {
            #expect(throws: AppConfig.Invalid.self) { try AppConfig.load(environment: [name: value], arguments: ["yiwei"]) }
        }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.load(environment: [:], arguments: ["yiwei", "--port"]) }
    }

    @Test("security headers on pages")
    func securityHeaders() async throws {
        try await withYiwei { env in
            let res = try await env.send(.GET, "/login", headers: [("Accept", "text/html")])
            #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(res.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
        }
    }
}
