import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

/// Labels for ticket values in the page's language.
struct TicketLabels {
    let t: [String: String]
    func status(_ s: String) -> String { t["ticket_status_" + s] ?? s }
    func priority(_ p: String) -> String { t["priority_" + p] ?? p }
    func domain(_ d: String) -> String { t["domain_" + d] ?? d }
    func kind(_ k: String) -> String { t["kind_" + k] ?? k }
    func impact(_ i: String) -> String { t["impact_" + i] ?? i }
    func urgency(_ u: String) -> String { t["urgency_" + u] ?? u }
    func channel(_ c: String) -> String { t["channel_" + c] ?? c }
    func action(_ a: String) -> String { t["ticket_action_" + a] ?? a }
    func event(_ e: String) -> String { t["event_" + e] ?? e }
    func clock(_ k: String) -> String { t["sla_clock_" + k] ?? k }

    /// A target's length: on the wall clock as days and hours; in business time as working hours or minutes
    /// (20 工作小时 is not 20 hours on the clock).
    func target(_ minutes: Int, businessTime: Bool) -> String {
        guard businessTime else { return duration(Double(minutes) * 60) }
        return minutes % 60 == 0 ? "\(minutes / 60)" + t[text: "unit_work_hour"] : "\(minutes)" + t[text: "unit_work_minute"]
    }

    /// 2 天 3 小时 / 1 小时 20 分 / 35 分.
    func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded(.up))
        let d = minutes / 1440, h = (minutes % 1440) / 60, m = minutes % 60
        var parts: [String] = []
        if d > 0 { parts.append("\(d)" + t[text: "unit_day"]) }
        if h > 0 { parts.append("\(h)" + t[text: "unit_hour"]) }
        if m > 0 && d == 0 { parts.append("\(m)" + t[text: "unit_minute"]) }
        return parts.isEmpty ? "0" + t[text: "unit_minute"] : parts.joined(separator: " ")
    }
}

struct TicketRowView: Encodable {
    var id: String
    var number: String
    var title: String
    var priority: String
    var priorityLabel: String
    var status: String
    var statusLabel: String
    var domain: String
    var domainLabel: String
    var department: String
    var system: String
    var assignee: String
    var created: String
    /// "剩余 1小时20分" or "超时 35分", with `dueState` ok / soon (under an hour) / over.
    var dueText: String
    var dueState: String

    init(_ r: TicketRowDTO, labels: TicketLabels, req: Request) {
        self.init(r, labels: labels, now: req.now, timeZone: req.yiwei.config.timeZone)
    }

    /// With the moment and the zone read once for all the rows of a page.
    init(_ r: TicketRowDTO, labels: TicketLabels, now: Date, timeZone: TimeZone) {
        id = r.id.uuidString; number = r.number; title = r.title
        priority = r.priority; priorityLabel = labels.priority(r.priority)
        status = r.status; statusLabel = labels.status(r.status)
        domain = r.domain; domainLabel = labels.domain(r.domain)
        department = r.departmentName ?? ""; system = r.businessSystemName ?? ""
        assignee = r.assigneeName ?? (r.teamName ?? "")
        created = DisplayTime.short(r.createdAt, timeZone: timeZone)
        (dueText, dueState) = Self.due(r.nextDueAt, now: now, labels: labels) ?? ("", "")
    }

    /// "剩余 1小时 20分" or "超时 35分", and the state: ok, soon (under an hour), over.
    static func due(_ due: Date?, now: Date, labels: TicketLabels) -> (text: String, state: String)? {
        guard let due else { return nil }
        let left = due.timeIntervalSince(now)
        let text = (left >= 0 ? labels.t[text: "sla_left"] : labels.t[text: "sla_over"]).filling("{d}", with: labels.duration(abs(left)))
        return (text, left < 0 ? "over" : left < 3600 ? "soon" : "ok")
    }
}

