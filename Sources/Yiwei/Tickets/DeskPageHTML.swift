import Vapor
import YiweiCore
import YiweiText

/// The queue page (工作台) written in Swift: agents keep it open all day and reload it after every action, and
/// the template engine cost more than the query behind it. Written as `SafeHTML` (every value escaped) into an `HTMLBuffer`.
enum DeskPageHTML {
    struct Tab { var label: String; var href: String; var active: Bool }
    struct Saved { var id: String; var name: String; var href: String }

    struct Content {
        var tabs: [Tab]
        var saved: [Saved]
        var filters: [ListPageContext.Filter]
        /// The table's rows, written by `rowsWriter`.
        var rows: [TicketRowDTO]
        var rowsWriter: DeskRowsWriter
        var pager: ListPageContext.Pager
        /// The current filters as a query string, for "save this filter".
        var query: String
        var activeQueue: String
        /// The bulk bar's engineer `<option>`s (`HTML.options`).
        var engineers: SafeHTML
        var message: String?
    }

    /// The whole page, in the bytes of its response.
    static func page(_ c: Content, base: PageBase) -> HTMLBuffer {
        var h = HTMLBuffer(capacity: 16_000 + c.rows.count * 1_200)
        h.html(base.layoutTop())
        content(c, t: base.t, csrf: base.csrf, into: &h)
        h.html(base.layoutBottom())
        return h
    }

    static func content(_ c: Content, t: [String: String], csrf: String, into out: inout HTMLBuffer) {
        func e(_ text: String) -> SafeHTML { .text(text) }
        func s(_ key: String) -> SafeHTML { e(t[key] ?? key) }
        let csrfField: SafeHTML = "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf)\">"
        // The parts around the rows are short: written as markup, then into the buffer.
        var h = SafeHTML()
        h += "<div class=\"page-head\">\n  <h1 class=\"page-title\">" + s("desk_title") + "</h1>\n"
        h += "  <a class=\"button primary\" href=\"/desk/new\" data-key=\"n\">＋ " + s("nav_desk_new") + "</a>\n</div>\n"
        if let message = c.message { h += "<div class=\"flash flash-info\" role=\"status\">" + e(message) + "</div>\n" }
        h += "<nav class=\"tabs\" aria-label=\"" + s("desk_title") + "\">\n  "
        for tab in c.tabs {
            let active: SafeHTML = tab.active ? " class=\"active\" aria-current=\"page\"" : ""
            h += "<a href=\"\(tab.href)\"\(active)>\(tab.label)</a>"
        }
        h += "\n</nav>\n"
        if !c.saved.isEmpty {
            h += "<div class=\"saved-filters\"><span>" + s("desk_saved_filters") + "：</span>\n  "
            for f in c.saved {
                h += "<span class=\"chip\"><a href=\"" + e(f.href) + "\">" + e(f.name) + "</a><form method=\"post\" action=\"/desk/filters/" + e(f.id)
                    + "/delete\">" + csrfField + "<button type=\"submit\" class=\"chip-x\" aria-label=\"✕\">✕</button></form></span>"
            }
            h += "\n</div>\n"
        }
        h += "<form method=\"get\" action=\"/desk\" class=\"filters\" role=\"search\">\n"
        h += "  <input type=\"hidden\" name=\"queue\" value=\"" + e(c.activeQueue) + "\">\n"
        for f in c.filters {
            let wide: SafeHTML = f.name == "q" ? " wide" : ""
            h += "  <label class=\"filter\(wide)\">\n    <span>\(f.label)</span>\n    "
            if f.isSelect {
                h += "<select name=\"" + e(f.name) + "\">" + HTML.options(f.options) + "</select>"
            } else {
                h += "<input type=\"search\" name=\"" + e(f.name) + "\" value=\"" + e(f.value) + "\" maxlength=\"100\" data-search>"
            }
            h += "\n  </label>\n"
        }
        h += "  <button type=\"submit\" class=\"button\">" + s("action_search") + "</button>\n</form>\n"
        h += "<form method=\"post\" action=\"/desk/bulk\" id=\"bulk-form\">\n" + csrfField + "\n"
        if c.rows.isEmpty {
            h += "<div class=\"empty\">" + s("desk_empty") + "</div>\n"
        } else {
            h += "<div class=\"table-wrap\">\n<table class=\"table tickets\">\n"
            h += "  <thead><tr><th class=\"check-col\"><input type=\"checkbox\" data-select-all aria-label=\"" + s("desk_select_all") + "\"></th>"
            for key in ["col_number", "col_title", "col_priority", "col_status", "col_department", "col_system", "col_assignee", "col_due", "col_created"] {
                h += "<th>" + s(key) + "</th>"
            }
            h += "</tr></thead>\n  <tbody>\n  "
            out.html(h); h = SafeHTML()
            var rows = c.rowsWriter
            rows.write(c.rows, into: &out)
            h += "\n  </tbody>\n</table>\n</div>\n"
            h += "<div class=\"bulk-bar\" data-bulk>\n  <span>" + s("desk_bulk") + "：</span>\n"
            h += "  <select name=\"assigneeId\" aria-label=\"" + s("desk_select_engineer") + "\"><option value=\"\">" + s("desk_select_engineer") + "</option>"
                + c.engineers + "</select>\n"
            h += "  <button type=\"submit\" name=\"action\" value=\"assign\" class=\"button\">" + s("desk_bulk_assign") + "</button>\n"
            h += "  <button type=\"submit\" name=\"action\" value=\"close\" class=\"button\">" + s("desk_bulk_close") + "</button>\n</div>\n"
        }
        h += "</form>\n<nav class=\"pager\" aria-label=\"pagination\">\n  "
        if let previous = c.pager.previousHref { h += "<a class=\"button\" href=\"" + e(previous) + "\">‹ " + s("pager_prev") + "</a>" }
        h += "\n  <span>" + e(c.pager.summary) + "</span>\n  "
        if let next = c.pager.nextHref { h += "<a class=\"button\" href=\"" + e(next) + "\">" + s("pager_next") + " ›</a>" }
        h += "\n</nav>\n<form method=\"post\" action=\"/desk/filters\" class=\"filters save-filter\">\n  " + csrfField + "\n"
        h += "  <input type=\"hidden\" name=\"query\" value=\"" + e(c.query) + "\">\n"
        h += "  <label class=\"filter\"><span>" + s("desk_filter_name") + "</span><input name=\"name\" maxlength=\"30\" required></label>\n"
        h += "  <button type=\"submit\" class=\"button\">" + s("desk_save_filter") + "</button>\n</form>\n"
        h += "<p class=\"hint keyboard-hint\">" + s("desk_keyboard_hint") + "</p>\n"
        out.html(h)
    }
}
