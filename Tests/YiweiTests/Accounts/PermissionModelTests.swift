import Foundation
import Testing
import VaporTesting
@testable import Yiwei
import YiweiCore

/// The one permission model: docs/permissions.md is `RolePolicy`'s table, and every role × permission is
/// tried through the API and the pages — allowed exactly where the table says, refused with 403 otherwise,
/// each refusal leaving exactly one audit row and changing nothing.
@Suite("Permission model: every role × permission, API and pages", .serialized)
struct PermissionModelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The permissions table of docs/permissions.md: permission → roles with a ✓.
    static func documentedTable() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/permissions.md"), encoding: .utf8)
        var header: [String] = []
        var table: [String: Set<String>] = [:]
        for line in text.split(separator: "\n").map(String.init) where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.first == "permission" { header = cells; continue }
            guard !header.isEmpty, cells.count == header.count, let code = cells.first,
                  code.hasPrefix("`"), code.hasSuffix("`") else { continue }
            let name = String(code.dropFirst().dropLast())
            var roles = Set<String>()
            for (i, cell) in cells.enumerated() where Role(rawValue: header[i]) != nil && cell.contains("✓") { roles.insert(header[i]) }
            table[name] = roles
        }
        return table
    }

    @Test("docs/permissions.md lists every permission with exactly the roles RolePolicy gives it")
    func documentationIsTheCode() throws {
        let table = try Self.documentedTable()
        #expect(Set(table.keys) == Set(Permission.allCases.map(\.rawValue)))
        for permission in Permission.allCases {
            #expect(table[permission.rawValue] == Set(RolePolicy.roles(with: permission).map(\.rawValue)), "\(permission)")
        }
    }

    @Test("三员分立: the administrators hold nothing of each other's; the system and security administrators see no tickets")
    func administratorsAreSeparate() {
        let admin = RolePolicy.permissions(for: .admin), security = RolePolicy.permissions(for: .security)
        let auditor = RolePolicy.permissions(for: .auditor)
        #expect(!admin.contains(.readAudit) && !admin.contains(.grantAdministratorRoles))
        #expect(!security.contains(.manageUsers) && !security.contains(.readAudit))
        let writes: Set<Permission> = [.manageOrganisation, .manageUsers, .grantAdministratorRoles,
                                       .reportTickets, .workTickets, .dispatchTickets, .recordOutages, .manageOutages,
                                       .manageEvaluation, .writeKnowledge, .reviewKnowledge, .giveKnowledgeFeedback, .answerSurveys, .manageDuty]
        #expect(auditor.isDisjoint(with: writes), "the auditor changes nothing")
        for role in [Role.admin, .security] {
            #expect(RolePolicy.permissions(for: role).isDisjoint(with: [.readAllTickets, .readTeamTickets, .readDomainTickets, .workTickets, .reportTickets]))
        }
        #expect(RolePolicy.conflict(in: [.admin, .lead]) == .administratorWithOtherRoles)
        #expect(RolePolicy.conflict(in: [.admin, .security]) == .administratorsCombined)
        #expect(RolePolicy.conflict(in: [.security, .auditor]) == .administratorsCombined)
        #expect(RolePolicy.conflict(in: [.lead, .agent, .dispatcher]) == nil)
    }

    /// One try of a permission: an API call or a page, and the table whose rows a refused write must leave alone.
    struct Probe: Sendable, CustomStringConvertible {
        var permission: Permission
        var method: HTTPMethod = .GET
        var path: String
        var body: String? = nil
        var page = false
        var table: String? = nil
        var description: String { (page ? "page " : "") + "\(method) \(path)" }
    }

    static let probes: [Probe] = [
        Probe(permission: .readOrganisation, path: "/api/v1/departments"),
        Probe(permission: .manageOrganisation, method: .POST, path: "/api/v1/departments", body: #"{"name":"科室{n}"}"#, table: "departments"),
        Probe(permission: .viewSettingsPages, path: "/admin/departments", page: true),
        Probe(permission: .manageOrganisation, path: "/admin/departments/new", page: true),
        Probe(permission: .readUsers, path: "/api/v1/users"),
        Probe(permission: .readUsers, path: "/admin/users", page: true),
        Probe(permission: .manageUsers, method: .POST, path: "/api/v1/users",
              body: #"{"username":"u{n}","displayName":"新用户","password":"Abc#12345x","roles":["reporter"]}"#, table: "users"),
        Probe(permission: .grantAdministratorRoles, method: .POST, path: "/api/v1/users",
              body: #"{"username":"a{n}","displayName":"审计员","password":"Abc#12345x","roles":["auditor"]}"#, table: "users"),
        Probe(permission: .lookUpCallers, path: "/api/v1/users/lookup?q=ca"),
        Probe(permission: .readAudit, path: "/api/v1/audit"),
        Probe(permission: .readAudit, path: "/audit", page: true),
        Probe(permission: .readSecuritySettings, path: "/api/v1/security/settings"),
        Probe(permission: .readSecuritySettings, path: "/admin/security", page: true),
        Probe(permission: .manageSecuritySettings, method: .PATCH, path: "/api/v1/security/settings", body: #"{"idleTimeoutMinutes":30}"#),
        Probe(permission: .reportTickets, path: "/portal/new", page: true),
        Probe(permission: .reportOnBehalf, method: .POST, path: "/api/v1/tickets",
              body: #"{"domain":"it","title":"代报：打印机卡纸{n}","impact":"individual","urgency":"operation","reporterId":"{caller}"}"#, table: "tickets"),
        Probe(permission: .reportOnBehalf, path: "/desk/new", page: true),
        Probe(permission: .workTickets, path: "/desk", page: true),
        Probe(permission: .workTickets, method: .POST, path: "/api/v1/tickets/bulk", body: #"{"ids":[]}"#),
        Probe(permission: .importTickets, method: .POST, path: "/api/v1/tickets/import", body: #"{"tickets":[]}"#, table: "tickets"),
        Probe(permission: .importTickets, path: "/admin/import", page: true),
        Probe(permission: .viewDashboard, path: "/api/v1/stats/dashboard"),
        Probe(permission: .viewDashboard, path: "/dashboard", page: true),
        Probe(permission: .readReports, path: "/api/v1/stats/kpis?from=2026-11-01&to=2026-12-01"),
        Probe(permission: .readReports, path: "/reports/monthly", page: true),
        Probe(permission: .readOutages, path: "/api/v1/outages"),
        Probe(permission: .readOutages, path: "/outages", page: true),
        Probe(permission: .recordOutages, method: .POST, path: "/api/v1/outages",
              body: #"{"businessSystemId":"{system}","startedAt":"2026-11-18T08:00:00+08:00","description":"HIS 中断{n}"}"#, table: "outages"),
        Probe(permission: .recordOutages, path: "/outages/new", page: true),
        Probe(permission: .manageOutages, method: .DELETE, path: "/api/v1/outages/{outage}", table: "outages"),
        Probe(permission: .readEvaluation, path: "/api/v1/attendance/staff"),
        Probe(permission: .readEvaluation, path: "/evaluation/attendance", page: true),
        Probe(permission: .manageEvaluation, method: .POST, path: "/api/v1/attendance/staff", body: "{}"),
        Probe(permission: .readKnowledge, path: "/api/v1/kb/search?q=打印机"),
        Probe(permission: .writeKnowledge, method: .POST, path: "/api/v1/kb/articles", body: #"{"title":"打印机卡纸处理{n}","body":"先断电再取纸。"}"#,
              table: "kb_articles"),
        Probe(permission: .reviewKnowledge, path: "/api/v1/kb/export"),
        Probe(permission: .readAllKnowledge, path: "/api/v1/kb/stats"),
        Probe(permission: .manageKnowledgeCategories, method: .POST, path: "/api/v1/kb/categories", body: #"{"name":"分类{n}"}"#,
              table: "kb_categories"),
        Probe(permission: .giveKnowledgeFeedback, method: .POST, path: "/api/v1/kb/articles/{article}/feedback", body: #"{"helpful":true}"#,
              table: "kb_feedback"),
        Probe(permission: .readDuty, path: "/api/v1/duty/shift-types"),
        Probe(permission: .manageDuty, method: .POST, path: "/api/v1/duty/shift-types",
              body: #"{"name":"白班{n}","start":"08:00","end":"17:30","level":"primary"}"#, table: "duty_shift_types"),
    ]

    /// Permissions that are not one route's gate but a per-record rule, and where that rule is tested.
    static let perRecord: [Permission: String] = [
        .readAllTickets: "TicketScope — TicketAccessTests", .readTeamTickets: "TicketScope — TicketAccessTests",
        .readDomainTickets: "TicketScope — TicketAccessTests", .readDepartmentTickets: "TicketScope — TicketAccessTests",
        .readInternalNotes: "ticket comments — TicketAccessTests", .dispatchTickets: "ticketActions below",
        .returnVisits: "ticketActions below", .approveTickets: "ticketActions below",
        .readOwnVendorEvaluation: "ScorecardTests", .submitDeliverables: "DeliverableTests", .answerSurveys: "SurveyTests",
        .readInternalKnowledge: "KnowledgeTests (visibility)",
    ]

    @Test("every permission is probed here or named with the test of its per-record rule")
    func everyPermissionCovered() {
        let probed = Set(Self.probes.map(\.permission))
        #expect(Set(Permission.allCases).subtracting(probed).subtracting(Self.perRecord.keys).isEmpty)
    }

    @Test("each role is allowed exactly what the table gives it; each refusal is one audit row and changes nothing")
    func matrix() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            func create<T: Decodable>(_ path: String, _ json: String, token: String, as: T.Type) async throws -> T {
                let res = try await env.send(.POST, path, token: token, raw: json)
                #expect(res.status == .created || res.status == .ok, "\(path): \(res.status) \(res.body.string)")
                return try res.content.decode(T.self)
            }
            let ward = try await create("/api/v1/departments", #"{"name":"心血管内科"}"#, token: admin, as: DepartmentDTO.self).id
            let vendor = try await create("/api/v1/vendors", #"{"name":"智医信息技术有限公司"}"#, token: admin, as: VendorDTO.self).id
            let system = try await create("/api/v1/business-systems", #"{"name":"HIS","criticality":"core"}"#, token: admin, as: BusinessSystemDTO.self).id
            var tokens: [Role: String] = [.admin: admin, .security: try await env.securityToken()]
            var passwords: [Role: String] = [.admin: adminPassword, .security: securityPassword]
            var usernames: [Role: String] = [.admin: "admin", .security: "security"]
            for role in Role.allCases where tokens[role] == nil {
                var extra: [String: String] = [:]
                if role == .vendor { extra["vendorId"] = vendor.uuidString }
                if role == .reporter { extra["departmentId"] = ward.uuidString }
                tokens[role] = try await env.makeUser("m_" + role.rawValue, roles: [role.rawValue], extra: extra).token
                passwords[role] = "Test#Pass2026"
                usernames[role] = "m_" + role.rawValue
            }
            let caller = try await env.makeUser("caller", roles: ["reporter"], extra: ["departmentId": ward.uuidString]).id
            let lead = tokens[.lead]!
            let outage = try await create("/api/v1/outages", #"{"businessSystemId":"\#(system)","startedAt":"2026-11-18T08:00:00+08:00","description":"HIS 中断"}"#,
                                          token: lead, as: OutageDTO.self).id
            let article = try await create("/api/v1/kb/articles", #"{"title":"打印机卡纸","body":"先断电再取纸。","visibility":"public"}"#,
                                           token: lead, as: KBArticleDTO.self).id
            _ = try await create("/api/v1/kb/articles/\(article)/actions", #"{"action":"publish"}"#, token: lead, as: KBArticleDTO.self)
            var browsers: [Role: Browser] = [:]
            for role in Role.allCases {
                let b = Browser(env)
                let signedIn = try await b.signIn(usernames[role]!, passwords[role]!)
                try #require(signedIn.status == .seeOther || signedIn.status == .found, "\(role) signs in: \(signedIn.status)")
                browsers[role] = b
            }
            func denials() async throws -> Int {
                try await env.db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'permission.denied'").first()!.decode(column: "n", as: Int.self)
            }

            var n = 0
            for probe in Self.probes {
                let allowed = RolePolicy.roles(with: probe.permission)
                // Refusals first: an allowed write (a deletion) may take away what the others would be refused.
                for role in Role.allCases.sorted(by: { !allowed.contains($0) && allowed.contains($1) }) {
                    n += 1
                    let path = probe.path.replacingOccurrences(of: "{outage}", with: outage.uuidString)
                        .replacingOccurrences(of: "{article}", with: article.uuidString)
                    let body = probe.body?.replacingOccurrences(of: "{n}", with: String(n))
                        .replacingOccurrences(of: "{caller}", with: caller.uuidString).replacingOccurrences(of: "{system}", with: system.uuidString)
                    let before = try await denials()
                    var rows: Int?
                    if let table = probe.table { rows = try await env.count(table) }
                    let res = probe.page ? try await browsers[role]!.get(path)
                                         : try await env.send(probe.method, path, token: tokens[role], raw: body)
                    if allowed.contains(role) {
                        #expect(res.status != .forbidden && res.status != .unauthorized && res.status.code < 500,
                                "\(role) may \(probe.permission) (\(probe)): \(res.status) \(res.body.string.prefix(200))")
                        #expect(try await denials() == before, "no refusal recorded for \(role) on \(probe)")
                    } else {
                        #expect(res.status == .forbidden, "\(role) is refused \(probe.permission) (\(probe)): \(res.status)")
                        if !probe.page { #expect(res.errorCode == "forbidden") }
                        #expect(try await denials() == before + 1, "one audit row for \(role)'s refusal of \(probe)")
                        if let table = probe.table, let rows { #expect(try await env.count(table) == rows, "\(role)'s refused \(probe) wrote nothing") }
                    }
                }
            }
            // The audit row names who was refused and what refused them.
            let auditor = tokens[.auditor]!
            let log = try await env.send(.GET, "/api/v1/audit?action=permission.denied&per=200", token: auditor).content.decode(Page<AuditEntryDTO>.self)
            #expect(log.items.contains { $0.actorName == "m_vendor" && $0.entityId == "POST /api/v1/tickets" })
        }
    }

    @Test("ticket actions: dispatching, return visits and approvals follow the table for a ticket the user did not report")
    func ticketActions() throws {
        let ticket = Ticket()
        ticket.reporterId = UUID()
        ticket.status = TicketStatus.inProgress.rawValue
        for role in Role.allCases {
            let user = CurrentUser(ReferenceData.UserInfo(id: UUID(), username: role.rawValue, displayName: role.rawValue, roles: [role],
                                                          locale: "zh-CN", departmentId: nil, vendorId: nil, phone: nil, isActive: true,
                                                          mustChangePassword: false), via: .token)
            let permissions = RolePolicy.permissions(for: role)
            let works = permissions.contains(.workTickets)
            #expect(TicketService.permitted(.assign, user: user, ticket: ticket) == (works && permissions.contains(.dispatchTickets)), "\(role) assign")
            #expect(TicketService.permitted(.visit, user: user, ticket: ticket) == (works && permissions.contains(.returnVisits)), "\(role) visit")
            #expect(TicketService.permitted(.approvePlan, user: user, ticket: ticket) == (works && permissions.contains(.approveTickets)), "\(role) approve")
            #expect(TicketService.permitted(.resolve, user: user, ticket: ticket) == works, "\(role) resolve")
        }
    }
}

@Suite("三员分立 on the accounts API")
struct SeparationOfDutiesTests {
    @Test("the system administrator grants business roles only; administrator roles and their accounts are the security administrator's")
    func whoGrantsWhat() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken(), security = try await env.securityToken()
            func create(_ username: String, _ roles: [String], by token: String) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/users", token: token,
                                   json: CreateUserRequest(username: username, displayName: "账号" + username, password: "Abc#12345x", roles: roles))
            }
            let users = try await env.count("users")
            #expect(try await create("shenji", ["auditor"], by: admin).status == .forbidden)
            #expect(try await create("lead2", ["admin", "lead"], by: admin).status == .forbidden)
            #expect(try await create("nurse1", ["reporter"], by: security).status == .forbidden)
            #expect(try await env.count("users") == users, "refused creations wrote nothing")
            let auditor = try await create("shenji", ["auditor"], by: security)
            #expect(auditor.status == .created)
            let auditorId = try auditor.content.decode(UserDTO.self).id
            let nurse = try await create("nurse1", ["reporter"], by: admin)
            #expect(nurse.status == .created)
            let nurseId = try nurse.content.decode(UserDTO.self).id
            // The admin can neither reset the auditor's password nor give itself or anyone an administrator role.
            #expect(try await env.send(.PATCH, "/api/v1/users/\(auditorId)", token: admin, json: UpdateUserRequest(password: "Mine#2026pw")).status == .forbidden)
            #expect(try await env.send(.PATCH, "/api/v1/users/\(nurseId)", token: admin, json: UpdateUserRequest(roles: ["auditor"])).status == .forbidden)
            let me = try await env.send(.GET, "/api/v1/auth/me", token: admin).content.decode(UserDTO.self)
            #expect(try await env.send(.PATCH, "/api/v1/users/\(me.id)", token: admin, json: UpdateUserRequest(roles: ["admin", "lead"])).status == .forbidden)
            // The security administrator may; combinations stay refused, and nobody changes their own roles.
            #expect(try await env.send(.PATCH, "/api/v1/users/\(auditorId)", token: security, json: UpdateUserRequest(password: "Mine#2026pw")).status == .ok)
            #expect(try await env.send(.PATCH, "/api/v1/users/\(auditorId)", token: security, json: UpdateUserRequest(roles: ["auditor", "lead"])).status == .unprocessableEntity)
            let securityMe = try await env.send(.GET, "/api/v1/auth/me", token: security).content.decode(UserDTO.self)
            #expect(try await env.send(.PATCH, "/api/v1/users/\(securityMe.id)", token: security, json: UpdateUserRequest(roles: ["admin"])).status == .unprocessableEntity)
            let roles = try await env.send(.GET, "/api/v1/users/\(me.id)", token: admin).content.decode(UserDTO.self).roles
            #expect(roles == ["admin"])
        }
    }

    @Test("an account whose password an administrator set reads its own account and changes its password, nothing else")
    func forcedPasswordChangeOnTheAPI() async throws {
        try await withYiwei { env in
            let admin = try await env.adminToken()
            let created = try await env.send(.POST, "/api/v1/users", token: admin,
                                             json: CreateUserRequest(username: "lead9", displayName: "组长", password: "Init#Pass2026", roles: ["lead"]))
            #expect(created.status == .created)
            let token = try await env.login("lead9", "Init#Pass2026")
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: token).status == .ok)
            let tickets = try await env.send(.GET, "/api/v1/tickets", token: token)
            #expect(tickets.status == .forbidden)
            #expect(tickets.errorCode == "password_change_required")
            let changed = try await env.send(.POST, "/api/v1/auth/password", token: token,
                                             json: ChangePasswordRequest(currentPassword: "Init#Pass2026", newPassword: "Mine#2026pw"))
            #expect(changed.status.code < 300)
            let fresh = try await env.login("lead9", "Mine#2026pw")
            #expect(try await env.send(.GET, "/api/v1/tickets", token: fresh).status == .ok)
        }
    }
}