/// The desk's table rows (the rest of the page is `DeskPageHTML`), written from the list's rows straight into the
/// page's bytes: fifty rows of ten cells each were most of the page's work, as templates and then as strings.
/// The markup is the same as `TicketRowView` and the portal's template give; every value is escaped.
struct DeskRowsWriter {
    private let cells: [SafeHTML]
    private let labels: TicketLabels
    private let now: Date
    private let timeZone: TimeZone
    /// Each status, priority and domain label escaped once per page.
    private var escaped: [String: SafeHTML] = [:]

    init(labels: TicketLabels, now: Date, timeZone: TimeZone) {
        let t = labels.t
        func cell(_ key: String, _ cssClass: StaticString) -> SafeHTML { "\n    <td data-label=\"\(t[key] ?? key)\" class=\"\(SafeHTML(stringLiteral: cssClass))\">" }
        cells = [
            "\"></td>" + cell("col_number", "num-cell") + "<a href=\"/tickets/",
            "</a></td>" + cell("col_title", "title-cell") + "<a href=\"/tickets/",
            "</span></td>" + cell("col_priority", "prio-cell") + "<span class=\"badge prio-",
            "</span></td>" + cell("col_status", "status-cell") + "<span class=\"badge status-",
            "</span></td>" + cell("col_department", "nowrap"),
            "</td>" + cell("col_system", "system-cell"),
            "</td>" + cell("col_assignee", "nowrap"),
            "</td>" + cell("col_due", "nowrap"),
            "</td>" + cell("col_created", "time-cell"),
        ]
        self.labels = labels; self.now = now; self.timeZone = timeZone
    }

    mutating func write(_ rows: [TicketRowDTO], into h: inout HTMLBuffer) {
        for r in rows { write(r, into: &h) }
    }

    private mutating func label(_ key: String, _ make: (String) -> String) -> SafeHTML {
        if let known = escaped[key] { return known }
        let text = SafeHTML.text(make(String(key.dropFirst(2))))
        escaped[key] = text
        return text
    }

    private mutating func write(_ r: TicketRowDTO, into h: inout HTMLBuffer) {
        h.raw("<tr>\n    <td class=\"check-col\"><input type=\"checkbox\" name=\"ids[]\" value=\"")
        h.uuid(r.id); h.raw("\" aria-label=\""); h.text(r.number)
        h.html(cells[0]); h.uuid(r.id); h.raw("\" class=\"mono\">"); h.text(r.number)
        h.html(cells[1]); h.uuid(r.id); h.raw("\">"); h.text(r.title)
        h.raw("</a> <span class=\"badge badge-"); h.text(r.domain); h.raw("\">"); h.html(label("d:" + r.domain, labels.domain))
        h.html(cells[2]); h.text(r.priority); h.raw("\">"); h.html(label("p:" + r.priority, labels.priority))
        h.html(cells[3]); h.text(r.status); h.raw("\">"); h.html(label("s:" + r.status, labels.status))
        h.html(cells[4]); h.text(r.departmentName ?? "")
        h.html(cells[5]); h.text(r.businessSystemName ?? "")
        h.html(cells[6]); h.text(r.assigneeName ?? (r.teamName ?? ""))
        h.html(cells[7])
        if let due = TicketRowView.due(r.nextDueAt, now: now, labels: labels) {
            h.raw("<span class=\"badge due-"); h.text(due.state); h.raw("\">"); h.text(due.text); h.raw("</span>")
        }
        h.html(cells[8]); h.minute(r.createdAt, timeZone: timeZone)
        h.raw("</td>\n  </tr>\n")
    }
}

struct TimelineView: Encodable {
    var at: String
    var actor: String
    var label: String
    var detail: String
    var isInternal: Bool
    var type: String

