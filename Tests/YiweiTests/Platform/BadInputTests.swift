import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// Every class of bad input on every write endpoint: a 4xx in the documented shape, and nothing written.
@Suite("Bad input gets a clear 4xx and changes nothing")
struct BadInputTests {
    struct Resource: Sendable, CustomStringConvertible {
        let path: String
        let table: String
        let valid: String
        /// A body whose only problem is a reference to a record that does not exist.
        let unknownReference: String?
        let maxName: Int
        var description: String { path }
    }

    static let ghost = "8d5e0f9a-1111-4222-8333-944455556666"
    static let resources: [Resource] = [
        Resource(path: "campuses", table: "campuses", valid: #"{"name":"本部院区","code":"BB"}"#, unknownReference: nil, maxName: 50),
        Resource(path: "departments", table: "departments", valid: #"{"name":"心血管内科","location":"住院楼5楼"}"#,
                 unknownReference: #"{"name":"心血管内科","campusId":"\#(ghost)"}"#, maxName: 50),
        Resource(path: "teams", table: "teams", valid: #"{"name":"信息科运维组","domain":"it"}"#,
                 unknownReference: #"{"name":"信息科运维组","domain":"it","leadId":"\#(ghost)"}"#, maxName: 50),
        Resource(path: "vendors", table: "vendors", valid: #"{"name":"某某信息技术有限公司","contractStart":"2026-01-01","contractEnd":"2026-12-31"}"#,
                 unknownReference: nil, maxName: 100),
        Resource(path: "categories", table: "categories", valid: #"{"name":"打印机故障","domain":"it"}"#,
                 unknownReference: #"{"name":"打印机故障","domain":"it","parentId":"\#(ghost)"}"#, maxName: 50),
        Resource(path: "business-systems", table: "business_systems", valid: #"{"name":"检验LIS集成系统","criticality":"core"}"#,
                 unknownReference: #"{"name":"检验LIS集成系统","vendorId":"\#(ghost)"}"#, maxName: 100),
    ]

    @Test("organisation endpoints refuse malformed, mistyped, missing, oversized, duplicate and dangling input", arguments: resources)
    func organisation(_ r: Resource) async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let url = "/api/v1/\(r.path)"
            func post(_ body: String, contentType: String = "application/json") async throws -> TestingHTTPResponse {
                try await env.send(.POST, url, token: token, raw: body, contentType: contentType)
            }
            let malformed = try await post(#"{"name": "#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "invalid_json")

            let mistyped = try await post(#"{"name": 123}"#)
            #expect(mistyped.status == .unprocessableEntity)
            #expect(mistyped.errorCode == "validation_failed")
            #expect(mistyped.errorFields["name"] != nil)

            let missing = try await post("{}")
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.errorFields["name"] == "required")

            let blank = try await post(#"{"name":"   "}"#)
            #expect(blank.status == .unprocessableEntity)

            let long = String(repeating: "长", count: r.maxName + 1)
            let oversized = try await post(#"{"name":"\#(long)","domain":"it"}"#)
            #expect(oversized.status == .unprocessableEntity)
            #expect(oversized.errorFields["name"] == "must be at most \(r.maxName) characters")

            let wrongType = try await post("name=x", contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)

            if let dangling = r.unknownReference {
                let res = try await post(dangling)
                #expect(res.status == .unprocessableEntity, "\(res.body.string)")
                #expect(!res.errorFields.isEmpty)
            }
            #expect(try await env.count(r.table) == 0, "a rejected request wrote a row")

            let created = try await post(r.valid)
            #expect(created.status == .created, "\(created.body.string)")
            let duplicate = try await post(r.valid)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "duplicate_name")
            #expect(duplicate.errorFields["name"] != nil)
            #expect(try await env.count(r.table) == 1)

            let unknown = try await env.send(.GET, "\(url)/\(Self.ghost)", token: token)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")
            #expect(try await env.send(.GET, "\(url)/not-an-id", token: token).status == .notFound)
            #expect(try await env.send(.PATCH, "\(url)/\(Self.ghost)", token: token, raw: #"{"name":"x"}"#).status == .notFound)

            for query in ["per=0", "per=201", "page=0", "page=abc", "active=maybe"] {
                let res = try await env.send(.GET, "\(url)?\(query)", token: token)
                #expect(res.status == .badRequest, "\(query)")
                #expect(res.errorCode == "invalid_query")
            }
        }
    }

    @Test("an oversized body gets 413 in the error shape")
    func oversizedBody() async throws {
        try await withYiwei({ $0.maxBodyBytes = 4096 }) { env in
            let token = try await env.adminToken()
            let huge = #"{"name":"x","address":""# + String(repeating: "a", count: 10_000) + #""}"#
            let res = try await env.app.testing(method: .running(hostname: "127.0.0.1", port: 0)).sendRequest(
                .POST, "/api/v1/campuses",
                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                body: ByteBuffer(string: huge))
            #expect(res.status == .payloadTooLarge)
            #expect(res.errorCode == "payload_too_large")
            #expect(try await env.count("campuses") == 0)
        }
    }

    @Test("user creation refuses bad usernames, weak passwords, unknown roles and references, and duplicates")
    func users() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            func create(_ body: String) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/users", token: token, raw: body)
            }
            let cases: [(String, String)] = [
                (#"{"username":"张三","displayName":"张三","password":"Abc#12345x","roles":["agent"]}"#, "username"),
                (#"{"username":"a","displayName":"A","password":"Abc#12345x","roles":["agent"]}"#, "username"),
                (#"{"username":"zhangsan","displayName":"张三","password":"abc","roles":["agent"]}"#, "password"),
                (#"{"username":"zhangsan","displayName":"张三","password":"zhangsan#A1x","roles":["agent"]}"#, "password"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["root"]}"#, "roles"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":[]}"#, "roles"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":"agent"}"#, "roles"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["agent"],"departmentId":"\#(Self.ghost)"}"#, "departmentId"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["agent"],"teamIds":["\#(Self.ghost)"]}"#, "teamIds"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["agent"],"phone":"call me"}"#, "phone"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["agent"],"email":"nope"}"#, "email"),
                (#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["agent"],"locale":"fr"}"#, "locale"),
                (#"{"username":"zhangsan","password":"Abc#12345x","roles":["agent"]}"#, "displayName"),
            ]
            for (body, field) in cases {
                let res = try await create(body)
                #expect(res.status == .unprocessableEntity, "\(body) → \(res.status)")
                #expect(res.errorFields[field] != nil, "\(body) should name \(field): \(res.body.string)")
            }
            #expect(try await env.count("users") == 2, "the built-in admin and security accounts only")
            let ok = try await create(#"{"username":"ZhangSan","displayName":"张三","password":"Abc#12345x","roles":["agent"]}"#)
            #expect(ok.status == .created)
            // Usernames are case-insensitive: stored lower-case, so the same name in other case is a duplicate.
            #expect(try ok.content.decode(UserDTO.self).username == "zhangsan")
            let dup = try await create(#"{"username":"zhangsan","displayName":"张三","password":"Abc#12345x","roles":["agent"]}"#)
            #expect(dup.status == .conflict)
            #expect(dup.errorCode == "duplicate_username")
            #expect(try await env.count("users") == 3)
        }
    }

    @Test("the password is never returned or written to the audit log")
    func passwordNeverLeaks() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let res = try await env.send(.POST, "/api/v1/users", token: token,
                                         raw: #"{"username":"lisi","displayName":"李四","password":"Secret#2026x","roles":["agent"]}"#)
            #expect(!res.body.string.contains("Secret#2026x"))
            #expect(!res.body.string.contains("password"))
            let audit = try await env.db.raw("SELECT after FROM audit_log WHERE action = 'user.create'").all()
            for row in audit {
                let after = try row.decode(column: "after", as: String?.self) ?? ""
                #expect(!after.contains("Secret#2026x"))
                #expect(!after.contains("$2"))
            }
        }
    }

    @Test("unknown routes and methods answer in the documented error shape")
    func unknownRoutes() async throws {
        try await withYiwei { env in
            let res = try await env.send(.GET, "/api/v1/nothing-here")
            #expect(res.status == .notFound)
            #expect(res.errorCode == "not_found")
            #expect(res.headers.contentType == .json)
            let bad = try await env.send(.GET, "/api/v1/auth/me", token: "yw_forged")
            #expect(bad.status == .unauthorized)
            #expect(bad.errorCode == "invalid_token")
        }
    }
}

@Suite("Multipart bodies that would crash the multipart parser")
struct MultipartGuardTests {
    @Test("a part whose header name is not ASCII is a 400 on every route, and the server goes on")
    func nonASCIIHeaderName() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            let t = try await h.report()
            let boundary = "7e2c9cbb1b41c1510b5142f8f0bb7518"
            let body = "--\(boundary)\r\n·--\(boundary)--\r\n"
            for path in ["/api/v1/tickets/\(t.id)/attachments", "/login", "/api/v1/kb/import", "/portal/new"] {
                let res = try await env.app.testing().sendRequest(.POST, path, headers: ["Authorization": "Bearer \(h.nurse.token)",
                                                                                       "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                                                  body: ByteBuffer(string: body))
                #expect(res.status == .badRequest, "\(path): \(res.status)")
            }
            // Non-ASCII in a header value (a Chinese file name) is fine.
            let (type, upload) = TicketCollaborationTests.multipart("截图.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
            let ok = try await env.app.testing().sendRequest(.POST, "/api/v1/tickets/\(t.id)/attachments",
                                                             headers: ["Authorization": "Bearer \(h.nurse.token)", "Content-Type": type], body: upload)
            #expect(ok.status == .created)
            #expect(MultipartGuardMiddleware.headerNamesAreASCII(Array("--b\r\nContent-Disposition: form-data; name=\"文件\"\r\n\r\nx\r\n--b--\r\n".utf8), boundary: "b"))
            #expect(!MultipartGuardMiddleware.headerNamesAreASCII(Array("--b\r\nContent-Disposition: x\r\nÛ: y\r\n\r\nx\r\n--b--\r\n".utf8), boundary: "b"))
        }
    }
}
