import Fluent
import Vapor
import YiweiCore

/// `/api/v1/auth/*` and `/api/v1/users*`.
struct AccountsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("login", use: login)
        auth.post("logout", use: logout)
        auth.get("me", use: me)
        auth.post("password", use: changePassword)
        auth.get("tokens", use: listTokens)
        auth.post("tokens", use: createToken)
        auth.delete("tokens", ":tokenId", use: revokeToken)

        let users = routes.grouped("users")
        users.get(use: listUsers)
        users.post(use: createUser)
        users.get(":userId", use: getUser)
        users.patch(":userId", use: updateUser)
    }

    func login(req: Request) async throws -> Response {
        let body = try req.decodeJSON(LoginRequest.self)
        let user = try await AccountService.authenticate(username: body.username, password: body.password, ip: req.remoteIP, now: req.now,
                                                         lockout: try await req.securitySettings().lockout, on: req.db, writer: req.application)
        let userId = try user.requireID(), now = req.now
        let (secret, token) = try await req.write { db in
            try await AccountService.issueToken(for: userId, name: "login", lifetime: AccountService.loginTokenHours * 3600, on: db, now: now)
        }
        let response = LoginResponse(token: secret, expiresAt: token.expiresAt,
                                     user: UserSummary(id: userId, username: user.username, displayName: user.displayName,
                                                       roles: user.sortedRoles.map(\.rawValue)))
        return try await response.encodeResponse(status: .ok, for: req)
    }

    /// Ends the current token (or browser session).
    func logout(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        let now = req.now, actor = req.auditActor
        if user.via == .token, let bearer = req.headers.bearerAuthorization?.token {
            let digest = Secrets.digest(bearer)
            try await req.write { db in
                try await APIToken.query(on: db).filter(\.$tokenHash == digest).set(\.$revokedAt, to: now).update()
                try await AuditLog.append(on: db, at: now, actor: actor, action: "logout", entityType: "user", entityId: user.id.uuidString)
            }
        } else {
            try await AccountService.endSession(of: user, actor: actor, now: now, writer: req.application)
        }
        return .noContent
    }

    func me(req: Request) async throws -> UserDTO {
        let user = try req.requireUser()
        return try await UserService.load(user.id, on: req.db, now: req.now)
    }

    func changePassword(req: Request) async throws -> HTTPStatus {
        let me = try req.requireUser()
        let body = try req.decodeJSON(ChangePasswordRequest.self)
        try await AccountService.changeOwnPassword(me, current: body.currentPassword, new: body.newPassword, policy: try await req.securitySettings().passwordPolicy,
                                                   actor: req.auditActor, now: req.now, config: req.yiwei.config, on: req.db, writer: req.application)
        return .noContent
    }

    func listTokens(req: Request) async throws -> Page<TokenDTO> {
        let user = try req.requireUser()
        let page = try PageRequest(from: req)
        let query = APIToken.query(on: req.db).filter(\.$userId == user.id)
        let total = try await query.count()
        let tokens = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Page(items: tokens.map(\.dto), page: page.page, per: page.per, total: total)
    }

    func createToken(req: Request) async throws -> Response {
        let body = try req.decodeJSON(CreateTokenRequest.self)
        let (secret, token) = try await AccountService.createPersonalToken(name: body.name, days: body.expiresInDays, by: try req.requireUser(),
                                                                           maxDays: req.yiwei.config.tokenLifetimeDays, actor: req.auditActor, now: req.now,
                                                                           writer: req.application)
        return try await CreatedTokenDTO(token: secret, info: token.dto).encodeResponse(status: .created, for: req)
    }

    func revokeToken(req: Request) async throws -> HTTPStatus {
        try await AccountService.revokePersonalToken(req.parameters.get("tokenId", as: UUID.self), by: try req.requireUser(), actor: req.auditActor, now: req.now,
                                                     writer: req.application)
        return .noContent
    }

    func listUsers(req: Request) async throws -> Page<UserDTO> {
        try req.require(.readUsers)
        let page = try PageRequest(from: req)
        var v = Validator()
        let role = v.oneOf("role", req.queryParameter("role"), Role.self, required: false)
        let department = v.uuid("departmentId", req.queryParameter("departmentId"))
        let q = v.text("q", req.queryParameter("q"), required: false, max: 50)
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "invalid filter", fields: v.fields) }
        return try await UserService.list(.init(q: q, role: role, departmentId: department), page: page, on: req.db, now: req.now)
    }

    func createUser(req: Request) async throws -> Response {
        let me = try UserService.requireAnyKeeper(try req.requireUser())
        let body = try req.decodeJSON(CreateUserRequest.self)
        return try await UserService.create(body, by: me, passwordPolicy: try await req.securitySettings().passwordPolicy,
                                            defaultLocale: req.yiwei.config.defaultLocale,
                                            actor: req.auditActor, now: req.now, on: req.db, writer: req.application).encodeResponse(status: .created, for: req)
    }

    func getUser(req: Request) async throws -> UserDTO {
        let me = try req.requireUser()
        guard let id = req.parameters.get("userId", as: UUID.self) else { throw AppError.notFound("user") }
        if id != me.id { try req.require(.readUsers) }
        return try await UserService.load(id, on: req.db, now: req.now)
    }

    func updateUser(req: Request) async throws -> UserDTO {
        let me = try UserService.requireAnyKeeper(try req.requireUser())
        guard let id = req.parameters.get("userId", as: UUID.self) else { throw AppError.notFound("user") }
        let body = try req.decodeJSON(UpdateUserRequest.self)
        return try await UserService.update(id, body, by: me, passwordPolicy: try await req.securitySettings().passwordPolicy, actor: req.auditActor, now: req.now,
                                            on: req.db, writer: req.application)
    }
}

/// `GET /api/v1/users/lookup?q=` for the service desk and leads taking a call.
struct UserLookupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("users", "lookup", use: lookup)
    }

    func lookup(req: Request) async throws -> [UserLookupDTO] {
        try req.require(.lookUpCallers)
        var v = Validator()
        let q = v.text("q", req.queryParameter("q"), max: 50)
        if !v.isValid { throw AppError(.badRequest, .invalidQuery, "give q, the start of a name, username or phone", fields: v.fields) }
        return try await UserLookup.search(q!, on: req.db)
    }
}