    /// One readable line per event: the reason, the resolution, who it went to, how long it waited.
    init(_ e: TicketEventDTO, labels: TicketLabels, req: Request) {
        at = DisplayTime.short(e.at, req)
        actor = e.actorName ?? ""
        label = labels.event(e.type)
        type = e.type
        isInternal = e.internal
        let d = e.data
        var parts: [String] = []
        if let from = d["from"], let to = d["to"], from != to { parts.append("\(labels.status(from)) → \(labels.status(to))") }
        if let name = d["assigneeName"] { parts.append(labels.t[text: "event_assigned_to"].replacingOccurrences(of: "{name}", with: name)) }
        if let team = d["teamName"] { parts.append(labels.t[text: "ticket_team"] + "：" + team) }
        if let domain = d["toDomain"] { parts.append(labels.domain(d["fromDomain"] ?? "") + " → " + labels.domain(domain)) }
        if let p = d["toPriority"] { parts.append(labels.priority(d["fromPriority"] ?? "") + " → " + labels.priority(p)) }
        if let wait = d["waitOn"] { parts.append(labels.t["wait_on_" + wait] ?? wait) }
        if let reason = d["reason"] { parts.append(reason) }
        if let resolution = d["resolution"] { parts.append(resolution) }
        if let minutes = d["pausedMinutes"] { parts.append(labels.t[text: "ticket_paused"] + " " + minutes + " " + labels.t[text: "worklog_minutes"]) }
        if let note = d["note"] { parts.append(note) }
        if let excerpt = d["excerpt"] { parts.append(excerpt) }
        if let score = d["score"] { parts.append(String(repeating: "★", count: Int(score) ?? 0) + (d["comment"].map { " " + $0 } ?? "")) }
        if let file = d["fileName"] { parts.append(file) }
        if let target = d["target"] { parts.append((labels.t["link_type_" + (d["type"] ?? "")] ?? "") + "：" + target) }
        if let minutes = d["minutes"] { parts.append(minutes + " " + labels.t[text: "worklog_minutes"]) }
        if e.type == "sla_warning" || e.type == "sla_breach", let clock = d["clock"] {
            let minutes = Int(d["targetMinutes"] ?? "") ?? 0
            parts = [labels.clock(clock) + " " + labels.duration(Double(minutes) * 60)]
            if let raw = d["dueAt"], let due = ISO8601DateFormatter().date(from: raw) { parts.append(labels.t[text: "sla_due_at"] + " " + DisplayTime.short(due, req)) }
        }
        if e.type == "escalation" {
            let level: String
            if let clock = d["clock"], let percent = d["percent"] {
                level = labels.t[text: "escalation_level"].replacingOccurrences(of: "{n}", with: d["level"] ?? "")
                    .replacingOccurrences(of: "{clock}", with: labels.clock(clock)).replacingOccurrences(of: "{percent}", with: percent)
            } else {
                level = labels.t["escalation_level_" + (d["level"] ?? "")] ?? ""
            }
            parts = [level, labels.t[text: "escalation_to"].replacingOccurrences(of: "{to}", with: d["to"] ?? "—")]
        }
        if e.type == "dispatch" {
            var why = switch d["rule"] {
            case "system_vendor": labels.t[text: "dispatch_by_system"].replacingOccurrences(of: "{system}", with: d["system"] ?? "")
            case "dispatch_rule": labels.t[text: "dispatch_by_rule"].replacingOccurrences(of: "{rule}", with: d["ruleName"] ?? "")
            default: labels.t[text: "dispatch_by_category"].replacingOccurrences(of: "{category}", with: d["category"] ?? "")
            }
            why = why.replacingOccurrences(of: "{team}", with: d["teamName"] ?? "")
            parts = [why]
            if let name = d["assigneeName"] {
                parts.append(labels.t[text: "dispatch_least_loaded"].replacingOccurrences(of: "{n}", with: d["onDuty"] ?? "")
                    .replacingOccurrences(of: "{name}", with: name).replacingOccurrences(of: "{open}", with: d["openTickets"] ?? ""))
            } else if d["nobodyOnDuty"] != nil {
                parts.append(labels.t[text: "dispatch_nobody"])
            }
        }
        if let policy = d["policy"] {
            var items = [labels.t[text: "sla_policy"] + "：" + policy]
            let iso = ISO8601DateFormatter()
            for kind in ["response", "start", "resolve"] {
                if let raw = d[kind + "DueAt"], let due = iso.date(from: raw) { items.append(labels.clock(kind) + " " + DisplayTime.short(due, req)) }
            }
            parts.append(items.joined(separator: "，"))
        }
        if e.type == "created" {
            // Imported and generated histories may not say through which channel a ticket came.
            parts.append(labels.priority(d["priority"] ?? "") + (d["channel"].map { " · " + labels.channel($0) } ?? ""))
            if let reason = d["priorityReason"] { parts.append(reason) }
        }
        detail = parts.joined(separator: "  ·  ")
    }
}

