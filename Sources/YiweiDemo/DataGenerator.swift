import Fluent
import Foundation
import SQLKit
import Vapor
import Yiwei
import YiweiCore

/// `yiwei gen-data`: a realistic hospital's history for benchmarks and trials — the demo organisation (the
/// 50 business systems of seed 001, campuses, departments, teams, engineers), a few hundred clinical staff
/// who report, and tickets over three years with full lifecycles: dispatch or grab, start, pauses, resolution,
/// reopens, confirmation, ratings, each with its timeline, its SLA policy and the outcome of its clocks
/// computed by the same rules as live tickets. Deterministic for a seed (the ids are random; every value the
/// KPIs read is not). Rows go in by multi-row inserts, not through HTTP.
public enum DataGenerator {
    public struct Options: Sendable {
        public var tickets: Int
        public var articles: Int
        public var seed: UInt64
        public var years: Double = 3
        public init(tickets: Int, articles: Int, seed: UInt64) {
            self.tickets = tickets
            self.articles = articles
            self.seed = seed
        }
    }

    public struct Summary: Sendable {
        public var tickets = 0
        public var open = 0
        public var events = 0
        public var articles = 0
        public var reporters = 0
        public var seconds = 0.0
    }

    typealias RNG = KnowledgeCorpus.Generator

    // MARK: Fault patterns (what hospitals report), with what fixed them.

    struct Pattern {
        let title: String       // {s} system, {d} department, {c} category
        let detail: String
        let fixes: [String]
        let kind: TicketKind
        /// Typical impact and urgency.
        let impact: Impact
        let urgency: Urgency
    }

