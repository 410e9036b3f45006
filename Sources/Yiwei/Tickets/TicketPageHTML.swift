import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

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
