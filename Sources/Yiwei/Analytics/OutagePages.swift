import Fluent
import Foundation
import Vapor
import YiweiCore

/// 停机记录 pages: the list (`/outages`), the form to record or change one (`/outages/new`, `/outages/{id}`),
/// and the small panel on an incident's ticket page (「停机记录」 with 「登记停机」).
struct OutagePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("outages", use: list)
        routes.get("outages", "new", use: newForm)
        routes.post("outages", use: create)
        routes.get("outages", ":outageId", use: editForm)
        routes.post("outages", ":outageId", use: update)
        routes.post("outages", ":outageId", "delete", use: delete)
    }

    // MARK: List

    func list(req: Request) async throws -> View {
        let user = try req.require(.readOutages)
        let paging = try PageRequest(from: req)
        let base = try PageBase.make(for: req, title: req.locale.text("outages_title"))
        let t = base.t
        let systemFilter = (req.queryParameter("businessSystemId")).flatMap(UUID.init(uuidString:))
        let kindFilter = req.queryParameter("kind").flatMap(InterruptionKind.init(rawValue:))
        let query = OutageService.overlapping(from: nil, to: nil, systemId: systemFilter, on: req.db)
        if let kindFilter { query.filter(\.$kind == kindFilter.rawValue) }
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$startedAt, .descending).sort(\.$id).range(paging.offset..<(paging.offset + paging.per)).all()
        let dtos = try await OutageService.dtos(rows, on: req.db, now: req.now)
        let columns = [t[text: "outage_system"], t[text: "outage_kind"], t[text: "outage_started"], t[text: "outage_ended"], t[text: "outage_minutes"],
                       t[text: "outage_ticket"], t[text: "outage_description"]]
        let cells = dtos.map { o -> [ListCell] in
            [ListCell(text: o.businessSystemName, href: "/outages/\(o.id)"),
             ListCell(text: OutageText.kind(o.kind, wide: o.hospitalWide, t: t), badge: o.kind == "outage" ? "outage" : "impact"),
             ListCell(text: DisplayTime.short(o.startedAt, req)),
             ListCell(text: o.endedAt.map { DisplayTime.short($0, req) } ?? t[text: "outage_ongoing"]),
             ListCell(text: OutageText.minutes(o.minutes, t: t)),
             ListCell(text: o.ticketNumber ?? "", href: o.ticketId.map { "/tickets/\($0)" }),
             ListCell(text: String(o.description.prefix(60)))]
        }
        let systems = try await BusinessSystem.query(on: req.db).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        let filters = [
            ListPageContext.Filter(name: "businessSystemId", label: t[text: "outage_system"], value: "",
                                   options: FormField.options(systems, selected: [systemFilter?.uuidString ?? ""], allowEmpty: t["filter_all"] ?? "全部"),
                                   isSelect: true),
            ListPageContext.Filter(name: "kind", label: t[text: "outage_kind"], value: "",
                                   options: FormField.options(InterruptionKind.allCases.map { ($0.rawValue, t[text: "outage_kind_" + $0.rawValue]) },
                                                              selected: [kindFilter?.rawValue ?? ""], allowEmpty: t["filter_all"] ?? "全部"),
                                   isSelect: true),
        ]
        return try await req.view.render("admin/list", ListPageContext(
            page: base, heading: base.title, newHref: user.can(.recordOutages) ? "/outages/new" : nil, newLabel: t[text: "outage_new"],
            columns: columns, rows: ListPageContext.labelled(cells, columns), filters: filters,
            pager: .init(request: req, page: paging.page, per: paging.per, total: total), emptyText: t[text: "outages_empty"]))
    }

    // MARK: Form

    struct Form: Content {
        var businessSystemId: String?
        var ticketId: String?
        var kind: String?
        var hospitalWide: String?
        var startedAt: String?
        var endedAt: String?
        var departmentIds: [String]?
        var scope: String?
        var description: String?
        var back: String?
    }

    struct FormContext: Encodable {
        var page: PageBase
        var heading: String
        var action: String
        var deleteAction: String?
        var back: String
        var errorSummary: String?
        var readOnly: Bool
        var systems: [FormField.Option]
        var kinds: [FormField.Option]
        var departments: [FormField.Option]
        var values: [String: String]
        var hospitalWide: Bool
        var errors: [String: String]
        var ticketNumber: String?
        var ticketHref: String?
        var minutes: String?
    }

    func newForm(req: Request) async throws -> View {
        try req.require(.recordOutages)
        var form = Form()
        if let id = req.queryParameter("ticketId").flatMap(UUID.init(uuidString:)), let ticket = try await Ticket.find(id, on: req.db) {
            form.ticketId = id.uuidString
            form.businessSystemId = ticket.businessSystemId?.uuidString
            form.startedAt = OutageText.local(ticket.occurredAt ?? ticket.createdAt, req)
            form.back = "/tickets/\(id)"
        }
        form.kind = InterruptionKind.outage.rawValue
        return try await render(req, outage: nil, form: form, errors: [:])
    }

    func editForm(req: Request) async throws -> View {
        try req.require(.readOutages)
        let o = try await OutageService.find(req.parameters.get("outageId", as: UUID.self), on: req.db)
        let form = Form(businessSystemId: o.businessSystemId.uuidString, ticketId: o.ticketId?.uuidString, kind: o.kind,
                        hospitalWide: o.hospitalWide ? "on" : nil, startedAt: OutageText.local(o.startedAt, req),
                        endedAt: o.endedAt.map { OutageText.local($0, req) }, departmentIds: o.departmentIds.map(\.uuidString),
                        scope: o.scope, description: o.description, back: nil)
        return try await render(req, outage: o, form: form, errors: [:])
    }

    private func render(_ req: Request, outage: Outage?, form: Form, errors: [String: String]) async throws -> View {
        let user = try req.requireUser()
        let base = try PageBase.make(for: req, title: req.locale.text(outage == nil ? "outage_new" : "outage_edit"))
        let t = base.t
        let systems = try await BusinessSystem.query(on: req.db).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        let departments = try await Department.query(on: req.db).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        var ticketNumber: String?, ticketHref: String?
        if let id = form.ticketId.flatMap(UUID.init(uuidString:)), let ticket = try await Ticket.find(id, on: req.db) {
            ticketNumber = ticket.number + " " + ticket.title
            ticketHref = "/tickets/\(id)"
        }
        var minutes: String?
        if let outage { minutes = OutageText.minutes(OutageService.dto(outage, systemName: "", ticketNumber: nil, now: req.now).minutes, t: t) }
        let localized = errors.mapValues { OutageText.problem($0, t: t, locale: base.lang) }
        let back = OutageText.safeBack(form.back) ?? (outage == nil ? "/outages" : "/outages")
        return try await req.view.render("reports/outage_form", FormContext(
            page: base, heading: base.title, action: outage.map { "/outages/\($0.id!)" } ?? "/outages",
            deleteAction: outage != nil && user.can(.manageOutages) ? "/outages/\(outage!.id!)/delete" : nil, back: back,
            errorSummary: errors.isEmpty ? nil : t["form_has_errors"], readOnly: outage.map { !user.mayChange($0) } ?? !user.can(.recordOutages),
            systems: FormField.options(systems, selected: [form.businessSystemId ?? ""], allowEmpty: t[text: "outage_pick_system"]),
            kinds: FormField.options(InterruptionKind.allCases.map { ($0.rawValue, t[text: "outage_kind_" + $0.rawValue]) }, selected: [form.kind ?? "outage"]),
            departments: FormField.options(departments, selected: Set(form.departmentIds ?? [])),
            values: ["startedAt": form.startedAt ?? "", "endedAt": form.endedAt ?? "", "scope": form.scope ?? "",
                     "description": form.description ?? "", "ticketId": form.ticketId ?? ""],
            hospitalWide: form.hospitalWide != nil && form.hospitalWide != "", errors: localized,
            ticketNumber: ticketNumber, ticketHref: ticketHref, minutes: minutes))
    }

    private func body(_ form: Form, _ req: Request, existing: Bool) -> OutageBody {
        OutageBody(businessSystemId: form.businessSystemId ?? "", ticketId: form.ticketId ?? (existing ? nil : ""), kind: form.kind,
                   hospitalWide: form.hospitalWide != nil && form.hospitalWide != "",
                   startedAt: OutageText.instant(form.startedAt, req) ?? "", endedAt: OutageText.instant(form.endedAt, req) ?? "",
                   departmentIds: form.departmentIds ?? [], scope: form.scope ?? "", description: form.description ?? "")
    }

    func create(req: Request) async throws -> Response {
        try req.require(.recordOutages)
        let form = try req.content.decode(Form.self)
        do {
            let dto = try await OutageService.create(body(form, req, existing: false), request: req)
            return req.redirect(to: OutageText.safeBack(form.back) ?? "/outages/\(dto.id)", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, outage: nil, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func update(req: Request) async throws -> Response {
        let id = req.parameters.get("outageId", as: UUID.self)
        let outage = try await OutageService.find(id, on: req.db)
        let form = try req.content.decode(Form.self)
        do {
            _ = try await OutageService.patch(id, body(form, req, existing: true), request: req)
            return req.redirect(to: "/outages", flash: "saved")
        } catch let error as AppError where error.fields != nil {
            return try await render(req, outage: outage, form: form, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    func delete(req: Request) async throws -> Response {
        try await OutageService.delete(req.parameters.get("outageId", as: UUID.self), request: req)
        return req.redirect(to: "/outages", flash: "saved")
    }
}

/// The 「停机记录」 panel of an incident's ticket page.
struct OutagePanel: Encodable {
    struct Row: Encodable { var href: String; var system: String; var kind: String; var started: String; var ended: String; var minutes: String }
    var rows: [Row]
    var canWrite: Bool
    var newHref: String
    var action: String
    var back: String
    var systems: [FormField.Option]
    var kinds: [FormField.Option]
    var startedAt: String

    /// nil when the panel does not belong on the page (not an incident, or the user may not read downtime).
    static func make(for ticket: Ticket, req: Request, t: [String: String]) async throws -> OutagePanel? {
        guard let user = req.currentUser, user.can(.readOutages), ticket.kind == "incident" || ticket.kind == "problem", let id = ticket.id else { return nil }
        let outages = try await Outage.query(on: req.db).filter(\.$ticketId == id).sort(\.$startedAt).all()
        let dtos = try await OutageService.dtos(outages, on: req.db, now: req.now)
        let systems = try await req.reference().activeSystems.map { ($0.0.uuidString, $0.1) }
        return OutagePanel(
            rows: dtos.map {
                Row(href: "/outages/\($0.id)", system: $0.businessSystemName, kind: OutageText.kind($0.kind, wide: $0.hospitalWide, t: t),
                    started: DisplayTime.short($0.startedAt, req), ended: $0.endedAt.map { DisplayTime.short($0, req) } ?? t[text: "outage_ongoing"],
                    minutes: OutageText.minutes($0.minutes, t: t))
            },
            canWrite: user.can(.recordOutages), newHref: "/outages/new?ticketId=\(id)", action: "/outages", back: "/tickets/\(id)",
            systems: FormField.options(systems, selected: [ticket.businessSystemId?.uuidString ?? ""], allowEmpty: t[text: "outage_pick_system"]),
            kinds: FormField.options(InterruptionKind.allCases.map { ($0.rawValue, t[text: "outage_kind_" + $0.rawValue]) }, selected: ["outage"]),
            startedAt: OutageText.local(ticket.occurredAt ?? ticket.createdAt, req))
    }
}

/// Wording and form values for downtime.
enum OutageText {
    static func kind(_ kind: String, wide: Bool, t: [String: String]) -> String {
        let name = t["outage_kind_" + kind] ?? kind
        return wide ? name + t[text: "outage_hospital_wide_suffix"] : name
    }

    static func minutes(_ minutes: Int, t: [String: String]) -> String {
        "\(minutes) " + (t["outage_unit_minutes"] ?? "min")
    }

    /// An instant as the value of an `<input type="datetime-local">` in the hospital's zone.
    static func local(_ date: Date, _ req: Request) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = req.yiwei.config.timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    /// A `datetime-local` value (hospital's zone) as RFC 3339; anything else is passed on for the validator to reject.
    static func instant(_ value: String?, _ req: Request) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = req.yiwei.config.timeZone
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return ISO8601DateFormatter().string(from: date) }
        }
        return value
    }

    /// Only our own pages are places to go back to.
    static func safeBack(_ back: String?) -> String? {
        guard let back, back.hasPrefix("/tickets/") || back.hasPrefix("/outages"), !back.contains("//"), !back.contains("\\"),
              back.count < 200 else { return nil }
        return back
    }

    static func problem(_ text: String, t: [String: String], locale: String) -> String {
        switch text {
        case "must be after the start": t[text: "outage_error_end_after_start"]
        case "must not be in the future": t[text: "outage_error_future"]
        case "only an outage can be hospital-wide": t[text: "outage_error_wide"]
        case "required": t[text: "outage_error_required"]
        default: ProblemText.localize(text, locale: locale)
        }
    }
}
