import Fluent
import Foundation
import Vapor
import YiweiCore

struct TicketImportController: RouteCollection {
    /// Enough for 5,000 tickets with their events.
    static let maxBody = 32 * 1_048_576

    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, "tickets", "import", body: .collect(maxSize: ByteCount(value: Self.maxBody)), use: importTickets)
    }

    func importTickets(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.can(.importTickets) else { throw AppError.denied(.importTickets, "only an administrator imports tickets") }
        let body = try req.decodeJSON(ImportRequest.self)
        let result = try await TicketImport.run(body, request: req)
        return try await result.encodeResponse(status: .created, for: req)
    }
}
