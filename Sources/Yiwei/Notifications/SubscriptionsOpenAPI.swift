import Foundation

/// Notification subscriptions in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let subscriptionSchemas: [(String, J)] = [
        ("Subscription", object([("id", uuid), ("name", str()), ("event", str()), ("role", str(nullable: true)), ("teamId", uuidNullable),
                                 ("ticketTeam", bool), ("domain", str(nullable: true)), ("delivery", str(enumValues: ["in_app", "email"])),
                                 ("isActive", bool), ("createdAt", dateTime)],
                                required: ["id", "name", "event", "ticketTeam", "delivery", "isActive", "createdAt"])),
        ("SubscriptionPatch", object([("isActive", bool)], required: ["isActive"])),
        ("SubscriptionBody", object([("name", str(max: 50)), ("event", str(max: 50)), ("role", str(enumValues: ["", "agent", "dispatcher", "lead"])),
                                     ("teamId", idOrEmpty), ("ticketTeam", bool), ("domain", str(enumValues: [""] + domains)),
                                     ("delivery", str(enumValues: ["in_app", "email"]))], required: ["name", "event"])),
    ]

    static let subscriptionOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/notification-subscriptions", tag: "notifications", summary: "Subscriptions (admin)",
                  response: (200, "SubscriptionList")),
        Operation(method: "post", path: "/api/v1/notification-subscriptions", tag: "notifications", summary: "Subscribe staff to an event (admin)",
                  body: "SubscriptionBody", response: (201, "Subscription")),
        Operation(method: "delete", path: "/api/v1/notification-subscriptions/{subscriptionId}", tag: "notifications", summary: "Delete a subscription (admin)",
                  response: (204, nil), pathParams: ["subscriptionId"]),
        Operation(method: "patch", path: "/api/v1/notification-subscriptions/{subscriptionId}", tag: "notifications",
                  summary: "Switch a subscription off or on (admin)", body: "SubscriptionPatch", response: (200, "Subscription"), pathParams: ["subscriptionId"]),
    ]
}
