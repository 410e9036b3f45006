import Fluent

/// The one ordered list of all migrations. Never edit a migration that has landed; append a new one.
enum YiweiMigrations {
    static let all: [any Migration] = [
        CreateCampuses(),
        CreateVendors(),
        CreateDepartments(),
        CreateUsers(),
        CreateAPITokens(),
        CreateWebSessions(),
        CreateTeams(),
        CreateCategories(),
        CreateBusinessSystems(),
        CreateAuditLog(),
        CreateTickets(),
        AddDepartmentTicketVisibility(),
        AddUserPreviousLogin(),
        AddTicketVisitedAt(),
        CreateCalendars(),
        CreateSLAPolicies(),
        CreateSettings(),
        AddDispatchFields(),
        CreateSLAAlerts(),
        CreateUserNotifications(),
        CreateOutbox(),
        AddWrittenPlan(),
        AddEscalationAndTimeBases(),
        CreateDispatchRules(),
        AddEmailAndSubscriptions(),
        CreateKnowledgeBase(),
        CreateTicketSolutionIndex(),
        CreateKBAttachments(),
        AddKPIColumns(),
        AddTicketImportedAt(),
    ]
}
