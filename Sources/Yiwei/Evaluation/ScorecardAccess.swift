import Foundation
import Vapor
import YiweiCore

/// Which scorecards a reader sees (EVAL-1): `readEvaluation` every card; `readOwnVendorEvaluation` their
/// vendor's **confirmed** cards only; everyone else is refused. Changing a card asks `manageEvaluation`.
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

    static func readScope(_ req: Request) throws -> Scope {
        let user = try req.requireUser()
        if user.can(.readEvaluation) { return .all }
        if user.can(.readOwnVendorEvaluation), let vendor = user.vendorId { return .vendor(vendor) }
        throw AppError.denied(.readEvaluation)
    }
}
