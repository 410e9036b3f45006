import Foundation

/// Business calendars and working-time arithmetic in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let calendarSchemas: [(String, J)] = [
        ("WeeklyHours", .o([("type", .s("object")), ("description", .s("weekday (mon … sun) → intervals [[\"08:00\",\"12:00\"],[\"14:30\",\"17:30\"]]")),
                            ("additionalProperties", array(array(str())))])),
        ("Calendar", object([("id", uuid), ("name", str()), ("timeZone", str()), ("weeklyHours", ref("WeeklyHours")),
                             ("holidays", array(str(format: "date"))), ("workdays", array(str(format: "date")))] + stamps,
                            required: ["id", "name", "timeZone", "weeklyHours", "holidays", "workdays", "isActive", "createdAt", "updatedAt"])),
        ("CalendarBody", object([("name", str(max: 50)), ("timeZone", str()), ("weeklyHours", ref("WeeklyHours")),
                                 ("holidays", array(str())), ("workdays", array(str()))] + writeStamps, required: ["name", "weeklyHours"])),
        ("CalendarDates", object([("holidays", array(str())), ("workdays", array(str()))])),
        ("Due", object([("due", str(format: "date-time"))], required: ["due"])),
    ]

    static let businessMinutesSchemas: [(String, J)] = [
        ("BusinessMinutes", object([("minutes", .o([("type", .s("number"))]))], required: ["minutes"])),
    ]

    static let calendarOperations: [Operation] = [
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
}