    static let itSystemPatterns: [Pattern] = [
        Pattern(title: "{s}登录后页面空白", detail: "{d}工作站登录{s}后页面一直空白，刷新无效，影响正常工作。", fixes: ["清理浏览器缓存并重新部署客户端", "应用服务器会话数满，重启应用池", "修复客户端组件注册"], kind: .incident, impact: .department, urgency: .clinical),
        Pattern(title: "{s}打开很慢", detail: "{d}反映{s}查询和保存都很慢，一次要等一分钟以上。", fixes: ["数据库索引重建，统计信息更新", "清理过期日志表释放空间", "扩容应用服务器内存"], kind: .incident, impact: .multiDepartment, urgency: .clinical),
        Pattern(title: "{s}打印报表报错", detail: "{d}在{s}打印报表时提示“打印失败”，其他程序打印正常。", fixes: ["重新安装报表打印控件", "修正打印模板纸张设置", "更新报表服务证书"], kind: .incident, impact: .individual, urgency: .operation),
        Pattern(title: "{s}接口数据未同步", detail: "{s}与集成平台的接口消息积压，{d}看不到最新数据。", fixes: ["重启接口服务并补发积压消息", "修复字段映射后重推数据", "清理队列死信并恢复订阅"], kind: .incident, impact: .multiDepartment, urgency: .clinical),
        Pattern(title: "{s}无法登录，提示密码错误", detail: "{d}同事登录{s}提示密码错误，确认密码无误。", fixes: ["账号被锁定，解锁并重置密码", "同步统一身份认证账号", "修复单点登录令牌过期配置"], kind: .incident, impact: .individual, urgency: .operation),
        Pattern(title: "申请开通{s}账号权限", detail: "{d}新入职人员需要开通{s}的账号和相应权限。", fixes: ["已按审批开通账号与角色权限", "已开通并告知初始密码修改方式"], kind: .request, impact: .individual, urgency: .experience),
        Pattern(title: "{s}数据查询导出需求", detail: "{d}需要从{s}导出上季度统计数据用于质控分析。", fixes: ["已按需求导出数据并脱敏后发送", "已编写查询并交付结果"], kind: .request, impact: .individual, urgency: .experience),
        Pattern(title: "{s}操作咨询", detail: "{d}咨询{s}中某项业务的操作步骤。", fixes: ["电话指导完成操作", "发送操作手册并远程演示"], kind: .consultation, impact: .individual, urgency: .experience),
        Pattern(title: "{s}服务中断", detail: "{s}整体无法访问，{d}等多个科室受影响。", fixes: ["数据库主备切换后恢复服务", "存储链路故障恢复后重启服务", "网络设备故障更换后恢复"], kind: .incident, impact: .hospital, urgency: .patientSafety),
        Pattern(title: "{s}报表统计结果不对", detail: "{d}发现{s}月报统计数与实际不符。", fixes: ["修正统计口径并重新生成报表", "修复跨月数据重复计数问题"], kind: .incident, impact: .department, urgency: .operation),
    ]
    static let itDevicePatterns: [Pattern] = [
        Pattern(title: "{d}电脑无法开机", detail: "{d}护士站电脑按电源键无反应。", fixes: ["更换电源适配器", "主板电容鼓包，更换主机", "重新插拔内存条后恢复"], kind: .incident, impact: .individual, urgency: .clinical),
        Pattern(title: "{d}打印机卡纸", detail: "{d}打印机频繁卡纸，打印腕带和标签受影响。", fixes: ["更换搓纸轮", "清理纸路并调整纸张导轨", "更换定影组件"], kind: .incident, impact: .individual, urgency: .operation),
        Pattern(title: "{d}网络中断", detail: "{d}多台电脑无法上网，内网系统都打不开。", fixes: ["接入交换机端口故障，更换端口", "网线水晶头松动，重新压制", "楼层交换机重启后恢复"], kind: .incident, impact: .department, urgency: .clinical),
        Pattern(title: "{d}扫码枪无法识别", detail: "{d}扫码枪扫腕带没有反应。", fixes: ["重新设置扫码枪模式", "更换扫码枪"], kind: .incident, impact: .individual, urgency: .clinical),
        Pattern(title: "{d}电脑中病毒提示", detail: "{d}电脑弹出杀毒软件告警，提示发现威胁。", fixes: ["隔离终端并查杀，更新病毒库", "重装系统并恢复数据"], kind: .incident, impact: .individual, urgency: .operation),
        Pattern(title: "{d}无线网络信号差", detail: "{d}病房移动护理终端经常掉线。", fixes: ["调整无线接入点信道和功率", "新增无线接入点"], kind: .incident, impact: .department, urgency: .clinical),
        Pattern(title: "{d}申请安装软件", detail: "{d}申请在办公电脑安装办公软件。", fixes: ["已安装正版软件", "已远程安装并验证"], kind: .request, impact: .individual, urgency: .experience),
    ]
    static let logisticsPatterns: [Pattern] = [
        Pattern(title: "{d}病房空调不制冷", detail: "{d}病房空调开机后不制冷，病人反映闷热。", fixes: ["清洗过滤网并补充冷媒", "更换压缩机电容", "修复风机盘管"], kind: .incident, impact: .department, urgency: .operation),
        Pattern(title: "{d}水龙头漏水", detail: "{d}治疗室洗手池水龙头一直漏水。", fixes: ["更换阀芯", "更换水龙头"], kind: .incident, impact: .individual, urgency: .experience),
        Pattern(title: "{d}灯管不亮", detail: "{d}走廊多处灯管不亮，夜间照明不足。", fixes: ["更换灯管和镇流器", "修复线路接触不良"], kind: .incident, impact: .department, urgency: .operation),
        Pattern(title: "{d}下水道堵塞", detail: "{d}卫生间下水道堵塞，地面积水。", fixes: ["疏通管道", "更换存水弯"], kind: .incident, impact: .department, urgency: .operation),
        Pattern(title: "{d}门禁无法刷卡", detail: "{d}门禁刷卡无反应，人员进出受阻。", fixes: ["更换读卡器", "重启门禁控制器"], kind: .incident, impact: .department, urgency: .clinical),
        Pattern(title: "{d}电梯停运", detail: "{d}所在楼栋电梯停在楼层之间，无法使用。", fixes: ["维保单位到场排除故障后恢复", "更换门机皮带"], kind: .incident, impact: .multiDepartment, urgency: .patientSafety),
        Pattern(title: "{d}病床护栏损坏", detail: "{d}病床护栏无法锁止。", fixes: ["更换护栏锁扣", "更换病床护栏"], kind: .incident, impact: .individual, urgency: .clinical),
    ]
    static let equipmentPatterns: [Pattern] = [
        Pattern(title: "{d}监护仪报警无法消除", detail: "{d}监护仪持续报警，参数显示异常。", fixes: ["更换血氧探头", "校准监护模块", "更换导联线"], kind: .incident, impact: .individual, urgency: .patientSafety),
        Pattern(title: "{d}输液泵流速异常", detail: "{d}输液泵实际流速与设定不符。", fixes: ["流速校准后恢复", "更换泵管压板组件"], kind: .incident, impact: .individual, urgency: .patientSafety),
        Pattern(title: "{d}呼吸机自检不通过", detail: "{d}呼吸机开机自检提示流量传感器故障。", fixes: ["更换流量传感器", "更换呼吸阀并完成自检"], kind: .incident, impact: .individual, urgency: .patientSafety),
        Pattern(title: "{d}除颤仪电池报警", detail: "{d}除颤仪提示电池电量低，充电后仍报警。", fixes: ["更换电池", "更换充电模块"], kind: .incident, impact: .individual, urgency: .clinical),
        Pattern(title: "{d}设备计量到期", detail: "{d}多台设备计量标签即将到期，申请检测。", fixes: ["已完成计量检测并粘贴合格标签"], kind: .request, impact: .department, urgency: .operation),
        Pattern(title: "{d}B超图像有干扰条纹", detail: "{d}B超图像出现干扰条纹，影响诊断。", fixes: ["更换探头线缆", "接地整改后恢复"], kind: .incident, impact: .individual, urgency: .clinical),
    ]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢")
    static let givenNames = ["静", "敏", "丽", "娜", "芳", "婷", "雪", "慧", "洁", "琳", "欣", "颖", "倩", "悦", "佳", "晨", "宇", "浩", "杰", "磊",
                             "伟", "强", "军", "勇", "涛", "明", "超", "鹏", "晓燕", "海燕", "美玲", "雅琴", "子涵", "思雨", "嘉怡", "文博", "志强", "建华"]

