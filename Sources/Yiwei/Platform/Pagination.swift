import Vapor

/// `?page=1&per=50`, bounded: per is 1…200. Anything else is a 400, never a silent huge page.
struct PageRequest: Sendable {
    static let maxPer = 200
    static let defaultPer = 50
    var page: Int
    var per: Int
    var offset: Int { (page - 1) * per }

    init(page: Int = 1, per: Int = PageRequest.defaultPer) {
        self.page = page
        self.per = per
    }

    init(from request: Request) throws {
        var fields: [String: String] = [:]
        func read(_ name: String, default value: Int) -> Int {
            guard let raw = request.query[String.self, at: name], !raw.isEmpty else { return value }
            guard let n = Int(raw) else { fields[name] = "must be a whole number"; return value }
            return n
        }
        page = read("page", default: 1)
        per = read("per", default: Self.defaultPer)
        if page < 1 || page > 1_000_000 { fields["page"] = fields["page"] ?? "must be between 1 and 1000000" }
        if per < 1 || per > Self.maxPer { fields["per"] = fields["per"] ?? "must be between 1 and \(Self.maxPer)" }
        if !fields.isEmpty { throw AppError(.badRequest, "invalid_query", "invalid pagination", fields: fields) }
    }
}

/// The list envelope of API.md: `{"items","page","per","total"}`.
struct Page<Item: Content>: Content {
    var items: [Item]
    var page: Int
    var per: Int
    var total: Int

    var pageCount: Int { max(1, (total + per - 1) / per) }
}