struct CommentView: Encodable {
    var author: String
    var initials: String
    var body: String
    var at: String
    var isInternal: Bool
}

struct AttachmentView: Encodable {
    var id: String
    var name: String
    var size: String
    var isImage: Bool
    var isInternal: Bool
}

/// A size as people read it: 512 B, 37 KB, 4.2 MB, 68.8 GB (attachments, deliverables, `yiwei doctor`).
func humanSize(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1_048_576 { return String(format: "%.0f KB", Double(bytes) / 1024) }
    if bytes < 1_073_741_824 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
    return String(format: "%.1f GB", Double(bytes) / 1_073_741_824)
}

/// One action form on the ticket page: which fields it asks for.
struct ActionView: Encodable {
    var action: String
    var label: String
    var primary: Bool
    var needsReason: Bool
    var needsResolution: Bool
    var needsAssignee: Bool
    var needsTeam: Bool
    var needsDomain: Bool
    var needsPriority: Bool
    var needsNote: Bool
    /// `pend`: what the ticket waits on (SLA-3), which decides whether the clocks stop.
    var needsWaitOn: Bool
    var danger: Bool
}

/// The ticket page written in Swift rather than with a template: engineers open it dozens of times a day, and the
/// template engine cost more than its seven queries (each action form alone asked it about seven flags twice).
/// Written as `SafeHTML`: every value escaped; the `<option>` lists come from `HTML.options`.
enum TicketPageHTML {
    struct Options {
        var domains: SafeHTML
        var teams: SafeHTML
        var allTeams: SafeHTML
        var engineers: SafeHTML
        var priorities: SafeHTML
        var waitOn: SafeHTML
    }

