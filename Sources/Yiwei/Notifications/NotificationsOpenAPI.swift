import Foundation

/// In-app notifications in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let notificationSchemas: [(String, J)] = [
        ("Notification", object([("id", uuid), ("event", str()), ("title", str()), ("body", str()), ("ticketId", uuidNullable),
                                 ("createdAt", dateTime), ("read", bool)], required: ["id", "event", "title", "body", "createdAt", "read"])),
    ]

    static let notificationOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/notifications", tag: "notifications", summary: "My in-app notifications, newest first",
                  response: (200, "NotificationPage"), query: [("unread", str(enumValues: ["true", "false"]))], paged: true),
        Operation(method: "post", path: "/api/v1/notifications/read", tag: "notifications", summary: "Mark all mine read", response: (204, nil)),
        Operation(method: "post", path: "/api/v1/notifications/{notificationId}/read", tag: "notifications", summary: "Mark one read",
                  response: (204, nil), pathParams: ["notificationId"]),
    ]
}