    // MARK: Run

    struct Org {
        var departments: [(id: UUID, name: String)]
        /// Computed once, read for every generated ticket.
        var departmentNames: [UUID: String] = [:]
        /// Each domain's first team (by id) with engineers: where a ticket goes when its category names no team.
        var fallbackTeams: [String: UUID] = [:]
        var reporters: [(id: UUID, department: UUID)]
        var dispatchers: [UUID]
        var teams: [UUID: (domain: String, members: [UUID])]
        var categories: [String: [(id: UUID, name: String, team: UUID?)]]
        var systems: [(id: UUID, name: String, weight: Int)]
        var policies: [String: (id: UUID, record: SLAPolicyRecord, calendar: BusinessCalendar)]
    }

    public static func run(_ app: Application, _ options: Options, log: (String) -> Void) async throws -> Summary {
        let started = Date()
        var summary = Summary()
        let sql = app.db.sql
        if try await Department.query(on: app.db).first() == nil {
            let seeded = try await DemoSeeder.seedIfEmpty(app)
            log("组织数据 / organisation: \(seeded.summary)")
        }
        let now = app.yiwei.clock.now()
        var rng = RNG(seed: options.seed)
        summary.reporters = try await addReporters(app, count: 300, rng: &rng, now: now)
        let org = try await loadOrg(app)
        let timeZone = app.yiwei.config.timeZone
        let admin = try await User.query(on: app.db).filter(\.$username == "admin").first()?.requireID()
            ?? org.dispatchers.first ?? UUID()

        // Report times: weekdays busier than weekends, working hours busier than nights; in order.
        let span = options.years * 365 * 86_400
        var createdAt: [Double] = []
        createdAt.reserveCapacity(options.tickets)
        var zoned = Calendar(identifier: .gregorian)
        zoned.timeZone = timeZone
        let first = now.timeIntervalSince1970 - span
        while createdAt.count < options.tickets {
            let day = Double(Int(Double(rng.next() % 1_000_000) / 1_000_000 * (span / 86_400)))
            let midnight = zoned.startOfDay(for: Date(timeIntervalSince1970: first + day * 86_400)).timeIntervalSince1970
            let weekday = zoned.component(.weekday, from: Date(timeIntervalSince1970: midnight + 43_200))
            if (weekday == 1 || weekday == 7) && rng.next() % 10 < 6 { continue }
            let busy = rng.next() % 10 < 8
            let second = busy ? 8 * 3600 + Double(rng.next() % (10 * 3600)) : Double(rng.next() % 86_400)
            let t = midnight + second
            if t < now.timeIntervalSince1970 - 60 { createdAt.append(t) }
        }
        createdAt.sort()

        // SQLite: the trigram index of resolved tickets is built once after the load, not row by row by its trigger.
        let ftsTrigger = KnowledgeSearch.isSQLite(sql)
            ? try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'tickets_fts_insert'").first()?
                .decode(column: "sql", as: String.self)
            : nil
        if ftsTrigger != nil { try await sql.raw("DROP TRIGGER tickets_fts_insert").run() }
        // The same for the search indexes of the ticket list (`TicketSearch`).
        var searchTriggers = false
        if KnowledgeSearch.isSQLite(sql) {
            searchTriggers = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'tickets_search_insert'").first() != nil
        }
        if searchTriggers { try await TicketSearch.dropTriggers(on: sql) }
        func restoreSearch() async throws {
            guard searchTriggers else { return }
            let indexing = Date()
            try await TicketSearch.fill(on: sql)
            try await TicketSearch.createTriggers(on: sql)
            log(String(format: "工单搜索索引 / ticket search indexes (%.0f s)", Date().timeIntervalSince(indexing)))
        }
        // SQLite: a large page cache for the load (this process only), so the tickets' unique index on random ids stays in memory.
        if KnowledgeSearch.isSQLite(sql) {
            for loop in app.eventLoopGroup.makeIterator() {
                let connection = app.databases.database(.sqlite, logger: app.logger, on: loop)! as! any SQLDatabase
                _ = try await connection.raw("PRAGMA cache_size=-262144").all()
            }
        }
        // The tickets' and events' secondary indexes are built once after the load: kept up row by row, their
        // random keys (people, teams, systems) cost most of the load's time.
        let indexes = try await secondaryIndexes(on: sql, tables: [Ticket.schema, TicketEvent.schema])
        for index in indexes { try await sql.raw("DROP INDEX \(ident: index.name)").run() }
        func restore() async throws {
            for index in indexes { try await sql.raw("\(unsafeRaw: index.definition)").run() }
        }
        do {
            try await insertTickets(app, createdAt: createdAt, org: org, now: now, timeZone: timeZone, admin: admin, rng: &rng,
                                    summary: &summary, started: started, log: log)
        } catch {
            if let ftsTrigger { try? await sql.raw("\(unsafeRaw: ftsTrigger)").run() }
            try? await restoreSearch()
            try? await restore()
            throw error
        }
        let indexing = Date()
        try await restore()
        log(String(format: "索引 / indexes: %d rebuilt (%.0f s)", indexes.count, Date().timeIntervalSince(indexing)))
        if let ftsTrigger {
            try await sql.raw("INSERT INTO ticket_fts(rowid, title, resolution) SELECT rowid, title, resolution FROM tickets WHERE resolution IS NOT NULL").run()
            try await sql.raw("\(unsafeRaw: ftsTrigger)").run()
        }
        try await restoreSearch()
        if options.articles > 0 {
            let owner = try await User.query(on: app.db).filter(\.$username == "liming").first()?.requireID() ?? admin
            _ = try await KnowledgeCorpus.bulkInsert(app, count: options.articles, seed: options.seed, owner: owner, now: now)
            summary.articles = options.articles
            log("知识文章 / articles: \(options.articles)")
        }
        try await sql.raw("ANALYZE").run()
        summary.seconds = Date().timeIntervalSince(started)
        let recorded = ["tickets": String(summary.tickets), "articles": String(summary.articles), "seed": String(options.seed)]
        try await app.write { db in
            try await AuditLog.append(on: db, at: now, actor: .system("gen-data"), action: "data.generate", entityType: "system", after: recorded)
        }
        return summary
    }

