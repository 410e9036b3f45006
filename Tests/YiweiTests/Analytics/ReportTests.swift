import Foundation
import Testing
import VaporTesting
@testable import Yiwei

@Suite("Generated reports (ANA-3): monthly and weekly figures, CSV exports, permissions")
struct ReportTests {
    /// A small month at the hospital of `Hospital.make` (docs/reports.md's worked example):
    /// - t1 HIS printer fault, 18 Nov 19:06:40 (T), raised to P1; accepted T+5, resolved T+100, closed, rated 5.
    /// - t2 HIS printer fault at T, raised to P2; accepted T+40 (response missed); never resolved (resolution missed at T+480).
    /// - t3 a request on Friday 20 Nov 10:00, resolved 10:40, rated 3.
    /// - t4 a logistics fault at 10:00 on the 20th, pending since 10:30 and still pending.
    /// - t6 a consultation at 10:00 on the 20th, cancelled at 10:05; its title tries a spreadsheet formula.
    /// - t5 a fault in October (the previous month), never handled: its resolution target passed in October.
    /// - HIS down 31 Oct 23:30 – 1 Nov 00:40 (40 minutes in November) and 10 Nov 09:00–09:20; PACS department
    ///   impacts on 5 and 19 Nov (the second breaks §2.6's one a month).
    struct Month {
        let h: Hospital
        let t1: TicketDTO, t2: TicketDTO, t3: TicketDTO, t4: TicketDTO, t5: TicketDTO, t6: TicketDTO
        /// Tokens signed in on 2 December (a token lives 24 hours).
        let lead: String, dispatcher: String, auditor: String
    }

    /// A token issued at the clock's current time.
    func token(_ env: TestEnv, _ username: String) async throws -> String { try await env.login(username, "Test#Pass2026") }

    static let formulaTitle = "=1+2 \"引号\", 逗号"

