import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// A small hospital for ticket tests: one department, an IT team with a lead and an engineer, a logistics
/// team, a vendor team, a dispatcher, an auditor and two nurses.
struct Hospital {
    let env: TestEnv
    let admin: String
    let ward: UUID          // 心血管内科
    let otherWard: UUID     // 儿科
    let itTeam: UUID
    let logisticsTeam: UUID
    let vendorTeam: UUID
    let printerCategory: UUID
    let dispatcher: (id: UUID, token: String)
    let engineer: (id: UUID, token: String)
    let logisticsEngineer: (id: UUID, token: String)
    let vendorEngineer: (id: UUID, token: String)
    let lead: (id: UUID, token: String)
    let auditor: (id: UUID, token: String)
    let nurse: (id: UUID, token: String)
    let otherNurse: (id: UUID, token: String)
    let colleague: (id: UUID, token: String)

    static func make(_ env: TestEnv) async throws -> Hospital {
        let admin = try await env.adminToken()
        func post<T: Decodable>(_ path: String, _ body: [String: String], as: T.Type) async throws -> T {
            let res = try await env.send(.POST, path, token: admin, json: body)
            try #require(res.status == .created, "\(path): \(res.body.string)")
            return try res.content.decode(T.self)
        }
        let ward = try await post("/api/v1/departments", ["name": "心血管内科"], as: DepartmentDTO.self).id
        let otherWard = try await post("/api/v1/departments", ["name": "儿科"], as: DepartmentDTO.self).id
        let vendor = try await post("/api/v1/vendors", ["name": "智医信息技术有限公司"], as: VendorDTO.self).id
        let itTeam = try await post("/api/v1/teams", ["name": "信息科运维组", "domain": "it"], as: TeamDTO.self).id
        let logisticsTeam = try await post("/api/v1/teams", ["name": "水电维修组", "domain": "logistics"], as: TeamDTO.self).id
        let vendorTeam = try await post("/api/v1/teams", ["name": "驻场运维组", "domain": "it", "vendorId": vendor.uuidString], as: TeamDTO.self).id
        let printer = try await post("/api/v1/categories", ["name": "打印机故障", "domain": "it", "defaultTeamId": itTeam.uuidString], as: CategoryDTO.self).id
        let dispatcher = try await env.makeUser("desk", roles: ["dispatcher", "agent"])
        let engineer = try await env.makeUser("liming", roles: ["agent"], teamIds: [itTeam.uuidString])
        let logisticsEngineer = try await env.makeUser("shuidian", roles: ["agent"], teamIds: [logisticsTeam.uuidString])
        let vendorEngineer = try await env.makeUser("vendor1", roles: ["vendor"], extra: ["vendorId": vendor.uuidString], teamIds: [vendorTeam.uuidString])
        let lead = try await env.makeUser("zuzhang", roles: ["lead", "agent"], teamIds: [itTeam.uuidString])
        let auditor = try await env.makeUser("shenji", roles: ["auditor"])
        let nurse = try await env.makeUser("hushi", roles: ["reporter"], extra: ["departmentId": ward.uuidString])
        let otherNurse = try await env.makeUser("erke", roles: ["reporter"], extra: ["departmentId": otherWard.uuidString])
        let colleague = try await env.makeUser("tongshi", roles: ["reporter"], extra: ["departmentId": ward.uuidString])
        return Hospital(env: env, admin: admin, ward: ward, otherWard: otherWard, itTeam: itTeam, logisticsTeam: logisticsTeam,
                        vendorTeam: vendorTeam, printerCategory: printer, dispatcher: dispatcher, engineer: engineer,
                        logisticsEngineer: logisticsEngineer, vendorEngineer: vendorEngineer, lead: lead, auditor: auditor,
                        nurse: nurse, otherNurse: otherNurse, colleague: colleague)
    }

    /// The nurse reports the printer fault of the story.
    func report(_ token: String? = nil, title: String = "门诊收费窗口打印机无法打印", domain: String = "it",
                extra: [String: String] = [:]) async throws -> TicketDTO {
        var body = ["domain": domain, "kind": "incident", "title": title, "description": "打印时提示脱机，重启无效",
                    "impact": "department", "urgency": "operation"]
        if domain == "it" && extra["categoryId"] == nil { body["categoryId"] = printerCategory.uuidString }
        body.merge(extra) { _, new in new }
        let res = try await env.send(.POST, "/api/v1/tickets", token: token ?? nurse.token, json: body)
        try #require(res.status == .created, "report: \(res.body.string)")
        return try res.content.decode(TicketDTO.self)
    }

    @discardableResult
    func act(_ ticket: TicketDTO, _ token: String, _ body: [String: String]) async throws -> TestingHTTPResponse {
        try await env.send(.POST, "/api/v1/tickets/\(ticket.id)/actions", token: token, json: body)
    }

    func get(_ ticket: TicketDTO, _ token: String) async throws -> TestingHTTPResponse {
        try await env.send(.GET, "/api/v1/tickets/\(ticket.id)", token: token)
    }
}
