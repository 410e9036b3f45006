import Fluent
import Foundation
import Vapor
import YiweiCore

/// `/api/v1/surveys`, `/api/v1/deliverables`, `/api/v1/attendance`: the registers the scorecard reads.
struct EvaluationRegistersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("surveys", use: listSurveys)
        routes.post("surveys", use: createSurveys)
        routes.get("surveys", ":surveyId", use: survey)
        routes.post("surveys", ":surveyId", "responses", use: answer)
        routes.post("surveys", ":surveyId", "close", use: close)

        routes.get("deliverables", use: listDeliverables)
        routes.post("deliverables", use: createDeliverable)
        routes.post("deliverables", "generate", use: generate)
        routes.get("deliverables", ":deliverableId", use: deliverable)
        routes.get("deliverables", ":deliverableId", "files", use: files)
        routes.on(.POST, "deliverables", ":deliverableId", "files", body: .collect(maxSize: ByteCount(value: AttachmentStore.maxBytes + 65_536)), use: upload)
        routes.get("deliverables", ":deliverableId", "files", ":fileId", use: download)
        routes.post("deliverables", ":deliverableId", "accept", use: accept)
        routes.post("deliverables", ":deliverableId", "return", use: returnForRevision)

        routes.get("attendance", use: attendance)
        routes.put("attendance", use: putAttendance)
        routes.post("attendance", "roster", use: roster)
        routes.get("attendance", "staff", use: listStaff)
        routes.post("attendance", "staff", use: createStaff)
        routes.patch("attendance", "staff", ":staffId", use: patchStaff)
    }

    // MARK: surveys

    func listSurveys(req: Request) async throws -> Page<SurveyDTO> {
        let user = try req.requireUser()
        guard user.readsEvaluation || user.surveyDepartment != nil else { throw AppError.denied(.readEvaluation) }
        let page = try PageRequest(from: req)
        var v = Validator()
        let month = parseMonth(req.queryParameter("month"), v: &v, required: false)
        let vendor = v.uuid("vendorId", req.queryParameter("vendorId"))
        let status = req.queryParameter("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, !["open", "closed"].contains(status) { v.add("status", "must be one of open, closed") }
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await SurveyService.list(.init(month: month, vendorId: vendor, status: status), user: user, page: page, on: req.db)
    }

    func createSurveys(req: Request) async throws -> Response {
        let body = try req.decodeJSON(SurveyCreateBody.self)
        return try await SurveyService.create(body, by: try req.requireUser(), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                              on: req.db, writer: req.application).encodeResponse(status: .created, for: req)
    }

    func survey(req: Request) async throws -> SurveyDTO {
        let user = try req.requireUser()
        let s = try await SurveyService.visible(req.parameters.get("surveyId", as: UUID.self), user: user, on: req.db)
        return try await SurveyService.dto(s, for: user, on: req.db)
    }

    func answer(req: Request) async throws -> Response {
        let body = try req.decodeJSON(SurveyAnswerBody.self)
        return try await SurveyService.answer(req.parameters.get("surveyId", as: UUID.self), body, by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                              on: req.db, writer: req.application).encodeResponse(status: .created, for: req)
    }

    func close(req: Request) async throws -> SurveyDTO {
        try await SurveyService.close(req.parameters.get("surveyId", as: UUID.self), by: try req.requireUser(), actor: req.auditActor, now: req.now, on: req.db,
                                      writer: req.application)
    }

    // MARK: deliverables

    func listDeliverables(req: Request) async throws -> Page<DeliverableDTO> {
        let user = try req.requireUser()
        guard user.readsEvaluation || user.deliverableVendor != nil else { throw AppError.denied(.readEvaluation) }
        let page = try PageRequest(from: req)
        var v = Validator()
        var filter = DeliverableService.ListFilter()
        filter.vendorId = v.uuid("vendorId", req.queryParameter("vendorId"))
        filter.month = parseMonth(req.queryParameter("month"), v: &v, required: false)
        filter.status = v.oneOf("status", req.queryParameter("status"), DeliverableStatus.self, required: false)
        filter.type = v.oneOf("type", req.queryParameter("type"), DeliverableType.self, required: false)
        let overdue = req.queryParameter("overdue") ?? ""
        if !["", "true", "false"].contains(overdue) { v.add("overdue", "must be true or false") }
        filter.overdue = overdue == "true"
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await DeliverableService.list(filter, user: user, page: page, now: req.now, on: req.db)
    }

    func createDeliverable(req: Request) async throws -> Response {
        let body = try req.decodeJSON(DeliverableCreateBody.self)
        return try await DeliverableService.create(body, by: try req.requireUser(), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                   on: req.db, writer: req.application).encodeResponse(status: .created, for: req)
    }

    struct GenerateBody: Content { var vendorId: String?; var month: String? }
    struct GenerateResult: Content { var created: Int }

    func generate(req: Request) async throws -> GenerateResult {
        let body = try req.decodeJSON(GenerateBody.self)
        var v = Validator()
        let vendor = v.uuid("vendorId", body.vendorId, required: true)
        let month = parseMonth(body.month, v: &v)
        try v.check()
        return GenerateResult(created: try await DeliverableService.generate(vendorId: vendor, month: month, by: try req.requireUser(), actor: req.auditActor,
                                                                             now: req.now, timeZone: req.yiwei.config.timeZone, on: req.db,
                                                                             writer: req.application))
    }

    func deliverable(req: Request) async throws -> DeliverableDTO {
        try await DeliverableService.detail(req.parameters.get("deliverableId", as: UUID.self), user: try req.requireUser(), now: req.now, on: req.db)
    }

    func files(req: Request) async throws -> [DeliverableFileDTO] {
        try await DeliverableService.detail(req.parameters.get("deliverableId", as: UUID.self), user: try req.requireUser(), now: req.now, on: req.db).files
    }

    func upload(req: Request) async throws -> Response {
        try await Self.receiveDeliverableFile(req.parameters.get("deliverableId", as: UUID.self), request: req).encodeResponse(status: .created, for: req)
    }

    func download(req: Request) async throws -> Response {
        try await Self.serveDeliverableFile(req.parameters.get("deliverableId", as: UUID.self), req.parameters.get("fileId", as: UUID.self), request: req)
    }

    func accept(req: Request) async throws -> DeliverableDTO {
        try await DeliverableService.accept(req.parameters.get("deliverableId", as: UUID.self), by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                            on: req.db, writer: req.application)
    }

    func returnForRevision(req: Request) async throws -> DeliverableDTO {
        let body = try req.decodeJSON(DeliverableReturnBody.self)
        return try await DeliverableService.return(req.parameters.get("deliverableId", as: UUID.self), body, by: try req.requireUser(), actor: req.auditActor,
                                                   now: req.now, on: req.db, writer: req.application)
    }

    // MARK: attendance

    func attendance(req: Request) async throws -> AttendanceMonthDTO {
        _ = try req.require(.readEvaluation)
        var v = Validator()
        let vendor = v.uuid("vendorId", req.queryParameter("vendorId"), required: true)
        let month = parseMonth(req.queryParameter("month"), v: &v)
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "give vendorId and month", fields: v.fields) }
        return try await AttendanceService.month(vendorId: vendor!, month: month!, on: req.db)
    }

    func putAttendance(req: Request) async throws -> AttendanceMonthDTO {
        let user = try req.require(.manageEvaluation)
        return try await AttendanceService.put(try req.decodeJSON(AttendancePutBody.self), by: user, actor: req.auditActor, now: req.now,
                                               timeZone: req.yiwei.config.timeZone, on: req.db, writer: req.application)
    }

    func roster(req: Request) async throws -> AttendanceMonthDTO {
        let user = try req.require(.manageEvaluation)
        return try await AttendanceService.roster(try req.decodeJSON(RosterBody.self), by: user, actor: req.auditActor, now: req.now, on: req.db,
                                                  writer: req.application)
    }

    func listStaff(req: Request) async throws -> [OnsiteStaffDTO] {
        _ = try req.require(.readEvaluation)
        var v = Validator()
        let vendor = v.uuid("vendorId", req.queryParameter("vendorId"))
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        var query = OnsiteStaff.query(on: req.db)
        if let vendor { query = query.filter(\.$vendorId == vendor) }
        return try await query.sort(\.$createdAt).all().map(AttendanceService.staffDTO)
    }

    func createStaff(req: Request) async throws -> Response {
        _ = try req.require(.manageEvaluation)
        return try await AttendanceService.createStaff(try req.decodeJSON(OnsiteStaffBody.self), actor: req.auditActor, now: req.now, on: req.db,
                                                       writer: req.application).encodeResponse(status: .created, for: req)
    }

    func patchStaff(req: Request) async throws -> OnsiteStaffDTO {
        _ = try req.require(.manageEvaluation)
        return try await AttendanceService.patchStaff(req.parameters.get("staffId", as: UUID.self), try req.decodeJSON(OnsiteStaffBody.self), actor: req.auditActor,
                                                      now: req.now, on: req.db, writer: req.application)
    }
}

