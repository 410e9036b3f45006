import Foundation
import NIOCore
import Vapor
import YiweiCore
import YiweiText

// The dashboard asks `viewDashboard` (docs/permissions.md). Its figures are hospital-wide counts (no ticket
// titles, reporters or departments), so they are shown whole to everyone allowed; the queues the numbers
// link to still show each user only the tickets `TicketScope` lets them see.

/// 运维看板: `/dashboard` in the app shell, `/dashboard/wall` for the wall screen, and
/// `/dashboard/events` — the Server-Sent Events stream both pages listen to.
struct DashboardPages: RouteCollection {
    let hub: DashboardHub

    init(app: Application) {
        hub = app.installDashboardHub()
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("dashboard", use: page)
        routes.get("dashboard", "wall", use: wall)
        routes.get("dashboard", "events", use: events)
    }

    struct PageContext: Encodable {
        var page: PageBase
        var panels: DashboardPanels
        var eventsURL: String
    }

    func page(req: Request) async throws -> View {
        try req.require(.viewDashboard)
        let base = try await PageBase.make(for: req, titleKey: "dashboard_title")
        let figures = try await DashboardService.compute(now: req.now, timeZone: req.yiwei.config.timeZone, on: req.db)
        return try await req.view.render("dashboard/index", PageContext(
            page: base, panels: DashboardPanels(figures, t: base.t, wall: false, zone: req.yiwei.config.timeZone),
            eventsURL: "/dashboard/events?view=page"))
    }

    func wall(req: Request) async throws -> View {
        try req.require(.viewDashboard)
        let base = try await PageBase.make(for: req, titleKey: "dashboard_wall_title")
        let figures = try await DashboardService.compute(now: req.now, timeZone: req.yiwei.config.timeZone, on: req.db)
        return try await req.view.render("dashboard/wall", PageContext(
            page: base, panels: DashboardPanels(figures, t: base.t, wall: true, zone: req.yiwei.config.timeZone),
            eventsURL: "/dashboard/events?view=wall"))
    }

    /// `text/event-stream`: a `dashboard` event with the freshly rendered panels (JSON `{"html": …}`) when the
    /// stream opens and within about a second of every change, and a comment every 15 s in between.
    func events(req: Request) async throws -> Response {
        let user = try req.require(.viewDashboard)
        let wall = req.queryParameter("view") == "wall"
        guard let (id, signals) = await hub.subscribe(userId: user.id) else {
            throw AppError(.serviceUnavailable, .tooManyStreams, "too many live dashboards are open; the page reloads instead")
        }
        let hub = self.hub, strings = req.yiwei.i18n.strings(req.locale.code), zone = req.yiwei.config.timeZone
        let app = req.application, logger = req.logger
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: "text/event-stream; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // Tells nginx not to buffer the stream.
        response.headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        response.body = .init(managedAsyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: "retry: 3000\n\n")))
                var sent = -1, quiet = 0
                for await _ in signals {
                    let version = await hub.version
                    if version != sent {
                        let figures = try await hub.figures {
                            try await DashboardService.compute(now: app.yiwei.clock.now(), timeZone: zone, on: app.db)
                        }
                        let panels = DashboardPanels(figures, t: strings, wall: wall, zone: zone)
                        let html = try await req.view.render(wall ? "dashboard/wall-panels" : "dashboard/panels", ["panels": panels]).get()
                        let payload = EventPayload(html: String(buffer: html.data), updatedAt: panels.updatedAt, open: figures.open)
                        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
                        try await writer.write(.buffer(ByteBuffer(string: ServerSentEvent.event("dashboard", data: json))))
                        sent = version
                        quiet = 0
                    } else {
                        quiet += 1
                        if quiet >= 15 {
                            try await writer.write(.buffer(ByteBuffer(string: ServerSentEvent.keepAlive)))
                            quiet = 0
                        }
                    }
                }
            } catch {
                logger.debug("dashboard stream ended: \(error)")
                await hub.unsubscribe(id)
                throw error
            }
            await hub.unsubscribe(id)
        })
        return response
    }

    struct EventPayload: Encodable {
        var html: String
        var updatedAt: String
        var open: Int
    }
}

/// What the panels of both pages show, with every label in the user's language and the charts drawn.
struct DashboardPanels: Encodable {
    struct Tile: Encodable {
        var key: String
        var label: String
        var value: String
        var href: String?
        /// "", "warn" or "danger": the colour of a figure that needs attention (only when it is not zero).
        var tone: String
        var note: String
    }
    struct Engineer: Encodable {
        var name: String
        var open: String
        var href: String
    }
    struct Duty: Encodable {
        var team: String
        var domain: String
        var domainKey: String
        var engineers: [Engineer]
    }

    var t: [String: String]
    var wall: Bool
    var tiles: [Tile]
    var statusChart: SafeHTML
    var domainChart: SafeHTML
    var priorityChart: SafeHTML
    var trendChart: SafeHTML
    var systemsChart: SafeHTML
    var duty: [Duty]
    var updatedAt: String
    var today: String
    /// The hospital's time zone, for the wall screen's clock.
    var timeZone: String

