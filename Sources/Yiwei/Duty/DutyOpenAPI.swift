import Foundation

/// The duty roster in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let dutySchemas: [(String, J)] = [
        ("DutyShiftType", object([("id", uuid), ("name", str()), ("start", str()), ("end", str()), ("level", str(enumValues: ["primary", "backup"])),
                                  ("teamId", uuidNullable), ("crossesMidnight", bool), ("minutes", int(min: 1, max: 1440))] + stamps,
                                 required: ["id", "name", "start", "end", "level", "crossesMidnight", "minutes", "isActive", "createdAt", "updatedAt"])),
        ("DutyShiftTypeList", array(ref("DutyShiftType"))),
        ("DutyShiftTypeBody", object([("name", str(max: 50)), ("start", str(max: 5)), ("end", str(max: 5)),
                                      ("level", str(enumValues: ["primary", "backup"])), ("teamId", idOrEmpty)],
                                     required: ["name", "start", "end", "level"])),
        ("DutyShift", object([("id", uuid), ("teamId", uuid), ("userId", uuid), ("shiftTypeId", uuid), ("date", str()),
                              ("startsAt", dateTime), ("endsAt", dateTime), ("level", str(enumValues: ["primary", "backup"])), ("createdAt", dateTime)],
                             required: ["id", "teamId", "userId", "shiftTypeId", "date", "startsAt", "endsAt", "level", "createdAt"])),
        ("DutyShiftPage", page("DutyShift")),
        ("DutyShiftBody", object([("teamId", str(max: 36)), ("userId", str(max: 36)), ("shiftTypeId", str(max: 36)), ("date", str(max: 10))],
                                 required: ["teamId", "userId", "shiftTypeId", "date"])),
        ("DutyNow", object([("at", dateTime), ("teamId", uuid),
                            ("onDuty", array(object([("userId", uuid), ("shiftId", uuid), ("level", str(enumValues: ["primary", "backup"]))],
                                                    required: ["userId", "shiftId", "level"])))],
                           required: ["at", "teamId", "onDuty"])),
    ]

    static let dutyOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/duty/shift-types", tag: "duty", summary: "Shift types (班次), a team's and the shared ones",
                  response: (200, "DutyShiftTypeList"), query: [("teamId", uuid)]),
        Operation(method: "post", path: "/api/v1/duty/shift-types", tag: "duty", summary: "Add a shift type (leads)",
                  body: "DutyShiftTypeBody", response: (201, "DutyShiftType")),
        Operation(method: "get", path: "/api/v1/duty/shifts", tag: "duty", summary: "The roster: shifts by team, person and date",
                  response: (200, "DutyShiftPage"), query: [("teamId", uuid), ("userId", uuid), ("from", str(format: "date")), ("to", str(format: "date"))],
                  paged: true),
        Operation(method: "post", path: "/api/v1/duty/shifts", tag: "duty", summary: "Put a person on a shift (leads); conflicts answer 409",
                  body: "DutyShiftBody", response: (201, "DutyShift")),
        Operation(method: "delete", path: "/api/v1/duty/shifts/{shiftId}", tag: "duty", summary: "Remove a shift that has not started (leads)",
                  response: (204, nil), pathParams: ["shiftId"], conflict: true),
        Operation(method: "get", path: "/api/v1/duty/now", tag: "duty", summary: "Who is on duty in a team at an instant (default now)",
                  response: (200, "DutyNow"), query: [("teamId", uuid), ("at", dateTime)]),
    ]
}
