import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

/// The agent workbench (SD-8): queues with filters and bulk actions, the service-desk call form, and the
/// ticket page with its actions, comments, attachments, links, work log and timeline.
struct TicketPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("desk", use: desk)
        routes.post("desk", "bulk", use: bulk)
        routes.post("desk", "filters", use: saveFilter)
        routes.post("desk", "filters", ":filterId", "delete", use: deleteFilter)
        routes.get("desk", "new", use: newForm)
        routes.post("desk", "new", use: create)
        routes.get("tickets", ":ticketId", use: page)
        routes.get("tickets", ":ticketId", "version", use: version)
        routes.post("tickets", ":ticketId", "act", use: act)
        routes.post("tickets", ":ticketId", "comment", use: comment)
        routes.on(.POST, "tickets", ":ticketId", "attachments", body: .collect(maxSize: ByteCount(value: AttachmentStore.maxBytes + 65_536)), use: upload)
        routes.post("tickets", ":ticketId", "links", use: addLink)
        routes.post("tickets", ":ticketId", "links", ":linkId", "delete", use: removeLink)
        routes.post("tickets", ":ticketId", "worklogs", use: addWorkLog)
        routes.get("attachments", ":attachmentId", use: download)
    }

    // MARK: Queues

    func desk(req: Request) async throws -> Response {
        try await renderDesk(req, message: nil)
    }

    /// The queue page, written in Swift (`DeskPageHTML`): with fifty rows it is the page agents keep open all day.
    private func renderDesk(_ req: Request, message: String?, status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.require(.workTickets)
        let base = try await PageBase.make(for: req, titleKey: "desk_title")
        let t = base.t, labels = TicketLabels(t: t)
        var filter = try TicketQueries.filter(from: req)
        let queueParam = req.queryParameter("queue")
        if queueParam == nil { filter.queue = .mine }
        let page = try PageRequest(from: req)
        let reference = try await req.reference()
        let scope = TicketScope.of(user, reference: reference)
        let result = try await TicketQueries.list(filter, page: page, scope: scope, user: user, on: req.db, reference: reference, now: req.now)
        let active = queueParam ?? "mine"
        let now = req.now, timeZone = req.yiwei.config.timeZone
        var tabs = TicketQueries.Queue.allCases.map {
            DeskPageHTML.Tab(label: t[text: "queue_" + $0.rawValue], href: "/desk?queue=" + $0.rawValue, active: active == $0.rawValue)
        }
        tabs.append(.init(label: t[text: "queue_all"], href: "/desk?queue=", active: active == ""))
        let saved = try await SavedFilterService.list(of: user.id, on: req.db)
            .map { DeskPageHTML.Saved(id: $0.id.uuidString, name: $0.name, href: "/desk?" + $0.query) }
        func select(_ name: String, _ label: String, _ pairs: [(String, String)]) -> ListPageContext.Filter {
            let value = req.queryParameter(name) ?? ""
            return .init(name: name, label: label, value: value, options: FormField.options(pairs, selected: [value], allowEmpty: t[text: "filter_all"]), isSelect: true)
        }
        let filters: [ListPageContext.Filter] = [
            .init(name: "q", label: t[text: "desk_search"], value: req.queryParameter("q") ?? "", options: [], isSelect: false),
            select("status", t[text: "col_status"], TicketStatus.allCases.map { ($0.rawValue, labels.status($0.rawValue)) }),
            select("priority", t[text: "col_priority"], Priority.allCases.map { ($0.rawValue, labels.priority($0.rawValue)) }),
            select("domain", t[text: "ticket_domain"], ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }),
        ]
        let keep = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { SavedFilterService.keys.contains($0.name) && !($0.value ?? "").isEmpty }
        var c = URLComponents()
        c.queryItems = keep
        let engineers = HTML.options(reference.lookups.staff.map { FormField.Option(value: $0.0.uuidString, label: $0.1, selected: false) })
        let html = DeskPageHTML.page(DeskPageHTML.Content(
            tabs: tabs, saved: saved, filters: filters,
            rows: result.items, rowsWriter: DeskRowsWriter(labels: labels, now: now, timeZone: timeZone),
            pager: .init(request: req, page: result.page, per: result.per, total: result.total, capped: result.totalCapped == true),
            query: c.percentEncodedQuery ?? "", activeQueue: active, engineers: engineers, message: message), base: base)
        return html.response(status: status)
    }

    struct BulkForm: Content {
        var ids: [String]?
        var action: String?
        var assigneeId: String?
        var back: String?
    }

    func bulk(req: Request) async throws -> Response {
        try req.require(.workTickets)
        let form = try req.content.decode(BulkForm.self)
        var ok = 0, failed = 0
        let body = TicketActionRequest(action: form.action, assigneeId: form.assigneeId)
        for raw in form.ids ?? [] {
            do {
                _ = try await TicketService.act(UUID(uuidString: raw), body, by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                                reference: try await req.reference(), on: req.db, writer: req.application)
                ok += 1
            } catch is AppError { failed += 1 }
        }
        let text = req.locale.text("desk_bulk_done").replacingOccurrences(of: "{ok}", with: String(ok)).replacingOccurrences(of: "{failed}", with: String(failed))
        return try await renderDesk(req, message: text)
    }

    struct FilterForm: Content {
        var name: String?
        var query: String?
    }

    func saveFilter(req: Request) async throws -> Response {
        try req.require(.workTickets)
        let form = try req.content.decode(FilterForm.self)
        do {
            let saved = try await SavedFilterService.save(name: form.name, query: form.query, request: req)
            return req.redirect(to: "/desk?" + saved.query, flash: "filter_saved")
        } catch let error as AppError where error.fields != nil {
            let reason = ProblemText.describe(error.fields!, locale: req.locale.code, t: req.yiwei.i18n.strings(req.locale.code))
            return try await renderDesk(req, message: req.locale.text("error_action_failed").replacingOccurrences(of: "{reason}", with: reason),
                                        status: error.status)
        }
    }

    func deleteFilter(req: Request) async throws -> Response {
        try await SavedFilterService.delete(req.parameters.get("filterId", as: UUID.self), request: req)
        return req.redirect(to: "/desk", flash: "saved")
    }

    // MARK: Service desk entry

    struct NewContext: Encodable {
        var page: PageBase
        var fields: [FormField]
        var errorSummary: String?
    }

    func newForm(req: Request) async throws -> View {
        try req.require(.reportOnBehalf)
        return try await renderNew(req, values: FormValues(), errors: [:])
    }

    private func renderNew(_ req: Request, values: FormValues, errors: [String: String]) async throws -> View {
        let base = try await PageBase.make(for: req, titleKey: "desk_new_title")
        let t = base.t, labels = TicketLabels(t: t)
        let lookups = try await req.reference().lookups
        let systems = try await BusinessSystem.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        let categories = lookups.categories.map { ($0.0.uuidString, labels.domain($0.2) + " / " + $0.1) }
        let fields = FormField.withErrors([
            // A type-ahead, not a list of every account: a hospital has thousands (see UserLookup).
            FormField(name: "reporter", label: t[text: "desk_new_reporter"], kind: .text, value: values["reporter"], required: true, maxLength: 100,
                      help: t["help_desk_new_reporter"], autocomplete: "off"),
            FormField(name: "domain", label: t[text: "ticket_domain"], kind: .select,
                      options: FormField.options(ServiceDomain.allCases.map { ($0.rawValue, labels.domain($0.rawValue)) }, selected: [values["domain"].isEmpty ? "it" : values["domain"]]),
                      required: true),
            FormField(name: "title", label: t[text: "col_title"], kind: .text, value: values["title"], required: true, maxLength: 200),
            FormField(name: "description", label: t[text: "ticket_description"], kind: .textarea, value: values["description"], maxLength: 5000),
            FormField(name: "impact", label: t[text: "ticket_impact"], kind: .select,
                      options: FormField.options(Impact.allCases.map { ($0.rawValue, labels.impact($0.rawValue)) }, selected: [values["impact"].isEmpty ? "individual" : values["impact"]])),
            FormField(name: "urgency", label: t[text: "ticket_urgency"], kind: .select,
                      options: FormField.options(Urgency.allCases.map { ($0.rawValue, labels.urgency($0.rawValue)) }, selected: [values["urgency"].isEmpty ? "operation" : values["urgency"]])),
            FormField(name: "categoryId", label: t[text: "ticket_category"], kind: .select,
                      options: FormField.options(categories, selected: [values["categoryId"]], allowEmpty: t[text: "choose_none"])),
            FormField(name: "businessSystemId", label: t[text: "ticket_system"], kind: .select,
                      options: FormField.options(systems, selected: [values["businessSystemId"]], allowEmpty: t[text: "choose_none"])),
            FormField(name: "departmentId", label: t[text: "ticket_department"], kind: .select,
                      options: FormField.options(lookups.departments.map { ($0.0.uuidString, $0.1) }, selected: [values["departmentId"]], allowEmpty: t[text: "choose_none"])),
            FormField(name: "location", label: t[text: "ticket_location"], kind: .text, value: values["location"], maxLength: 100),
            FormField(name: "channel", label: t[text: "ticket_channel"], kind: .select,
                      options: FormField.options([("phone", labels.channel("phone")), ("wechat", labels.channel("wechat")), ("web", labels.channel("web"))],
                                                 selected: [values["channel"].isEmpty ? "phone" : values["channel"]])),
        ], errors, locale: base.lang)
        return try await req.view.render("tickets/new", NewContext(page: base, fields: fields, errorSummary: errors.isEmpty ? nil : t["form_has_errors"]))
    }

    struct CallForm: Content { var reporter: String? }

    func create(req: Request) async throws -> Response {
        try req.require(.reportOnBehalf)
        var body = try req.content.decode(CreateTicketRequest.self)
        body.kind = body.kind ?? "incident"
        let typed = (try? req.content.decode(CallForm.self))?.reporter ?? ""
        if (body.reporterId ?? "").isEmpty {
            guard let reporter = try await UserLookup.resolve(typed, on: req.db) else {
                var values = FormValues(body)
                values.set("reporter", typed)
                return try await renderNew(req, values: values, errors: ["reporter": typed.isEmpty ? "required" : "no such user"])
                    .encodeResponse(status: .unprocessableEntity, for: req)
            }
            body.reporterId = reporter.uuidString
        }
        do {
            let ticket = try await TicketService.create(body, by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                                        timeZone: req.yiwei.config.timeZone, reference: try await req.reference(), on: req.db,
                                                        writer: req.application, defaultChannel: .phone)
            return req.redirect(to: "/tickets/\(ticket.id)", flash: "ticket_created")
        } catch let error as AppError where error.fields != nil {
            var values = FormValues(body)
            values.set("reporter", typed)
            return try await renderNew(req, values: values, errors: error.fields ?? [:]).encodeResponse(status: error.status, for: req)
        }
    }

    // MARK: The ticket page

    /// What the ticket page shows (`TicketPageHTML.page` writes it).
    struct PageContext {
        struct Fact: Encodable { var label: String; var value: String; var href: String? }
        struct LinkView: Encodable { var id: String; var label: String; var number: String; var title: String; var href: String; var status: String }
        struct WorkLogView: Encodable { var user: String; var minutes: Int; var note: String; var at: String }
        var page: PageBase
        var ticket: TicketDTO
        var statusLabel: String
        var priorityLabel: String
        var domainLabel: String
        var kindLabel: String
        var facts: [Fact]
        /// The action forms and the timeline as HTML (`TicketPageHTML`).
        var actionsHTML: SafeHTML
        var timelineHTML: SafeHTML
        var comments: [CommentView]
        var attachments: [AttachmentView]
        var links: [LinkView]
        var worklogs: [WorkLogView]
        var linkTypes: [FormField.Option]
        var isStaff: Bool
        var canGrab: Bool
        /// A resolved or closed ticket can become a knowledge article (KB-4).
        var canToKB: Bool = false
        var version: String
        var error: String?
        var pausedText: String?
        var slaClocks: [SLAClockView]
        var slaExplanation: String?
        var planState: String?
        /// The 「停机记录」 panel of an incident (Analytics/OutagePages.swift); nil where it does not belong.
        var outages: OutagePanel? = nil
    }

    struct SLAClockView: Encodable {
        var label: String
        var target: String
        var due: String
        var state: String
        var stateLabel: String
    }

    func page(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (ticket, _, _) = try await req.visibleTicket(req.parameters.get("ticketId", as: UUID.self))
        // Reporters follow their tickets in the portal, which shows only what concerns them.
        if !user.seesInternal { return req.redirect(to: "/portal/tickets/\(ticket.id!)") }
        return try await renderPage(req, ticket: ticket, error: nil)
    }

    func renderPage(_ req: Request, ticket: Ticket, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let base = try PageBase.make(for: req, title: ticket.number + " " + ticket.title)
        let t = base.t, labels = TicketLabels(t: t)
        let dto = try await TicketQueries.load(ticket, request: req)
        var facts: [PageContext.Fact] = [
            .init(label: t[text: "ticket_reporter"], value: dto.reporterName ?? "", href: nil),
            .init(label: t[text: "ticket_department"], value: dto.departmentName ?? "", href: nil),
            .init(label: t[text: "ticket_location"], value: dto.location ?? "", href: nil),
            .init(label: t[text: "ticket_system"], value: dto.businessSystemName ?? "", href: nil),
            .init(label: t[text: "ticket_category"], value: dto.categoryName ?? "", href: nil),
            .init(label: t[text: "ticket_impact"], value: labels.impact(dto.impact), href: nil),
            .init(label: t[text: "ticket_urgency"], value: labels.urgency(dto.urgency), href: nil),
            .init(label: t[text: "ticket_channel"], value: labels.channel(dto.channel), href: nil),
            .init(label: t[text: "ticket_created"], value: DisplayTime.format(dto.createdAt, req), href: nil),
            .init(label: t[text: "ticket_team"], value: dto.teamName ?? "", href: nil),
            .init(label: t[text: "ticket_assignee"], value: dto.assigneeName ?? "", href: nil),
        ]
        if let asset = dto.assetId { facts.append(.init(label: t[text: "ticket_asset"], value: asset, href: nil)) }
        if let occurred = dto.occurredAt { facts.append(.init(label: t[text: "ticket_occurred"], value: DisplayTime.format(occurred, req), href: nil)) }
        if let reporter = dto.reporterId, let phone = try await req.reference().users[reporter]?.phone {
            facts.insert(.init(label: t[text: "portal_phone"], value: phone, href: "tel:" + phone.filter { $0.isNumber || $0 == "+" }), at: 1)
        }
        let actions = TicketStateMachine.allowed(from: ticket.statusValue)
            .filter { TicketService.permitted($0, user: user, ticket: ticket) }
            .filter { $0 != .resume || ticket.statusValue == .pending }
            // The written plan appears only once the policy's limit has passed, its approval once there is one.
            .filter { $0 != .plan || ticket.planRequiredAt != nil }
            .filter { $0 != .approvePlan || (ticket.plan != nil && ticket.planApprovedAt == nil) }
            // A lead decides on a pause only while one waits on a vendor and nobody has decided yet.
            .filter { ![.approvePause, .rejectPause].contains($0) || ticket.pauseApproval == PauseApproval.requested.rawValue }
            .map { a in
                ActionView(action: a.rawValue, label: labels.action(a.rawValue),
                           primary: [.accept, .start, .resolve, .resume, .approvePause].contains(a),
                           needsReason: [.pend, .reopen, .cancel, .transfer, .reprioritize, .rejectPause].contains(a),
                           needsResolution: a == .resolve, needsAssignee: a == .assign, needsTeam: a == .assign || a == .transfer,
                           needsDomain: a == .transfer, needsPriority: a == .reprioritize, needsNote: a == .visit || a == .plan,
                           needsWaitOn: a == .pend, danger: a == .cancel)
            }
        if ticket.statusValue == .pending, let wait = ticket.pendingWaitOn {
            let state = wait == PauseWait.vendor.rawValue ? "pause_state_vendor_" + (ticket.pauseApproval ?? "requested") : "pause_state_" + wait
            facts.insert(.init(label: t[text: "ticket_pause_state"], value: t[state] ?? wait, href: nil), at: 0)
        }
        let events = try await TicketQueries.timeline(ticket, user: user, on: req.db, reference: try await req.reference())
        let comments = try await TicketService.comments(of: ticket, user: user, reference: try await req.reference(), on: req.db).map {
            CommentView(author: $0.authorName, initials: initials(of: $0.authorName), body: $0.body, at: DisplayTime.short($0.createdAt, req), isInternal: $0.internal)
        }
        let attachments = try await AttachmentStore.list(ticket, user: user, on: req.db).map {
            AttachmentView(id: $0.id.uuidString, name: $0.fileName, size: humanSize($0.size), isImage: $0.contentType.hasPrefix("image/"), isInternal: $0.internal)
        }
        let links = try await TicketService.links(ticket, scope: try await TicketScope.of(user, req), on: req.db).map {
            PageContext.LinkView(id: $0.id.uuidString, label: $0.direction == "incoming" ? t[text: "link_incoming"] : (t["link_type_" + $0.type] ?? $0.type),
                                 number: $0.number, title: $0.title, href: "/tickets/\($0.ticketId)", status: labels.status($0.status))
        }
        let worklogs = user.seesInternal ? try await TicketService.workLogs(of: ticket, reference: try await req.reference(), on: req.db).map {
            PageContext.WorkLogView(user: $0.userName, minutes: $0.minutes, note: $0.note, at: DisplayTime.short($0.createdAt, req))
        } : []
        let lookups = try await req.reference().lookups
        let teamsInDomain = lookups.teams.filter { $0.2 == ticket.domain }
        let paused = dto.sla.pausedMinutes
        let slaClocks = dto.sla.clocks.map { c -> SLAClockView in
            let state: String, stateLabel: String
            if c.paused { state = "paused"; stateLabel = t[text: "sla_paused"] }
            else if c.stoppedAt != nil { state = c.breached ? "over" : "met"; stateLabel = c.breached ? t[text: "sla_missed"] : t[text: "sla_met"] }
            else if c.breached { state = "over"; stateLabel = t[text: "sla_over"].replacingOccurrences(of: "{d}", with: labels.duration(Double(max(0, c.elapsedMinutes - Double(c.targetMinutes))) * 60)) }
            else { state = "running"; stateLabel = t[text: "sla_left"].replacingOccurrences(of: "{d}", with: labels.duration(max(0, (c.dueAt ?? req.now).timeIntervalSince(req.now)))) }
            return SLAClockView(label: labels.clock(c.kind), target: labels.target(c.targetMinutes, businessTime: c.businessTime),
                                due: c.dueAt.map { DisplayTime.short($0, req) } ?? "—", state: state, stateLabel: stateLabel)
        }
        var slaExplanation: String?
        if let policy = dto.sla.policyName, let calendar = dto.sla.calendarName {
            var text = (dto.sla.businessTime == true ? t[text: "sla_explain_business"] : t[text: "sla_explain_wall"])
                .replacingOccurrences(of: "{policy}", with: policy).replacingOccurrences(of: "{calendar}", with: calendar)
            if Set(dto.sla.clocks.map(\.businessTime)).count > 1 {
                text += t[text: "sla_explain_mixed"].replacingOccurrences(of: "{clocks}", with: dto.sla.clocks.filter(\.businessTime).map { labels.clock($0.kind) }.joined(separator: "、"))
            }
            if dto.sla.raisedInHours == false { text += t[text: "sla_explain_off_hours"] }
            let pausedCounted = dto.sla.clocks.map(\.pausedMinutes).max() ?? 0
            if pausedCounted > 0 { text += t[text: "sla_explain_paused"].replacingOccurrences(of: "{m}", with: String(format: "%.0f", pausedCounted)) }
            slaExplanation = text
        }
        let outagePanel = try await OutagePanel.make(for: ticket, req: req, t: t)
        // The action forms' `<option>`s, written once: the engineer list alone is dozens of entries.
        let options = TicketPageHTML.Options(
            domains: HTML.options(ServiceDomain.allCases.map { .init(value: $0.rawValue, label: labels.domain($0.rawValue), selected: $0.rawValue == ticket.domain) }),
            teams: HTML.options(teamsInDomain.map { .init(value: $0.0.uuidString, label: $0.1, selected: $0.0 == ticket.teamId) }),
            allTeams: HTML.options(lookups.teams.map { .init(value: $0.0.uuidString, label: labels.domain($0.2) + " / " + $0.1, selected: false) }),
            engineers: HTML.options(lookups.staff.map { .init(value: $0.0.uuidString, label: $0.1, selected: $0.0 == ticket.assigneeId) }),
            priorities: HTML.options(Priority.allCases.map { .init(value: $0.rawValue, label: labels.priority($0.rawValue), selected: $0.rawValue == ticket.priority) }),
            waitOn: HTML.options(PauseWait.allCases.map { .init(value: $0.rawValue, label: t[text: "wait_on_" + $0.rawValue], selected: $0 == .reporter) }))
        return HTML.response(TicketPageHTML.page(PageContext(
            page: base, ticket: dto, statusLabel: labels.status(dto.status), priorityLabel: labels.priority(dto.priority),
            domainLabel: labels.domain(dto.domain), kindLabel: labels.kind(dto.kind), facts: facts.filter { !$0.value.isEmpty },
            actionsHTML: TicketPageHTML.actions(actions, ticketId: ticket.id!.uuidString, csrf: base.csrf, t: t, options: options),
            timelineHTML: TicketPageHTML.timeline(events.reversed().map { TimelineView($0, labels: labels, req: req) }, t: t), comments: comments,
            attachments: attachments, links: links, worklogs: worklogs,
            linkTypes: TicketLinkType.allCases.map { .init(value: $0.rawValue, label: t[text: "link_type_" + $0.rawValue], selected: false) },
            isStaff: user.worksTickets, canGrab: user.worksTickets && ticket.assigneeId != user.id && TicketService.permitted(.assign, user: user, ticket: ticket),
            canToKB: user.worksTickets && [TicketStatus.resolved, .closed].contains(ticket.statusValue)
                && TicketStateMachine.next(ticket.statusValue, .assign) != nil,
            version: String(ticket.updatedAt.timeIntervalSince1970), error: error,
            pausedText: paused > 0 ? String(format: "%.0f ", paused) + t[text: "worklog_minutes"] : nil,
            slaClocks: slaClocks, slaExplanation: slaExplanation,
            planState: dto.plan.map { $0.blocking ? ($0.text == nil ? t[text: "plan_blocking"] : t[text: "plan_waiting"]) : t[text: "plan_approved"] },
            outages: outagePanel)), status: status)
    }

    struct VersionDTO: Content { var version: String }

    /// Polled by the ticket page to notice when someone else changed the ticket.
    func version(req: Request) async throws -> VersionDTO {
        let (ticket, _, _) = try await req.visibleTicket(req.parameters.get("ticketId", as: UUID.self))
        return VersionDTO(version: String(ticket.updatedAt.timeIntervalSince1970))
    }

    /// Runs a write on the ticket; a refusal re-shows the page with the reason instead of losing the form.
    private func attempt(_ req: Request, flash: String, _ body: () async throws -> Void) async throws -> Response {
        let id = req.parameters.get("ticketId", as: UUID.self)
        do {
            try await body()
            return req.redirect(to: "/tickets/\(id?.uuidString ?? "")", flash: flash)
        } catch let error as AppError where [.conflict, .unprocessableEntity, .unsupportedMediaType, .payloadTooLarge, .forbidden].contains(error.status) {
            let (ticket, _, _) = try await req.visibleTicket(id)
            let reason = error.fields.map { ProblemText.describe($0, locale: req.locale.code, t: req.yiwei.i18n.strings(req.locale.code)) } ?? ""
            let text = req.locale.text("error_action_failed").replacingOccurrences(of: "{reason}", with: reason.isEmpty ? error.message : reason)
            return try await renderPage(req, ticket: ticket, error: text, status: error.status)
        }
    }

    func act(req: Request) async throws -> Response {
        let body = try req.content.decode(TicketActionRequest.self)
        return try await attempt(req, flash: "ticket_updated") {
            _ = try await TicketService.act(req.parameters.get("ticketId", as: UUID.self), body, by: try req.requireUser(), actor: req.auditActor,
                                            now: req.now, reference: try await req.reference(), on: req.db, writer: req.application)
        }
    }

    struct CommentForm: Content {
        var body: String?
        var `internal`: String?
    }

    func comment(req: Request) async throws -> Response {
        let form = try req.content.decode(CommentForm.self)
        return try await attempt(req, flash: "comment_added") {
            _ = try await TicketService.comment(req.parameters.get("ticketId", as: UUID.self),
                                                CommentRequest(body: form.body, internal: form.internal == "true"), by: try req.requireUser(),
                                                actor: req.auditActor, now: req.now, reference: try await req.reference(), on: req.db,
                                                writer: req.application)
        }
    }

    func upload(req: Request) async throws -> Response {
        try await attempt(req, flash: "attachment_added") {
            _ = try await AttachmentStore.upload(req.parameters.get("ticketId", as: UUID.self), request: req)
        }
    }

    func addLink(req: Request) async throws -> Response {
        let body = try req.content.decode(LinkRequest.self)
        return try await attempt(req, flash: "link_added") {
            _ = try await TicketService.addLink(req.parameters.get("ticketId", as: UUID.self), body, by: try req.requireUser(), actor: req.auditActor,
                                                now: req.now, reference: try await req.reference(), on: req.db, writer: req.application)
        }
    }

    func removeLink(req: Request) async throws -> Response {
        try await attempt(req, flash: "ticket_updated") {
            try await TicketService.removeLink(req.parameters.get("ticketId", as: UUID.self), linkId: req.parameters.get("linkId", as: UUID.self),
                                               by: try req.requireUser(), actor: req.auditActor, now: req.now, reference: try await req.reference(),
                                               on: req.db, writer: req.application)
        }
    }

    struct WorkLogForm: Content {
        var minutes: String?
        var note: String?
    }

    func addWorkLog(req: Request) async throws -> Response {
        let form = try req.content.decode(WorkLogForm.self)
        return try await attempt(req, flash: "worklog_added") {
            _ = try await TicketService.addWorkLog(req.parameters.get("ticketId", as: UUID.self),
                                                   WorkLogRequest(minutes: form.minutes.flatMap { Int($0) }, note: form.note), by: try req.requireUser(),
                                                   now: req.now, reference: try await req.reference(), on: req.db, writer: req.application)
        }
    }

    func download(req: Request) async throws -> Response {
        try await AttachmentStore.download(req.parameters.get("attachmentId", as: UUID.self), request: req)
    }
}
