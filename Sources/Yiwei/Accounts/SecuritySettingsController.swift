import Vapor
import YiweiCore

/// `GET/PATCH /api/v1/security/settings`: the security administrator changes the policy, the auditor reads it,
/// everyone else — the system administrator included — is refused (三员分立).
struct SecuritySettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("security", "settings", use: get)
        routes.patch("security", "settings", use: patch)
    }

    func get(req: Request) async throws -> SecuritySettingsDTO {
        try req.require(.readSecuritySettings)
        return try await SecuritySettingsService.current(on: req.db, defaults: req.yiwei.config.security)
    }

    func patch(req: Request) async throws -> SecuritySettingsDTO {
        try req.require(.manageSecuritySettings)
        let patch = try req.decodeJSON(SecuritySettingsPatch.self)
        return try await SecuritySettingsService.update(patch, defaults: req.yiwei.config.security, actor: req.auditActor,
                                                        now: req.now, writer: req.application)
    }
}
