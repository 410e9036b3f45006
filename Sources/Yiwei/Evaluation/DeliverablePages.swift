import Fluent
import Foundation
import Vapor
import YiweiCore

/// 交付物台账 pages: the register with filters (overdue ones first to hand), a form to register one, and a
/// page per deliverable with its files, the upload, and 验收 / 退回修改.
struct DeliverablePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let group = routes.grouped("evaluation", "deliverables")
        group.get(use: index)
        group.post(use: create)
        group.post("generate", use: generate)
        group.get(":deliverableId", use: show)
        group.on(.POST, ":deliverableId", "files", body: .collect(maxSize: ByteCount(value: AttachmentStore.maxBytes + 65_536)), use: upload)
        group.get(":deliverableId", "files", ":fileId", use: download)
        group.post(":deliverableId", "accept", use: accept)
        group.post(":deliverableId", "return", use: returnForRevision)
    }

    struct Form: Content { var vendorId: String?; var type: String?; var title: String?; var period: String?; var dueDate: String? }

    struct IndexContext: Encodable {
        var page: PageBase
        var manages: Bool
        var columns: [String]
        var rows: [[ListCell]]
        var filters: [ListPageContext.Filter]
        var pager: ListPageContext.Pager
        var fields: [FormField]
        var generateFields: [FormField]
        var errorSummary: String?
        var overdueCount: Int
        var overdueHref: String
    }

    static func statusLabel(_ d: DeliverableDTO, _ t: [String: String]) -> (String, String) {
        if d.overdue { return (t[text: "ev_deliverable_overdue"], "warn") }
        let label = t["ev_deliverable_status_" + d.status] ?? d.status
        switch d.status {
        case "accepted": return (label, "ok")
        case "returned": return (label, "warn")
        case "submitted": return (label, "it")
        default: return (label, "off")
        }
    }

    static func onTimeLabel(_ d: DeliverableDTO, _ t: [String: String]) -> String {
        switch d.onTime {
        case .some(true): t[text: "ev_on_time"]
        case .some(false): t[text: "ev_late"]
        case .none: d.overdue ? t[text: "ev_late"] : "—"
        }
    }

    func index(req: Request) async throws -> View { try await renderIndex(req, form: Form(), errors: [:]) }

    private func renderIndex(_ req: Request, form: Form, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        guard user.readsEvaluation || user.deliverableVendor != nil else { throw AppError.denied(.readEvaluation) }
        let base = try await PageBase.make(for: req, titleKey: "ev_deliverables_title")
        let t = base.t
        let page = try PageRequest(from: req)
        var v = Validator()
        var filter = DeliverableService.ListFilter()
        let q = { (name: String) in req.queryParameter(name) ?? "" }
        filter.vendorId = v.uuid("vendorId", q("vendorId"))
        filter.month = YearMonth(q("month"))
        filter.status = DeliverableStatus(rawValue: q("status"))
        filter.type = DeliverableType(rawValue: q("type"))
        filter.overdue = q("overdue") == "true"
        let result = try await DeliverableService.list(filter, user: user, page: page, now: req.now, on: req.db)
        var overdueFilter = DeliverableService.ListFilter()
        overdueFilter.overdue = true
        let overdueCount = try await DeliverableService.list(overdueFilter, user: user, page: PageRequest(page: 1, per: 1), now: req.now, on: req.db).total
        let columns = [t[text: "ev_deliverable_title"], t[text: "ev_deliverable_type"], t[text: "ev_vendor"], t[text: "ev_deliverable_period"], t[text: "ev_deliverable_due"],
                       t[text: "col_status"], t[text: "ev_deliverable_submitted"], t[text: "ev_deliverable_punctuality"], t[text: "ev_deliverable_returns"]]
        let rows = result.items.map { d -> [ListCell] in
            let (status, badge) = Self.statusLabel(d, t)
            return [ListCell(text: d.title, href: "/evaluation/deliverables/\(d.id)"), ListCell(text: t["ev_type_" + d.type] ?? d.type),
                    ListCell(text: d.vendor), ListCell(text: d.period ?? ""), ListCell(text: d.dueDate), ListCell(text: status, badge: badge),
                    ListCell(text: d.firstSubmittedAt.map { DisplayTime.short($0, req) } ?? "—", muted: d.firstSubmittedAt == nil),
                    ListCell(text: Self.onTimeLabel(d, t)), ListCell(text: String(d.returnedCount))]
        }
        // A vendor's engineer sees only their vendor's: the vendor column says nothing to them.
        let showVendor = user.readsEvaluation
        let shownColumns = showVendor ? columns : columns.enumerated().filter { $0.offset != 2 }.map(\.element)
        let shownRows = showVendor ? rows : rows.map { $0.enumerated().filter { $0.offset != 2 }.map(\.element) }
        let vendors = try await Vendor.query(on: req.db).sort(\.$name).all()
        let vendorOptions = (user.readsEvaluation ? vendors : vendors.filter { $0.id == user.deliverableVendor }).map { ($0.id!.uuidString, $0.name) }
        let typeOptions = DeliverableType.allCases.map { ($0.rawValue, t[text: "ev_type_" + $0.rawValue]) }
        var filters: [ListPageContext.Filter] = []
        if user.readsEvaluation {
            filters.append(.init(name: "vendorId", label: t[text: "ev_vendor"], value: q("vendorId"),
                                 options: FormField.options(vendorOptions, selected: [q("vendorId")], allowEmpty: t[text: "filter_all"]), isSelect: true))
        }
        filters += [
            .init(name: "month", label: t[text: "ev_deliverable_due_month"], value: q("month"),
                  options: SurveyPages.monthOptions(req, t, selected: q("month"), forward: 3, allowEmpty: t[text: "filter_all"]), isSelect: true),
            .init(name: "status", label: t[text: "col_status"], value: q("status"),
                  options: FormField.options(DeliverableStatus.allCases.map { ($0.rawValue, t[text: "ev_deliverable_status_" + $0.rawValue]) }, selected: [q("status")],
                                             allowEmpty: t[text: "filter_all"]), isSelect: true),
            .init(name: "type", label: t[text: "ev_deliverable_type"], value: q("type"),
                  options: FormField.options(typeOptions, selected: [q("type")], allowEmpty: t[text: "filter_all"]), isSelect: true),
            .init(name: "overdue", label: t[text: "ev_deliverable_overdue_only"], value: q("overdue"),
                  options: FormField.options([("true", t[text: "yes"])], selected: [q("overdue")], allowEmpty: t[text: "filter_all"]), isSelect: true),
        ]
        let f = FormValues(form)
        let tz = req.yiwei.config.timeZone
        let fields = user.managesEvaluation ? FormField.withErrors([
            FormField(name: "vendorId", label: t[text: "ev_vendor"], kind: .select,
                      options: FormField.options(vendors.filter(\.isActive).map { ($0.id!.uuidString, $0.name) }, selected: [f["vendorId"]]), required: true),
            FormField(name: "type", label: t[text: "ev_deliverable_type"], kind: .select, options: FormField.options(typeOptions, selected: [f["type"]]), required: true),
            FormField(name: "title", label: t[text: "ev_deliverable_title"], kind: .text, value: f["title"], required: true, maxLength: 100,
                      help: t["ev_deliverable_title_help"]),
            FormField(name: "period", label: t[text: "ev_deliverable_period"], kind: .text, value: f["period"], maxLength: 50, help: t["ev_deliverable_period_help"]),
            FormField(name: "dueDate", label: t[text: "ev_deliverable_due"], kind: .date, value: f["dueDate"], required: true, help: t["ev_deliverable_due_help"]),
        ], errors, locale: base.lang) : []
        let generateFields = user.managesEvaluation ? [
            FormField(name: "vendorId", label: t[text: "ev_vendor"], kind: .select,
                      options: FormField.options(vendors.filter(\.isActive).map { ($0.id!.uuidString, $0.name) }, selected: []), required: true),
            FormField(name: "month", label: t[text: "ev_month"], kind: .select,
                      options: SurveyPages.monthOptions(req, t, selected: EvaluationCalendar.month(of: req.now, timeZone: tz).description, forward: 3),
                      required: true, help: t["ev_deliverable_generate_help"]),
        ] : []
        return try await req.view.render("evaluation/deliverables", IndexContext(
            page: base, manages: user.managesEvaluation, columns: shownColumns, rows: ListPageContext.labelled(shownRows, shownColumns), filters: filters,
            pager: .init(request: req, page: result.page, per: result.per, total: result.total), fields: fields, generateFields: generateFields,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"], overdueCount: overdueCount, overdueHref: "/evaluation/deliverables?overdue=true"))
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let d = try await DeliverableService.create(DeliverableCreateBody(vendorId: form.vendorId, type: form.type, title: form.title, period: form.period,
                                                                              dueDate: form.dueDate),
                                                        by: try req.requireUser(), actor: req.auditActor, now: req.now, timeZone: req.yiwei.config.timeZone,
                                                        on: req.db, writer: req.application)
            return req.redirect(to: "/evaluation/deliverables/\(d.id)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await renderIndex(req, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func generate(req: Request) async throws -> Response {
        struct G: Content { var vendorId: String?; var month: String? }
        let form = try req.content.decode(G.self)
        do {
            var v = Validator()
            let vendor = v.uuid("vendorId", form.vendorId, required: true)
            let month = parseMonth(form.month, v: &v)
            try v.check()
            let created = try await DeliverableService.generate(vendorId: vendor, month: month, by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                                                timeZone: req.yiwei.config.timeZone, on: req.db, writer: req.application)
            return req.redirect(to: "/evaluation/deliverables?vendorId=\(vendor!)&month=\(month!)", flash: created > 0 ? "deliverables_generated" : "deliverables_none_generated")
        } catch let error as AppError where error.fields != nil {
            return req.redirect(to: "/evaluation/deliverables", flash: "error_deliverables_generate")
        }
    }

    struct FileRow: Encodable { var name: String; var href: String; var size: String; var at: String }
    struct EventRow: Encodable { var action: String; var note: String; var actor: String; var at: String }

    struct ShowContext: Encodable {
        var page: PageBase
        var id: String
        var title: String
        var facts: [Fact]
        var statusLabel: String
        var statusBadge: String
        var returnReason: String
        var files: [FileRow]
        var events: [EventRow]
        var mayUpload: Bool
        var mayReview: Bool
    }

    func show(req: Request) async throws -> View {
        let user = try req.requireUser()
        let d = try await DeliverableService.detail(req.parameters.get("deliverableId", as: UUID.self), user: user, now: req.now, on: req.db)
        let base = try PageBase.make(for: req, title: d.title)
        let t = base.t
        let (status, badge) = Self.statusLabel(d, t)
        let facts = [
            Fact(label: t[text: "ev_vendor"], value: d.vendor), Fact(label: t[text: "ev_deliverable_type"], value: t["ev_type_" + d.type] ?? d.type),
            Fact(label: t[text: "ev_deliverable_period"], value: d.period ?? "—"), Fact(label: t[text: "ev_deliverable_due"], value: d.dueDate),
            Fact(label: t[text: "ev_deliverable_submitted"], value: d.firstSubmittedAt.map { DisplayTime.format($0, req) } ?? "—"),
            Fact(label: t[text: "ev_deliverable_last_submitted"], value: d.lastSubmittedAt.map { DisplayTime.format($0, req) } ?? "—"),
            Fact(label: t[text: "ev_deliverable_punctuality"], value: Self.onTimeLabel(d, t)),
            Fact(label: t[text: "ev_deliverable_returns"], value: String(d.returnedCount)),
            Fact(label: t[text: "ev_deliverable_accepted_at"], value: d.acceptedAt.map { DisplayTime.format($0, req) } ?? "—"),
        ]
        return try await req.view.render("evaluation/deliverable", ShowContext(
            page: base, id: d.id.uuidString, title: d.title, facts: facts, statusLabel: status, statusBadge: badge,
            returnReason: d.status == "returned" ? d.returnReason ?? "" : "",
            files: d.files.map { FileRow(name: $0.fileName, href: $0.url, size: humanSize($0.size), at: DisplayTime.short($0.createdAt, req)) },
            events: d.events.reversed().map { EventRow(action: t["ev_event_" + $0.action] ?? $0.action, note: $0.note ?? "", actor: $0.actor, at: DisplayTime.short($0.at, req)) },
            mayUpload: d.status != "accepted" && (user.managesEvaluation || user.deliverableVendor == d.vendorId),
            mayReview: d.status == "submitted" && user.managesEvaluation))
    }

    func upload(req: Request) async throws -> Response {
        let id = req.parameters.get("deliverableId", as: UUID.self)
        do {
            _ = try await EvaluationRegistersController.receiveDeliverableFile(id, request: req)
            return req.redirect(to: "/evaluation/deliverables/\(id?.uuidString ?? "")", flash: "deliverable_uploaded")
        } catch let error as AppError where [.unsupportedMediaType, .payloadTooLarge, .unprocessableEntity].contains(error.status) {
            return req.redirect(to: "/evaluation/deliverables/\(id?.uuidString ?? "")",
                                flash: error.status == .payloadTooLarge ? "error_upload_too_large" : "error_upload_type")
        }
    }

    func download(req: Request) async throws -> Response {
        try await EvaluationRegistersController.serveDeliverableFile(req.parameters.get("deliverableId", as: UUID.self), req.parameters.get("fileId", as: UUID.self),
                                                                     request: req)
    }

    func accept(req: Request) async throws -> Response {
        let id = req.parameters.get("deliverableId", as: UUID.self)
        _ = try await DeliverableService.accept(id, by: try req.requireUser(), actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
        return req.redirect(to: "/evaluation/deliverables/\(id?.uuidString ?? "")", flash: "deliverable_accepted")
    }

    func returnForRevision(req: Request) async throws -> Response {
        struct R: Content { var reason: String? }
        let id = req.parameters.get("deliverableId", as: UUID.self)
        do {
            let body = DeliverableReturnBody(reason: try req.content.decode(R.self).reason)
            _ = try await DeliverableService.return(id, body, by: try req.requireUser(), actor: req.auditActor, now: req.now, on: req.db, writer: req.application)
            return req.redirect(to: "/evaluation/deliverables/\(id?.uuidString ?? "")", flash: "deliverable_returned")
        } catch let error as AppError where error.fields != nil {
            return req.redirect(to: "/evaluation/deliverables/\(id?.uuidString ?? "")", flash: "error_return_reason")
        }
    }
}