    static func actions(_ actions: [ActionView], ticketId: String, csrf: String, t: [String: String], options o: Options) -> SafeHTML {
        func e(_ text: String) -> SafeHTML { .text(text) }
        func text(_ key: String) -> String { t[key] ?? key }
        guard !actions.isEmpty else { return "<p class=\"hint\">\(text("ticket_no_actions"))</p>\n" }
        var html = SafeHTML()
        for a in actions {
            let folded = a.needsDomain || a.needsTeam || a.needsAssignee || a.needsPriority || a.needsResolution || a.needsReason || a.needsNote
                || a.needsWaitOn
            let style = "button" + (a.primary ? " primary" : "") + (a.danger ? " danger" : "") + " wide"
            if folded {
                html += "<details class=\"action-more\"\((a.primary || a.action == "assign" ? " open" : ""))>\n"
                html += "<summary class=\"\(style)\">\(e(a.label))</summary>\n"
            }
            html += "<form method=\"post\" action=\"/tickets/\(e(ticketId))/act\" class=\"action-form\">\n"
            html += "  <input type=\"hidden\" name=\"_csrf\" value=\"\(e(csrf))\">\n"
            html += "  <input type=\"hidden\" name=\"action\" value=\"\(e(a.action))\">\n"
            if a.needsDomain { html += "  <select name=\"domain\" aria-label=\"\(text("ticket_domain_new"))\">\(o.domains)</select>\n" }
            if a.needsTeam {
                html += "\("  <select name=\"teamId\" aria-label=\"\(text("ticket_team_select"))\"><option value=\"\">\(text("ticket_team_select"))</option>")\((a.needsDomain ? o.allTeams : o.teams))</select>\n"
            }
            if a.needsAssignee {
                html += "  <select name=\"assigneeId\" aria-label=\"\(text("ticket_engineer"))\"><option value=\"\">\(text("ticket_engineer"))</option>\(o.engineers)</select>\n"
            }
            if a.needsPriority { html += "  <select name=\"priority\" aria-label=\"\(text("ticket_priority_new"))\">\(o.priorities)</select>\n" }
            if a.needsWaitOn { html += "  <select name=\"waitOn\" aria-label=\"\(text("ticket_wait_on"))\">\(o.waitOn)</select>\n" }
            if a.needsResolution {
                html += "  <textarea name=\"resolution\" rows=\"3\" maxlength=\"5000\" required placeholder=\"\(text("ticket_resolution_placeholder"))\" aria-label=\"\(text("ticket_resolution"))\"></textarea>\n"
            }
            if a.needsReason { html += "  <input name=\"reason\" maxlength=\"500\" required placeholder=\"\(text("ticket_reason"))\" aria-label=\"\(text("ticket_reason"))\">\n" }
            if a.needsNote { html += "  <input name=\"note\" maxlength=\"1000\" required placeholder=\"\(text("ticket_note"))\" aria-label=\"\(text("ticket_note"))\">\n" }
            html += "  <button type=\"submit\" class=\"\(style)\">\(e(a.label))</button>\n</form>\n"
            if folded { html += "</details>\n" }
        }
        return html
    }

    static func timeline(_ events: [TimelineView], t: [String: String]) -> SafeHTML {
        func e(_ text: String) -> SafeHTML { .text(text) }
        var html = SafeHTML()
        for event in events {
            html += "<li class=\"event-\(e(event.type))\((event.isInternal ? " internal" : ""))\"><p class=\"event-head\"><strong>\(e(event.label))</strong>"
            if event.isInternal { html += " <span class=\"badge badge-warn\">\(e(t["comment_internal_badge"] ?? ""))</span>" }
            html += " <span class=\"muted\">\(e(event.at))</span></p><p class=\"event-actor\">\(e(event.actor))</p>"
            if !event.detail.isEmpty { html += "<p class=\"event-detail\">\(e(event.detail))</p>" }
            html += "</li>\n"
        }
        return html
    }
}

struct StepView: Encodable {
    var label: String
    var done: Bool
    var current: Bool
}

extension TicketPageHTML {
    /// The whole ticket page, in the shared layout, around its action forms and timeline.
    static func page(_ c: TicketPages.PageContext) -> SafeHTML {
        c.page.document(content: content(c))
    }