    func month(_ env: TestEnv) async throws -> Month {
        let h = try await Hospital.make(env)
        let his = try await h.system("HIS"), pacs = try await h.system("PACS")
        func at(_ instant: TimeInterval) { env.clock.set(Date(timeIntervalSince1970: instant)) }
        let t0: TimeInterval = 1_795_000_000
        func ok(_ res: TestingHTTPResponse) { #expect(res.status == .ok, "\(res.body.string)") }
        // October: one fault.
        at(1_792_029_600) // 2026-10-15 10:00 Shanghai
        let t5 = try await h.report(try await token(env, "hushi"), extra: ["businessSystemId": his.uuidString])
        // 18 November.
        at(t0)
        let t1 = try await h.report(title: "收费系统无法结算", extra: ["businessSystemId": his.uuidString])
        let t2 = try await h.report(title: "HIS 登录缓慢", extra: ["businessSystemId": his.uuidString])
        ok(try await h.act(t1, h.dispatcher.token, ["action": "reprioritize", "priority": "P1", "reason": "全院收费受影响"]))
        ok(try await h.act(t2, h.dispatcher.token, ["action": "reprioritize", "priority": "P2", "reason": "多个科室受影响"]))
        at(t0 + 5 * 60); ok(try await h.act(t1, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString]))
        at(t0 + 10 * 60); ok(try await h.act(t1, h.engineer.token, ["action": "start"]))
        at(t0 + 40 * 60); ok(try await h.act(t2, h.dispatcher.token, ["action": "assign", "assigneeId": h.engineer.id.uuidString]))
        at(t0 + 100 * 60)
        ok(try await h.act(t1, h.engineer.token, ["action": "resolve", "resolution": "重启结算服务"]))
        ok(try await h.act(t1, h.nurse.token, ["action": "close"]))
        _ = try await env.send(.POST, "/api/v1/tickets/\(t1.id)/rating", token: h.nurse.token, json: ["score": 5])
        at(t0 + 600 * 60); _ = try await SLAScheduler.tick(env.app, now: env.clock.now()) // t2: 480 minutes passed
        // Friday 20 November 10:00.
        let friday: TimeInterval = 1_795_140_000
        at(friday)
        let nurse = try await token(env, "hushi"), desk = try await token(env, "desk"), liming = try await token(env, "liming")
        let shuidian = try await token(env, "shuidian"), zuzhang = try await token(env, "zuzhang")
        let t3 = try await h.report(nurse, title: "申请开通打印权限", extra: ["kind": "request"])
        let t4 = try await h.report(nurse, title: "病房空调不制冷", domain: "logistics")
        let t6 = try await h.report(nurse, title: Self.formulaTitle, extra: ["kind": "consultation"])
        at(friday + 5 * 60); ok(try await h.act(t6, nurse, ["action": "cancel", "reason": "已自行解决"]))
        at(friday + 10 * 60)
        ok(try await h.act(t3, desk, ["action": "assign", "assigneeId": h.engineer.id.uuidString]))
        ok(try await h.act(t4, desk, ["action": "assign", "assigneeId": h.logisticsEngineer.id.uuidString]))
        ok(try await h.act(t3, liming, ["action": "start"]))
        ok(try await h.act(t4, shuidian, ["action": "start"]))
        at(friday + 30 * 60); ok(try await h.act(t4, shuidian, ["action": "pend", "reason": "等待压缩机配件"]))
        at(friday + 40 * 60)
        ok(try await h.act(t3, liming, ["action": "resolve", "resolution": "已开通"]))
        _ = try await env.send(.POST, "/api/v1/tickets/\(t3.id)/rating", token: nurse, json: ["score": 3])
        // Downtime.
        try await h.outage(his, "2026-10-31T23:30", "2026-11-01T00:40", token: zuzhang)
        try await h.outage(his, "2026-11-10T09:00", "2026-11-10T09:20", token: zuzhang)
        try await h.outage(pacs, "2026-11-05T08:00", "2026-11-05T08:30", kind: "department_impact", token: zuzhang)
        try await h.outage(pacs, "2026-11-19T10:00", "2026-11-19T10:45", kind: "department_impact", token: zuzhang)
        // The report is read on Wednesday 2 December, 12:00.
        at(1_796_184_000)
        return Month(h: h, t1: t1, t2: t2, t3: t3, t4: t4, t5: t5, t6: t6, lead: try await token(env, "zuzhang"),
                     dispatcher: try await token(env, "desk"), auditor: try await token(env, "shenji"))
    }