    init(_ f: DashboardFigures, t: [String: String], wall: Bool, zone: TimeZone) {
        let labels = TicketLabels(t: t)
        func text(_ key: String) -> String { t[key] ?? key }
        self.t = t
        self.wall = wall
        let time = DateFormatter()
        time.locale = Locale(identifier: "en_US_POSIX")
        time.timeZone = zone
        time.dateFormat = "HH:mm:ss"
        updatedAt = time.string(from: f.generatedAt)
        today = f.today.date
        timeZone = zone.identifier
        let todayQuery = "/desk?queue=&createdFrom=\(f.today.date)&createdTo=\(f.today.date)"
        tiles = [
            Tile(key: "open", label: text("dashboard_open"), value: SVGChart.integer(Double(f.open)), href: "/desk?queue=open", tone: "",
                 note: text("dashboard_open_note")),
            Tile(key: "at_risk", label: text("dashboard_at_risk"), value: SVGChart.integer(Double(f.atRisk)), href: nil,
                 tone: f.atRisk > 0 ? "warn" : "", note: text("dashboard_at_risk_note")),
            Tile(key: "breached", label: text("dashboard_breached"), value: SVGChart.integer(Double(f.breached)), href: nil,
                 tone: f.breached > 0 ? "danger" : "", note: text("dashboard_breached_note")),
            Tile(key: "created_today", label: text("dashboard_created_today"), value: SVGChart.integer(Double(f.today.created)),
                 href: todayQuery, tone: "", note: text("dashboard_created_today_note")),
            Tile(key: "resolved_today", label: text("dashboard_resolved_today"), value: SVGChart.integer(Double(f.today.resolved)),
                 href: nil, tone: "", note: text("dashboard_resolved_today_note")),
        ]
        // Sizes in the drawing's units; the wall's are drawn for 1920×1080 with type readable across a room.
        let font: Double = wall ? 20 : 13
        let empty = text("dashboard_no_data")
        let small = (w: wall ? 600.0 : 360.0, h: wall ? 250.0 : 210.0)
        let prefix = wall ? "wall-" : "page-"
        statusChart = SVGChart.bars(
            categories: f.byStatus.map { labels.status($0.key) },
            series: [.init(name: text("dashboard_open"), values: f.byStatus.map { Double($0.count) },
                           hrefs: f.byStatus.map { "/desk?queue=open&status=\($0.key)" })],
            options: .init(id: prefix + "status", title: text("dashboard_by_status"), width: small.w, height: small.h,
                           emptyText: empty, fontSize: font))
        domainChart = SVGChart.bars(
            categories: f.byDomain.map { labels.domain($0.key) },
            series: [.init(name: text("dashboard_open"), values: f.byDomain.map { Double($0.count) },
                           hrefs: f.byDomain.map { "/desk?queue=open&domain=\($0.key)" }, colour: 5)],
            options: .init(id: prefix + "domain", title: text("dashboard_by_domain"), width: small.w, height: small.h,
                           emptyText: empty, fontSize: font))
        // P1 red, P2 amber, P3 blue, P4 teal.
        let priorityColours = ["P1": 3, "P2": 2, "P3": 0, "P4": 5]
        priorityChart = SVGChart.horizontalBars(
            f.byPriority.map { .init(label: labels.priority($0.key), value: Double($0.count), href: "/desk?queue=open&priority=\($0.key)",
                                     colour: priorityColours[$0.key]) },
            options: .init(id: prefix + "priority", title: text("dashboard_by_priority"), width: small.w, height: small.h,
                           emptyText: empty, fontSize: font))
        let days = f.trend.map { String($0.date.suffix(5)) }
        trendChart = SVGChart.lines(
            categories: days,
            series: [.init(name: text("dashboard_trend_created"), values: f.trend.map { Double($0.created) },
                           hrefs: f.trend.map { "/desk?queue=&createdFrom=\($0.date)&createdTo=\($0.date)" }, colour: 0),
                     .init(name: text("dashboard_trend_resolved"), values: f.trend.map { Double($0.resolved) }, colour: 1)],
            options: .init(id: prefix + "trend", title: text("dashboard_trend"), width: wall ? 1000 : 720, height: wall ? 320 : 250,
                           emptyText: empty, maxLabels: wall ? 10 : 10, fontSize: font))
        systemsChart = SVGChart.horizontalBars(
            f.topSystems.map { .init(label: $0.name, value: Double($0.incidents)) },
            options: .init(id: prefix + "systems", title: text("dashboard_top_systems"), width: wall ? 660 : 360,
                           height: wall ? 330 : max(90, Double(f.topSystems.count) * 26),
                           emptyText: text("dashboard_top_systems_empty"), fontSize: font))
        duty = f.onDuty.map { team in
            Duty(team: team.teamName, domain: labels.domain(team.domain), domainKey: team.domain,
                 engineers: team.engineers.map { Engineer(name: $0.name, open: SVGChart.integer(Double($0.openTickets)),
                                                          href: "/desk?queue=open&assigneeId=\($0.id.uuidString)") })
        }
    }
}
