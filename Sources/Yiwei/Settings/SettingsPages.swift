import Fluent
import Foundation
import SQLKit
import Vapor
import YiweiCore

/// 优先级矩阵 page: a 4 × 4 grid of choices.
struct PriorityMatrixPage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "priority-matrix", use: page)
        routes.post("admin", "priority-matrix", use: save)
    }

    struct Context: Encodable {
        struct Cell: Encodable { var name: String; var impact: String; var options: [FormField.Option] }
        struct Row: Encodable { var label: String; var cells: [Cell] }
        var page: PageBase
        var impacts: [String]
        var rows: [Row]
        var readOnly: Bool
    }

    func page(req: Request) async throws -> View {
        let user = try req.require(.viewSettingsPages)
        let base = try await PageBase.make(for: req, titleKey: "matrix_title")
        let labels = TicketLabels(t: base.t)
        let matrix = try await PriorityMatrixStore.load(on: req.db)
        let impacts: [Impact] = [.hospital, .multiDepartment, .department, .individual]
        let rows = Urgency.allCases.map { u in
            Context.Row(label: labels.urgency(u.rawValue), cells: impacts.map { i in
                let current = matrix.priority(impact: i, urgency: u)
                return Context.Cell(name: u.rawValue + "." + i.rawValue, impact: labels.impact(i.rawValue),
                                    options: Priority.allCases.map { .init(value: $0.rawValue, label: labels.priority($0.rawValue), selected: $0 == current) })
            })
        }
        return try await req.view.render("admin/matrix", Context(page: base, impacts: impacts.map { labels.impact($0.rawValue) }, rows: rows,
                                                                 readOnly: !user.can(.manageOrganisation)))
    }

    func save(req: Request) async throws -> Response {
        try req.require(.manageOrganisation)
        let form = try req.content.decode([String: String].self)
        var cells: [String: [String: String]] = [:]
        for (key, value) in form where key.contains(".") {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            cells[parts[0], default: [:]][parts[1]] = value
        }
        _ = try await PriorityMatrixStore.save(PriorityMatrixDTO(cells: cells), request: req)
        return req.redirect(to: "/admin/priority-matrix", flash: "saved")
    }
}
