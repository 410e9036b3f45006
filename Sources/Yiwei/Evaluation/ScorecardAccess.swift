import Foundation
import Vapor
import YiweiCore

/// Who may see and change scorecards (EVAL-1): leads (信息科 / IT department heads) draft, score, confirm;
/// auditors read everything; a vendor's own accounts read their vendor's **confirmed** cards only;
/// everyone else is refused. A refusal is audited like every other permission denial.
enum ScorecardAccess {
    enum Scope: Equatable {
        case all
        case vendor(UUID)

        func allows(vendorId: UUID, confirmed: Bool) -> Bool {
            switch self {
            case .all: true
            case .vendor(let own): own == vendorId && confirmed
            }
        }
    }

    static func readScope(_ req: Request) async throws -> Scope {
        let user = try req.requireUser()
        if user.roles.contains(.lead) || user.roles.contains(.auditor) { return .all }
        if user.roles.contains(.vendor), let vendor = user.vendorId { return .vendor(vendor) }
        try await deny(req, "evaluation.read")
    }

    @discardableResult
    static func requireLead(_ req: Request) async throws -> CurrentUser {
        let user = try req.requireUser()
        guard user.roles.contains(.lead) else { try await deny(req, "evaluation.write") }
        return user
    }

    static func isLead(_ req: Request) -> Bool { req.currentUser?.roles.contains(.lead) == true }

    private static func deny(_ req: Request, _ what: String) async throws -> Never {
        let actor = req.auditActor, now = req.now, path = req.url.path, method = req.method.rawValue
        try? await req.write { db in
            try await AuditLog.append(on: db, at: now, actor: actor, action: "permission.denied", entityType: "route",
                                      entityId: "\(method) \(path)", after: ["permission": what])
        }
        throw AppError.forbidden
    }
}
