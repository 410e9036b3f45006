/// The roles of Yiwei. A user holds one or more; permissions are the union of their roles'.
///
/// `admin`, `security` and `auditor` are the three administrators of 等保 2.0 三员分立 (system, security and
/// audit administrator); the others are the hospital's and its vendors' working roles.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case admin, agent, dispatcher, lead, reporter, vendor, auditor, security

    /// The three administrator roles: each stands alone on its account.
    public static let administrators: Set<Role> = [.admin, .security, .auditor]
    /// The roles the system administrator grants; the administrator roles are the security administrator's.
    public static let business: Set<Role> = [.agent, .dispatcher, .lead, .reporter, .vendor]

    public var isAdministrator: Bool { Self.administrators.contains(self) }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a user may do: one case per row of docs/permissions.md. Every permission check in the API and in
/// the pages asks for one of these through `Request.require(_:)`; no code asks for a role.
public enum Permission: String, CaseIterable, Codable, Sendable {
    // Organisation and accounts
    /// Read campuses, departments, teams, vendors, categories, business systems.
    case readOrganisation
    /// Open the organisation and service settings pages (calendars, SLA policies, matrix, dispatch rules).
    case viewSettingsPages
    /// Create and change the organisation and the service settings (calendars, SLA policies, priority matrix,
    /// dispatch rules, notification channels, subscriptions, QR labels).
    case manageOrganisation
    /// Read the list of user accounts.
    case readUsers
    /// Create and change user accounts and grant them the business roles.
    case manageUsers
    /// Grant and withdraw the administrator roles, reset administrators' passwords (三员分立).
    case grantAdministratorRoles
    /// Look up a caller by name, username or phone number to take a report for them.
    case lookUpCallers
    /// Read and verify the audit log.
    case readAudit
    /// Read the security policy (password length, lock-out, idle timeout).
    case readSecuritySettings
    /// Change the security policy.
    case manageSecuritySettings

    // Service desk
    /// Report tickets, follow and rate one's own.
    case reportTickets
    /// Report for someone else (a call taken by the service desk) and choose the department.
    case reportOnBehalf
    /// See every ticket of the hospital.
    case readAllTickets
    /// See the tickets of one's teams.
    case readTeamTickets
    /// See every ticket of one's teams' domains (IT, logistics, medical equipment).
    case readDomainTickets
    /// See the department's tickets where the department allows it.
    case readDepartmentTickets
    /// Read internal comments, work logs and internal attachments of the tickets one sees.
    case readInternalNotes
    /// Work tickets (accept, start, pend, resolve, comment, log work).
    case workTickets
    /// Dispatch (assign, transfer, reprioritize, cancel, close, reopen).
    case dispatchTickets
    /// Return visits after resolution.
    case returnVisits
    /// Approve written plans (SLA-5) and vendor pauses (SLA-3).
    case approveTickets
    /// Import historical tickets.
    case importTickets

    // Analytics
    /// The dashboard and the wall screen.
    case viewDashboard
    /// KPIs, monthly and weekly reports, downtime statistics.
    case readReports
    /// Read recorded downtime (outages).
    case readOutages
    /// Record downtime on incidents.
    case recordOutages
    /// Correct and delete recorded downtime (it decides penalties and payment).
    case manageOutages

    // Vendor evaluation
    /// Read every scorecard, survey, deliverable and attendance record.
    case readEvaluation
    /// Read one's own vendor's confirmed scorecards.
    case readOwnVendorEvaluation
    /// Draft, score, confirm and revoke scorecards; payment; surveys; deliverables; attendance.
    case manageEvaluation
    /// Upload one's own vendor's deliverables.
    case submitDeliverables
    /// Answer the department satisfaction survey (one's own department).
    case answerSurveys

    // Knowledge
    /// Read public articles.
    case readKnowledge
    /// Read internal articles too.
    case readInternalKnowledge
    /// Read every article, restricted ones and every version included.
    case readAllKnowledge
    /// Write drafts and edit the articles one maintains; a published article's edit is a revision a reviewer approves.
    case writeKnowledge
    /// Review, publish, archive; approve or reject revisions of published articles; make an article public (the
    /// extranet); import and export the knowledge base.
    case reviewKnowledge
    /// Keep the knowledge base's category tree.
    case manageKnowledgeCategories
    /// Rate an article useful or not, mark it as having solved one's problem.
    case giveKnowledgeFeedback

    // 值班 (DUTY)
    /// See the duty rosters and who is on duty.
    case readDuty
    /// Keep the rosters: shift types, shifts.
    case manageDuty
}

