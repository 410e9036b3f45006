import Fluent
import Foundation
import Vapor
import YiweiCore
import YiweiText

/// A legacy ledger (报修台账) as a spreadsheet: one row per ticket, its milestones as time columns.
/// Each row becomes one ticket of `POST /api/v1/tickets/import`, its milestones the events replayed.
enum LedgerCSV {
    /// The columns: the key, and the Chinese heading a ledger uses. The API field name works as a heading too.
    static let columns: [(key: String, heading: String)] = [
        ("number", "工单号"), ("createdAt", "报修时间"), ("domain", "领域"), ("kind", "类型"), ("title", "标题"), ("description", "描述"),
        ("impact", "影响范围"), ("urgency", "紧急程度"), ("priority", "优先级"), ("reporter", "报修人"), ("department", "报修科室"),
        ("system", "业务系统"), ("category", "分类"), ("location", "地点"), ("acceptedAt", "受理时间"), ("acceptedBy", "受理人"),
        ("assignee", "处理人"), ("team", "处理组"), ("startedAt", "开始处理时间"), ("resolvedAt", "解决时间"), ("resolution", "解决方案"),
        ("resolvedBy", "解决人"), ("closedAt", "关闭时间"), ("score", "评分"), ("comment", "评价"),
    ]
    static let required = ["createdAt", "domain", "title", "impact", "urgency", "reporter"]

    /// One row as read: its line in the file, its values by key, the ticket it becomes, and problems found
    /// before the import's own checks (unknown names, unreadable times), keyed by column.
    struct Row {
        var line: Int
        var values: [String: String]
        var body: ImportTicketBody?
        var problems: [(column: String, text: String)]
        /// Which column each replayed event came from, to name it in a problem.
        var eventColumns: [String]
    }

    struct Parsed {
        var rows: [Row]
        /// Problems of the file itself (encoding, headings).
        var fileProblems: [String]
    }

