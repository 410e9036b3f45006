import Vapor

/// The `Content-Type` header's type and subtype, lowercased, without its parameters — read with plain string
/// work. Vapor's `headers.contentType` parses every parameter into a new `HTTPMediaType`, and the middlewares
/// asked it up to five times per request (about 4 % of a ticket creation's CPU).
struct MediaTypeName: Equatable {
    var type: String
    var subType: String

    init?(_ headers: HTTPHeaders) {
        guard let raw = headers.first(name: .contentType) else { return nil }
        let essence = raw.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = essence.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        type = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        subType = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
        if type.isEmpty || subType.isEmpty { return nil }
    }

    var isJSON: Bool { type == "application" && (subType == "json" || subType.hasSuffix("+json")) }
    var isMultipart: Bool { type == "multipart" }
    var isURLEncodedForm: Bool { type == "application" && subType == "x-www-form-urlencoded" }
    var isHTML: Bool { type == "text" && subType == "html" }
}

extension HTTPHeaders {
    var mediaTypeName: MediaTypeName? { MediaTypeName(self) }
}
