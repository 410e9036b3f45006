import Foundation
import Testing
import VaporTesting
@testable import Yiwei
@testable import YiweiDemo

@Suite("Organisation: campuses, departments, teams, vendors, categories, business systems")
struct OrganisationTests {
    @Test("a department is created in a campus given by id or by name, and listed by campus")
    func departments() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let campus = try await env.send(.POST, "/api/v1/campuses", token: token, json: ["name": "东院区", "code": "DY"])
                .content.decode(CampusDTO.self)
            let byName = try await env.send(.POST, "/api/v1/departments", token: token,
                                            json: ["name": "儿科", "campus": "东院区", "location": "门诊楼2楼", "phone": "020-8888 1234"])
            #expect(byName.status == .created)
            let dept = try byName.content.decode(DepartmentDTO.self)
            #expect(dept.campusId == campus.id)
            #expect(dept.campus == "东院区")
            let byId = try await env.send(.POST, "/api/v1/departments", token: token, json: ["name": "妇产科", "campusId": campus.id.uuidString])
            #expect(byId.status == .created)
            _ = try await env.send(.POST, "/api/v1/departments", token: token, json: ["name": "信息科"])
            let list = try await env.send(.GET, "/api/v1/departments?campusId=\(campus.id)", token: token).content.decode(Page<DepartmentDTO>.self)
            #expect(list.items.map(\.name).sorted() == ["儿科", "妇产科"])
            #expect(list.total == 2)
            let unknownCampus = try await env.send(.POST, "/api/v1/departments", token: token, json: ["name": "眼科", "campus": "西院区"])
            #expect(unknownCampus.status == .unprocessableEntity)
            #expect(unknownCampus.errorFields["campus"] != nil)
        }
    }

    @Test("lists are paginated with a total, searchable by a Chinese substring, and filterable by status")
    func listing() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            for name in ["心血管内科", "呼吸内科", "消化内科", "急诊科", "儿科"] {
                _ = try await env.send(.POST, "/api/v1/departments", token: token, json: ["name": name])
            }
            let page1 = try await env.send(.GET, "/api/v1/departments?per=2&page=1", token: token).content.decode(Page<DepartmentDTO>.self)
            #expect(page1.items.count == 2)
            #expect(page1.total == 5)
            #expect(page1.per == 2)
            let page3 = try await env.send(.GET, "/api/v1/departments?per=2&page=3", token: token).content.decode(Page<DepartmentDTO>.self)
            #expect(page3.items.count == 1)
            let q = "内科".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            let search = try await env.send(.GET, "/api/v1/departments?q=\(q)", token: token).content.decode(Page<DepartmentDTO>.self)
            #expect(search.total == 3)
            let er = page1.items[0]
            _ = try await env.send(.PATCH, "/api/v1/departments/\(er.id)", token: token, json: ["isActive": false])
            let inactive = try await env.send(.GET, "/api/v1/departments?active=false", token: token).content.decode(Page<DepartmentDTO>.self)
            #expect(inactive.items.map(\.id) == [er.id])
        }
    }

    @Test("a team has a domain, a lead who is always a member, and members; a user's teamIds follow")
    func teams() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let lead = try await env.makeUser("zhaolei", roles: ["lead", "agent"])
            let engineer = try await env.makeUser("liming", roles: ["agent"])
            let res = try await env.send(.POST, "/api/v1/teams", token: token,
                                         json: TeamBody(name: "信息科运维组", domain: "it", leadId: lead.id.uuidString, memberIds: [engineer.id.uuidString]))
            #expect(res.status == .created)
            let team = try res.content.decode(TeamDTO.self)
            #expect(Set(team.memberIds) == [lead.id, engineer.id])
            let user = try await env.send(.GET, "/api/v1/users/\(engineer.id)", token: token).content.decode(UserDTO.self)
            #expect(user.teamIds == [team.id])
            // Replacing the members keeps the lead.
            let changed = try await env.send(.PATCH, "/api/v1/teams/\(team.id)", token: token, json: TeamBody(memberIds: []))
                .content.decode(TeamDTO.self)
            #expect(changed.memberIds == [lead.id])
            let bad = try await env.send(.POST, "/api/v1/teams", token: token, json: TeamBody(name: "人事组", domain: "hr"))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields["domain"] != nil)
        }
    }

    @Test("categories form a tree per domain: same-domain parents, no cycles, sibling names unique")
    func categories() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            func create(_ body: CategoryBody) async throws -> TestingHTTPResponse {
                try await env.send(.POST, "/api/v1/categories", token: token, json: body)
            }
            let hardware = try await create(CategoryBody(name: "硬件终端", domain: "it")).content.decode(CategoryDTO.self)
            let printer = try await create(CategoryBody(name: "打印机故障", domain: "it", parentId: hardware.id.uuidString))
            #expect(printer.status == .created)
            let printerDTO = try printer.content.decode(CategoryDTO.self)
            // The same name under another parent is fine; under the same parent it is a duplicate.
            #expect(try await create(CategoryBody(name: "打印机故障", domain: "it")).status == .created)
            #expect(try await create(CategoryBody(name: "打印机故障", domain: "it", parentId: hardware.id.uuidString)).status == .conflict)
            // A logistics category cannot hang under an IT one.
            let wrongDomain = try await create(CategoryBody(name: "漏水", domain: "logistics", parentId: hardware.id.uuidString))
            #expect(wrongDomain.status == .unprocessableEntity)
            #expect(wrongDomain.errorFields["parentId"] == "the parent must be in the same domain")
            // Moving the parent under its own child would make a cycle.
            let cycle = try await env.send(.PATCH, "/api/v1/categories/\(hardware.id)", token: token,
                                           json: CategoryBody(parentId: printerDTO.id.uuidString))
            #expect(cycle.status == .unprocessableEntity)
            #expect(cycle.errorFields["parentId"] == "a category cannot be its own ancestor")
            let roots = try await env.send(.GET, "/api/v1/categories?domain=it&parentId=root", token: token).content.decode(Page<CategoryDTO>.self)
            #expect(roots.total == 2)
            // The default team must serve the same domain.
            let logisticsTeam = try await env.send(.POST, "/api/v1/teams", token: token, json: TeamBody(name: "水电维修组", domain: "logistics"))
                .content.decode(TeamDTO.self)
            let wrongTeam = try await env.send(.PATCH, "/api/v1/categories/\(hardware.id)", token: token,
                                               json: CategoryBody(defaultTeamId: logisticsTeam.id.uuidString))
            #expect(wrongTeam.status == .unprocessableEntity)
            #expect(wrongTeam.errorFields["defaultTeamId"] != nil)
        }
    }

    @Test("vendors: contract dates are dates and the end is not before the start")
    func vendors() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let bad = try await env.send(.POST, "/api/v1/vendors", token: token,
                                         json: ["name": "某公司", "contractStart": "2026-12-31", "contractEnd": "2026-01-01"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.errorFields["contractEnd"] != nil)
            let notDate = try await env.send(.POST, "/api/v1/vendors", token: token, json: ["name": "某公司", "contractStart": "31/12/2026"])
            #expect(notDate.errorFields["contractStart"] != nil)
            let ok = try await env.send(.POST, "/api/v1/vendors", token: token,
                                        json: ["name": "某公司", "contractNo": "HT-2026-001", "contractStart": "2026-01-01", "contractEnd": "2026-12-31",
                                               "contactName": "陈志强", "contactPhone": "13800138001"])
            #expect(ok.status == .created)
            #expect(try ok.content.decode(VendorDTO.self).contractEnd == "2026-12-31")
        }
    }

    @Test("business systems: criticality, owner department and vendor; clearing a reference with an empty string")
    func businessSystems() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let dept = try await env.send(.POST, "/api/v1/departments", token: token, json: ["name": "检验科"]).content.decode(DepartmentDTO.self)
            let vendor = try await env.send(.POST, "/api/v1/vendors", token: token, json: ["name": "康联软件"]).content.decode(VendorDTO.self)
            let res = try await env.send(.POST, "/api/v1/business-systems", token: token,
                                         json: BusinessSystemBody(name: "检验LIS集成系统", code: "LIS", ownerDepartmentId: dept.id.uuidString,
                                                                  vendorId: vendor.id.uuidString, criticality: "core"))
            #expect(res.status == .created)
            let system = try res.content.decode(BusinessSystemDTO.self)
            #expect(system.criticality == "core")
            let defaulted = try await env.send(.POST, "/api/v1/business-systems", token: token, json: ["name": "儿童保健系统"])
                .content.decode(BusinessSystemDTO.self)
            #expect(defaulted.criticality == "general")
            let cleared = try await env.send(.PATCH, "/api/v1/business-systems/\(system.id)", token: token, json: ["vendorId": ""])
                .content.decode(BusinessSystemDTO.self)
            #expect(cleared.vendorId == nil)
            #expect(cleared.ownerDepartmentId == dept.id)
            let filtered = try await env.send(.GET, "/api/v1/business-systems?criticality=core", token: token).content.decode(Page<BusinessSystemDTO>.self)
            #expect(filtered.items.map(\.name) == ["检验LIS集成系统"])
        }
    }

    @Test("every change is audited with before and after")
    func audited() async throws {
        try await withYiwei { env in
            let token = try await env.adminToken()
            let campus = try await env.send(.POST, "/api/v1/campuses", token: token, json: ["name": "本部"]).content.decode(CampusDTO.self)
            _ = try await env.send(.PATCH, "/api/v1/campuses/\(campus.id)", token: token, json: ["name": "本部院区"])
            let auditor = try await env.makeUser("shenji", roles: ["auditor"])
            let log = try await env.send(.GET, "/api/v1/audit?entityType=campus&entityId=\(campus.id)", token: auditor.token)
                .content.decode(Page<AuditEntryDTO>.self)
            #expect(log.items.map(\.action) == ["campus.update", "campus.create"])
            let update = log.items[0]
            #expect(update.actorName == "admin")
            #expect(update.before?.contains(#""name":"本部""#) == true)
            #expect(update.after?.contains(#""name":"本部院区""#) == true)
            // A PATCH that changes nothing writes no audit row.
            _ = try await env.send(.PATCH, "/api/v1/campuses/\(campus.id)", token: token, json: ["name": "本部院区"])
            let again = try await env.send(.GET, "/api/v1/audit?entityType=campus&entityId=\(campus.id)", token: auditor.token)
                .content.decode(Page<AuditEntryDTO>.self)
            #expect(again.total == 2)
        }
    }

    @Test("the demo hospital loads once: 2 campuses, the 50 systems of seed 001, and working demo accounts")
    func demo() async throws {
        try await withYiwei { env in
            let first = try await DemoSeeder.seedIfEmpty(env.app)
            #expect(first.seeded)
            #expect(try await env.count("campuses") == 2)
            #expect(try await env.count("business_systems") == 50)
            #expect(try await env.count("departments") >= 30)
            #expect(try await env.count("users") >= 40)
            let teams = try await env.db.raw("SELECT DISTINCT domain FROM teams").all().map { try $0.decode(column: "domain", as: String.self) }
            #expect(Set(teams) == ["it", "logistics", "equipment"])
            let second = try await DemoSeeder.seedIfEmpty(env.app)
            #expect(!second.seeded)
            #expect(try await env.count("business_systems") == 50)
            let token = try await env.login("zhangwei", DemoSeeder.demoPassword)
            #expect(try await env.send(.GET, "/api/v1/auth/me", token: token).status == .ok)
        }
    }
}