    /// The ledger's rows with the names looked up. `labels` maps display names (信息化, 故障 …, in both
    /// languages) to the API's values.
    static func read(_ bytes: [UInt8], labels: [String: [String: String]], timeZone: TimeZone, on db: any Database) async throws -> Parsed {
        let records: [[String]]
        do { records = try CSVReader.parse(try CSVReader.decode(bytes)) } catch CSVReader.Problem.unknownEncoding {
            return Parsed(rows: [], fileProblems: ["encoding"])
        } catch CSVReader.Problem.unclosedQuote(let line) {
            return Parsed(rows: [], fileProblems: ["quote:\(line)"])
        }
        guard let header = records.first else { return Parsed(rows: [], fileProblems: ["empty"]) }
        var index: [String: Int] = [:]
        for (i, raw) in header.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if let column = columns.first(where: { $0.heading == name || $0.key == name }) { index[column.key] = i }
        }
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            return Parsed(rows: [], fileProblems: missing.map { "missing:" + heading($0) })
        }
        var users: [String: User?] = [:], departments: [String: UUID?] = [:], systems: [String: UUID?] = [:]
        var categories: [String: UUID?] = [:], teams: [String: UUID?] = [:]
        func user(_ name: String) async throws -> User? {
            if let known = users[name] { return known }
            let found = try await User.query(on: db).filter(\.$username == name).first()
            users[name] = found
            return found
        }
        var rows: [Row] = []
        for (n, record) in records.dropFirst().enumerated() {
            var values: [String: String] = [:]
            for (key, i) in index where i < record.count {
                let value = record[i].trimmingCharacters(in: .whitespacesAndNewlines)
                if !value.isEmpty { values[key] = value }
            }
            var row = Row(line: n + 2, values: values, body: nil, problems: [], eventColumns: [])
            func problem(_ key: String, _ text: String) { row.problems.append((heading(key), text)) }
            func time(_ key: String) -> String? {
                guard let raw = values[key] else { return nil }
                guard let date = parseTime(raw, timeZone: timeZone) else { problem(key, "unreadable_time"); return nil }
                return ISO8601DateFormatter().string(from: date)
            }
            func mapped(_ key: String, _ kind: String) -> String? {
                guard let raw = values[key] else { return nil }
                return labels[kind]?[raw] ?? labels[kind]?[raw.lowercased()] ?? raw
            }
            func staff(_ key: String) async throws -> String? {
                guard let name = values[key] else { return nil }
                guard let found = try await user(name) else { problem(key, "no_such_user"); return nil }
                return found.id?.uuidString
            }
            let domain = mapped("domain", "domain")
            var create = CreateTicketRequest()
            create.domain = domain
            create.kind = mapped("kind", "kind")
            create.title = values["title"]
            create.description = values["description"]
            create.impact = mapped("impact", "impact")
            create.urgency = mapped("urgency", "urgency")
            create.priority = values["priority"]?.uppercased()
            create.location = values["location"]
            create.channel = TicketChannel.api.rawValue
            create.reporterId = try await staff("reporter")
            if let name = values["department"] {
                if departments[name] == nil { departments[name] = try await Department.query(on: db).filter(\.$name == name).first()?.id }
                if let id = departments[name] ?? nil { create.departmentId = id.uuidString } else { problem("department", "no_such_department") }
            }
            if let name = values["system"] {
                if systems[name] == nil {
                    systems[name] = try await BusinessSystem.query(on: db).group(.or) { $0.filter(\.$name == name).filter(\.$code == name) }.first()?.id
                }
                if let id = systems[name] ?? nil { create.businessSystemId = id.uuidString } else { problem("system", "no_such_system") }
            }
            if let name = values["category"] {
                let key = (domain ?? "") + "/" + name
                if categories[key] == nil {
                    var query = Category.query(on: db).filter(\.$name == name)
                    if let domain { query = query.filter(\.$domain == domain) }
                    categories[key] = try await query.first()?.id
                }
                if let id = categories[key] ?? nil { create.categoryId = id.uuidString } else { problem("category", "no_such_category") }
            }
            var teamId: String?
            if let name = values["team"] {
                if teams[name] == nil { teams[name] = try await Team.query(on: db).filter(\.$name == name).first()?.id }
                if let id = teams[name] ?? nil { teamId = id.uuidString } else { problem("team", "no_such_team") }
            }
            let acceptedBy = try await staff("acceptedBy"), assignee = try await staff("assignee"), resolvedBy = try await staff("resolvedBy")
            var events: [ImportEventBody] = []
            func event(_ column: String, _ at: String?, _ actor: String?, _ action: TicketActionRequest) {
                guard let at else { return }
                events.append(ImportEventBody(at: at, actorId: actor, action: action))
                row.eventColumns.append(column)
            }
            if assignee != nil || teamId != nil {
                event("acceptedAt", time("acceptedAt"), acceptedBy ?? assignee,
                      TicketActionRequest(action: TicketAction.assign.rawValue, assigneeId: assignee, teamId: teamId))
            } else {
                event("acceptedAt", time("acceptedAt"), acceptedBy, TicketActionRequest(action: TicketAction.accept.rawValue))
            }
            event("startedAt", time("startedAt"), assignee ?? acceptedBy, TicketActionRequest(action: TicketAction.start.rawValue))
            event("resolvedAt", time("resolvedAt"), resolvedBy ?? assignee ?? acceptedBy,
                  TicketActionRequest(action: TicketAction.resolve.rawValue, resolution: values["resolution"]))
            event("closedAt", time("closedAt"), nil, TicketActionRequest(action: TicketAction.close.rawValue))
            var rating: ImportRatingBody?
            if let raw = values["score"] {
                if let score = Int(raw) { rating = ImportRatingBody(score: score, comment: values["comment"], at: nil) } else { problem("score", "score_1_5") }
            }
            row.body = ImportTicketBody(create: create, number: values["number"], createdAt: time("createdAt"), events: events, rating: rating)
            rows.append(row)
        }
        return Parsed(rows: rows, fileProblems: [])
    }

    static func heading(_ key: String) -> String { columns.first { $0.key == key }?.heading ?? key }

    /// Times as ledgers write them, in the hospital's time zone: 2026-10-05 09:00[:00], 2026/10/5 9:00[:00],
    /// or RFC 3339 with its own offset.
    static func parseTime(_ raw: String, timeZone: TimeZone) -> Date? {
        if let date = ISO8601DateFormatter().date(from: raw) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.isLenient = false
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: raw) { return date }
        }
        return nil
    }

    /// Maps the import's problems (`tickets[i].events[j].at`) back to rows and columns.
    static func attach(_ problems: [String: String], to rows: inout [Row]) {
        for (key, text) in problems {
            guard key.hasPrefix("tickets["), let close = key.firstIndex(of: "]"),
                  let i = Int(key[key.index(key.startIndex, offsetBy: 8)..<close]), rows.indices.contains(i) else { continue }
            var field = String(key[key.index(after: close)...].drop { $0 == "." })
            var column: String
            if field.hasPrefix("events["), let end = field.firstIndex(of: "]"), let j = Int(field[field.index(field.startIndex, offsetBy: 7)..<end]) {
                column = rows[i].eventColumns.indices.contains(j) ? rows[i].eventColumns[j] : "events"
                field = String(field[field.index(after: end)...].drop { $0 == "." })
                if field == "resolution" { column = "resolution" }
                if field == "actorId" { column = column == "acceptedAt" ? "acceptedBy" : column == "resolvedAt" ? "resolvedBy" : "assignee" }
                if field == "assigneeId" { column = "assignee" }
                if field == "teamId" { column = "team" }
            } else {
                let byField = ["reporterId": "reporter", "departmentId": "department", "businessSystemId": "system", "categoryId": "category",
                               "rating": "score", "rating.score": "score", "rating.comment": "comment", "rating.at": "score"]
                column = byField[field] ?? field
            }
            rows[i].problems.append((heading(column), text))
        }
    }
}

