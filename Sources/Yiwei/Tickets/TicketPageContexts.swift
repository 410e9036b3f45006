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

struct StepView: Encodable {
    var label: String
    var done: Bool
    var current: Bool
}