    static func content(_ c: TicketPages.PageContext) -> SafeHTML {
        let t = c.page.t, ticket = c.ticket
        func e(_ text: String) -> SafeHTML { .text(text) }
        func s(_ key: String) -> String { t[key] ?? key }
        let id = ticket.id.uuidString
        let csrfField: SafeHTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(c.page.csrf)\">"
        let internalBadge: SafeHTML = " <span class=\"badge badge-warn\">\(s("comment_internal_badge"))</span>"
        var h = SafeHTML()
        h += "<div class=\"ticket-head\" data-ticket=\"\(id)\" data-version=\"\(c.version)\">\n"
        h += "  <p class=\"ticket-meta\"><span class=\"mono\">\(ticket.number)</span> <span class=\"badge badge-\(ticket.domain)\">\(c.domainLabel)</span> <span class=\"badge\">\(c.kindLabel)</span></p>\n"
        h += "  <h1 class=\"page-title\">\(ticket.title)</h1>\n"
        h += "  <p class=\"ticket-state\"><span class=\"badge status-\(ticket.status)\">\(c.statusLabel)</span> <span class=\"badge prio-\(ticket.priority)\">\(c.priorityLabel)</span>"
        if let paused = c.pausedText { h += " <span class=\"badge\">\(s("ticket_paused")) \(paused)</span>" }
        h += "</p>\n</div>\n"
        h += "<div class=\"flash flash-info stale\" hidden data-stale>\(s("ticket_updated_elsewhere")) <a href=\"/tickets/\(id)\">\(s("ticket_reload"))</a></div>\n"
        if let error = c.error { h += "<div class=\"flash flash-error\" role=\"alert\">\(error)</div>\n" }
        if let plan = c.planState {
            h += "<div class=\"flash \((ticket.plan?.blocking == true ? "flash-error" : "flash-success")) plan-card\" role=\"status\"><strong>\(s("plan_title"))</strong>：\(plan)"
            if let text = ticket.plan?.text { h += "<p class=\"prewrap\">\(text)</p>" }
            h += "</div>\n"
        }
        h += "<div class=\"ticket-layout\">\n<div class=\"ticket-main\">\n"

        // Description, resolution, rating and the facts.
        h += "  <section class=\"card description-card\">\n    <h2>\(s("ticket_description"))</h2>\n"
        h += "    <p class=\"prewrap\">\(ticket.description)</p>\n"
        if let reason = ticket.pendingReason { h += "    <p class=\"notice\"><strong>\(s("ticket_pending_reason"))：</strong>\(reason)</p>\n" }
        if let resolution = ticket.resolution {
            h += "    <div class=\"resolution\"><h3>\(s("ticket_resolution"))</h3><p class=\"prewrap\">\(resolution)</p></div>\n"
        }
        if let rating = ticket.rating {
            h += "    <p class=\"notice\"><strong>\(s("ticket_rating"))：</strong><span class=\"stars\">\(rating.score) ★</span> \(rating.comment ?? "")</p>\n"
        }
        h += "    <dl class=\"facts two-col\">"
        for fact in c.facts {
            h += "<dt>\(fact.label)</dt><dd>"
            h += fact.href.map { href -> SafeHTML in "<a href=\"\(href)\">\(fact.value)</a>" } ?? e(fact.value)
            h += "</dd>"
        }
        h += "</dl>\n  </section>\n\n"

        // Comments.
        h += "  <section class=\"card\">\n    <h2>\(s("ticket_comments"))</h2>\n"
        for comment in c.comments {
            h += "    <div class=\"comment\((comment.isInternal ? " internal" : ""))\">\n"
            h += "      <span class=\"avatar small\" aria-hidden=\"true\">\(comment.initials)</span>\n"
            h += "      <div><p class=\"comment-meta\"><strong>\(comment.author)</strong> · \(comment.at)\((comment.isInternal ? internalBadge : ""))</p><p class=\"prewrap\">\(comment.body)</p></div>\n    </div>\n"
        }
        h += "    <form method=\"post\" action=\"/tickets/\(id)/comment\" class=\"form comment-form\">\n      \(csrfField)\n"
        h += "      <textarea name=\"body\" rows=\"3\" maxlength=\"5000\" required placeholder=\"\(s("comment_placeholder"))\" aria-label=\"\(s("comment_placeholder"))\"></textarea>\n      <div class=\"form-actions\">\n"
        if c.isStaff {
            h += "        <label class=\"check\"><input type=\"checkbox\" name=\"internal\" value=\"true\"> <span>\(s("comment_internal"))</span></label>\n"
        }
        h += "        <button type=\"submit\" class=\"button primary\">\(s("comment_submit"))</button>\n      </div>\n    </form>\n  </section>\n\n"

        // Attachments.
        h += "  <section class=\"card\">\n    <h2>\(s("ticket_attachments"))</h2>\n"
        if !c.attachments.isEmpty {
            h += "    <ul class=\"attachments\">"
            for a in c.attachments {
                let href = "/attachments/\(a.id)"
                h += "<li>"
                if a.isImage {
                    h += "<a href=\"\(href)\" target=\"_blank\" rel=\"noopener\"><img src=\"\(href)\" alt=\"\(a.name)\" loading=\"lazy\"></a>"
                }
                h += "<a href=\"\(href)\">\(a.name)</a> <span class=\"muted\">\(a.size)</span>\((a.isInternal ? internalBadge : ""))</li>"
            }
            h += "</ul>\n"
        }
        h += "    <form method=\"post\" action=\"/tickets/\(id)/attachments\" enctype=\"multipart/form-data\" class=\"inline-form\">\n      \(csrfField)\n"
        h += "      <input type=\"file\" name=\"file\" required aria-label=\"\(s("attachment_upload"))\">\n"
        if c.isStaff {
            h += "      <label class=\"check\"><input type=\"checkbox\" name=\"internal\" value=\"true\"> <span>\(s("attachment_internal"))</span></label>\n"
        }
        h += "      <button type=\"submit\" class=\"button\">\(s("attachment_upload"))</button>\n    </form>\n"
        h += "    <p class=\"field-help\">\(s("attachment_hint"))</p>\n  </section>\n\n"

        if c.isStaff {
            // Links.
            h += "  <section class=\"card\">\n    <h2>\(s("ticket_links"))</h2>\n"
            if !c.links.isEmpty {
                h += "    <ul class=\"links\">"
                for l in c.links {
                    h += "<li><span class=\"muted\">\(l.label)</span> <a href=\"\(l.href)\" class=\"mono\">\(l.number)</a> \(l.title) <span class=\"badge\">\(l.status)</span>\n"
                    h += "      <form method=\"post\" action=\"/tickets/\(id)/links/\(l.id)/delete\" class=\"inline\">\(csrfField)<button type=\"submit\" class=\"link-button danger\">✕</button></form></li>"
                }
                h += "</ul>\n"
            }
            h += "    <form method=\"post\" action=\"/tickets/\(id)/links\" class=\"inline-form\">\n      \(csrfField)\n"
            h += "      <select name=\"type\" aria-label=\"type\">\(HTML.options(c.linkTypes.map { .init(value: $0.value, label: $0.label, selected: false) }))</select>\n"
            h += "      <input name=\"target\" placeholder=\"\(s("link_target"))\" maxlength=\"64\" required aria-label=\"\(s("link_target"))\">\n"
            h += "      <button type=\"submit\" class=\"button\">\(s("link_add"))</button>\n    </form>\n  </section>\n\n"

            // Work log.
            h += "  <section class=\"card\">\n    <h2>\(s("ticket_worklogs"))</h2>\n"
            if !c.worklogs.isEmpty {
                h += "    <ul class=\"worklogs\">"
                for w in c.worklogs {
                    h += "<li><strong>\(w.user)</strong> \(w.minutes) \(s("worklog_minutes")) · \(w.note) <span class=\"muted\">\(w.at)</span></li>"
                }
                h += "</ul>\n"
            }
            h += "    <form method=\"post\" action=\"/tickets/\(id)/worklogs\" class=\"inline-form\">\n      \(csrfField)\n"
            h += "      <input name=\"minutes\" type=\"number\" min=\"1\" max=\"1440\" required placeholder=\"\(s("worklog_minutes"))\" aria-label=\"\(s("worklog_minutes"))\" class=\"short\">\n"
            h += "      <input name=\"note\" maxlength=\"500\" required placeholder=\"\(s("worklog_note"))\" aria-label=\"\(s("worklog_note"))\">\n"
            h += "      <button type=\"submit\" class=\"button\">\(s("worklog_add"))</button>\n    </form>\n  </section>\n"
        }
        if let outages = c.outages { h += outagePanel(outages, ticketId: id, csrfField: csrfField, s: s) }
        h += "</div>\n\n<aside class=\"ticket-side\">\n"

        // SLA clocks, actions, timeline.
        if !c.slaClocks.isEmpty {
            h += "  <section class=\"card sla-card\">\n    <h2>\(s("sla_title"))</h2>\n    <ul class=\"sla-clocks\">"
            for clock in c.slaClocks {
                h += "<li class=\"sla-\(clock.state)\"><span class=\"sla-label\">\(clock.label)</span><span class=\"sla-target\">\(clock.target)</span><span class=\"sla-due\">\(clock.due)</span><span class=\"sla-state\">\(clock.stateLabel)</span></li>"
            }
            h += "</ul>\n"
            if let explanation = c.slaExplanation { h += "    <p class=\"field-help\">\(explanation)</p>\n" }
            h += "  </section>\n"
        }
        h += "  <section class=\"card actions\">\n    <h2>\(s("ticket_actions"))</h2>\n"
        if c.canGrab {
            h += "    <form method=\"post\" action=\"/tickets/\(id)/act\" class=\"action-form\">\n      \(csrfField)<input type=\"hidden\" name=\"action\" value=\"assign\"><input type=\"hidden\" name=\"assigneeId\" value=\"me\">\n"
            h += "      <button type=\"submit\" class=\"button wide\">\(s("ticket_action_grab"))</button>\n    </form>\n"
        }
        if c.canToKB {
            h += "    <form method=\"post\" action=\"/tickets/\(id)/to-kb\" class=\"action-form\">\n      \(csrfField)\n"
            h += "      <button type=\"submit\" class=\"button wide\">\(s("kb_to_article"))</button>\n      <p class=\"field-help\">\(s("help_kb_to_article"))</p>\n    </form>\n"
        }
        h += c.actionsHTML
        h += "  </section>\n  <section class=\"card timeline-card\">\n    <h2>\(s("ticket_timeline"))</h2>\n    <ol class=\"timeline\">\n"
        h += c.timelineHTML
        h += "    </ol>\n  </section>\n</aside>\n</div>\n"
        return h
    }

