import Foundation

/// The priority matrix in the OpenAPI document (joined in OpenAPIDocument.swift).
extension OpenAPIDocument {
    static let priorityMatrixSchemas: [(String, J)] = [
        ("PriorityMatrix", object([("cells", .o([("type", .s("object")), ("description", .s("urgency → impact → P1…P4")),
                                                  ("additionalProperties", .o([("type", .s("object")), ("additionalProperties", str(enumValues: priorities))]))]))],
                                  required: ["cells"])),
    ]

    static let priorityMatrixOperations: [Operation] = [
        Operation(method: "get", path: "/api/v1/settings/priority-matrix", tag: "settings", summary: "The impact × urgency → priority matrix",
                  response: (200, "PriorityMatrix")),
        Operation(method: "put", path: "/api/v1/settings/priority-matrix", tag: "settings", summary: "Replace the priority matrix (admin; all 16 cells)",
                  body: "PriorityMatrix", response: (200, "PriorityMatrix")),
    ]
}