    /// The non-unique indexes of these tables with the statements that make them (unique ones stay: they
    /// back constraints).
    static func secondaryIndexes(on sql: any SQLDatabase, tables: [String]) async throws -> [(name: String, definition: String)] {
        let rows: [any SQLRow]
        if KnowledgeSearch.isSQLite(sql) {
            rows = try await sql.raw("""
                SELECT name, sql AS definition FROM sqlite_master
                WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN \(SQLBind.group(tables)) ORDER BY name
                """).all()
        } else {
            rows = try await sql.raw("""
                SELECT indexname AS name, indexdef AS definition FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename IN \(SQLBind.group(tables)) AND indexdef NOT LIKE 'CREATE UNIQUE%'
                ORDER BY indexname
                """).all()
        }
        return try rows.map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "definition", as: String.self)) }
            .filter { !$0.definition.uppercased().hasPrefix("CREATE UNIQUE") }
    }

    static func insertTickets(_ app: Application, createdAt: [Double], org: Org, now: Date, timeZone: TimeZone, admin: UUID,
                              rng: inout RNG, summary: inout Summary, started: Date, log: (String) -> Void) async throws {
        var counters: [String: Int] = [:]
        var tickets = TicketBatch(), events = EventBatch()
        for (i, t) in createdAt.enumerated() {
            let g = generate(i, created: Date(timeIntervalSince1970: t), org: org, now: now, timeZone: timeZone, counters: &counters, admin: admin, rng: &rng)
            tickets.rows.append(g.ticket)
            events.rows.append(contentsOf: g.events)
            summary.tickets += 1
            summary.events += g.events.count
            if g.open { summary.open += 1 }
            if tickets.rows.count >= 400 {
                try await flush(app, &tickets, &events)
            }
            if (i + 1) % 100_000 == 0 {
                log(String(format: "工单 / tickets: %d (%.0f s)", i + 1, Date().timeIntervalSince(started)))
            }
        }
        try await flush(app, &tickets, &events)
        // Live numbering continues after the generated numbers of each day.
        for chunk in Array(counters).chunked(200) {
            try await app.db.transaction { db in
                let sql = db.sql
                for (key, last) in chunk {
                    try await sql.raw("""
                        INSERT INTO ticket_counters (id, key, last) VALUES (\(bind: UUID()), \(bind: key), \(bind: last))
                        ON CONFLICT (key) DO UPDATE SET last = CASE WHEN ticket_counters.last > excluded.last THEN ticket_counters.last ELSE excluded.last END
                        """).run()
                }
            }
        }
    }

    // MARK: People and organisation

    /// Clinical staff who report (护士、医生), spread over the departments; all share one password hash.
    static func addReporters(_ app: Application, count: Int, rng: inout RNG, now: Date) async throws -> Int {
        if try await User.query(on: app.db).filter(\.$username == "gen0001").first() != nil { return 0 }
        let departments = try await Department.query(on: app.db).all().sorted { $0.name < $1.name }
        guard !departments.isEmpty else { return 0 }
        let hash = try await app.password.async.hash(DemoSeeder.demoPassword)
        var people: [(String, String, UUID)] = []
        for n in 1...count {
            let name = String(surnames[Int(rng.next() % UInt64(surnames.count))]) + givenNames[Int(rng.next() % UInt64(givenNames.count))]
            people.append((String(format: "gen%04d", n), name, try departments[n % departments.count].requireID()))
        }
        let generated = people
        let locale = app.yiwei.config.defaultLocale
        try await app.write { db in
            for (username, name, department) in generated {
                let user = User()
                user.username = username; user.displayName = name; user.passwordHash = hash
                user.roles = [.reporter]; user.departmentId = department
                user.locale = locale; user.isActive = true; user.failedLogins = 0; user.mustChangePassword = false
                user.createdAt = now; user.updatedAt = now
                try await user.create(on: db)
            }
        }
        return count
    }

    static func loadOrg(_ app: Application) async throws -> Org {
        let db = app.db
        let departments = try await Department.query(on: db).all().map { (try $0.requireID(), $0.name) }
        // Every list in user-name or name order, never id order: ids are random, the generated data must not be.
        let users = try await User.query(on: db).filter(\.$isActive == true).all().sorted { $0.username < $1.username }
        let rank = Dictionary(uniqueKeysWithValues: users.enumerated().map { (try! $1.requireID(), $0) })
        let reporters = users.filter { $0.roles.contains(.reporter) && $0.departmentId != nil }.map { (try! $0.requireID(), $0.departmentId!) }
        let dispatchers = users.filter { $0.roles.contains(.dispatcher) }.map { try! $0.requireID() }
        let engineerIds = Set(users.filter { !$0.roles.isDisjoint(with: [.agent, .vendor]) }.map { try! $0.requireID() })
        var teams: [UUID: (domain: String, members: [UUID])] = [:]
        var fallbackTeams: [String: UUID] = [:]
        for team in try await Team.query(on: db).filter(\.$isActive == true).all().sorted(by: { $0.name < $1.name }) {
            let members = try await TeamMember.query(on: db).filter(\.$teamId == team.requireID()).all().map(\.userId).filter(engineerIds.contains)
            guard !members.isEmpty else { continue }
            teams[try team.requireID()] = (team.domain, members.sorted { rank[$0, default: 0] < rank[$1, default: 0] })
            if fallbackTeams[team.domain] == nil { fallbackTeams[team.domain] = try team.requireID() }
        }
        var categories: [String: [(id: UUID, name: String, team: UUID?)]] = [:]
        let allCategories = try await Category.query(on: db).filter(\.$isActive == true).all()
        let parents = Set(allCategories.compactMap(\.parentId))
        for c in allCategories.sorted(by: { ($0.name, $0.sortOrder) < ($1.name, $1.sortOrder) }) where !parents.contains(try c.requireID()) {
            categories[c.domain, default: []].append((try c.requireID(), c.name, c.defaultTeamId))
        }
        let systems = try await BusinessSystem.query(on: db).all().sorted { $0.name < $1.name }.map { s -> (id: UUID, name: String, weight: Int) in
            (try! s.requireID(), s.name, s.criticality == "core" ? 6 : s.criticality == "important" ? 3 : 1)
        }
        var policies: [String: (id: UUID, record: SLAPolicyRecord, calendar: BusinessCalendar)] = [:]
        for p in try await SLAPolicyRecord.query(on: db).filter(\.$isActive == true).all() where p.categoryId == nil && p.businessSystemId == nil {
            let key = p.domain + "/" + p.priority
            if let existing = policies[key], existing.record.effectiveFrom > p.effectiveFrom { continue }
            guard let record = try await CalendarRecord.find(p.calendarId, on: db), let calendar = try? CalendarStore.calendar(record) else { continue }
            policies[key] = (try p.requireID(), p, calendar)
        }
        var org = Org(departments: departments, reporters: reporters, dispatchers: dispatchers,
                      teams: teams, categories: categories, systems: systems, policies: policies)
        org.departmentNames = Dictionary(departments.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        org.fallbackTeams = fallbackTeams
        return org
    }

    // MARK: One ticket

    struct TicketRow {
        var values: [any Encodable & Sendable]
    }
    struct EventRow {
        var values: [any Encodable & Sendable]
    }
    struct TicketBatch { var rows: [TicketRow] = [] }
    struct EventBatch { var rows: [EventRow] = [] }

    static let ticketColumns = ["id", "number", "domain", "kind", "title", "description", "impact", "urgency", "priority", "status",
                                "paused_seconds", "category_id", "business_system_id", "department_id", "reporter_id", "created_by_id", "channel",
                                "assignee_id", "team_id", "resolution", "reopen_count", "rating_score", "rating_comment", "rated_at", "sla_policy_id",
                                "response_due_at", "start_due_at", "resolve_due_at", "next_alert_at", "response_breached", "resolve_breached",
                                "pended_from", "pending_since", "pending_reason", "created_at", "updated_at", "acknowledged_at", "started_at",
                                "resolved_at", "closed_at", "cancelled_at"]
    static let eventColumns = ["id", "ticket_id", "at", "actor_id", "type", "data", "internal"]

    static func pick<T>(_ items: [T], _ rng: inout RNG) -> T { items[Int(rng.next() % UInt64(items.count))] }
    static func chance(_ percent: Int, _ rng: inout RNG) -> Bool { Int(rng.next() % 100) < percent }
    /// A positive duration in minutes around `median`, long-tailed (a product of uniform factors).
    static func minutes(_ median: Double, _ rng: inout RNG) -> Double {
        let a = Double(rng.next() % 1000) / 1000, b = Double(rng.next() % 1000) / 1000
        return max(1, median * (0.3 + 1.4 * a) * (b < 0.85 ? 1 : 1 + 6 * (b - 0.85) / 0.15))
    }

    static func generate(_ i: Int, created: Date, org: Org, now: Date, timeZone: TimeZone, counters: inout [String: Int], admin: UUID,
                         rng: inout RNG) -> (ticket: TicketRow, events: [EventRow], open: Bool) {
        let roll = rng.next() % 100
        let domain: ServiceDomain = roll < 70 ? .it : roll < 90 ? .logistics : .equipment
        var system: (id: UUID, name: String, weight: Int)?
        let pattern: Pattern
        if domain == .it && !org.systems.isEmpty && chance(60, &rng) {
            let total = org.systems.reduce(0) { $0 + $1.weight }
            var r = Int(rng.next() % UInt64(total))
            for s in org.systems { r -= s.weight; if r < 0 { system = s; break } }
            pattern = pick(itSystemPatterns, &rng)
        } else {
            pattern = pick(domain == .it ? itDevicePatterns : domain == .logistics ? logisticsPatterns : equipmentPatterns, &rng)
        }
        let reporter = pick(org.reporters, &rng)
        let department = org.departmentNames[reporter.department] ?? "门诊部"
        let category = org.categories[domain.rawValue].map { pick($0, &rng) }
        func fill(_ s: String) -> String {
            s.replacingOccurrences(of: "{s}", with: system?.name ?? "").replacingOccurrences(of: "{d}", with: department)
                .replacingOccurrences(of: "{c}", with: category?.name ?? "")
        }
        // Impact and urgency: mostly the pattern's, sometimes a step milder.
        let impact = chance(75, &rng) ? pattern.impact : .individual
        let urgency = chance(80, &rng) ? pattern.urgency : .operation
        let priority = PriorityMatrix.standard.priority(impact: impact, urgency: urgency)
        let day = TicketNumber.day(of: created, in: timeZone)
        let key = TicketNumber.prefix(for: domain) + "-" + day
        counters[key, default: 0] += 1
        let number = TicketNumber.format(domain: domain, day: day, sequence: counters[key]!)
        let id = orderedID(created, i, 0)
        let teamId = category?.team.flatMap { org.teams[$0] != nil ? $0 : nil }
            ?? org.fallbackTeams[domain.rawValue]
        let engineer = teamId.flatMap { org.teams[$0].map { pick($0.members, &rng) } }
        let dispatcher = org.dispatchers.isEmpty ? admin : pick(org.dispatchers, &rng)

        // The planned lifecycle in minutes from the report; what lies beyond `now` has not happened yet.
        let medians: [Priority: (respond: Double, fix: Double)] = [.p1: (5, 60), .p2: (10, 150), .p3: (25, 480), .p4: (45, 1440)]
        // On-site trades (seed 003: respond in 30 min, fix in 1 h) work faster than software fixes; a few
        // tickets wait weeks (a vendor's patch, a part on order) and make the open backlog.
        var m = medians[priority]!
        if domain != .it { m = (min(m.respond, 10), min(m.fix, 40)) }
        if chance(3, &rng) { m.fix *= 30 }
        var plan: [(at: Double, type: String, actor: UUID?, data: [String: String])] = []
        var t = 0.0
        var resolution: String?
        let cancelled = chance(2, &rng)
        if cancelled {
            t += minutes(20, &rng)
            plan.append((t, "cancel", reporter.id, ["from": "new", "to": "cancelled", "reason": "问题已自行解决"]))
        } else {
            t += minutes(m.respond, &rng)
            if let engineer, chance(70, &rng) {
                plan.append((t, "assign", dispatcher, ["from": "new", "to": "accepted", "assigneeId": engineer.uuidString]))
            } else {
                plan.append((t, "accept", engineer ?? dispatcher, ["from": "new", "to": "accepted"]))
            }
            t += minutes(10, &rng)
            plan.append((t, "start", engineer ?? dispatcher, ["from": "accepted", "to": "in_progress"]))
            if chance(12, &rng) {
                t += minutes(20, &rng)
                plan.append((t, "pend", engineer, ["from": "in_progress", "to": "pending", "reason": pick(["等待备件到货", "等待厂家支持", "科室暂不方便处理"], &rng)]))
                t += minutes(240, &rng)
                plan.append((t, "resume", engineer, ["from": "pending", "to": "in_progress"]))
            }
            t += minutes(m.fix, &rng)
            resolution = fill(pick(pattern.fixes, &rng))
            plan.append((t, "resolve", engineer ?? dispatcher, ["from": "in_progress", "to": "resolved", "resolution": resolution!]))
            if chance(4, &rng) {
                t += minutes(300, &rng)
                plan.append((t, "reopen", reporter.id, ["from": "resolved", "to": "in_progress", "reason": "问题再次出现"]))
                t += minutes(m.fix / 2, &rng)
                plan.append((t, "resolve", engineer ?? dispatcher, ["from": "in_progress", "to": "resolved", "resolution": resolution!]))
            }
            if !chance(5, &rng) {
                t += minutes(600, &rng)
                plan.append((t, "close", chance(75, &rng) ? reporter.id : dispatcher, ["from": "resolved", "to": "closed"]))
            }
        }
        // The last week's tickets are the open backlog: half of them take far longer after being picked up.
        if now.timeIntervalSince(created) < 7 * 86_400, plan.count > 1, chance(50, &rng) {
            let first = plan[0].at
            plan = plan.map { ($0.at == first ? $0.at : first + ($0.at - first) * 200, $0.type, $0.actor, $0.data) }
        }
        // What has happened by now.
        let happened = plan.filter { created.addingTimeInterval($0.at * 60) <= now }
        func at(_ e: (at: Double, type: String, actor: UUID?, data: [String: String])) -> Date { created.addingTimeInterval(e.at * 60) }
        var status = TicketStatus.new
        var acknowledged: Date?, started: Date?, resolved: Date?, closed: Date?, cancelledAt: Date?
        var pauses: [(from: Date, to: Date?)] = []
        var reopens = 0, assignee: UUID?, pendingSince: Date?
        for e in happened {
            switch e.type {
            case "assign": acknowledged = acknowledged ?? at(e); assignee = engineer; status = .accepted
            case "accept": acknowledged = acknowledged ?? at(e); status = .accepted
            case "start": started = started ?? at(e); assignee = assignee ?? engineer; status = .inProgress
            case "pend": pauses.append((at(e), nil)); pendingSince = at(e); status = .pending
            case "resume": pauses[pauses.count - 1].to = at(e); pendingSince = nil; status = .inProgress
            case "resolve": resolved = at(e); status = .resolved
            case "reopen": resolved = nil; reopens += 1; status = .inProgress
            case "close": closed = at(e); status = .closed
            case "cancel": cancelledAt = at(e); status = .cancelled
            default: break
            }
        }
        var rating: (score: Int, comment: String?, at: Date)?
        if status == .closed, let closed, chance(40, &rng) {
            let r = rng.next() % 100
            let score = r < 62 ? 5 : r < 87 ? 4 : r < 95 ? 3 : r < 98 ? 2 : 1
            rating = (score, score >= 4 ? pick(["处理及时", "工程师很耐心", "很满意", nil], &rng) : pick(["等了太久", "问题反复出现"], &rng), closed)
        }
        // The SLA clocks, by the same rules as live tickets.
        let policy = org.policies[domain.rawValue + "/" + priority.rawValue]
        var due: [SLAClockKind: Date] = [:], breached: [SLAClockKind: Bool] = [:]
        if let policy {
            let history = SLAHistory(createdAt: created, acceptedAt: acknowledged, startedAt: started,
                                     resolvedAt: [.resolved, .closed].contains(status) ? resolved : nil, pauses: pauses)
            let targets = policy.calendar.isWorking(at: created) ? policy.record.inHours : policy.record.offHours
            for kind in SLAClockKind.allCases {
                guard let target = targets.minutes(kind) else { continue }
                let s = SLAClock(calendar: policy.calendar, businessTime: policy.record.businessTime(for: kind))
                    .state(kind, target: target, history: history, now: cancelledAt ?? now)
                if s.stoppedAt != nil || s.breached { breached[kind] = s.breached }
                if s.stoppedAt == nil, let d = s.dueAt { due[kind] = d }
            }
        }
        let open = status.isOpen
        let nextAlert = open ? due.values.filter { $0 > now }.min() : nil
        let paused = pauses.reduce(0) { $0 + Int(($1.to ?? now).timeIntervalSince($1.from)) } - (pendingSince.map { Int(now.timeIntervalSince($0)) } ?? 0)
        let updated = happened.last.map(at) ?? created
        let title = fill(pattern.title), description = fill(pattern.detail)
        let values: [any Encodable & Sendable] = [
            id, number, domain.rawValue, pattern.kind.rawValue, title, description, impact.rawValue, urgency.rawValue, priority.rawValue,
            status.rawValue, max(0, paused), category?.id, system?.id, reporter.department, reporter.id, reporter.id,
            pick(["web", "mobile", "phone", "phone", "wechat", "qrcode"], &rng),
            status == .new || status == .cancelled ? nil : assignee, teamId, [.resolved, .closed].contains(status) ? resolution : nil,
            reopens, rating?.score, rating?.comment, rating?.at, policy?.id,
            open ? due[.response] : nil, open ? due[.start] : nil, open ? due[.resolve] : nil, nextAlert,
            breached[.response], breached[.resolve],
            status == .pending ? "in_progress" : nil, pendingSince, status == .pending ? "等待备件到货" : nil,
            created, max(updated, rating?.at ?? updated), acknowledged, started, [.resolved, .closed].contains(status) ? resolved : nil,
            closed, cancelledAt,
        ]
        var eventNumber = 0
        func eventID() -> UUID { eventNumber += 1; return orderedID(created, i, eventNumber) }
        var events: [EventRow] = [EventRow(values: [eventID(), id, created, reporter.id, "created",
                                                    AuditLog.json(["status": "new", "priority": priority.rawValue]) ?? "{}", false])]
        for e in happened {
            var data = e.data
            if e.type == "assign", let engineer { data["assigneeId"] = engineer.uuidString }
            events.append(EventRow(values: [eventID(), id, at(e), e.actor, e.type, AuditLog.json(data) ?? "{}", false]))
        }
        if let rating {
            var data = ["score": String(rating.score)]
            if let comment = rating.comment { data["comment"] = comment }
            events.append(EventRow(values: [eventID(), id, rating.at, reporter.id, "rating", AuditLog.json(data) ?? "{}", false]))
        }
        return (TicketRow(values: values), events, open)
    }

    /// A time-ordered id (UUID version 7: the report's millisecond, then the ticket's ordinal and the event's):
    /// generated tickets come in time order, so their ids — and their events' — are appended to the primary
    /// keys' indexes instead of landing at random places in them, which made the load several times slower.
    static func orderedID(_ created: Date, _ ticket: Int, _ event: Int) -> UUID {
        UUID(version7Milliseconds: UInt64(max(0, created.timeIntervalSince1970 * 1000)), a: 0, b: UInt64(ticket) << 8 | UInt64(event & 0xFF))
    }

    static func flush(_ app: Application, _ tickets: inout TicketBatch, _ events: inout EventBatch) async throws {
        guard !tickets.rows.isEmpty else { return }
        let ticketRows = tickets.rows, eventRows = events.rows
        tickets.rows.removeAll(keepingCapacity: true)
        events.rows.removeAll(keepingCapacity: true)
        try await app.db.transaction { db in
            let sql = db.sql
            for chunk in ticketRows.chunked(400) {
                var insert = sql.insert(into: Ticket.schema).columns(ticketColumns)
                for row in chunk { insert = insert.values(row.values.map { SQLBind($0) }) }
                try await insert.run()
            }
            for chunk in eventRows.chunked(1000) {
                var insert = sql.insert(into: TicketEvent.schema).columns(eventColumns)
                for row in chunk { insert = insert.values(row.values.map { SQLBind($0) }) }
                try await insert.run()
            }
        }
    }
}

