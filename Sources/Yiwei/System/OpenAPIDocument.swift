import Foundation
import YiweiCore
import YiweiText

/// The served OpenAPI 3.0 document. It is written next to the code it describes, and a test compares
/// its operations with the router's routes, so it cannot drift from what the server really does.
enum OpenAPIDocument {
    indirect enum J: Encodable, Sendable {
        case s(String), i(Int), b(Bool), a([J]), o([(String, J)])
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .s(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .i(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .b(let v): var c = encoder.singleValueContainer(); try c.encode(v)
            case .a(let v): var c = encoder.unkeyedContainer(); for x in v { try c.encode(x) }
            case .o(let pairs):
                var c = encoder.container(keyedBy: Key.self)
                for (k, v) in pairs { try c.encode(v, forKey: Key(k)) }
            }
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    // Schema helpers
    static func str(max: Int? = nil, format: String? = nil, nullable: Bool = false, enumValues: [String]? = nil, min: Int? = nil) -> J {
        var p: [(String, J)] = [("type", .s("string"))]
        if let max { p.append(("maxLength", .i(max))) }
        if let min { p.append(("minLength", .i(min))) }
        if let format { p.append(("format", .s(format))) }
        if let enumValues { p.append(("enum", .a(enumValues.map { .s($0) }))) }
        if nullable { p.append(("nullable", .b(true))) }
        return .o(p)
    }
    static let uuid = str(format: "uuid")
    static let uuidNullable = str(format: "uuid", nullable: true)
    static let dateTime = str(format: "date-time")
    static let dateTimeNullable = str(format: "date-time", nullable: true)
    static let bool = J.o([("type", .s("boolean"))])
    static let nullableInt = J.o([("type", .s("integer")), ("nullable", .b(true))])
    static func int(min: Int? = nil, max: Int? = nil) -> J {
        var p: [(String, J)] = [("type", .s("integer"))]
        if let min { p.append(("minimum", .i(min))) }
        if let max { p.append(("maximum", .i(max))) }
        return .o(p)
    }
    static func array(_ items: J) -> J { .o([("type", .s("array")), ("items", items)]) }
    static func ref(_ name: String) -> J { .o([("$ref", .s("#/components/schemas/" + name))]) }
    static func object(_ props: [(String, J)], required: [String] = []) -> J {
        var p: [(String, J)] = [("type", .s("object")), ("properties", .o(props))]
        if !required.isEmpty { p.append(("required", .a(required.map { .s($0) }))) }
        return .o(p)
    }
    static func page(_ item: String) -> J {
        // totalCapped: only where the total is counted up to a limit (the ticket search).
        object([("items", array(ref(item))), ("page", int(min: 1)), ("per", int(min: 1, max: 200)), ("total", int(min: 0)), ("totalCapped", bool)],
               required: ["items", "page", "per", "total"])
    }

    static let kinds = ["incident", "request", "consultation", "requirement", "problem", "change"]
    static let impacts = ["individual", "department", "multi_department", "hospital"]
    static let urgencies = ["patient_safety", "clinical", "operation", "experience"]
    static let priorities = ["P1", "P2", "P3", "P4"]
    static let channels = ["web", "mobile", "phone", "wechat", "qrcode", "api", "monitor"]
    static let statuses = ["new", "accepted", "in_progress", "pending", "resolved", "closed", "cancelled"]
    static let actions = TicketAction.allCases.map(\.rawValue)
    static let roles = Role.allCases.map(\.rawValue)
    static let domains = ["it", "logistics", "equipment"]
    static let stamps: [(String, J)] = [("isActive", bool), ("createdAt", dateTime), ("updatedAt", dateTime)]
    static let writeStamps: [(String, J)] = [("isActive", bool)]
    /// In request bodies an optional id may be "" to clear it.
    static let idOrEmpty = str(max: 36)

    // The document is assembled here from each feature's part (`<F>OpenAPI.swift` beside its controller), in the order
    // it has always been published in: clients and the fuzzing compare documents, so a new part goes at the end.
    static let schemas: [(String, J)] = [
        ("Error", object([("error", object([("code", str()), ("message", str()),
                                            ("fields", .o([("type", .s("object")), ("additionalProperties", str())]))],
                                           required: ["code", "message"]))], required: ["error"])),
        ("Health", object([("status", str(enumValues: ["ok", "unavailable"]))], required: ["status"])),
    ]
      + accountSchemas + organisationSchemas + auditSchemas + ticketSchemas + calendarSchemas + userLookupSchemas + channelSchemas
      + notificationSchemas + securitySettingsSchemas + priorityMatrixSchemas + slaPolicySchemas + knowledgeSchemas + kpiSchemas
      + dashboardSchemas + knowledgeToolSchemas + dispatchRuleSchemas + subscriptionSchemas + slaPolicyBodySchemas + businessMinutesSchemas
      + ["User", "Token", "Campus", "Department", "Team", "Vendor", "Category", "BusinessSystem", "AuditEntry", "TicketRow", "Calendar", "SLAPolicy", "Notification", "Outbox", "KBArticle"].map { ($0 + "Page", page($0)) }
      + ["TicketEvent", "Comment", "Link", "WorkLog", "Attachment", "SavedFilter", "Channel", "UserLookup", "DispatchRule", "Subscription", "KBVersion", "KBRevision", "KBCategory", "TicketSolution", "KBAttachment"].map { ($0 + "List", array(ref($0))) }
      + scorecardSchemas
      + registerSchemas
      + outageSchemas + reportSchemas
      + dutySchemas

    struct Operation: Sendable {
        var method: String
        var path: String
        var tag: String
        var summary: String
        var body: String? = nil
        var response: (Int, String?)
        var auth: Bool = true
        var query: [(String, J)] = []
        var pathParams: [String] = []
        var paged: Bool = false
        var multipart: Bool = false
        var binary: Bool = false
        /// The media type of a binary response (default application/octet-stream).
        var binaryType: String = "application/octet-stream"
        /// A body-less operation that a record's state may refuse (409), beside the POST actions that always may.
        var conflict: Bool = false
    }

    static let operations: [Operation] = [
        Operation(method: "get", path: "/healthz", tag: "system", summary: "Health: 200 when the database answers", response: (200, "Health"), auth: false),
        Operation(method: "get", path: "/openapi.json", tag: "system", summary: "This document", response: (200, nil), auth: false),
    ]
    + accountOperations
    + auditOperations
    + organisationOperations
    + ticketOperations
    + channelOperations + notificationOperations + securitySettingsOperations + priorityMatrixOperations + slaPolicyOperations
    + dispatchRuleOperations + subscriptionOperations + calendarOperations
    + kpiOperations + dashboardOperations + knowledgeOperations
    + scorecardOperations
    + registerOperations
    + outageOperations + reportOperations
    + businessSystemOperations
    + dutyOperations

    static func errorResponse(_ description: String) -> J {
        .o([("description", .s(description)), ("content", .o([("application/json", .o([("schema", ref("Error"))]))]))])
    }

    static var document: J {
        var paths: [(String, [(String, J)])] = []
        for op in operations {
            var parameters: [J] = op.pathParams.map {
                .o([("name", .s($0)), ("in", .s("path")), ("required", .b(true)), ("schema", uuid)])
            }
            var query = op.query
            if op.paged { query = [("page", int(min: 1, max: 1_000_000)), ("per", int(min: 1, max: 200))] + query }
            parameters += query.map { .o([("name", .s($0.0)), ("in", .s("query")), ("required", .b(false)), ("schema", $0.1)]) }
            var responses: [(String, J)] = []
            let (status, schema) = op.response
            if let schema {
                responses.append((String(status), .o([("description", .s("OK")),
                                                      ("content", .o([("application/json", .o([("schema", ref(schema))]))]))])))
            } else if op.binary {
                responses.append(("200", .o([("description", .s("The file")),
                                             ("content", .o([(op.binaryType, .o([("schema", str(format: "binary"))]))]))])))
            } else if op.path == "/openapi.json" {
                responses.append(("200", .o([("description", .s("The OpenAPI document")),
                                             ("content", .o([("application/json", .o([("schema", .o([("type", .s("object"))]))]))]))])))
            } else {
                responses.append((String(status), .o([("description", .s("Done"))])))
            }
            if op.method == "patch" && op.path == "/api/v1/kb/articles/{articleId}" {
                responses.append(("202", .o([("description", .s("A published article edited by someone who does not review knowledge: stored as its pending revision; the article as published, unchanged, with pendingRevision")),
                                             ("content", .o([("application/json", .o([("schema", ref("KBArticle"))]))]))])))
            }
            if op.body != nil || !query.isEmpty { responses.append(("400", errorResponse("Malformed request or query"))) }
            if op.auth { responses.append(("401", errorResponse("Not signed in, or the token is invalid"))) }
            if op.auth { responses.append(("403", errorResponse("Not permitted"))) }
            if !op.pathParams.isEmpty || query.contains(where: { $0.0.hasSuffix("Id") }) {
                responses.append(("404", errorResponse("No such record (in the path or named by an id in the query)")))
            }
            if op.body == nil && (op.method == "post" && !op.pathParams.isEmpty || op.conflict) {
                responses.append(("409", errorResponse("Not possible in the record's current state")))
            }
            if op.body != nil {
                responses.append(("409", errorResponse("Duplicate, or not possible in the record's current state")))
                responses.append(("413", errorResponse("Body too large")))
                responses.append(("415", errorResponse("Unsupported content type")))
                responses.append(("422", errorResponse("Invalid fields")))
            }
            if op.path == "/api/v1/auth/login" {
                responses.append(("423", errorResponse("Account locked after repeated failures")))
                responses.append(("429", errorResponse("Too many failed sign-ins from this address; see Retry-After")))
            }
            if op.method == "get" && ["/api/v1/kb/search", "/api/v1/kb/suggest", "/api/v1/kb/articles/{articleId}"].contains(op.path) {
                responses.append(("429", errorResponse("External listener only: too many requests from this address; see Retry-After")))
            }
            if op.body == nil && op.path.hasSuffix("/due") {
                responses.append(("422", errorResponse("The calendar has no working time within ten years of the start")))
            }
            if op.path == "/healthz" {
                responses.append(("503", .o([("description", .s("Database unavailable")),
                                             ("content", .o([("application/json", .o([("schema", ref("Health"))]))]))])))
            }
            var operation: [(String, J)] = [("tags", .a([.s(op.tag)])), ("summary", .s(op.summary)),
                                            ("operationId", .s(op.method + op.path.replacingOccurrences(of: "/", with: "_")
                                                .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
                                                .replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")))]
            if !parameters.isEmpty { operation.append(("parameters", .a(parameters))) }
            if let body = op.body {
                operation.append(("requestBody", .o([("required", .b(true)),
                                                     ("content", .o([(op.multipart ? "multipart/form-data" : "application/json",
                                                                      .o([("schema", ref(body))]))]))])))
            }
            operation.append(("responses", .o(responses)))
            if !op.auth { operation.append(("security", .a([]))) }
            if let index = paths.firstIndex(where: { $0.0 == op.path }) {
                paths[index].1.append((op.method, .o(operation)))
            } else {
                paths.append((op.path, [(op.method, .o(operation))]))
            }
        }
        return .o([
            ("openapi", .s("3.0.3")),
            ("info", .o([("title", .s("Yiwei (医维) API")), ("version", .s("1.0.0")),
                         ("description", .s("Hospital IT operations and service management. Errors: {\"error\":{\"code\",\"message\",\"fields\"}}. Lists: ?page=&per= (per ≤ 200)."))])),
            ("servers", .a([.o([("url", .s("/"))])])),
            ("security", .a([.o([("bearer", .a([]))])])),
            ("paths", .o(paths.map { ($0.0, J.o($0.1)) })),
            ("components", .o([
                ("securitySchemes", .o([("bearer", .o([("type", .s("http")), ("scheme", .s("bearer"))]))])),
                ("schemas", .o(schemas)),
            ])),
        ])
    }

    static let json: Data = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }()
}
