import Foundation
import YiweiCore
import YiweiText

/// The served OpenAPI 3.0 document. It is written next to the code it describes, and a test compares
/// its operations with the router's routes, so it cannot drift from what the server really does.
enum OpenAPIDocument {
    indirect enum J: Encodable {
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

    static let schemas: [(String, J)] = [
        ("Error", object([("error", object([("code", str()), ("message", str()),
                                            ("fields", .o([("type", .s("object")), ("additionalProperties", str())]))],
                                           required: ["code", "message"]))], required: ["error"])),
        ("Health", object([("status", str(enumValues: ["ok", "unavailable"]))], required: ["status"])),
        ("LoginRequest", object([("username", str(max: 64)), ("password", str(max: 256))], required: ["username", "password"])),
        ("UserSummary", object([("id", uuid), ("username", str()), ("displayName", str()), ("roles", array(str(enumValues: roles)))],
                               required: ["id", "username", "displayName", "roles"])),
        ("LoginResponse", object([("token", str()), ("expiresAt", dateTime), ("user", ref("UserSummary"))], required: ["token", "expiresAt", "user"])),
        ("User", object([("id", uuid), ("username", str()), ("displayName", str()), ("roles", array(str(enumValues: roles))),
                         ("departmentId", uuidNullable), ("vendorId", uuidNullable), ("teamIds", array(uuid)),
                         ("phone", str(nullable: true)), ("email", str(nullable: true)), ("locale", str(enumValues: ["zh-CN", "en"])),
                         ("isActive", bool), ("locked", bool), ("mustChangePassword", bool), ("lastLoginAt", dateTimeNullable),
                         ("createdAt", dateTime), ("updatedAt", dateTime)],
                        required: ["id", "username", "displayName", "roles", "teamIds", "locale", "isActive", "locked", "mustChangePassword", "createdAt", "updatedAt"])),
        ("CreateUser", object([("username", str(max: 32)), ("displayName", str(max: 50)), ("password", str(max: 128)),
                               ("roles", array(str(enumValues: roles))), ("departmentId", idOrEmpty), ("vendorId", idOrEmpty),
                               ("teamIds", array(uuid)), ("phone", str(max: 30)), ("email", str(max: 100)), ("locale", str(enumValues: ["zh-CN", "en"]))],
                              required: ["username", "displayName", "password", "roles"])),
        ("UpdateUser", object([("displayName", str(max: 50)), ("password", str(max: 128)), ("roles", array(str(enumValues: roles))),
                               ("departmentId", idOrEmpty), ("vendorId", idOrEmpty), ("teamIds", array(uuid)), ("phone", str(max: 30)),
                               ("email", str(max: 100)), ("locale", str(enumValues: ["zh-CN", "en"])), ("isActive", bool), ("locked", bool)])),
        ("ChangePassword", object([("currentPassword", str()), ("newPassword", str())], required: ["currentPassword", "newPassword"])),
        ("Token", object([("id", uuid), ("name", str()), ("createdAt", dateTime), ("expiresAt", dateTime), ("revokedAt", dateTimeNullable),
                          ("lastUsedAt", dateTimeNullable)], required: ["id", "name", "createdAt", "expiresAt"])),
        ("CreateToken", object([("name", str(max: 50)), ("expiresInDays", int(min: 1))], required: ["name"])),
        ("CreatedToken", object([("token", str()), ("info", ref("Token"))], required: ["token", "info"])),
        ("Campus", object([("id", uuid), ("name", str()), ("code", str(nullable: true)), ("address", str(nullable: true))] + stamps,
                          required: ["id", "name", "isActive", "createdAt", "updatedAt"])),
        ("CampusBody", object([("name", str(max: 50)), ("code", str(max: 20)), ("address", str(max: 200))] + writeStamps)),
        ("Department", object([("id", uuid), ("name", str()), ("campusId", uuidNullable), ("campus", str(nullable: true)),
                               ("location", str(nullable: true)), ("phone", str(nullable: true)), ("reportersSeeDepartment", bool)] + stamps,
                              required: ["id", "name", "reportersSeeDepartment", "isActive", "createdAt", "updatedAt"])),
        ("DepartmentBody", object([("name", str(max: 50)), ("campusId", idOrEmpty), ("campus", str(max: 50)),
                                   ("location", str(max: 100)), ("phone", str(max: 30)), ("reportersSeeDepartment", bool)] + writeStamps)),
        ("Team", object([("id", uuid), ("name", str()), ("domain", str(enumValues: domains)), ("leadId", uuidNullable),
                         ("vendorId", uuidNullable), ("description", str(nullable: true)), ("memberIds", array(uuid)), ("onDutyIds", array(uuid)),
                         ("autoAssign", bool)] + stamps,
                        required: ["id", "name", "domain", "memberIds", "onDutyIds", "autoAssign", "isActive", "createdAt", "updatedAt"])),
        ("TeamBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("leadId", idOrEmpty), ("vendorId", idOrEmpty),
                             ("description", str(max: 500)), ("memberIds", array(uuid)), ("onDutyIds", array(uuid)), ("autoAssign", bool)] + writeStamps)),
        ("Vendor", object([("id", uuid), ("name", str()), ("contractNo", str(nullable: true)), ("contractStart", str(format: "date", nullable: true)),
                           ("contractEnd", str(format: "date", nullable: true)), ("contactName", str(nullable: true)),
                           ("contactPhone", str(nullable: true)), ("serviceScope", str(nullable: true))] + stamps,
                          required: ["id", "name", "isActive", "createdAt", "updatedAt"])),
        ("VendorBody", object([("name", str(max: 100)), ("contractNo", str(max: 50)), ("contractStart", str(max: 10)), ("contractEnd", str(max: 10)),
                               ("contactName", str(max: 50)), ("contactPhone", str(max: 30)), ("serviceScope", str(max: 500))] + writeStamps)),
        ("Category", object([("id", uuid), ("name", str()), ("domain", str(enumValues: domains)), ("parentId", uuidNullable),
                             ("defaultTeamId", uuidNullable), ("sortOrder", int())] + stamps,
                            required: ["id", "name", "domain", "sortOrder", "isActive", "createdAt", "updatedAt"])),
        ("CategoryBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("parentId", idOrEmpty),
                                 ("defaultTeamId", idOrEmpty), ("sortOrder", int(min: 0, max: 9999))] + writeStamps)),
        ("BusinessSystem", object([("id", uuid), ("name", str()), ("code", str(nullable: true)), ("ownerDepartmentId", uuidNullable),
                                   ("vendorId", uuidNullable), ("criticality", str(enumValues: ["core", "important", "general"])),
                                   ("description", str(nullable: true))] + stamps,
                                  required: ["id", "name", "criticality", "isActive", "createdAt", "updatedAt"])),
        ("BusinessSystemBody", object([("name", str(max: 100)), ("code", str(max: 30)), ("ownerDepartmentId", idOrEmpty), ("vendorId", idOrEmpty),
                                       ("criticality", str(enumValues: ["core", "important", "general"])), ("description", str(max: 1000))] + writeStamps)),
        ("AuditEntry", object([("sequence", int(min: 1)), ("at", dateTime), ("actorId", str(nullable: true)), ("actorName", str()),
                               ("ip", str()), ("action", str()), ("entityType", str()), ("entityId", str(nullable: true)),
                               ("before", str(nullable: true)), ("after", str(nullable: true)), ("hash", str())],
                              required: ["sequence", "at", "actorName", "ip", "action", "entityType", "hash"])),
        ("AuditVerify", object([("intact", bool), ("checked", int(min: 0)), ("problem", str(nullable: true, enumValues: ["missing", "modified"])),
                                ("sequence", .o([("type", .s("integer")), ("nullable", .b(true))]))], required: ["intact", "checked"])),
        ("CreateTicket", object([("domain", str(enumValues: domains)), ("kind", str(enumValues: kinds)), ("title", str(max: 200)),
                                 ("description", str(max: 5000)), ("impact", str(enumValues: impacts)), ("urgency", str(enumValues: urgencies)),
                                 ("priority", str(enumValues: priorities)), ("priorityReason", str(max: 200)), ("categoryId", idOrEmpty),
                                 ("businessSystemId", idOrEmpty), ("reporterId", idOrEmpty), ("departmentId", idOrEmpty), ("assetId", str(max: 64)),
                                 ("location", str(max: 100)), ("channel", str(enumValues: channels)), ("occurredAt", dateTime)],
                                required: ["domain", "title", "impact", "urgency"])),
        ("TicketSLA", object([("responseDueAt", dateTimeNullable), ("startDueAt", dateTimeNullable), ("resolveDueAt", dateTimeNullable),
                              ("responseBreached", bool), ("startBreached", bool), ("resolveBreached", bool),
                              ("pausedMinutes", .o([("type", .s("number"))])), ("policyId", uuidNullable), ("policyName", str(nullable: true)),
                              ("calendarName", str(nullable: true)), ("businessTime", .o([("type", .s("boolean")), ("nullable", .b(true))])),
                              ("raisedInHours", .o([("type", .s("boolean")), ("nullable", .b(true))])), ("paused", bool),
                              ("clocks", array(ref("SLAClock")))],
                             required: ["responseBreached", "startBreached", "resolveBreached", "pausedMinutes", "paused", "clocks"])),
        ("TicketPlan", object([("requiredAt", dateTimeNullable), ("text", str(nullable: true)), ("byId", uuidNullable),
                               ("approvedAt", dateTimeNullable), ("approvedById", uuidNullable), ("blocking", bool)], required: ["blocking"])),
        ("TicketRating", object([("score", int(min: 1, max: 5)), ("comment", str(nullable: true)), ("at", dateTime)], required: ["score", "at"])),
        ("Ticket", object([("id", uuid), ("number", str()), ("domain", str(enumValues: domains)), ("kind", str(enumValues: kinds)),
                           ("title", str()), ("description", str()), ("impact", str(enumValues: impacts)), ("urgency", str(enumValues: urgencies)),
                           ("priority", str(enumValues: priorities)), ("status", str(enumValues: statuses)), ("pendingReason", str(nullable: true)),
                           ("waitOn", str(nullable: true, enumValues: PauseWait.allCases.map(\.rawValue))),
                           ("pauseApproval", str(nullable: true, enumValues: PauseApproval.allCases.map(\.rawValue))),
                           ("categoryId", uuidNullable), ("categoryName", str(nullable: true)), ("businessSystemId", uuidNullable),
                           ("businessSystemName", str(nullable: true)), ("assetId", str(nullable: true)), ("location", str(nullable: true)),
                           ("departmentId", uuidNullable), ("departmentName", str(nullable: true)), ("reporterId", uuidNullable),
                           ("reporterName", str(nullable: true)), ("channel", str(enumValues: channels)), ("occurredAt", dateTimeNullable),
                           ("assigneeId", uuidNullable), ("assigneeName", str(nullable: true)), ("teamId", uuidNullable), ("teamName", str(nullable: true)),
                           ("resolution", str(nullable: true)), ("reopenCount", int(min: 0)), ("createdAt", dateTime), ("updatedAt", dateTime),
                           ("acknowledgedAt", dateTimeNullable), ("startedAt", dateTimeNullable), ("resolvedAt", dateTimeNullable),
                           ("closedAt", dateTimeNullable), ("cancelledAt", dateTimeNullable), ("sla", ref("TicketSLA")),
                           ("rating", .o([("allOf", .a([ref("TicketRating")])), ("nullable", .b(true))])),
                           ("plan", .o([("allOf", .a([ref("TicketPlan")])), ("nullable", .b(true))]))],
                          required: ["id", "number", "domain", "kind", "title", "description", "impact", "urgency", "priority", "status",
                                     "channel", "reopenCount", "createdAt", "updatedAt", "sla"])),
        ("TicketRow", object([("id", uuid), ("number", str()), ("domain", str(enumValues: domains)), ("kind", str(enumValues: kinds)),
                              ("title", str()), ("priority", str(enumValues: priorities)), ("status", str(enumValues: statuses)),
                              ("reporterName", str(nullable: true)), ("departmentName", str(nullable: true)), ("businessSystemName", str(nullable: true)),
                              ("assigneeName", str(nullable: true)), ("teamName", str(nullable: true)), ("createdAt", dateTime), ("updatedAt", dateTime),
                              ("nextDueAt", dateTimeNullable)],
                             required: ["id", "number", "domain", "kind", "title", "priority", "status", "createdAt", "updatedAt"])),
        ("TicketAction", object([("action", str(enumValues: actions)), ("assigneeId", idOrEmpty), ("teamId", idOrEmpty),
                                 ("domain", str(enumValues: domains)), ("reason", str(max: 500)), ("resolution", str(max: 5000)),
                                 ("priority", str(enumValues: priorities)), ("note", str(max: 2000)),
                                 ("waitOn", str(enumValues: PauseWait.allCases.map(\.rawValue)))], required: ["action"])),
        ("TicketEvent", object([("id", uuid), ("at", dateTime), ("actorId", uuidNullable), ("actorName", str(nullable: true)), ("type", str()),
                                ("data", .o([("type", .s("object")), ("additionalProperties", str())])), ("internal", bool)],
                               required: ["id", "at", "type", "data", "internal"])),
        ("CommentBody", object([("body", str(max: 5000)), ("internal", bool)], required: ["body"])),
        ("Comment", object([("id", uuid), ("authorId", uuid), ("authorName", str()), ("body", str()), ("internal", bool), ("createdAt", dateTime)],
                           required: ["id", "authorId", "authorName", "body", "internal", "createdAt"])),
        ("RatingBody", object([("score", int(min: 1, max: 5)), ("comment", str(max: 500))], required: ["score"])),
        ("LinkBody", object([("type", str(enumValues: ["duplicate_of", "caused_by", "child_of"])), ("target", str(max: 64))], required: ["type", "target"])),
        ("Link", object([("id", uuid), ("type", str()), ("direction", str(enumValues: ["outgoing", "incoming"])), ("ticketId", uuid),
                         ("number", str()), ("title", str()), ("status", str(enumValues: statuses))],
                        required: ["id", "type", "direction", "ticketId", "number", "title", "status"])),
        ("WorkLogBody", object([("minutes", int(min: 1, max: 1440)), ("note", str(max: 500))], required: ["minutes", "note"])),
        ("WorkLog", object([("id", uuid), ("userId", uuid), ("userName", str()), ("minutes", int()), ("note", str()), ("createdAt", dateTime)],
                           required: ["id", "userId", "userName", "minutes", "note", "createdAt"])),
        ("Attachment", object([("id", uuid), ("ticketId", uuid), ("fileName", str()), ("contentType", str()), ("size", int(min: 1)),
                               ("sha256", str()), ("internal", bool), ("uploaderId", uuid), ("createdAt", dateTime)],
                              required: ["id", "ticketId", "fileName", "contentType", "size", "sha256", "internal", "uploaderId", "createdAt"])),
        ("AttachmentUpload", object([("file", str(format: "binary")), ("internal", bool)], required: ["file"])),
        ("ImportEvent", .o([("allOf", .a([ref("TicketAction"), object([("at", dateTime), ("actorId", idOrEmpty)], required: ["at"])]))])),
        ("ImportTicket", .o([("allOf", .a([ref("CreateTicket"),
                                           object([("number", str(max: 40)), ("createdAt", dateTime), ("events", array(ref("ImportEvent"))),
                                                   ("rating", object([("score", int(min: 1, max: 5)), ("comment", str(max: 500)), ("at", dateTime)],
                                                                     required: ["score"]))],
                                                  required: ["createdAt", "reporterId"])]))])),
        ("ImportBody", object([("tickets", array(ref("ImportTicket")))], required: ["tickets"])),
        ("ImportResult", object([("imported", int(min: 0)), ("ids", array(uuid))], required: ["imported", "ids"])),
        ("BulkAction", object([("ids", array(uuid)), ("action", ref("TicketAction"))], required: ["ids", "action"])),
        ("BulkResult", object([("results", array(object([("id", str()), ("ok", bool), ("error", str(nullable: true))], required: ["id", "ok"])))],
                              required: ["results"])),
        ("SavedFilterBody", object([("name", str(max: 30)), ("query", str(max: 500))], required: ["name", "query"])),
        ("SavedFilter", object([("id", uuid), ("name", str()), ("query", str())], required: ["id", "name", "query"])),
        ("WeeklyHours", .o([("type", .s("object")), ("description", .s("weekday (mon … sun) → intervals [[\"08:00\",\"12:00\"],[\"14:30\",\"17:30\"]]")),
                            ("additionalProperties", array(array(str())))])),
        ("Calendar", object([("id", uuid), ("name", str()), ("timeZone", str()), ("weeklyHours", ref("WeeklyHours")),
                             ("holidays", array(str(format: "date"))), ("workdays", array(str(format: "date")))] + stamps,
                            required: ["id", "name", "timeZone", "weeklyHours", "holidays", "workdays", "isActive", "createdAt", "updatedAt"])),
        ("CalendarBody", object([("name", str(max: 50)), ("timeZone", str()), ("weeklyHours", ref("WeeklyHours")),
                                 ("holidays", array(str())), ("workdays", array(str()))] + writeStamps, required: ["name", "weeklyHours"])),
        ("CalendarDates", object([("holidays", array(str())), ("workdays", array(str()))])),
        ("Due", object([("due", str(format: "date-time"))], required: ["due"])),
        ("UserLookup", object([("id", uuid), ("displayName", str()), ("username", str()), ("phone", str(nullable: true)),
                               ("department", str(nullable: true)), ("label", str())], required: ["id", "displayName", "username", "label"])),
        ("Channel", object([("id", uuid), ("name", str()), ("kind", str(enumValues: ["wecom", "dingtalk", "email"])), ("url", str()), ("signed", bool),
                            ("events", array(str())), ("domain", str(nullable: true)), ("sender", str(nullable: true)),
                            ("recipients", .o([("type", .s("array")), ("items", str()), ("nullable", .b(true))])), ("isActive", bool), ("createdAt", dateTime)],
                           required: ["id", "name", "kind", "url", "signed", "events", "isActive", "createdAt"])),
        ("ChannelBody", object([("name", str(max: 50)), ("kind", str(enumValues: ["wecom", "dingtalk", "email"])), ("url", str(max: 500)),
                                ("secret", str(max: 200)), ("events", array(str(max: 50))), ("domain", str(enumValues: domains)),
                                ("sender", str(max: 254)), ("recipients", array(str(max: 254)))],
                               required: ["name", "kind", "url"])),
        ("Outbox", object([("id", uuid), ("channelId", uuid), ("event", str()), ("title", str()), ("status", str(enumValues: ["pending", "sent", "dead"])),
                           ("attempts", int(min: 0)), ("nextAttemptAt", dateTime), ("lastError", str(nullable: true)), ("createdAt", dateTime),
                           ("sentAt", dateTimeNullable)], required: ["id", "channelId", "event", "title", "status", "attempts", "nextAttemptAt", "createdAt"])),
        ("Notification", object([("id", uuid), ("event", str()), ("title", str()), ("body", str()), ("ticketId", uuidNullable),
                                 ("createdAt", dateTime), ("read", bool)], required: ["id", "event", "title", "body", "createdAt", "read"])),
        ("SecuritySettings", object(SecuritySettings.ranges.map { ($0.field, int(min: $0.range.lowerBound, max: $0.range.upperBound)) }
                                    + [("updatedAt", dateTimeNullable)],
                                    required: SecuritySettings.ranges.map(\.field) + ["updatedAt"])),
        ("SecuritySettingsPatch", object(SecuritySettings.ranges.map { ($0.field, int(min: $0.range.lowerBound, max: $0.range.upperBound)) })),
        ("PriorityMatrix", object([("cells", .o([("type", .s("object")), ("description", .s("urgency → impact → P1…P4")),
                                                  ("additionalProperties", .o([("type", .s("object")), ("additionalProperties", str(enumValues: priorities))]))]))],
                                  required: ["cells"])),
        ("SLAPolicy", object([("id", uuid), ("name", str()), ("domain", str(enumValues: domains)), ("priority", str(enumValues: priorities)),
                              ("categoryId", uuidNullable), ("businessSystemId", uuidNullable), ("calendarId", uuid), ("businessTime", bool),
                              ("responseMinutes", nullableInt), ("startMinutes", nullableInt), ("resolveMinutes", nullableInt),
                              ("offHoursResponseMinutes", nullableInt), ("offHoursStartMinutes", nullableInt), ("offHoursResolveMinutes", nullableInt),
                              ("responseBusinessTime", bool), ("startBusinessTime", bool), ("resolveBusinessTime", bool),
                              ("planAfterMinutes", nullableInt), ("escalation", array(ref("EscalationStep"))),
                              ("isActive", bool), ("effectiveFrom", dateTime)],
                             required: ["id", "name", "domain", "priority", "calendarId", "businessTime", "responseBusinessTime", "startBusinessTime",
                                        "resolveBusinessTime", "escalation", "isActive", "effectiveFrom"])),
        ("EscalationStep", object([("clock", str(enumValues: ["response", "start", "resolve"])), ("percent", int(min: 1, max: 1000)),
                                   ("notify", array(str(enumValues: ["assignee", "team_lead", "domain_leads", "vendor"]))),
                                   ("userIds", .o([("type", .s("array")), ("items", uuid), ("nullable", .b(true))]))],
                                  required: ["clock", "percent", "notify"])),
        ("SLAPolicyPatch", object([("isActive", bool)], required: ["isActive"])),
        ("KBArticle", object([("id", uuid), ("title", str()), ("body", str()), ("categoryId", uuidNullable), ("businessSystemId", uuidNullable),
                              ("tags", array(str())), ("visibility", str(enumValues: ["public", "internal", "restricted"])),
                              ("status", str(enumValues: ["draft", "review", "published", "archived"])), ("ownerId", uuid), ("ownerName", str(nullable: true)),
                              ("reviewerId", uuidNullable), ("teamId", uuidNullable), ("departmentId", uuidNullable), ("sourceTicketId", uuidNullable),
                              ("version", int(min: 1)), ("reviewDueAt", dateTimeNullable), ("publishedAt", dateTimeNullable), ("views", int(min: 0)),
                              ("helpful", int(min: 0)), ("notHelpful", int(min: 0)), ("solved", int(min: 0)), ("createdAt", dateTime), ("updatedAt", dateTime),
                              ("redactions", .o([("type", .s("array")), ("nullable", .b(true)), ("items", ref("Redaction"))])),
                              ("pendingRevision", .o([("allOf", .a([ref("KBRevision")])), ("nullable", .b(true)),
                                                      ("description", .s("A change waiting for a reviewer (for the article's maintainers and reviewers); the other fields stay the published version"))]))],
                             required: ["id", "title", "body", "tags", "visibility", "status", "ownerId", "version", "views", "helpful", "notHelpful",
                                        "solved", "createdAt", "updatedAt"])),
        ("KBRevision", object([("id", uuid), ("articleId", uuid), ("baseVersion", int(min: 1)), ("status", str(enumValues: ["pending", "approved", "rejected"])),
                               ("title", str()), ("body", str()), ("tags", array(str())), ("categoryId", uuidNullable), ("businessSystemId", uuidNullable),
                               ("visibility", str(enumValues: ["public", "internal", "restricted"])), ("teamId", uuidNullable), ("departmentId", uuidNullable),
                               ("note", str(nullable: true)), ("authorId", uuid), ("authorName", str(nullable: true)), ("editorId", uuid),
                               ("createdAt", dateTime), ("updatedAt", dateTime), ("decidedBy", uuidNullable), ("decidedAt", dateTimeNullable),
                               ("reason", str(nullable: true)), ("version", nullableInt),
                               ("changes", array(str(enumValues: ["title", "body", "tags", "categoryId", "businessSystemId", "visibility", "teamId", "departmentId"])))],
                              required: ["id", "articleId", "baseVersion", "status", "title", "body", "tags", "visibility", "authorId", "editorId",
                                         "createdAt", "updatedAt", "changes"])),
        ("KBRevisionDiff", object([("revision", ref("KBRevision")), ("publishedVersion", int(min: 1)), ("comparison", .o([("type", .s("object"))]))],
                                  required: ["revision", "publishedVersion", "comparison"])),
        ("Redaction", object([("kind", str(enumValues: ["patient_name", "resident_id", "mobile", "landline", "record_number", "bed", "address"])),
                              ("range", array(int())), ("original", str()), ("replacement", str()), ("replacementRange", array(int()))],
                             required: ["kind", "original", "replacement"])),
        ("KBArticleBody", object([("title", str(max: 120)), ("body", str()), ("categoryId", idOrEmpty), ("businessSystemId", idOrEmpty),
                                  ("tags", array(str(max: 20))), ("visibility", str(enumValues: ["public", "internal", "restricted"])),
                                  ("teamId", idOrEmpty), ("departmentId", idOrEmpty), ("note", str(max: 200)), ("restoreVersion", int(min: 1))])),
        ("KBAction", object([("action", str(enumValues: ["submit", "publish", "reject", "archive", "restore", "confirm_review", "approve_revision",
                                                           "reject_revision"])), ("reason", str(max: 200))],
                            required: ["action"])),
        ("KBFeedback", object([("helpful", bool)], required: ["helpful"])),
        ("KBAttachment", object([("id", uuid), ("articleId", uuid), ("fileName", str()), ("contentType", str()), ("size", int(min: 1)),
                                 ("sha256", str()), ("createdAt", dateTime), ("url", str())],
                                required: ["id", "articleId", "fileName", "contentType", "size", "sha256", "createdAt", "url"])),
        ("KPIFigures", object([("created", int(min: 0)), ("resolved", int(min: 0)), ("closed", int(min: 0)), ("closureRate", .o([("type", .s("number"))])),
                               ("meanResponseMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("meanResolveMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("slaResponseRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("slaResolveRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("reopenRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                               ("satisfaction", .o([("type", .s("number")), ("nullable", .b(true))]))],
                              required: ["created", "resolved", "closed", "closureRate"])),
        ("KPIResult", object([("from", dateTime), ("to", dateTime), ("domain", str(nullable: true)), ("teamId", uuidNullable),
                              ("created", int(min: 0)), ("resolved", int(min: 0)), ("closed", int(min: 0)), ("closureRate", .o([("type", .s("number"))])),
                              ("meanResponseMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("meanResolveMinutes", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("slaResponseRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("slaResolveRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("reopenRate", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("satisfaction", .o([("type", .s("number")), ("nullable", .b(true))])),
                              ("groupBy", str(nullable: true)),
                              ("groups", .o([("type", .s("array")), ("nullable", .b(true)),
                                             ("items", object([("key", str()), ("label", str()), ("kpis", ref("KPIFigures"))], required: ["key", "label", "kpis"]))]))],
                             required: ["from", "to", "created", "resolved", "closed", "closureRate"])),
        ("DashboardCount", object([("key", str()), ("count", int(min: 0))], required: ["key", "count"])),
        ("DashboardDay", object([("date", str(format: "date")), ("created", int(min: 0)), ("resolved", int(min: 0))], required: ["date", "created", "resolved"])),
        ("DashboardFigures", object([
            ("generatedAt", dateTime), ("timeZone", str()), ("open", int(min: 0)),
            ("byStatus", array(ref("DashboardCount"))), ("byDomain", array(ref("DashboardCount"))), ("byPriority", array(ref("DashboardCount"))),
            ("atRisk", int(min: 0)), ("breached", int(min: 0)), ("today", ref("DashboardDay")), ("trend", array(ref("DashboardDay"))),
            ("topSystems", array(object([("id", uuid), ("name", str()), ("incidents", int(min: 0))], required: ["id", "name", "incidents"]))),
            ("onDuty", array(object([("teamId", uuid), ("teamName", str()), ("domain", str(enumValues: domains)),
                                     ("engineers", array(object([("id", uuid), ("name", str()), ("openTickets", int(min: 0))],
                                                                required: ["id", "name", "openTickets"])))],
                                    required: ["teamId", "teamName", "domain", "engineers"])))],
            required: ["generatedAt", "timeZone", "open", "byStatus", "byDomain", "byPriority", "atRisk", "breached", "today", "trend",
                       "topSystems", "onDuty"])),
        ("KBImportResult", object([("created", int(min: 0)), ("updated", int(min: 0)), ("unchanged", int(min: 0)), ("attachments", int(min: 0))],
                                  required: ["created", "updated", "unchanged", "attachments"])),
        ("TicketSolution", object([("id", uuid), ("number", str()), ("title", str()), ("snippet", str()), ("resolvedAt", dateTimeNullable)],
                                  required: ["id", "number", "title", "snippet"])),
        ("KBVersion", object([("version", int(min: 1)), ("title", str()), ("tags", array(str())), ("editorId", uuid), ("editorName", str(nullable: true)),
                              ("note", str(nullable: true)), ("createdAt", dateTime)], required: ["version", "title", "tags", "editorId", "createdAt"])),
        ("KBDiff", object([("from", int()), ("to", int()), ("comparison", .o([("type", .s("object"))]))], required: ["from", "to", "comparison"])),
        ("KBSearchHit", object([("id", uuid), ("title", str()), ("snippet", str()), ("tags", array(str())), ("updatedAt", dateTime)],
                               required: ["id", "title", "snippet", "tags", "updatedAt"])),
        ("KBSearchResult", object([("items", array(ref("KBSearchHit"))), ("total", int(min: 0)), ("page", int(min: 1)), ("per", int(min: 1))],
                                  required: ["items", "total", "page", "per"])),
        ("KBCategory", object([("id", uuid), ("name", str()), ("kind", str(enumValues: ["system", "department", "problem"])), ("parentId", uuidNullable),
                               ("sortOrder", int())], required: ["id", "name", "kind", "sortOrder"])),
        ("KBCategoryBody", object([("name", str(max: 50)), ("kind", str(enumValues: ["system", "department", "problem"])), ("parentId", idOrEmpty),
                                   ("sortOrder", int())], required: ["name"])),
        ("KBStats", object([("top", array(.o([("type", .s("object"))]))), ("zeroResults", array(.o([("type", .s("object"))]))), ("reviewOverdue", int(min: 0))],
                           required: ["top", "zeroResults", "reviewOverdue"])),
        ("DispatchRule", object([("id", uuid), ("position", int(min: 0)), ("name", str()), ("domain", str(enumValues: domains)),
                                 ("categoryId", uuidNullable), ("businessSystemId", uuidNullable), ("campusId", uuidNullable),
                                 ("priority", str(nullable: true, enumValues: priorities)), ("teamId", uuid), ("isActive", bool), ("createdAt", dateTime)],
                                required: ["id", "position", "name", "domain", "teamId", "isActive", "createdAt"])),
        ("DispatchRuleBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("categoryId", idOrEmpty),
                                     ("businessSystemId", idOrEmpty), ("campusId", idOrEmpty), ("priority", str(enumValues: [""] + priorities)),
                                     ("teamId", uuid), ("position", int(min: 0, max: 9999))], required: ["name", "domain", "teamId"])),
        ("DispatchRulePatch", object([("position", int(min: 0, max: 9999)), ("isActive", bool)])),
        ("Subscription", object([("id", uuid), ("name", str()), ("event", str()), ("role", str(nullable: true)), ("teamId", uuidNullable),
                                 ("ticketTeam", bool), ("domain", str(nullable: true)), ("delivery", str(enumValues: ["in_app", "email"])),
                                 ("isActive", bool), ("createdAt", dateTime)],
                                required: ["id", "name", "event", "ticketTeam", "delivery", "isActive", "createdAt"])),
        ("SubscriptionPatch", object([("isActive", bool)], required: ["isActive"])),
        ("SubscriptionBody", object([("name", str(max: 50)), ("event", str(max: 50)), ("role", str(enumValues: ["", "agent", "dispatcher", "lead"])),
                                     ("teamId", idOrEmpty), ("ticketTeam", bool), ("domain", str(enumValues: [""] + domains)),
                                     ("delivery", str(enumValues: ["in_app", "email"]))], required: ["name", "event"])),
        ("SLAPolicyBody", object([("name", str(max: 50)), ("domain", str(enumValues: domains)), ("priority", str(enumValues: priorities)),
                                  ("categoryId", idOrEmpty), ("businessSystemId", idOrEmpty), ("calendarId", uuid), ("businessTime", bool),
                                  ("responseMinutes", int(min: 1, max: 525_600)), ("startMinutes", int(min: 1, max: 525_600)),
                                  ("resolveMinutes", int(min: 1, max: 525_600)), ("offHoursResponseMinutes", int(min: 1, max: 525_600)),
                                  ("offHoursStartMinutes", int(min: 1, max: 525_600)), ("offHoursResolveMinutes", int(min: 1, max: 525_600)),
                                  ("responseBusinessTime", bool), ("startBusinessTime", bool), ("resolveBusinessTime", bool),
                                  ("planAfterMinutes", int(min: 1, max: 525_600)), ("escalation", array(ref("EscalationStepBody"))),
                                  ("effectiveFrom", str(format: "date-time"))],
                                 required: ["name", "domain", "priority", "calendarId"])),
        ("EscalationStepBody", object([("clock", str()), ("percent", int()), ("notify", array(str())), ("userIds", array(uuid))],
                                      required: ["clock", "percent", "notify"])),
        ("SLAClock", object([("kind", str(enumValues: ["response", "start", "resolve"])), ("targetMinutes", int()), ("dueAt", dateTimeNullable),
                             ("elapsedMinutes", .o([("type", .s("number"))])), ("pausedMinutes", .o([("type", .s("number"))])),
                             ("stoppedAt", dateTimeNullable), ("breached", bool), ("paused", bool), ("businessTime", bool)],
                            required: ["kind", "targetMinutes", "elapsedMinutes", "pausedMinutes", "breached", "paused", "businessTime"])),
        ("BusinessMinutes", object([("minutes", .o([("type", .s("number"))]))], required: ["minutes"])),
    ] + ["User", "Token", "Campus", "Department", "Team", "Vendor", "Category", "BusinessSystem", "AuditEntry", "TicketRow", "Calendar", "SLAPolicy", "Notification", "Outbox", "KBArticle"].map { ($0 + "Page", page($0)) }
      + ["TicketEvent", "Comment", "Link", "WorkLog", "Attachment", "SavedFilter", "Channel", "UserLookup", "DispatchRule", "Subscription", "KBVersion", "KBRevision", "KBCategory", "TicketSolution", "KBAttachment"].map { ($0 + "List", array(ref($0))) }
      + scorecardSchemas
      + registerSchemas
      + reportSchemas

    struct Operation {
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
    }

    static func orgOperations(_ path: String, _ schema: String, _ tag: String, _ noun: String, filters: [(String, J)] = []) -> [Operation] {
        let common: [(String, J)] = [("q", str(max: 50)), ("active", str(enumValues: ["true", "false"]))]
        return [
            Operation(method: "get", path: "/api/v1/\(path)", tag: tag, summary: "List \(noun)", response: (200, schema + "Page"),
                      query: common + filters, paged: true),
            Operation(method: "post", path: "/api/v1/\(path)", tag: tag, summary: "Create a \(noun)", body: schema + "Body", response: (201, schema)),
            Operation(method: "get", path: "/api/v1/\(path)/{id}", tag: tag, summary: "Get a \(noun)", response: (200, schema), pathParams: ["id"]),
            Operation(method: "patch", path: "/api/v1/\(path)/{id}", tag: tag, summary: "Change a \(noun)", body: schema + "Body", response: (200, schema),
                      pathParams: ["id"]),
        ]
    }

    static let operations: [Operation] = [
        Operation(method: "get", path: "/healthz", tag: "system", summary: "Health: 200 when the database answers", response: (200, "Health"), auth: false),
        Operation(method: "get", path: "/openapi.json", tag: "system", summary: "This document", response: (200, nil), auth: false),
        Operation(method: "post", path: "/api/v1/auth/login", tag: "auth", summary: "Sign in; returns a bearer token valid 24 hours",
                  body: "LoginRequest", response: (200, "LoginResponse"), auth: false),
        Operation(method: "post", path: "/api/v1/auth/logout", tag: "auth", summary: "Revoke the token used for this request", response: (204, nil)),
        Operation(method: "get", path: "/api/v1/auth/me", tag: "auth", summary: "The signed-in user", response: (200, "User")),
        Operation(method: "post", path: "/api/v1/auth/password", tag: "auth", summary: "Change one's own password; ends other sessions and tokens",
                  body: "ChangePassword", response: (204, nil)),
        Operation(method: "get", path: "/api/v1/auth/tokens", tag: "auth", summary: "One's API tokens", response: (200, "TokenPage"), paged: true),
        Operation(method: "post", path: "/api/v1/auth/tokens", tag: "auth", summary: "Create an API token; the secret is shown once",
                  body: "CreateToken", response: (201, "CreatedToken")),
        Operation(method: "delete", path: "/api/v1/auth/tokens/{tokenId}", tag: "auth", summary: "Revoke an API token", response: (204, nil),
                  pathParams: ["tokenId"]),
        Operation(method: "get", path: "/api/v1/users", tag: "users", summary: "List users", response: (200, "UserPage"),
                  query: [("q", str(max: 50)), ("role", str(enumValues: roles)), ("departmentId", uuid)], paged: true),
        Operation(method: "post", path: "/api/v1/users", tag: "users", summary: "Create a user (admin)", body: "CreateUser", response: (201, "User")),
        Operation(method: "get", path: "/api/v1/users/lookup", tag: "users", summary: "Find a caller by name, username or phone (service desk; at most 20)",
                  response: (200, "UserLookupList"), query: [("q", str(max: 50))]),
        Operation(method: "get", path: "/api/v1/users/{userId}", tag: "users", summary: "Get a user", response: (200, "User"), pathParams: ["userId"]),
        Operation(method: "patch", path: "/api/v1/users/{userId}", tag: "users", summary: "Change a user (admin)", body: "UpdateUser",
                  response: (200, "User"), pathParams: ["userId"]),
        Operation(method: "get", path: "/api/v1/audit", tag: "audit", summary: "Search the audit log (auditor)", response: (200, "AuditEntryPage"),
                  query: [("actor", str(max: 64)), ("action", str(max: 64)), ("entityType", str(max: 64)), ("entityId", str(max: 64)),
                          ("from", str()), ("to", str())], paged: true),
        Operation(method: "get", path: "/api/v1/audit/verify", tag: "audit", summary: "Verify the audit log's hash chain (auditor)",
                  response: (200, "AuditVerify")),
    ]
    + orgOperations("campuses", "Campus", "organisation", "campus")
    + orgOperations("departments", "Department", "organisation", "department", filters: [("campusId", uuid)])
    + orgOperations("teams", "Team", "organisation", "team", filters: [("domain", str(enumValues: domains))])
    + orgOperations("vendors", "Vendor", "organisation", "vendor")
    + orgOperations("categories", "Category", "organisation", "category", filters: [("domain", str(enumValues: domains)), ("parentId", str())])
    + ticketOperations
    + calendarOperations + knowledgeOperations
    + scorecardOperations
    + registerOperations
    + reportOperations
    + orgOperations("business-systems", "BusinessSystem", "organisation", "business system",
                    filters: [("criticality", str(enumValues: ["core", "important", "general"])), ("vendorId", uuid)])

    static let ticketOperations: [Operation] = {
        let t = ["ticketId"]
        return [
            Operation(method: "get", path: "/api/v1/tickets", tag: "tickets", summary: "List tickets visible to the caller, newest first",
                      response: (200, "TicketRowPage"),
                      query: [("queue", str(enumValues: ["mine", "unassigned", "open", "resolved", "visit", "soon", "overdue"])), ("status", str()), ("domain", str(enumValues: domains)),
                              ("priority", str()), ("assigneeId", str()), ("teamId", uuid), ("reporterId", uuid), ("departmentId", uuid),
                              ("businessSystemId", uuid), ("q", str(max: 100)), ("createdFrom", str()), ("createdTo", str())], paged: true),
            Operation(method: "post", path: "/api/v1/tickets", tag: "tickets", summary: "Report a ticket", body: "CreateTicket", response: (201, "Ticket")),
            Operation(method: "post", path: "/api/v1/tickets/bulk", tag: "tickets", summary: "Apply one action to many tickets",
                      body: "BulkAction", response: (200, "BulkResult")),
            Operation(method: "post", path: "/api/v1/tickets/import", tag: "tickets",
                      summary: "Import tickets from a legacy ledger, events replayed through the state machine and SLA rules; all or nothing (administrators)",
                      body: "ImportBody", response: (201, "ImportResult")),
            Operation(method: "get", path: "/api/v1/tickets/{ticketId}", tag: "tickets", summary: "Get a ticket", response: (200, "Ticket"), pathParams: t),
            Operation(method: "get", path: "/api/v1/tickets/{ticketId}/timeline", tag: "tickets", summary: "The append-only timeline",
                      response: (200, "TicketEventList"), pathParams: t),
            Operation(method: "post", path: "/api/v1/tickets/{ticketId}/actions", tag: "tickets",
                      summary: "Take an action of the closed loop; 409 invalid_transition when not allowed now", body: "TicketAction",
                      response: (200, "Ticket"), pathParams: t),
            Operation(method: "get", path: "/api/v1/tickets/{ticketId}/comments", tag: "tickets", summary: "Comments (internal ones for staff only)",
                      response: (200, "CommentList"), pathParams: t),
            Operation(method: "post", path: "/api/v1/tickets/{ticketId}/comments", tag: "tickets", summary: "Add a comment", body: "CommentBody",
                      response: (201, "Comment"), pathParams: t),
            Operation(method: "post", path: "/api/v1/tickets/{ticketId}/rating", tag: "tickets", summary: "Rate once after resolve (the reporter)",
                      body: "RatingBody", response: (200, "Ticket"), pathParams: t),
            Operation(method: "get", path: "/api/v1/tickets/{ticketId}/links", tag: "tickets", summary: "Links to other tickets",
                      response: (200, "LinkList"), pathParams: t),
            Operation(method: "post", path: "/api/v1/tickets/{ticketId}/links", tag: "tickets", summary: "Link to another ticket (id or number)",
                      body: "LinkBody", response: (201, "LinkList"), pathParams: t),
            Operation(method: "delete", path: "/api/v1/tickets/{ticketId}/links/{linkId}", tag: "tickets", summary: "Remove a link",
                      response: (204, nil), pathParams: ["ticketId", "linkId"]),
            Operation(method: "get", path: "/api/v1/tickets/{ticketId}/worklogs", tag: "tickets", summary: "Work logs (staff)",
                      response: (200, "WorkLogList"), pathParams: t),
            Operation(method: "post", path: "/api/v1/tickets/{ticketId}/worklogs", tag: "tickets", summary: "Log time spent",
                      body: "WorkLogBody", response: (201, "WorkLog"), pathParams: t),
            Operation(method: "get", path: "/api/v1/tickets/{ticketId}/attachments", tag: "tickets", summary: "Attachments",
                      response: (200, "AttachmentList"), pathParams: t),
            Operation(method: "post", path: "/api/v1/tickets/{ticketId}/attachments", tag: "tickets",
                      summary: "Upload an attachment (multipart field file; images, PDF, ZIP, text; at most 10 MB)",
                      body: "AttachmentUpload", response: (201, "Attachment"), pathParams: t, multipart: true),
            Operation(method: "get", path: "/api/v1/attachments/{attachmentId}", tag: "tickets", summary: "Download an attachment",
                      response: (200, nil), pathParams: ["attachmentId"], binary: true, binaryType: "*/*"),
            Operation(method: "get", path: "/api/v1/saved-filters", tag: "tickets", summary: "My saved queue filters",
                      response: (200, "SavedFilterList")),
            Operation(method: "post", path: "/api/v1/saved-filters", tag: "tickets", summary: "Save a queue filter", body: "SavedFilterBody",
                      response: (201, "SavedFilter")),
            Operation(method: "delete", path: "/api/v1/saved-filters/{filterId}", tag: "tickets", summary: "Delete a saved filter",
                      response: (204, nil), pathParams: ["filterId"]),
        ]
    }()

    static let kbFilters: [(String, J)] = [("categoryId", str(format: "uuid")), ("tag", str(max: 20)), ("businessSystemId", str(format: "uuid"))]
    static let knowledgeOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/stats/kpis", tag: "analytics",
                  summary: "KPIs over the tickets created in [from, to), optionally by domain, team, engineer, vendor, system, priority or period (leads, dispatchers, auditors)",
                  response: (200, "KPIResult"),
                  query: [("from", str(max: 40)), ("to", str(max: 40)), ("domain", str(enumValues: domains)), ("teamId", str(format: "uuid")),
                          ("groupBy", str(enumValues: ["domain", "team", "engineer", "vendor", "system", "priority", "day", "week", "month"]))]),
        Operation(method: "get", path: "/api/v1/stats/dashboard", tag: "analytics",
                  summary: "The operations dashboard's figures, hospital-wide: open tickets by status, domain and priority, at risk, breached, today, 30-day trend, top systems, on duty (leads, dispatchers, agents, auditors; docs/dashboard.md)",
                  response: (200, "DashboardFigures")),
        Operation(method: "get", path: "/api/v1/kb/articles", tag: "knowledge", summary: "Articles by status (published: as the reader may see them)",
                  response: (200, "KBArticlePage"),
                  query: [("status", str(enumValues: ["draft", "review", "published", "archived"])), ("mine", str(enumValues: ["true", "false"])),
                          ("reviewDue", str(enumValues: ["true", "false"]))], paged: true),
        Operation(method: "post", path: "/api/v1/kb/articles", tag: "knowledge", summary: "Write a draft", body: "KBArticleBody", response: (201, "KBArticle")),
        Operation(method: "post", path: "/api/v1/kb/articles/from-ticket/{ticketId}", tag: "knowledge",
                  summary: "Draft a de-identified article from a resolved ticket", response: (201, "KBArticle"), pathParams: ["ticketId"]),
        Operation(method: "get", path: "/api/v1/kb/articles/{articleId}", tag: "knowledge", summary: "Read an article", response: (200, "KBArticle"),
                  pathParams: ["articleId"]),
        Operation(method: "patch", path: "/api/v1/kb/articles/{articleId}", tag: "knowledge",
                  summary: "Edit (a new version) or restore a version; 200 when applied, 202 when a published article's edit by a non-reviewer awaits review as its pendingRevision; visibility public only by reviewers (403)",
                  body: "KBArticleBody", response: (200, "KBArticle"), pathParams: ["articleId"]),
        Operation(method: "post", path: "/api/v1/kb/articles/{articleId}/actions", tag: "knowledge",
                  summary: "Workflow: submit, publish, reject, archive, restore, confirm_review; approve_revision, reject_revision (with reason) for a pending revision (reviewers; 409 no_pending_revision)",
                  body: "KBAction", response: (200, "KBArticle"), pathParams: ["articleId"]),
        Operation(method: "get", path: "/api/v1/kb/articles/{articleId}/revision", tag: "knowledge",
                  summary: "The pending revision and its diff against the published text (maintainers, reviewers; 404 when none is pending)",
                  response: (200, "KBRevisionDiff"), pathParams: ["articleId"]),
        Operation(method: "get", path: "/api/v1/kb/articles/{articleId}/revisions", tag: "knowledge",
                  summary: "Every revision, pending, approved and rejected, newest first (maintainers, reviewers)", response: (200, "KBRevisionList"),
                  pathParams: ["articleId"]),
        Operation(method: "get", path: "/api/v1/kb/articles/{articleId}/versions", tag: "knowledge", summary: "Versions, newest first",
                  response: (200, "KBVersionList"), pathParams: ["articleId"]),
        Operation(method: "get", path: "/api/v1/kb/articles/{articleId}/diff", tag: "knowledge", summary: "Line and character diff between two versions",
                  response: (200, "KBDiff"), query: [("from", int(min: 1)), ("to", int(min: 1))], pathParams: ["articleId"]),
        Operation(method: "post", path: "/api/v1/kb/articles/{articleId}/feedback", tag: "knowledge", summary: "Was it helpful (one answer per reader)",
                  body: "KBFeedback", response: (200, "KBArticle"), pathParams: ["articleId"]),
        Operation(method: "post", path: "/api/v1/kb/articles/{articleId}/solved", tag: "knowledge",
                  summary: "It solved my problem: no report needed (self-service); counted once per person, a repeat changes nothing", response: (200, "KBArticle"), pathParams: ["articleId"]),
        Operation(method: "get", path: "/api/v1/kb/search", tag: "knowledge", summary: "Ranked Chinese full-text search with highlighted snippets",
                  response: (200, "KBSearchResult"), query: [("q", str(max: 100))] + kbFilters, paged: true),
        Operation(method: "get", path: "/api/v1/kb/suggest", tag: "knowledge", summary: "Up to 5 articles like the text being typed",
                  response: (200, "KBSearchResult"), query: [("q", str(max: 200))]),
        Operation(method: "get", path: "/api/v1/kb/categories", tag: "knowledge", summary: "Knowledge categories", response: (200, "KBCategoryList")),
        Operation(method: "post", path: "/api/v1/kb/categories", tag: "knowledge", summary: "Add a category (leads, admin)", body: "KBCategoryBody",
                  response: (201, "KBCategory")),
        Operation(method: "post", path: "/api/v1/kb/articles/{articleId}/attachments", tag: "knowledge",
                  summary: "Attach a file or image (multipart field file, at most 10 MB; editors)", body: "AttachmentUpload",
                  response: (201, "KBAttachment"), pathParams: ["articleId"], multipart: true),
        Operation(method: "get", path: "/api/v1/kb/articles/{articleId}/attachments", tag: "knowledge", summary: "An article's files",
                  response: (200, "KBAttachmentList"), pathParams: ["articleId"]),
        Operation(method: "get", path: "/api/v1/kb/export", tag: "knowledge",
                  summary: "The whole base as a ZIP of Markdown files with attachments, patient data replaced unless raw=true (leads; audited)",
                  response: (200, nil), query: [("raw", bool)], binary: true, binaryType: "application/zip"),
        Operation(method: "post", path: "/api/v1/kb/import", tag: "knowledge",
                  summary: "Import a ZIP of Markdown files (an export, or plain .md files); all or nothing (leads)", body: "AttachmentUpload",
                  response: (200, "KBImportResult"), multipart: true),
        Operation(method: "get", path: "/api/v1/kb/ticket-solutions", tag: "knowledge",
                  summary: "Resolved tickets whose title or resolution match (staff; words of 3+ characters)", response: (200, "TicketSolutionList"),
                  query: [("q", str(max: 100))]),
        Operation(method: "get", path: "/api/v1/kb/stats", tag: "knowledge", summary: "Most read articles and searches without results (leads)",
                  response: (200, "KBStats")),
    ]

    static let calendarOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/notification-channels", tag: "notifications", summary: "WeCom/DingTalk group robots and e-mail channels (admin)",
                  response: (200, "ChannelList")),
        Operation(method: "post", path: "/api/v1/notification-channels", tag: "notifications", summary: "Add a group robot or an SMTP e-mail channel (admin)",
                  body: "ChannelBody", response: (201, "Channel")),
        Operation(method: "get", path: "/api/v1/outbox", tag: "notifications", summary: "The delivery log (admin)", response: (200, "OutboxPage"),
                  query: [("status", str(enumValues: ["pending", "sent", "dead"]))], paged: true),
        Operation(method: "post", path: "/api/v1/outbox/{messageId}/retry", tag: "notifications", summary: "Deliver a message again (admin)",
                  response: (204, nil), pathParams: ["messageId"]),
        Operation(method: "get", path: "/api/v1/notifications", tag: "notifications", summary: "My in-app notifications, newest first",
                  response: (200, "NotificationPage"), query: [("unread", str(enumValues: ["true", "false"]))], paged: true),
        Operation(method: "post", path: "/api/v1/notifications/read", tag: "notifications", summary: "Mark all mine read", response: (204, nil)),
        Operation(method: "post", path: "/api/v1/notifications/{notificationId}/read", tag: "notifications", summary: "Mark one read",
                  response: (204, nil), pathParams: ["notificationId"]),
        Operation(method: "get", path: "/api/v1/security/settings", tag: "security", summary: "The security policy (security administrator, auditor)",
                  response: (200, "SecuritySettings")),
        Operation(method: "patch", path: "/api/v1/security/settings", tag: "security", summary: "Change the security policy (security administrator)",
                  body: "SecuritySettingsPatch", response: (200, "SecuritySettings")),
        Operation(method: "get", path: "/api/v1/settings/priority-matrix", tag: "settings", summary: "The impact × urgency → priority matrix",
                  response: (200, "PriorityMatrix")),
        Operation(method: "put", path: "/api/v1/settings/priority-matrix", tag: "settings", summary: "Replace the priority matrix (admin; all 16 cells)",
                  body: "PriorityMatrix", response: (200, "PriorityMatrix")),
        Operation(method: "get", path: "/api/v1/sla-policies", tag: "sla", summary: "SLA policies", response: (200, "SLAPolicyPage"),
                  query: [("domain", str(enumValues: domains)), ("priority", str(enumValues: priorities))], paged: true),
        Operation(method: "post", path: "/api/v1/sla-policies", tag: "sla", summary: "Create an SLA policy (admin)", body: "SLAPolicyBody",
                  response: (201, "SLAPolicy")),
        Operation(method: "patch", path: "/api/v1/sla-policies/{policyId}", tag: "sla", summary: "Switch a policy on or off (admin)",
                  body: "SLAPolicyPatch", response: (200, "SLAPolicy"), pathParams: ["policyId"]),
        Operation(method: "get", path: "/api/v1/dispatch-rules", tag: "dispatch", summary: "Dispatch rules in order", response: (200, "DispatchRuleList")),
        Operation(method: "post", path: "/api/v1/dispatch-rules", tag: "dispatch", summary: "Add a dispatch rule (admin)", body: "DispatchRuleBody",
                  response: (201, "DispatchRule")),
        Operation(method: "patch", path: "/api/v1/dispatch-rules/{ruleId}", tag: "dispatch", summary: "Reorder or switch a rule on/off (admin)",
                  body: "DispatchRulePatch", response: (200, "DispatchRule"), pathParams: ["ruleId"]),
        Operation(method: "delete", path: "/api/v1/dispatch-rules/{ruleId}", tag: "dispatch", summary: "Delete a dispatch rule (admin)",
                  response: (204, nil), pathParams: ["ruleId"]),
        Operation(method: "get", path: "/api/v1/notification-subscriptions", tag: "notifications", summary: "Subscriptions (admin)",
                  response: (200, "SubscriptionList")),
        Operation(method: "post", path: "/api/v1/notification-subscriptions", tag: "notifications", summary: "Subscribe staff to an event (admin)",
                  body: "SubscriptionBody", response: (201, "Subscription")),
        Operation(method: "delete", path: "/api/v1/notification-subscriptions/{subscriptionId}", tag: "notifications", summary: "Delete a subscription (admin)",
                  response: (204, nil), pathParams: ["subscriptionId"]),
        Operation(method: "patch", path: "/api/v1/notification-subscriptions/{subscriptionId}", tag: "notifications",
                  summary: "Switch a subscription off or on (admin)", body: "SubscriptionPatch", response: (200, "Subscription"), pathParams: ["subscriptionId"]),
        Operation(method: "get", path: "/api/v1/calendars", tag: "sla", summary: "Business calendars", response: (200, "CalendarPage"), paged: true),
        Operation(method: "post", path: "/api/v1/calendars", tag: "sla", summary: "Create a calendar (admin)", body: "CalendarBody", response: (201, "Calendar")),
        Operation(method: "get", path: "/api/v1/calendars/{calendarId}", tag: "sla", summary: "Get a calendar", response: (200, "Calendar"),
                  pathParams: ["calendarId"]),
        Operation(method: "put", path: "/api/v1/calendars/{calendarId}", tag: "sla", summary: "Replace a calendar (admin)", body: "CalendarBody",
                  response: (200, "Calendar"), pathParams: ["calendarId"]),
        Operation(method: "post", path: "/api/v1/calendars/{calendarId}/dates", tag: "sla",
                  summary: "Add holidays and make-up working days (admin)", body: "CalendarDates", response: (200, "Calendar"), pathParams: ["calendarId"]),
        Operation(method: "get", path: "/api/v1/calendars/{calendarId}/due", tag: "sla",
                  summary: "The instant when `minutes` of working time have passed from `start`", response: (200, "Due"),
                  query: [("start", str(format: "date-time")), ("minutes", int(min: 0, max: 5_256_000))], pathParams: ["calendarId"]),
        Operation(method: "get", path: "/api/v1/calendars/{calendarId}/business-minutes", tag: "sla",
                  summary: "Working minutes within [from, to)", response: (200, "BusinessMinutes"),
                  query: [("from", str(format: "date-time")), ("to", str(format: "date-time"))], pathParams: ["calendarId"]),
    ]

    // Downtime records, downtime statistics and the generated reports (ANA-3, ANA-4; docs/reports.md, docs/downtime.md).
    static let reportSchemas: [(String, J)] = [
        ("Outage", object([("id", uuid), ("businessSystemId", uuid), ("businessSystemName", str()), ("ticketId", uuidNullable),
                           ("ticketNumber", str(nullable: true)), ("kind", str(enumValues: ["outage", "department_impact"])), ("hospitalWide", bool),
                           ("startedAt", dateTime), ("endedAt", dateTimeNullable), ("minutes", int(min: 0)), ("ongoing", bool),
                           ("departmentIds", array(uuid)), ("scope", str(nullable: true)), ("description", str()), ("createdById", uuid),
                           ("createdAt", dateTime), ("updatedAt", dateTime)],
                          required: ["id", "businessSystemId", "businessSystemName", "kind", "hospitalWide", "startedAt", "minutes", "ongoing",
                                     "departmentIds", "description", "createdById", "createdAt", "updatedAt"])),
        ("OutageBody", object([("businessSystemId", str(max: 36)), ("ticketId", idOrEmpty), ("kind", str(enumValues: ["outage", "department_impact"])),
                               ("hospitalWide", bool), ("startedAt", str(max: 40)), ("endedAt", str(max: 40)), ("departmentIds", array(str(max: 36))),
                               ("scope", str(max: 200)), ("description", str(max: 2000))])),
        ("OutagePage", page("Outage")),
        ("DowntimeMonth", object([("month", str()), ("outageMinutes", int(min: 0)), ("outages", int(min: 0)), ("departmentImpactMinutes", int(min: 0)),
                                  ("departmentImpacts", int(min: 0))],
                                 required: ["month", "outageMinutes", "outages", "departmentImpactMinutes", "departmentImpacts"])),
        ("DowntimeSystem", object([("businessSystemId", uuid), ("name", str()), ("months", array(ref("DowntimeMonth"))), ("outageMinutes", int(min: 0)),
                                   ("outages", int(min: 0)), ("departmentImpacts", int(min: 0)), ("breaches", int(min: 0))],
                                  required: ["businessSystemId", "name", "months", "outageMinutes", "outages", "departmentImpacts", "breaches"])),
        ("DowntimeBreach", object([("businessSystemId", uuid), ("systemName", str()), ("clause", str(enumValues: ["2.5", "2.6", "4.1"])),
                                   ("code", str(enumValues: ["monthly_outage_time", "outage_too_long", "too_many_outages", "too_many_hospital_wide_outages",
                                                             "department_impact_too_long", "too_many_department_impacts_in_month",
                                                             "too_many_department_impacts_in_year"])),
                                   ("text", str()), ("month", str()), ("startedAt", dateTimeNullable), ("minutes", nullableInt), ("ordinal", nullableInt),
                                   ("records", array(object([("outageId", uuid), ("ticketId", uuidNullable), ("ticketNumber", str(nullable: true))],
                                                            required: ["outageId"])))],
                                  required: ["businessSystemId", "systemName", "clause", "code", "text", "month", "records"])),
        ("DowntimeStats", object([("from", dateTime), ("to", dateTime), ("firstMonth", str()), ("months", int(min: 1)),
                                  ("limits", object([("outageMinutesPerMonth", int()), ("outagesPerYear", int()), ("minutesPerOutage", int()),
                                                     ("departmentImpactsPerMonth", int()), ("departmentImpactsPerYear", int()),
                                                     ("minutesPerDepartmentImpact", int()), ("hospitalWideOutagesPerYear", int())])),
                                  ("systems", array(ref("DowntimeSystem"))), ("breaches", array(ref("DowntimeBreach")))],
                                 required: ["from", "to", "firstMonth", "months", "limits", "systems", "breaches"])),
        ("ReportCount", object([("id", uuidNullable), ("name", str()), ("count", int(min: 0))], required: ["name", "count"])),
        ("ReportTicket", object([("id", uuid), ("number", str()), ("title", str()), ("priority", str(enumValues: priorities)),
                                 ("status", str(enumValues: statuses)), ("createdAt", dateTime), ("resolveDueAt", dateTimeNullable),
                                 ("pendingSince", dateTimeNullable), ("reason", str(enumValues: ["overdue", "pending"]))],
                                required: ["id", "number", "title", "priority", "status", "createdAt", "reason"])),
        ("OpsReport", object([
            ("kind", str(enumValues: ["monthly", "weekly"])), ("period", str()), ("from", dateTime), ("to", dateTime), ("previousPeriod", str()),
            ("generatedAt", dateTime), ("kpis", ref("KPIFigures")), ("previous", ref("KPIFigures")),
            ("daily", array(object([("day", str()), ("created", int(min: 0)), ("resolved", int(min: 0))], required: ["day", "created", "resolved"]))),
            ("byDomain", array(object([("key", str()), ("label", str()), ("kpis", ref("KPIFigures"))], required: ["key", "label", "kpis"]))),
            ("byDomainAndKind", array(object([("domain", str(enumValues: domains)), ("kind", str(enumValues: kinds)), ("created", int(min: 0))],
                                             required: ["domain", "kind", "created"]))),
            ("slaByPriority", array(object([("key", str()), ("label", str()), ("kpis", ref("KPIFigures"))], required: ["key", "label", "kpis"]))),
            ("satisfaction", object([("mean", J.o([("type", .s("number")), ("nullable", .b(true))])), ("rated", int(min: 0)), ("distribution", array(int(min: 0)))],
                                    required: ["rated", "distribution"])),
            ("topCategories", array(ref("ReportCount"))), ("topSystems", array(ref("ReportCount"))),
            ("majorIncidents", array(object([("id", uuid), ("number", str()), ("title", str()), ("priority", str(enumValues: priorities)),
                                             ("status", str(enumValues: statuses)), ("businessSystemName", str(nullable: true)), ("createdAt", dateTime),
                                             ("acknowledgedAt", dateTimeNullable), ("resolvedAt", dateTimeNullable), ("resolveDueAt", dateTimeNullable),
                                             ("resolution", str(enumValues: ["met", "missed", "open", "none"]))],
                                            required: ["id", "number", "title", "priority", "status", "createdAt", "resolution"]))),
            ("downtime", array(ref("DowntimeSystem"))),
            ("inspections", object([("available", bool)], required: ["available"])),
            ("risks", object([("overdue", array(ref("ReportTicket"))), ("overdueTotal", int(min: 0)), ("longPending", array(ref("ReportTicket"))),
                              ("longPendingTotal", int(min: 0)), ("downtimeBreaches", array(ref("DowntimeBreach")))],
                             required: ["overdue", "overdueTotal", "longPending", "longPendingTotal", "downtimeBreaches"])),
        ], required: ["kind", "period", "from", "to", "previousPeriod", "generatedAt", "kpis", "previous", "daily", "byDomain", "byDomainAndKind",
                      "slaByPriority", "satisfaction", "topCategories", "topSystems", "majorIncidents", "downtime", "inspections", "risks"])),
    ]

    static let reportOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/outages", tag: "analytics",
                  summary: "Downtime records overlapping [from, to), newest last (leads, dispatchers, agents, auditors)", response: (200, "OutagePage"),
                  query: [("from", str(max: 40)), ("to", str(max: 40)), ("businessSystemId", str(format: "uuid")), ("ticketId", str(format: "uuid"))],
                  paged: true),
        Operation(method: "post", path: "/api/v1/outages", tag: "analytics", summary: "Record an outage or a department-level impact (leads, dispatchers, agents)",
                  body: "OutageBody", response: (201, "Outage")),
        Operation(method: "get", path: "/api/v1/outages/{outageId}", tag: "analytics", summary: "A downtime record", response: (200, "Outage"),
                  pathParams: ["outageId"]),
        Operation(method: "patch", path: "/api/v1/outages/{outageId}", tag: "analytics",
                  summary: "Change a downtime record (endedAt \"\" = still ongoing; ticketId \"\" = unlink)", body: "OutageBody", response: (200, "Outage"),
                  pathParams: ["outageId"]),
        Operation(method: "delete", path: "/api/v1/outages/{outageId}", tag: "analytics", summary: "Delete a downtime record", response: (204, nil),
                  pathParams: ["outageId"]),
        Operation(method: "get", path: "/api/v1/stats/downtime", tag: "analytics",
                  summary: "Downtime per business system per month of the year against the limits of seed 003, with the breaches (leads, dispatchers, auditors)",
                  response: (200, "DowntimeStats"), query: [("year", int(min: 2000, max: 2100))]),
        Operation(method: "get", path: "/api/v1/reports/monthly", tag: "analytics",
                  summary: "The figures of the monthly operations report (default: the last complete month; leads, dispatchers, auditors)",
                  response: (200, "OpsReport"), query: [("month", str(max: 7))]),
        Operation(method: "get", path: "/api/v1/reports/weekly", tag: "analytics",
                  summary: "The figures of the weekly report for the week from the given Monday (default: the last complete week)",
                  response: (200, "OpsReport"), query: [("week", str(format: "date"))]),
    ]

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
            if op.body == nil && op.method == "post" && !op.pathParams.isEmpty {
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