/// `/admin/import`: the administrator's CSV import of a legacy ledger — upload, preview with every row's
/// problems, then import all rows at once (or none).
struct TicketImportPages: RouteCollection {
    static let maxUpload = 10 * 1_048_576

    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "import", use: form)
        routes.get("admin", "import", "template.csv", use: template)
        routes.on(.POST, "admin", "import", "preview", body: .collect(maxSize: ByteCount(value: Self.maxUpload + 65_536)), use: preview)
        routes.on(.POST, "admin", "import", "commit", body: .collect(maxSize: ByteCount(value: Self.maxUpload + 65_536)), use: commit)
    }

    struct PreviewRow: Encodable {
        var line: Int
        var number: String
        var createdAt: String
        var title: String
        var reporter: String
        var outcome: String
        var problems: [String]
    }

    struct Context: Encodable {
        var page: PageBase
        var columns: [String]
        var requiredColumns: [String]
        var fileProblems: [String]
        var rows: [PreviewRow]
        var total: Int
        var invalid: Int
        var shownLimit: Int
        /// The checked file, sent back with the confirmation (nil until a file passed the checks).
        var csv: String?
        var imported: [String]?
        var importedCount: Int
    }

    private func requireAdmin(_ req: Request) throws {
        let user = try req.requireUser()
        guard user.can(.importTickets) else { throw AppError.denied(.importTickets) }
    }

    func form(req: Request) async throws -> View {
        try requireAdmin(req)
        return try await render(req, parsed: nil, csv: nil, imported: nil)
    }

    /// An empty ledger with the headings and one example row, UTF-8 with a BOM so Excel shows the Chinese.
    func template(req: Request) async throws -> Response {
        try requireAdmin(req)
        let header = LedgerCSV.columns.map(\.heading).joined(separator: ",")
        let example = "HIS-2025-0001,2025-10-05 09:00,信息化,故障,挂号窗口打印机卡纸,打印时提示卡纸,个人,影响临床诊疗,,hushi,门诊部,,,"
            + "门诊一楼,2025-10-05 09:10,desk,liming,,2025-10-05 09:15,2025-10-05 10:30,更换搓纸轮,,2025-10-05 11:00,5,处理及时"
        let body = "\u{FEFF}" + header + "\r\n" + example + "\r\n"
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"ticket-import-template.csv\"; filename*=UTF-8''%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv")
        return response
    }

    func preview(req: Request) async throws -> Response {
        try requireAdmin(req)
        let upload: (bytes: [UInt8], fileName: String)
        do { upload = try req.uploadedFile("the ledger") } catch let error as AppError where error.status != .forbidden {
            return try await render(req, parsed: LedgerCSV.Parsed(rows: [], fileProblems: ["nofile"]), csv: nil, imported: nil)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard upload.bytes.count <= Self.maxUpload else {
            return try await render(req, parsed: LedgerCSV.Parsed(rows: [], fileProblems: ["toolarge"]), csv: nil, imported: nil)
                .encodeResponse(status: .payloadTooLarge, for: req)
        }
        let (parsed, ok) = try await check(upload.bytes, req)
        let text = ok ? (try? CSVReader.decode(upload.bytes)) : nil
        return try await render(req, parsed: parsed, csv: text, imported: nil).encodeResponse(status: ok ? .ok : .unprocessableEntity, for: req)
    }

    struct CommitForm: Content { var csv: String? }

    func commit(req: Request) async throws -> Response {
        try requireAdmin(req)
        let form = try req.content.decode(CommitForm.self)
        let bytes = Array((form.csv ?? "").utf8)
        let (parsed, ok) = try await check(bytes, req)
        guard ok else { return try await render(req, parsed: parsed, csv: nil, imported: nil).encodeResponse(status: .unprocessableEntity, for: req) }
        do {
            let result = try await TicketImport.run(ImportRequest(tickets: parsed.rows.compactMap(\.body)), request: req)
            let numbers = try await Ticket.query(on: req.db).filter(\.$id ~~ result.ids).all().map(\.number).sorted()
            return try await render(req, parsed: nil, csv: nil, imported: numbers).encodeResponse(for: req)
        } catch let error as AppError where error.code == .importInvalid {
            var rows = parsed.rows
            LedgerCSV.attach(error.fields ?? [:], to: &rows)
            return try await render(req, parsed: LedgerCSV.Parsed(rows: rows, fileProblems: []), csv: nil, imported: nil)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// Reads the file and runs every check of the import without writing; true when all rows pass.
    private func check(_ bytes: [UInt8], _ req: Request) async throws -> (LedgerCSV.Parsed, Bool) {
        let user = try req.requireUser()
        var parsed = try await LedgerCSV.read(bytes, labels: labels(req), timeZone: req.yiwei.config.timeZone, on: req.db)
        if parsed.fileProblems.isEmpty && parsed.rows.isEmpty { parsed.fileProblems = ["norows"] }
        if parsed.rows.count > TicketImport.maxTickets { parsed.fileProblems.append("toomany") }
        guard parsed.fileProblems.isEmpty else { return (parsed, false) }
        let bodies = parsed.rows.compactMap(\.body)
        let (_, problems, _) = try await TicketImport.check(bodies, importer: user, now: req.now, reference: try await req.reference(), on: req.db)
        LedgerCSV.attach(problems, to: &parsed.rows)
        return (parsed, parsed.rows.allSatisfy { $0.problems.isEmpty })
    }

    /// Display names → API values, from both languages' strings (信息化 → it, 故障 → incident, 全院 → hospital …).
    private func labels(_ req: Request) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        let i18n = req.yiwei.i18n
        for code in ["zh-CN", "en"] {
            let t = i18n.strings(code)
            func add<E: RawRepresentable & CaseIterable>(_ kind: String, _ type: E.Type) where E.RawValue == String {
                for value in E.allCases {
                    result[kind, default: [:]][value.rawValue] = value.rawValue
                    if let label = t["\(kind)_\(value.rawValue)"] {
                        result[kind, default: [:]][label] = value.rawValue
                        result[kind, default: [:]][label.lowercased()] = value.rawValue
                    }
                }
            }
            add("domain", ServiceDomain.self)
            add("kind", TicketKind.self)
            add("impact", Impact.self)
            add("urgency", Urgency.self)
        }
        // Short forms ledgers use.
        result["domain", default: [:]].merge(["IT": "it", "信息": "it", "信息科": "it", "后勤": "logistics", "总务": "logistics",
                                              "设备": "equipment", "医学装备": "equipment", "医疗设备": "equipment"]) { a, _ in a }
        return result
    }

    private func render(_ req: Request, parsed: LedgerCSV.Parsed?, csv: String?, imported: [String]?) async throws -> View {
        let page = try await PageBase.make(for: req, titleKey: "import_title")
        let t = page.t
        func problemText(_ text: String) -> String {
            let slug = text.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            if let known = t["import_problem_" + slug] { return known }
            if text.contains(" is not allowed while the ticket is ") { return (t["import_problem_transition"] ?? "") + "（\(text)）" }
            if text.hasPrefix("must be one of") { return (t["import_problem_one_of"] ?? "") + "（\(text.dropFirst(15))）" }
            if text.hasPrefix("the same number as tickets["), let i = Int(text.dropFirst(27).prefix { $0.isNumber }) {
                return (t["import_problem_same_number"] ?? "").replacingOccurrences(of: "{x}", with: String(i + 2))
            }
            return text
        }
        func fileProblem(_ code: String) -> String {
            let parts = code.split(separator: ":", maxSplits: 1).map(String.init)
            let text = t["import_file_" + parts[0]] ?? code
            return parts.count > 1 ? text.replacingOccurrences(of: "{x}", with: parts[1]) : text
        }
        let limit = 200
        let rows = parsed?.rows ?? []
        // Problems first, then the rest, up to the limit.
        let ordered = rows.filter { !$0.problems.isEmpty } + rows.filter { $0.problems.isEmpty }
        let shown = ordered.prefix(limit).map { row -> PreviewRow in
            let v = row.values
            let outcome = v["closedAt"] != nil ? "ticket_status_closed" : v["resolvedAt"] != nil ? "ticket_status_resolved"
                : v["startedAt"] != nil ? "ticket_status_in_progress" : v["acceptedAt"] != nil ? "ticket_status_accepted" : "ticket_status_new"
            return PreviewRow(line: row.line, number: v["number"] ?? (t["import_number_auto"] ?? ""), createdAt: v["createdAt"] ?? "",
                              title: v["title"] ?? "", reporter: v["reporter"] ?? "", outcome: t[outcome] ?? outcome,
                              problems: row.problems.map { "\($0.column)：\(problemText($0.text))" })
        }
        return try await req.view.render("admin/import", Context(
            page: page, columns: LedgerCSV.columns.map(\.heading), requiredColumns: LedgerCSV.required.map(LedgerCSV.heading),
            fileProblems: (parsed?.fileProblems ?? []).map(fileProblem), rows: Array(shown), total: rows.count,
            invalid: rows.filter { !$0.problems.isEmpty }.count, shownLimit: limit, csv: csv, imported: imported.map { Array($0.prefix(100)) },
            importedCount: imported?.count ?? 0))
    }
}
