import SQLKit
import Vapor

struct HealthDTO: Content {
    var status: String
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise (for load balancers and monitoring).
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz", use: health)
        routes.get("openapi.json", use: openAPI)
    }

    func health(req: Request) async throws -> Response {
        do {
            _ = try await req.db.sql.raw("SELECT 1").all()
            return try await HealthDTO(status: "ok").encodeResponse(for: req)
        } catch {
            req.logger.error("health check: database unavailable: \(String(reflecting: error))")
            return try await HealthDTO(status: "unavailable").encodeResponse(status: .serviceUnavailable, for: req)
        }
    }

    func openAPI(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: OpenAPIDocument.json))
        response.headers.contentType = .json
        return response
    }
}
