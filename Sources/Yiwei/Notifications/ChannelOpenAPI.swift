import Foundation

/// Notification channels (group robots, e-mail) and the delivery log in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let channelSchemas: [(String, J)] = [
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
    ]

    static let channelOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/notification-channels", tag: "notifications", summary: "WeCom/DingTalk group robots and e-mail channels (admin)",
                  response: (200, "ChannelList")),
        Operation(method: "post", path: "/api/v1/notification-channels", tag: "notifications", summary: "Add a group robot or an SMTP e-mail channel (admin)",
                  body: "ChannelBody", response: (201, "Channel")),
        Operation(method: "get", path: "/api/v1/outbox", tag: "notifications", summary: "The delivery log (admin)", response: (200, "OutboxPage"),
                  query: [("status", str(enumValues: ["pending", "sent", "dead"]))], paged: true),
        Operation(method: "post", path: "/api/v1/outbox/{messageId}/retry", tag: "notifications", summary: "Deliver a message again (admin)",
                  response: (204, nil), pathParams: ["messageId"]),
    ]
}