/// `yiwei gen-data --tickets 1000000 --articles 100000 --seed 42`.
struct GenDataCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tickets", help: "How many tickets (default 10000)") var tickets: Int?
        @Option(name: "articles", help: "How many knowledge articles (default 0)") var articles: Int?
        @Option(name: "seed", help: "The random seed (default 42); the same seed gives the same hospital") var seed: Int?
    }
    var help: String { "Fill the database with a generated hospital: organisation, reporters, tickets with full lifecycles over three years, knowledge articles." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let tickets = signature.tickets ?? 10_000, articles = signature.articles ?? 0
        guard (0...10_000_000).contains(tickets), (0...1_000_000).contains(articles) else {
            context.console.error("--tickets 0…10000000, --articles 0…1000000")
            app.exitStatus = 2
            return
        }
        if try await Ticket.query(on: app.db).first() != nil {
            context.console.error("数据库中已有工单，gen-data 只填充空库 / the database already has tickets; gen-data fills an empty one")
            app.exitStatus = 1
            return
        }
        let console = context.console
        let summary = try await DataGenerator.run(app, DataGenerator.Options(tickets: tickets, articles: articles, seed: UInt64(signature.seed ?? 42))) { line in
            console.print(line)
        }
        context.console.print(String(format: "已生成 / generated: %d tickets (%d open), %d timeline events, %d reporters, %d articles in %.1f s. 演示账号密码 / password: %@",
                                     summary.tickets, summary.open, summary.events, summary.reporters, summary.articles, summary.seconds, DemoSeeder.demoPassword))
    }
}
