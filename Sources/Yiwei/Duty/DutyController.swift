import Foundation
import Vapor
import YiweiCore

/// `GET/POST /api/v1/duty/shift-types`, `GET/POST /api/v1/duty/shifts`, `DELETE /api/v1/duty/shifts/{id}`,
/// `GET /api/v1/duty/now?teamId=&at=` (docs/duty.md).
struct DutyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let duty = routes.grouped("duty")
        duty.get("shift-types", use: shiftTypes)
        duty.post("shift-types", use: createShiftType)
        duty.get("shifts", use: shifts)
        duty.post("shifts", use: createShift)
        duty.delete("shifts", ":shiftId", use: deleteShift)
        duty.get("now", use: now)
    }

    func shiftTypes(req: Request) async throws -> [DutyShiftTypeDTO] {
        try req.require(.readDuty)
        var v = Validator()
        let teamId = v.uuid("teamId", req.queryParameter("teamId"))
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await DutyService.shiftTypes(teamId: teamId, on: req.db)
    }

    func createShiftType(req: Request) async throws -> Response {
        try req.require(.manageDuty)
        let body = try req.decodeJSON(DutyShiftTypeBody.self)
        return try await DutyService.createShiftType(body, actor: req.auditActor, now: req.now, writer: req.application)
            .encodeResponse(status: .created, for: req)
    }

    func shifts(req: Request) async throws -> Page<DutyShiftDTO> {
        try req.require(.readDuty)
        let page = try PageRequest(from: req)
        var v = Validator()
        let filter = DutyService.ShiftFilter(teamId: v.uuid("teamId", req.queryParameter("teamId")),
                                             userId: v.uuid("userId", req.queryParameter("userId")),
                                             from: v.date("from", req.queryParameter("from")), to: v.date("to", req.queryParameter("to")))
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await DutyService.shifts(filter, page: page, on: req.db)
    }

    func createShift(req: Request) async throws -> Response {
        try req.require(.manageDuty)
        let body = try req.decodeJSON(DutyShiftBody.self)
        return try await DutyService.createShift(body, actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                 rules: DutyRules(), writer: req.application)
            .encodeResponse(status: .created, for: req)
    }

    func deleteShift(req: Request) async throws -> HTTPStatus {
        try req.require(.manageDuty)
        guard let id = req.parameters.get("shiftId", as: UUID.self) else { throw AppError.notFound("shift") }
        try await DutyService.deleteShift(id, actor: req.auditActor, now: req.now, writer: req.application)
        return .noContent
    }

    func now(req: Request) async throws -> DutyNowDTO {
        try req.require(.readDuty)
        var v = Validator()
        let teamId = v.uuid("teamId", req.queryParameter("teamId"), required: true)
        let at = v.instant("at", req.queryParameter("at"))
        guard v.isValid, let teamId else { throw AppError(.badRequest, .invalidQuery, "invalid query", fields: v.fields) }
        return try await DutyService.onDuty(teamId: teamId, at: at ?? req.now, on: req.db)
    }
}