public enum RolePolicy {
    /// The one map from roles to permissions (docs/permissions.md is this table, tested against it).
    public static func permissions(for role: Role) -> Set<Permission> {
        switch role {
        case .admin:
            [.readOrganisation, .viewSettingsPages, .manageOrganisation, .readUsers, .manageUsers, .importTickets,
             .readKnowledge, .readInternalKnowledge, .manageKnowledgeCategories, .giveKnowledgeFeedback]
        case .security:
            [.readOrganisation, .viewSettingsPages, .readUsers, .grantAdministratorRoles, .readSecuritySettings, .manageSecuritySettings,
             .readKnowledge, .readInternalKnowledge]
        case .auditor:
            [.readOrganisation, .viewSettingsPages, .readUsers, .readAudit, .readSecuritySettings, .readAllTickets,
             .readInternalNotes, .viewDashboard, .readReports, .readOutages, .readEvaluation,
             .readKnowledge, .readInternalKnowledge, .readAllKnowledge, .readDuty]
        case .lead:
            [.readOrganisation, .viewSettingsPages, .readUsers, .lookUpCallers, .reportTickets, .reportOnBehalf,
             .readAllTickets, .readInternalNotes, .workTickets, .dispatchTickets, .returnVisits, .approveTickets,
             .viewDashboard, .readReports, .readOutages, .recordOutages, .manageOutages,
             .readEvaluation, .manageEvaluation, .answerSurveys,
             .readKnowledge, .readInternalKnowledge, .readAllKnowledge, .writeKnowledge, .reviewKnowledge,
             .manageKnowledgeCategories, .giveKnowledgeFeedback, .readDuty, .manageDuty]
        case .dispatcher:
            [.readOrganisation, .viewSettingsPages, .readUsers, .lookUpCallers, .reportTickets, .reportOnBehalf,
             .readAllTickets, .readInternalNotes, .workTickets, .dispatchTickets, .returnVisits,
             .viewDashboard, .readReports, .readOutages, .recordOutages, .answerSurveys,
             .readKnowledge, .readInternalKnowledge, .writeKnowledge, .giveKnowledgeFeedback, .readDuty]
        case .agent:
            [.readOrganisation, .viewSettingsPages, .readUsers, .reportTickets, .readTeamTickets, .readDomainTickets, .readInternalNotes,
             .workTickets, .dispatchTickets, .viewDashboard, .readOutages, .recordOutages, .answerSurveys,
             .readKnowledge, .readInternalKnowledge, .writeKnowledge, .giveKnowledgeFeedback, .readDuty]
        case .vendor:
            [.readOrganisation, .readTeamTickets, .readInternalNotes, .workTickets,
             .readOwnVendorEvaluation, .submitDeliverables,
             .readKnowledge, .readInternalKnowledge, .writeKnowledge, .giveKnowledgeFeedback, .readDuty]
        case .reporter:
            [.readOrganisation, .reportTickets, .readDepartmentTickets, .answerSurveys,
             .readKnowledge, .giveKnowledgeFeedback]
        }
    }

    public static func permissions(for roles: some Sequence<Role>) -> Set<Permission> {
        roles.reduce(into: Set<Permission>()) { $0.formUnion(permissions(for: $1)) }
    }

    /// The roles that hold a permission (for "notify the leads" and the like, without naming a role).
    public static func roles(with permission: Permission) -> Set<Role> {
        Set(Role.allCases.filter { permissions(for: $0).contains(permission) })
    }

    /// Role sets that separation of duties forbids: the three administrators are three people, and none of
    /// them works tickets — an administrator who could also give itself `lead` could read every ticket.
    public static func conflict(in roles: Set<Role>) -> RoleConflict? {
        if roles.contains(.admin) && roles.contains(.auditor) { return .adminAndAuditor }
        let administrators = roles.intersection(Role.administrators)
        if administrators.count > 1 { return .administratorsCombined }
        if !administrators.isEmpty && roles.count > 1 { return .administratorWithOtherRoles }
        return nil
    }

    /// Which permission granting or withdrawing a role needs: the business roles are the system
    /// administrator's to grant, the administrator roles the security administrator's.
    public static func permissionToGrant(_ role: Role) -> Permission {
        role.isAdministrator ? .grantAdministratorRoles : .manageUsers
    }
}

public enum RoleConflict: String, Sendable, Equatable {
    case adminAndAuditor = "admin_and_auditor"
    /// Two of the three administrator roles on one account.
    case administratorsCombined = "administrators_combined"
    /// An administrator role with a working role (the auditor must stay read-only, the system and security
    /// administrators must not read tickets).
    case administratorWithOtherRoles = "administrator_with_other_roles"
}
