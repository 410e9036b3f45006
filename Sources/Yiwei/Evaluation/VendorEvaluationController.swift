import Fluent
import Foundation
import Vapor
import YiweiCore

/// `GET /api/v1/vendors/{id}/evaluation?year=`, `GET/PUT /api/v1/vendors/{id}/service-fee`.
struct VendorEvaluationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("vendors", ":id", "evaluation", use: evaluation)
        routes.get("vendors", ":id", "service-fee", use: fee)
        routes.put("vendors", ":id", "service-fee", use: setFee)
    }

    func evaluation(req: Request) async throws -> VendorEvaluationService.Overview {
        let scope = try ScorecardAccess.readScope(req)
        var v = Validator()
        var year: Int?
        if let raw = req.queryParameter("year"), !raw.isEmpty {
            if let y = Int(raw), (2000...9999).contains(y) { year = y } else { v.add("year", "must be a year such as 2026") }
        }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await VendorEvaluationService.overview(vendorId: req.parameters.get("id", as: UUID.self), year: year, scope: scope,
                                                          on: req.db, now: req.now, timeZone: req.yiwei.config.timeZone)
    }

    func fee(req: Request) async throws -> VendorEvaluationService.FeeDTO {
        let scope = try ScorecardAccess.readScope(req)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw AppError.notFound("vendor") }
        if case .vendor(let own) = scope, own != id { throw AppError.refused("own_vendor") }
        guard let fee = try await VendorServiceFee.query(on: req.db).filter(\.$vendorId == id).first() else { throw AppError.notFound("service fee") }
        return VendorEvaluationService.feeDTO(fee)
    }

    func setFee(req: Request) async throws -> VendorEvaluationService.FeeDTO {
        try req.require(.manageEvaluation)
        let body = try req.decodeJSON(VendorEvaluationService.FeeBody.self)
        return VendorEvaluationService.feeDTO(try await VendorEvaluationService.setFee(vendorId: req.parameters.get("id", as: UUID.self), body, request: req))
    }
}
