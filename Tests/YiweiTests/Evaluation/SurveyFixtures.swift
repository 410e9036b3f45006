import Foundation
import Testing
import VaporTesting
@testable import Yiwei

/// The hospital of the ticket tests plus what the evaluation registers need: its vendor, and three departments
/// with their reporters (呼吸科, 检验科, 结核科 — the departments of docs/vendor-evaluation.md example 6).
struct EvalHospital {
    let h: Hospital
    let vendor: UUID
    let respiratory: UUID
    let laboratory: UUID
    let tuberculosis: UUID
    let respNurse: (id: UUID, token: String)
    let labTech: (id: UUID, token: String)
    let tbNurse: (id: UUID, token: String)
    let tbColleague: (id: UUID, token: String)

    var env: TestEnv { h.env }

    static func make(_ env: TestEnv) async throws -> EvalHospital {
        let h = try await Hospital.make(env)
        let vendors = try await env.send(.GET, "/api/v1/vendors", token: h.admin).content.decode(Page<VendorDTO>.self)
        let vendor = try #require(vendors.items.first { $0.name == "智医信息技术有限公司" }).id
        func department(_ name: String) async throws -> UUID {
            let res = try await env.send(.POST, "/api/v1/departments", token: h.admin, json: ["name": name])
            try #require(res.status == .created)
            return try res.content.decode(DepartmentDTO.self).id
        }
        let resp = try await department("呼吸科"), lab = try await department("检验科"), tb = try await department("结核科")
        return EvalHospital(h: h, vendor: vendor, respiratory: resp, laboratory: lab, tuberculosis: tb,
                            respNurse: try await env.makeUser("huxi", roles: ["reporter"], extra: ["departmentId": resp.uuidString]),
                            labTech: try await env.makeUser("jianyan", roles: ["reporter"], extra: ["departmentId": lab.uuidString]),
                            tbNurse: try await env.makeUser("jiehe", roles: ["reporter"], extra: ["departmentId": tb.uuidString]),
                            tbColleague: try await env.makeUser("jiehe2", roles: ["reporter"], extra: ["departmentId": tb.uuidString]))
    }

    struct Create: Encodable, Sendable {
        var month: String?
        var vendorIds: [String]?
        var allActiveVendors: Bool?
        var departmentIds: [String]?
    }

    struct Answer: Encodable, Sendable {
        var scores: [String: Int]
        var comment: String?
    }

    /// The lead starts the month's survey of the vendor for the three departments.
    func startSurvey(month: String = "2026-10") async throws -> SurveyDTO {
        let res = try await env.send(.POST, "/api/v1/surveys", token: h.lead.token,
                                     json: Create(month: month, vendorIds: [vendor.uuidString],
                                                  departmentIds: [respiratory, laboratory, tuberculosis].map(\.uuidString)))
        try #require(res.status == .created, "\(res.body.string)")
        let surveys = try res.content.decode([SurveyDTO].self)
        try #require(surveys.count == 1)
        return surveys[0]
    }

    static func scores(_ s: [Int]) -> [String: Int] {
        ["response_speed": s[0], "service_attitude": s[1], "technical_competence": s[2], "communication": s[3], "resolution_effect": s[4]]
    }

    func answer(_ survey: SurveyDTO, _ token: String, _ s: [Int], comment: String? = nil) async throws -> TestingHTTPResponse {
        try await env.send(.POST, "/api/v1/surveys/\(survey.id)/responses", token: token, json: Answer(scores: Self.scores(s), comment: comment))
    }
}