    @Test("the monthly report's figures, hand-computed (docs/reports.md)")
    func monthly() async throws {
        try await withYiwei { env in
            let m = try await month(env)
            // No month given: the last complete month, November.
            let res = try await env.send(.GET, "/api/v1/reports/monthly", token: m.lead)
            #expect(res.status == .ok, "\(res.body.string)")
            let r = try res.content.decode(OpsReport.self)
            #expect(r.kind == "monthly" && r.period == "2026-11" && r.previousPeriod == "2026-10" && r.complete)
            #expect(r.from == Date(timeIntervalSince1970: 1_793_462_400)) // 2026-11-01 00:00 Shanghai = 10-31 16:00Z
            // Volumes: t1, t2, t3, t4, t6 reported; t1 closed and t3 resolved; October had one.
            #expect(r.kpis.created == 5 && r.kpis.resolved == 2 && r.kpis.closed == 1 && r.kpis.closureRate == 0.2)
            #expect(r.previous.created == 1)
            #expect(r.daily.count == 30)
            #expect(r.daily[17] == .init(day: "2026-11-18", created: 2, resolved: 1))
            #expect(r.daily[19] == .init(day: "2026-11-20", created: 3, resolved: 1))
            #expect(r.daily.reduce(0) { $0 + $1.created } == 5 && r.daily.reduce(0) { $0 + $1.resolved } == 2)
            #expect(r.byDomainAndKind == [.init(domain: "it", kind: "consultation", created: 1), .init(domain: "it", kind: "incident", created: 2),
                                          .init(domain: "it", kind: "request", created: 1), .init(domain: "logistics", kind: "incident", created: 1)])
            #expect(r.byDomain.map(\.key) == ["it", "logistics"] && r.byDomain[0].kpis.created == 4)
            // SLA by priority: P1 accepted in 5 of 10 minutes and resolved in 100 of 240 (met, met); P2 accepted in 40 of
            // 30 (missed), resolution passed 480 minutes unresolved (missed).
            let p1 = try #require(r.slaByPriority.first { $0.key == "P1" }).kpis
            let p2 = try #require(r.slaByPriority.first { $0.key == "P2" }).kpis
            #expect(p1.created == 1 && p1.slaResponseRate == 1 && p1.slaResolveRate == 1 && p1.meanResponseMinutes == 5 && p1.meanResolveMinutes == 100)
            #expect(p2.created == 1 && p2.slaResponseRate == 0 && p2.slaResolveRate == 0 && p2.meanResponseMinutes == 40 && p2.meanResolveMinutes == nil)
            // Satisfaction: 5 and 3.
            #expect(r.satisfaction == .init(mean: 4, rated: 2, distribution: [0, 0, 1, 0, 1]))
            // Top faults: incidents only (t1, t2); t4 has no category or system.
            #expect(r.topCategories.map(\.name) == ["打印机故障"] && r.topCategories.map(\.count) == [2])
            #expect(r.topSystems.map(\.name) == ["HIS"] && r.topSystems.map(\.count) == [2])
            // Major incidents: t1 (P1, met) and t2 (P2, missed), in the order reported.
            #expect(r.majorIncidents.map(\.number) == [m.t1.number, m.t2.number])
            #expect(r.majorIncidents.map(\.resolution) == ["met", "missed"])
            #expect(r.majorIncidents[0].businessSystemName == "HIS" && r.majorIncidents[1].resolvedAt == nil)
            // Downtime in November: HIS 40 (the part after midnight of an outage counted in October) + 20 = 60 minutes,
            // one outage started; PACS two department impacts, the second one a breach of §2.6.
            #expect(r.downtime.map(\.name) == ["HIS", "PACS"])
            #expect(r.downtime[0].outageMinutes == 60 && r.downtime[0].outages == 1 && r.downtime[0].breaches == 0)
            #expect(r.downtime[1].departmentImpacts == 2 && r.downtime[1].breaches == 1)
            #expect(r.inspections.available == false)
            // Open risks at 1 December 00:00, earliest target first: t5 (October's, never handled) and t2 (due 19 Nov
            // 03:06:40, still open); t4 pending since 20 Nov 10:30 (its clocks paused, so it has no due time).
            #expect(r.risks.overdue.map(\.number) == [m.t5.number, m.t2.number] && r.risks.overdueTotal == 2)
            #expect(r.risks.overdue[1].resolveDueAt == Date(timeIntervalSince1970: 1_795_000_000 + 480 * 60))
            #expect(r.risks.longPending.map(\.number) == [m.t4.number] && r.risks.longPendingTotal == 1)
            #expect(r.risks.downtimeBreaches.map(\.code) == ["too_many_department_impacts_in_month"])
            #expect(r.risks.downtimeBreaches[0].clause == "2.6" && r.risks.downtimeBreaches[0].systemName == "PACS")