/// The HTTP side of a deliverable's files, for the API and the pages: the multipart body in, the stored file out.
extension EvaluationRegistersController {
    /// Checks the deliverable before reading the file (`DeliverableService.uploadTarget`), then the file, stores it
    /// and records it (`DeliverableService.addFile`).
    static func receiveDeliverableFile(_ id: UUID?, request req: Request) async throws -> DeliverableDTO {
        try req.requireMultipart()
        let user = try req.requireUser()
        let d = try await DeliverableService.uploadTarget(id, by: user, on: req.db)
        let upload = try req.uploadedFile()
        let bytes = upload.bytes
        let type = try await DeliverableService.fileType(bytes, for: d, on: req.db)
        let now = req.now
        let fileId = UUID()
        let (relative, path) = try await AttachmentStore.write(bytes, id: fileId, under: DeliverableService.directory(req.yiwei.config), at: now, request: req)
        return try await DeliverableService.addFile(bytes, fileName: upload.fileName, type: type, id: fileId, storedAt: relative, path: path, to: d, by: user,
                                                    actor: req.auditActor, now: now, on: req.db, writer: req.application)
    }

    /// A deliverable's file, to those who see the deliverable; every download is audited.
    static func serveDeliverableFile(_ id: UUID?, _ fileId: UUID?, request: Request) async throws -> Response {
        let user = try request.requireUser()
        let d = try await DeliverableService.visible(id, user: user, on: request.db)
        guard let fileId, let f = try await DeliverableFile.find(fileId, on: request.db), f.deliverableId == d.id else { throw AppError.notFound("file") }
        guard let data = try await AttachmentStore.read(DeliverableService.directory(request.yiwei.config) + "/" + f.storedPath, request: request) else {
            throw AppError.notFound("file")
        }
        try await request.auditRead("deliverable.download", entityType: "deliverable_file", entityId: fileId.uuidString,
                                    details: ["deliverableId": try d.requireID().uuidString, "fileName": f.fileName])
        return AttachmentStore.serve(data, contentType: f.contentType, fileName: f.fileName)
    }
}
