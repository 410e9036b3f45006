import Fluent
import SQLKit
import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController())

    let api = app.grouped("api", "v1").grouped(APIPasswordChangeMiddleware())
    try api.register(collection: AccountsController())
    try api.register(collection: UserLookupController())
    try api.register(collection: OrgController<CampusResource>())
    try api.register(collection: OrgController<DepartmentResource>())
    try api.register(collection: OrgController<TeamResource>())
    try api.register(collection: OrgController<VendorResource>())
    try api.register(collection: OrgController<CategoryResource>())
    try api.register(collection: OrgController<BusinessSystemResource>())
    try api.register(collection: AuditController())
    try api.register(collection: TicketController())
    try api.register(collection: TicketImportController())
    try api.register(collection: CalendarController())
    try api.register(collection: SLAPolicyController())
    try api.register(collection: SettingsController())
    try api.register(collection: SecuritySettingsController())
    try api.register(collection: NotificationController())
    try api.register(collection: ChannelController())
    try api.register(collection: DispatchRuleController())
    try api.register(collection: SubscriptionController())
    try api.register(collection: KnowledgeController())
    try api.register(collection: KPIController())
    try api.register(collection: EvaluationRegistersController())
    try api.register(collection: DashboardController())
    try api.register(collection: ScorecardController())
    try api.register(collection: VendorEvaluationController())
    try api.register(collection: OutageController())
    try api.register(collection: DowntimeController())
    try api.register(collection: ReportController())
    try api.register(collection: DutyController())

    try app.register(collection: AccountPages())
    let pages = app.grouped(PasswordChangeMiddleware(), UnreadCountMiddleware())
    try pages.register(collection: KnowledgePages())
    try pages.register(collection: HomePage())
    try pages.register(collection: UserPages())
    try pages.register(collection: OrgPages<CampusResource>())
    try pages.register(collection: OrgPages<DepartmentResource>())
    try pages.register(collection: OrgPages<TeamResource>())
    try pages.register(collection: OrgPages<VendorResource>())
    try pages.register(collection: OrgPages<CategoryResource>())
    try pages.register(collection: OrgPages<BusinessSystemResource>())
    try pages.register(collection: AuditPages())
    try pages.register(collection: TicketPages())
    try pages.register(collection: TicketImportPages())
    try pages.register(collection: PortalPages())
    try pages.register(collection: QRLabelPages())
    try pages.register(collection: CalendarPages())
    try pages.register(collection: SLAPolicyPages())
    try pages.register(collection: PriorityMatrixPage())
    try pages.register(collection: SecuritySettingsPages())
    try pages.register(collection: NotificationsPage())
    try pages.register(collection: ChannelPages())
    try pages.register(collection: DispatchRulePages())
    try pages.register(collection: SubscriptionPages())
    try pages.register(collection: DutyPages())
    try pages.register(collection: SurveyPages())
    try pages.register(collection: DeliverablePages())
    try pages.register(collection: AttendancePages())
    try pages.register(collection: ScorecardPages())
    try pages.register(collection: VendorEvaluationPages())
    try pages.register(collection: ReportPages())
    try pages.register(collection: OutagePages())
    try pages.register(collection: DashboardPages(app: app))
}

/// The bell's number: unread notifications of the signed-in browser user, counted once per page; for a
/// department's user, in the same query, whether a satisfaction survey waits for their department (the sidebar's
/// 待填问卷, `SurveyNav`).
struct UnreadCountMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .GET, let user = request.currentUser, user.via == .session {
            var select: SQLQueryString = """
                SELECT (SELECT COUNT(*) FROM \(ident: UserNotification.schema) WHERE user_id = \(bind: user.id) AND read_at IS NULL) AS n
                """
            let department = SurveyNav.department(of: user)
            if let department { select += ", \(SurveyService.pendingCountSQL(department: department)) AS s" }
            let row = try await request.db.sql.raw(select).first()
            request.storage[UnreadCountKey.self] = try row?.decode(column: "n", as: Int.self) ?? 0
            if department != nil { request.storage[PendingSurveysKey.self] = try (row?.decode(column: "s", as: Int.self) ?? 0) > 0 }
        }
        return try await next.respond(to: request)
    }
}

struct UnreadCountKey: StorageKey { typealias Value = Int }

/// The same rule on the API: an account whose password an administrator set (or reset) reads its own
/// account and changes its password, and nothing else, until it has chosen its own — a reset password
/// must not open the audit log or the tickets through a token.
struct APIPasswordChangeMiddleware: AsyncMiddleware {
    static let allowed: Set<String> = ["/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/logout", "/api/v1/auth/login"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let user = request.currentUser, user.mustChangePassword, !Self.allowed.contains(request.url.path) {
            throw AppError(.forbidden, .passwordChangeRequired, "choose a new password first: POST /api/v1/auth/password")
        }
        return try await next.respond(to: request)
    }
}

/// A browser user whose password was set by an administrator must choose their own before anything else.
struct PasswordChangeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let user = request.currentUser, user.via == .session, user.mustChangePassword, request.method == .GET {
            return request.redirect(to: "/account/password")
        }
        return try await next.respond(to: request)
    }
}