            // October: one fault, nothing before it; the HIS outage's 30 minutes of October (started there, 70 minutes: a breach).
            let october = try await env.send(.GET, "/api/v1/reports/monthly?month=2026-10", token: m.auditor).content.decode(OpsReport.self)
            #expect(october.kpis.created == 1 && october.previous.created == 0)
            #expect(october.downtime.map(\.outageMinutes) == [30] && october.downtime[0].outages == 1 && october.downtime[0].breaches == 1)
            #expect(october.risks.downtimeBreaches.map(\.code) == ["outage_too_long"])
        }
    }

    @Test("the weekly report: the week from Monday 16 November, and the default week")
    func weekly() async throws {
        try await withYiwei { env in
            let m = try await month(env)
            let r = try await env.send(.GET, "/api/v1/reports/weekly?week=2026-11-16", token: m.dispatcher).content.decode(OpsReport.self)
            #expect(r.kind == "weekly" && r.period == "2026-11-16" && r.previousPeriod == "2026-11-09")
            #expect(r.daily.map(\.day) == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"])
            #expect(r.daily.map(\.created) == [0, 0, 2, 0, 3, 0, 0] && r.daily.map(\.resolved) == [0, 0, 1, 0, 1, 0, 0])
            #expect(r.kpis.created == 5 && r.previous.created == 0)
            // PACS's second impact of the month (19 Nov) falls in this week; HIS was not down this week.
            #expect(r.downtime.map(\.name) == ["PACS"] && r.downtime[0].departmentImpacts == 1 && r.downtime[0].breaches == 1)
            #expect(r.risks.downtimeBreaches.count == 1)
            // Read on Wednesday 2 December: the last complete week began on Monday 23 November.
            let last = try await env.send(.GET, "/api/v1/reports/weekly", token: m.lead).content.decode(OpsReport.self)
            #expect(last.period == "2026-11-23" && last.kpis.created == 0)
        }
    }

    @Test("bad periods and parts are 400 with the field; reporters and engineers get 403 on every report route")
    func badInputAndPermissions() async throws {
        try await withYiwei { env in
            let h = try await Hospital.make(env)
            for (path, field) in [("/api/v1/reports/monthly?month=2026-13", "month"), ("/api/v1/reports/monthly?month=11-2026", "month"),
                                  ("/api/v1/reports/weekly?week=2026-11-17", "week"), ("/api/v1/reports/weekly?week=2026-02-30", "week"),
                                  ("/api/v1/reports/weekly?week=1999-11-15", "week"), ("/api/v1/stats/downtime?year=abcd", "year"),
                                  ("/reports/monthly.csv?month=2026-11&part=passwords", "part")] {
                let res = try await env.send(.GET, path, token: h.lead.token, headers: [("Accept", "application/json")])
                #expect(res.status == .badRequest, "\(path)")
                #expect(Set(res.errorFields.keys) == [field], "\(path)")
            }
            let routes = ["/api/v1/reports/monthly", "/api/v1/reports/weekly", "/api/v1/stats/downtime", "/reports/monthly", "/reports/weekly",
                          "/reports/monthly.csv?part=tickets", "/reports/weekly.csv", "/reports/downtime", "/reports/downtime.csv"]
            for path in routes {
                for token in [h.nurse.token, h.engineer.token, h.vendorEngineer.token] {
                    #expect(try await env.send(.GET, path, token: token).status == .forbidden, "\(path)")
                }
                for token in [h.lead.token, h.dispatcher.token, h.auditor.token] {
                    #expect(try await env.send(.GET, path, token: token).status == .ok, "\(path)")
                }
            }
            // The pages through a browser session: a nurse is refused; the lead sees the nav entries.
            let nurse = try await TicketPagesTests().browser(env, "hushi")
            #expect(try await nurse.get("/reports/monthly").status == .forbidden)
            let lead = try await TicketPagesTests().browser(env, "zuzhang")
            let home = try await lead.get("/")
            #expect(home.body.string.contains(#"href="/reports/monthly""#) && home.body.string.contains(#"href="/reports/downtime""#))
            #expect(!(try await nurse.get("/").body.string.contains(#"href="/reports/monthly""#)))
        }
    }

    @Test("the report page: every section, the inspections stated plainly, the print stylesheet")
    func page() async throws {
        try await withYiwei { env in
            let m = try await month(env)
            let lead = try await TicketPagesTests().browser(env, "zuzhang")
            let res = try await lead.get("/reports/monthly?month=2026-11")
            #expect(res.status == .ok)
            let html = res.body.string
            for text in ["月度运维报告", "统计期间：2026 年 11 月", "总体概况", "工单量趋势", "按服务领域与工单类型", "按优先级的 SLA 达标情况",
                         "满意度", "高发故障", "重大故障（P1/P2）", "业务系统停机", "巡检模块尚未启用，本期无巡检数据", "风险与待办",
                         m.t1.number, m.t2.number, m.t4.number, "达标", "超时", "<svg", "data-print", "/reports/weekly?week=2026-11-02",
                         "/reports/monthly.csv?month=2026-11&amp;part=tickets"] {
                #expect(html.contains(text), "\(text)")
            }
            // Summary against October: 5 reported against 1.
            #expect(html.contains("↑ 4"))
            let weekly = try await lead.get("/reports/weekly?week=2026-11-16")
            #expect(weekly.status == .ok && weekly.body.string.contains("统计期间：2026-11-16 至 2026-11-22"))
            let css = try await lead.get("/static/app.css").body.string
            #expect(css.contains("size: A4") && css.contains("counter(page)") && css.contains("break-inside: avoid"))
        }
    }

    @Test("CSV: a BOM, the header, quoting, the formula guard and the download's names")
    func csv() async throws {
        try await withYiwei { env in
            let m = try await month(env)
            let lead = try await TicketPagesTests().browser(env, "zuzhang")
            let res = try await lead.get("/reports/monthly.csv?month=2026-11&part=tickets")
            #expect(res.status == .ok)
            #expect(res.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            // 月度运维报告-2026-11-工单明细.csv, percent-encoded; the ASCII name for older clients.
            #expect(res.headers.first(name: .contentDisposition) == "attachment; filename=\"monthly-report-2026-11-tickets.csv\"; "
                + "filename*=UTF-8''%E6%9C%88%E5%BA%A6%E8%BF%90%E7%BB%B4%E6%8A%A5%E5%91%8A-2026-11-%E5%B7%A5%E5%8D%95%E6%98%8E%E7%BB%86.csv")
            let bytes = Array(res.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines[0] == "工单号,标题,服务领域,类型,优先级,状态,分类,业务系统,处理团队,报修时间,受理时间,解决时间,响应时限,恢复时限,评分")
            #expect(lines.count == 7 && lines[6].isEmpty) // header, five tickets, the final CRLF
            #expect(lines[1].hasPrefix(m.t1.number + ",收费系统无法结算,信息化,故障,"))
            // t6's title "=1+2 "引号", 逗号": guarded with an apostrophe, then quoted with its quotes doubled.
            #expect(lines.contains { $0.hasPrefix(m.t6.number + ",\"'=1+2 \"\"引号\"\", 逗号\",") })
            let summary = try await lead.get("/reports/monthly.csv?month=2026-11&part=summary")
            let text = String(decoding: Array(summary.body.readableBytesView).dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("指标,本期,上期\r\n统计期间,2026-11,2026-10\r\n新建工单,5,1\r\n"))
            #expect(text.contains("关闭率,0.2,0\r\n") && text.contains("巡检完成情况,巡检模块尚未启用，本期无巡检数据,\r\n"))
            let weekly = try await lead.get("/reports/weekly.csv?week=2026-11-16&part=daily")
            #expect(String(decoding: Array(weekly.body.readableBytesView).dropFirst(3), as: UTF8.self)
                .hasPrefix("日期,新建工单,当日解决\r\n2026-11-16,0,0\r\n2026-11-17,0,0\r\n2026-11-18,2,1\r\n"))
        }
    }

    @Test("the CSV writer: bytes for quoting, line breaks, formulas and numbers")
    func writer() {
        var w = CSVWriter(header: ["名称", "值"])
        w.row(["a,b", "say \"hi\""])
        w.row(["第一行\n第二行", "=SUM(A1:A2)"])
        w.row(["-5", "+86 138", "@cmd", "\tx"])
        w.cellsRow([.text("负数"), CSVWriter.number(-5), CSVWriter.number(0.857142, digits: 4), CSVWriter.number(nil)])
        let expected = "\u{FEFF}名称,值\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"第一行\n第二行\",'=SUM(A1:A2)\r\n'-5,'+86 138,'@cmd,'\tx\r\n负数,-5,0.8571,\r\n"
        #expect(w.bytes == Array(expected.utf8))
        #expect(Array(w.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(CSVWriter.contentDisposition(fileName: "停机 统计\".csv", asciiFallback: "down\"time;.csv")
                == "attachment; filename=\"downtime.csv\"; filename*=UTF-8''%E5%81%9C%E6%9C%BA%20%E7%BB%9F%E8%AE%A1%22.csv")
    }
}