    /// The 「停机记录」 panel of an incident: its downtime records and a quick form to record one.
    private static func outagePanel(_ o: OutagePanel, ticketId id: String, csrfField: SafeHTML, s: (String) -> String) -> SafeHTML {
        var h: SafeHTML = "  <section class=\"card outage-panel\">\n    <h2>\(s("outage_panel_title"))</h2>\n"
        if o.rows.isEmpty {
            h += "    <p class=\"muted\">\(s("outage_panel_empty"))</p>\n"
        } else {
            h += "    <ul class=\"outage-list\">"
            for r in o.rows {
                h += "<li><a href=\"\(r.href)\">\(r.system)</a> <span class=\"badge\">\(r.kind)</span> \(r.started) – \(r.ended) · <strong>\(r.minutes)</strong></li>"
            }
            h += "</ul>\n"
        }
        if o.canWrite {
            h += "    <details class=\"outage-record\"><summary class=\"button small\">\(s("outage_record"))</summary>\n"
            h += "    <form method=\"post\" action=\"\(o.action)\" class=\"inline-form outage-quick\">\n      \(csrfField)\n"
            h += "      <input type=\"hidden\" name=\"ticketId\" value=\"\(id)\">\n      <input type=\"hidden\" name=\"back\" value=\"\(o.back)\">\n"
            h += "      <label>\(s("outage_system")) <select name=\"businessSystemId\">\(HTML.options(o.systems))</select></label>\n"
            h += "      <label>\(s("outage_kind")) <select name=\"kind\">\(HTML.options(o.kinds))</select></label>\n"
            h += "      <label>\(s("outage_started")) <input type=\"datetime-local\" name=\"startedAt\" value=\"\(o.startedAt)\" required></label>\n"
            h += "      <label>\(s("outage_ended")) <input type=\"datetime-local\" name=\"endedAt\"></label>\n"
            h += "      <label class=\"wide\">\(s("outage_description")) <input name=\"description\" maxlength=\"2000\" required placeholder=\"\(s("outage_description_placeholder"))\"></label>\n"
            h += "      <button type=\"submit\" class=\"button primary\">\(s("outage_record"))</button>\n"
            h += "      <a href=\"\(o.newHref)\" class=\"link-button\">\(s("outage_more_fields"))</a>\n    </form>\n    </details>\n"
        }
        return h + "  </section>\n"
    }
}
