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
            guard let raw = request.queryParameter(name), !raw.isEmpty else { return value }
            guard let n = Int(raw) else { fields[name] = "must be a whole number"; return value }
            return n
        }
        page = read("page", default: 1)
        per = read("per", default: Self.defaultPer)
        if page < 1 || page > 1_000_000 { fields["page"] = fields["page"] ?? "must be between 1 and 1000000" }
        if per < 1 || per > Self.maxPer { fields["per"] = fields["per"] ?? "must be between 1 and \(Self.maxPer)" }
        if !fields.isEmpty { throw AppError(.badRequest, .invalidQuery, "invalid pagination", fields: fields) }
    }
}

/// The list envelope of API.md: `{"items","page","per","total"}`, and `totalCapped` where a list counts its total
/// only up to a limit (ticket search): true when there are at least that many.
struct Page<Item: Content>: Content {
    var items: [Item]
    var page: Int
    var per: Int
    var total: Int
    var totalCapped: Bool? = nil

    var pageCount: Int { max(1, (total + per - 1) / per) }
}

extension Request {
    /// A query parameter's value, as `query[String.self, at: name]` gives it (plus as space, percent-decoded,
    /// the last of repeated names, nil when missing or badly encoded), from the query parsed once per request:
    /// Vapor's decoder parses the whole query again for every lookup, and a queue page asks for about twenty.
    func queryParameter(_ name: String) -> String? {
        if let parsed = storage[QueryParametersKey.self] { return parsed[name] ?? nil }
        var parsed: [String: String?] = [:]
        if let query = url.query {
            for pair in query.replacingOccurrences(of: "+", with: "%20").split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                // A name without "=" is no parameter to Vapor either; bracketed names are its arrays and objects.
                guard kv.count == 2, let key = kv[0].removingPercentEncoding, !key.contains("[") else { continue }
                parsed[key] = String(kv[1]).removingPercentEncoding
            }
        }
        storage[QueryParametersKey.self] = parsed
        return parsed[name] ?? nil
    }
}

private struct QueryParametersKey: StorageKey { typealias Value = [String: String?] }
